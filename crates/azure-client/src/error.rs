//! The crate's one error type. Azure's own codes are kept verbatim (`service_code()`), because the
//! caller's decisions (invalid specification, rejected by peer, retry later) hang on them.

use std::time::Duration;

pub type Result<T> = std::result::Result<T, AzureError>;

/// AADSTS700016: the application has no service principal in that tenant (yet).
pub const AADSTS_APP_NOT_IN_TENANT: u32 = 700016;
/// AADSTS7000215: the client secret is wrong.
pub const AADSTS_INVALID_SECRET: u32 = 7000215;

#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    /// ARM answered with an error envelope `{"error":{"code","message"}}`. For a long-running
    /// operation that failed, `status` is that of the request that started it.
    #[error("ARM error {status} {code}: {message}")]
    Arm { status: u16, code: String, message: String },

    /// Microsoft Graph answered with an error envelope.
    #[error("Graph error {status} {code}: {message}")]
    Graph { status: u16, code: String, message: String },

    /// Entra ID refused to issue a token. `aadsts` is the AADSTS number when the answer had one.
    #[error("Entra ID error {status} {error}: {description}")]
    Aad { status: u16, error: String, aadsts: Option<u32>, description: String },

    /// The request never got an HTTP answer (connect, TLS, timeout, reset).
    #[error("transport error: {0}")]
    Transport(String),

    /// An answer that is not what the API documents (bad JSON, missing field, unexpected status).
    #[error("invalid response from {service}: {detail}")]
    InvalidResponse { service: &'static str, detail: String },

    /// Still throttled after the retry budget, or asked to wait longer than the policy allows.
    #[error("throttled by {service}: {message}")]
    Throttled { service: &'static str, message: String, retry_after: Option<Duration> },

    /// A long-running operation did not finish within the polling budget; it may still finish.
    #[error("long-running operation still running after {polls} polls: {url}")]
    OperationTimedOut { url: String, polls: u32 },

    /// Bad configuration or arguments (an unparsable CA, too many auxiliary tenants, …).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl AzureError {
    /// A stable, machine-readable code for this crate's error kinds.
    pub fn code(&self) -> &'static str {
        match self {
            AzureError::Arm { .. } => "azure_arm",
            AzureError::Graph { .. } => "azure_graph",
            AzureError::Aad { .. } => "azure_aad",
            AzureError::Transport(_) => "azure_transport",
            AzureError::InvalidResponse { .. } => "azure_invalid_response",
            AzureError::Throttled { .. } => "azure_throttled",
            AzureError::OperationTimedOut { .. } => "azure_operation_timed_out",
            AzureError::Config(_) => "azure_config",
        }
    }

    /// Azure's own error code (`ResourceNotFound`, `Authorization_RequestDenied`, `invalid_client`).
    pub fn service_code(&self) -> Option<&str> {
        match self {
            AzureError::Arm { code, .. } | AzureError::Graph { code, .. } => Some(code),
            AzureError::Aad { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status Azure answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            AzureError::Arm { status, .. } | AzureError::Graph { status, .. } | AzureError::Aad { status, .. } => {
                Some(*status)
            }
            AzureError::Throttled { .. } => Some(429),
            _ => None,
        }
    }

    /// The AADSTS number of a token error.
    pub fn aadsts(&self) -> Option<u32> {
        match self {
            AzureError::Aad { aadsts, .. } => *aadsts,
            _ => None,
        }
    }

    /// True for an ARM error with this code (case-insensitive, as ARM codes are not case-stable).
    pub fn is_arm_code(&self, wanted: &str) -> bool {
        matches!(self, AzureError::Arm { code, .. } if code.eq_ignore_ascii_case(wanted))
    }

    /// Worth trying again later: throttling, server errors, transport failures, an operation that
    /// may still finish, and `PrincipalNotFound` (replication right after creating a principal).
    pub fn retryable(&self) -> bool {
        match self {
            AzureError::Arm { status, .. } | AzureError::Graph { status, .. } | AzureError::Aad { status, .. } => {
                *status == 429 || *status >= 500 || self.is_arm_code("PrincipalNotFound")
            }
            AzureError::Transport(_) | AzureError::Throttled { .. } | AzureError::OperationTimedOut { .. } => true,
            AzureError::InvalidResponse { .. } | AzureError::Config(_) => false,
        }
    }

    /// The errors Azure gives for a while after something was just created: `PrincipalNotFound`
    /// after a new service principal, AADSTS700016 before a new one replicates to the token
    /// service. AADSTS700016 is not retried automatically (it is also what a missing SP looks
    /// like), so the caller decides from how recently it created the principal.
    pub fn is_propagation(&self) -> bool {
        self.is_arm_code("PrincipalNotFound") || self.aadsts() == Some(AADSTS_APP_NOT_IN_TENANT)
    }

    /// The service refused the bearer token itself (expired early, or no longer valid): a new token
    /// may succeed, unlike a token for the wrong tenant or a missing permission.
    pub fn is_rejected_token(&self) -> bool {
        matches!(self, AzureError::Arm { status: 401, .. } | AzureError::Graph { status: 401, .. })
            && matches!(self.service_code(), Some("ExpiredAuthenticationToken" | "InvalidAuthenticationToken"))
    }

    /// ARM or Graph said the thing does not exist (404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, AzureError::Arm { status: 404, .. } | AzureError::Graph { status: 404, .. })
    }
}

impl From<reqwest::Error> for AzureError {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display includes the URL, which never carries secrets here (tokens go in headers
        // and form bodies), so it is safe to keep for diagnosis.
        AzureError::Transport(error_chain(&e))
    }
}

/// "outer: inner: innermost", since reqwest hides the useful part (TLS, DNS) in its sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(status: u16, code: &str) -> AzureError {
        AzureError::Arm { status, code: code.into(), message: String::new() }
    }

    #[test]
    fn classification() {
        assert!(arm(429, "SubscriptionRequestsThrottled").retryable());
        assert!(arm(503, "ServiceUnavailable").retryable());
        assert!(!arm(404, "ResourceNotFound").retryable());
        assert!(arm(404, "ResourceNotFound").is_not_found());
        let principal = arm(400, "PrincipalNotFound");
        assert!(principal.retryable() && principal.is_propagation());
        let aad = AzureError::Aad {
            status: 400,
            error: "unauthorized_client".into(),
            aadsts: Some(AADSTS_APP_NOT_IN_TENANT),
            description: String::new(),
        };
        assert!(aad.is_propagation() && !aad.retryable());
        assert_eq!(aad.code(), "azure_aad");
        assert_eq!(aad.service_code(), Some("unauthorized_client"));
        assert!(AzureError::Transport("reset".into()).retryable());
    }
}
