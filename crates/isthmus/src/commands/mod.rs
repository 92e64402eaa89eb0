pub mod azure;
pub mod data_plane_arg;
pub mod demo;
pub mod emulator;
pub mod exec;
pub mod project;
pub mod serve;
pub mod service_host;
pub mod signals;
pub mod up;
pub mod vpc;
pub mod wait_progress;

/// Where `isthmus vpc` and `isthmus azure` find the control plane unless told (`--url`,
/// `AIVEN_WEB_URL`): where `isthmus up` and `isthmus serve` listen by default.
pub const DEFAULT_API_URL: &str = "http://127.0.0.1:8080";
