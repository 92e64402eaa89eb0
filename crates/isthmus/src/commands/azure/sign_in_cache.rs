//! The administrator's sign-in, kept between runs as `az` keeps its token cache: the refresh token
//! (a credential, so mode 0600 in the state dir) with the tenant and name it belongs to, per login
//! endpoint. A re-run resumes from it instead of asking for a new device-code sign-in.

use super::files;
use azure_client::{DeviceCodeCredential, Endpoints, Secret};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Serialize, Deserialize)]
struct Saved {
    login: String,
    home_tenant: String,
    username: Option<String>,
    refresh_token: String,
}

fn path(endpoints: &Endpoints) -> anyhow::Result<PathBuf> {
    Ok(files::state_dir()?.join(format!("sign-in-{}.json", files::tag(endpoints.login.as_str()))))
}

/// The saved sign-in for these endpoints, resumed; `None` when there is none or it no longer works.
pub async fn resume(endpoints: &Endpoints) -> Option<DeviceCodeCredential> {
    let bytes = files::read_optional(&path(endpoints).ok()?).ok()??;
    let saved: Saved = serde_json::from_slice(&bytes).ok()?;
    if saved.login != endpoints.login.as_str() {
        return None;
    }
    let token = Secret::new(saved.refresh_token);
    match DeviceCodeCredential::resume(endpoints, &endpoints.arm_scope, &saved.home_tenant, saved.username, token).await
    {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("the saved sign-in no longer works ({e}); signing in again");
            None
        }
    }
}

/// Keeps the credential's newest refresh token for the next run.
pub fn save(endpoints: &Endpoints, c: &DeviceCodeCredential) -> anyhow::Result<()> {
    let saved = Saved {
        login: endpoints.login.to_string(),
        home_tenant: c.home_tenant().to_string(),
        username: c.username().map(str::to_string),
        refresh_token: c.refresh_token().expose().to_string(),
    };
    files::write_private(&path(endpoints)?, &serde_json::to_vec_pretty(&saved)?)
}
