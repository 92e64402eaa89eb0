//! What the provider grants a customer's app in the provider tenant: a service principal, and the
//! custom peer role on the provider VNet. Both are found before they are made, so retries after a
//! crash do not duplicate them.

use super::vpcs::outcome;
use super::Reconciler;
use crate::store::GrantClaim;
use azure_client::arm::{Permission, PrincipalType, RoleDefinitionSpec};
use azure_client::AzureError;

const PEER_ACTION: &str = "Microsoft.Network/virtualNetworks/peer/action";

impl Reconciler {
    fn peer_role_name(&self) -> String {
        format!("isthmus customer peering {}", self.provider.subscription_id)
    }

    /// The custom role that lets a customer's app peer with provider VNets, made once per
    /// provider subscription.
    pub(super) async fn peer_role(&self) -> azure_client::Result<String> {
        let mut cached = self.peer_role.lock().await;
        if let Some(id) = cached.as_ref() {
            return Ok(id.clone());
        }
        let scope = format!("/subscriptions/{}", self.provider.subscription_id);
        let tenant = &self.provider.tenant_id;
        let name = self.peer_role_name();
        let found = self.arm.list_role_definitions(tenant, &scope, Some(&name)).await;
        self.metrics.azure_call("list_role_definitions", outcome(&found));
        let id = match found?.into_iter().find(|r| r.role_name == name) {
            Some(r) => r.id,
            None => {
                let spec = RoleDefinitionSpec {
                    role_name: name.clone(),
                    description: "Lets a customer's application peer its VNet with isthmus project VPCs".into(),
                    assignable_scopes: vec![scope.clone()],
                    permissions: vec![Permission { actions: vec![PEER_ACTION.into()], not_actions: vec![] }],
                };
                let made = self.arm.put_role_definition(tenant, &scope, uuid::Uuid::new_v4(), &spec).await;
                self.metrics.azure_call("put_role_definition", outcome(&made));
                match made {
                    Ok(r) => r.id,
                    // another replica made it first
                    Err(e) if e.is_arm_code("RoleDefinitionWithSameNameExists") => self
                        .arm
                        .list_role_definitions(tenant, &scope, Some(&name))
                        .await?
                        .into_iter()
                        .find(|r| r.role_name == name)
                        .map(|r| r.id)
                        .ok_or(e)?,
                    Err(e) => return Err(e),
                }
            }
        };
        *cached = Some(id.clone());
        Ok(id)
    }

    /// Makes sure the customer's app has a service principal in the provider tenant with the peer
    /// role on `provider_vnet`. Made once among all replicas: the grant is claimed in the store
    /// first, and a replica that finds another making it waits for that one.
    pub(super) async fn grant(&self, app_id: &str, provider_vnet: &str) -> azure_client::Result<()> {
        let key = (app_id.to_ascii_lowercase(), provider_vnet.to_ascii_lowercase());
        let recent =
            || self.granted.lock().expect("granted").get(&key).is_some_and(|at| at.elapsed() < super::GRANT_MEMORY);
        if recent() {
            return Ok(());
        }
        let flight = self.granting.lock().expect("granting").entry(key.clone()).or_default().clone();
        let _one_at_a_time = flight.lock().await;
        let made = if recent() { Ok(()) } else { self.grant_once(app_id, provider_vnet, &key).await };
        self.granting.lock().expect("granting").remove(&key);
        made
    }

    /// The store's claim decides who writes the grant to Azure.
    async fn grant_once(&self, app_id: &str, provider_vnet: &str, key: &(String, String)) -> azure_client::Result<()> {
        let lease = self.settings.lease.as_millis() as i64;
        let give_up = std::time::Instant::now() + self.settings.lease;
        let mut polls = 0;
        loop {
            let claim =
                self.store.claim_grant(app_id, provider_vnet, &self.settings.replica, chrono::Utc::now(), lease).await;
            match claim {
                Ok(GrantClaim::Made(_)) => {
                    self.granted.lock().expect("granted").insert(key.clone(), std::time::Instant::now());
                    return Ok(());
                }
                Ok(GrantClaim::InFlight) if std::time::Instant::now() < give_up => {
                    polls += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                // Another replica's grant is taking longer than a lease: retried with backoff.
                Ok(GrantClaim::InFlight) => {
                    return Err(AzureError::OperationTimedOut { url: provider_vnet.to_string(), polls });
                }
                // The store is down: making the grant without a claim is still correct (it is
                // idempotent), only maybe made twice.
                Ok(GrantClaim::Claimed) | Err(_) => {
                    let made = self.make_grant(app_id, provider_vnet, key).await;
                    let now = chrono::Utc::now();
                    let recorded = match &made {
                        Ok(()) => self.store.grant_made(app_id, provider_vnet, now).await,
                        Err(_) => self.store.forget_grant(app_id, provider_vnet).await,
                    };
                    if let Err(e) = recorded {
                        tracing::warn!(error = %e, "recording the grant failed");
                    }
                    return made;
                }
            }
        }
    }

    async fn make_grant(&self, app_id: &str, provider_vnet: &str, key: &(String, String)) -> azure_client::Result<()> {
        let tenant = &self.provider.tenant_id;
        let sp = self.graph.create_service_principal(tenant, app_id).await;
        self.metrics.azure_call("create_service_principal", outcome(&sp));
        let sp = sp?;
        self.crash_point("after-service-principal");
        let role = self.peer_role().await?;
        let assignment = self
            .arm
            .create_role_assignment(tenant, provider_vnet, &role, &sp.id, Some(PrincipalType::ServicePrincipal))
            .await;
        self.metrics.azure_call("create_role_assignment", outcome(&assignment));
        assignment?;
        self.granted.lock().expect("granted").insert(key.clone(), std::time::Instant::now());
        Ok(())
    }

    /// Removes the peer-role assignment of the customer's app on `provider_vnet` (the service
    /// principal stays: other VPCs may use it).
    pub(super) async fn revoke(&self, app_id: &str, provider_vnet: &str) -> azure_client::Result<()> {
        self.granted
            .lock()
            .expect("granted")
            .remove(&(app_id.to_ascii_lowercase(), provider_vnet.to_ascii_lowercase()));
        if let Err(e) = self.store.forget_grant(app_id, provider_vnet).await {
            tracing::warn!(error = %e, "forgetting the grant failed");
        }
        let tenant = &self.provider.tenant_id;
        let sp = self.graph.find_service_principal(tenant, app_id).await;
        self.metrics.azure_call("find_service_principal", outcome(&sp));
        let Some(sp) = sp? else { return Ok(()) };
        let role = self.peer_role().await?;
        let guid = |id: &str| id.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
        let assignments = self.arm.list_role_assignments(tenant, provider_vnet, Some(&sp.id)).await;
        self.metrics.azure_call("list_role_assignments", outcome(&assignments));
        for a in assignments? {
            let here = a.scope.trim_end_matches('/').eq_ignore_ascii_case(provider_vnet.trim_end_matches('/'));
            if here && guid(&a.role_definition_id) == guid(&role) {
                let del = self.arm.delete_role_assignment(tenant, &a.id).await;
                self.metrics.azure_call("delete_role_assignment", outcome(&del));
                del?;
            }
        }
        Ok(())
    }
}

/// Whether an error says the thing to remove is already gone.
pub(super) fn already_gone(e: &AzureError) -> bool {
    e.is_not_found()
}
