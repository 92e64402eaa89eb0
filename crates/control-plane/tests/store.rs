//! The store's rules, run on SQLite and on the local PostgreSQL (a fresh database per test):
//! uniqueness, transitions with their timeline, project isolation, leases.

use chrono::{Duration, Utc};
use control_plane::domain::{ConnectionState, StateInfo, VpcState};
use control_plane::ControlPlaneError;

mod support;

use support::{fresh, new_conn};

async fn connections_are_unique_case_insensitively_and_keep_case(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("p1", now).await.unwrap();
    let vpc = store.create_vpc("p1", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    assert_eq!(vpc.state, VpcState::Approved);
    let c = store.create_connection(&vpc, &new_conn("My-RG", "My-VNet"), now).await.unwrap();
    assert_eq!(
        (c.peer_resource_group.as_str(), c.peer_vpc.as_str(), c.state),
        ("My-RG", "My-VNet", ConnectionState::Approved)
    );
    let dup = store.create_connection(&vpc, &new_conn("my-rg", "MY-VNET"), now).await.unwrap_err();
    assert_eq!(dup, ControlPlaneError::ConnectionExists);
    assert_eq!(store.connections_of(vpc.id).await.unwrap().len(), 1, "the refused duplicate stored nothing");
    // once deleted, the slot is free again
    store.transition(c.id, ConnectionState::Approved, ConnectionState::Deleting, None, "user", now).await.unwrap();
    store.transition(c.id, ConnectionState::Deleting, ConnectionState::Deleted, None, "done", now).await.unwrap();
    assert!(store.connections_of(vpc.id).await.unwrap().is_empty());
    store.create_connection(&vpc, &new_conn("my-rg", "my-vnet"), now).await.unwrap();
    // one VPC per cloud: a second in the same cloud is refused, naming the first; another cloud is fine
    let second = store.create_vpc("p1", "azure-westeurope", "10.2.0.0/24".parse().unwrap(), now).await.unwrap_err();
    assert_eq!(
        second,
        ControlPlaneError::VpcExistsInCloud { cloud: "azure-westeurope".into(), id: vpc.id.to_string() }
    );
    store.create_vpc("p1", "azure-northeurope", "10.2.0.0/24".parse().unwrap(), now).await.unwrap();
}

async fn transitions_check_the_previous_state_and_record_the_timeline(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("p1", now).await.unwrap();
    let vpc = store.create_vpc("p1", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    let c = store.create_connection(&vpc, &new_conn("rg", "vnet"), now).await.unwrap();
    let info = StateInfo::new("pending-peer", "Create your side").with("to-tenant-id", "t").with("to-network-id", "n");
    let pending = store
        .transition(
            c.id,
            ConnectionState::Approved,
            ConnectionState::PendingPeer,
            Some(&info),
            "provider peering created",
            now,
        )
        .await
        .unwrap();
    assert_eq!(pending.state_info.as_ref().unwrap().extra["to-network-id"], "n");
    let stale = store
        .transition(c.id, ConnectionState::Approved, ConnectionState::PendingPeer, None, "again", now)
        .await
        .unwrap_err();
    assert!(matches!(stale, ControlPlaneError::StaleState { .. }), "{stale:?}");
    let illegal = store
        .transition(c.id, ConnectionState::PendingPeer, ConnectionState::Approved, None, "back", now)
        .await
        .unwrap_err();
    assert!(matches!(illegal, ControlPlaneError::IllegalTransition { .. }));
    store
        .transition(
            c.id,
            ConnectionState::PendingPeer,
            ConnectionState::Active,
            None,
            "peer connected",
            now + Duration::seconds(1),
        )
        .await
        .unwrap();
    let events = store.events(c.id).await.unwrap();
    let path: Vec<_> = events.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(
        path,
        vec![
            (None, ConnectionState::Approved),
            (Some(ConnectionState::Approved), ConnectionState::PendingPeer),
            (Some(ConnectionState::PendingPeer), ConnectionState::Active)
        ]
    );
    assert_eq!(events[2].reason, "peer connected");
}

async fn tokens_are_hashed_and_projects_isolated(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("alpha", now).await.unwrap();
    store.ensure_project("beta", now).await.unwrap();
    let alice = store.ensure_user("alice@example.com", Some("pw-alice"), now).await.unwrap();
    store.add_member("alpha", &alice).await.unwrap();
    let token = store.create_token(&alice, "test", now).await.unwrap();
    assert_eq!(store.authenticate(&token).await.unwrap(), alice);
    assert_eq!(store.authenticate("nope").await.unwrap_err(), ControlPlaneError::InvalidToken);
    store.ensure_member(&alice, "alpha").await.unwrap();
    assert!(matches!(store.ensure_member(&alice, "beta").await, Err(ControlPlaneError::NotProjectMember(_))));
    let t2 = store.login("alice@example.com", "pw-alice", now).await.unwrap();
    assert_eq!(store.authenticate(&t2).await.unwrap().email, "alice@example.com");
    assert_eq!(store.login("alice@example.com", "wrong", now).await.unwrap_err(), ControlPlaneError::BadLogin);
}

async fn leases_are_exclusive_until_they_expire(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("p1", now).await.unwrap();
    let vpc = store.create_vpc("p1", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    let c = store.create_connection(&vpc, &new_conn("rg", "vnet"), now).await.unwrap();
    let claimed = store.claim_due("replica-a", now, 30_000).await.unwrap().expect("due at once");
    assert_eq!(claimed.id, c.id);
    assert!(store.claim_due("replica-b", now, 30_000).await.unwrap().is_none(), "leased");
    assert_eq!(
        store.claim_due("replica-b", now + Duration::seconds(31), 30_000).await.unwrap().map(|c| c.id),
        Some(c.id),
        "expired lease"
    );
    store.release(c.id, "replica-b", now + Duration::seconds(60)).await.unwrap();
    assert!(store.claim_due("replica-a", now + Duration::seconds(59), 30_000).await.unwrap().is_none(), "not due yet");
    assert_eq!(store.next_due().await.unwrap().map(|t| t.timestamp()), Some((now + Duration::seconds(60)).timestamp()));
}

async fn failure_counts_live_in_the_store(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("p1", now).await.unwrap();
    let vpc = store.create_vpc("p1", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    let c = store.create_connection(&vpc, &new_conn("rg", "vnet"), now).await.unwrap();
    assert_eq!(store.record_failure(c.id).await.unwrap(), 1);
    assert_eq!(store.record_failure(c.id).await.unwrap(), 2, "any replica sees the same count");
    store.reset_failures(c.id).await.unwrap();
    assert_eq!(store.record_failure(c.id).await.unwrap(), 1);
}

async fn concurrent_claims_never_share_a_connection(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("p1", now).await.unwrap();
    let vpc = store.create_vpc("p1", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    for i in 0..40 {
        store.create_connection(&vpc, &new_conn("rg", &format!("vnet-{i}")), now).await.unwrap();
    }
    let claim = |owner: &'static str| {
        let store = store.clone();
        tokio::spawn(async move { store.claim_due_batch(owner, now, 30_000, 25).await.unwrap() })
    };
    let (a, b) = (claim("replica-a"), claim("replica-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let mut ids: Vec<_> = a.iter().chain(b.iter()).map(|c| c.id).collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "no connection was claimed twice");
    assert!(total >= 25, "the claims took work: {} + {}", a.len(), b.len());
}

async fn a_vpc_delete_and_a_connection_create_never_both_win(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    for round in 0..20 {
        let project = format!("p{round}");
        store.ensure_project(&project, now).await.unwrap();
        let cidr = format!("10.{round}.0.0/24");
        let vpc = store.create_vpc(&project, "azure-westeurope", cidr.parse().unwrap(), now).await.unwrap();
        let (s1, s2, v) = (store.clone(), store.clone(), vpc.clone());
        let create = tokio::spawn(async move { s1.create_connection(&v, &new_conn("rg", "vnet"), now).await });
        let delete = tokio::spawn(async move { s2.begin_vpc_delete(vpc.id, now).await });
        let (created, deleted) = (create.await.unwrap(), delete.await.unwrap());
        match (&created, &deleted) {
            (Ok(_), Err(ControlPlaneError::VpcHasConnections(_))) => {}
            (Err(ControlPlaneError::VpcNotActive { .. }), Ok(v)) => assert_eq!(v.state, VpcState::Deleting),
            other => panic!("round {round}: both or neither won: {other:?}"),
        }
    }
}

async fn two_vpc_creates_in_one_cloud_at_once_never_both_win(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    for round in 0..20 {
        let project = format!("p{round}");
        store.ensure_project(&project, now).await.unwrap();
        let create = |cidr: &str| {
            let (store, project, cidr) = (store.clone(), project.clone(), cidr.to_string());
            tokio::spawn(
                async move { store.create_vpc(&project, "azure-westeurope", cidr.parse().unwrap(), now).await },
            )
        };
        let (a, b) = (create("10.1.0.0/24"), create("10.2.0.0/24"));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "round {round}: exactly one wins: {a:?} {b:?}");
        let lost = if a.is_err() { a } else { b };
        assert!(matches!(lost, Err(ControlPlaneError::VpcExistsInCloud { .. })), "{lost:?}");
    }
    assert!(matches!(
        store.create_vpc("nope", "azure-westeurope", "10.99.0.0/24".parse().unwrap(), now).await,
        Err(ControlPlaneError::ProjectNotFound(_))
    ));
}

on_both!(
    connections_are_unique_case_insensitively_and_keep_case,
    transitions_check_the_previous_state_and_record_the_timeline,
    tokens_are_hashed_and_projects_isolated,
    leases_are_exclusive_until_they_expire,
    failure_counts_live_in_the_store,
    concurrent_claims_never_share_a_connection,
    a_vpc_delete_and_a_connection_create_never_both_win,
    two_vpc_creates_in_one_cloud_at_once_never_both_win
);
