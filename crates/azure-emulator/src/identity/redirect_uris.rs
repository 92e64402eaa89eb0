//! Where an authorization code may be sent. Entra sends codes only to a redirect URI registered on
//! the application; the Azure CLI's public client registers `http://localhost`, which for a loopback
//! address means any port and path (RFC 8252 §7.3). Other applications may be sent a code at the
//! URIs they register under `web`, `spa` or `publicClient` `redirectUris` (stored as Graph sent
//! them): exactly, or for a registered `http://localhost…` at any port, as Entra matches loopback.

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
    let app = state.application_by_app_id(client_id);
    if client_id != AZURE_CLI_CLIENT_ID && app.is_none() {
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
    let registered = app.map(registered).unwrap_or_default();
    let matches = |r: &String| {
        r == redirect_uri
            || url::Url::parse(r).is_ok_and(|r| is_loopback(&r) && is_loopback(&uri) && same_but_port(&r, &uri))
    };
    if (client_id == AZURE_CLI_CLIENT_ID && is_loopback(&uri)) || registered.iter().any(matches) {
        Ok(())
    } else {
        Err(EmulatorError::AadRedirectUriMismatch {
            redirect_uri: names::printable(redirect_uri),
            app_id: client_id.to_string(),
        })
    }
}

/// The redirect URIs an application registered, on any platform.
fn registered(app: &crate::identity::objects::Application) -> Vec<String> {
    ["web", "spa", "publicClient"]
        .iter()
        .filter_map(|platform| app.properties.get(*platform)?.get("redirectUris")?.as_array())
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_string))
        .collect()
}

/// Loopback URIs match whatever their port, as long as host and path agree.
fn same_but_port(a: &url::Url, b: &url::Url) -> bool {
    a.host_str() == b.host_str() && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
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
    fn other_apps_are_sent_codes_only_at_their_registered_uris() {
        let mut state = State::default();
        let app_id = Uuid::new_v4();
        let mut app: crate::identity::objects::Application = serde_json::from_value(serde_json::json!({
            "id": Uuid::new_v4(), "app_id": app_id, "tenant_id": Uuid::new_v4(), "display_name": "a",
            "sign_in_audience": "AzureADMyOrg", "created": "2026-01-01T00:00:00Z",
        }))
        .unwrap();
        app.properties.insert("web".into(), serde_json::json!({"redirectUris": ["https://app.example/cb"]}));
        app.properties.insert("publicClient".into(), serde_json::json!({"redirectUris": ["http://localhost/auth"]}));
        state.applications.insert(app.id, app);
        let check = |u: &str| check(&state, app_id, u, "organizations");
        assert_eq!(check("https://app.example/cb"), Ok(()));
        assert_eq!(check("http://localhost:51234/auth"), Ok(()), "any port on a registered loopback URI");
        for bad in ["https://app.example/other", "http://localhost:1/elsewhere", "http://127.0.0.1/auth"] {
            assert!(matches!(check(bad), Err(EmulatorError::AadRedirectUriMismatch { .. })), "{bad}");
        }
    }

    #[test]
    fn unknown_clients_are_not_found() {
        let r = check(&State::default(), Uuid::nil(), "http://localhost", "organizations");
        assert!(matches!(r, Err(EmulatorError::AadAppNotFoundInTenant { .. })));
    }
}
