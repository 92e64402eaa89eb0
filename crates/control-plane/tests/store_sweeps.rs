//! The store's side of VNet-driven detection, on SQLite and PostgreSQL: sweep leases per VPC,
//! watched connections not due by themselves, hand-overs, refresh requests honoured across a
//! sweep, grants claimed once among replicas, and the replica count.

mod support;

use chrono::{Duration, Utc};
use control_plane::domain::{ConnectionState, Vpc, VpcState};
use control_plane::store::{GrantClaim, Store};
use support::{fresh, new_conn};

/// An ACTIVE VPC with `n` connections moved to PENDING_PEER.
async fn watched_vpc(store: &Store, n: usize) -> (Vpc, Vec<uuid::Uuid>) {
    let now = Utc::now() - Duration::seconds(10);
    store.ensure_project("p1", now).await.unwrap();
    let vpc = store.create_vpc("p1", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    let vpc = store.set_vpc_state(vpc.id, VpcState::Approved, VpcState::Active, Some("/vnet/p1"), now).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let c = store.create_connection(&vpc, &new_conn("rg", &format!("vnet-{i}")), now).await.unwrap();
        let moved = store.transition(c.id, ConnectionState::Approved, ConnectionState::PendingPeer, None, "t", now);
        moved.await.unwrap();
        ids.push(c.id);
    }
    (vpc, ids)
}

async fn a_vpc_is_swept_by_one_replica_until_its_lease_lapses(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let (vpc, ids) = watched_vpc(&store, 3).await;
    let now = Utc::now();
    assert!(store.claim_due("replica-a", now, 30_000).await.unwrap().is_none(), "watched connections are not due");
    let a = store.claim_due_sweeps("replica-a", now, now, 30_000, 10).await.unwrap();
    assert_eq!(a.iter().map(|v| v.id).collect::<Vec<_>>(), vec![vpc.id]);
    assert!(store.claim_due_sweeps("replica-b", now, now, 30_000, 10).await.unwrap().is_empty(), "leased");
    let later = now + Duration::seconds(31);
    let b = store.claim_due_sweeps("replica-b", later, later, 30_000, 10).await.unwrap();
    assert_eq!(b.len(), 1, "a dead replica's VPC passes on when its lease lapses");
    // the lapsed owner's release changes nothing
    store.release_sweep(vpc.id, "replica-a", now, now + Duration::seconds(2), now).await.unwrap();
    assert!(store.claim_due_sweeps("replica-c", later, later, 30_000, 10).await.unwrap().is_empty(), "still b's");
    store.release_sweep(vpc.id, "replica-b", later, later + Duration::seconds(2), later).await.unwrap();
    assert!(store.claim_due_sweeps("replica-a", later, later, 30_000, 10).await.unwrap().is_empty(), "not due yet");
    let gathered = store.claim_due_sweeps("replica-a", later, later + Duration::seconds(2), 30_000, 10).await.unwrap();
    assert_eq!(gathered.len(), 1, "due within the gathering window");
    store.release_sweep(vpc.id, "replica-a", later, later + Duration::seconds(2), later).await.unwrap();
    let due = store.next_sweep_due().await.unwrap().unwrap();
    assert_eq!(due.timestamp_millis(), (later + Duration::seconds(2)).timestamp_millis());
    let watched = store.watched_connections(vpc.id, later).await.unwrap();
    assert_eq!(watched.len(), ids.len());
}

async fn a_vpc_without_watched_connections_is_not_swept(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let (vpc, ids) = watched_vpc(&store, 1).await;
    let now = Utc::now();
    store.transition(ids[0], ConnectionState::PendingPeer, ConnectionState::Deleting, None, "t", now).await.unwrap();
    assert!(store.claim_due_sweeps("replica-a", now, now, 30_000, 10).await.unwrap().is_empty());
    assert!(store.next_sweep_due().await.unwrap().is_none());
    assert_eq!(store.claim_due("replica-a", now, 30_000).await.unwrap().map(|c| c.id), Some(ids[0]), "DELETING is due");
    assert_eq!(store.vpc_by_id(vpc.id).await.unwrap().state, VpcState::Active);
}

async fn a_refresh_during_a_sweep_makes_the_vpc_due_again_at_once(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let (vpc, _) = watched_vpc(&store, 1).await;
    let started = Utc::now();
    store.claim_due_sweeps("replica-a", started, started, 30_000, 10).await.unwrap();
    let asked = started + Duration::milliseconds(5);
    store.request_refresh(vpc.id, asked).await.unwrap();
    let done = asked + Duration::milliseconds(5);
    store.release_sweep(vpc.id, "replica-a", started, done + Duration::seconds(30), done).await.unwrap();
    let again = store.claim_due_sweeps("replica-b", done, done, 30_000, 10).await.unwrap();
    assert_eq!(again.len(), 1, "the refresh came after the read began, so the sweep is due again now");
    let next = done + Duration::milliseconds(10);
    store.release_sweep(vpc.id, "replica-b", next, next + Duration::seconds(30), next).await.unwrap();
    assert!(store.claim_due_sweeps("replica-a", next, next, 30_000, 10).await.unwrap().is_empty(), "this read saw it");
}

async fn a_hand_over_makes_a_watched_connection_due_unless_leased(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let (_vpc, ids) = watched_vpc(&store, 2).await;
    let now = Utc::now();
    store.hand_over(ids[0], now).await.unwrap();
    let claimed = store.claim_due_batch("replica-a", now, 30_000, 10).await.unwrap();
    assert_eq!(claimed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids[0]]);
    store.hand_over(ids[0], now).await.unwrap();
    assert!(store.claim_due_batch("replica-b", now, 30_000, 10).await.unwrap().is_empty(), "a leased one stays leased");
}

async fn a_grant_is_claimed_once_among_replicas(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let (app, vnet) = ("App-1", "/VNet/P1");
    let now = Utc::now();
    assert_eq!(store.claim_grant(app, vnet, "a", now, 30_000).await.unwrap(), GrantClaim::Claimed);
    assert_eq!(store.claim_grant("app-1", "/vnet/p1", "b", now, 30_000).await.unwrap(), GrantClaim::InFlight);
    assert_eq!(store.claim_grant(app, vnet, "a", now, 30_000).await.unwrap(), GrantClaim::Claimed, "still a's");
    let later = now + Duration::seconds(31);
    assert_eq!(store.claim_grant(app, vnet, "b", later, 30_000).await.unwrap(), GrantClaim::Claimed, "lapsed claim");
    store.grant_made(app, vnet, later).await.unwrap();
    let made = store.claim_grant(app, vnet, "a", later + Duration::hours(1), 30_000).await.unwrap();
    assert_eq!(
        made.clone(),
        GrantClaim::Made(chrono::DateTime::from_timestamp_millis(later.timestamp_millis()).unwrap())
    );
    store.forget_grant(app, vnet).await.unwrap();
    assert_eq!(store.claim_grant(app, vnet, "a", later, 30_000).await.unwrap(), GrantClaim::Claimed, "revoked");
}

/// A revoke claims the grant first: meanwhile no replica trusts it as made nor makes it, and a
/// grant being made right now is not revoked.
async fn a_revoke_holds_the_grant_until_it_ends(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let (app, vnet, now) = ("app", "/vnet", Utc::now());
    // Made, then revoked by a: b finds it in flight, not made.
    assert_eq!(store.claim_grant(app, vnet, "a", now, 30_000).await.unwrap(), GrantClaim::Claimed);
    store.grant_made(app, vnet, now).await.unwrap();
    assert_eq!(store.claim_revoke(app, vnet, "a", now, 30_000).await.unwrap(), Some(true), "it was made");
    assert_eq!(store.claim_grant(app, vnet, "b", now, 30_000).await.unwrap(), GrantClaim::InFlight);
    // Still needed after all: made again, as it was.
    store.keep_grant(app, vnet, "a", true, now).await.unwrap();
    assert!(matches!(store.claim_grant(app, vnet, "b", now, 30_000).await.unwrap(), GrantClaim::Made(_)));
    // Revoked for good: the next need makes it afresh.
    assert_eq!(store.claim_revoke(app, vnet, "a", now, 30_000).await.unwrap(), Some(true));
    store.forget_grant(app, vnet).await.unwrap();
    assert_eq!(store.claim_grant(app, vnet, "b", now, 30_000).await.unwrap(), GrantClaim::Claimed);
    // b is making it now: a connection needs it, a must not revoke it.
    assert_eq!(store.claim_revoke(app, vnet, "a", now, 30_000).await.unwrap(), None);
    // b's claim lapsed unfinished: a may take it; kept unmade, it is forgotten.
    let later = now + Duration::seconds(31);
    assert_eq!(store.claim_revoke(app, vnet, "a", later, 30_000).await.unwrap(), Some(false));
    store.keep_grant(app, vnet, "a", false, later).await.unwrap();
    assert_eq!(store.claim_grant(app, vnet, "b", later, 30_000).await.unwrap(), GrantClaim::Claimed);
    // Never recorded: a revoke claim still holds it against others.
    assert_eq!(store.claim_revoke("app-2", vnet, "a", now, 30_000).await.unwrap(), Some(false));
    assert_eq!(store.claim_grant("app-2", vnet, "b", now, 30_000).await.unwrap(), GrantClaim::InFlight);
}

async fn concurrent_grant_claims_have_one_winner(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    let claims: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.claim_grant("app", "/vnet", &format!("r{i}"), now, 30_000).await.unwrap() })
        })
        .collect();
    let mut won = 0;
    for c in claims {
        won += (c.await.unwrap() == GrantClaim::Claimed) as u32;
    }
    assert_eq!(won, 1);
}

async fn replicas_count_while_their_heartbeat_is_fresh(backend: &str) {
    let (store, _tmp) = fresh(backend).await;
    let now = Utc::now();
    assert_eq!(store.live_replicas(now).await.unwrap(), 1, "the caller counts itself");
    store.replica_seen("a", now).await.unwrap();
    store.replica_seen("b", now).await.unwrap();
    store.replica_seen("a", now + Duration::seconds(20)).await.unwrap();
    assert_eq!(store.live_replicas(now - Duration::seconds(1)).await.unwrap(), 2);
    assert_eq!(store.live_replicas(now + Duration::seconds(10)).await.unwrap(), 1, "b's heartbeat lapsed");
    store.replica_left("a").await.unwrap();
    store.replica_seen("c", now + Duration::seconds(20)).await.unwrap();
    assert_eq!(store.live_replicas(now + Duration::seconds(10)).await.unwrap(), 1);
}

on_both!(
    a_vpc_is_swept_by_one_replica_until_its_lease_lapses,
    a_vpc_without_watched_connections_is_not_swept,
    a_refresh_during_a_sweep_makes_the_vpc_due_again_at_once,
    a_hand_over_makes_a_watched_connection_due_unless_leased,
    a_grant_is_claimed_once_among_replicas,
    a_revoke_holds_the_grant_until_it_ends,
    concurrent_grant_claims_have_one_winner,
    replicas_count_while_their_heartbeat_is_fresh
);
