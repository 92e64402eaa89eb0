//! Finding applications by display name (as `az ad app create` does before it registers one), and
//! removing a password that is no longer wanted.

use super::{Application, Collection, GraphClient};
use crate::error::Result;
use crate::http::Service;
use crate::retry::Idempotency;
use crate::url_util::odata_string;
use reqwest::Method;
use serde_json::json;

impl GraphClient {
    /// Every application registered in `tenant` whose display name is exactly `display_name`
    /// (Graph compares it without regard to case).
    pub async fn find_applications_by_name(&self, tenant: &str, display_name: &str) -> Result<Vec<Application>> {
        let filter = format!("displayName eq {}", odata_string(display_name));
        let query = [("$filter", filter.as_str())];
        let reply = self.call(tenant, Method::GET, "v1.0/applications", &query, None, Idempotency::Idempotent).await?;
        let c: Collection<Application> = reply.json(Service::Graph)?;
        Ok(c.value)
    }

    /// Removes the password `key_id` from the application with object id `application_id`.
    /// Removing one that is already gone is not an error.
    pub async fn remove_password(&self, tenant: &str, application_id: &str, key_id: &str) -> Result<()> {
        let body = json!({"keyId": key_id});
        let path = format!("v1.0/applications/{application_id}/removePassword");
        match self.call(tenant, Method::POST, &path, &[], Some(&body), Idempotency::Idempotent).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }
}
