//! `GET …/vpcs/{id}` answers kept in memory: a full VPC (500 connections) costs a 500-row read and
//! ~250 KB of JSON to render, yet changes far less often than it is polled (every client waiting
//! for ACTIVE polls it). A page is served only while the VPC's stored `connections_version`, read
//! with the VPC on every request, is the one it was rendered at, so it is never staler than the
//! store, on any replica.

use super::render;
use crate::domain::{PeeringConnection, Vpc};
use axum::body::Bytes;
use control_plane_api::VpcOut;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::sync::Arc;
use uuid::Uuid;

/// Memory the pages may use in all: ~80 full VPCs. Beyond it the least used are dropped.
const CAPACITY_BYTES: u64 = 32 * 1024 * 1024;

struct Page {
    version: i64,
    /// The VPC's own fields as rendered: a VPC change (state, update time) is a different page.
    summary: VpcOut,
    body: Bytes,
}

#[derive(Clone)]
struct BodySize;

impl Weighter<Uuid, Arc<Page>> for BodySize {
    fn weight(&self, _: &Uuid, page: &Arc<Page>) -> u64 {
        page.body.len() as u64 + 256
    }
}

#[derive(Clone)]
pub struct VpcPages(Arc<Cache<Uuid, Arc<Page>, BodySize>>);

impl Default for VpcPages {
    fn default() -> Self {
        VpcPages::within(CAPACITY_BYTES)
    }
}

impl VpcPages {
    fn within(bytes: u64) -> VpcPages {
        VpcPages(Arc::new(Cache::with_weighter(1024, bytes, BodySize)))
    }

    /// The rendered `VpcGetOut` of `vpc` if it is current.
    pub fn current(&self, vpc: &Vpc) -> Option<Bytes> {
        let page = self.0.get(&vpc.id)?;
        (page.version == vpc.connections_version && page.summary == render::vpc_summary(vpc)).then(|| page.body.clone())
    }

    /// Renders `vpc` with `connections` (read after `vpc`, so at least as new as its version) and
    /// keeps the page under the VPC's version.
    pub fn render(&self, vpc: &Vpc, connections: &[PeeringConnection]) -> Bytes {
        let body = Bytes::from(serde_json::to_vec(&render::vpc(vpc, connections)).expect("a VPC serialises"));
        let page = Page { version: vpc.connections_version, summary: render::vpc_summary(vpc), body: body.clone() };
        self.0.insert(vpc.id, Arc::new(page));
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::VpcState;
    use chrono::Utc;

    fn vpc() -> Vpc {
        Vpc {
            id: Uuid::new_v4(),
            project: "p".into(),
            cloud_name: "azure-westeurope".into(),
            network_cidr: "10.0.0.0/24".parse().unwrap(),
            state: VpcState::Active,
            provider_vnet_id: None,
            created: Utc::now(),
            updated: Utc::now(),
            refresh_requested: None,
            connections_version: 7,
            observed: None,
        }
    }

    #[test]
    fn a_page_is_served_only_at_the_version_and_vpc_it_was_rendered_for() {
        let pages = VpcPages::default();
        let v = vpc();
        assert!(pages.current(&v).is_none());
        let body = pages.render(&v, &[]);
        assert_eq!(pages.current(&v).as_deref(), Some(&body[..]));
        assert!(pages.current(&Vpc { connections_version: 8, ..v.clone() }).is_none(), "connections changed");
        assert!(pages.current(&Vpc { state: VpcState::Deleting, ..v.clone() }).is_none(), "the VPC changed");
        assert!(pages.current(&Vpc { id: Uuid::new_v4(), ..v.clone() }).is_none(), "another VPC");
    }

    #[test]
    fn pages_stay_within_their_memory() {
        let pages = VpcPages::within(64 * 1024);
        for _ in 0..4096 {
            pages.render(&vpc(), &[]);
        }
        assert!(pages.0.weight() <= 64 * 1024);
        assert!(pages.0.len() < 200, "{} pages kept", pages.0.len());
    }
}
