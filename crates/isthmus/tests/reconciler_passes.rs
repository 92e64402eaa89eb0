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
    // Due again at once, and every pass reads Azure afresh: only the test's ticks pace it.
    replica(emu, store, "passes", Duration::ZERO).await
}

/// A reconciler named `name` whose sweeps come every `interval`.
async fn replica(emu: &Emu, store: Store, name: &str, interval: Duration) -> Arc<Reconciler> {
    let ca = std::fs::read(emu.dir.join("ca.pem")).expect("ca.pem");
    let endpoints = Endpoints::emulator(emu.url.parse().expect("url"), ca);
    let credential = Arc::new(ClientSecretCredential::new(&endpoints, PROVIDER_APP, PROVIDER_SECRET).expect("cred"));
    let settings = Settings {
        replica: name.into(),
        pending_interval: interval,
        active_interval: interval,
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

/// `DELETE` of the VPC's connection to `customer-vnet`, as the API does it.
async fn delete_customer_vnet_connection(store: &Store, vpc: uuid::Uuid) {
    let target = app::connections::Target {
        account: CUSTOMER_SUB.into(),
        rg: Some("customer-rg".into()),
        vnet: "customer-vnet".into(),
        region: None,
    };
    app::connections::delete(store, PROJECT, &vpc.to_string(), target).await.unwrap();
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

    delete_customer_vnet_connection(&store, vpc.id).await;
    assert_eq!(state_of(&store, c.id).await, ConnectionState::Deleting);
    r.tick().await;
    assert_eq!(state_of(&store, c.id).await, ConnectionState::Deleted, "one pass tears the provider side down");
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let path = format!("{provider_vnet}/virtualNetworkPeerings?{NET_API}");
    let peerings = emu.arm(Method::GET, &path, &p_arm, &[], None).await;
    assert_eq!(peerings.body["value"], serde_json::json!([]), "the provider peering is gone");
}

fn sweeps_and_reads(r: &Reconciler) -> (u64, u64) {
    let label =
        control_plane::reconciler::metrics::CallLabel { operation: "read_peerings".into(), outcome: "ok".into() };
    (r.metrics.sweeps.get(), r.metrics.azure_calls.get_or_create(&label).get())
}

/// How many observations a histogram of `/metrics` holds (`name` with its labels, if any).
fn observed(r: &Reconciler, name: &str) -> u64 {
    let count = format!("{}_count{} ", name.split('{').next().unwrap(), name.find('{').map_or("", |i| &name[i..]));
    r.metrics.render().lines().find_map(|l| l.strip_prefix(count.as_str())?.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn one_read_per_vnet_follows_all_its_connections_and_replicas_never_sweep_twice() {
    let emu = Emu::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&Store::sqlite_url(dir.path())).await.unwrap();
    store.ensure_project(PROJECT, chrono::Utc::now()).await.unwrap();
    let r1 = replica(&emu, store.clone(), "r1", Duration::from_secs(3600)).await;
    let r2 = replica(&emu, store.clone(), "r2", Duration::from_secs(3600)).await;
    let vpc = store.create_vpc(PROJECT, "azure-westeurope", "10.30.0.0/24".parse().unwrap(), chrono::Utc::now());
    let vpc = vpc.await.unwrap();
    r1.tick().await;
    let vpc = store.vpc_by_id(vpc.id).await.unwrap();
    let provider_vnet = vpc.provider_vnet_id.clone().expect("provider VNet id");

    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "sweeps", true, Some(&rg_scope)).await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let name = format!("sweep-{i}");
        let body = serde_json::json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [format!("172.20.{i}.0/24")]}}});
        let put = emu
            .arm(
                Method::PUT,
                &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", &name)),
                &admin,
                &[],
                Some(body),
            )
            .await;
        assert_eq!(put.status, 201, "{}", put.body);
        let body = serde_json::from_value(connection_body(&name, &app_id)).unwrap();
        ids.push(app::connections::create(&store, PROJECT, &vpc.id.to_string(), body).await.unwrap().id);
    }
    r1.tick().await;
    for id in &ids {
        assert_eq!(state_of(&store, *id).await, ConnectionState::PendingPeer);
    }
    let mut before = Vec::new();
    for id in &ids {
        before.push(store.connection(*id).await.unwrap().updated);
    }

    // Nothing due: no sweep, no read.
    let (sweeps, reads) = sweeps_and_reads(&r1);
    store.request_refresh(vpc.id, chrono::Utc::now() - chrono::Duration::seconds(3600)).await.unwrap();
    assert!(r1.tick().await, "a refresh makes the VNet due");
    assert_eq!(sweeps_and_reads(&r1), (sweeps + 1, reads + 1), "one read of the VNet for all six connections");
    for (id, was) in ids.iter().zip(before) {
        assert_eq!(store.connection(*id).await.unwrap().updated, was, "no write for no change");
    }

    // The customer connects two of them: one sweep, by one replica of two ticking at once.
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    for i in 0..2 {
        let mine = vnet_id(CUSTOMER_SUB, "customer-rg", &format!("sweep-{i}"));
        let put = emu.put_peering(&mine, "to-provider", &provider_vnet, &c_arm, &[&c_aux]).await;
        assert!(put.status.is_success(), "{}", put.body);
    }
    store.request_refresh(vpc.id, chrono::Utc::now()).await.unwrap();
    let (s1, s2) = (sweeps_and_reads(&r1), sweeps_and_reads(&r2));
    let (a, b) = (r1.clone(), r2.clone());
    tokio::join!(a.tick(), b.tick());
    let total = |r: &Reconciler, was: (u64, u64)| sweeps_and_reads(r).0 - was.0;
    assert_eq!(total(&r1, s1) + total(&r2, s2), 1, "each VNet is observed by one replica per sweep");
    let mut states = Vec::new();
    for id in &ids {
        states.push(state_of(&store, *id).await);
    }
    assert_eq!(states.iter().filter(|s| **s == ConnectionState::Active).count(), 2, "{states:?}");

    // A replica that dies holding the sweep's lease hands it over when the lease lapses.
    store.request_refresh(vpc.id, chrono::Utc::now()).await.unwrap();
    let held = store.claim_due_sweeps("dead", chrono::Utc::now(), chrono::Utc::now(), 1000, 10).await.unwrap();
    assert_eq!(held.len(), 1);
    let s2 = sweeps_and_reads(&r2);
    r2.tick().await;
    assert_eq!(sweeps_and_reads(&r2).0, s2.0, "leased by the dead replica");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    r2.tick().await;
    assert_eq!(sweeps_and_reads(&r2).0, s2.0 + 1, "taken over after one lease");

    // Two VNets due at once: one list of the provider subscription observes both.
    store.ensure_project("passes-2", chrono::Utc::now()).await.unwrap();
    let other = store.create_vpc("passes-2", "azure-westeurope", "10.31.0.0/24".parse().unwrap(), chrono::Utc::now());
    let other = other.await.unwrap();
    r1.tick().await;
    let body = serde_json::from_value(connection_body("sweep-5", &app_id)).unwrap();
    let c = app::connections::create(&store, "passes-2", &other.id.to_string(), body).await.unwrap();
    r1.tick().await;
    assert_eq!(state_of(&store, c.id).await, ConnectionState::PendingPeer);
    // due (long ago), not asked to refresh now
    let long_ago = chrono::Utc::now() - chrono::Duration::seconds(3600);
    store.request_refresh(vpc.id, long_ago).await.unwrap();
    store.request_refresh(other.id, long_ago).await.unwrap();
    let listed = control_plane::reconciler::metrics::CallLabel {
        operation: "list_virtual_networks".into(),
        outcome: "ok".into(),
    };
    let (sweeps, reads) = sweeps_and_reads(&r1);
    let lists = r1.metrics.azure_calls.get_or_create(&listed).get();
    let rounds = observed(&r1, r#"isthmus_sweep_seconds{kind="subscription"}"#);
    r1.tick().await;
    assert_eq!(sweeps_and_reads(&r1), (sweeps + 2, reads), "both swept, no VNet read on its own");
    assert_eq!(observed(&r1, r#"isthmus_sweep_seconds{kind="subscription"}"#), rounds + 1, "one round timed");
    assert_eq!(r1.metrics.azure_calls.get_or_create(&listed).get(), lists + 1, "one list of the subscription");

    // Asked to refresh now: each VNet is read on its own at once, not gathered.
    let now = chrono::Utc::now();
    store.request_refresh(vpc.id, now).await.unwrap();
    store.request_refresh(other.id, now).await.unwrap();
    let (sweeps, reads) = sweeps_and_reads(&r1);
    let (asked, honoured) =
        (observed(&r1, r#"isthmus_sweep_seconds{kind="asked"}"#), observed(&r1, "isthmus_refresh_seconds"));
    r1.tick().await;
    assert_eq!(sweeps_and_reads(&r1), (sweeps + 2, reads + 2), "each nudged VNet read alone");
    assert_eq!(observed(&r1, r#"isthmus_sweep_seconds{kind="asked"}"#), asked + 2, "asked sweeps timed");
    assert_eq!(observed(&r1, "isthmus_refresh_seconds"), honoured + 2, "both refreshes honoured and timed");
    r1.tick().await;
    assert_eq!(
        observed(&r1, r#"isthmus_sweep_seconds{kind="asked"}"#),
        asked + 2,
        "a refresh once honoured is not read in the foreground again"
    );
    assert_eq!(r1.metrics.azure_calls.get_or_create(&listed).get(), lists + 1, "no subscription list for nudges");
}

/// A grant one replica made and another revoked is not trusted by the first: a connection of the
/// same customer app created after the revoke gets the grant made again, so the customer can peer.
#[tokio::test]
async fn a_grant_revoked_by_one_replica_is_made_again_by_another() {
    let emu = Emu::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&Store::sqlite_url(dir.path())).await.unwrap();
    store.ensure_project(PROJECT, chrono::Utc::now()).await.unwrap();
    let a = replica(&emu, store.clone(), "a", Duration::ZERO).await;
    let b = replica(&emu, store.clone(), "b", Duration::ZERO).await;
    let vpc = store.create_vpc(PROJECT, "azure-westeurope", "10.32.0.0/24".parse().unwrap(), chrono::Utc::now());
    let vpc = vpc.await.unwrap();
    a.tick().await;
    let provider_vnet = store.vpc_by_id(vpc.id).await.unwrap().provider_vnet_id.expect("provider VNet");
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "regrant", true, Some(&rg_scope)).await;
    let create = || async {
        let body = serde_json::from_value(connection_body("customer-vnet", &app_id)).unwrap();
        app::connections::create(&store, PROJECT, &vpc.id.to_string(), body).await.unwrap()
    };

    let first = create().await;
    b.tick().await;
    assert_eq!(state_of(&store, first.id).await, ConnectionState::PendingPeer, "b made the grant and our side");
    delete_customer_vnet_connection(&store, vpc.id).await;
    a.tick().await;
    assert_eq!(state_of(&store, first.id).await, ConnectionState::Deleted, "a tore it down and revoked the grant");

    let second = create().await;
    b.tick().await;
    assert_eq!(state_of(&store, second.id).await, ConnectionState::PendingPeer);
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let put = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet, &c_arm, &[&c_aux]).await;
    assert!(
        put.status.is_success(),
        "the customer cannot peer: the grant b once made was not made again: {}",
        put.body
    );
    b.tick().await;
    assert_eq!(state_of(&store, second.id).await, ConnectionState::Active);
}
