//! The Aiven v1 HTTP client: `{base}/v1/…`, `authorization: aivenv1 <token>`, percent-encoded path
//! segments, and the `{"message", "errors"}` error shape.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;

/// What Python's `urllib.parse.quote(part, safe="")` leaves alone, as `avn` encodes each segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Encodes one path segment (so `/` in a name becomes `%2F`).
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

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

pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
    /// The project, already percent-encoded.
    project: String,
}

impl Api {
    pub fn new(base: &str, token: &str, project: &str) -> anyhow::Result<Api> {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| reqwest::Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()?;
        // Only these roots are trusted (`tls_certs_only`): never the platform's verifier or store.
        let http = reqwest::Client::builder()
            .tls_certs_only(roots)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("isthmus/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Api { http, base: base.trim_end_matches('/').to_string(), token: token.to_string(), project: seg(project) })
    }

    /// `/v1/project/{project}` + `path` (whose segments the caller has encoded with [`seg`]).
    pub fn project_url(&self, path: &str) -> String {
        format!("{}/v1/project/{}{path}", self.base, self.project)
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> anyhow::Result<Value> {
        self.send(Method::DELETE, path, None).await
    }

    /// One request under the project. A 2xx body that is empty reads as `{}`, as in `avn`.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> anyhow::Result<Value> {
        let url = self.project_url(path);
        let mut req = self.http.request(method, &url).header("authorization", format!("aivenv1 {}", self.token));
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| Unreachable { url: url.clone(), cause: root_cause(&e) })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| Unreachable { url: url.clone(), cause: root_cause(&e) })?;
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        if !status.is_success() {
            let message = match parsed.as_ref().and_then(|v| v["message"].as_str()) {
                Some(m) => m.to_string(),
                None => String::from_utf8_lossy(&bytes).trim().to_string(),
            };
            return Err(ApiError { status, message }.into());
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Default::default()));
        }
        parsed.ok_or_else(|| anyhow::anyhow!("{url} answered {status} with a body that is not JSON"))
    }
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

/// Whether an error is worth retrying while polling: the API was unreachable or answered 5xx.
pub fn is_transient(e: &anyhow::Error) -> bool {
    e.downcast_ref::<Unreachable>().is_some()
        || e.downcast_ref::<ApiError>().is_some_and(|a| a.status.is_server_error())
}

#[cfg(test)]
mod tests {
    use super::seg;

    #[test]
    fn segments_are_encoded_like_python_quote_with_no_safe_chars() {
        assert_eq!(seg("My.RG(1) x"), "My.RG%281%29%20x");
        assert_eq!(seg("v net/1"), "v%20net%2F1");
        assert_eq!(seg("a-b_c~d"), "a-b_c~d");
    }
}
