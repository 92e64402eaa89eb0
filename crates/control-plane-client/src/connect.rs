//! A client for one control plane and one API token.

use crate::Client;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{0:?} is not an http(s) URL")]
    Url(String),
    /// Control characters, say.
    #[error("the API token holds characters a header cannot carry")]
    Token,
    #[error("building the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

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
