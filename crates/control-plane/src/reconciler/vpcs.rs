//! Project VPCs: creating the provider VNet of an APPROVED VPC, removing it for a DELETING one.

use super::Reconciler;
use crate::domain::{Vpc, VpcState};
use azure_client::Tenants;
use serde_json::{json, Value};

const NETWORK_API_VERSION: &str = "2023-11-01";

impl Reconciler {
    pub(super) fn provider_vnet_id(&self, vpc: &Vpc) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/isthmus-{}",
            self.provider.subscription_id, self.provider.resource_group, vpc.id
        )
    }

    pub(super) async fn provision_vpcs(&self) {
        let vpcs = match self.store.vpcs_needing_work().await {
            Ok(v) => v,
            Err(e) => return tracing::warn!(error = %e, "listing VPCs failed"),
        };
        for vpc in vpcs {
            let id = self.provider_vnet_id(&vpc);
            let tenants = Tenants::new(self.provider.tenant_id.clone());
            let result = match vpc.state {
                VpcState::Approved => {
                    let body = json!({"location": vpc.region(), "properties": {"addressSpace": {"addressPrefixes": [vpc.network_cidr.to_string()]}}});
                    let put = self.arm.put::<_, Value>(&tenants, &id, NETWORK_API_VERSION, &body).await;
                    self.metrics.azure_call("put_virtual_network", outcome(&put));
                    match put {
                        Ok(_) => self
                            .store
                            .set_vpc_state(vpc.id, VpcState::Approved, VpcState::Active, Some(&id), chrono::Utc::now())
                            .await
                            .map(|_| ()),
                        Err(e) => Err(crate::ControlPlaneError::Store(format!("provider VNet {id}: {e}"))),
                    }
                }
                VpcState::Deleting => {
                    let del = self.arm.delete(&tenants, &id, NETWORK_API_VERSION).await;
                    self.metrics.azure_call("delete_virtual_network", outcome(&del));
                    match del {
                        Ok(_) => self
                            .store
                            .set_vpc_state(vpc.id, VpcState::Deleting, VpcState::Deleted, None, chrono::Utc::now())
                            .await
                            .map(|_| ()),
                        Err(e) => Err(crate::ControlPlaneError::Store(format!("provider VNet {id}: {e}"))),
                    }
                }
                _ => Ok(()),
            };
            if let Err(e) = result {
                tracing::warn!(vpc = %vpc.id, error = %e, "VPC step failed; will retry");
            }
        }
    }
}

/// The label an Azure call's result is counted under.
pub(super) fn outcome<T>(r: &azure_client::Result<T>) -> &str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.service_code().unwrap_or(e.code()),
    }
}
