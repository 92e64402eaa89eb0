//! `GET …/vpcs/{id}` is served from rendered pages: after every kind of change to a VPC or its
//! connections, the answer of a router that has served the VPC before equals that of one that
//! never has, on both stores, and a second replica's pages follow a change made through the first.

mod support;

use axum::body::{to_bytes, Body};
use axum::http::Request;
use axum::Router;
use chrono::Utc;
use control_plane::api::{self, ApiState};
use control_plane::domain::{ConnectionState, StateInfo, Vpc, VpcState};
use control_plane::store::Store;
use serde_json::Value;
use std::sync::Arc;
use support::{fresh, new_conn};
use tower::ServiceExt;

fn router(store: &Store) -> Router {
    api::router(ApiState::new(store.clone(), Arc::new(tokio::sync::Notify::new()), None))
}

async fn get(app: &Router, path: &str, token: &str) -> Value {
    let req = Request::get(path).header("authorization", format!("aivenv1 {token}")).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    assert_eq!(res.headers()["content-type"], "application/json");
    serde_json::from_slice(&to_bytes(res.into_body(), 1 << 24).await.unwrap()).unwrap()
}

/// A store with project `p`, a member's token and a VPC.
async fn project_with_vpc(backend: &str) -> (Store, Option<tempfile::TempDir>, String, Vpc) {
    let (store, dir) = fresh(backend).await;
    let now = Utc::now();
    store.ensure_project("p", now).await.unwrap();
    let user = store.ensure_user("a@example.com", None, now).await.unwrap();
    store.add_member("p", &user).await.unwrap();
    let token = store.create_token(&user, "test", now).await.unwrap();
    let vpc = store.create_vpc("p", "azure-westeurope", "10.1.0.0/24".parse().unwrap(), now).await.unwrap();
    (store, dir, token, vpc)
}

async fn pages_follow_every_change(backend: &str) {
    let (store, _dir, token, vpc) = project_with_vpc(backend).await;
    let now = Utc::now();
    let path = format!("/v1/project/p/vpcs/{}", vpc.id);
    let (replica_a, replica_b) = (router(&store), router(&store));

    // Each step changes something the page shows; both warm replicas must show it at once.
    let mut conns = Vec::new();
    let mut seen = Vec::new();
    for step in 0..9 {
        match step {
            0 => {}
            1 | 2 => {
                conns.push(store.create_connection(&vpc, &new_conn("rg", &format!("vnet-{step}")), now).await.unwrap())
            }
            3 => {
                store.set_vpc_state(vpc.id, VpcState::Approved, VpcState::Active, Some("/vnet"), now).await.unwrap();
            }
            4 => {
                store
                    .transition(conns[0].id, ConnectionState::Approved, ConnectionState::PendingPeer, None, "t", now)
                    .await
                    .unwrap();
            }
            5 => {
                let info = StateInfo::new("pending-peer", "waiting for the customer's peering");
                assert!(store
                    .set_state_info(conns[0].id, ConnectionState::PendingPeer, Some(&info), now)
                    .await
                    .unwrap());
            }
            6 => store.set_user_cidrs(&[(conns[1].id, vec!["10.9.0.0/24".parse().unwrap()])], now).await.unwrap(),
            7 => {
                store
                    .transition(conns[1].id, ConnectionState::Approved, ConnectionState::Deleting, None, "t", now)
                    .await
                    .unwrap();
            }
            _ => {
                store
                    .transition(conns[1].id, ConnectionState::Deleting, ConnectionState::Deleted, None, "t", now)
                    .await
                    .unwrap();
            }
        }
        let truth = get(&router(&store), &path, &token).await;
        assert_eq!(get(&replica_a, &path, &token).await, truth, "replica A after step {step}");
        assert_eq!(get(&replica_b, &path, &token).await, truth, "replica B after step {step}");
        assert!(!seen.contains(&truth), "step {step} changed nothing the page shows: the test lost its point");
        seen.push(truth);
    }
    let last = seen.last().unwrap();
    assert_eq!(last["state"], "ACTIVE");
    let listed: Vec<_> = last["peering_connections"].as_array().unwrap().iter().map(|c| c["state"].clone()).collect();
    assert_eq!(listed, vec![Value::from("PENDING_PEER")], "DELETED is not listed");
    assert_eq!(last["peering_connections"][0]["state_info"]["message"], "waiting for the customer's peering");
}

/// A change that fails (a stale transition, a state_info for a state the connection left) bumps
/// nothing it should not, and what is shown stays right.
async fn failed_changes_leave_pages_right(backend: &str) {
    let (store, _dir, token, vpc) = project_with_vpc(backend).await;
    let now = Utc::now();
    let c = store.create_connection(&vpc, &new_conn("rg", "vnet"), now).await.unwrap();
    let path = format!("/v1/project/p/vpcs/{}", vpc.id);
    let warm = router(&store);
    let before = get(&warm, &path, &token).await;
    let version = store.vpc_by_id(vpc.id).await.unwrap().connections_version;
    assert!(store
        .transition(c.id, ConnectionState::PendingPeer, ConnectionState::Active, None, "t", now)
        .await
        .is_err());
    let info = StateInfo::new("pending-peer", "x");
    assert!(!store.set_state_info(c.id, ConnectionState::Active, Some(&info), now).await.unwrap());
    assert_eq!(store.vpc_by_id(vpc.id).await.unwrap().connections_version, version, "no write, no new version");
    assert_eq!(get(&warm, &path, &token).await, before);
    assert_eq!(get(&router(&store), &path, &token).await, before);
}

on_both!(pages_follow_every_change, failed_changes_leave_pages_right);
