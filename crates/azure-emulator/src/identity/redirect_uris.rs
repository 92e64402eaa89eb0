//! Where an authorization code may be sent. Entra sends codes only to a redirect URI registered on
//! the application; the Azure CLI's public client registers `http://localhost`, which for a loopback
//! address means any port and path (RFC 8252 §7.3). Applications of this emulator register no
//! redirect URIs, so the Azure CLI is the one client the authorize endpoint serves.

use crate::error::{EmulatorError, Result};
use crate::model::{names, State};
use uuid::Uuid;

/// The Azure CLI's well-known client id, the same in every tenant.
pub const AZURE_CLI_CLIENT_ID: Uuid = Uuid::from_u128(0x04b07795_8ddb_461a_bbee_02f9e1bf7b46);
/// Entra's limit on the length of a redirect URI.
pub const MAX_LENGTH: usize = 256;

/// `Ok` when `client_id` exists and may be sent a code at `redirect_uri`; `directory` names the
/// authority in the error, as Entra does.
pub fn check(state: &State, client_id: Uuid, redirect_uri: &str, directory: &str) -> Result<()> {
    let known = client_id == AZURE_CLI_CLIENT_ID || state.application_by_app_id(client_id).is_some();
    if !known {
        return Err(EmulatorError::AadAppNotFoundInTenant {
            app_id: client_id.to_string(),
            tenant: names::printable(directory),
        });
    }
    if redirect_uri.is_empty() {
        return Err(EmulatorError::AadNoReplyAddress);
    }
    let uri = url::Url::parse(redirect_uri)
        .ok()
        .filter(|u| {
            redirect_uri.len() <= MAX_LENGTH && u.has_host() && u.fragment().is_none() && u.username().is_empty()
        })
        .ok_or(EmulatorError::AadInvalidRedirectUri)?;
    if client_id == AZURE_CLI_CLIENT_ID && is_loopback(&uri) {
        Ok(())
    } else {
        Err(EmulatorError::AadRedirectUriMismatch {
            redirect_uri: names::printable(redirect_uri),
            app_id: client_id.to_string(),
        })
    }
}

/// `http://localhost`, `http://127.0.0.1` or `http://[::1]`, with any port and path.
fn is_loopback(uri: &url::Url) -> bool {
    uri.scheme() == "http" && matches!(uri.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(uri: &str) -> Result<()> {
        check(&State::default(), AZURE_CLI_CLIENT_ID, uri, "organizations")
    }

    #[test]
    fn the_cli_may_use_any_loopback_port_and_path() {
        for ok in ["http://localhost", "http://localhost:8400", "http://127.0.0.1:5000/cb?x=1", "http://[::1]:1/"] {
            assert_eq!(cli(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn other_hosts_schemes_and_shapes_are_refused() {
        for bad in
            ["https://localhost:8400", "http://localhost.evil.example", "http://10.0.0.1", "https://evil.example/"]
        {
            assert!(matches!(cli(bad), Err(EmulatorError::AadRedirectUriMismatch { .. })), "{bad}");
        }
        let too_long = format!("http://localhost/{}", "a".repeat(MAX_LENGTH));
        for malformed in ["localhost:80", "http://localhost/#frag", "http://u:p@localhost/", &too_long] {
            assert_eq!(cli(malformed), Err(EmulatorError::AadInvalidRedirectUri), "{malformed}");
        }
        assert_eq!(cli(""), Err(EmulatorError::AadNoReplyAddress));
    }

    #[test]
    fn unknown_clients_are_not_found() {
        let r = check(&State::default(), Uuid::nil(), "http://localhost", "organizations");
        assert!(matches!(r, Err(EmulatorError::AadAppNotFoundInTenant { .. })));
    }
}
