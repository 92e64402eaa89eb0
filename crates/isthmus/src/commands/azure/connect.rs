//! `isthmus azure connect`: the customer's side of the peering guide, steps 1–15, each idempotent
//! and reported on one line. `--dry-run` only reads and says what it would do.

use super::progress::{Outcome, Progress};
use super::roles::AppRole;
use super::secret_file::SecretFile;
use super::sign_in;
use super::state_file::StateFile;
use super::vnet_ref::VnetRef;
use super::{connection_steps, directory_steps, grant_steps, peering_steps};
use crate::control_plane_api::{Api, Connection, ConnectionState};
use anyhow::Context;
use azure_client::{ArmClient, Endpoints, GraphClient, VirtualNetwork};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The project VPC to peer with (`isthmus vpc list`).
    #[arg(long)]
    project_vpc_id: String,
    /// Your VNet's resource id: /subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/NAME.
    #[arg(long)]
    vnet_id: String,
    /// The role your app gets on the VNet: the guide's Network Contributor, or a custom role with
    /// only what a peering needs.
    #[arg(long, value_enum, default_value_t = AppRole::NetworkContributor)]
    role: AppRole,
    /// Show what exists and what would be created; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Check every step in Azure again even when the connection is already ACTIVE (otherwise a
    /// finished run is recognised from the control plane and nobody is asked to sign in).
    #[arg(long)]
    verify: bool,
    /// The control plane's API.
    #[arg(long, env = "AIVEN_WEB_URL", default_value = crate::commands::DEFAULT_API_URL)]
    url: String,
    /// Your API token.
    #[arg(long, env = "AIVEN_AUTH_TOKEN", hide_env_values = true)]
    auth_token: String,
    /// The project that owns the project VPC.
    #[arg(long, env = "AIVEN_PROJECT")]
    project: String,
    /// Azure's login, ARM and Graph origin when it is not real Azure (the emulator's URL).
    #[arg(long, env = "ISTHMUS_AZURE_URL")]
    azure_url: Option<url::Url>,
    /// A CA certificate (PEM) to trust for Azure (the emulator's ca.pem); default: $REQUESTS_CA_BUNDLE.
    #[arg(long, env = "ISTHMUS_AZURE_CA")]
    azure_ca: Option<PathBuf>,
    /// The provider's application (client) id, the guide's <ID_OF_THE_TIMESCALE_APPLICATION_OBJECT>.
    #[arg(long, env = "ISTHMUS_PROVIDER_APP_ID")]
    provider_app_id: String,
    /// Where your app's new client secret is kept (mode 0600). Default: a file per VNet under
    /// $XDG_STATE_HOME/isthmus or ~/.local/state/isthmus.
    #[arg(long)]
    secret_file: Option<PathBuf>,
    /// Print your app's client secret.
    #[arg(long)]
    show_secret: bool,
    /// Where progress is kept, so an interrupted run continues. Default: next to the secret file.
    #[arg(long)]
    state_file: Option<PathBuf>,
    /// How long to wait out Azure's replication of new principals and role assignments.
    #[arg(long, default_value_t = 120)]
    propagation_timeout_secs: u64,
    /// How long to wait for the control plane to reach PENDING_PEER, and then ACTIVE.
    #[arg(long, default_value_t = 1800)]
    wait_timeout_secs: u64,
    /// How often to read the connection while waiting.
    #[arg(long, default_value_t = 1000, hide = true)]
    poll_interval_ms: u64,
}

/// Everything the steps share.
pub struct Ctx {
    pub endpoints: Endpoints,
    /// ARM and Graph as the signed-in administrator.
    pub arm: ArmClient,
    pub graph: GraphClient,
    pub tenant: String,
    pub user: String,
    pub vnet: VnetRef,
    pub api: Api,
    pub vpc_id: String,
    pub provider_app_id: String,
    pub role: AppRole,
    pub dry_run: bool,
    pub secrets: SecretFile,
    pub show_secret: bool,
    pub propagation: Duration,
    pub wait: Duration,
    pub poll: Duration,
}

impl Args {
    fn endpoints(&self) -> anyhow::Result<Endpoints> {
        let ca_path = self.azure_ca.clone().or_else(|| std::env::var_os("REQUESTS_CA_BUNDLE").map(PathBuf::from));
        let ca = match &ca_path {
            Some(p) => Some(std::fs::read(p).with_context(|| format!("reading the Azure CA {}", p.display()))?),
            None => None,
        };
        Ok(match (&self.azure_url, ca) {
            (Some(u), Some(ca)) => Endpoints::emulator(u.clone(), ca),
            (Some(u), None) => {
                let mut e = Endpoints::emulator(u.clone(), Vec::new());
                e.extra_ca_pem = None;
                e.trust_public_roots = true;
                e
            }
            (None, ca) => {
                let mut e = Endpoints::public_cloud();
                e.extra_ca_pem = ca;
                e
            }
        })
    }
}

/// The first of the VNet's prefixes that overlaps the project VPC's network, as "a and b".
fn overlap(prefixes: &[String], vpc_cidr: Option<&str>) -> Option<String> {
    let vpc: ipnet::IpNet = vpc_cidr?.parse().ok()?;
    prefixes.iter().find_map(|p| {
        let net: ipnet::IpNet = p.parse().ok()?;
        (net.contains(&vpc.network()) || vpc.contains(&net.network())).then(|| format!("{net} and {vpc}"))
    })
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let vnet = VnetRef::parse(&args.vnet_id)?;
    let endpoints = args.endpoints()?;
    let api = Api::new(&args.url, &args.auth_token, &args.project)?;
    let secret_path = match &args.secret_file {
        Some(p) => p.clone(),
        None => SecretFile::default_path(&vnet.name, &vnet.id)?,
    };
    let state_path = match &args.state_file {
        Some(p) => p.clone(),
        None => StateFile::default_path(&secret_path, &args.project_vpc_id, &vnet.id),
    };
    let mut state = StateFile::load(state_path, &args.project_vpc_id, &vnet.id, args.dry_run)?;
    // Fail on a wrong project, VPC or token before anyone is asked to sign in.
    let project_vpc = api.vpc(&args.project_vpc_id).await?;
    if args.dry_run {
        println!("dry run: reading only, nothing will be changed");
    } else if !args.verify && state.state.completed.contains(&15) {
        let done = project_vpc.peering_connections.iter().find(|c| {
            c.state == ConnectionState::Active
                && c.peer_cloud_account.eq_ignore_ascii_case(&vnet.subscription)
                && c.peer_resource_group.eq_ignore_ascii_case(&vnet.resource_group)
                && c.peer_vpc.eq_ignore_ascii_case(&vnet.name)
                && state.state.connection_id.as_ref().is_none_or(|id| id == &c.peering_connection_id.to_string())
        });
        if let Some(c) = done {
            println!(
                "nothing to do: connection {} is already ACTIVE (--verify checks every step in Azure again)",
                c.peering_connection_id
            );
            return Ok(());
        }
    }

    let mut progress = Progress::default();
    let started = Instant::now();
    let who = sign_in::device_code(&endpoints).await?;
    if !args.dry_run {
        super::sign_in_cache::save(&endpoints, &who.credential)?;
    }
    let arm = ArmClient::new(&endpoints, who.credential.clone())?;
    let graph = GraphClient::new(&endpoints, who.credential.clone())?;
    let outcome = Outcome::Done(format!("{} in tenant {}", who.user, who.tenant));
    progress.line(1, "sign in as the customer's administrator", outcome, started);
    // Checked at once, so a wrong --vnet-id creates nothing.
    let vnet_info = sign_in::read_vnet(&arm, &who.who(), &vnet).await?;
    if args.dry_run {
        // A real run learns this from the control plane at step 12; a dry run says it up front.
        if let Some(clash) = overlap(&vnet_info.address_prefixes, Some(project_vpc.network_cidr.as_str())) {
            anyhow::bail!(
                "dry run: the connection would end INVALID_SPECIFICATION: VNet {}'s address space overlaps the \
                 project VPC's network ({clash}); renumber the VNet (az network vnet update --address-prefixes) or \
                 use a project VPC whose network_cidr does not overlap it",
                vnet.name
            );
        }
    }
    state.state.tenant_id = Some(who.tenant.clone());
    state.complete(1)?;

    let ctx = Ctx {
        endpoints,
        arm,
        graph,
        tenant: who.tenant.clone(),
        user: who.user.clone(),
        vnet,
        api,
        vpc_id: args.project_vpc_id.clone(),
        provider_app_id: args.provider_app_id.clone(),
        role: args.role,
        dry_run: args.dry_run,
        secrets: SecretFile::new(secret_path),
        show_secret: args.show_secret,
        propagation: Duration::from_secs(args.propagation_timeout_secs),
        wait: Duration::from_secs(args.wait_timeout_secs),
        poll: Duration::from_millis(args.poll_interval_ms.max(50)),
    };
    let p = &mut progress;
    let st = &mut state;
    let (connection, done) = steps_2_to_15(&ctx, p, st, &vnet_info).await?;

    if ctx.dry_run {
        match p.would() {
            0 => println!("dry run: nothing to do, connection {} is {done}", connection_id(&connection)),
            n => println!("dry run: {n} steps would change something; nothing was changed"),
        }
    } else if p.changed() == 0 && !p.waited() {
        println!("nothing to do: connection {} is already {done}", connection_id(&connection));
    } else {
        println!("done: connection {} is {done}", connection_id(&connection));
    }
    if !ctx.dry_run {
        // Entra ID may have handed out a newer refresh token on the way: keep that one.
        super::sign_in_cache::save(&ctx.endpoints, &who.credential)?;
        if done == ConnectionState::Active.as_str() {
            print_services(&ctx).await;
        }
    }
    Ok(())
}

/// How the peered VNet reaches each service of the project VPC. The URI (it holds the password)
/// is left to `avn service get`, so nothing secret lands in a terminal's scrollback.
pub async fn print_services(ctx: &Ctx) {
    let services = match ctx.api.services().await {
        Ok(s) => s,
        Err(e) => return println!("(could not list the project's services: {e:#})"),
    };
    let vpc = ctx.vpc_id.as_str();
    let mine: Vec<_> = services
        .iter()
        .filter(|s| s.project_vpc_id.is_some_and(|id| id.to_string().eq_ignore_ascii_case(vpc)))
        .collect();
    if mine.is_empty() {
        return println!("the project VPC has no services yet; once it has, hosts of {} reach them", ctx.vnet.name);
    }
    for s in mine {
        let at = match (s.service_uri_params.get("host"), s.service_uri_params.get("port")) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            _ => "its private address once it runs".into(),
        };
        println!(
            "service {} ({}, {}) answers hosts of {} at {at}: psql \"$(avn service get {} --project {} --format '{{service_uri}}')\"",
            s.service_name,
            s.service_type,
            s.state,
            ctx.vnet.name,
            s.service_name,
            ctx.api.project()
        );
    }
}

/// Steps 2–15 for a signed-in administrator (step 1 is the caller's: a device code here, a
/// password in `isthmus demo`). Returns the connection and the state it ended in.
pub async fn steps_2_to_15(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    vnet_info: &VirtualNetwork,
) -> anyhow::Result<(Option<Connection>, String)> {
    let app = directory_steps::app(ctx, p, st).await?;
    let app_sp = directory_steps::app_sp(ctx, p, st, app.as_ref()).await?;
    let secret = directory_steps::secret(ctx, p, st, app.as_ref()).await?;
    let prefixes = vnet_info.address_prefixes.join(", ");
    let detail = format!(
        "subscription {}, resource group {}, address space {prefixes}",
        ctx.vnet.subscription, ctx.vnet.resource_group
    );
    p.step(5, &format!("find the ids of VNet {}", ctx.vnet.name), async { Ok((Outcome::Done(detail), ())) }).await?;
    st.complete(5)?;
    grant_steps::app_role(ctx, p, st, app_sp.as_ref()).await?;
    let provider_sp = directory_steps::provider_sp(ctx, p, st).await?;
    let peer_role = grant_steps::peer_role(ctx, p, st).await?;
    grant_steps::peer_assignment(ctx, p, st, provider_sp.as_ref(), peer_role.as_ref()).await?;
    let tenant = ctx.tenant.clone();
    p.step(10, "find your tenant id", async { Ok((Outcome::Done(tenant), ())) }).await?;
    st.complete(10)?;
    let connection = connection_steps::create(ctx, p, st, app.as_ref()).await?;
    let pending = connection_steps::wait_pending_peer(ctx, p, st, connection.as_ref()).await?;
    let app_arm = peering_steps::log_in_app(ctx, p, st, app.as_ref(), secret, &pending).await?;
    peering_steps::create_peering(ctx, p, st, app_arm.as_ref(), &pending).await?;
    if !ctx.dry_run {
        // The nudge: the control plane re-reads the provider VNet now instead of at its next
        // check, so ACTIVE follows the customer's side at once. A failure only costs that wait.
        if let Err(e) = ctx.api.refresh(&ctx.vpc_id).await {
            tracing::debug!(error = %e, "asking the control plane to re-check the connection failed");
        }
    }
    let done = connection_steps::wait_active(ctx, p, st, connection.as_ref(), &pending).await?;

    Ok((connection, done))
}

fn connection_id(c: &Option<Connection>) -> String {
    c.as_ref().map_or_else(|| "(new)".into(), |c| c.peering_connection_id.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn overlaps_either_way_are_found() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            super::overlap(&p(&["10.1.0.0/16"]), Some("10.1.0.0/24")).as_deref(),
            Some("10.1.0.0/16 and 10.1.0.0/24")
        );
        assert!(super::overlap(&p(&["10.9.0.0/24"]), Some("10.0.0.0/8")).is_some());
        assert_eq!(super::overlap(&p(&["10.1.0.0/16"]), Some("10.20.0.0/24")), None);
        assert_eq!(super::overlap(&p(&["10.1.0.0/16"]), None), None);
    }
}
