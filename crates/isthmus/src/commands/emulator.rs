//! `isthmus emulator`: the Azure emulator on its own.

use super::data_plane_arg::DataPlaneArg;
use anyhow::Context;
use azure_emulator::model::world::World;
use azure_emulator::EmulatorConfig;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Keep state, keys and certificates here; without it state lives in memory only.
    #[arg(long, env = "ISTHMUS_EMULATOR_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Address to serve HTTPS on (loopback unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// A world file (JSON) loaded into a fresh state at start.
    #[arg(long)]
    world: Option<PathBuf>,
    /// Another origin clients reach the emulator by (`https://host:port`), repeatable; tokens are
    /// minted and accepted only for the loopback origins and these.
    #[arg(long = "public-url")]
    public_urls: Vec<String>,
    /// Realize VNets, NICs and peerings as network namespaces on this machine, so packets cross
    /// peerings only as Azure lets them (root, or an unprivileged user namespace); `--data-plane`
    /// alone means `on`
    #[arg(long, env = "ISTHMUS_DATA_PLANE", value_enum, default_value = "auto", num_args = 0..=1,
          default_missing_value = "on")]
    data_plane: DataPlaneArg,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let world = match &args.world {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading world file {}", path.display()))?;
            Some(
                serde_json::from_str::<World>(&text)
                    .with_context(|| format!("world file {} is not valid", path.display()))?,
            )
        }
        None => None,
    };
    let emulator = azure_emulator::start(EmulatorConfig {
        data_dir: args.data_dir,
        listen: args.listen,
        world,
        public_urls: args.public_urls,
        data_plane: args.data_plane.into(),
    })
    .await?;
    // a closed stdout must not take the emulator down
    let mut out = std::io::stdout();
    let _ = writeln!(out, "admin-key {}", emulator.admin_key);
    let _ = writeln!(
        out,
        "ready {} env={} ca={} data-dir={}{}",
        emulator.url,
        emulator.env_file.display(),
        emulator.ca_file.display(),
        emulator.dir.display(),
        if emulator.world_loaded { " world=loaded" } else { "" }
    );
    super::signals::terminated().await;
    emulator.shutdown().await;
    Ok(())
}
