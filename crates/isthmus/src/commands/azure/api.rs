//! The control plane's Aiven-compatible API, as far as `azure connect` needs it: read a project VPC
//! with its peering connections, and create a connection.

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

pub struct ControlPlaneApi {
    http: reqwest::Client,
    base: String,
    token: String,
    project: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Vpc {
    #[serde(default)]
    pub network_cidr: Option<String>,
    #[serde(default)]
    pub peering_connections: Vec<Connection>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Connection {
    #[serde(default)]
    pub peering_connection_id: Option<String>,
    pub peer_cloud_account: String,
    #[serde(default)]
    pub peer_resource_group: Option<String>,
    pub peer_vpc: String,
    #[serde(default)]
    pub peer_azure_app_id: Option<String>,
    pub state: String,
    #[serde(default)]
    pub state_info: Option<Value>,
}

impl Connection {
    /// `state_info.message`, or an empty string.
    pub fn message(&self) -> &str {
        self.info("message").unwrap_or("")
    }

    pub fn info(&self, key: &str) -> Option<&str> {
        self.state_info.as_ref().and_then(|i| i.get(key)).and_then(Value::as_str)
    }

    /// Not DELETED or DELETED_BY_PEER: it holds the (subscription, group, VNet) slot.
    pub fn is_live(&self) -> bool {
        !matches!(self.state.as_str(), "DELETED" | "DELETED_BY_PEER")
    }

    pub fn is_for(&self, subscription: &str, resource_group: &str, vnet_name: &str) -> bool {
        self.peer_cloud_account.eq_ignore_ascii_case(subscription)
            && self.peer_vpc.eq_ignore_ascii_case(vnet_name)
            && self.peer_resource_group.as_deref().is_none_or(|rg| rg.eq_ignore_ascii_case(resource_group))
    }
}

/// What a create found: a new connection, or one that already held the slot (409).
pub enum Created {
    New(Connection),
    Exists,
}

pub struct NewConnection<'a> {
    pub subscription: &'a str,
    pub resource_group: &'a str,
    pub vnet_name: &'a str,
    pub app_id: &'a str,
    pub tenant_id: &'a str,
}

impl ControlPlaneApi {
    pub fn new(url: &str, token: String, project: String) -> anyhow::Result<Self> {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| reqwest::Certificate::from_der(der).context("built-in root certificate"))
            .collect::<anyhow::Result<Vec<_>>>()?;
        // Only these roots are trusted (`tls_certs_only`): never the platform's verifier or store.
        let b = reqwest::Client::builder()
            .tls_certs_only(roots)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("isthmus/", env!("CARGO_PKG_VERSION")));
        let base = url.trim_end_matches('/').to_string();
        if !base.starts_with("http://") && !base.starts_with("https://") {
            bail!("--url {url:?} is not an http(s) URL");
        }
        Ok(ControlPlaneApi { http: b.build()?, base, token, project })
    }

    fn url(&self, path: &str) -> String {
        let project = percent_encoding::utf8_percent_encode(&self.project, percent_encoding::NON_ALPHANUMERIC);
        format!("{}/v1/project/{project}{path}", self.base)
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> anyhow::Result<(u16, Value)> {
        let url = self.url(path);
        let mut req =
            self.http.request(method.clone(), &url).header("authorization", format!("aivenv1 {}", self.token));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.with_context(|| format!("{method} {url}"))?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.with_context(|| format!("{method} {url}"))?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    fn error(what: &str, status: u16, body: &Value) -> anyhow::Error {
        let message = body["message"].as_str().unwrap_or("no message");
        anyhow::anyhow!("{what}: {message} (HTTP {status})")
    }

    pub async fn get_vpc(&self, vpc_id: &str) -> anyhow::Result<Vpc> {
        let (status, body) = self.send(reqwest::Method::GET, &format!("/vpcs/{vpc_id}"), None).await?;
        if status != 200 {
            return Err(Self::error(
                &format!("reading project VPC {vpc_id} of project {}", self.project),
                status,
                &body,
            ));
        }
        serde_json::from_value(body).context("the project VPC's JSON")
    }

    /// `POST /v1/project/{p}/vpcs/{V}/peering-connections`; a 409 means the slot is taken.
    pub async fn create_connection(&self, vpc_id: &str, c: &NewConnection<'_>) -> anyhow::Result<Created> {
        let body = json!({
            "peer_cloud_account": c.subscription,
            "peer_resource_group": c.resource_group,
            "peer_vpc": c.vnet_name,
            "peer_azure_app_id": c.app_id,
            "peer_azure_tenant_id": c.tenant_id,
        });
        let path = format!("/vpcs/{vpc_id}/peering-connections");
        let (status, body) = self.send(reqwest::Method::POST, &path, Some(body)).await?;
        match status {
            200 | 201 => Ok(Created::New(serde_json::from_value(body).context("the connection's JSON")?)),
            409 => Ok(Created::Exists),
            _ => Err(Self::error("creating the peering connection", status, &body)),
        }
    }
}
