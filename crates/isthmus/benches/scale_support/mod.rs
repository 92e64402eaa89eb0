//! What the scale benchmark needs beyond tests/common: its parameters, the customers' world, a
//! throwaway PostgreSQL database, control-plane replica processes, and the counters it reads
//! (the replicas' /metrics and their Azure call log).

use anyhow::{bail, Context};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Azure's limits the layout must respect (crates/azure-emulator/src/model/limits.rs).
const PEERINGS_PER_VNET: usize = 500;
/// VNets per customer subscription; Azure allows 1,000, half leaves room for the peerings.
const VNETS_PER_SUBSCRIPTION: usize = 500;
pub const CUSTOMER_PASSWORD: &str = "Scale-Admin-Pass-1";

pub struct Params {
    pub connections: usize,
    pub vpcs: usize,
    pub replicas: Vec<usize>,
    pub sample: usize,
}

fn env_usize(name: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().with_context(|| format!("{name}={v} is not a number")),
        Err(_) => Ok(default),
    }
}

impl Params {
    pub fn from_env() -> anyhow::Result<Params> {
        let replicas = std::env::var("SCALE_REPLICAS").unwrap_or_else(|_| "1,2".into());
        let replicas = replicas
            .split(',')
            .map(|r| match r.trim() {
                "1" => Ok(1),
                "2" => Ok(2),
                other => bail!("SCALE_REPLICAS takes 1, 2 or 1,2; not {other:?}"),
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let p = Params {
            connections: env_usize("SCALE_CONNECTIONS", 10_000)?,
            vpcs: env_usize("SCALE_VPCS", 20)?,
            replicas,
            sample: env_usize("SCALE_SAMPLE", 100)?,
        };
        if p.vpcs == 0 || p.vpcs > 250 {
            bail!("SCALE_VPCS must be 1 to 250 (one /24 of 10.0.0.0/16 each)");
        }
        if p.connections.div_ceil(p.vpcs) > PEERINGS_PER_VNET {
            bail!(
                "{} connections over {} VPCs exceed Azure's {PEERINGS_PER_VNET} peerings per VNet",
                p.connections,
                p.vpcs
            );
        }
        if p.connections > 16_384 {
            bail!("SCALE_CONNECTIONS is at most 16384 (one /24 of 10.64.0.0/10 each)");
        }
        if p.sample == 0 || 2 * p.sample > p.connections {
            bail!("SCALE_SAMPLE must be 1 to SCALE_CONNECTIONS/2 (two disjoint samples)");
        }
        Ok(p)
    }
}

/// Who owns connection `n`: customers are apps (each with its resource group of VNets), grouped
/// into tenants whose subscription stays under Azure's VNet limit.
#[derive(Clone)]
pub struct Layout {
    pub customers: usize,
    pub customers_per_tenant: usize,
    pub tenants: usize,
}

pub struct Customer {
    pub tenant: usize,
    pub app_id: String,
    pub secret: String,
}

impl Layout {
    pub fn new(connections: usize) -> Layout {
        let customers = connections.min(100);
        let per_customer = connections.div_ceil(customers);
        let customers_per_tenant = (VNETS_PER_SUBSCRIPTION / per_customer).clamp(1, customers);
        Layout { customers, customers_per_tenant, tenants: customers.div_ceil(customers_per_tenant) }
    }
    pub fn customer_of(&self, n: usize) -> usize {
        n % self.customers
    }
    pub fn tenant_of(&self, customer: usize) -> usize {
        customer / self.customers_per_tenant
    }
}

pub fn tenant_id(t: usize) -> String {
    format!("5ca1e000-0000-4000-8000-{t:012}")
}
pub fn subscription(t: usize) -> String {
    format!("5ca1e5b0-0000-4000-8000-{t:012}")
}
pub fn admin(t: usize) -> String {
    format!("admin@scale{t}.example")
}
pub fn resource_group(customer: usize) -> String {
    format!("cust-{customer}")
}
pub fn vnet_name(n: usize) -> String {
    format!("vnet-{n}")
}
/// Customer VNets take /24s of 10.64.0.0/10, clear of the project VPCs in 10.0.0.0/16.
pub fn vnet_cidr(n: usize) -> String {
    format!("10.{}.{}.0/24", 64 + n / 256, n % 256)
}

/// The two-tenant fixture plus the customer tenants with all their VNets. VNets come from the
/// world file rather than ARM PUTs: they are the customers' existing networks, not what is measured.
pub fn world(fixture: &Path, layout: &Layout, connections: usize) -> anyhow::Result<Value> {
    let mut world: Value = serde_json::from_slice(&std::fs::read(fixture)?)?;
    let mut groups: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    for n in 0..connections {
        groups
            .entry(layout.customer_of(n))
            .or_default()
            .push(json!({"name": vnet_name(n), "addressPrefixes": [vnet_cidr(n)]}));
    }
    let tenants = world["tenants"].as_array_mut().context("fixture tenants")?;
    for t in 0..layout.tenants {
        let rgs: Vec<Value> = groups
            .iter()
            .filter(|(c, _)| layout.tenant_of(**c) == t)
            .map(|(c, vnets)| json!({"name": resource_group(*c), "location": "westeurope", "virtualNetworks": vnets}))
            .collect();
        tenants.push(json!({
            "id": tenant_id(t),
            "displayName": format!("Scale Customer {t}"),
            "defaultDomain": format!("scale{t}.example"),
            "users": [{"userPrincipalName": admin(t), "password": CUSTOMER_PASSWORD,
                       "directoryRoles": ["Application Administrator"]}],
            "subscriptions": [{"id": subscription(t), "displayName": format!("scale-sub-{t}"), "resourceGroups": rgs}],
            "roleAssignments": [{"principal": admin(t), "role": "Owner", "scope": format!("/subscriptions/{}", subscription(t))}],
        }));
    }
    Ok(world)
}

/// The PostgreSQL role that works with trust auth on 127.0.0.1:5432.
pub fn pg_user() -> anyhow::Result<String> {
    for user in ["postgres", "root"] {
        if psql(user, "postgres", "select 1").is_ok() {
            return Ok(user.into());
        }
    }
    bail!("PostgreSQL at 127.0.0.1:5432 does not let postgres or root in (trust auth expected)")
}

pub fn psql(user: &str, db: &str, sql: &str) -> anyhow::Result<String> {
    let out = std::process::Command::new("psql")
        .args(["-h", "127.0.0.1", "-p", "5432", "-U", user, "-d", db, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A database made for one run and dropped when this goes, whatever way the run ends.
pub struct Database {
    pub user: String,
    pub name: String,
}

impl Database {
    pub fn create(user: &str, name: &str) -> anyhow::Result<Database> {
        psql(user, "postgres", &format!("CREATE DATABASE \"{name}\""))?;
        Ok(Database { user: user.into(), name: name.into() })
    }
    pub fn url(&self) -> String {
        format!("postgres://{}@127.0.0.1:5432/{}", self.user, self.name)
    }
    /// Transactions committed and rolled back in this database so far (read from `postgres`, so
    /// the question itself is not counted).
    pub fn transactions(&self) -> anyhow::Result<u64> {
        let sql = format!("select xact_commit + xact_rollback from pg_stat_database where datname = '{}'", self.name);
        psql(&self.user, "postgres", &sql)?.parse().context("pg_stat_database")
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Err(e) = psql(&self.user, "postgres", &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
        {
            eprintln!("could not drop database {}: {e}", self.name);
        }
    }
}

/// One `isthmus serve` process on a loopback port.
pub struct Replica {
    pub child: Child,
    pub url: String,
    pub log: PathBuf,
}

pub struct ReplicaConfig<'a> {
    pub name: String,
    pub data_dir: &'a Path,
    pub database_url: &'a str,
    pub azure_url: &'a str,
    pub azure_ca: &'a Path,
    pub log: PathBuf,
}

impl Replica {
    /// `serve` with the reconciler's production settings (no interval or lease flags), logging
    /// every Azure HTTP attempt (`azure_client::http` at debug) so 429s retried in-line are seen.
    pub async fn start(c: ReplicaConfig<'_>) -> anyhow::Result<Replica> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_isthmus"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(c.data_dir)
            .args(["--database-url", c.database_url, "--replica", &c.name])
            .args(["--azure-url", c.azure_url, "--azure-ca"])
            .arg(c.azure_ca)
            .args(["--provider-tenant-id", super::common::PROVIDER_TENANT])
            .args(["--provider-app-id", super::common::PROVIDER_APP])
            .args([
                "--provider-subscription-id",
                super::common::PROVIDER_SUB,
                "--provider-resource-group",
                "provider-rg",
            ])
            .env("ISTHMUS_PROVIDER_SECRET", super::common::PROVIDER_SECRET)
            .env("ISTHMUS_LOG", "warn,azure_client::http=debug")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&c.log)?)
            .kill_on_drop(true);
        let mut child = cmd.spawn().context("spawning isthmus serve")?;
        let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
        let ready = async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.strip_prefix("ready ") {
                    return Ok(rest.split_whitespace().next().unwrap_or_default().to_string());
                }
            }
            bail!("serve {} exited before it was ready; see {}", c.name, c.log.display())
        };
        let url = tokio::time::timeout(Duration::from_secs(60), ready).await.context("serve ready within 60 s")??;
        Ok(Replica { child, url, log: c.log })
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }
}

/// The provider's Azure calls, as the reconciler counts them (`isthmus_azure_calls_total`, one
/// per logical call) and as its HTTP log shows them (one per attempt, pages included).
#[derive(Default, Clone, Copy, Debug)]
pub struct Calls {
    /// Logical ARM writes (PUT/POST/PATCH: `put_*`, `create_*` other than Graph's).
    pub arm_writes: u64,
    /// Logical ARM reads (`list_*`, `get_*`).
    pub arm_reads: u64,
    /// Calls that gave up throttled.
    pub throttled: u64,
    /// ARM HTTP requests in the log.
    pub arm_http: u64,
    /// HTTP answers 429, any service, in the log.
    pub http_429: u64,
}

impl std::ops::Sub for Calls {
    type Output = Calls;
    fn sub(self, o: Calls) -> Calls {
        Calls {
            arm_writes: self.arm_writes - o.arm_writes,
            arm_reads: self.arm_reads - o.arm_reads,
            throttled: self.throttled - o.throttled,
            arm_http: self.arm_http - o.arm_http,
            http_429: self.http_429 - o.http_429,
        }
    }
}

impl std::ops::Add for Calls {
    type Output = Calls;
    fn add(self, o: Calls) -> Calls {
        Calls {
            arm_writes: self.arm_writes + o.arm_writes,
            arm_reads: self.arm_reads + o.arm_reads,
            throttled: self.throttled + o.throttled,
            arm_http: self.arm_http + o.arm_http,
            http_429: self.http_429 + o.http_429,
        }
    }
}

fn label<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!("{name}=\""))? + name.len() + 2;
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

/// Adds one replica's `/metrics` page to `calls`. Operation names are classified by their verb so
/// a rewritten reconciler's new operations are counted too.
pub fn add_metrics(calls: &mut Calls, metrics: &str) {
    for line in metrics.lines().filter(|l| l.starts_with("isthmus_azure_calls_total{")) {
        let (Some(op), Some(outcome)) = (label(line, "operation"), label(line, "outcome")) else { continue };
        let Some(n) = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()) else { continue };
        let n = n as u64;
        let lower = outcome.to_ascii_lowercase();
        if lower.contains("throttl") || lower.contains("toomanyrequests") {
            calls.throttled += n;
        }
        if op.contains("service_principal") || op.contains("graph") {
            continue;
        }
        if ["put_", "create_", "post_", "patch_", "update_"].iter().any(|v| op.starts_with(v)) {
            calls.arm_writes += n;
        } else if ["list_", "get_", "read_"].iter().any(|v| op.starts_with(v)) {
            calls.arm_reads += n;
        }
    }
}

/// Adds one replica's log of Azure HTTP attempts (`Azure call service=… url=… status=…`).
pub fn add_log(calls: &mut Calls, log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    for line in text.lines().filter(|l| l.contains("Azure call")) {
        let field = |name: &str| {
            let at = line.find(&format!(" {name}="))? + name.len() + 2;
            Some(line[at..].split_whitespace().next()?.trim_matches('"').to_string())
        };
        if field("service").as_deref() == Some("ARM") {
            calls.arm_http += 1;
        }
        if field("status").as_deref() == Some("429") {
            calls.http_429 += 1;
        }
    }
}

/// p-quantile (nearest rank) of sorted values.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

/// Sums and counts of the replicas' duration histograms, by name: `sweep <kind>` from
/// `isthmus_sweep_seconds`, `refresh` from `isthmus_refresh_seconds`.
#[derive(Default, Clone, Debug)]
pub struct Timings(pub BTreeMap<String, (f64, f64)>);

impl Timings {
    /// Adds one replica's `/metrics` page.
    pub fn add(&mut self, metrics: &str) {
        for line in metrics.lines() {
            let Some(value) = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()) else { continue };
            let (key, rest) = if let Some(rest) = line.strip_prefix("isthmus_sweep_seconds_") {
                let Some(kind) = label(rest, "kind") else { continue };
                (format!("sweep {kind}"), rest)
            } else if let Some(rest) = line.strip_prefix("isthmus_refresh_seconds_") {
                ("refresh".to_string(), rest)
            } else {
                continue;
            };
            // Buckets are skipped: only `_sum` and `_count` make the mean.
            let is_sum = if rest.starts_with("sum") {
                true
            } else if rest.starts_with("count") {
                false
            } else {
                continue;
            };
            let slot = self.0.entry(key).or_default();
            if is_sum {
                slot.0 += value;
            } else {
                slot.1 += value;
            }
        }
    }

    /// What happened between `before` and `self`: "sweep subscription: mean 812 ms × 14, …".
    pub fn since(&self, before: &Timings) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .filter_map(|(k, (sum, n))| {
                let (s0, n0) = before.0.get(k).copied().unwrap_or_default();
                let count = n - n0;
                (count > 0.0).then(|| format!("{k}: mean {:.0} ms × {count}", (sum - s0) / count * 1000.0))
            })
            .collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }
}
