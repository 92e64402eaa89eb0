//! Long-running operations: after a PUT or DELETE, poll `Azure-AsyncOperation` (or, failing
//! that, a 202's `Location`) until the operation ends, waiting as `Retry-After` says.

use super::{ArmClient, Tenants};
use crate::error::{AzureError, Result};
use crate::http::{Reply, Service};
use crate::retry;
use reqwest::Method;
use serde::Deserialize;
use std::time::Duration;

/// How long to follow one operation.
#[derive(Debug, Clone)]
pub struct PollPolicy {
    /// Polls before giving up with `OperationTimedOut`.
    pub max_polls: u32,
    /// The wait between polls when the server sends no `Retry-After`.
    pub default_interval: Duration,
    /// The longest wait between polls, whatever `Retry-After` says.
    pub max_interval: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy { max_polls: 120, default_interval: Duration::from_secs(2), max_interval: Duration::from_secs(30) }
    }
}

#[derive(Deserialize)]
struct OperationStatus {
    #[serde(default)]
    status: String,
    error: Option<crate::error_body::Inner>,
}

impl ArmClient {
    /// Waits for the operation `started` began, if it began one. `Ok(true)` when there was one.
    pub(super) async fn await_operation(&self, tenants: &Tenants, started: &Reply) -> Result<bool> {
        if let Some(op) = started.header("azure-asyncoperation") {
            let url = self.link(op)?;
            let mut wait = self.interval(started);
            for _ in 0..self.polling.max_polls {
                tokio::time::sleep(wait).await;
                let reply = self.exchange(Method::GET, url.clone(), tenants, None).await?;
                let s: OperationStatus = reply.json(Service::Arm)?;
                match s.status.to_ascii_lowercase().as_str() {
                    "succeeded" => return Ok(true),
                    "failed" | "canceled" | "cancelled" => {
                        let e = s.error.unwrap_or(crate::error_body::Inner {
                            code: format!("Operation{}", s.status),
                            message: format!("The operation ended {}.", s.status),
                        });
                        return Err(AzureError::Arm { status: started.status, code: e.code, message: e.message });
                    }
                    _ => wait = self.interval(&reply),
                }
            }
            return Err(AzureError::OperationTimedOut { url: url.to_string(), polls: self.polling.max_polls });
        }
        if let (202, Some(loc)) = (started.status, started.header("location")) {
            let url = self.link(loc)?;
            let mut wait = self.interval(started);
            for _ in 0..self.polling.max_polls {
                tokio::time::sleep(wait).await;
                let reply = self.exchange(Method::GET, url.clone(), tenants, None).await?;
                if reply.status != 202 {
                    return Ok(true);
                }
                wait = self.interval(&reply);
            }
            return Err(AzureError::OperationTimedOut { url: url.to_string(), polls: self.polling.max_polls });
        }
        Ok(false)
    }

    fn interval(&self, reply: &Reply) -> Duration {
        retry::retry_after(&reply.headers).unwrap_or(self.polling.default_interval).min(self.polling.max_interval)
    }
}
