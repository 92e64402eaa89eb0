//! Domain types and rules, with no storage or HTTP.

pub mod model;
pub mod state;
pub mod validate;

pub use model::*;
pub use state::{ConnectionState, VpcState};
