//! What the provider grants a customer's app in the provider tenant: a service principal, and the
//! custom peer role on the provider VNet. Both are found before they are made, so retries after a
//! crash do not duplicate them.

use super::vpcs::outcome;
use super::Reconciler;
use crate::domain::{ConnectionState, PeeringConnection};
use crate::store::GrantClaim;
use azure_client::arm::{Permission, PrincipalType, RoleDefinitionSpec};
use azure_client::AzureError;
use std::future::Future;
use std::sync::Arc;

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
        self.one_at_a_time(app_id, provider_vnet, self.grant_once(app_id, provider_vnet)).await
    }

    /// Runs `work` as the only grant or revoke of (app, VNet) in flight in this replica (the
    /// store's claims order them among replicas; one replica's tasks share its name).
    async fn one_at_a_time<T>(&self, app_id: &str, provider_vnet: &str, work: impl Future<Output = T>) -> T {
        let key = (app_id.to_ascii_lowercase(), provider_vnet.to_ascii_lowercase());
        let flight = self.granting.lock().expect("granting").entry(key.clone()).or_default().clone();
        let out = {
            let _only = flight.lock().await;
            work.await
        };
        let mut flights = self.granting.lock().expect("granting");
        // Nobody else holds or waits for it (clones are made under this lock): drop the entry.
        if Arc::strong_count(&flight) == 2 {
            flights.remove(&key);
        }
        out
    }

    /// The store's claim decides who writes the grant to Azure.
    /// The store's `Made` is trusted, not a memory of this replica: another replica may have
    /// revoked the grant since.
    async fn grant_once(&self, app_id: &str, provider_vnet: &str) -> azure_client::Result<()> {
        let lease = self.settings.lease.as_millis() as i64;
        let give_up = std::time::Instant::now() + self.settings.lease;
        let mut polls = 0;
        loop {
            let claim =
                self.store.claim_grant(app_id, provider_vnet, &self.settings.replica, chrono::Utc::now(), lease).await;
            match claim {
                Ok(GrantClaim::Made(_)) => return Ok(()),
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
                    let made = self.make_grant(app_id, provider_vnet).await;
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

    async fn make_grant(&self, app_id: &str, provider_vnet: &str) -> azure_client::Result<()> {
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
        Ok(())
    }

    /// Revokes the peer role of `c`'s customer app on `provider_vnet` unless another live
    /// connection of the app on this VPC still needs it. The grant is claimed first and the need
    /// checked after, so a connection created meanwhile either is seen here or waits for the
    /// revoke to finish and makes the grant again; no replica trusts the grant in between.
    pub(super) async fn revoke_unless_shared(
        &self,
        c: &PeeringConnection,
        provider_vnet: &str,
    ) -> azure_client::Result<()> {
        self.one_at_a_time(&c.peer_azure_app_id, provider_vnet, self.revoke_claimed(c, provider_vnet)).await
    }

    async fn revoke_claimed(&self, c: &PeeringConnection, provider_vnet: &str) -> azure_client::Result<()> {
        let (app, me, now) = (&c.peer_azure_app_id, &self.settings.replica, chrono::Utc::now());
        let lease = self.settings.lease.as_millis() as i64;
        let was_made = match self.store.claim_revoke(app, provider_vnet, me, now, lease).await {
            Ok(Some(made)) => made,
            // Being made for another connection right now: it is needed.
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::warn!(connection = %c.id, error = %e, "claiming the grant to revoke failed; keeping it");
                return Ok(());
            }
        };
        let shared = match self.store.connections_of(c.vpc_id).await {
            Ok(all) => all.iter().any(|o| {
                o.id != c.id
                    && o.state.is_live()
                    && o.state != ConnectionState::Deleting
                    && o.peer_azure_app_id.eq_ignore_ascii_case(app)
            }),
            // Unsure: keeping a grant nobody uses is the safe mistake.
            Err(_) => true,
        };
        if shared {
            if let Err(e) = self.store.keep_grant(app, provider_vnet, me, was_made, chrono::Utc::now()).await {
                tracing::warn!(connection = %c.id, error = %e, "ending the revoke claim failed; it lapses");
            }
            return Ok(());
        }
        self.revoke(app, provider_vnet).await?;
        if let Err(e) = self.store.forget_grant(app, provider_vnet).await {
            tracing::warn!(error = %e, "forgetting the revoked grant failed; its claim lapses");
        }
        Ok(())
    }

    /// Removes the peer-role assignment of the customer's app on `provider_vnet` (the service
    /// principal stays: other VPCs may use it).
    async fn revoke(&self, app_id: &str, provider_vnet: &str) -> azure_client::Result<()> {
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
