//! The control plane's API client, generated at build time (see `build.rs`) from the OpenAPI
//! document the server derives from its handlers and `control-plane-api`'s types. A change to
//! the API changes this client; code that uses it stops compiling where it no longer fits.

// Generated code is not held to our lints.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/client.rs"));
}

pub use generated::*;
pub use progenitor_client::{Error, ResponseValue};

mod connect;
pub use connect::{connect, ConnectError};
