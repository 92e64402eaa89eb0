//! The subscriptions an identity can see in a tenant.

use super::{ArmClient, Tenants};
use crate::error::Result;
use serde::Deserialize;

pub const SUBSCRIPTIONS_API_VERSION: &str = "2022-12-01";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub subscription_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub tenant_id: String,
    /// `Enabled`, `Disabled`, `Warned`, `PastDue` or `Deleted`.
    #[serde(default)]
    pub state: String,
}

impl ArmClient {
    /// Subscriptions visible to this identity with a token for `tenant`.
    pub async fn list_subscriptions(&self, tenant: &str) -> Result<Vec<Subscription>> {
        self.list(&Tenants::new(tenant), "/subscriptions", SUBSCRIPTIONS_API_VERSION, &[]).await
    }
}
