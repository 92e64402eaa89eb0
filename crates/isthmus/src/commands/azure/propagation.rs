//! Waiting out Azure's replication delays, which the guide warns about: a new service principal is
//! unknown to the token service (AADSTS700016) or to RBAC (`PrincipalNotFound`) for a while, and a
//! new role assignment may not count yet (`AuthorizationFailed`). Bounded: after the budget the
//! last error stands.

use azure_client::AzureError;
use std::future::Future;
use std::time::{Duration, Instant};

/// The errors worth waiting out.
pub fn is_propagation(e: &AzureError) -> bool {
    e.is_propagation()
        || e.is_arm_code("AuthorizationFailed")
        || e.is_arm_code("LinkedAuthorizationFailed")
        || e.is_arm_code("InvalidAuthenticationTokenTenant")
}

/// Runs `attempt` until it succeeds, fails with an error `transient` does not accept, or `budget`
/// is spent; waits 1, 2, 4 … (at most 10) seconds between attempts.
pub async fn retry<T, F, Fut>(
    budget: Duration,
    transient: impl Fn(&AzureError) -> bool,
    mut attempt: F,
) -> Result<T, AzureError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AzureError>>,
{
    let deadline = Instant::now() + budget;
    let mut wait = Duration::from_secs(1);
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(e) if transient(&e) && Instant::now() + wait <= deadline => {
                tracing::info!(code = e.service_code(), ?wait, "waiting for Azure to propagate a change");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(e),
        }
    }
}
