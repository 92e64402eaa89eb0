//! The control plane's API contract: the states, request and response bodies and the error body of
//! the Aiven-compatible v1 API. The server serialises these types, the OpenAPI document is derived
//! from them, and the CLI's client is generated from that document, so a change here reaches all
//! three (or fails the build or the document check).

pub mod account;
pub mod connections;
pub mod error;
pub mod services;
pub mod states;
pub mod vpcs;

pub use account::{
    CloudListOut, CloudOut, MeOut, ProjectGetOut, ProjectListOut, ProjectOut, UserAuthIn, UserAuthOut, UserOut,
};
pub use connections::{
    PeeringConnectionEvent, PeeringConnectionEventsOut, PeeringConnectionOut, StateInfo, StateInfoWarning,
    VpcPeeringConnectionCreateIn,
};
pub use error::{ErrorItem, ErrorOut};
pub use services::{
    ServiceComponent, ServiceCreateIn, ServiceDeleteOut, ServiceGetOut, ServiceListOut, ServiceNodeState,
    ServiceNotification, ServiceOut, ServicePlan, ServicePlanRegion, ServiceTypeOut, ServiceTypesOut, ServiceUser,
};
pub use states::{ConnectionState, ServiceState, VpcState};
pub use vpcs::{UserPeerNetworkCidrAdd, UserPeerNetworkCidrsIn, VpcCreateIn, VpcGetOut, VpcListOut, VpcOut};

/// The only `vpc_peering_connection_type` isthmus serves.
pub const AZURE_VNET_PEERING: &str = "azure-vnet-peering";
