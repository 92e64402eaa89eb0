//! ARM against the emulator: reads, error envelopes, throttling with Retry-After.

mod common;

use azure_client::{ArmClient, AzureError, RetryPolicy};
use common::*;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn reads_vnets_and_subscriptions() {
    let env = start().await;
    let arm = ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(fast_retry());

    let vnet = arm.get_virtual_network(PROVIDER_TENANT, &provider_vnet()).await.unwrap().expect("provider VNet");
    assert_eq!((vnet.name.as_str(), vnet.location.as_str()), ("provider-vnet", "westeurope"));
    assert_eq!(vnet.address_prefixes, ["10.2.0.0/16"]);
    assert!(vnet.peerings.is_empty());
    assert!(arm.list_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap().is_empty());

    let subs = arm.list_subscriptions(PROVIDER_TENANT).await.unwrap();
    assert!(subs.iter().any(|s| s.subscription_id == PROVIDER_SUB && s.tenant_id == PROVIDER_TENANT), "{subs:?}");
}

#[tokio::test]
async fn a_missing_vnet_or_group_is_none() {
    let env = start().await;
    let arm = ArmClient::new(&env.endpoints, env.provider()).unwrap();
    let missing = provider_vnet().replace("provider-vnet", "no-such-vnet");
    assert_eq!(arm.get_virtual_network(PROVIDER_TENANT, &missing).await.unwrap(), None);
    let no_group = provider_vnet().replace("provider-rg", "no-such-rg");
    assert_eq!(arm.get_virtual_network(PROVIDER_TENANT, &no_group).await.unwrap(), None);
    assert_eq!(arm.get_peering(PROVIDER_TENANT, &provider_vnet(), "nope").await.unwrap(), None);
    assert!(!arm.delete_peering(PROVIDER_TENANT, &provider_vnet(), "nope").await.unwrap());
}

#[tokio::test]
async fn arm_errors_keep_status_code_and_message() {
    let env = start().await;
    let arm = ArmClient::new(&env.endpoints, env.provider()).unwrap();
    // A provider-tenant token for the customer's subscription.
    let err = arm.get_virtual_network(PROVIDER_TENANT, &customer_vnet()).await.unwrap_err();
    match &err {
        AzureError::Arm { status, code, message } => {
            assert_eq!((*status, code.as_str()), (401, "InvalidAuthenticationTokenTenant"));
            assert!(message.contains("wrong issuer"), "{message}");
        }
        other => panic!("expected an ARM error, got {other:?}"),
    }
    assert!(!err.retryable());
    assert_eq!(err.code(), "azure_arm");
    assert_eq!(err.service_code(), Some("InvalidAuthenticationTokenTenant"));
}

async fn throttle_reads(env: &Env) {
    let knobs = json!({"throttling": {"enabled": true, "reads": {"capacity": 2, "refillPerSecond": 1.0}}});
    env.admin(Method::PATCH, "knobs", knobs).await;
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let env = start().await;
    throttle_reads(&env).await;
    let policy = RetryPolicy { max_attempts: 4, min_delay: Duration::from_millis(10), ..Default::default() };
    let arm = ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(policy);
    let started = Instant::now();
    for _ in 0..3 {
        arm.list_peerings(PROVIDER_TENANT, &provider_vnet()).await.expect("succeeds after waiting");
    }
    // Two reads fit the bucket; the third had to wait for a token (one per second).
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn throttled_without_retries_reports_retry_after() {
    let env = start().await;
    throttle_reads(&env).await;
    // Unpaced: the client's own budget would wait for the emulator's refill instead.
    let arm =
        ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(RetryPolicy::none()).with_budget(unpaced());
    let mut last = Ok(Vec::new());
    for _ in 0..3 {
        last = arm.list_peerings(PROVIDER_TENANT, &provider_vnet()).await;
    }
    match last.unwrap_err() {
        e @ AzureError::Throttled { retry_after: Some(_), .. } => {
            assert!(e.retryable());
            assert_eq!((e.code(), e.status()), ("azure_throttled", Some(429)));
        }
        other => panic!("expected Throttled, got {other:?}"),
    }
}

#[tokio::test]
async fn a_token_arm_rejects_is_fetched_anew_not_retried() {
    let env = start().await;
    let arm = ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(fast_retry());
    arm.get_virtual_network(PROVIDER_TENANT, &provider_vnet()).await.unwrap().expect("a token is cached");
    // The emulator's clock moves past the token's expiry; the client's cache still thinks it fresh.
    env.admin(Method::POST, "clock", json!({"advanceSeconds": 4000})).await;
    let started = Instant::now();
    let vnet = arm.get_virtual_network(PROVIDER_TENANT, &provider_vnet()).await.expect("a new token is fetched");
    assert!(vnet.is_some());
    assert!(started.elapsed() < Duration::from_secs(5), "no backoff spent on a rejected token");
}
