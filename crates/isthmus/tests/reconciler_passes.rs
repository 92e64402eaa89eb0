//! The reconciler driven pass by pass, in process, against the real emulator: each assertion
//! follows one `Reconciler::tick()`, with no sleeping and no intervals to wait out. A connection
//! goes APPROVED → PENDING_PEER in one pass, ACTIVE in the pass after the customer's peering, and
//! DELETED (provider side gone) in the pass after the delete.

mod common;

use azure_client::{ArmClient, ClientSecretCredential, Endpoints, GraphClient};
use common::cp::{connection_body, customer_setup};
use common::*;
use control_plane::app;
use control_plane::domain::{ConnectionState, VpcState};
use control_plane::reconciler::metrics::Metrics;
use control_plane::reconciler::{PropagationGrace, ProviderIdentity, Reconciler, Settings};
use control_plane::store::Store;
use reqwest::Method;
use std::sync::Arc;
use std::time::Duration;

const PROJECT: &str = "passes";

async fn reconciler(emu: &Emu, store: Store) -> Arc<Reconciler> {
    let ca = std::fs::read(emu.dir.join("ca.pem")).expect("ca.pem");
    let endpoints = Endpoints::emulator(emu.url.parse().expect("url"), ca);
    let credential = Arc::new(ClientSecretCredential::new(&endpoints, PROVIDER_APP, PROVIDER_SECRET).expect("cred"));
    let settings = Settings {
        // Due again at once, and every pass reads Azure afresh: only the test's ticks pace it.
        pending_interval: Duration::ZERO,
        active_interval: Duration::ZERO,
        observation_ttl: Duration::ZERO,
        propagation_grace: PropagationGrace::fixed(Duration::ZERO),
        ..Settings::default()
    };
    let provider = ProviderIdentity {
        tenant_id: PROVIDER_TENANT.into(),
        app_id: PROVIDER_APP.into(),
        subscription_id: PROVIDER_SUB.into(),
        resource_group: "provider-rg".into(),
    };
    Arc::new(Reconciler::new(
        store,
        ArmClient::new(&endpoints, credential.clone()).expect("arm"),
        GraphClient::new(&endpoints, credential).expect("graph"),
        provider,
        settings,
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(Metrics::default()),
    ))
}

async fn state_of(store: &Store, id: uuid::Uuid) -> ConnectionState {
    store.connection(id).await.expect("connection").state
}

#[tokio::test]
async fn each_pass_moves_a_connection_one_step() {
    let emu = Emu::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&Store::sqlite_url(dir.path())).await.unwrap();
    store.ensure_project(PROJECT, chrono::Utc::now()).await.unwrap();
    let r = reconciler(&emu, store.clone()).await;

    let vpc = store.create_vpc(PROJECT, "azure-westeurope", "10.30.0.0/24".parse().unwrap(), chrono::Utc::now()).await;
    let vpc = vpc.unwrap();
    r.tick().await;
    let vpc = store.vpc_by_id(vpc.id).await.unwrap();
    assert_eq!(vpc.state, VpcState::Active, "one pass builds the project VPC's VNet");
    let provider_vnet = vpc.provider_vnet_id.clone().expect("provider VNet id");

    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "passes", true, Some(&rg_scope)).await;
    let body = serde_json::from_value(connection_body("customer-vnet", &app_id)).unwrap();
    let c = app::connections::create(&store, PROJECT, &vpc.id.to_string(), body).await.unwrap();
    assert_eq!(c.state, ConnectionState::Approved);

    assert!(r.tick().await, "the pass works on the new connection");
    assert_eq!(state_of(&store, c.id).await, ConnectionState::PendingPeer, "one pass sets up the provider side");
    r.tick().await;
    assert_eq!(state_of(&store, c.id).await, ConnectionState::PendingPeer, "nothing changes until the customer acts");

    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let put = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet, &c_arm, &[&c_aux]).await;
    assert!(put.status.is_success(), "{}", put.body);
    r.tick().await;
    assert_eq!(state_of(&store, c.id).await, ConnectionState::Active, "the next pass sees both sides Connected");

    let target = app::connections::Target {
        account: CUSTOMER_SUB.into(),
        rg: Some("customer-rg".into()),
        vnet: "customer-vnet".into(),
        region: None,
    };
    app::connections::delete(&store, PROJECT, &vpc.id.to_string(), target).await.unwrap();
    assert_eq!(state_of(&store, c.id).await, ConnectionState::Deleting);
    r.tick().await;
    assert_eq!(state_of(&store, c.id).await, ConnectionState::Deleted, "one pass tears the provider side down");
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let path = format!("{provider_vnet}/virtualNetworkPeerings?{NET_API}");
    let peerings = emu.arm(Method::GET, &path, &p_arm, &[], None).await;
    assert_eq!(peerings.body["value"], serde_json::json!([]), "the provider peering is gone");
}
