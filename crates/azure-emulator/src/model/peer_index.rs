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
