//! App registrations and their passwords.

use super::{AddedPassword, Application, GraphClient};
use crate::error::Result;
use crate::http::Service;
use crate::retry::Idempotency;
use crate::secret::Secret;
use crate::url_util::odata_string;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

impl GraphClient {
    /// The application registered in `tenant` with this app id, if any.
    pub async fn get_application(&self, tenant: &str, app_id: &str) -> Result<Option<Application>> {
        self.find_one(tenant, "v1.0/applications", &format!("appId eq {}", odata_string(app_id))).await
    }

    /// Registers an application; `sign_in_audience` is e.g. `AzureADMultipleOrgs` for a
    /// multi-tenant app.
    pub async fn create_application(
        &self,
        tenant: &str,
        display_name: &str,
        sign_in_audience: &str,
    ) -> Result<Application> {
        let body = json!({"displayName": display_name, "signInAudience": sign_in_audience, "keyCredentials": []});
        // Not repeated on a lost answer: that could register the app twice.
        let reply = self.call(tenant, Method::POST, "v1.0/applications", &[], Some(&body), Idempotency::CreatesOnce);
        reply.await?.json(Service::Graph)
    }

    /// Adds a password to the application with object id `application_id` (not the app id) and
    /// returns its text, which Graph never shows again.
    pub async fn add_password(
        &self,
        tenant: &str,
        application_id: &str,
        display_name: Option<&str>,
    ) -> Result<AddedPassword> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire {
            key_id: String,
            secret_text: String,
            end_date_time: Option<String>,
        }
        let body = json!({"passwordCredential": {"displayName": display_name}});
        let path = format!("v1.0/applications/{application_id}/addPassword");
        let reply = self.call(tenant, Method::POST, &path, &[], Some(&body), Idempotency::CreatesOnce).await?;
        let w: Wire = reply.json(Service::Graph)?;
        Ok(AddedPassword { key_id: w.key_id, secret_text: Secret::new(w.secret_text), end_date_time: w.end_date_time })
    }
}
