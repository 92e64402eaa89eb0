//! Scale benchmark: SCALE_CONNECTIONS peering connections over SCALE_VPCS project VPCs, against
//! the real emulator (Azure's default ARM throttling in every measured phase) and 1 or 2
//! control-plane replicas sharing a fresh PostgreSQL database. Per replica count it prints:
//! create → all PENDING_PEER and its ratio to the provider's write-budget floor, the 429s the
//! provider got, detection latency (customer's peering PUT → ACTIVE) without and with the refresh
//! nudge, steady-state store transactions/s and ARM reads/s, and each process's VmRSS.
//!
//!     cargo bench -p isthmus --bench scale
//!     SCALE_CONNECTIONS=200 SCALE_VPCS=2 SCALE_SAMPLE=20 SCALE_REPLICAS=1 cargo bench -p isthmus --bench scale

#[path = "../tests/common/mod.rs"]
mod common;
mod scale_support;
#[path = "support/mod.rs"]
mod support;

use anyhow::{bail, ensure, Context};
use common::{vnet_id, Emu, ARM, PROVIDER_APP, PROVIDER_SUB, PROVIDER_TENANT};
use reqwest::{Method, StatusCode};
use scale_support::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const PROJECT_USER: &str = "ops@provider.example";
/// States a connection never leaves on its own: reaching one fails the run at once.
const TERMINAL: [&str; 5] = ["INVALID_SPECIFICATION", "REJECTED_BY_PEER", "DELETING", "DELETED", "DELETED_BY_PEER"];
const STEADY: Duration = Duration::from_secs(30);
const DETECTION_POLL: Duration = Duration::from_millis(25);
/// Samples in flight at once: enough to overlap the reconciler's passes, few enough that 25 ms
/// polling does not load the two cores the replicas run on.
const DETECTION_WORKERS: usize = 4;

fn project(v: usize) -> String {
    format!("scale-{v}")
}

struct Vpc {
    project: String,
    id: String,
    provider_vnet: String,
}

/// The control plane's API over its replicas, with one member's token for every project.
struct Api {
    http: reqwest::Client,
    token: String,
    urls: Vec<String>,
}

impl Api {
    async fn call(
        &self,
        replica: usize,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let url = format!("{}/v1{path}", self.urls[replica % self.urls.len()]);
        let mut req = self.http.request(method, &url).header("authorization", format!("aivenv1 {}", self.token));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.with_context(|| url.clone())?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    /// The provider's calls so far, summed over the replicas.
    async fn calls(&self, replicas: &[Replica]) -> anyhow::Result<Calls> {
        let mut calls = Calls::default();
        for r in replicas {
            let text = self.http.get(format!("{}/metrics", r.url)).send().await?.text().await?;
            add_metrics(&mut calls, &text);
            add_log(&mut calls, &r.log);
        }
        Ok(calls)
    }

    /// The replicas' sweep and refresh timings so far.
    async fn timings(&self, replicas: &[Replica]) -> anyhow::Result<Timings> {
        let mut t = Timings::default();
        for r in replicas {
            t.add(&self.http.get(format!("{}/metrics", r.url)).send().await?.text().await?);
        }
        Ok(t)
    }
}

struct Report {
    replicas: usize,
    connections: usize,
    vpcs: usize,
    customers: usize,
    tenants: usize,
    writes: (u32, f64),
    reads: (u32, f64),
    to_pending: Duration,
    phase1: Calls,
    floor: f64,
    total: Calls,
    plain: Vec<Duration>,
    nudged: Vec<Duration>,
    /// Sweeps (and refreshes honoured) during each detection phase.
    plain_sweeps: String,
    nudged_sweeps: String,
    steady_tx: f64,
    steady: Calls,
    rss: Vec<(String, u64)>,
}

impl Report {
    fn print(&self) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let lat = |v: &[Duration]| {
            format!(
                "median {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} connections)",
                ms(percentile(v, 0.5)),
                ms(percentile(v, 0.99)),
                ms(v.last().copied().unwrap_or_default()),
                v.len()
            )
        };
        let ratio = if self.floor > 0.0 {
            format!("{:.2}× the floor", self.to_pending.as_secs_f64() / self.floor)
        } else {
            format!("n/a (W ≤ {}: the burst covers it, floor 0 s)", self.writes.0)
        };
        let secs = STEADY.as_secs_f64();
        let rows: Vec<(String, String)> = [
            ("create → all PENDING_PEER".into(), format!("{:.1} s, {ratio}", self.to_pending.as_secs_f64())),
            (
                "  provider ARM writes in it (W)".into(),
                format!("{} ({} ARM HTTP requests)", self.phase1.arm_writes, self.phase1.arm_http),
            ),
            (format!("  floor max(0, W − {}) / {} s", self.writes.0, self.writes.1), format!("{:.1} s", self.floor)),
            (
                "429s received by the provider, all phases".into(),
                format!("{} ({} calls gave up throttled)", self.total.http_429, self.total.throttled),
            ),
            ("detection PUT → ACTIVE, no nudge".into(), lat(&self.plain)),
            ("  replicas' sweeps meanwhile".into(), self.plain_sweeps.clone()),
            ("detection PUT → ACTIVE, refresh nudge".into(), lat(&self.nudged)),
            ("  replicas' sweeps meanwhile".into(), self.nudged_sweeps.clone()),
            (format!("steady {secs:.0} s: store transactions/s"), format!("{:.1}", self.steady_tx)),
            (
                format!("steady {secs:.0} s: provider ARM reads/s"),
                format!(
                    "{:.2} HTTP ({:.2} logical list/get calls/s)",
                    self.steady.arm_http as f64 / secs,
                    self.steady.arm_reads as f64 / secs
                ),
            ),
        ]
        .into_iter()
        .chain(self.rss.iter().map(|(who, kib)| (format!("VmRSS {who}"), format!("{:.1} MiB", *kib as f64 / 1024.0))))
        .collect();
        println!(
            "\nscale: {} connections over {} VPCs ({} customer apps in {} tenant(s)), {} control-plane replica(s) on PostgreSQL;\n\
             ARM throttling at Azure's defaults (writes {} + {}/s, reads {} + {}/s per principal and subscription)",
            self.connections,
            self.vpcs,
            self.customers,
            self.tenants,
            self.replicas,
            self.writes.0,
            self.writes.1,
            self.reads.0,
            self.reads.1
        );
        let width = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
        for (k, v) in rows {
            println!("  {k:<width$}  {v}");
        }
    }
}

#[tokio::main]
async fn main() {
    let params = match Params::from_env() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("scale: {e:#}");
            std::process::exit(2);
        }
    };
    let mut failed = false;
    for (n, &replicas) in params.replicas.iter().enumerate() {
        if let Err(e) = run(&params, replicas, n).await {
            eprintln!("scale, {replicas} replica(s): FAILED: {e:#}");
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}

fn bucket(throttling: &Value, kind: &str) -> (u32, f64) {
    let b = &throttling[kind];
    (b["capacity"].as_u64().unwrap_or(0) as u32, b["refillPerSecond"].as_f64().unwrap_or(0.0))
}

async fn run(p: &Params, replica_count: usize, n: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let note =
        |what: &str| eprintln!("[{:>6.1} s] {replica_count} replica(s): {what}", started.elapsed().as_secs_f64());
    let tmp = tempfile::tempdir()?;
    let layout = Layout::new(p.connections);

    // The emulator with the customers' tenants and VNets.
    let world_path = tmp.path().join("world.json");
    let world = world(&common::fixture("two-tenants.json"), &layout, p.connections)?;
    std::fs::write(&world_path, serde_json::to_vec(&world)?)?;
    let emu_dir = tmp.path().join("azure");
    std::fs::create_dir_all(&emu_dir)?;
    let emu = Arc::new(Emu::start_in(&emu_dir, Some(&world_path)).await);
    let knobs = emu.admin(Method::GET, "knobs", None).await;
    ensure!(knobs.status == 200, "reading the emulator's knobs: {}", knobs.body);
    let defaults = knobs.body["throttling"].clone();
    ensure!(defaults["enabled"] == true, "the emulator's throttling is off by default: {defaults}");
    let (writes, reads) = (bucket(&defaults, "writes"), bucket(&defaults, "reads"));
    note(&format!("emulator up with {} customer tenants and {} VNets", layout.tenants, p.connections));

    // The customers' side of the guide, with throttling raised only for it.
    let unlimited = json!({"capacity": 1_000_000, "refillPerSecond": 1_000_000.0});
    let raised = json!({"throttling": {"reads": unlimited, "writes": unlimited, "deletes": unlimited}});
    ensure!(emu.admin(Method::PATCH, "knobs", Some(raised)).await.status == 200, "raising throttling");
    let customers = setup_customers(&emu, &layout).await?;
    let restore = emu.admin(Method::PATCH, "knobs", Some(json!({ "throttling": defaults }))).await;
    ensure!(restore.status == 200, "restoring throttling: {}", restore.body);
    note(&format!("{} customers granted the provider what the guide asks", customers.len()));

    // A fresh database, the projects and the replicas.
    let db = Database::create(&pg_user()?, &format!("isthmus_scale_{}_{n}", std::process::id()))?;
    let url = db.url();
    let cp_dir = tmp.path().join("cp");
    let cp_dir_s = cp_dir.to_str().context("utf-8 temp path")?.to_string();
    let mut token = String::new();
    for v in 0..p.vpcs {
        let out = common::cp::isthmus(&[
            "project",
            "create",
            &project(v),
            "--user",
            PROJECT_USER,
            "--data-dir",
            &cp_dir_s,
            "--database-url",
            &url,
        ])
        .await;
        token = out.trim().strip_prefix("token ").context("token line")?.to_string();
    }
    let mut replicas = Vec::new();
    for r in 0..replica_count {
        let data_dir = tmp.path().join(format!("replica-{r}"));
        std::fs::create_dir_all(&data_dir)?;
        replicas.push(
            Replica::start(ReplicaConfig {
                name: format!("scale-{r}"),
                data_dir: &data_dir,
                database_url: &url,
                azure_url: &emu.url,
                azure_ca: &emu_dir.join("ca.pem"),
                log: tmp.path().join(format!("replica-{r}.log")),
            })
            .await?,
        );
    }
    let api = Arc::new(Api {
        http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?,
        token,
        urls: replicas.iter().map(|r| r.url.clone()).collect(),
    });

    // One VPC per project, all ACTIVE before anything is timed.
    let mut vpcs = Vec::new();
    for v in 0..p.vpcs {
        let body = json!({"cloud_name": "azure-westeurope", "network_cidr": format!("10.0.{v}.0/24"), "peering_connections": []});
        let (status, r) = api.call(v, Method::POST, &format!("/project/{}/vpcs", project(v)), Some(body)).await?;
        ensure!(status == 201, "creating VPC {v}: {status} {r}");
        let id = r["project_vpc_id"].as_str().context("project_vpc_id")?.to_string();
        let provider_vnet = vnet_id(PROVIDER_SUB, "provider-rg", &format!("isthmus-{id}"));
        vpcs.push(Vpc { project: project(v), id, provider_vnet });
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    for v in &vpcs {
        loop {
            let (_, r) = api.call(0, Method::GET, &format!("/project/{}/vpcs/{}", v.project, v.id), None).await?;
            if r["state"] == "ACTIVE" {
                break;
            }
            ensure!(Instant::now() < deadline, "VPC {} not ACTIVE within 300 s: {r}", v.id);
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    note(&format!("{} VPCs ACTIVE on {replica_count} replica(s)", vpcs.len()));
    let vpcs = Arc::new(vpcs);
    let customers = Arc::new(customers);

    // (1) create → all PENDING_PEER.
    let before = api.calls(&replicas).await?;
    let t0 = Instant::now();
    let ids = create_connections(&api, &layout, &customers, &vpcs, p.connections).await?;
    note(&format!("{} creates answered 201 in {:.1} s", ids.len(), t0.elapsed().as_secs_f64()));
    let floor = |w: u64| w.saturating_sub(writes.0 as u64) as f64 / writes.1;
    let poll = Duration::from_millis((p.connections as u64 / 10).clamp(100, 1000));
    let mut last_note = Instant::now();
    loop {
        let mut states: BTreeMap<String, usize> = BTreeMap::new();
        for v in vpcs.iter() {
            let (status, r) = api.call(0, Method::GET, &format!("/project/{}/vpcs/{}", v.project, v.id), None).await?;
            ensure!(status == 200, "GET VPC {}: {status} {r}", v.id);
            for c in r["peering_connections"].as_array().context("peering_connections")? {
                *states.entry(c["state"].as_str().unwrap_or("?").to_string()).or_default() += 1;
            }
        }
        if states.get("PENDING_PEER") == Some(&p.connections) {
            break;
        }
        if let Some(s) = TERMINAL.iter().find(|s| states.contains_key(**s)) {
            bail!("a connection reached {s} on its way to PENDING_PEER; states: {states:?}");
        }
        let w = (api.calls(&replicas).await? - before).arm_writes;
        let limit = 3.0 * floor(w) + 120.0;
        let elapsed = t0.elapsed().as_secs_f64();
        if elapsed > limit {
            bail!(
                "all-PENDING_PEER took longer than 3 × floor + 120 s = {limit:.0} s (W = {w} ARM writes so far, floor {:.0} s); \
                 states after {elapsed:.0} s: {states:?}",
                floor(w)
            );
        }
        if last_note.elapsed() > Duration::from_secs(10) {
            note(&format!("{elapsed:.0} s into create → PENDING_PEER: {states:?}, W = {w}"));
            last_note = Instant::now();
        }
        tokio::time::sleep(poll).await;
    }
    let to_pending = t0.elapsed();
    let phase1 = api.calls(&replicas).await? - before;
    note(&format!(
        "all {} PENDING_PEER after {:.1} s, W = {}",
        p.connections,
        to_pending.as_secs_f64(),
        phase1.arm_writes
    ));

    // (3) detection latency, all connections live; two disjoint samples spread over VPCs and customers.
    let tokens = customer_tokens(&emu, &layout, &customers, 0..2 * p.sample).await?;
    let d = Arc::new(Detection {
        api: api.clone(),
        emu: emu.clone(),
        layout: layout.clone(),
        vpcs: vpcs.clone(),
        ids,
        tokens,
    });
    let t0 = api.timings(&replicas).await?;
    let plain = d.measure((0..p.sample).collect(), false).await?;
    note(&format!("detection without nudge: {} samples", plain.len()));
    let t1 = api.timings(&replicas).await?;
    let nudged = d.measure((p.sample..2 * p.sample).collect(), true).await?;
    note(&format!("detection with nudge: {} samples", nudged.len()));
    let t2 = api.timings(&replicas).await?;

    // (4) steady state: nothing changes and nobody calls the API.
    let (tx0, calls0) = (db.transactions()?, api.calls(&replicas).await?);
    tokio::time::sleep(STEADY).await;
    let (tx1, calls1) = (db.transactions()?, api.calls(&replicas).await?);

    // (5) memory.
    let mut rss: Vec<(String, u64)> =
        replicas.iter().enumerate().map(|(i, r)| (format!("replica scale-{i}"), support::rss_kib(r.pid()))).collect();
    rss.push(("emulator".into(), support::rss_kib(emu.pid().unwrap_or(0))));

    Report {
        replicas: replica_count,
        connections: p.connections,
        vpcs: p.vpcs,
        customers: layout.customers,
        tenants: layout.tenants,
        writes,
        reads,
        to_pending,
        phase1,
        floor: floor(phase1.arm_writes),
        total: calls1,
        plain,
        nudged,
        plain_sweeps: t1.since(&t0),
        nudged_sweeps: t2.since(&t1),
        steady_tx: (tx1 - tx0) as f64 / STEADY.as_secs_f64(),
        steady: calls1 - calls0,
        rss,
    }
    .print();
    drop(replicas);
    drop(db);
    Ok(())
}

/// The guide's grants for every customer app: its app, SP and secret (steps 2-4), Network
/// Contributor on its resource group (6), the provider app's SP (7) and a custom peer role (8)
/// assigned to it on the resource group (9). The VNets already exist in the world.
async fn setup_customers(emu: &Arc<Emu>, layout: &Layout) -> anyhow::Result<Vec<Customer>> {
    let mut provider_sp = Vec::new();
    for t in 0..layout.tenants {
        let upn = admin(t);
        let arm = emu.user_token((upn.as_str(), CUSTOMER_PASSWORD), ARM).await;
        let g = emu.user_token((upn.as_str(), CUSTOMER_PASSWORD), &emu.graph_resource()).await;
        let sp = emu.graph(Method::POST, "/servicePrincipals", &g, Some(json!({"appId": PROVIDER_APP}))).await;
        ensure!(sp.status == 201, "provider SP in tenant {t}: {}", sp.body);
        let sub = format!("/subscriptions/{}", subscription(t));
        let role =
            emu.define_role(&arm, "isthmus-peer", &["Microsoft.Network/virtualNetworks/peer/action"], &[&sub]).await;
        ensure!(role.status == 201, "peer role in tenant {t}: {}", role.body);
        provider_sp.push((
            arm,
            g,
            sp.body["id"].as_str().context("sp id")?.to_string(),
            role.body["id"].as_str().context("role id")?.to_string(),
        ));
    }
    let provider_sp = Arc::new(provider_sp);
    let limit = Arc::new(Semaphore::new(16));
    let mut tasks = Vec::new();
    for c in 0..layout.customers {
        let t = layout.tenant_of(c);
        let (emu, provider_sp, limit) = (emu.clone(), provider_sp.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await?;
            let (arm, g, psp, peer_role) = &provider_sp[t];
            let app = emu
                .graph(
                    Method::POST,
                    "/applications",
                    g,
                    Some(json!({"displayName": format!("peering-{c}"), "signInAudience": "AzureADMultipleOrgs"})),
                )
                .await;
            ensure!(app.status == 201, "app {c}: {}", app.body);
            let app_id = app.body["appId"].as_str().context("appId")?.to_string();
            let sp = emu.graph(Method::POST, "/servicePrincipals", g, Some(json!({"appId": app_id}))).await;
            ensure!(sp.status == 201, "SP of app {c}: {}", sp.body);
            let object = app.body["id"].as_str().context("app object id")?;
            let pw = emu.graph(Method::POST, &format!("/applications/{object}/addPassword"), g, Some(json!({}))).await;
            let secret = pw.body["secretText"].as_str().context("secretText")?.to_string();
            let rg = format!("/subscriptions/{}/resourceGroups/{}", subscription(t), resource_group(c));
            let nc = format!(
                "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
                subscription(t)
            );
            let r = emu.assign(arm, &rg, &nc, sp.body["id"].as_str().context("sp id")?).await;
            ensure!(r.status == 201, "Network Contributor for app {c}: {}", r.body);
            let r = emu.assign(arm, &rg, peer_role, psp).await;
            ensure!(r.status == 201, "peer role for the provider on {rg}: {}", r.body);
            Ok(Customer { tenant: t, app_id, secret })
        }));
    }
    let mut customers = Vec::new();
    for t in tasks {
        customers.push(t.await??);
    }
    Ok(customers)
}

/// Sends every create at once (64 in flight), connection `n` to VPC `n % vpcs` through replica
/// `n % replicas`; returns the connections' ids by `n`.
async fn create_connections(
    api: &Arc<Api>,
    layout: &Layout,
    customers: &Arc<Vec<Customer>>,
    vpcs: &Arc<Vec<Vpc>>,
    connections: usize,
) -> anyhow::Result<Vec<String>> {
    let limit = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::new();
    for n in 0..connections {
        let c = layout.customer_of(n);
        let customer = &customers[c];
        let body = json!({
            "peer_cloud_account": subscription(customer.tenant), "peer_vpc": vnet_name(n),
            "peer_resource_group": resource_group(c), "peer_azure_app_id": customer.app_id,
            "peer_azure_tenant_id": tenant_id(customer.tenant),
        });
        let v = &vpcs[n % vpcs.len()];
        let path = format!("/project/{}/vpcs/{}/peering-connections", v.project, v.id);
        let (api, limit) = (api.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await?;
            let (status, r) = api.call(n, Method::POST, &path, Some(body)).await?;
            ensure!(status == 201, "creating connection {n}: {status} {r}");
            Ok(r["peering_connection_id"].as_str().context("peering_connection_id")?.to_string())
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await??);
    }
    Ok(ids)
}

/// ARM tokens of the customer apps owning connections `range`: (customer tenant, provider tenant
/// as the auxiliary one for the cross-tenant peering).
async fn customer_tokens(
    emu: &Emu,
    layout: &Layout,
    customers: &[Customer],
    range: std::ops::Range<usize>,
) -> anyhow::Result<HashMap<usize, (String, String)>> {
    let mut tokens = HashMap::new();
    for n in range {
        let c = layout.customer_of(n);
        if tokens.contains_key(&c) {
            continue;
        }
        let cu = &customers[c];
        let arm = emu.sp_token(&tenant_id(cu.tenant), &cu.app_id, &cu.secret, ARM).await;
        let aux = emu.sp_token(PROVIDER_TENANT, &cu.app_id, &cu.secret, ARM).await;
        tokens.insert(c, (arm, aux));
    }
    Ok(tokens)
}

/// What a detection worker needs, owned so workers can be spawned.
struct Detection {
    api: Arc<Api>,
    emu: Arc<Emu>,
    layout: Layout,
    vpcs: Arc<Vec<Vpc>>,
    ids: Vec<String>,
    tokens: HashMap<usize, (String, String)>,
}

impl Detection {
    /// For each connection in `sample` the customer creates its side (the guide's step 15); the
    /// time runs from the PUT's answer until the API shows the connection ACTIVE.
    async fn measure(self: &Arc<Self>, sample: Vec<usize>, nudge: bool) -> anyhow::Result<Vec<Duration>> {
        let (sample, next) = (Arc::new(sample), Arc::new(AtomicUsize::new(0)));
        let workers: Vec<_> = (0..DETECTION_WORKERS.min(sample.len()))
            .map(|_| {
                let (d, sample, next) = (self.clone(), sample.clone(), next.clone());
                tokio::spawn(async move {
                    let mut lat = Vec::new();
                    while let Some(&n) = sample.get(next.fetch_add(1, Ordering::Relaxed)) {
                        lat.push(d.one(n, nudge).await?);
                    }
                    anyhow::Ok(lat)
                })
            })
            .collect();
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await??);
        }
        all.sort();
        Ok(all)
    }

    async fn one(&self, n: usize, nudge: bool) -> anyhow::Result<Duration> {
        let c = self.layout.customer_of(n);
        let t = self.layout.tenant_of(c);
        let v = &self.vpcs[n % self.vpcs.len()];
        let (arm, aux) = &self.tokens[&c];
        let local = vnet_id(&subscription(t), &resource_group(c), &vnet_name(n));
        let put = self.emu.put_peering(&local, "to-provider", &v.provider_vnet, arm, &[aux]).await;
        ensure!(put.status.is_success(), "customer peering PUT for connection {n}: {} {}", put.status, put.body);
        let answered = Instant::now();
        if nudge {
            let path = format!("/project/{}/vpcs/{}/peering-connections/refresh", v.project, v.id);
            let (status, r) = self.api.call(n, Method::POST, &path, None).await?;
            ensure!(status == 200, "refresh of VPC {}: {status} {r}", v.id);
        }
        let events = format!("/project/{}/vpcs/{}/peering-connections/{}/events", v.project, v.id, self.ids[n]);
        loop {
            let (status, r) = self.api.call(n, Method::GET, &events, None).await?;
            ensure!(status == 200, "events of connection {n}: {status} {r}");
            let state = r["state"].as_str().unwrap_or("?");
            if state == "ACTIVE" {
                return Ok(answered.elapsed());
            }
            ensure!(!TERMINAL.contains(&state), "connection {n} reached {state} instead of ACTIVE");
            ensure!(
                answered.elapsed() < Duration::from_secs(600),
                "connection {n} not ACTIVE 600 s after the PUT ({state})"
            );
            tokio::time::sleep(DETECTION_POLL).await;
        }
    }
}
