//! A client for one control plane and one API token.

use crate::Client;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

/// Why a client could not be built.
#[derive(Debug)]
pub enum ConnectError {
    /// The URL is not an http(s) URL.
    Url(String),
    /// The token cannot go in a header (control characters).
    Token,
    /// reqwest refused the configuration.
    Http(reqwest::Error),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Url(u) => write!(f, "{u:?} is not an http(s) URL"),
            ConnectError::Token => f.write_str("the API token holds characters a header cannot carry"),
            ConnectError::Http(e) => write!(f, "building the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// A client for the control plane at `base` that sends `Authorization: aivenv1 <token>` on every
/// request. `http` carries the caller's TLS roots and timeouts.
pub fn connect(base: &str, token: &str, http: reqwest::ClientBuilder) -> Result<Client, ConnectError> {
    let base = base.trim_end_matches('/');
    if !base.starts_with("http://") && !base.starts_with("https://") {
        return Err(ConnectError::Url(base.to_string()));
    }
    let mut auth = HeaderValue::from_str(&format!("aivenv1 {token}")).map_err(|_| ConnectError::Token)?;
    // Kept out of debug output and logs.
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    let http = http.default_headers(headers).build().map_err(ConnectError::Http)?;
    Ok(Client::new_with_client(base, http))
}
