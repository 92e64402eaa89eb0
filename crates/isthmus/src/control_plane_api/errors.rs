//! The generated client's failures as the CLI reports them: the API's own message and status, or
//! the transport's innermost cause.

use control_plane_client::{types, Error, ResponseValue};
use reqwest::StatusCode;

/// The API answered with a non-2xx status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (status {})", self.message, self.status.as_u16())
    }
}

impl std::error::Error for ApiError {}

/// The API could not be reached at all.
#[derive(Debug)]
pub struct Unreachable {
    pub url: String,
    pub cause: String,
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not reach {}: {}", self.url, self.cause)
    }
}

impl std::error::Error for Unreachable {}

/// Whether an error is worth retrying while polling: the API was unreachable or answered 5xx.
pub fn is_transient(e: &anyhow::Error) -> bool {
    e.downcast_ref::<Unreachable>().is_some()
        || e.downcast_ref::<ApiError>().is_some_and(|a| a.status.is_server_error())
}

/// The body of a success, or the failure as an error.
pub async fn checked<T>(r: Result<ResponseValue<T>, Error<types::Error>>) -> anyhow::Result<T> {
    match r {
        Ok(v) => Ok(v.into_inner()),
        Err(Error::ErrorResponse(rv)) => {
            let status = rv.status();
            Err(ApiError { status, message: rv.into_inner().message }.into())
        }
        Err(Error::CommunicationError(e) | Error::ResponseBodyError(e) | Error::InvalidUpgrade(e)) => {
            Err(Unreachable { url: e.url().map(|u| u.to_string()).unwrap_or_default(), cause: root_cause(&e) }.into())
        }
        // A status the document does not list (a proxy's 502, say): its text is all there is.
        Err(Error::UnexpectedResponse(resp)) => {
            let status = resp.status();
            let url = resp.url().to_string();
            let text = resp.text().await.unwrap_or_default();
            let text: String = text.trim().chars().take(300).collect();
            let message = if text.is_empty() { format!("{url} answered {status} with no body") } else { text };
            Err(ApiError { status, message }.into())
        }
        Err(Error::InvalidResponsePayload(_, e)) => Err(anyhow::anyhow!(
            "the control plane answered with a body this isthmus cannot read ({e}); is it the same version?"
        )),
        Err(Error::InvalidRequest(m) | Error::Custom(m)) => Err(anyhow::anyhow!("{m}")),
    }
}

/// A project VPC id as the user typed it, checked before any request (the API's own words).
pub fn vpc_uuid(raw: &str) -> anyhow::Result<uuid::Uuid> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| {
        ApiError { status: StatusCode::BAD_REQUEST, message: format!("'{raw}' is not a project VPC id (a UUID)") }
            .into()
    })
}

/// The innermost cause of a transport error ("Connection refused (os error 111)"), which says more
/// than reqwest's "error sending request".
fn root_cause(e: &reqwest::Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(next) = last.source() {
        last = next;
    }
    if e.is_timeout() {
        format!("timed out ({last})")
    } else {
        last.to_string()
    }
}
