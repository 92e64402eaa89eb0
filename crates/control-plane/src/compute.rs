//! Where services run. The control plane decides *that* a service should exist; a compute backend
//! places it (as a provider would start a VM in the project VPC) and removes it. `isthmus up`'s
//! backend runs a real PostgreSQL server in a host of the project VPC's provider VNet; `serve`
//! against real Azure has none, and service creation says so.

use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the backend needs to place one service. Everything is stable across restarts, so placing
/// the same service again finds what was placed before (its host, its data).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub service_id: Uuid,
    pub service_name: String,
    pub project: String,
    /// The project VPC's provider VNet (ARM id); the service's host goes into it.
    pub provider_vnet_id: String,
    /// Azure location of the VPC's cloud (`westeurope`).
    pub region: String,
    /// The `avnadmin` password the control plane generated (set on first placement only).
    pub admin_password: String,
}

/// Where a placed service answers: its private address inside the project VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

/// Why a placement failed; the message says what to do, and is shown in the service's state.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ComputeError(pub String);

pub trait ComputeBackend: Send + Sync {
    /// Makes the service run (creating its host and data on first call, starting it again after a
    /// restart, nothing when it already runs) and says where it answers. Idempotent.
    fn ensure<'a>(&'a self, placement: &'a Placement) -> BoxFuture<'a, Result<Endpoint, ComputeError>>;
    /// Stops the service and removes its host and data. Idempotent: removing what is gone is Ok.
    fn remove<'a>(&'a self, placement: &'a Placement) -> BoxFuture<'a, Result<(), ComputeError>>;
}
