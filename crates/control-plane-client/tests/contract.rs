//! The generated client reads every body the server writes and writes bodies the server accepts:
//! each contract type is serialised, read back through the type progenitor generated from the
//! document, and must come out as the same JSON. A contract change that is not regenerated into
//! `openapi.json` (and so into the client) fails here or in the control plane's document test.

use control_plane_api as server;
use control_plane_client::types as client;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `value` → JSON → `Via` → JSON must be the identity.
fn round_trip<Via: Serialize + DeserializeOwned>(value: impl Serialize) {
    let sent = serde_json::to_value(value).expect("serialises");
    let read: Via = serde_json::from_value(sent.clone())
        .unwrap_or_else(|e| panic!("{} cannot read {sent}: {e}", std::any::type_name::<Via>()));
    assert_eq!(serde_json::to_value(read).expect("serialises"), sent, "{}", std::any::type_name::<Via>());
}

fn connection(state_info: Option<server::StateInfo>) -> server::PeeringConnectionOut {
    server::PeeringConnectionOut {
        create_time: "2026-11-29T18:00:00Z".into(),
        peer_azure_app_id: "00000000-0000-0000-0000-0000000000a1".into(),
        peer_azure_tenant_id: "00000000-0000-0000-0000-0000000000a2".into(),
        peer_cloud_account: "00000000-0000-0000-0000-0000000000a3".into(),
        peer_region: None,
        peer_resource_group: "Customer-RG".into(),
        peer_vpc: "customer-vnet".into(),
        peering_connection_id: uuid::Uuid::new_v4(),
        state: server::ConnectionState::PendingPeer,
        state_info,
        update_time: "2026-11-29T18:00:05Z".into(),
        user_peer_network_cidrs: vec!["10.20.0.0/24".into()],
        vpc_peering_connection_type: server::AZURE_VNET_PEERING.into(),
    }
}

#[test]
fn responses_the_server_writes_read_back_unchanged() {
    let info = server::StateInfo {
        message: "Create your side of the peering".into(),
        kind: "azure-vnet-peering-pending-peer".into(),
        to_tenant_id: Some("00000000-0000-0000-0000-000000000001".into()),
        to_network_id: Some("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v".into()),
        warnings: vec![server::StateInfoWarning {
            message: "Peer network 10.3.0.0/16 overlaps 10.3.0.0/24".into(),
            kind: "overlapping-peer-vpc-ip-ranges".into(),
        }],
        extra: BTreeMap::from([("hint".to_string(), "a key a later server may add".to_string())]),
    };
    let vpc = server::VpcGetOut {
        cloud_name: "azure-westeurope".into(),
        create_time: "2026-11-29T17:00:00Z".into(),
        network_cidr: "10.1.0.0/24".into(),
        peering_connections: vec![connection(Some(info)), connection(None)],
        pending_build_only_peering_connections: None,
        project_vpc_id: uuid::Uuid::new_v4(),
        state: server::VpcState::Active,
        update_time: "2026-11-29T17:01:00Z".into(),
    };
    round_trip::<client::VpcGetOut>(&vpc);
    round_trip::<client::PeeringConnectionOut>(&vpc.peering_connections[0]);
    let listed = server::VpcOut {
        cloud_name: vpc.cloud_name.clone(),
        create_time: vpc.create_time.clone(),
        network_cidr: vpc.network_cidr.clone(),
        project_vpc_id: vpc.project_vpc_id,
        state: server::VpcState::Deleting,
        update_time: vpc.update_time.clone(),
    };
    round_trip::<client::VpcListOut>(server::VpcListOut { vpcs: vec![listed] });
    round_trip::<client::PeeringConnectionEventsOut>(server::PeeringConnectionEventsOut {
        peering_connection_id: uuid::Uuid::new_v4(),
        state: server::ConnectionState::Active,
        events: vec![
            server::PeeringConnectionEvent {
                from_state: None,
                to_state: server::ConnectionState::Approved,
                reason: "created".into(),
                time: "2026-11-29T18:00:00Z".into(),
            },
            server::PeeringConnectionEvent {
                from_state: Some(server::ConnectionState::PendingPeer),
                to_state: server::ConnectionState::Active,
                reason: "both sides Connected".into(),
                time: "2026-11-29T18:00:09Z".into(),
            },
        ],
    });
    round_trip::<client::Error>(server::ErrorOut::new("Project VPC does not exist".into(), 404, "vpc_not_found", None));
    round_trip::<client::Error>(server::ErrorOut::new(
        "bad cidr".into(),
        400,
        "invalid_input",
        Some("network_cidr".into()),
    ));
    round_trip::<client::UserAuthOut>(server::UserAuthOut {
        state: "active".into(),
        token: "t".into(),
        user_email: "a@example.com".into(),
    });
    round_trip::<client::ProjectListOut>(server::ProjectListOut {
        projects: vec![server::ProjectOut {
            project_name: "demo".into(),
            default_cloud: "azure-westeurope".into(),
            billing_currency: "USD".into(),
            vat_id: String::new(),
            billing_extra_text: None,
            billing_address: String::new(),
            country_code: String::new(),
        }],
    });
    round_trip::<client::MeOut>(server::MeOut {
        user: server::UserOut {
            user: "a@example.com".into(),
            user_id: "00000000-0000-0000-0000-0000000000a4".into(),
            real_name: String::new(),
            state: "active".into(),
            token_validity_begin: None,
            projects: vec!["demo".into()],
            auth: vec!["password".into()],
        },
    });
    round_trip::<client::CloudListOut>(server::CloudListOut {
        clouds: vec![server::CloudOut {
            cloud_description: "Europe, Netherlands - Azure: West Europe".into(),
            cloud_name: "azure-westeurope".into(),
            geo_latitude: 52.37,
            geo_longitude: 4.9,
            geo_region: "europe".into(),
            provider: "azure".into(),
            provider_description: "Microsoft Azure".into(),
        }],
    });
}

#[test]
fn requests_the_client_writes_are_accepted_by_the_server_types() {
    let accepts = |body: Value, as_: fn(Value) -> Result<(), serde_json::Error>| {
        as_(body.clone()).unwrap_or_else(|e| panic!("the server refuses {body}: {e}"));
    };
    let create = client::VpcPeeringConnectionCreateIn {
        peer_azure_app_id: "app".into(),
        peer_azure_tenant_id: "tenant".into(),
        peer_cloud_account: "sub".into(),
        peer_region: None,
        peer_resource_group: "rg".into(),
        peer_vpc: "vnet".into(),
        user_peer_network_cidrs: vec![],
    };
    accepts(serde_json::to_value(&create).unwrap(), |v| {
        serde_json::from_value::<server::VpcPeeringConnectionCreateIn>(v).map(drop)
    });
    let vpc = client::VpcCreateIn {
        cloud_name: "azure-westeurope".into(),
        network_cidr: "10.1.0.0/24".into(),
        peering_connections: vec![],
    };
    accepts(serde_json::to_value(&vpc).unwrap(), |v| serde_json::from_value::<server::VpcCreateIn>(v).map(drop));
    let cidrs = client::UserPeerNetworkCidrsIn {
        add: vec![client::UserPeerNetworkCidrAdd {
            peer_cloud_account: "sub".into(),
            peer_resource_group: Some("rg".into()),
            peer_vpc: "vnet".into(),
            cidr: "10.30.0.0/24".into(),
        }],
        delete: vec!["10.31.0.0/24".into()],
    };
    accepts(serde_json::to_value(&cidrs).unwrap(), |v| {
        serde_json::from_value::<server::UserPeerNetworkCidrsIn>(v).map(drop)
    });
    // What the server refuses, the client's types refuse to read as well: the closed shapes agree.
    assert!(serde_json::from_value::<client::VpcCreateIn>(json!({"cloud_name": "x", "network_cidr": "y", "extra": 1}))
        .is_err());
}
