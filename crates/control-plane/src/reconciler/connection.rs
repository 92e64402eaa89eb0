//! One connection's step, by state: set up the provider side (APPROVED), watch the peering
//! (PENDING_PEER, ACTIVE), tear down (DELETING). Each returns when to look again; `Err` means a
//! transient failure, retried with backoff without changing state.

use super::decide::{self, Decision, Facts, Restored};
use super::outcome::{classify, Failure};
use super::vpcs::outcome;
use super::{messages, Reconciler};
use crate::domain::{ConnectionState, PeeringConnection, StateInfo, Vpc, VpcState};
use azure_client::{Peering, PeeringState, Tenants};
use chrono::{DateTime, Utc};

type Next = Result<DateTime<Utc>, DateTime<Utc>>;

/// The provider peering of a connection has a name derived from the connection, so retries after
/// a crash find it instead of making a second one.
pub fn peering_name(c: &PeeringConnection) -> String {
    format!("isthmus-{}", c.id)
}

impl Reconciler {
    pub(super) async fn reconcile(&self, c: PeeringConnection) -> Next {
        let vpc = match self.store.vpc_by_id(c.vpc_id).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(connection = %c.id, error = %e, "reading the VPC failed");
                return Err(self.backoff(c.id).await);
            }
        };
        match c.state {
            ConnectionState::Approved => self.set_up(c, vpc).await,
            ConnectionState::PendingPeer | ConnectionState::Active => self.watch(c, vpc).await,
            ConnectionState::Deleting => self.tear_down(c, vpc).await,
            _ => Ok(self.after(std::time::Duration::from_secs(3600))),
        }
    }

    /// Moves the connection, logging (not failing) when another actor moved it first.
    async fn move_to(
        &self,
        c: &PeeringConnection,
        to: ConnectionState,
        info: Option<StateInfo>,
        reason: &str,
    ) -> Result<PeeringConnection, DateTime<Utc>> {
        match self.store.transition(c.id, c.state, to, info.as_ref(), reason, Utc::now()).await {
            Ok(moved) => {
                tracing::info!(connection = %c.id, from = %c.state, to = %to, reason, "connection moved");
                Ok(moved)
            }
            Err(e) => {
                tracing::info!(connection = %c.id, error = %e, "transition skipped");
                Err(self.after(std::time::Duration::from_millis(100)))
            }
        }
    }

    async fn transient(&self, c: &PeeringConnection, what: &str, error: &str) -> DateTime<Utc> {
        tracing::warn!(connection = %c.id, what, error, "transient failure; retrying");
        let info = messages::retrying(what, error, c.state_info.as_ref());
        let _ = self.store.set_state_info(c.id, c.state, Some(&info), Utc::now()).await;
        self.backoff(c.id).await
    }

    /// Moves to the failure's state; the timeline's reason names the cause (Azure's code) and then
    /// the step it stopped.
    async fn fail(&self, c: &PeeringConnection, f: Failure, what: &str, cause: &azure_client::AzureError) -> Next {
        let reason = format!("{} while {what}", cause.service_code().unwrap_or(cause.code()));
        match f {
            Failure::Invalid(info) => {
                self.move_to(c, ConnectionState::InvalidSpecification, Some(info), &reason).await?;
                Ok(self.after(std::time::Duration::from_secs(3600)))
            }
            Failure::Rejected(info) => {
                self.move_to(c, ConnectionState::RejectedByPeer, Some(info), &reason).await?;
                Ok(self.after(std::time::Duration::from_secs(3600)))
            }
            Failure::Transient(e) => Err(self.transient(c, what, &e).await),
        }
    }

    fn settled(&self, c: &PeeringConnection) -> bool {
        (Utc::now() - c.created).to_std().unwrap_or_default() >= self.settings.propagation_grace.get()
    }

    /// APPROVED: the customer app's SP in the provider tenant, its peer role on the provider VNet,
    /// then the provider peering with an auxiliary token for the customer's tenant.
    async fn set_up(&self, c: PeeringConnection, vpc: Vpc) -> Next {
        let Some(vnet) = vpc.provider_vnet_id.clone().filter(|_| vpc.state == VpcState::Active) else {
            // the project VPC is still being built
            return Ok(self.after(std::time::Duration::from_millis(200)));
        };
        if let Err(e) = self.grant(&c.peer_azure_app_id, &vnet).await {
            let f = classify(&e, &c, &self.provider.app_id, self.settled(&c));
            return self.fail(&c, f, "granting the customer's app the peer role on the provider VNet", &e).await;
        }
        self.crash_point("after-grant");
        let peering = match self.put_provider_peering(&c, &vnet).await {
            Ok(p) => p,
            Err(e) => {
                let f = classify(&e, &c, &self.provider.app_id, self.settled(&c));
                return self.fail(&c, f, "creating the provider peering", &e).await;
            }
        };
        self.crash_point("after-provider-peering");
        let info = messages::pending_peer(&c, &self.provider.tenant_id, &vnet);
        let pending = self.move_to(&c, ConnectionState::PendingPeer, Some(info), "provider peering created").await?;
        self.crash_point("after-pending-peer");
        if peering.peering_state == PeeringState::Connected {
            self.move_to(
                &pending,
                ConnectionState::Active,
                Some(messages::active(&self.provider.tenant_id, &vnet)),
                "customer peering already connected",
            )
            .await?;
            return Ok(self.after(self.settings.active_interval));
        }
        Ok(self.after(self.settings.pending_interval))
    }

    /// PENDING_PEER and ACTIVE: read the provider VNet's peerings (batched) and follow the
    /// customer's side.
    async fn watch(&self, c: PeeringConnection, vpc: Vpc) -> Next {
        let Some(vnet) = vpc.provider_vnet_id.clone() else { return Ok(self.after(self.settings.pending_interval)) };
        let peerings = match self.observed_peerings(&vnet).await {
            Ok(p) => p,
            Err(e) => return Err(self.transient(&c, "reading the provider VNet's peerings", &e.to_string()).await),
        };
        let name = peering_name(&c);
        let ours = peerings.into_iter().find(|p| p.name.eq_ignore_ascii_case(&name));
        let interval = |s: ConnectionState| {
            if s == ConnectionState::Active {
                self.settings.active_interval
            } else {
                self.settings.pending_interval
            }
        };
        let facts = Facts {
            connection: &c,
            provider_tenant: &self.provider.tenant_id,
            provider_vnet: &vnet,
            settled: self.settled(&c),
        };
        let mut decision = decide::on_seen(&facts, ours.map(|p| p.peering_state).into());
        if decision == Decision::Restore {
            // Put our side back, which also tells apart a removed peering from a deleted VNet.
            let put = self.put_provider_peering(&c, &vnet).await;
            decision =
                decide::on_restored(&facts, Restored::from_result(put.as_ref().map(|p| p.peering_state.clone())));
        }
        let now = match decision {
            Decision::Move { to, info, reason } => {
                if to == ConnectionState::Active {
                    let waited = (Utc::now() - c.updated).to_std().unwrap_or_default();
                    self.metrics
                        .detection_seconds
                        .observe(waited.as_secs_f64().min(self.settings.pending_interval.as_secs_f64() * 2.0));
                }
                self.move_to(&c, to, Some(info), reason).await?;
                to
            }
            Decision::EndedByPeer { info, reason } => self.deleted_by_peer(&c, &vnet, info, reason).await?,
            Decision::Note(info) => {
                let _ = self.store.set_state_info(c.id, c.state, Some(&info), Utc::now()).await;
                c.state
            }
            Decision::Retry { what, error } => return Err(self.transient(&c, what, &error).await),
            Decision::Stay | Decision::Restore => c.state,
        };
        Ok(self.after(interval(now)))
    }

    /// Creates (or puts back) the provider side of `c`'s peering on `vnet`, with an auxiliary token
    /// for the customer's tenant, as ARM's linked authorization needs.
    async fn put_provider_peering(&self, c: &PeeringConnection, vnet: &str) -> azure_client::Result<Peering> {
        let tenants = Tenants::new(self.provider.tenant_id.clone()).with_auxiliary([c.peer_azure_tenant_id.clone()])?;
        let put = self.arm.put_peering(&tenants, vnet, &peering_name(c), &c.peer_vnet_id()).await;
        self.metrics.azure_call("put_peering", outcome(&put));
        self.invalidate(vnet).await;
        put
    }

    /// The customer ended the peering: remove the provider side, then DELETED_BY_PEER.
    async fn deleted_by_peer(
        &self,
        c: &PeeringConnection,
        vnet: &str,
        info: crate::domain::StateInfo,
        reason: &str,
    ) -> Result<ConnectionState, DateTime<Utc>> {
        if let Err(e) = self.remove_provider_side(c, vnet).await {
            return Err(self.transient(c, "removing the provider side", &e.to_string()).await);
        }
        self.move_to(c, ConnectionState::DeletedByPeer, Some(info), reason).await?;
        Ok(ConnectionState::DeletedByPeer)
    }

    /// Deletes the provider peering, and the peer-role grant unless another live connection of the
    /// VPC uses the same app.
    async fn remove_provider_side(&self, c: &PeeringConnection, vnet: &str) -> azure_client::Result<()> {
        let del = self.arm.delete_peering(&self.provider.tenant_id, vnet, &peering_name(c)).await;
        self.metrics.azure_call("delete_peering", outcome(&del));
        del?;
        self.invalidate(vnet).await;
        let others = self.store.connections_of(c.vpc_id).await.unwrap_or_default();
        let shared = others.iter().any(|o| {
            o.id != c.id
                && o.state.is_live()
                && o.state != ConnectionState::Deleting
                && o.peer_azure_app_id.eq_ignore_ascii_case(&c.peer_azure_app_id)
        });
        if !shared {
            self.revoke(&c.peer_azure_app_id, vnet).await?;
        }
        Ok(())
    }

    /// DELETING: remove what the reconciler made, then DELETED.
    async fn tear_down(&self, c: PeeringConnection, vpc: Vpc) -> Next {
        if let Some(vnet) = vpc.provider_vnet_id.clone() {
            if let Err(e) = self.remove_provider_side(&c, &vnet).await {
                if !super::grants::already_gone(&e) {
                    return Err(self.transient(&c, "removing the provider peering", &e.to_string()).await);
                }
            }
        }
        self.crash_point("after-provider-side-removed");
        self.move_to(&c, ConnectionState::Deleted, None, "provider peering and grants removed").await?;
        Ok(self.after(std::time::Duration::from_secs(3600)))
    }
}
