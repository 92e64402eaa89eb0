//! Resource groups, virtual networks and the VNet-peering state machine:
//! `Initiated` until the remote side points back, then both `Connected`; deleting one side (or its
//! VNet) leaves the other `Disconnected` until it is re-created.

use super::resources::*;
use super::scope::{self, VnetRef};
use super::state::State;
use crate::error::{EmulatorError, Result};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct VirtualNetworkSpec {
    pub location: String,
    pub address_prefixes: Vec<IpNet>,
    pub subnets: Vec<(String, IpNet)>,
    pub tags: BTreeMap<String, String>,
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

    pub fn put_resource_group(
        &mut self,
        subscription: Uuid,
        name: &str,
        location: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<(ResourceGroup, bool)> {
        self.subscription(subscription)?;
        if name.is_empty() || name.len() > 90 || name.ends_with('.') {
            return Err(EmulatorError::InvalidResourceName(name.to_string()));
        }
        if location.trim().is_empty() {
            return Err(EmulatorError::InvalidParameter(
                "The 'location' property is required for a resource group.".into(),
            ));
        }
        let key = ResourceGroup::key(subscription, name);
        let created = !self.resource_groups.contains_key(&key);
        let rg = self.resource_groups.entry(key).or_insert_with(|| ResourceGroup {
            subscription_id: subscription,
            name: name.to_string(),
            location: location.to_string(),
            tags: BTreeMap::new(),
        });
        rg.tags = tags;
        Ok((rg.clone(), created))
    }

    /// Deletes a resource group with everything in it, as ARM does.
    pub fn delete_resource_group(&mut self, subscription: Uuid, name: &str) -> Result<bool> {
        let Ok(rg) = self.resource_group(subscription, name) else { return Ok(false) };
        let rg_id = rg.id();
        let vnets: Vec<VnetRef> = self
            .virtual_networks
            .values()
            .filter(|n| n.vnet.subscription == subscription && n.vnet.resource_group.eq_ignore_ascii_case(name))
            .map(|n| n.vnet.clone())
            .collect();
        for v in vnets {
            self.delete_virtual_network(&v)?;
        }
        self.resource_groups.remove(&ResourceGroup::key(subscription, name));
        self.drop_assignments_within(&rg_id);
        Ok(true)
    }

    pub fn put_virtual_network(&mut self, v: &VnetRef, spec: VirtualNetworkSpec) -> Result<(VirtualNetwork, bool)> {
        self.resource_group(v.subscription, &v.resource_group)?;
        scope::validate_name(&v.name)?;
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
        for (i, (name, prefix)) in spec.subnets.iter().enumerate() {
            scope::validate_name(name)?;
            if !spec.address_prefixes.iter().any(|p| p.contains(prefix)) {
                return Err(EmulatorError::NetcfgSubnetRangeOutsideVnet { subnet: name.clone(), vnet: v.name.clone() });
            }
            if let Some((other, _)) =
                spec.subnets[..i].iter().find(|(_, q)| q.contains(&prefix.network()) || prefix.contains(&q.network()))
            {
                return Err(EmulatorError::NetcfgOverlappingSubnets {
                    a: name.clone(),
                    b: other.clone(),
                    vnet: v.name.clone(),
                });
            }
        }
        let existing = self.virtual_networks.get(&v.key());
        let created = existing.is_none();
        let subnets = spec
            .subnets
            .into_iter()
            .map(|(name, address_prefix)| {
                let etag = existing.and_then(|e| e.subnet(&name)).map(|s| s.etag).unwrap_or_else(Uuid::new_v4);
                Subnet { name, address_prefix, etag }
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
        };
        self.virtual_networks.insert(v.key(), net.clone());
        Ok((net, created))
    }

    /// Deletes a VNet; peerings elsewhere that point at it become `Disconnected`.
    pub fn delete_virtual_network(&mut self, v: &VnetRef) -> Result<bool> {
        if self.virtual_networks.remove(&v.key()).is_none() {
            return Ok(false);
        }
        let key = v.key();
        for net in self.virtual_networks.values_mut() {
            for p in net.peerings.iter_mut().filter(|p| p.remote.key() == key) {
                p.state = PeeringState::Disconnected;
                p.etag = Uuid::new_v4();
            }
        }
        self.drop_assignments_within(&v.id());
        Ok(true)
    }

    pub fn put_subnet(&mut self, v: &VnetRef, name: &str, prefix: IpNet) -> Result<(Subnet, bool)> {
        let net = self.virtual_network(v)?.clone();
        let mut subnets: Vec<(String, IpNet)> =
            net.subnets.iter().map(|s| (s.name.clone(), s.address_prefix)).collect();
        let created = match subnets.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(s) => {
                s.1 = prefix;
                false
            }
            None => {
                subnets.push((name.to_string(), prefix));
                true
            }
        };
        let spec = VirtualNetworkSpec {
            location: net.location,
            address_prefixes: net.address_prefixes,
            subnets,
            tags: net.tags,
        };
        let (net, _) = self.put_virtual_network(v, spec)?;
        Ok((net.subnet(name).expect("just written").clone(), created))
    }

    pub fn delete_subnet(&mut self, v: &VnetRef, name: &str) -> Result<bool> {
        let net = self.virtual_networks.get_mut(&v.key()).ok_or_else(|| EmulatorError::ResourceNotFound {
            resource_type: scope::VNET_TYPE.into(),
            name: v.name.clone(),
            resource_group: v.resource_group.clone(),
        })?;
        let before = net.subnets.len();
        net.subnets.retain(|s| !s.name.eq_ignore_ascii_case(name));
        Ok(net.subnets.len() != before)
    }

    /// Creates or updates the peering `name` on `local`. Authorization is the caller's job; this
    /// enforces Azure's network rules and moves both sides' states.
    pub fn put_peering(
        &mut self,
        local: &VnetRef,
        name: &str,
        spec: PeeringSpec,
        now: DateTime<Utc>,
    ) -> Result<(Peering, bool)> {
        scope::validate_name(name)?;
        let local_net = self.virtual_network(local)?.clone();
        let peering_id = format!("{}/virtualNetworkPeerings/{name}", local_net.vnet.id());
        if spec.remote.key() == local.key() {
            return Err(EmulatorError::PeeringToSelf(local_net.vnet.id()));
        }
        let remote_net = self
            .virtual_network(&spec.remote)
            .map_err(|_| EmulatorError::RemoteVnetNotFound(spec.remote.id()))?
            .clone();
        let existing = local_net.peering(name).cloned();
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
        let net = self.virtual_networks.get_mut(&local.key()).expect("checked above");
        match net.peerings.iter_mut().find(|p| p.name.eq_ignore_ascii_case(name)) {
            Some(slot) => *slot = peering.clone(),
            None => net.peerings.push(peering.clone()),
        }
        if state == PeeringState::Connected {
            let remote = self.virtual_networks.get_mut(&remote_net.vnet.key()).expect("checked above");
            if let Some(r) = remote.peerings.iter_mut().find(|p| p.remote.key() == local.key()) {
                if r.state != PeeringState::Connected {
                    r.state = PeeringState::Connected;
                    r.etag = Uuid::new_v4();
                }
            }
        }
        Ok((peering, existing.is_none()))
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
    pub fn delete_peering(&mut self, local: &VnetRef, name: &str) -> Result<bool> {
        self.virtual_network(local)?;
        let net = self.virtual_networks.get_mut(&local.key()).expect("checked above");
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
