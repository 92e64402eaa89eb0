//! The control plane's API as the CLI calls it: the generated client (`control-plane-client`)
//! for one project, with its failures turned into errors that say what to do. `isthmus vpc`,
//! `isthmus azure connect` and `isthmus demo` all go through here.

mod errors;
pub mod wait;

pub use control_plane_api::ConnectionState;
pub use control_plane_client::types::VpcPeeringConnectionCreateIn as NewConnection;
pub use control_plane_client::types::{
    PeeringConnectionEventsOut as Events, PeeringConnectionOut as Connection, VpcGetOut as Vpc, VpcListOut,
};
pub use control_plane_client::types::{
    ServiceOut as Service, UserPeerNetworkCidrAdd, UserPeerNetworkCidrsIn, VpcCreateIn,
};
pub use errors::{is_transient, ApiError};

use errors::{checked, vpc_uuid};
use std::time::Duration;

pub struct Api {
    client: control_plane_client::Client,
    project: String,
}

/// What the DELETE path names: subscription, optional resource group, VNet, optional region.
pub struct PeerRef<'a> {
    pub account: &'a str,
    pub resource_group: Option<&'a str>,
    pub vnet: &'a str,
    pub region: Option<&'a str>,
}

impl Api {
    /// A client for `url` (http or https; https trusts the public web roots) acting in `project`.
    pub fn new(url: &str, token: &str, project: &str) -> anyhow::Result<Api> {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| reqwest::Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()?;
        let http = reqwest::Client::builder()
            .tls_certs_only(roots)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("isthmus/", env!("CARGO_PKG_VERSION")));
        let client = control_plane_client::connect(url, token, http)?;
        Ok(Api { client, project: project.to_string() })
    }

    pub fn project(&self) -> &str {
        &self.project
    }

    /// The project's services.
    pub async fn services(&self) -> anyhow::Result<Vec<Service>> {
        Ok(checked(self.client.service_list(&self.project).await).await?.services)
    }

    pub async fn vpcs(&self) -> anyhow::Result<VpcListOut> {
        checked(self.client.vpc_list(&self.project).await).await
    }

    pub async fn create_vpc(&self, body: &VpcCreateIn) -> anyhow::Result<Vpc> {
        checked(self.client.vpc_create(&self.project, body).await).await
    }

    pub async fn vpc(&self, vpc: &str) -> anyhow::Result<Vpc> {
        checked(self.client.vpc_get(&self.project, &vpc_uuid(vpc)?).await).await
    }

    pub async fn delete_vpc(&self, vpc: &str) -> anyhow::Result<Vpc> {
        checked(self.client.vpc_delete(&self.project, &vpc_uuid(vpc)?).await).await
    }

    pub async fn create_connection(&self, vpc: &str, body: &NewConnection) -> anyhow::Result<Connection> {
        checked(self.client.vpc_peering_connection_create(&self.project, &vpc_uuid(vpc)?, body).await).await
    }

    /// Deletes the connection the path names, through whichever of Aiven's four routes fits.
    pub async fn delete_connection(&self, vpc: &str, peer: &PeerRef<'_>) -> anyhow::Result<Connection> {
        let (c, p, id) = (&self.client, &self.project, &vpc_uuid(vpc)?);
        let (account, vnet) = (peer.account, peer.vnet);
        checked(match (peer.resource_group, peer.region) {
            (None, None) => c.vpc_peering_connection_delete(p, id, account, vnet).await,
            (None, Some(r)) => c.vpc_peering_connection_with_region_delete(p, id, account, vnet, r).await,
            (Some(g), None) => c.vpc_peering_connection_with_resource_group_delete(p, id, account, g, vnet).await,
            (Some(g), Some(r)) => {
                c.vpc_peering_connection_with_resource_group_and_region_delete(p, id, account, g, vnet, r).await
            }
        })
        .await
    }

    pub async fn refresh(&self, vpc: &str) -> anyhow::Result<Vpc> {
        checked(self.client.vpc_peering_connections_refresh(&self.project, &vpc_uuid(vpc)?).await).await
    }

    pub async fn events(&self, vpc: &str, connection: &uuid::Uuid) -> anyhow::Result<Events> {
        checked(self.client.vpc_peering_connection_events(&self.project, &vpc_uuid(vpc)?, connection).await).await
    }

    pub async fn update_user_cidrs(&self, vpc: &str, body: &UserPeerNetworkCidrsIn) -> anyhow::Result<Vpc> {
        checked(self.client.vpc_user_peer_network_cidrs_update(&self.project, &vpc_uuid(vpc)?, body).await).await
    }
}
