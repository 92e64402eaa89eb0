//! Service principals: an application's identity in one tenant.

use super::{GraphClient, ServicePrincipal};
use crate::error::{AzureError, Result};
use crate::http::Service;
use crate::retry::Idempotency;
use crate::url_util::odata_string;
use reqwest::Method;
use serde_json::json;

impl GraphClient {
    /// The service principal of `app_id` in `tenant`, if there is one.
    pub async fn find_service_principal(&self, tenant: &str, app_id: &str) -> Result<Option<ServicePrincipal>> {
        self.find_one(tenant, "v1.0/servicePrincipals", &format!("appId eq {}", odata_string(app_id))).await
    }

    /// Creates the service principal of `app_id` in `tenant`; when it already exists, returns it.
    /// Creating one for another tenant's app needs Application Administrator (or Cloud
    /// Application Administrator) in `tenant`; Graph answers 403 `Authorization_RequestDenied`
    /// otherwise.
    pub async fn create_service_principal(&self, tenant: &str, app_id: &str) -> Result<ServicePrincipal> {
        let body = json!({"appId": app_id});
        // A repeat after a lost answer meets "already in use" and resolves to the same SP.
        let posted =
            self.call(tenant, Method::POST, "v1.0/servicePrincipals", &[], Some(&body), Idempotency::Idempotent);
        match posted.await {
            Ok(reply) => reply.json(Service::Graph),
            Err(e) if already_exists(&e) => self.find_service_principal(tenant, app_id).await?.ok_or(e),
            Err(e) => Err(e),
        }
    }
}

/// Graph's "the service principal name … is already in use" (code
/// `Request_MultipleObjectsWithSameKeyValue`; the message is what is documented, so both count).
fn already_exists(e: &AzureError) -> bool {
    match e {
        AzureError::Graph { code, message, .. } => {
            code == "Request_MultipleObjectsWithSameKeyValue" || message.contains("is already in use")
        }
        _ => false,
    }
}
