//! A typed client for Entra ID tokens, Microsoft Graph and Azure Resource Manager.
//!
//! Built for the isthmus control plane, which acts as the provider's multi-tenant application with
//! a token for its own tenant plus auxiliary tokens for customer tenants, and for `isthmus azure
//! connect`. Endpoints are configuration, so the same code drives real Azure and the emulator.
//!
//! ```no_run
//! # async fn demo() -> azure_client::Result<()> {
//! use azure_client::{ArmClient, ClientSecretCredential, Endpoints, Tenants};
//! use std::sync::Arc;
//! let endpoints = Endpoints::public_cloud();
//! let cred = Arc::new(ClientSecretCredential::new(&endpoints, "app-id", "secret")?);
//! let arm = ArmClient::new(&endpoints, cred)?;
//! let tenants = Tenants::new("provider-tenant").with_auxiliary(["customer-tenant"])?;
//! let peering = arm.put_peering(&tenants, "/subscriptions/…/virtualNetworks/v", "to-customer", "/subscriptions/…").await?;
//! # Ok(()) }
//! ```
//!
//! Every ARM attempt (LRO polls, pages and retries included) first waits for a token of the
//! client's [`RequestBudget`], a mirror of ARM's per-subscription throttling buckets, so a caller
//! is paced instead of answered 429; [`ArmClient::background`] issues sweeps that leave a reserve.
//!
//! Secrets and tokens are held in [`Secret`], whose `Debug` prints nothing, and are never logged.

pub mod arm;
pub mod budget;
pub mod credential;
mod endpoints;
mod error;
mod error_body;
pub mod graph;
mod http;
mod retry;
mod secret;
mod url_util;

pub use arm::{ArmClient, BackgroundArm, Peering, PeeringState, Tenants, VirtualNetwork};
pub use budget::{BucketLimit, BudgetLimits, BudgetStats, Priority, RequestBudget, RequestKind};
pub use credential::{
    AccessToken, ClientSecretCredential, DeviceCodeCredential, DeviceCodePrompt, TokenCredential,
    UsernamePasswordCredential,
};
pub use endpoints::Endpoints;
pub use error::{AzureError, Result, AADSTS_APP_NOT_IN_TENANT, AADSTS_INVALID_SECRET};
pub use graph::GraphClient;
pub use retry::RetryPolicy;
pub use secret::Secret;
