//! Starting the emulator: data dir, certificates, signing key, state, the admin key, the HTTPS
//! listener, and `env.sh` for real `az`.

use crate::clock::Clock;
use crate::error::{EmulatorError, Result};
use crate::identity::secrets;
use crate::model::world::World;
use crate::persistence::{write_private_file, Store};
use crate::throttle::Throttle;
use crate::tls::Certificates;
use crate::tokens::Signer;
use crate::wire::audiences::{origins_for, Audiences};
use crate::wire::{self, AppState};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;

/// Open connections at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 4096;
/// Time allowed for the TLS handshake, and for each request's headers.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct EmulatorConfig {
    /// Where state, keys and certificates live; `None` keeps state in memory (certificates and
    /// `env.sh` still go to a temporary directory, since `az` needs the CA as a file).
    pub data_dir: Option<PathBuf>,
    pub listen: SocketAddr,
    /// Loaded only into a fresh state, so a restart keeps what happened since.
    pub world: Option<World>,
    /// Further origins (`https://host[:port]`) clients reach this emulator by, beyond loopback; the
    /// token audiences served derive from these, never from a request's `Host` header.
    pub public_urls: Vec<String>,
    /// Realize VNets, NICs and peerings as network namespaces on this machine (`dataplane`).
    pub data_plane: crate::dataplane::DataPlaneMode,
}

pub struct Emulator {
    pub addr: SocketAddr,
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub admin_key: String,
    pub dir: PathBuf,
    pub env_file: PathBuf,
    pub ca_file: PathBuf,
    pub world_loaded: bool,
    app: wire::App,
    certificates: Arc<Certificates>,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    data_plane: Option<crate::dataplane::DataPlane>,
}

fn io_err(e: std::io::Error) -> EmulatorError {
    EmulatorError::Persistence(e.to_string())
}

pub async fn start(cfg: EmulatorConfig) -> Result<Emulator> {
    let dir = match &cfg.data_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("isthmus-emulator-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(io_err)?;
    let persistent = cfg.data_dir.is_some().then_some(dir.as_path());
    let certs = Arc::new(Certificates::load_or_create(&dir)?);
    let signer = Signer::load_or_create(persistent)?;
    let (store, existed) = Store::open(persistent)?;
    let mut world_loaded = false;
    if let (false, Some(world)) = (existed, &cfg.world) {
        let now = chrono::Utc::now();
        store.write(|s| s.apply_world(world, now))?;
        world_loaded = true;
    }
    let clock = Clock::with_offset_ms(store.read().knobs.clock_offset_ms);
    let admin_key = secrets::random_token(24);
    write_private_file(&dir.join("admin-key"), admin_key.as_bytes())?;
    let listener = TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| EmulatorError::Internal(format!("cannot listen on {}: {e}", cfg.listen)))?;
    let addr = listener.local_addr().map_err(io_err)?;
    let app = Arc::new(AppState {
        store,
        signer,
        clock,
        throttle: Throttle::default(),
        admin_key_hash: secrets::sha256_hex(&admin_key),
        device_codes: Default::default(),
        auth_codes: Default::default(),
        passwords: Default::default(),
        audiences: Audiences::for_origins(&origins_for(addr, &cfg.public_urls)),
        stats: Default::default(),
    });

    let host = if addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { addr.ip().to_string() };
    let url = if addr.port() == 443 { format!("https://{host}") } else { format!("https://{host}:{}", addr.port()) };
    let ca_file = dir.join("ca.pem");
    let env_file = dir.join("env.sh");
    std::fs::write(&env_file, env_script(&url, &ca_file)).map_err(io_err)?;

    let acceptor = TlsAcceptor::from(certs.server_config()?);
    let (shutdown, mut stop) = watch::channel(false);
    let router = wire::router(app.clone());
    // Unauthenticated clients must not hold memory without bound: connections are capped, and a
    // connection that does not finish its TLS handshake or its request headers in time is dropped.
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let task = tokio::spawn(async move {
        loop {
            let permit = tokio::select! {
                p = connections.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                _ = stop.changed() => break,
            };
            let (tcp, _) = tokio::select! {
                accepted = listener.accept() => match accepted { Ok(c) => c, Err(_) => continue },
                _ = stop.changed() => break,
            };
            let acceptor = acceptor.clone();
            let service =
                TowerToHyperService::new(tower::ServiceExt::map_request(router.clone(), wire::normalize_path));
            tokio::spawn(async move {
                let _permit = permit;
                let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await else {
                    return;
                };
                let mut builder = auto::Builder::new(TokioExecutor::new());
                builder.http1().timer(TokioTimer::new()).header_read_timeout(HANDSHAKE_TIMEOUT);
                let _ = builder.serve_connection(TokioIo::new(tls), service).await;
            });
        }
    });
    let data_plane = match start_data_plane(cfg.data_plane, &app, &dir) {
        Ok(d) => d,
        Err(e) => {
            let _ = shutdown.send(true);
            return Err(e);
        }
    };
    Ok(Emulator {
        addr,
        url,
        admin_key,
        dir,
        env_file,
        ca_file,
        world_loaded,
        app,
        certificates: certs,
        shutdown,
        task,
        data_plane,
    })
}

impl Emulator {
    /// Reads the fidelity knobs as they are at each call (they change through the admin API while
    /// the emulator runs); for a control plane in the same process.
    pub fn knobs_reader(&self) -> impl Fn() -> crate::model::state::Knobs + Send + Sync + 'static {
        let app = self.app.clone();
        move || app.store.read().knobs.clone()
    }

    /// Whether VNets and NICs are realized on this machine (`dataplane`).
    pub fn data_plane_running(&self) -> bool {
        self.data_plane.is_some()
    }

    /// Runs programs on the hosts of this emulator's NICs, while its data plane runs.
    pub fn host_runner(&self) -> Option<crate::dataplane::hosts::HostRunner> {
        let dp = self.data_plane.as_ref()?;
        Some(crate::dataplane::hosts::HostRunner::new(
            dp.access.clone(),
            crate::dataplane::names::Names::for_data_dir(&self.dir),
        ))
    }

    /// The emulator's CA, which signs certificates for the stack's services (`sign_server`).
    pub fn certificates(&self) -> Arc<Certificates> {
        self.certificates.clone()
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
        if let Some(d) = self.data_plane {
            let _ = tokio::task::spawn_blocking(move || d.stop()).await;
        }
    }
}

/// Starts the data plane as `mode` asks; says in one line (stderr) whether it runs, and if not why.
fn start_data_plane(
    mode: crate::dataplane::DataPlaneMode,
    app: &wire::App,
    dir: &std::path::Path,
) -> Result<Option<crate::dataplane::DataPlane>> {
    use crate::dataplane::{access::Access, DataPlaneMode};
    if mode == DataPlaneMode::Off {
        return Ok(None);
    }
    let (reader, mut seen) = (app.clone(), 0);
    let next = move |timeout| {
        seen = reader.store.wait_for_write(seen, timeout);
        reader.store.read()
    };
    match crate::dataplane::start(next, dir) {
        Ok(dp) => {
            let how = match dp.access {
                Access::Direct => "as root, in this machine's network namespaces",
                Access::UserNamespace { .. } => "in an unprivileged user namespace",
            };
            eprintln!("data plane on: VNets are network namespaces ({how}); run hosts with `isthmus exec --nic NAME`");
            Ok(Some(dp))
        }
        Err(why) if mode == DataPlaneMode::Auto => {
            eprintln!("data plane off: {why}");
            Ok(None)
        }
        Err(why) => Err(EmulatorError::DataPlaneUnavailable(why)),
    }
}

/// The exports that point a real `az` at this emulator (see the reference's "Recipe B").
fn env_script(url: &str, ca: &std::path::Path) -> String {
    let ca = ca.display();
    format!(
        "# Point the real Azure CLI at the isthmus emulator: source this file.\n\
         export REQUESTS_CA_BUNDLE='{ca}'\n\
         export SSL_CERT_FILE='{ca}'\n\
         export AZURE_CORE_INSTANCE_DISCOVERY=false\n\
         export AZURE_CORE_COLLECT_TELEMETRY=false\n\
         export ARM_CLOUD_METADATA_URL='{url}/metadata/endpoints?api-version=2019-05-01'\n\
         export ISTHMUS_AZURE_URL='{url}'\n"
    )
}
