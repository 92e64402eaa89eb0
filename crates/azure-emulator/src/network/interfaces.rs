//! Network interfaces. Writing one needs `networkInterfaces/write` on it and
//! `virtualNetworks/subnets/join/action` on its subnet (ARM's linked authorization); its IP
//! configuration takes a private address from the subnet as Azure allocates it (`addresses`); a
//! subnet or VNet a NIC uses cannot be deleted, nor can the subnet's prefix change.

use super::addresses;
use super::rules::check_location;
use crate::authorization::access::{Caller, Op};
use crate::authorization::scope::{self, NicRef, VnetRef};
use crate::error::{EmulatorError, Result};
use crate::model::limits;
use crate::model::names::{self, NameKind};
use crate::model::state::State;
use crate::network::resources::*;
use ipnet::{IpNet, Ipv4Net};
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NetworkInterfaceSpec {
    pub location: String,
    pub ip_configurations: Vec<IpConfigurationSpec>,
    pub tags: BTreeMap<String, String>,
    pub unmodeled: Unmodeled,
}

#[derive(Debug, Clone)]
pub struct IpConfigurationSpec {
    pub name: String,
    pub subnet: Option<SubnetRef>,
    pub allocation: IpAllocation,
    /// Taken when `allocation` is `Static`; a dynamic configuration keeps the address it has.
    pub private_ip_address: Option<Ipv4Addr>,
    pub unmodeled: Unmodeled,
}

impl IpConfigurationSpec {
    /// A dynamic IP configuration in `subnet`, as `az network nic create` sends it.
    pub fn dynamic(name: &str, subnet: SubnetRef) -> Self {
        IpConfigurationSpec {
            name: name.to_string(),
            subnet: Some(subnet),
            allocation: IpAllocation::Dynamic,
            private_ip_address: None,
            unmodeled: Unmodeled::new(),
        }
    }
}

/// Locations compare as ARM normalises them: `West Europe` is `westeurope`.
fn same_region(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    norm(a) == norm(b)
}

impl State {
    pub fn network_interface(&self, n: &NicRef) -> Result<&NetworkInterface> {
        self.resource_group(n.subscription, &n.resource_group)?;
        self.network_interfaces.get(&n.key()).ok_or_else(|| EmulatorError::ResourceNotFound {
            resource_type: scope::NIC_TYPE.into(),
            name: n.name.clone(),
            resource_group: n.resource_group.clone(),
        })
    }

    /// The NICs of a subscription (or one of its groups) the caller may read.
    pub fn list_network_interfaces(&self, c: &Caller, sub: Uuid, rg: Option<&str>) -> Result<Vec<&NetworkInterface>> {
        self.readable_in(c, sub, rg, self.network_interfaces.values())
    }

    pub fn read_network_interface(&self, c: &Caller, n: &NicRef) -> Result<&NetworkInterface> {
        self.check(c, Op::ReadNic, &n.id())?;
        self.network_interface(n)
    }

    /// Creates or updates a NIC: the caller's permission on the NIC and on each subnet it joins,
    /// then Azure's rules for its IP configuration and address.
    pub fn put_network_interface(
        &mut self,
        c: &Caller,
        n: &NicRef,
        spec: NetworkInterfaceSpec,
    ) -> Result<(NetworkInterface, bool)> {
        let id = n.id();
        self.check(c, Op::WriteNic, &id)?;
        for subnet in spec.ip_configurations.iter().filter_map(|i| i.subnet.as_ref()) {
            self.check_linked(c, Op::WriteNic, &id, Op::JoinSubnet, &subnet.id())?;
        }
        self.insert_network_interface(n, spec)
    }

    /// Creates or updates a NIC without an authorization check.
    pub fn insert_network_interface(
        &mut self,
        n: &NicRef,
        spec: NetworkInterfaceSpec,
    ) -> Result<(NetworkInterface, bool)> {
        self.resource_group(n.subscription, &n.resource_group)?;
        names::validate(NameKind::NetworkInterface, &n.name)?;
        check_location(&spec.location, "network interface")?;
        limits::tags(&spec.tags)?;
        let id = n.id();
        let ipc = match spec.ip_configurations.as_slice() {
            [] => {
                // No captured source for this text.
                return Err(EmulatorError::InvalidParameter(format!(
                    "Network interface {id} must have at least one IP configuration in properties.ipConfigurations."
                )));
            }
            [one] => one,
            _ => return Err(EmulatorError::MultipleIpConfigurationsNotRegistered(n.subscription.to_string())),
        };
        let unmodeled = limits::unmodeled_size(&spec.unmodeled).saturating_add(limits::unmodeled_size(&ipc.unmodeled));
        limits::unmodeled_total("network interface, its IP configurations included", unmodeled)?;
        let existing = self.network_interfaces.get(&n.key());
        let created = existing.is_none();
        if created {
            let prefix = crate::network::resources::subscription_key_prefix(n.subscription);
            let used = self.network_interfaces.with_prefix(&prefix).count();
            limits::quota("Network interfaces in this subscription", used, 1, limits::NICS_PER_SUBSCRIPTION)?;
        }
        names::validate(NameKind::IpConfiguration, &ipc.name)?;
        let ipc_id = format!("{id}/ipConfigurations/{}", ipc.name);
        let wanted = ipc.subnet.as_ref().ok_or_else(|| EmulatorError::SubnetIsRequired(ipc_id.clone()))?;
        let (subnet, prefix) = self.joinable_subnet(n, &spec.location, wanted)?;
        let current = existing
            .and_then(|e| e.ip_configurations.iter().find(|x| x.name.eq_ignore_ascii_case(&ipc.name)))
            .filter(|x| x.subnet.same(&subnet));
        let taken = self.addresses_taken(&subnet, n);
        let address = match ipc.allocation {
            IpAllocation::Static => {
                let ip =
                    ipc.private_ip_address.ok_or_else(|| EmulatorError::PrivateIpAddressMissing(ipc_id.clone()))?;
                let (ip_s, prefix_s) = (ip.to_string(), prefix.to_string());
                if !prefix.contains(&ip) {
                    return Err(EmulatorError::PrivateIpAddressNotInSubnet { ip: ip_s, prefix: prefix_s });
                }
                if addresses::is_reserved(&prefix, ip) {
                    return Err(EmulatorError::PrivateIpAddressInReservedRange { ip: ip_s, prefix: prefix_s });
                }
                if let Some(other) = taken.get(&ip) {
                    return Err(EmulatorError::PrivateIpAddressIsAllocated {
                        ip_configuration: ipc_id,
                        ip: ip_s,
                        other: other.clone(),
                    });
                }
                ip
            }
            // A dynamic configuration keeps its address while it stays in its subnet, as in Azure.
            IpAllocation::Dynamic => match current {
                Some(cur) => cur.private_ip_address,
                None => addresses::free(&prefix, |a| taken.contains_key(&a)).next().ok_or_else(|| {
                    EmulatorError::SubnetIsFull { subnet: subnet.name.clone(), prefix: prefix.to_string() }
                })?,
            },
        };
        let nic = NetworkInterface {
            nic: existing.map(|e| e.nic.clone()).unwrap_or_else(|| n.clone()),
            location: spec.location,
            ip_configurations: vec![IpConfiguration {
                name: current.map(|c| c.name.clone()).unwrap_or_else(|| ipc.name.clone()),
                subnet,
                private_ip_address: address,
                allocation: ipc.allocation,
                primary: true,
                unmodeled: ipc.unmodeled.clone(),
            }],
            tags: spec.tags,
            resource_guid: existing.map(|e| e.resource_guid).unwrap_or_else(Uuid::new_v4),
            etag: Uuid::new_v4(),
            unmodeled: spec.unmodeled,
        };
        self.network_interfaces.insert(n.key(), nic.clone());
        Ok((nic, created))
    }

    /// The subnet an IP configuration of NIC `n` in `location` may join, as stored (its names in
    /// their first spelling), with its IPv4 prefix. ARM answers a missing VNet or subnet, and one
    /// in another subscription or region, with the same `InvalidResourceReference`.
    fn joinable_subnet(&self, n: &NicRef, location: &str, wanted: &SubnetRef) -> Result<(SubnetRef, Ipv4Net)> {
        let not_found = |referenced: String| EmulatorError::ReferencedResourceNotFound { referenced, by: n.id() };
        let net = self.virtual_networks.get(&wanted.vnet.key()).ok_or_else(|| not_found(wanted.vnet.id()))?;
        let subnet = net.subnet(&wanted.name).ok_or_else(|| not_found(wanted.id()))?;
        if net.vnet.subscription != n.subscription || !same_region(&net.location, location) {
            return Err(not_found(wanted.id()));
        }
        let found = SubnetRef { vnet: net.vnet.clone(), name: subnet.name.clone() };
        match subnet.address_prefix {
            IpNet::V4(p) => Ok((found, p)),
            IpNet::V6(_) => Err(EmulatorError::InvalidParameter(format!(
                "Subnet {} has no IPv4 address prefix; the emulator allocates IPv4 addresses only.",
                found.id()
            ))),
        }
    }

    /// The addresses of `subnet` that NICs other than `except` hold, with the IP configuration
    /// holding each.
    fn addresses_taken(&self, subnet: &SubnetRef, except: &NicRef) -> HashMap<Ipv4Addr, String> {
        self.network_interfaces
            .values()
            .filter(|n| n.nic.key() != except.key())
            .flat_map(|n| n.ip_configurations.iter().map(move |i| (n, i)))
            .filter(|(_, i)| i.subnet.same(subnet))
            .map(|(n, i)| (i.private_ip_address, n.ip_configuration_id(i)))
            .collect()
    }

    /// The private addresses NICs hold in a subnet of `v` (what `CheckIPAddressAvailability` reports).
    pub fn addresses_in_subnet(&self, v: &VnetRef, subnet: &str) -> HashMap<Ipv4Addr, String> {
        let subnet = SubnetRef { vnet: v.clone(), name: subnet.to_string() };
        let nobody = NicRef { subscription: Uuid::nil(), resource_group: String::new(), name: String::new() };
        self.addresses_taken(&subnet, &nobody)
    }

    /// The first IP configuration using subnet `name` of `v`, by id.
    pub(crate) fn subnet_user(&self, v: &VnetRef, name: &str) -> Option<String> {
        self.vnet_users(v).find(|(s, _)| s.eq_ignore_ascii_case(name)).map(|(_, user)| user)
    }

    /// The first subnet of `v` in use, and the IP configuration using it.
    pub(crate) fn vnet_user(&self, v: &VnetRef) -> Option<(String, String)> {
        self.vnet_users(v).next()
    }

    fn vnet_users<'a>(&'a self, v: &VnetRef) -> impl Iterator<Item = (String, String)> + 'a {
        let key = v.key();
        self.network_interfaces.values().flat_map(move |n| {
            let key = key.clone();
            n.ip_configurations
                .iter()
                .filter(move |i| i.subnet.vnet.key() == key)
                .map(move |i| (i.subnet.name.clone(), n.ip_configuration_id(i)))
        })
    }

    pub fn delete_network_interface(&mut self, c: &Caller, n: &NicRef) -> Result<bool> {
        self.check(c, Op::DeleteNic, &n.id())?;
        if self.network_interfaces.remove(&n.key()).is_none() {
            return Ok(false);
        }
        self.drop_assignments_within(&n.id());
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorization::builtin_roles::OWNER;
    use crate::authorization::rbac::{Permission, RoleAssignment, RoleDefinition, RoleType};
    use crate::identity::objects::{Principal, PrincipalKind};
    use crate::network::rules::{SubnetSpec, VirtualNetworkSpec};

    const LOCATION: &str = "westeurope";

    struct World {
        state: State,
        tenant: Uuid,
        sub: Uuid,
        vnet: VnetRef,
        owner: Caller,
    }

    fn vnet_spec(subnets: &[(&str, &str)]) -> VirtualNetworkSpec {
        VirtualNetworkSpec {
            location: LOCATION.into(),
            address_prefixes: vec!["10.0.0.0/16".parse().unwrap()],
            subnets: subnets.iter().map(|(n, p)| SubnetSpec::new(n, p.parse().unwrap())).collect(),
            tags: BTreeMap::new(),
            unmodeled: Unmodeled::new(),
        }
    }

    /// A subscription with group `rg` and VNet `vnet` (10.0.0.0/16): subnet `default` 10.0.1.0/24
    /// and subnet `small` 10.0.2.0/29; `owner` is Owner of the subscription.
    fn world() -> World {
        let mut state = State::default();
        let (tenant, sub) = (Uuid::new_v4(), Uuid::new_v4());
        state.subscriptions.insert(sub, Subscription { id: sub, tenant_id: tenant, display_name: "s".into() });
        state.insert_resource_group(sub, "rg", LOCATION, BTreeMap::new()).unwrap();
        let vnet = VnetRef { subscription: sub, resource_group: "rg".into(), name: "vnet".into() };
        state
            .insert_virtual_network(&vnet, vnet_spec(&[("default", "10.0.1.0/24"), ("small", "10.0.2.0/29")]))
            .unwrap();
        let mut w = World { state, tenant, sub, vnet, owner: Caller::new(principal(tenant), chrono::Utc::now()) };
        w.assign(&w.owner.clone(), OWNER.parse().unwrap(), &format!("/subscriptions/{sub}"));
        w
    }

    fn principal(tenant: Uuid) -> Principal {
        Principal {
            tenant_id: tenant,
            object_id: Uuid::new_v4(),
            app_id: Uuid::new_v4(),
            kind: PrincipalKind::User,
            display: "someone@example.com".into(),
        }
    }

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    impl World {
        fn assign(&mut self, who: &Caller, role: Uuid, scope: &str) {
            let id = Uuid::new_v4();
            let now = chrono::Utc::now() - chrono::Duration::seconds(1);
            self.state.role_assignments.insert(
                id,
                RoleAssignment {
                    id,
                    scope: scope.into(),
                    role_definition_id: role,
                    principal_id: who.principal.object_id,
                    principal_type: None,
                    tenant_id: self.tenant,
                    description: None,
                    created: now,
                    effective_at: now,
                    created_by: None,
                },
            );
        }
        /// A principal holding a custom role with `actions` on the subscription.
        fn with_actions(&mut self, actions: &[&str]) -> Caller {
            let role = Uuid::new_v4();
            let now = chrono::Utc::now();
            self.state.role_definitions.insert(
                role,
                RoleDefinition {
                    id: role,
                    role_name: format!("role-{role}"),
                    description: String::new(),
                    role_type: RoleType::CustomRole,
                    permissions: vec![Permission {
                        actions: actions.iter().map(|a| a.to_string()).collect(),
                        ..Default::default()
                    }],
                    assignable_scopes: vec![format!("/subscriptions/{}", self.sub)],
                    tenant_id: Some(self.tenant),
                    created: now,
                    updated: now,
                    created_by: None,
                    updated_by: None,
                },
            );
            let who = Caller::new(principal(self.tenant), now);
            self.assign(&who, role, &format!("/subscriptions/{}", self.sub));
            who
        }
        fn nic(&self, name: &str) -> NicRef {
            NicRef { subscription: self.sub, resource_group: "rg".into(), name: name.into() }
        }
        fn subnet(&self, name: &str) -> SubnetRef {
            SubnetRef { vnet: self.vnet.clone(), name: name.into() }
        }
        fn spec(&self, ipcs: Vec<IpConfigurationSpec>) -> NetworkInterfaceSpec {
            NetworkInterfaceSpec {
                location: LOCATION.into(),
                ip_configurations: ipcs,
                tags: BTreeMap::new(),
                unmodeled: Unmodeled::new(),
            }
        }
        fn put_as(&mut self, who: &Caller, name: &str, ipc: IpConfigurationSpec) -> Result<NetworkInterface> {
            let (n, spec) = (self.nic(name), self.spec(vec![ipc]));
            self.state.put_network_interface(who, &n, spec).map(|(nic, _)| nic)
        }
        fn put(&mut self, name: &str, ipc: IpConfigurationSpec) -> Result<NetworkInterface> {
            let owner = self.owner.clone();
            self.put_as(&owner, name, ipc)
        }
        fn dynamic(&mut self, name: &str, subnet: &str) -> Result<Ipv4Addr> {
            let ipc = IpConfigurationSpec::dynamic("ipconfig1", self.subnet(subnet));
            self.put(name, ipc).map(|n| n.ip_configurations[0].private_ip_address)
        }
        fn fixed(&mut self, name: &str, subnet: &str, ip: &str) -> Result<Ipv4Addr> {
            let ipc = IpConfigurationSpec {
                allocation: IpAllocation::Static,
                private_ip_address: Some(ip.parse().unwrap()),
                ..IpConfigurationSpec::dynamic("ipconfig1", self.subnet(subnet))
            };
            self.put(name, ipc).map(|n| n.ip_configurations[0].private_ip_address)
        }
        fn delete(&mut self, name: &str) -> Result<bool> {
            let (owner, n) = (self.owner.clone(), self.nic(name));
            self.state.delete_network_interface(&owner, &n)
        }
    }

    #[test]
    fn dynamic_addresses_start_at_4_skip_static_ones_and_are_reused() {
        let mut w = world();
        assert_eq!(w.dynamic("nic1", "default").unwrap(), ip("10.0.1.4"));
        assert_eq!(w.fixed("nic2", "default", "10.0.1.5").unwrap(), ip("10.0.1.5"));
        assert_eq!(w.dynamic("nic3", "default").unwrap(), ip("10.0.1.6"), "the static .5 is skipped");
        assert_eq!(w.dynamic("nic1", "default").unwrap(), ip("10.0.1.4"), "an update keeps the address");
        assert_eq!(w.dynamic("nic1", "small").unwrap(), ip("10.0.2.4"), "another subnet, a new address");
        assert!(w.delete("nic2").unwrap());
        assert!(!w.delete("nic2").unwrap(), "nothing left to delete");
        assert_eq!(w.dynamic("nic4", "default").unwrap(), ip("10.0.1.4"), "freed addresses are handed out again");
        assert_eq!(w.dynamic("nic5", "default").unwrap(), ip("10.0.1.5"));
    }

    #[test]
    fn static_addresses_follow_azures_rules() {
        let mut w = world();
        for reserved in ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"] {
            let e = w.fixed("nic", "default", reserved).unwrap_err();
            assert_eq!(e.code(), "PrivateIPAddressInReservedRange", "{reserved}");
            assert_eq!(
                e.to_string(),
                format!(
                    "Private static IP address {reserved} falls within reserved IP range of subnet prefix 10.0.1.0/24."
                )
            );
        }
        let e = w.fixed("nic", "default", "10.0.2.5").unwrap_err();
        assert_eq!(e.code(), "PrivateIPAddressNotInSubnet");
        assert_eq!(w.fixed("nic", "default", "10.0.1.10").unwrap(), ip("10.0.1.10"));
        let e = w.fixed("other", "default", "10.0.1.10").unwrap_err();
        assert_eq!(e.code(), "PrivateIPAddressIsAllocated");
        assert!(e.to_string().ends_with("/networkInterfaces/nic/ipConfigurations/ipconfig1."), "{e}");
        assert!(!w.state.network_interfaces.contains_key(&w.nic("other").key()), "a refused NIC leaves nothing");
        assert_eq!(w.fixed("nic", "default", "10.0.1.10").unwrap(), ip("10.0.1.10"), "the same NIC again is an update");
        let missing = IpConfigurationSpec {
            allocation: IpAllocation::Static,
            ..IpConfigurationSpec::dynamic("ipconfig1", w.subnet("default"))
        };
        assert_eq!(w.put("nic5", missing).unwrap_err().code(), "PrivateIPAddressMissing");
    }

    #[test]
    fn a_29_holds_three_nics_then_is_full() {
        let mut w = world();
        let got: Vec<Ipv4Addr> = (0..3).map(|i| w.dynamic(&format!("nic{i}"), "small").unwrap()).collect();
        assert_eq!(got, [ip("10.0.2.4"), ip("10.0.2.5"), ip("10.0.2.6")]);
        let e = w.dynamic("nic3", "small").unwrap_err();
        assert_eq!(e.code(), "SubnetIsFull");
        assert_eq!(
            e.to_string(),
            "Subnet small with address prefix 10.0.2.0/29 does not have enough capacity for 1 IP addresses."
        );
    }

    #[test]
    fn the_subnet_must_exist_in_the_nics_subscription_and_region() {
        let mut w = world();
        let e = w.dynamic("nic", "nope").unwrap_err();
        assert_eq!(e.code(), "InvalidResourceReference");
        let by = w.nic("nic").id();
        assert_eq!(
            e.to_string(),
            format!("Resource {}/subnets/nope referenced by resource {by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", w.vnet.id())
        );
        let mut elsewhere = w.subnet("default");
        elsewhere.vnet.name = "missing-vnet".into();
        let e = w.put("nic", IpConfigurationSpec::dynamic("ipconfig1", elsewhere.clone())).unwrap_err();
        assert!(e.to_string().starts_with(&format!("Resource {} referenced", elsewhere.vnet.id())), "{e}");
        let mut spec = w.spec(vec![IpConfigurationSpec::dynamic("ipconfig1", w.subnet("default"))]);
        spec.location = "eastus".into();
        let (owner, n) = (w.owner.clone(), w.nic("nic"));
        let e = w.state.put_network_interface(&owner, &n, spec.clone()).unwrap_err();
        assert_eq!(e.code(), "InvalidResourceReference", "another region");
        spec.location = "West Europe".into();
        w.state.put_network_interface(&owner, &n, spec).unwrap();
        let none =
            IpConfigurationSpec { subnet: None, ..IpConfigurationSpec::dynamic("ipconfig1", w.subnet("default")) };
        assert_eq!(w.put("nic2", none).unwrap_err().code(), "SubnetIsRequired");
    }

    #[test]
    fn joining_a_subnet_needs_join_action_on_it() {
        let mut w = world();
        let nic_only = w.with_actions(&["Microsoft.Network/networkInterfaces/*"]);
        let ipc = IpConfigurationSpec::dynamic("ipconfig1", w.subnet("default"));
        let e = w.put_as(&nic_only, "nic", ipc.clone()).unwrap_err();
        assert_eq!(e.code(), "LinkedAuthorizationFailed");
        let m = e.to_string();
        assert!(m.contains("'Microsoft.Network/virtualNetworks/subnets/join/action'"), "{m}");
        assert!(m.contains(&format!("'{}/subnets/default'", w.vnet.id())), "{m}");
        let nobody = Caller::new(principal(w.tenant), chrono::Utc::now());
        assert_eq!(w.put_as(&nobody, "nic", ipc.clone()).unwrap_err().code(), "AuthorizationFailed");
        let both = w.with_actions(&[
            "Microsoft.Network/networkInterfaces/*",
            "Microsoft.Network/virtualNetworks/subnets/join/action",
        ]);
        assert_eq!(w.put_as(&both, "nic", ipc).unwrap().ip_configurations[0].private_ip_address, ip("10.0.1.4"));
        assert!(w.state.read_network_interface(&nobody, &w.nic("nic")).is_err());
        assert_eq!(
            w.state.list_network_interfaces(&nobody, w.sub, None).unwrap().len(),
            0,
            "lists filter by permission"
        );
        assert_eq!(w.state.list_network_interfaces(&both, w.sub, Some("RG")).unwrap().len(), 1);
    }

    #[test]
    fn a_subnet_or_vnet_in_use_cannot_be_deleted_or_renumbered() {
        let mut w = world();
        w.dynamic("nic", "default").unwrap();
        let user = w.state.subnet_user(&w.vnet, "DEFAULT").unwrap();
        assert!(user.ends_with("/networkInterfaces/nic/ipConfigurations/ipconfig1"), "{user}");
        let (owner, v) = (w.owner.clone(), w.vnet.clone());
        let e = w.state.delete_subnet(&owner, &v, "default").unwrap_err();
        assert_eq!(e.code(), "InUseSubnetCannotBeDeleted");
        assert_eq!(e.to_string(), format!("Subnet default is in use by {user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet."));
        assert!(w.state.delete_subnet(&owner, &v, "small").unwrap(), "an unused subnet goes");
        let e = w.state.insert_virtual_network(&v, vnet_spec(&[])).unwrap_err();
        assert_eq!(e.code(), "InUseSubnetCannotBeDeleted", "a VNet PUT that drops it");
        let e = w.state.insert_virtual_network(&v, vnet_spec(&[("default", "10.0.3.0/24")])).unwrap_err();
        assert_eq!(e.code(), "InUseSubnetCannotBeUpdated");
        w.state.insert_virtual_network(&v, vnet_spec(&[("Default", "10.0.1.0/24")])).unwrap();
        assert_eq!(w.state.delete_virtual_network(&owner, &v).unwrap_err().code(), "InUseSubnetCannotBeDeleted");
        assert!(w.delete("nic").unwrap());
        assert!(w.state.delete_virtual_network(&owner, &v).unwrap(), "free again once the NIC is gone");
    }

    #[test]
    fn deleting_the_group_deletes_its_nics_first() {
        let mut w = world();
        w.dynamic("nic", "default").unwrap();
        let owner = w.owner.clone();
        w.state.delete_resource_group(&owner, w.sub, "rg").unwrap();
        assert!(w.state.network_interfaces.is_empty() && w.state.virtual_networks.is_empty());
    }

    #[test]
    fn a_nic_has_exactly_one_ip_configuration() {
        let mut w = world();
        let two = w.spec(vec![
            IpConfigurationSpec::dynamic("a", w.subnet("default")),
            IpConfigurationSpec::dynamic("b", w.subnet("default")),
        ]);
        let (owner, n) = (w.owner.clone(), w.nic("nic"));
        let e = w.state.put_network_interface(&owner, &n, two).unwrap_err();
        assert_eq!(e.code(), "SubscriptionNotRegisteredForFeature");
        let none = w.spec(vec![]);
        assert_eq!(w.state.put_network_interface(&owner, &n, none).unwrap_err().code(), "InvalidParameter");
    }

    #[test]
    fn a_subscription_holds_a_bounded_number_of_nics() {
        let mut w = world();
        w.dynamic("nic0", "default").unwrap();
        let template = w.state.network_interfaces.values().next().unwrap().clone();
        for i in 1..limits::NICS_PER_SUBSCRIPTION {
            let mut n = template.clone();
            n.nic = w.nic(&format!("nic{i}"));
            n.ip_configurations[0].private_ip_address = Ipv4Addr::from(0x0a00_0000 + i as u32);
            w.state.network_interfaces.insert(n.nic.key(), n);
        }
        let e = w.dynamic("one-more", "default").unwrap_err();
        assert_eq!(e.code(), "QuotaExceeded");
        assert_eq!(w.dynamic("nic0", "default").unwrap(), ip("10.0.1.4"), "updating one is still fine");
    }
}
