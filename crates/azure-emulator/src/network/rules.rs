//! Resource groups, virtual networks and the VNet-peering state machine:
//! `Initiated` until the remote side points back, then both `Connected`; deleting one side (or its
//! VNet) leaves the other `Disconnected` until it is re-created.

use crate::authorization::access::{Caller, Op};
use crate::authorization::scope::{self, VnetRef};
use crate::error::{EmulatorError, Result};
use crate::model::limits;
use crate::model::names::{self, NameKind};
use crate::model::state::State;
use crate::network::resources::*;
use ipnet::IpNet;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct VirtualNetworkSpec {
    pub location: String,
    pub address_prefixes: Vec<IpNet>,
    pub subnets: Vec<SubnetSpec>,
    pub tags: BTreeMap<String, String>,
    pub unmodeled: Unmodeled,
}

#[derive(Debug, Clone)]
pub struct SubnetSpec {
    pub name: String,
    pub prefix: IpNet,
    pub unmodeled: Unmodeled,
}

impl SubnetSpec {
    pub fn new(name: &str, prefix: IpNet) -> Self {
        SubnetSpec { name: name.to_string(), prefix, unmodeled: Unmodeled::new() }
    }
}

#[derive(Debug, Clone)]
pub struct PeeringSpec {
    pub remote: VnetRef,
    pub flags: PeeringFlags,
    /// `syncRemoteAddressSpace=true`: take the remote's current address space.
    pub sync_remote_address_space: bool,
}

/// How a peering reads back: its stored fields plus what is derived from both VNets.
#[derive(Debug, Clone)]
pub struct PeeringView {
    pub peering: Peering,
    pub local_address_space: Vec<IpNet>,
    pub sync_level: &'static str,
}

impl State {
    pub fn subscription(&self, id: Uuid) -> Result<&Subscription> {
        self.subscriptions.get(&id).ok_or_else(|| EmulatorError::SubscriptionNotFound(id.to_string()))
    }

    pub fn resource_group(&self, subscription: Uuid, name: &str) -> Result<&ResourceGroup> {
        self.subscription(subscription)?;
        self.resource_groups
            .get(&ResourceGroup::key(subscription, name))
            .ok_or_else(|| EmulatorError::ResourceGroupNotFound(name.to_string()))
    }

    pub fn virtual_network(&self, v: &VnetRef) -> Result<&VirtualNetwork> {
        self.resource_group(v.subscription, &v.resource_group)?;
        self.virtual_networks.get(&v.key()).ok_or_else(|| EmulatorError::ResourceNotFound {
            resource_type: scope::VNET_TYPE.into(),
            name: v.name.clone(),
            resource_group: v.resource_group.clone(),
        })
    }

    /// The resource groups of a subscription the caller may read (ARM filters lists by permission).
    pub fn list_resource_groups(&self, c: &Caller, subscription: Uuid) -> Vec<&ResourceGroup> {
        self.resource_groups
            .values()
            .filter(|rg| rg.subscription_id == subscription && self.may(c, Op::ReadResourceGroup, &rg.id()))
            .collect()
    }

    pub fn read_resource_group(&self, c: &Caller, subscription: Uuid, name: &str) -> Result<&ResourceGroup> {
        self.check(c, Op::ReadResourceGroup, &rg_scope(subscription, name))?;
        self.resource_group(subscription, name)
    }

    pub fn put_resource_group(
        &mut self,
        c: &Caller,
        subscription: Uuid,
        name: &str,
        location: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<(ResourceGroup, bool)> {
        self.check(c, Op::WriteResourceGroup, &rg_scope(subscription, name))?;
        self.insert_resource_group(subscription, name, location, tags)
    }

    /// Creates or updates a resource group without an authorization check (the world file).
    pub fn insert_resource_group(
        &mut self,
        subscription: Uuid,
        name: &str,
        location: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<(ResourceGroup, bool)> {
        self.subscription(subscription)?;
        names::validate(NameKind::ResourceGroup, name)?;
        check_location(location, "resource group")?;
        limits::tags(&tags)?;
        let key = ResourceGroup::key(subscription, name);
        let created = !self.resource_groups.contains_key(&key);
        if created {
            let used = self.resource_groups.with_prefix(&subscription_key_prefix(subscription)).count();
            limits::quota("Resource groups in this subscription", used, 1, limits::RESOURCE_GROUPS_PER_SUBSCRIPTION)?;
        }
        let rg = self.resource_groups.get_or_insert_with(key, || ResourceGroup {
            subscription_id: subscription,
            name: name.to_string(),
            location: location.to_string(),
            tags: BTreeMap::new(),
        });
        rg.tags = tags;
        Ok((rg.clone(), created))
    }

    /// Deletes a resource group with everything in it, as ARM does.
    pub fn delete_resource_group(&mut self, c: &Caller, subscription: Uuid, name: &str) -> Result<()> {
        self.check(c, Op::DeleteResourceGroup, &rg_scope(subscription, name))?;
        // Unlike other resources, a missing group is ARM's 404 `ResourceGroupNotFound`, not a 204.
        let rg_id = self.resource_group(subscription, name)?.id();
        // ARM deletes what depends on others first: the group's NICs, then its VNets.
        self.network_interfaces.retain(|_, n| !n.is_in(subscription, Some(name)));
        let vnets: Vec<VnetRef> = self
            .virtual_networks
            .values()
            .filter(|n| n.is_in(subscription, Some(name)))
            .map(|n| n.vnet.clone())
            .collect();
        for v in vnets {
            self.remove_virtual_network(&v)?;
        }
        self.resource_groups.remove(&ResourceGroup::key(subscription, name));
        self.drop_assignments_within(&rg_id);
        Ok(())
    }

    /// The VNets of a subscription (or one of its groups) the caller may read.
    pub fn list_virtual_networks(&self, c: &Caller, sub: Uuid, rg: Option<&str>) -> Result<Vec<&VirtualNetwork>> {
        self.readable_in(c, sub, rg, self.virtual_networks.values())
    }

    /// The resources of `all` in a subscription (or one of its groups) the caller may read (ARM
    /// filters lists by permission); a group that does not exist is ARM's 404.
    pub(crate) fn readable_in<'a, T: GroupResource>(
        &self,
        c: &Caller,
        sub: Uuid,
        rg: Option<&str>,
        all: impl Iterator<Item = &'a T>,
    ) -> Result<Vec<&'a T>> {
        if let Some(rg) = rg {
            self.resource_group(sub, rg)?;
        }
        Ok(all.filter(|r| r.is_in(sub, rg) && self.may(c, T::READ, &r.id())).collect())
    }

    pub fn read_virtual_network(&self, c: &Caller, v: &VnetRef) -> Result<&VirtualNetwork> {
        self.check(c, Op::ReadVnet, &v.id())?;
        self.virtual_network(v)
    }

    pub fn put_virtual_network(
        &mut self,
        c: &Caller,
        v: &VnetRef,
        spec: VirtualNetworkSpec,
    ) -> Result<(VirtualNetwork, bool)> {
        self.check(c, Op::WriteVnet, &v.id())?;
        self.insert_virtual_network(v, spec)
    }

    /// Creates or updates a VNet without an authorization check (the world file, subnet writes).
    pub fn insert_virtual_network(&mut self, v: &VnetRef, spec: VirtualNetworkSpec) -> Result<(VirtualNetwork, bool)> {
        self.resource_group(v.subscription, &v.resource_group)?;
        names::validate(NameKind::VirtualNetwork, &v.name)?;
        check_location(&spec.location, "virtual network")?;
        limits::tags(&spec.tags)?;
        if spec.address_prefixes.len() > limits::PREFIXES_PER_VNET {
            return Err(EmulatorError::InvalidParameter(format!(
                "A virtual network holds at most {} address prefixes.",
                limits::PREFIXES_PER_VNET
            )));
        }
        if spec.subnets.len() > limits::SUBNETS_PER_VNET {
            return Err(EmulatorError::InvalidParameter(format!(
                "A virtual network holds at most {} subnets.",
                limits::SUBNETS_PER_VNET
            )));
        }
        if spec.address_prefixes.is_empty() {
            return Err(EmulatorError::InvalidParameter(
                "Virtual network must have at least one address prefix in properties.addressSpace.addressPrefixes."
                    .into(),
            ));
        }
        if let Some(pair) = overlapping_pairs_within(&spec.address_prefixes) {
            return Err(EmulatorError::InvalidParameter(format!(
                "Address prefixes {pair} of virtual network {} overlap with each other.",
                v.id()
            )));
        }
        let unmodeled = spec.subnets.iter().fold(limits::unmodeled_size(&spec.unmodeled), |total, s| {
            total.saturating_add(limits::unmodeled_size(&s.unmodeled))
        });
        limits::unmodeled_total("virtual network, its subnets included", unmodeled)?;
        for (i, sub) in spec.subnets.iter().enumerate() {
            let (name, prefix) = (&sub.name, &sub.prefix);
            names::validate(NameKind::Subnet, name)?;
            if !spec.address_prefixes.iter().any(|p| p.contains(prefix)) {
                return Err(EmulatorError::NetcfgSubnetRangeOutsideVnet { subnet: name.clone(), vnet: v.name.clone() });
            }
            if let Some(other) = spec.subnets[..i]
                .iter()
                .find(|q| q.prefix.contains(&prefix.network()) || prefix.contains(&q.prefix.network()))
            {
                return Err(EmulatorError::NetcfgSubnetRangesOverlap {
                    a: name.clone(),
                    b: other.name.clone(),
                    vnet: v.name.clone(),
                });
            }
        }
        self.check_peered_overlap(v, &spec.address_prefixes)?;
        let existing = self.virtual_networks.get(&v.key());
        for old in existing.map(|e| e.subnets.as_slice()).unwrap_or_default() {
            let Some(user) = self.subnet_user(v, &old.name) else { continue };
            match spec.subnets.iter().find(|s| s.name.eq_ignore_ascii_case(&old.name)) {
                None => return Err(EmulatorError::InUseSubnetCannotBeDeleted { subnet: old.name.clone(), user }),
                Some(new) if new.prefix != old.address_prefix => {
                    return Err(EmulatorError::InUseSubnetCannotBeUpdated { subnet: old.name.clone(), user })
                }
                Some(_) => {}
            }
        }
        let created = existing.is_none();
        if created {
            let used = self.virtual_networks.with_prefix(&subscription_key_prefix(v.subscription)).count();
            limits::quota("Virtual networks in this subscription", used, 1, limits::VNETS_PER_SUBSCRIPTION)?;
        }
        let before = existing.map(network_objects).unwrap_or(0);
        let after = spec.subnets.len() + spec.address_prefixes.len() + existing.map_or(0, |e| e.peerings.len());
        if after > before {
            let used = self.network_objects_in(v.subscription) - before;
            limits::quota(limits::NETWORK_OBJECTS, used, after, limits::NETWORK_OBJECTS_PER_SUBSCRIPTION)?;
        }
        let subnets = spec
            .subnets
            .into_iter()
            .map(|sub| {
                let etag = existing.and_then(|e| e.subnet(&sub.name)).map(|s| s.etag).unwrap_or_else(Uuid::new_v4);
                Subnet { name: sub.name, address_prefix: sub.prefix, etag, unmodeled: sub.unmodeled }
            })
            .collect();
        let net = VirtualNetwork {
            vnet: existing.map(|e| e.vnet.clone()).unwrap_or_else(|| v.clone()),
            location: spec.location,
            address_prefixes: spec.address_prefixes,
            subnets,
            peerings: existing.map(|e| e.peerings.clone()).unwrap_or_default(),
            tags: spec.tags,
            resource_guid: existing.map(|e| e.resource_guid).unwrap_or_else(Uuid::new_v4),
            etag: Uuid::new_v4(),
            unmodeled: spec.unmodeled,
        };
        self.virtual_networks.insert(v.key(), net.clone());
        Ok((net, created))
    }

    /// Replaces a VNet's tags (ARM's `PATCH`, UpdateTags); nothing else changes.
    pub fn update_virtual_network_tags(
        &mut self,
        c: &Caller,
        v: &VnetRef,
        tags: BTreeMap<String, String>,
    ) -> Result<VirtualNetwork> {
        self.check(c, Op::WriteVnet, &v.id())?;
        limits::tags(&tags)?;
        self.virtual_network(v)?;
        let net = self
            .virtual_networks
            .get_mut(&v.key())
            .ok_or_else(|| EmulatorError::Internal("virtual network vanished".into()))?;
        net.tags = tags;
        net.etag = Uuid::new_v4();
        Ok(net.clone())
    }

    pub fn delete_virtual_network(&mut self, c: &Caller, v: &VnetRef) -> Result<bool> {
        self.check(c, Op::DeleteVnet, &v.id())?;
        self.remove_virtual_network(v)
    }

    /// Removes a VNet no NIC uses; peerings elsewhere that point at it become `Disconnected`.
    fn remove_virtual_network(&mut self, v: &VnetRef) -> Result<bool> {
        if let Some((subnet, user)) = self.vnet_user(v) {
            return Err(EmulatorError::InUseSubnetCannotBeDeleted { subnet, user });
        }
        if self.virtual_networks.remove(&v.key()).is_none() {
            return Ok(false);
        }
        let key = v.key();
        // Only the VNets peered with it are written (and logged); the rest stay shared.
        for k in &self.vnets_peered_with(&key) {
            let Some(net) = self.virtual_networks.get_mut(k) else { continue };
            for p in net.peerings.iter_mut().filter(|p| p.remote.key() == key) {
                p.state = PeeringState::Disconnected;
                p.etag = Uuid::new_v4();
            }
        }
        self.drop_assignments_within(&v.id());
        Ok(true)
    }

    pub fn list_subnets(&self, c: &Caller, v: &VnetRef) -> Result<&VirtualNetwork> {
        self.check(c, Op::ReadSubnet, &format!("{}/subnets", v.id()))?;
        self.virtual_network(v)
    }

    pub fn read_subnet(&self, c: &Caller, v: &VnetRef, name: &str) -> Result<(&VirtualNetwork, &Subnet)> {
        self.check(c, Op::ReadSubnet, &format!("{}/subnets/{name}", v.id()))?;
        let net = self.virtual_network(v)?;
        let subnet = net
            .subnet(name)
            .ok_or_else(|| EmulatorError::NetworkChildNotFound(format!("{}/subnets/{name}", v.id())))?;
        Ok((net, subnet))
    }

    pub fn put_subnet(&mut self, c: &Caller, v: &VnetRef, subnet: SubnetSpec) -> Result<(Subnet, bool)> {
        let name = subnet.name.clone();
        self.check(c, Op::WriteSubnet, &format!("{}/subnets/{name}", v.id()))?;
        let net = self.virtual_network(v)?.clone();
        let mut subnets: Vec<SubnetSpec> = net
            .subnets
            .iter()
            .map(|s| SubnetSpec { name: s.name.clone(), prefix: s.address_prefix, unmodeled: s.unmodeled.clone() })
            .collect();
        let created = match subnets.iter_mut().find(|s| s.name.eq_ignore_ascii_case(&name)) {
            Some(s) => {
                // The stored name keeps its first spelling, as ARM's does.
                *s = SubnetSpec { name: s.name.clone(), ..subnet };
                false
            }
            None => {
                subnets.push(subnet);
                true
            }
        };
        let spec = VirtualNetworkSpec {
            location: net.location,
            address_prefixes: net.address_prefixes,
            subnets,
            tags: net.tags,
            unmodeled: net.unmodeled,
        };
        let (net, _) = self.insert_virtual_network(v, spec)?;
        let subnet = net.subnet(&name).cloned().ok_or_else(|| EmulatorError::Internal("subnet not written".into()))?;
        Ok((subnet, created))
    }

    pub fn delete_subnet(&mut self, c: &Caller, v: &VnetRef, name: &str) -> Result<bool> {
        self.check(c, Op::DeleteSubnet, &format!("{}/subnets/{name}", v.id()))?;
        if let Some(user) = self.subnet_user(v, name) {
            let subnet = self.virtual_network(v)?.subnet(name).map_or_else(|| name.to_string(), |s| s.name.clone());
            return Err(EmulatorError::InUseSubnetCannotBeDeleted { subnet, user });
        }
        let net = self.virtual_networks.get_mut(&v.key()).ok_or_else(|| EmulatorError::ResourceNotFound {
            resource_type: scope::VNET_TYPE.into(),
            name: v.name.clone(),
            resource_group: v.resource_group.clone(),
        })?;
        let before = net.subnets.len();
        net.subnets.retain(|s| !s.name.eq_ignore_ascii_case(name));
        Ok(net.subnets.len() != before)
    }

    pub fn list_peerings(&self, c: &Caller, v: &VnetRef) -> Result<&VirtualNetwork> {
        self.check(c, Op::ReadPeering, &format!("{}/virtualNetworkPeerings", v.id()))?;
        self.virtual_network(v)
    }

    pub fn read_peering(&self, c: &Caller, v: &VnetRef, name: &str) -> Result<(&VirtualNetwork, &Peering)> {
        self.check(c, Op::ReadPeering, &peering_id(v, name))?;
        let net = self.virtual_network(v)?;
        let p = net.peering(name).ok_or_else(|| EmulatorError::NetworkChildNotFound(peering_id(v, name)))?;
        Ok((net, p))
    }

    /// The linked half of a write that refers to another resource (ARM's linked authorization): a
    /// peering's remote VNet (`peer/action`), a NIC's subnet (`subnets/join/action`). Same tenant:
    /// the caller needs `linked` on the linked resource. Another tenant: an auxiliary token for that
    /// tenant, of the same application, whose principal has `linked` there.
    pub(crate) fn check_linked(&self, c: &Caller, op: Op, local_id: &str, linked: Op, linked_id: &str) -> Result<()> {
        let me = &c.principal;
        let linked_subscription = scope::subscription_of(linked_id);
        let tenant_denied = || EmulatorError::LinkedTenantNotAuthorized {
            action: op.action().into(),
            scope: local_id.to_string(),
            tenant_id: me.tenant_id.to_string(),
            linked_subscription: linked_subscription.map(|s| s.to_string()).unwrap_or_default(),
        };
        let remote_tenant =
            linked_subscription.and_then(|s| self.tenant_of_subscription(s)).ok_or_else(tenant_denied)?;
        let acting = if remote_tenant == me.tenant_id {
            me
        } else {
            c.auxiliary
                .iter()
                .find(|p| p.tenant_id == remote_tenant && p.app_id == me.app_id)
                .ok_or_else(tenant_denied)?
        };
        if self.is_allowed(acting.object_id, linked.action(), linked_id, c.now) {
            Ok(())
        } else {
            Err(EmulatorError::LinkedAuthorizationFailed {
                client: me.display.clone(),
                object_id: me.object_id.to_string(),
                action: op.action().into(),
                scope: local_id.to_string(),
                linked_action: linked.action().into(),
                linked_scope: linked_id.to_string(),
            })
        }
    }

    /// Creates or updates the peering `name` on `local`: the caller's permission on both VNets,
    /// then Azure's network rules; moves both sides' states.
    pub fn put_peering(
        &mut self,
        c: &Caller,
        local: &VnetRef,
        name: &str,
        spec: PeeringSpec,
    ) -> Result<(Peering, bool)> {
        let now = c.now;
        self.check(c, Op::WritePeering, &peering_id(local, name))?;
        self.check_linked(c, Op::WritePeering, &peering_id(local, name), Op::PeerVnet, &spec.remote.id())?;
        names::validate(NameKind::Peering, name)?;
        let local_net = self.virtual_network(local)?.clone();
        let peering_id = format!("{}/virtualNetworkPeerings/{name}", local_net.vnet.id());
        if spec.remote.key() == local.key() {
            return Err(EmulatorError::PeeringToSelf(local_net.vnet.id()));
        }
        let remote_net = self
            .virtual_network(&spec.remote)
            .map_err(|_| EmulatorError::ReferencedResourceNotFound {
                referenced: spec.remote.id(),
                by: peering_id.clone(),
            })?
            .clone();
        let existing = local_net.peering(name).cloned();
        if existing.is_none() {
            let used = self.network_objects_in(local.subscription);
            limits::quota(limits::NETWORK_OBJECTS, used, 1, limits::NETWORK_OBJECTS_PER_SUBSCRIPTION)?;
        }
        if existing.is_none() && local_net.peerings.len() >= limits::PEERINGS_PER_VNET {
            return Err(EmulatorError::QuotaExceeded {
                what: format!("Peerings of virtual network {}", local_net.vnet.id()),
                limit: limits::PEERINGS_PER_VNET,
            });
        }
        if let Some(e) = &existing {
            if e.remote.key() != remote_net.vnet.key() {
                return Err(EmulatorError::PeeringRemoteVnetCannotBeChanged(peering_id));
            }
        }
        if let Some(other) = local_net
            .peerings
            .iter()
            .find(|p| !p.name.eq_ignore_ascii_case(name) && p.remote.key() == remote_net.vnet.key())
        {
            return Err(EmulatorError::AnotherPeeringAlreadyReferencesRemoteVnet {
                existing: format!("{}/virtualNetworkPeerings/{}", local_net.vnet.id(), other.name),
            });
        }
        if spec.flags.use_remote_gateways {
            // The emulator models no VPN or ExpressRoute gateways, so no remote VNet has one.
            return Err(EmulatorError::RemoteVnetHasNoGateways { peering: peering_id, remote: remote_net.vnet.id() });
        }
        let overlap = overlapping_prefixes(&local_net.address_prefixes, &remote_net.address_prefixes);
        if !overlap.is_empty() {
            return Err(EmulatorError::VnetAddressSpacesOverlap {
                peering: peering_id,
                local: local_net.vnet.id(),
                remote: remote_net.vnet.id(),
                prefixes: overlap.join(", "),
            });
        }
        self.check_transitive_overlap(&local_net, &remote_net, &peering_id)?;
        let reverse = remote_net.peerings.iter().find(|p| p.remote.key() == local.key());
        if reverse.is_some_and(|r| r.state == PeeringState::Disconnected) {
            return Err(EmulatorError::RemotePeeringIsDisconnected);
        }
        let state = if reverse.is_some() { PeeringState::Connected } else { PeeringState::Initiated };
        let resync = existing.is_none()
            || spec.sync_remote_address_space
            || existing.as_ref().is_some_and(|e| e.state == PeeringState::Disconnected);
        let peering = Peering {
            name: existing.as_ref().map(|e| e.name.clone()).unwrap_or_else(|| name.to_string()),
            remote: remote_net.vnet.clone(),
            flags: spec.flags,
            state,
            remote_address_space: match (&existing, resync) {
                (Some(e), false) => e.remote_address_space.clone(),
                _ => remote_net.address_prefixes.clone(),
            },
            resource_guid: existing.as_ref().map(|e| e.resource_guid).unwrap_or_else(Uuid::new_v4),
            etag: Uuid::new_v4(),
            created: existing.as_ref().map(|e| e.created).unwrap_or(now),
        };
        let Some(net) = self.virtual_networks.get_mut(&local.key()) else {
            return Err(EmulatorError::Internal("local virtual network vanished".into()));
        };
        match net.peerings.iter_mut().find(|p| p.name.eq_ignore_ascii_case(name)) {
            Some(slot) => *slot = peering.clone(),
            None => net.peerings.push(peering.clone()),
        }
        if state == PeeringState::Connected {
            let back =
                self.virtual_networks.get_mut(&remote_net.vnet.key()).into_iter().flat_map(|r| r.peerings.iter_mut());
            if let Some(r) = back.into_iter().find(|p| p.remote.key() == local.key()) {
                if r.state != PeeringState::Connected {
                    r.state = PeeringState::Connected;
                    r.etag = Uuid::new_v4();
                }
            }
        }
        Ok((peering, existing.is_none()))
    }

    /// A VNet's new address space may not overlap a VNet it is peered with (on either side).
    fn check_peered_overlap(&self, v: &VnetRef, prefixes: &[IpNet]) -> Result<()> {
        let key = v.key();
        let mut peered: Vec<VnetRef> = self
            .virtual_networks
            .get(&key)
            .map(|n| n.peerings.iter().map(|p| p.remote.clone()).collect())
            .unwrap_or_default();
        peered.extend(
            self.vnets_peered_with(&key).iter().filter_map(|k| self.virtual_networks.get(k)).map(|n| n.vnet.clone()),
        );
        for remote in peered {
            let Some(r) = self.virtual_networks.get(&remote.key()) else { continue };
            let overlap = overlapping_prefixes(prefixes, &r.address_prefixes);
            if !overlap.is_empty() {
                return Err(EmulatorError::AddressSpaceOverlapsPeeredVnet {
                    vnet: v.id(),
                    remote: r.vnet.id(),
                    prefixes: overlap.join(", "),
                });
            }
        }
        Ok(())
    }

    /// Neither VNet may overlap a third VNet already peered with the other one.
    fn check_transitive_overlap(
        &self,
        local: &VirtualNetwork,
        remote: &VirtualNetwork,
        peering_id: &str,
    ) -> Result<()> {
        let pairs = [(local, remote), (remote, local)];
        for (first, second) in pairs {
            for p in second.peerings.iter().filter(|p| p.state != PeeringState::Disconnected) {
                if p.remote.key() == first.vnet.key() {
                    continue;
                }
                let Some(third) = self.virtual_networks.get(&p.remote.key()) else { continue };
                let overlap = overlapping_prefixes(&first.address_prefixes, &third.address_prefixes);
                if !overlap.is_empty() {
                    return Err(EmulatorError::VnetAddressSpaceOverlapsWithAlreadyPeeredVnet {
                        peering: peering_id.to_string(),
                        local: first.vnet.id(),
                        remote: second.vnet.id(),
                        other: third.vnet.id(),
                        prefixes: overlap.join(", "),
                    });
                }
            }
        }
        Ok(())
    }

    /// Deletes a peering; the remote side, if it pointed back, becomes `Disconnected`.
    pub fn delete_peering(&mut self, c: &Caller, local: &VnetRef, name: &str) -> Result<bool> {
        self.check(c, Op::DeletePeering, &peering_id(local, name))?;
        self.virtual_network(local)?;
        let Some(net) = self.virtual_networks.get_mut(&local.key()) else { return Ok(false) };
        let Some(pos) = net.peerings.iter().position(|p| p.name.eq_ignore_ascii_case(name)) else { return Ok(false) };
        let removed = net.peerings.remove(pos);
        if let Some(remote) = self.virtual_networks.get_mut(&removed.remote.key()) {
            for r in remote.peerings.iter_mut().filter(|r| r.remote.key() == local.key()) {
                r.state = PeeringState::Disconnected;
                r.etag = Uuid::new_v4();
            }
        }
        Ok(true)
    }

    /// A peering as it reads back, with `peeringSyncLevel` derived from both sides' address spaces.
    pub fn peering_view(&self, net: &VirtualNetwork, peering: &Peering) -> PeeringView {
        let sorted = |v: &[IpNet]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        let remote_net = self.virtual_networks.get(&peering.remote.key());
        let local_stale =
            remote_net.is_some_and(|r| sorted(&r.address_prefixes) != sorted(&peering.remote_address_space));
        let remote_stale = remote_net
            .and_then(|r| r.peerings.iter().find(|p| p.remote.key() == net.vnet.key()))
            .is_some_and(|back| sorted(&back.remote_address_space) != sorted(&net.address_prefixes));
        let sync_level = match (local_stale, remote_stale) {
            (false, false) => "FullyInSync",
            (true, false) => "LocalNotInSync",
            (false, true) => "RemoteNotInSync",
            (true, true) => "LocalAndRemoteNotInSync",
        };
        PeeringView { peering: peering.clone(), local_address_space: net.address_prefixes.clone(), sync_level }
    }
}

fn overlapping_pairs_within(prefixes: &[IpNet]) -> Option<String> {
    for (i, a) in prefixes.iter().enumerate() {
        for b in &prefixes[i + 1..] {
            if a.contains(&b.network()) || b.contains(&a.network()) {
                return Some(format!("{a} and {b}"));
            }
        }
    }
    None
}

/// What a VNet holds that grows the state: its subnets, address prefixes and peerings.
fn network_objects(n: &VirtualNetwork) -> usize {
    n.subnets.len() + n.address_prefixes.len() + n.peerings.len()
}

impl State {
    fn network_objects_in(&self, subscription: Uuid) -> usize {
        self.virtual_networks.with_prefix(&subscription_key_prefix(subscription)).map(|(_, n)| network_objects(n)).sum()
    }
}

fn rg_scope(subscription: Uuid, name: &str) -> String {
    format!("/subscriptions/{subscription}/resourceGroups/{name}")
}

fn peering_id(v: &VnetRef, name: &str) -> String {
    format!("{}/virtualNetworkPeerings/{name}", v.id())
}

/// A location is a short region name (`westeurope`, `West Europe`).
pub(super) fn check_location(location: &str, what: &str) -> Result<()> {
    if location.trim().is_empty() {
        return Err(EmulatorError::InvalidParameter(format!("The 'location' property is required for a {what}.")));
    }
    limits::arm_len("location", location, limits::LOCATION)?;
    if !location.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
        return Err(EmulatorError::InvalidParameter(format!(
            "The location '{}' is not a region name; use one such as 'westeurope'.",
            names::printable(location)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::resources::Subscription;

    #[test]
    fn a_subscription_holds_a_bounded_number_of_network_objects() {
        let mut s = State::default();
        let sub = Uuid::new_v4();
        s.subscriptions.insert(sub, Subscription { id: sub, tenant_id: Uuid::new_v4(), display_name: "s".into() });
        s.insert_resource_group(sub, "rg", "westeurope", BTreeMap::new()).unwrap();
        let spec = |base: u32, n: u32| VirtualNetworkSpec {
            location: "westeurope".into(),
            address_prefixes: (0..n)
                .map(|i| IpNet::from(ipnet::Ipv4Net::new((base + i).into(), 32).unwrap()))
                .collect(),
            subnets: vec![],
            tags: BTreeMap::new(),
            unmodeled: Default::default(),
        };
        let per = limits::PREFIXES_PER_VNET as u32;
        let full = limits::NETWORK_OBJECTS_PER_SUBSCRIPTION as u32 / per;
        for i in 0..full {
            let v = VnetRef { subscription: sub, resource_group: "rg".into(), name: format!("vnet-{i}") };
            s.insert_virtual_network(&v, spec(0x0a00_0000 + i * per, per)).unwrap();
        }
        let extra = VnetRef { subscription: sub, resource_group: "rg".into(), name: "one-more".into() };
        let err = s.insert_virtual_network(&extra, spec(0x0b00_0000, 1)).unwrap_err();
        assert!(matches!(err, EmulatorError::QuotaExceeded { .. }), "{err}");
        // Rewriting a VNet with what it already holds is still fine.
        let first = VnetRef { subscription: sub, resource_group: "rg".into(), name: "vnet-0".into() };
        s.insert_virtual_network(&first, spec(0x0a00_0000, per)).unwrap();
    }
}
