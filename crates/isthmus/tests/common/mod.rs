//! Test harness: runs the real `isthmus emulator` binary on a loopback port and talks to it over
//! HTTPS, trusting the CA it minted, the way any client would.
#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub mod cp;
pub mod up;

pub const CUSTOMER_TENANT: &str = "11111111-1111-1111-1111-111111111111";
pub const PROVIDER_TENANT: &str = "22222222-2222-2222-2222-222222222222";
pub const CUSTOMER_SUB: &str = "aaaaaaaa-0000-0000-0000-000000000001";
pub const PROVIDER_SUB: &str = "bbbbbbbb-0000-0000-0000-000000000002";
pub const PROVIDER_APP: &str = "eeeeeeee-0000-0000-0000-0000000000a1";
pub const PROVIDER_SECRET: &str = "provider-app-secret-0123456789abcdef";
pub const CUSTOMER_ADMIN: (&str, &str) = ("admin@customer.example", "Customer-Admin-Pass-1");
pub const CUSTOMER_DEV: (&str, &str) = ("dev@customer.example", "Customer-Dev-Pass-1");
pub const ARM: &str = "https://management.core.windows.net/";
pub const NET_API: &str = "api-version=2023-11-01";
pub const AUTH_API: &str = "api-version=2022-04-01";
pub const ROLE_DEF_API: &str = "api-version=2022-05-01-preview";

pub fn vnet_id(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}")
}

pub fn customer_vnet() -> String {
    vnet_id(CUSTOMER_SUB, "customer-rg", "customer-vnet")
}

pub fn provider_vnet() -> String {
    vnet_id(PROVIDER_SUB, "provider-rg", "provider-vnet")
}

/// The ARM id (lower-cased) of the NIC `isthmus up`'s compute backend made for `service`, read
/// from the emulator's state in `dir` (`up`'s data dir).
pub fn service_nic(dir: &Path, service: &str) -> String {
    let state = serde_json::to_value(azure_emulator::persistence::load(&dir.join("azure")).unwrap()).unwrap();
    let nics = state["network_interfaces"].as_object().expect("network_interfaces");
    let prefix = format!("/networkinterfaces/svc-{service}-");
    let mut ids = nics.keys().filter(|id| id.contains(&prefix));
    let id = ids.next().unwrap_or_else(|| panic!("no NIC for {service} among {:?}", nics.keys()));
    assert!(ids.next().is_none(), "one NIC per service");
    id.clone()
}

/// Whether a postgres process runs on a data dir under `dir`.
pub fn postgres_under(dir: &Path) -> bool {
    let needle = dir.to_string_lossy().to_string();
    std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        cmdline.contains("postgres") && cmdline.contains(&needle)
    })
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub struct Emu {
    child: Child,
    pub url: String,
    pub admin_key: String,
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
    pub http: reqwest::Client,
}

/// A response: status, headers and the JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
}

impl Emu {
    /// Starts an emulator with the two-tenant world in a fresh data dir.
    pub async fn start() -> Emu {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let mut emu = Emu::start_in(&dir, Some(&fixture("two-tenants.json"))).await;
        emu._tmp = Some(tmp);
        emu
    }

    pub async fn start_in(dir: &Path, world: Option<&Path>) -> Emu {
        Emu::start_at(dir, world, "127.0.0.1:0").await
    }

    /// The port this emulator listens on.
    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port in url")
    }

    pub async fn start_at(dir: &Path, world: Option<&Path>, listen: &str) -> Emu {
        Emu::spawn(dir, world, listen, Stdio::inherit()).await
    }

    /// Starts an emulator with the two-tenant world whose log (stderr) goes to `log`.
    pub async fn start_logged(log: &Path) -> Emu {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = std::fs::File::create(log).expect("log file");
        let mut emu = Emu::spawn(tmp.path(), Some(&fixture("two-tenants.json")), "127.0.0.1:0", file.into()).await;
        emu._tmp = Some(tmp);
        emu
    }

    /// An emulator with the two-tenant world and extra flags (e.g. `--data-plane`).
    pub async fn start_with(extra: &[&str]) -> Emu {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut emu =
            Emu::spawn_with(tmp.path(), Some(&fixture("two-tenants.json")), "127.0.0.1:0", Stdio::inherit(), extra)
                .await;
        emu._tmp = Some(tmp);
        emu
    }

    async fn spawn(dir: &Path, world: Option<&Path>, listen: &str, stderr: Stdio) -> Emu {
        Emu::spawn_with(dir, world, listen, stderr, &[]).await
    }

    /// An emulator with the two-tenant world run by `wrapper` (e.g. `setpriv --reuid …` to run it
    /// as another user), in a data dir that user owns.
    pub async fn start_wrapped(wrapper: &[&str], owner: u32, extra: &[&str]) -> Emu {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::chown(tmp.path(), Some(owner), Some(owner)).expect("chown the data dir");
        let mut cmd = Command::new(wrapper[0]);
        cmd.args(&wrapper[1..]).arg(env!("CARGO_BIN_EXE_isthmus")).env("HOME", tmp.path());
        let mut emu =
            Emu::spawn_cmd(cmd, tmp.path(), Some(&fixture("two-tenants.json")), "127.0.0.1:0", Stdio::inherit(), extra)
                .await;
        emu._tmp = Some(tmp);
        emu
    }

    async fn spawn_with(dir: &Path, world: Option<&Path>, listen: &str, stderr: Stdio, extra: &[&str]) -> Emu {
        Emu::spawn_cmd(Command::new(env!("CARGO_BIN_EXE_isthmus")), dir, world, listen, stderr, extra).await
    }

    async fn spawn_cmd(
        mut cmd: Command,
        dir: &Path,
        world: Option<&Path>,
        listen: &str,
        stderr: Stdio,
        extra: &[&str],
    ) -> Emu {
        cmd.arg("emulator").arg("--listen").arg(listen).arg("--data-dir").arg(dir).args(extra);
        // Namespaces only where a test asks for them: a killed emulator leaves its root-mode ones behind.
        if !extra.iter().any(|a| a.starts_with("--data-plane")) {
            cmd.arg("--data-plane=off");
        }
        if let Some(w) = world {
            cmd.arg("--world").arg(w);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(stderr).kill_on_drop(true).spawn().expect("spawn isthmus");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut url, mut admin_key) = (String::new(), String::new());
        let read = async {
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                if let Some(k) = line.strip_prefix("admin-key ") {
                    admin_key = k.trim().to_string();
                }
                if let Some(rest) = line.strip_prefix("ready ") {
                    url = rest.split_whitespace().next().expect("url").to_string();
                    return;
                }
            }
            panic!("emulator exited before it was ready");
        };
        tokio::time::timeout(Duration::from_secs(60), read).await.expect("emulator ready within 60 s");
        let ca = std::fs::read(dir.join("ca.pem")).expect("ca.pem");
        let http = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("CA pem")])
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Emu { child, url, admin_key, dir: dir.to_path_buf(), _tmp: None, http }
    }

    /// The emulator's process id (to read its memory use).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// `kill -9`: no chance to flush anything.
    pub async fn kill9(mut self) -> Option<tempfile::TempDir> {
        self.child.start_kill().expect("kill");
        self.child.wait().await.expect("wait");
        self._tmp.take()
    }

    pub async fn send(&self, method: Method, path: &str, headers: &[(&str, String)], body: Option<Value>) -> Reply {
        let url = if path.starts_with("https://") { path.to_string() } else { format!("{}{path}", self.url) };
        let mut req = self.http.request(method, url);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        Reply { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let resp = self.http.post(format!("{}{path}", self.url)).form(fields).send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
    }

    /// Client-credentials token for `resource` (ARM or `graph()`).
    pub async fn sp_token(&self, tenant: &str, app_id: &str, secret: &str, resource: &str) -> String {
        let r = self.sp_token_reply(tenant, app_id, secret, resource).await;
        assert_eq!(r.status, 200, "token for {app_id} in {tenant}: {}", r.body);
        r.body["access_token"].as_str().expect("access_token").to_string()
    }

    pub async fn sp_token_reply(&self, tenant: &str, app_id: &str, secret: &str, resource: &str) -> Reply {
        let scope = format!("{resource}/.default");
        self.form(
            &format!("/{tenant}/oauth2/v2.0/token"),
            &[
                ("grant_type", "client_credentials"),
                ("client_id", app_id),
                ("client_secret", secret),
                ("scope", &scope),
            ],
        )
        .await
    }

    /// A user's token by the password grant (what `az login -u -p` does).
    pub async fn user_token(&self, user: (&str, &str), resource: &str) -> String {
        let scope = format!("{resource}/.default offline_access openid profile");
        let r = self
            .form(
                "/organizations/oauth2/v2.0/token",
                &[
                    ("grant_type", "password"),
                    ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
                    ("username", user.0),
                    ("password", user.1),
                    ("scope", &scope),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "password grant for {}: {}", user.0, r.body);
        r.body["access_token"].as_str().expect("access_token").to_string()
    }

    pub fn graph_resource(&self) -> String {
        format!("{}/graph/", self.url)
    }

    pub async fn arm(&self, method: Method, path: &str, token: &str, aux: &[&str], body: Option<Value>) -> Reply {
        let mut headers = vec![("authorization", format!("Bearer {token}"))];
        if !aux.is_empty() {
            headers.push((
                "x-ms-authorization-auxiliary",
                aux.iter().map(|t| format!("Bearer {t}")).collect::<Vec<_>>().join(", "),
            ));
        }
        self.send(method, path, &headers, body).await
    }

    pub async fn graph(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
        self.send(method, &format!("/graph/v1.0{path}"), &[("authorization", format!("Bearer {token}"))], body).await
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.send(method, &format!("/_emulator/{path}"), &[("x-emulator-admin-key", self.admin_key.clone())], body)
            .await
    }

    pub async fn advance_clock(&self, seconds: f64) {
        let r = self.admin(Method::POST, "clock", Some(json!({ "advanceSeconds": seconds }))).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    /// PUT a peering `local -> remote`.
    pub async fn put_peering(
        &self,
        local_vnet: &str,
        name: &str,
        remote_vnet: &str,
        token: &str,
        aux: &[&str],
    ) -> Reply {
        let body =
            json!({"properties": {"remoteVirtualNetwork": {"id": remote_vnet}, "allowVirtualNetworkAccess": true}});
        self.arm(Method::PUT, &format!("{local_vnet}/virtualNetworkPeerings/{name}?{NET_API}"), token, aux, Some(body))
            .await
    }

    pub async fn peering_state(&self, local_vnet: &str, name: &str, token: &str) -> String {
        let r = self
            .arm(Method::GET, &format!("{local_vnet}/virtualNetworkPeerings/{name}?{NET_API}"), token, &[], None)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["properties"]["peeringState"].as_str().expect("peeringState").to_string()
    }

    /// Creates a role assignment and returns the reply.
    pub async fn assign(&self, token: &str, scope: &str, role_definition_id: &str, principal: &str) -> Reply {
        let body = json!({"properties": {"roleDefinitionId": role_definition_id, "principalId": principal}});
        let id = uuid::Uuid::new_v4();
        self.arm(
            Method::PUT,
            &format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{id}?{AUTH_API}"),
            token,
            &[],
            Some(body),
        )
        .await
    }

    /// A customer app with an SP and secret in the customer tenant: (app id, SP object id, secret).
    pub async fn customer_app(&self, name: &str) -> (String, String, String) {
        let g = self.user_token(CUSTOMER_ADMIN, &self.graph_resource()).await;
        let app = self
            .graph(
                Method::POST,
                "/applications",
                &g,
                Some(json!({"displayName": name, "signInAudience": "AzureADMultipleOrgs"})),
            )
            .await;
        assert_eq!(app.status, 201, "{}", app.body);
        let app_id = app.body["appId"].as_str().unwrap().to_string();
        let sp = self.graph(Method::POST, "/servicePrincipals", &g, Some(json!({"appId": app_id}))).await;
        let pw = self
            .graph(
                Method::POST,
                &format!("/applications/{}/addPassword", app.body["id"].as_str().unwrap()),
                &g,
                Some(json!({})),
            )
            .await;
        (app_id, sp.body["id"].as_str().unwrap().to_string(), pw.body["secretText"].as_str().unwrap().to_string())
    }

    /// Defines a custom role granting `actions`, assignable at `scopes`.
    pub async fn define_role(&self, token: &str, name: &str, actions: &[&str], scopes: &[&str]) -> Reply {
        let id = uuid::Uuid::new_v4();
        let body = json!({"properties": {"roleName": name, "description": "test role", "assignableScopes": scopes,
                                          "permissions": [{"actions": actions}]}});
        self.arm(
            Method::PUT,
            &format!("{}/providers/Microsoft.Authorization/roleDefinitions/{id}?{ROLE_DEF_API}", scopes[0]),
            token,
            &[],
            Some(body),
        )
        .await
    }
}

impl Emu {
    /// An emulator on `dir` (fresh or a previous run's) with extra flags, e.g. a restart with
    /// `--data-plane`.
    pub async fn start_in_with(dir: &Path, world: Option<&Path>, extra: &[&str]) -> Emu {
        Emu::spawn_with(dir, world, "127.0.0.1:0", Stdio::inherit(), extra).await
    }

    /// SIGTERM, as a service manager stops it, and its exit (within 30 s): a graceful shutdown.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("still running").to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
        assert!(sent.success(), "kill -TERM {pid}");
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exits within 30 s of SIGTERM")
            .expect("wait")
    }
}
