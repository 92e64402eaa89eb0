//! Step 1: the customer's administrator signs in with a device code (the prompt goes to stderr, as
//! `az login --use-device-code` does), and the VNet is checked: it must exist, in a subscription of
//! the administrator's own tenant.

use super::vnet_ref::VnetRef;
use crate::commands::wait_progress::Progress as WaitProgress;
use anyhow::{bail, Context};
use azure_client::{ArmClient, DeviceCodeCredential, Endpoints, VirtualNetwork};
use std::io::Write;
use std::sync::Arc;

pub struct SignedIn {
    pub credential: Arc<DeviceCodeCredential>,
    /// The administrator's home tenant, which must own the VNet's subscription.
    pub tenant: String,
    pub user: String,
}

/// Resumes the saved sign-in when there is one that still works, else signs in with a device code.
pub async fn device_code(endpoints: &Endpoints) -> anyhow::Result<SignedIn> {
    let credential = match super::sign_in_cache::resume(endpoints).await {
        Some(c) => c,
        None => {
            // After the prompt, a spinner with the time waited until the browser sign-in is done.
            let mut waiting = None;
            let signed_in = DeviceCodeCredential::sign_in(endpoints, &endpoints.arm_scope, |prompt| {
                let mut err = std::io::stderr();
                let _ = writeln!(err, "{}", prompt.message);
                let _ = err.flush();
                waiting = Some(WaitProgress::new("your sign-in", None, std::time::Instant::now()));
            })
            .await;
            drop(waiting);
            signed_in.context("signing in with a device code (guide step 1)")?
        }
    };
    let tenant = credential.home_tenant().to_string();
    let user = credential.username().unwrap_or("the signed-in user").to_string();
    Ok(SignedIn { credential: Arc::new(credential), tenant, user })
}

/// Who is signed in, however they signed in.
pub struct Who<'a> {
    pub tenant: &'a str,
    pub user: &'a str,
}

impl SignedIn {
    pub fn who(&self) -> Who<'_> {
        Who { tenant: &self.tenant, user: &self.user }
    }
}

/// The VNet, read as the administrator, after checking its subscription belongs to their tenant.
pub async fn read_vnet(arm: &ArmClient, who: &Who<'_>, vnet: &VnetRef) -> anyhow::Result<VirtualNetwork> {
    let subs = arm.list_subscriptions(who.tenant).await.context("listing the subscriptions you can see")?;
    let Some(sub) = subs.iter().find(|s| s.subscription_id.eq_ignore_ascii_case(&vnet.subscription)) else {
        bail!(
            "{} cannot see subscription {} in tenant {}: sign in as an administrator of the tenant that owns the VNet \
             (guide step 1), or check --vnet-id (az network vnet list, guide step 5)",
            who.user,
            vnet.subscription,
            who.tenant
        );
    };
    if !sub.tenant_id.is_empty() && !sub.tenant_id.eq_ignore_ascii_case(who.tenant) {
        bail!(
            "subscription {} belongs to tenant {}, but {} signed in to tenant {}: sign in as an administrator of \
             tenant {} (guide step 1)",
            vnet.subscription,
            sub.tenant_id,
            who.user,
            who.tenant,
            sub.tenant_id
        );
    }
    match arm.get_virtual_network(who.tenant, &vnet.id).await.context("reading the VNet")? {
        Some(v) => Ok(v),
        None => bail!("VNet {} was not found: check --vnet-id against az network vnet list (guide step 5)", vnet.id),
    }
}
