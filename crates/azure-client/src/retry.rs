//! Bounded retries with exponential backoff (backon), honouring `Retry-After` from the server.

use crate::error::{AzureError, Result};
use backon::{ExponentialBuilder, Retryable};
use std::future::Future;
use std::time::Duration;

/// How hard a client tries before it gives up on one call.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 means never retry.
    pub max_attempts: u32,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` worth waiting for in-line. A longer one fails the call at once
    /// with `Throttled`, so a reconciler can reschedule instead of holding a worker.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt only: every error goes straight to the caller.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Default::default() }
    }
}

/// One failed attempt: the error, and how long the server asked us to wait.
pub(crate) struct Failure {
    pub error: AzureError,
    pub retry_after: Option<Duration>,
}

impl From<AzureError> for Failure {
    fn from(error: AzureError) -> Self {
        Failure { error, retry_after: None }
    }
}

/// Whether a failed attempt may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Safe to repeat: every retryable error is retried.
    Idempotent,
    /// Repeating could act twice (a POST that creates): only a 429, which did nothing, is retried.
    CreatesOnce,
}

/// Runs `attempt` until it succeeds, fails for good, or the policy is spent.
pub(crate) async fn run<T, F, Fut>(policy: &RetryPolicy, idempotency: Idempotency, attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, Failure>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.max_attempts.saturating_sub(1) as usize)
        .with_jitter();
    let max_retry_after = policy.max_retry_after;
    attempt
        .retry(backoff)
        .when(|f: &Failure| match idempotency {
            Idempotency::Idempotent => f.error.retryable(),
            Idempotency::CreatesOnce => f.error.status() == Some(429),
        })
        .adjust(move |f: &Failure, next: Option<Duration>| {
            let next = next?;
            match f.retry_after {
                Some(wait) if wait > max_retry_after => None,
                Some(wait) => Some(wait.max(next)),
                None => Some(next),
            }
        })
        .notify(|f: &Failure, wait: Duration| {
            tracing::debug!(code = f.error.service_code(), status = f.error.status(), ?wait, "retrying Azure call");
        })
        .await
        .map_err(give_up)
}

/// A 429 that outlasted the retries becomes `Throttled`, keeping the server's last `Retry-After`.
fn give_up(f: Failure) -> AzureError {
    let service = match &f.error {
        AzureError::Arm { status: 429, .. } => "ARM",
        AzureError::Graph { status: 429, .. } => "Graph",
        AzureError::Aad { status: 429, .. } => "Entra ID",
        _ => return f.error,
    };
    let message = match &f.error {
        AzureError::Arm { message, .. } | AzureError::Graph { message, .. } => message.clone(),
        AzureError::Aad { description, .. } => description.clone(),
        _ => String::new(),
    };
    AzureError::Throttled { service, message, retry_after: f.retry_after }
}

/// `Retry-After` as seconds or an HTTP date; ARM's `x-ms-retry-after-ms` wins when present.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    for name in ["x-ms-retry-after-ms", "retry-after-ms"] {
        if let Some(ms) = text(name).and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
    }
    let v = text("retry-after")?;
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn fast(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts: attempts,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..Default::default()
        }
    }

    fn throttled() -> Failure {
        Failure {
            error: AzureError::Arm { status: 429, code: "Throttled".into(), message: "slow down".into() },
            retry_after: Some(Duration::from_millis(1)),
        }
    }

    #[tokio::test]
    async fn gives_up_throttled_after_the_budget() {
        let calls = AtomicU32::new(0);
        let r: Result<()> = run(&fast(3), Idempotency::Idempotent, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(throttled())
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(matches!(r, Err(AzureError::Throttled { service: "ARM", .. })));
    }

    #[tokio::test]
    async fn does_not_retry_a_client_error_or_a_long_retry_after() {
        let calls = AtomicU32::new(0);
        let _ = run(&fast(3), Idempotency::Idempotent, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(Failure::from(AzureError::Arm { status: 400, code: "Bad".into(), message: String::new() }))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let calls = AtomicU32::new(0);
        let r = run(&fast(3), Idempotency::Idempotent, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(Failure { retry_after: Some(Duration::from_secs(3600)), ..throttled() })
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(r, Err(AzureError::Throttled { retry_after: Some(d), .. }) if d.as_secs() == 3600));
    }

    #[tokio::test]
    async fn a_creating_call_is_repeated_only_after_a_429() {
        let calls = AtomicU32::new(0);
        let r = run(&fast(3), Idempotency::CreatesOnce, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(Failure::from(AzureError::Transport("reset after sending".into())))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(r, Err(AzureError::Transport(_))));
        let calls = AtomicU32::new(0);
        let _ = run(&fast(3), Idempotency::CreatesOnce, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(throttled())
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn parses_retry_after() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert("x-ms-retry-after-ms", "1500".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
    }
}
