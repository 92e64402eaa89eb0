//! What the services share: the whole state in one value, the world file, Azure's limits and naming
//! rules, and `$filter` queries. Each service's own rules live with it (`identity`, `authorization`,
//! `network`); nothing here imports the HTTP layer.

pub mod limits;
pub mod names;
pub mod peer_index;
pub mod query;
pub mod regions;
pub mod state;
pub mod table;
pub mod world;

pub use crate::authorization::access::{Caller, Op};
pub use crate::identity::objects::{Principal, PrincipalKind};
pub use crate::identity::secrets;
pub use state::State;
