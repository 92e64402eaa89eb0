//! `isthmus exec --nic NAME|ID -- CMD …`: runs a command on the host a NIC stands for (its network
//! namespace), as `az vm run-command` or ssh would, and exits with the command's code.

use anyhow::{bail, Context};
use azure_emulator::dataplane::hosts::HostRunner;
use azure_emulator::model::state::State;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The NIC: its name (unique across the emulator's state) or its ARM id
    #[arg(long)]
    nic: String,
    /// The emulator's data dir, or `isthmus up`'s (its `azure/` is used)
    #[arg(long, default_value = ".isthmus", env = "ISTHMUS_DATA_DIR")]
    data_dir: PathBuf,
    /// The command and its arguments
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

/// The emulator's own data dir: `dir` itself, or `dir/azure` for `isthmus up`'s.
fn emulator_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    for d in [dir.to_path_buf(), dir.join("azure")] {
        if d.join("state.json").is_file() {
            return Ok(d);
        }
    }
    bail!(
        "{} holds no emulator state (state.json): pass the --data-dir of `isthmus emulator` or `isthmus up`",
        dir.display()
    )
}

/// The NIC's key (lower-cased id), by id or by a name only one NIC has.
fn find(state: &State, nic: &str) -> anyhow::Result<String> {
    let wanted = nic.to_ascii_lowercase();
    if state.network_interfaces.contains_key(&wanted) {
        return Ok(wanted);
    }
    let named: Vec<&String> =
        state.network_interfaces.iter().filter(|(_, n)| n.nic.name.eq_ignore_ascii_case(nic)).map(|(k, _)| k).collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let all: Vec<&str> = state.network_interfaces.values().map(|n| n.nic.name.as_str()).collect();
            bail!("no NIC named {nic:?}; the NICs are: {}", if all.is_empty() { "none".into() } else { all.join(", ") })
        }
        _ => bail!("more than one NIC is named {nic:?}: pass its id (az network nic show --query id)"),
    }
}

pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let dir = emulator_dir(&args.data_dir)?;
    // The snapshot plus the log the running emulator appends to.
    let state: State = azure_emulator::persistence::load(&dir).with_context(|| format!("reading {}", dir.display()))?;
    let key = find(&state, &args.nic)?;
    let Some(hosts) = HostRunner::for_data_dir(&dir) else {
        bail!(
            "the emulator of {} runs no data plane: start it with `--data-plane on` (as root, or where \
             unprivileged user namespaces are allowed) and keep it running",
            dir.display()
        )
    };
    if !hosts.host_exists(&key) {
        bail!("NIC {} has no host yet: the data plane builds it within a second of its creation; retry", args.nic);
    }
    // Replaced by `ip netns exec` (entered into the data plane's user namespace when it has one),
    // which is replaced by the command: its exit code is ours, and a signal to this process
    // reaches the command itself.
    let Some((program, rest)) = args.command.split_first() else { bail!("name the command to run after --") };
    let err = std::os::unix::process::CommandExt::exec(hosts.command(&key, program).args(rest));
    Err(err).context("running the command in the NIC's namespace")
}
