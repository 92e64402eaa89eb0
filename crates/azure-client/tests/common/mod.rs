//! An in-process emulator with the two-tenant world, and the ids the tests use.

#![allow(dead_code)]

use azure_client::budget::BucketLimit;
use azure_client::{
    BudgetLimits, ClientSecretCredential, Endpoints, RequestBudget, RetryPolicy, UsernamePasswordCredential,
};
use azure_emulator::model::world::World;
use azure_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

pub const CUSTOMER_TENANT: &str = "11111111-1111-1111-1111-111111111111";
pub const PROVIDER_TENANT: &str = "22222222-2222-2222-2222-222222222222";
pub const CUSTOMER_SUB: &str = "aaaaaaaa-0000-0000-0000-000000000001";
pub const PROVIDER_SUB: &str = "bbbbbbbb-0000-0000-0000-000000000002";
pub const PROVIDER_APP: &str = "eeeeeeee-0000-0000-0000-0000000000a1";
pub const PROVIDER_SECRET: &str = "provider-app-secret-0123456789abcdef";
pub const CUSTOMER_ADMIN: &str = "admin@customer.example";
pub const CUSTOMER_ADMIN_PASSWORD: &str = "Customer-Admin-Pass-1";

pub fn customer_vnet() -> String {
    format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg/providers/Microsoft.Network/virtualNetworks/customer-vnet")
}

pub fn provider_vnet() -> String {
    format!("/subscriptions/{PROVIDER_SUB}/resourceGroups/provider-rg/providers/Microsoft.Network/virtualNetworks/provider-vnet")
}

pub struct Env {
    pub emulator: Emulator,
    pub endpoints: Endpoints,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// Retries without the production delays, so failing paths stay quick.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..Default::default()
    }
}

/// A request budget too large to pace anything, to see ARM's own 429s.
pub fn unpaced() -> Arc<RequestBudget> {
    let huge = BucketLimit { capacity: 1e6, refill_per_second: 1e6 };
    let limits = BudgetLimits {
        reads: huge,
        writes: huge,
        deletes: huge,
        background_reserve: 0.0,
        initial_latency: Duration::ZERO,
    };
    Arc::new(RequestBudget::new(limits).unwrap())
}

pub async fn start() -> Env {
    let world: World = serde_json::from_str(include_str!("../fixtures/two-tenants.json")).expect("world");
    let dir = tempfile::tempdir().expect("tempdir");
    let emulator = azure_emulator::start(EmulatorConfig {
        data_dir: Some(dir.path().to_path_buf()),
        listen: "127.0.0.1:0".parse().unwrap(),
        world: Some(world),
        public_urls: vec![],
        data_plane: azure_emulator::DataPlaneMode::Off,
    })
    .await
    .expect("emulator starts");
    let ca = std::fs::read(&emulator.ca_file).expect("CA file");
    let endpoints = Endpoints::emulator(emulator.url.parse().unwrap(), ca.clone());
    let http =
        reqwest::Client::builder().tls_certs_only([reqwest::Certificate::from_pem(&ca).unwrap()]).build().unwrap();
    Env { emulator, endpoints, http, _dir: dir }
}

impl Env {
    pub fn provider(&self) -> Arc<ClientSecretCredential> {
        Arc::new(
            ClientSecretCredential::new(&self.endpoints, PROVIDER_APP, PROVIDER_SECRET)
                .unwrap()
                .with_retry(fast_retry()),
        )
    }

    pub fn customer_admin(&self) -> Arc<UsernamePasswordCredential> {
        Arc::new(
            UsernamePasswordCredential::new(&self.endpoints, CUSTOMER_ADMIN, CUSTOMER_ADMIN_PASSWORD)
                .unwrap()
                .with_retry(fast_retry()),
        )
    }

    /// A call to the emulator's admin API.
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .request(method, format!("{}/_emulator/{path}", self.emulator.url))
            .header("x-emulator-admin-key", &self.emulator.admin_key)
            .json(&body)
            .send()
            .await
            .expect("admin call");
        assert!(resp.status().is_success(), "admin {path}: {}", resp.status());
        resp.json().await.expect("admin JSON")
    }

    /// A raw Graph call, for what the client deliberately does not offer.
    pub async fn graph_raw(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> reqwest::StatusCode {
        self.http
            .request(method, format!("{}/graph/{path}", self.emulator.url))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("graph call")
            .status()
    }
}
