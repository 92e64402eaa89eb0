//! The app's client secret, kept in a file only its owner can read: Graph shows a new password
//! once, and the customer's side of the peering (guide steps 13 and 14) needs it.

use super::files;
use anyhow::Context;
use azure_client::Secret;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Wire {
    app_id: String,
    tenant_id: String,
    key_id: String,
    secret: String,
    created_at: String,
}

/// A stored secret of one app.
pub struct StoredSecret {
    pub app_id: String,
    pub key_id: String,
    pub secret: Secret,
}

pub struct SecretFile {
    pub path: PathBuf,
}

impl SecretFile {
    pub fn new(path: PathBuf) -> Self {
        SecretFile { path }
    }

    /// The default: one file per VNet (the app is per VNet), under the state directory.
    pub fn default_path(vnet_name: &str, vnet_id: &str) -> anyhow::Result<PathBuf> {
        Ok(files::state_dir()?.join(format!("azure-app-{vnet_name}-{}.secret.json", files::tag(vnet_id))))
    }

    /// The secret stored for `app_id`, if the file holds one for that app.
    pub fn load(&self, app_id: &str) -> anyhow::Result<Option<StoredSecret>> {
        let Some(bytes) = files::read_optional(&self.path)? else { return Ok(None) };
        let w: Wire = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a secret file written by isthmus", self.path.display()))?;
        Ok(w.app_id.eq_ignore_ascii_case(app_id).then(|| StoredSecret {
            app_id: w.app_id,
            key_id: w.key_id,
            secret: Secret::new(w.secret),
        }))
    }

    pub fn store(&self, tenant_id: &str, s: &StoredSecret) -> anyhow::Result<()> {
        let w = Wire {
            app_id: s.app_id.clone(),
            tenant_id: tenant_id.to_string(),
            key_id: s.key_id.clone(),
            secret: s.secret.expose().to_string(),
            created_at: chrono::Utc::now().to_rfc3339(),
        };
        let bytes = serde_json::to_vec_pretty(&w).expect("a secret file serialises");
        files::write_private(&self.path, &bytes)
    }

    pub fn display(&self) -> std::path::Display<'_> {
        Path::display(&self.path)
    }
}
