//! One connection's step, by state: set up the provider side (APPROVED), watch the peering
//! (PENDING_PEER, ACTIVE), tear down (DELETING). Each returns when to look again; `Err` means a
//! transient failure, retried with backoff without changing state.

use super::decide::{self, Decision, Facts, Restored, Seen, SetUp, TornDown};
use super::outcome::classify;
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

    fn settled(&self, c: &PeeringConnection) -> bool {
        (Utc::now() - c.created).to_std().unwrap_or_default() >= self.settings.propagation_grace.get()
    }

    /// APPROVED: the customer app's SP in the provider tenant, its peer role on the provider VNet,
    /// then the provider peering with an auxiliary token for the customer's tenant.
    async fn set_up(&self, c: PeeringConnection, vpc: Vpc) -> Next {
        let vnet = vpc.provider_vnet_id.clone().filter(|_| vpc.state == VpcState::Active);
        let (set_up, vnet) = match vnet {
            // the project VPC is still being built
            None => (SetUp::VpcNotReady, String::new()),
            Some(vnet) => (self.set_up_provider_side(&c, &vnet).await, vnet),
        };
        let facts = self.facts(&c, &vnet);
        let connected = set_up == SetUp::Peered(PeeringState::Connected);
        let decision = decide::on_set_up(&facts, set_up);
        if decision == Decision::Stay {
            return Ok(self.after(std::time::Duration::from_millis(200)));
        }
        let pending = match self.apply(&c, &vnet, decision).await? {
            Applied::Moved(p) if p.state == ConnectionState::PendingPeer => *p,
            _ => return Ok(self.after(std::time::Duration::from_secs(3600))),
        };
        self.crash_point("after-pending-peer");
        if connected {
            // The customer's side was there first: what is seen decides, as for a watched connection.
            let decision = decide::on_seen(&self.facts(&pending, &vnet), Seen::Connected);
            self.apply(&pending, &vnet, decision).await?;
            return Ok(watched());
        }
        // From here the VPC's sweeps watch it; the next one comes within the pending interval.
        if let Err(e) = self.store.sweep_due_by(c.vpc_id, self.after(self.settings.pending_interval)).await {
            tracing::warn!(vpc = %c.vpc_id, error = %e, "scheduling the VPC's sweep failed");
        }
        self.sweep_wake.notify_one();
        Ok(watched())
    }

    /// The grant, then the provider peering; a failure is classified for `decide::on_set_up`.
    async fn set_up_provider_side(&self, c: &PeeringConnection, vnet: &str) -> SetUp {
        let failed = |e: &azure_client::AzureError, during| SetUp::Failed {
            failure: classify(e, c, &self.provider.app_id, self.settled(c)),
            code: e.service_code().unwrap_or(e.code()).to_string(),
            during,
        };
        if let Err(e) = self.grant(&c.peer_azure_app_id, vnet).await {
            return failed(&e, "granting the customer's app the peer role on the provider VNet");
        }
        self.crash_point("after-grant");
        match self.put_provider_peering(c, vnet).await {
            Ok(p) => {
                self.crash_point("after-provider-peering");
                SetUp::Peered(p.peering_state)
            }
            Err(e) => failed(&e, "creating the provider peering"),
        }
    }

    pub(super) fn facts<'a>(&'a self, c: &'a PeeringConnection, vnet: &'a str) -> Facts<'a> {
        Facts {
            connection: c,
            provider_tenant: &self.provider.tenant_id,
            provider_vnet: vnet,
            settled: self.settled(c),
        }
    }

    /// Carries out a decision: the move (with its metric), the end by the peer, the note, or the
    /// retry (`Err`, with its backoff).
    pub(super) async fn apply(
        &self,
        c: &PeeringConnection,
        vnet: &str,
        decision: Decision,
    ) -> Result<Applied, DateTime<Utc>> {
        match decision {
            Decision::Move { to, info, reason } => {
                if to == ConnectionState::Active && c.state == ConnectionState::PendingPeer {
                    let waited = (Utc::now() - c.updated).to_std().unwrap_or_default();
                    self.metrics
                        .detection_seconds
                        .observe(waited.as_secs_f64().min(self.settings.pending_interval.as_secs_f64() * 2.0));
                }
                Ok(Applied::Moved(Box::new(self.move_to(c, to, info, &reason).await?)))
            }
            Decision::EndedByPeer { info, reason } => {
                self.deleted_by_peer(c, vnet, info, reason).await?;
                Ok(Applied::Stayed)
            }
            Decision::Note(info) => {
                let _ = self.store.set_state_info(c.id, c.state, Some(&info), Utc::now()).await;
                Ok(Applied::Stayed)
            }
            Decision::Retry { what, error } => Err(self.transient(c, what, &error).await),
            Decision::Stay | Decision::Restore => Ok(Applied::Stayed),
        }
    }

    /// PENDING_PEER and ACTIVE, handed over by a sweep (or left due by an older version): decide
    /// on the VNet's latest read and make the Azure writes that needs; then back to the sweeps.
    async fn watch(&self, c: PeeringConnection, vpc: Vpc) -> Next {
        let Some(vnet) = vpc.provider_vnet_id.clone() else { return Ok(watched()) };
        let peerings = match self.observed_peerings(&vnet, vpc.refresh_requested).await {
            Ok(p) => p,
            Err(e) => return Err(self.transient(&c, "reading the provider VNet's peerings", &e.to_string()).await),
        };
        let name = peering_name(&c);
        let ours = peerings.into_iter().find(|p| p.name.eq_ignore_ascii_case(&name));
        let facts = self.facts(&c, &vnet);
        let mut decision = decide::on_seen(&facts, ours.map(|p| p.peering_state).into());
        if decision == Decision::Restore {
            // Put our side back, which also tells apart a removed peering from a deleted VNet.
            let put = self.put_provider_peering(&c, &vnet).await;
            decision =
                decide::on_restored(&facts, Restored::from_result(put.as_ref().map(|p| p.peering_state.clone())));
        }
        self.apply(&c, &vnet, decision).await?;
        Ok(watched())
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
        self.revoke_unless_shared(c, vnet).await
    }

    /// DELETING: remove what the reconciler made, then DELETED.
    async fn tear_down(&self, c: PeeringConnection, vpc: Vpc) -> Next {
        let removed = match vpc.provider_vnet_id.as_deref() {
            None => Ok(()),
            Some(vnet) => self.remove_provider_side(&c, vnet).await,
        };
        let torn = match removed {
            Err(e) if !super::grants::already_gone(&e) => TornDown::Failed(e.to_string()),
            _ => {
                self.crash_point("after-provider-side-removed");
                TornDown::Gone
            }
        };
        self.apply(&c, vpc.provider_vnet_id.as_deref().unwrap_or(""), decide::on_torn_down(torn)).await?;
        Ok(self.after(std::time::Duration::from_secs(3600)))
    }
}

/// The next look at a watched connection: none of its own, its VPC's sweeps watch it.
fn watched() -> DateTime<Utc> {
    crate::store::at(crate::store::WATCHED)
}

/// What carrying out a decision did.
pub(super) enum Applied {
    Moved(Box<PeeringConnection>),
    Stayed,
}
