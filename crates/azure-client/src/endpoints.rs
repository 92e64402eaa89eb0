//! Where Entra ID, ARM and Graph live, and which CAs to trust: real Azure and the emulator differ
//! only here.

use crate::error::{AzureError, Result};
use std::time::Duration;
use url::Url;

#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The authority host; tokens come from `{login}/{tenant}/oauth2/v2.0/token`.
    pub login: Url,
    /// ARM's base; resource ids are appended to it.
    pub arm: Url,
    /// Graph's base, with a trailing `/`; `v1.0/…` is appended to it.
    pub graph: Url,
    /// The scope of ARM tokens (`https://management.core.windows.net//.default`: the resource id
    /// ends in `/`, so the double slash is literal).
    pub arm_scope: String,
    pub graph_scope: String,
    /// PEM certificates to trust in addition to (or, without `trust_public_roots`, instead of) the
    /// public web roots.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Trust the public web PKI (Mozilla's roots, compiled in). Off for the emulator, so a client
    /// pointed at it can reach nothing else by accident.
    pub trust_public_roots: bool,
}

impl Endpoints {
    pub fn public_cloud() -> Self {
        Endpoints {
            login: url("https://login.microsoftonline.com/"),
            arm: url("https://management.azure.com/"),
            graph: url("https://graph.microsoft.com/"),
            arm_scope: "https://management.core.windows.net//.default".into(),
            graph_scope: "https://graph.microsoft.com/.default".into(),
            extra_ca_pem: None,
            trust_public_roots: true,
        }
    }

    /// The emulator's single origin: login and ARM at `base`, Graph under `{base}/graph/`, trusting
    /// only the emulator's CA.
    pub fn emulator(base: Url, ca_pem: Vec<u8>) -> Self {
        let origin = base.as_str().trim_end_matches('/').to_string();
        Endpoints {
            login: base.clone(),
            arm: base,
            graph: url(&format!("{origin}/graph/")),
            arm_scope: "https://management.core.windows.net//.default".into(),
            graph_scope: format!("{origin}/graph//.default"),
            extra_ca_pem: Some(ca_pem),
            trust_public_roots: false,
        }
    }

    /// The HTTP client every part of this crate uses for these endpoints.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client> {
        // Only these roots are trusted (`tls_certs_only`): never the platform's verifier or store.
        let mut roots = Vec::new();
        if self.trust_public_roots {
            for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
                let cert = reqwest::Certificate::from_der(der)
                    .map_err(|e| AzureError::Config(format!("built-in root certificate: {e}")))?;
                roots.push(cert);
            }
        }
        if let Some(pem) = &self.extra_ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| AzureError::Config(format!("extra CA PEM: {e}")))?;
            if certs.is_empty() {
                return Err(AzureError::Config("extra CA PEM holds no certificate".into()));
            }
            roots.extend(certs);
        }
        reqwest::Client::builder()
            .tls_certs_only(roots)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("isthmus-azure-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AzureError::Config(format!("HTTP client: {e}")))
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).expect("a valid built-in URL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emulator_layout() {
        let e = Endpoints::emulator(Url::parse("https://127.0.0.1:8443").unwrap(), vec![]);
        assert_eq!(e.graph.as_str(), "https://127.0.0.1:8443/graph/");
        assert_eq!(e.graph_scope, "https://127.0.0.1:8443/graph//.default");
        assert_eq!(e.arm_scope, "https://management.core.windows.net//.default");
        assert!(!e.trust_public_roots);
    }

    #[test]
    fn public_cloud_builds_a_client() {
        Endpoints::public_cloud().http_client().unwrap();
    }
}
