//! What the reconciler's unit tests share.

use crate::domain::{ConnectionState, PeeringConnection};
use chrono::Utc;

/// A connection to VNet `vnet` in `rg` of subscription aaaaaaaa-…-01, in `state`.
pub fn connection(state: ConnectionState) -> PeeringConnection {
    PeeringConnection {
        id: uuid::Uuid::new_v4(),
        vpc_id: uuid::Uuid::new_v4(),
        project: "p".into(),
        peer_cloud_account: "aaaaaaaa-0000-0000-0000-000000000001".into(),
        peer_resource_group: "rg".into(),
        peer_vpc: "vnet".into(),
        peer_azure_app_id: "app".into(),
        peer_azure_tenant_id: "tenant".into(),
        user_peer_network_cidrs: vec![],
        state,
        state_info: None,
        created: Utc::now(),
        updated: Utc::now(),
    }
}
