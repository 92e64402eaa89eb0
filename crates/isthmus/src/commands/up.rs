//! `isthmus up`: the whole stack with a demo world, until Ctrl-C or SIGTERM.

use super::data_plane_arg::DataPlaneArg;
use crate::stack::{Stack, StackConfig};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Where state lives (kept across restarts): the emulator's, the control plane's database,
    /// `env.sh` and `world.json`.
    #[arg(long, default_value = ".isthmus")]
    data_dir: PathBuf,
    /// Where the Azure emulator serves HTTPS.
    #[arg(long, default_value = "127.0.0.1:8443")]
    azure_listen: SocketAddr,
    /// Where the control plane's API serves HTTP.
    #[arg(long, default_value = "127.0.0.1:8080")]
    api_listen: SocketAddr,
    /// Realize the emulator's VNets, NICs and peerings as network namespaces (see `isthmus
    /// emulator --help`); `customer-vm` is a host in `customer-vnet`
    #[arg(long, env = "ISTHMUS_DATA_PLANE", value_enum, default_value = "auto", num_args = 0..=1,
          default_missing_value = "on")]
    data_plane: DataPlaneArg,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let data_dir = args.data_dir.clone();
    let stack = Stack::start(StackConfig {
        data_dir: args.data_dir,
        azure_listen: args.azure_listen,
        api_listen: args.api_listen,
        data_plane: args.data_plane.into(),
    })
    .await?;
    // `ready` is the last line printed (whoever waits for it may stop reading), and a closed
    // stdout must not take the stack down.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "source {} to point az, avn and isthmus at it", stack.env_file.display());
    if stack.data_plane_running() {
        let _ = writeln!(
            out,
            "host {} is in {}: isthmus exec --nic {} --data-dir {} -- COMMAND",
            stack.world.customer.vm_nic,
            stack.world.customer.vnet_name,
            stack.world.customer.vm_nic,
            data_dir.display()
        );
    }
    if let Some(service) = &stack.world.service {
        let _ = writeln!(
            out,
            "service {} runs in the project VPC; once peered: isthmus exec --nic {} --data-dir {} -- psql \"$(avn service get {} --format '{{service_uri}}')\" -c 'select 1'",
            service.name,
            stack.world.customer.vm_nic,
            data_dir.display(),
            service.name
        );
    }
    let _ = writeln!(
        out,
        "console {}/console: sign in with AIVEN_AUTH_TOKEN from {}; the emulator's state: {}/_emulator/console with the key in {}",
        stack.api_url,
        stack.env_file.display(),
        stack.azure_url,
        data_dir.join("azure/admin-key").display()
    );
    let _ = writeln!(
        out,
        "ready azure={} api={} env={} world={}",
        stack.azure_url,
        stack.api_url,
        stack.env_file.display(),
        stack.world_file.display()
    );
    super::signals::terminated().await;
    stack.shutdown().await;
    Ok(())
}
