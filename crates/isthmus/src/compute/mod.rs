//! The compute backend of `isthmus up`: each service is a real PostgreSQL server on a host of its
//! project VPC's provider VNet. `ensure` makes the host (a NIC through ARM, which the emulator's
//! data plane realizes as a network namespace), the cluster on first placement, a certificate from
//! the stack's CA, and starts the server listening on the NIC's private address only.

mod binaries;
mod cluster;
mod nic;
mod server;

use azure_client::ArmClient;
use azure_emulator::dataplane::hosts::HostRunner;
use azure_emulator::tls::Certificates;
use binaries::Binaries;
use cluster::Cluster;
use control_plane::compute::{BoxFuture, ComputeBackend, ComputeError, Endpoint, Placement};
use control_plane::reconciler::ProviderIdentity;
use server::Server;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Services one backend runs at once; each is a PostgreSQL server with its own memory.
pub const MAX_SERVICES: usize = 32;
/// How long the data plane may take to build a new NIC's host.
const HOST_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a server may take to accept connections (crash recovery included).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Fast shutdown's grace before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);

pub struct ComputeConfig {
    /// Each service's data goes to `<services_dir>/<service_id>/`.
    pub services_dir: PathBuf,
    /// ARM as the provider; its NICs go to its subscription and resource group.
    pub arm: Arc<ArmClient>,
    pub provider: ProviderIdentity,
    /// Runs programs on the hosts NICs stand for (`Emulator::host_runner`).
    pub hosts: HostRunner,
    /// The stack's CA, which clients trust (`Emulator::certificates`).
    pub certificates: Arc<Certificates>,
}

struct Running {
    server: Server,
    endpoint: Endpoint,
    /// The server's socket directory, removed once it stopped (it is made again at each start).
    socket_dir: PathBuf,
}

impl Running {
    fn stop(self) {
        self.server.stop(STOP_GRACE);
        let _ = std::fs::remove_dir_all(&self.socket_dir);
    }
}

pub struct PostgresBackend {
    config: ComputeConfig,
    binaries: Binaries,
    /// One lock for all placements: they are rare, and each runs start to end alone.
    services: tokio::sync::Mutex<HashMap<Uuid, Running>>,
    /// Set by `shutdown`: nothing starts afterwards, so no server outlives it.
    stopping: AtomicBool,
}

fn blocking_error(e: tokio::task::JoinError) -> String {
    format!("a placement step panicked: {e}")
}

impl PostgresBackend {
    /// Fails when PostgreSQL's programs are not installed (the message says where it looked).
    pub fn new(config: ComputeConfig) -> Result<PostgresBackend, ComputeError> {
        let binaries = Binaries::find().map_err(ComputeError)?;
        Ok(PostgresBackend { config, binaries, services: Default::default(), stopping: AtomicBool::new(false) })
    }

    /// Stops every server gracefully (their data stays for the next start); call it before the
    /// emulator stops.
    pub async fn shutdown(&self) {
        let mut services = self.services.lock().await;
        self.stopping.store(true, Ordering::SeqCst);
        let running: Vec<Running> = services.drain().map(|(_, r)| r).collect();
        let _ = tokio::task::spawn_blocking(move || {
            for r in running {
                r.stop();
            }
        })
        .await;
    }

    async fn place(&self, p: &Placement) -> Result<Endpoint, String> {
        let mut services = self.services.lock().await;
        if self.stopping.load(Ordering::SeqCst) {
            return Err("the stack is stopping: start it again to place services".into());
        }
        match services.get(&p.service_id) {
            Some(r) if r.server.running() => return Ok(r.endpoint.clone()),
            Some(_) => {
                tracing::warn!(service = %p.service_name, "the service's server had exited; starting it again");
                let stopped = services.remove(&p.service_id).expect("present");
                tokio::task::spawn_blocking(move || stopped.stop()).await.map_err(blocking_error)?;
            }
            None if services.len() >= MAX_SERVICES => {
                return Err(format!(
                    "this machine already runs {MAX_SERVICES} services, the most isthmus runs at once: delete a \
                     service first"
                ))
            }
            None => {}
        }
        let ip = nic::ensure(&self.config.arm, &self.config.provider, p).await?;
        let nic_id = nic::id(&self.config.provider, p);
        let (config, bins, placement) = (self.start_inputs(), self.binaries.clone(), p.clone());
        let server = tokio::task::spawn_blocking(move || start(&config, &bins, &placement, &nic_id, &ip))
            .await
            .map_err(blocking_error)??;
        services.insert(p.service_id, server);
        Ok(services[&p.service_id].endpoint.clone())
    }

    fn start_inputs(&self) -> StartInputs {
        StartInputs {
            services_dir: self.config.services_dir.clone(),
            hosts: self.config.hosts.clone(),
            certificates: self.config.certificates.clone(),
        }
    }

    async fn unplace(&self, p: &Placement) -> Result<(), String> {
        let mut services = self.services.lock().await;
        if let Some(r) = services.remove(&p.service_id) {
            tokio::task::spawn_blocking(move || r.stop()).await.map_err(blocking_error)?;
        }
        nic::remove(&self.config.arm, &self.config.provider, p).await?;
        Cluster::new(&self.config.services_dir, p.service_id).remove()
    }
}

/// What the blocking part of a start needs, owned (it runs on a blocking thread).
struct StartInputs {
    services_dir: PathBuf,
    hosts: HostRunner,
    certificates: Arc<Certificates>,
}

/// The blocking part of `ensure`: the host, the cluster, the server, the bootstrap.
fn start(cfg: &StartInputs, bins: &Binaries, p: &Placement, nic_id: &str, ip: &str) -> Result<Running, String> {
    await_host(&cfg.hosts, nic_id, ip)?;
    let cluster = Cluster::new(&cfg.services_dir, p.service_id);
    cluster.prepare(bins)?;
    let address: std::net::IpAddr = ip.parse().map_err(|_| format!("the NIC's address {ip:?} is not an IP address"))?;
    let (cert, key) = cfg
        .certificates
        .sign_server(std::slice::from_ref(&p.service_name), &[address])
        .map_err(|e| format!("signing the service's certificate: {e}"))?;
    cluster.write_access_files(&cert, &key)?;
    let command = || {
        let mut in_host = cfg.hosts.command(nic_id, "unshare");
        in_host.args(cluster::as_service_user(&bins.postgres).get_args()).args(cluster.server_args(ip));
        server::with_death_signal(&in_host)
    };
    let server = spawn_ready(&cluster, bins, &format!("pg-{}", p.service_name), &command)?;
    if !cluster.bootstrapped() {
        if let Err(e) = cluster.bootstrap(bins, &p.admin_password) {
            server.stop(STOP_GRACE);
            return Err(e);
        }
    }
    let endpoint = Endpoint { host: ip.to_string(), port: cluster::PORT };
    Ok(Running { server, endpoint, socket_dir: cluster.socket_dir() })
}

/// Waits until the NIC's host exists and carries its address (the server binds to it).
fn await_host(hosts: &HostRunner, nic_id: &str, ip: &str) -> Result<(), String> {
    let deadline = Instant::now() + HOST_TIMEOUT;
    let has_address = || {
        hosts.host_exists(nic_id)
            && hosts.command(nic_id, "ip").args(["-o", "-4", "addr", "show"]).output().is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout).split_whitespace().any(|w| w.split('/').next() == Some(ip))
            })
    };
    while !has_address() {
        if Instant::now() > deadline {
            return Err(format!(
                "the data plane built no host with address {ip} for NIC {nic_id} within {}s: is the emulator \
                 running with its data plane on?",
                HOST_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Starts the server and waits until it accepts connections. A server that exits at once is
/// started again (twice): after a `kill -9` the previous one's processes may take a moment to be
/// gone (its lock file, its shared memory).
fn spawn_ready(
    cluster: &Cluster,
    bins: &Binaries,
    name: &str,
    command: &dyn Fn() -> std::process::Command,
) -> Result<Server, String> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        cluster.clear_stale_lock()?;
        let server = Server::spawn(name, command(), &cluster.log())?;
        match await_ready(cluster, bins, &server) {
            Ok(()) => return Ok(server),
            Err(e) if server.running() || attempts == 3 => {
                server.stop(STOP_GRACE);
                return Err(e);
            }
            Err(e) => tracing::warn!(error = %e, "postgres exited at start; trying again"),
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Waits until the server accepts connections on its private socket.
fn await_ready(cluster: &Cluster, bins: &Binaries, server: &Server) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if cluster.accepts(bins) {
            return Ok(());
        }
        let log = || {
            let text = std::fs::read_to_string(cluster.log()).unwrap_or_default();
            format!("its log ({}) ends: {}", cluster.log().display(), cluster::tail(&text, 8))
        };
        if !server.running() {
            return Err(format!("postgres exited at start; {}", log()));
        }
        if Instant::now() > deadline {
            return Err(format!("postgres did not accept connections within {}s; {}", START_TIMEOUT.as_secs(), log()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl ComputeBackend for PostgresBackend {
    fn ensure<'a>(&'a self, placement: &'a Placement) -> BoxFuture<'a, Result<Endpoint, ComputeError>> {
        Box::pin(async move {
            self.place(placement)
                .await
                .map_err(|e| ComputeError(format!("placing service {}: {e}", placement.service_name)))
        })
    }

    fn remove<'a>(&'a self, placement: &'a Placement) -> BoxFuture<'a, Result<(), ComputeError>> {
        Box::pin(async move {
            self.unplace(placement)
                .await
                .map_err(|e| ComputeError(format!("removing service {}: {e}", placement.service_name)))
        })
    }
}
