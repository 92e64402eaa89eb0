//! Harness for the control plane: `isthmus project create` and `isthmus serve` against a running
//! emulator, driven over its Aiven-compatible HTTP API.

use super::*;

pub struct ControlPlane {
    child: Child,
    pub url: String,
    pub token: String,
    pub project: String,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

/// `isthmus project create`, returning the printed token.
pub async fn create_project(dir: &tempfile::TempDir, opts: &ServeOptions, project: &str, user: &str) -> String {
    let d = dir.path().to_str().unwrap();
    let mut args = vec!["project", "create", project, "--user", user, "--data-dir", d];
    if let Some(url) = &opts.database_url {
        args.extend(["--database-url", url.as_str()]);
    }
    let out = isthmus(&args).await;
    out.trim().strip_prefix("token ").expect("token line").to_string()
}

pub async fn isthmus(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_isthmus")).args(args).output().await.expect("run isthmus");
    assert!(out.status.success(), "isthmus {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// How to run one `serve` process.
#[derive(Default, Clone)]
pub struct ServeOptions {
    /// `ISTHMUS_CRASH_AT`: abort right after this reconciler step.
    pub crash_at: Option<&'static str>,
    /// PostgreSQL instead of SQLite in the data dir.
    pub database_url: Option<String>,
    pub replica: Option<String>,
    /// `--pending-interval-ms` (default 200 in tests).
    pub pending_interval_ms: Option<u64>,
    /// Serve the API only, without a provider identity (no reconciler).
    pub api_only: bool,
    /// Log at debug level into this file instead of the test's stderr.
    pub log_file: Option<std::path::PathBuf>,
}

impl ControlPlane {
    /// Creates project `demo` and starts `serve` with the provider identity of the two-tenant world.
    pub async fn start(emu: &Emu) -> ControlPlane {
        Self::start_with(emu, ServeOptions::default()).await
    }

    pub async fn start_with(emu: &Emu, opts: ServeOptions) -> ControlPlane {
        let dir = tempfile::tempdir().unwrap();
        let token = create_project(&dir, &opts, "demo", "ops@provider.example").await;
        Self::spawn(emu, dir, token, opts).await
    }

    pub async fn spawn(emu: &Emu, dir: tempfile::TempDir, token: String, opts: ServeOptions) -> ControlPlane {
        let d = dir.path().to_str().unwrap().to_string();
        let ca = emu.dir.join("ca.pem");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_isthmus"));
        let pending = opts.pending_interval_ms.unwrap_or(200).to_string();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &d])
            .env("ISTHMUS_CRASH_AT", opts.crash_at.unwrap_or(""));
        if !opts.api_only {
            cmd.args(["--azure-url", &emu.url, "--azure-ca"])
                .arg(&ca)
                .args(["--provider-tenant-id", PROVIDER_TENANT, "--provider-app-id", PROVIDER_APP])
                .args(["--provider-subscription-id", PROVIDER_SUB, "--provider-resource-group", "provider-rg"])
                .args([
                    "--propagation-grace-seconds",
                    "0",
                    "--pending-interval-ms",
                    &pending,
                    "--active-interval-ms",
                    "300",
                    "--lease-seconds",
                    "2",
                ])
                .env("ISTHMUS_PROVIDER_SECRET", PROVIDER_SECRET);
        }
        if let Some(url) = &opts.database_url {
            cmd.args(["--database-url", url]);
        }
        if let Some(r) = &opts.replica {
            cmd.args(["--replica", r]);
        }
        match &opts.log_file {
            Some(path) => {
                cmd.env("ISTHMUS_LOG", "debug").stderr(std::fs::File::create(path).unwrap());
            }
            None => {
                cmd.stderr(Stdio::inherit());
            }
        }
        let mut child = cmd.stdout(Stdio::piped()).kill_on_drop(true).spawn().expect("spawn serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut url = String::new();
        let read = async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(rest) = line.strip_prefix("ready ") {
                    url = rest.split_whitespace().next().unwrap().to_string();
                    return;
                }
            }
            panic!("serve exited before it was ready");
        };
        tokio::time::timeout(Duration::from_secs(60), read).await.expect("serve ready");
        ControlPlane { child, url, token, project: "demo".into(), dir, http: reqwest::Client::new() }
    }

    /// Waits for the process to die on its own (a crash point) and returns its data dir.
    pub async fn wait_for_crash(mut self) -> (tempfile::TempDir, String) {
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("serve crashed in time")
            .unwrap();
        assert!(!status.success(), "serve aborted at its crash point");
        (self.dir, self.token)
    }

    pub async fn metrics(&self) -> String {
        self.http.get(format!("{}/metrics", self.url)).send().await.unwrap().text().await.unwrap()
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}/v1/project/{}{path}", self.url, self.project))
            .header("authorization", format!("aivenv1 {}", self.token));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        Reply { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    /// Creates a project VPC and waits for the reconciler to build it.
    pub async fn active_vpc(&self, cidr: &str) -> (String, String) {
        self.active_vpc_in("azure-westeurope", cidr).await
    }

    /// A VPC in `cloud`, once it is ACTIVE: its id and its provider VNet's ARM id.
    pub async fn active_vpc_in(&self, cloud: &str, cidr: &str) -> (String, String) {
        let r = self
            .call(
                Method::POST,
                "/vpcs",
                Some(json!({"cloud_name": cloud, "network_cidr": cidr, "peering_connections": []})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["project_vpc_id"].as_str().unwrap().to_string();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.call(Method::GET, &format!("/vpcs/{id}"), None).await;
            if v.body["state"] == "ACTIVE" {
                let vnet = format!("/subscriptions/{PROVIDER_SUB}/resourceGroups/provider-rg/providers/Microsoft.Network/virtualNetworks/isthmus-{id}");
                return (id, vnet);
            }
            assert!(std::time::Instant::now() < deadline, "VPC never became ACTIVE: {}", v.body);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Activates reconciler passes (`POST …/refresh`, which wakes the reconciler and answers with
    /// the VPC) until the connection to `vnet` is in `state`; returns the connection. The short
    /// pause between passes only lets the woken pass finish.
    pub async fn wait_for(&self, vpc: &str, vnet: &str, state: &str) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut last = Value::Null;
        while std::time::Instant::now() < deadline {
            let v = self.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections/refresh"), None).await;
            assert_eq!(v.status, 200, "{}", v.body);
            if let Some(c) =
                v.body["peering_connections"].as_array().and_then(|a| a.iter().find(|c| c["peer_vpc"] == vnet))
            {
                if c["state"] == state {
                    return c.clone();
                }
                last = c.clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("connection to {vnet} never reached {state}; last seen {last}");
    }

    pub async fn kill9(mut self) -> tempfile::TempDir {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
        self.dir
    }
}

/// The customer's half of the guide over the emulator's HTTP API: app, SP, secret, Network
/// Contributor on `vnet`, the provider app's SP (step 7) and the custom peer role (steps 8-9) at
/// `peer_scope`. Returns (app id, secret).
pub async fn customer_setup(
    emu: &Emu,
    name: &str,
    with_provider_sp: bool,
    peer_scope: Option<&str>,
) -> (String, String) {
    let admin_arm = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let (app_id, sp_id, secret) = emu.customer_app(name).await;
    let nc = format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7");
    assert_eq!(
        emu.assign(&admin_arm, &format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg"), &nc, &sp_id)
            .await
            .status,
        201
    );
    if with_provider_sp {
        let psp = emu.graph(Method::POST, "/servicePrincipals", &g, Some(json!({"appId": PROVIDER_APP}))).await;
        let psp_id = match psp.status.as_u16() {
            201 => psp.body["id"].as_str().unwrap().to_string(),
            _ => emu.graph(Method::GET, &format!("/servicePrincipals(appId='{PROVIDER_APP}')"), &g, None).await.body
                ["id"]
                .as_str()
                .unwrap()
                .to_string(),
        };
        if let Some(scope) = peer_scope {
            let role = emu
                .define_role(
                    &admin_arm,
                    &format!("peer-role-{name}"),
                    &["Microsoft.Network/virtualNetworks/peer/action"],
                    &[&format!("/subscriptions/{CUSTOMER_SUB}")],
                )
                .await;
            assert_eq!(role.status, 201, "{}", role.body);
            let ra = emu.assign(&admin_arm, scope, role.body["id"].as_str().unwrap(), &psp_id).await;
            assert_eq!(ra.status, 201, "{}", ra.body);
        }
    }
    (app_id, secret)
}

pub fn connection_body(vnet: &str, app_id: &str) -> Value {
    json!({"peer_cloud_account": CUSTOMER_SUB, "peer_vpc": vnet, "peer_resource_group": "customer-rg",
           "peer_azure_app_id": app_id, "peer_azure_tenant_id": CUSTOMER_TENANT})
}
