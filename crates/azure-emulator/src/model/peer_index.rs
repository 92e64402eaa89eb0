//! Which VNets have a peering to a given VNet, without scanning every VNet on each write: an index
//! kept beside the state (never stored: rebuilt on load), brought up to date at each commit from
//! the VNets the write touched, and corrected for those while the write is still running.

use crate::model::state::State;
use crate::model::table::Table;
use crate::network::resources::VirtualNetwork;
use imbl::{OrdMap, OrdSet};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct PeerIndex {
    /// Remote VNet key → keys of the VNets with a peering to it.
    by_remote: OrdMap<String, OrdSet<String>>,
}

fn remotes(net: Option<&VirtualNetwork>) -> BTreeSet<String> {
    net.map(|n| n.peerings.iter().map(|p| p.remote.key()).collect()).unwrap_or_default()
}

impl PeerIndex {
    pub fn build(vnets: &Table<String, VirtualNetwork>) -> PeerIndex {
        let mut index = PeerIndex::default();
        for (key, net) in vnets {
            index.update(key, None, Some(net));
        }
        index
    }

    /// Moves `key` from the entries of the remotes it had to those it has.
    pub fn update(&mut self, key: &str, old: Option<&VirtualNetwork>, new: Option<&VirtualNetwork>) {
        let (old, new) = (remotes(old), remotes(new));
        for gone in old.difference(&new) {
            if let Some(set) = self.by_remote.get_mut(gone) {
                set.remove(key);
                if set.is_empty() {
                    self.by_remote.remove(gone);
                }
            }
        }
        for added in new.difference(&old) {
            self.by_remote.entry(added.clone()).or_default().insert(key.to_string());
        }
    }
}

impl State {
    /// Keys of the VNets with a peering to the VNet keyed `key`, this write's changes included.
    pub fn vnets_peered_with(&self, key: &str) -> Vec<String> {
        let vnets = &self.virtual_networks;
        let mut out: BTreeSet<String> = self
            .peer_index
            .by_remote
            .get(key)
            .map(|set| set.iter().filter(|l| !vnets.is_touched(l)).cloned().collect())
            .unwrap_or_default();
        for t in vnets.touched() {
            if vnets.get(t).is_some_and(|n| n.peerings.iter().any(|p| p.remote.key() == key)) {
                out.insert(t.clone());
            }
        }
        out.into_iter().collect()
    }

    /// Brings the index up to date with the VNets this write touched (before they are forgotten).
    pub(crate) fn reindex_peerings(&mut self, before: &State) {
        let touched: Vec<String> = self.virtual_networks.touched().cloned().collect();
        for key in touched {
            self.peer_index.update(&key, before.virtual_networks.get(&key), self.virtual_networks.get(&key));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::authorization::scope::VnetRef;
    use crate::model::state::State;
    use crate::network::resources::{Peering, PeeringState, Subscription};
    use crate::network::rules::VirtualNetworkSpec;
    use std::collections::BTreeMap;
    use uuid::Uuid;

    fn vnet(s: &mut State, sub: Uuid, name: &str, octet: u8) -> VnetRef {
        let v = VnetRef { subscription: sub, resource_group: "rg".into(), name: name.into() };
        let spec = VirtualNetworkSpec {
            location: "westeurope".into(),
            address_prefixes: vec![format!("10.{octet}.0.0/16").parse().unwrap()],
            subnets: vec![],
            tags: BTreeMap::new(),
            unmodeled: Default::default(),
        };
        s.insert_virtual_network(&v, spec).unwrap();
        v
    }

    fn peer(s: &mut State, from: &VnetRef, to: &VnetRef) {
        let p = Peering {
            name: format!("to-{}", to.name),
            remote: to.clone(),
            flags: Default::default(),
            state: PeeringState::Initiated,
            remote_address_space: vec![],
            resource_guid: Uuid::new_v4(),
            etag: Uuid::new_v4(),
            created: chrono::Utc::now(),
        };
        s.virtual_networks.get_mut(&from.key()).unwrap().peerings.push(p);
    }

    /// Commits `s` as the store does: the index catches up and the touched keys are forgotten.
    fn commit(s: &mut State, before: &State) {
        s.take_changes(before).unwrap();
    }

    #[test]
    fn the_index_answers_as_a_scan_would_during_and_after_writes() {
        let sub = Uuid::new_v4();
        let mut s = State::default();
        s.subscriptions.insert(sub, Subscription { id: sub, tenant_id: Uuid::new_v4(), display_name: "s".into() });
        s.insert_resource_group(sub, "rg", "westeurope", BTreeMap::new()).unwrap();
        let (a, b, c) = (vnet(&mut s, sub, "va", 1), vnet(&mut s, sub, "vb", 2), vnet(&mut s, sub, "vc", 3));
        peer(&mut s, &a, &c);
        assert_eq!(s.vnets_peered_with(&c.key()), vec![a.key()], "seen within the write that made it");
        commit(&mut s, &State::default());
        assert_eq!(s.vnets_peered_with(&c.key()), vec![a.key()], "and from the index after it");

        let before = s.clone();
        peer(&mut s, &b, &c);
        s.virtual_networks.get_mut(&a.key()).unwrap().peerings.clear();
        assert_eq!(s.vnets_peered_with(&c.key()), vec![b.key()], "a write's own changes override the index");
        commit(&mut s, &before);
        assert_eq!(s.vnets_peered_with(&c.key()), vec![b.key()]);
        assert!(before.vnets_peered_with(&c.key()) == vec![a.key()], "the copy it started from is unchanged");

        let before = s.clone();
        s.virtual_networks.remove(&b.key());
        commit(&mut s, &before);
        assert!(s.vnets_peered_with(&c.key()).is_empty());
        let rebuilt = super::PeerIndex::build(&s.virtual_networks);
        assert!(rebuilt.by_remote.is_empty() && s.peer_index.by_remote.is_empty());
    }
}
