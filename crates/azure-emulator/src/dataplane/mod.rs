//! The data plane: VNets as Linux network namespaces, NICs as hosts attached to them, peerings as
//! links that exist only while both sides are `Connected`. A loop realizes the emulator's state
//! (never side effects in handlers), so a restart rebuilds the same network; everything lives
//! under a prefix derived from the data dir and is removed at shutdown.
//!
//! As root the namespaces are the machine's own; as a normal user they live inside a user
//! namespace the data plane makes (`access`). Where neither works, the emulator says why at start
//! and serves ARM and Graph as before.

pub mod access;
pub mod hosts;
pub mod names;
pub mod netns;
pub mod plan;

use crate::model::state::State;
use access::Access;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The loop wakes on every write to the state, and at least this often (to notice a stop, and
/// to retry a step that failed).
const TICK: Duration = Duration::from_millis(200);

/// Whether the emulator realizes its networks on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataPlaneMode {
    /// ARM and Graph only.
    Off,
    /// On where this machine allows it (root, or unprivileged user namespaces); otherwise one
    /// line at start says why not and how to enable it.
    #[default]
    Auto,
    /// On, or the emulator does not start.
    On,
}

/// The running data plane: a thread of its own, because the user namespace's holder lives
/// exactly as long as the thread that started it.
pub struct DataPlane {
    pub access: Access,
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl DataPlane {
    /// Removes everything it made, and waits until it has.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// Why the data plane cannot run here as root, if it cannot (tests that need the machine's own
/// namespaces skip on it).
pub fn unavailable() -> Option<String> {
    // The same checks `Access::open` makes as root, without starting a holder to find out.
    if access::effective_uid() != Some(0) {
        return Some("not root: the test needs the machine's own namespaces".into());
    }
    access::on_path("ip", "Debian: apt-get install iproute2").err()
}

/// Starts realizing the state in `dir`'s namespaces; `next(timeout)` returns the state once it
/// changed since the last call, or when `timeout` has passed. `Err` says why it cannot run here.
pub fn start(next: impl FnMut(Duration) -> Arc<State> + Send + 'static, dir: &Path) -> Result<DataPlane, String> {
    let (ready, opened) = mpsc::channel();
    let (stop, stopped) = mpsc::channel();
    let dir = dir.to_path_buf();
    let thread = std::thread::Builder::new()
        .name("data-plane".into())
        .spawn(move || {
            let (access, holder) = match Access::open() {
                Ok(x) => x,
                Err(why) => {
                    let _ = ready.send(Err(why));
                    return;
                }
            };
            let names = names::Names::for_data_dir(&dir);
            let mut realizer = netns::Realizer::new(netns::Ip(access.clone()), names.clone());
            access.record(&dir);
            let _ = ready.send(Ok(access));
            realize(next, &names, &mut realizer, &stopped);
            realizer.clear();
            Access::forget(&dir);
            drop(holder);
        })
        .map_err(|e| format!("starting the data plane's thread: {e}"))?;
    let access = opened.recv().map_err(|_| "the data plane's thread ended at start".to_string())??;
    Ok(DataPlane { access, stop, thread })
}

/// The loop: applies the plan whenever the state changed, and again while a step keeps failing.
fn realize(
    mut next: impl FnMut(Duration) -> Arc<State>,
    names: &names::Names,
    realizer: &mut netns::Realizer,
    stopped: &mpsc::Receiver<()>,
) {
    let mut last: Option<Arc<State>> = None;
    let mut complete = true;
    let mut capped = 0;
    loop {
        let now = if last.is_none() { next(Duration::ZERO) } else { next(TICK) };
        if !matches!(stopped.try_recv(), Err(mpsc::TryRecvError::Empty)) {
            return;
        }
        if !complete || last.as_ref().is_none_or(|l| !Arc::ptr_eq(l, &now)) {
            let want = plan::desired(&now, names);
            if want.skipped != capped {
                capped = want.skipped;
                if capped > 0 {
                    tracing::warn!(
                        skipped = capped,
                        vnets = plan::MAX_VNETS,
                        hosts = plan::MAX_HOSTS,
                        "more VNets or NICs than the data plane realizes; the rest have no namespace"
                    );
                }
            }
            complete = realizer.apply(&want);
            last = Some(now);
        }
    }
}
