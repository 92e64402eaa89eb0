//! What each route's path names. The handlers extract these and the OpenAPI document describes
//! them, from the same structs.

use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::IntoParams;

/// `/v1/project/{project}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// The project's name.
    pub project: String,
}

/// `/v1/project/{project}/vpcs/{project_vpc_id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VpcPath {
    /// The project's name.
    pub project: String,
    /// The project VPC's id. A value that is not a UUID answers 400 `invalid_input`.
    #[param(format = Uuid)]
    pub project_vpc_id: String,
}

/// `…/peering-connections/{peering_connection_id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ConnectionPath {
    /// The project's name.
    pub project: String,
    /// The project VPC's id. A value that is not a UUID answers 400 `invalid_input`.
    #[param(format = Uuid)]
    pub project_vpc_id: String,
    /// The peering connection's id.
    #[param(format = Uuid)]
    pub peering_connection_id: String,
}

/// A delete's path: the customer VNet by subscription, resource group (when `GROUP`) and name,
/// and a region (when `REGION`; no Azure connection has one). One struct for the four routes
/// `avn` can build, so their parameters are described once.
#[derive(Deserialize)]
pub struct PeerPath<const GROUP: bool, const REGION: bool> {
    pub project: String,
    pub project_vpc_id: String,
    pub peer_cloud_account: String,
    pub peer_resource_group: Option<String>,
    pub peer_vpc: String,
    pub peer_region: Option<String>,
}

pub type ByVnet = PeerPath<false, false>;
pub type ByVnetRegion = PeerPath<false, true>;
pub type ByGroup = PeerPath<true, false>;
pub type ByGroupRegion = PeerPath<true, true>;

impl<const GROUP: bool, const REGION: bool> IntoParams for PeerPath<GROUP, REGION> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = VpcPath::into_params(|| Some(ParameterIn::Path));
        params.push(path_param("peer_cloud_account", "The customer's Azure subscription id."));
        if GROUP {
            params.push(path_param(
                "peer_resource_group",
                "The customer VNet's resource group (percent-encoded; compared without regard to case).",
            ));
        }
        params.push(path_param(
            "peer_vpc",
            "The customer VNet's name (percent-encoded; compared without regard to case).",
        ));
        if REGION {
            params.push(path_param(
                "peer_region",
                "A peer region; Azure connections have none, so no connection matches.",
            ));
        }
        params
    }
}

fn path_param(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

/// `/v1/project/{project}/service/{service_name}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ServicePath {
    /// The project's name.
    pub project: String,
    /// The service's name.
    pub service_name: String,
}

/// `/v1/project/{project}/service-types/{service_type}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ServiceTypePath {
    /// The project's name.
    pub project: String,
    /// The service type, e.g. `pg`.
    pub service_type: String,
}
