//! Turning Azure's three error envelopes into `AzureError`: ARM and Graph share
//! `{"error":{"code","message"}}`; Entra ID uses OAuth's `{"error","error_description","error_codes"}`.

use crate::error::AzureError;
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope {
    error: Option<Inner>,
}

#[derive(Deserialize)]
pub(crate) struct Inner {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// The `error` object of an ARM or Graph body, if the body has one.
pub(crate) fn api_error(body: &[u8]) -> Option<Inner> {
    serde_json::from_slice::<Envelope>(body).ok().and_then(|e| e.error)
}

/// Without an envelope (a proxy's HTML page, an empty 502), the status line is all there is.
fn fallback(status: u16, body: &[u8]) -> Inner {
    let text = String::from_utf8_lossy(body);
    let text: String = text.chars().take(200).collect();
    Inner {
        code: format!("Http{status}"),
        message: if text.trim().is_empty() { format!("HTTP {status}") } else { text },
    }
}

pub(crate) fn arm(status: u16, body: &[u8]) -> AzureError {
    let e = api_error(body).unwrap_or_else(|| fallback(status, body));
    AzureError::Arm { status, code: e.code, message: e.message }
}

pub(crate) fn graph(status: u16, body: &[u8]) -> AzureError {
    let e = api_error(body).unwrap_or_else(|| fallback(status, body));
    AzureError::Graph { status, code: e.code, message: e.message }
}

#[derive(Deserialize)]
struct AadBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
    #[serde(default)]
    error_codes: Vec<u32>,
}

pub(crate) fn aad(status: u16, body: &[u8]) -> AzureError {
    match serde_json::from_slice::<AadBody>(body) {
        Ok(b) if !b.error.is_empty() => {
            let aadsts = b.error_codes.first().copied().or_else(|| aadsts_in(&b.error_description));
            AzureError::Aad { status, error: b.error, aadsts, description: b.error_description }
        }
        _ => {
            let f = fallback(status, body);
            AzureError::Aad { status, error: f.code, aadsts: None, description: f.message }
        }
    }
}

/// "AADSTS7000215: Invalid client secret…" → 7000215, for answers without `error_codes`.
fn aadsts_in(description: &str) -> Option<u32> {
    let rest = &description[description.find("AADSTS")? + 6..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aad_number_from_codes_or_description() {
        let e = aad(401, br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#);
        assert_eq!(e.aadsts(), Some(7000215));
        assert_eq!(e.service_code(), Some("invalid_client"));
        let e =
            aad(400, br#"{"error":"unauthorized_client","error_description":"AADSTS700016: Application not found"}"#);
        assert_eq!(e.aadsts(), Some(700016));
        let e = aad(502, b"<html>bad gateway</html>");
        assert_eq!((e.status(), e.aadsts()), (Some(502), None));
    }

    #[test]
    fn arm_envelope_and_fallback() {
        let e = arm(404, br#"{"error":{"code":"ResourceNotFound","message":"not found"}}"#);
        assert!(e.is_arm_code("ResourceNotFound") && e.is_not_found());
        let e = arm(503, b"");
        assert_eq!(e.service_code(), Some("Http503"));
        assert!(e.retryable());
    }
}
