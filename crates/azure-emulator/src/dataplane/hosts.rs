//! Running programs on the hosts NICs stand for, for users outside the data plane's loop: the
//! compute backend in the same process (`Emulator::host_runner`), or another process that finds
//! the data plane through the data dir (`HostRunner::for_data_dir`, as `isthmus exec` does).

use super::access::Access;
use super::names::Names;
use super::netns::Ip;
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone)]
pub struct HostRunner {
    access: Access,
    names: Names,
}

impl HostRunner {
    pub fn new(access: Access, names: Names) -> HostRunner {
        HostRunner { access, names }
    }

    /// The running data plane of this emulator data dir, if there is one.
    pub fn for_data_dir(dir: &Path) -> Option<HostRunner> {
        Some(HostRunner::new(Access::for_data_dir(dir)?, Names::for_data_dir(dir)))
    }

    /// The host (network namespace) of the NIC with this ARM id, any case.
    pub fn namespace(&self, nic_id: &str) -> String {
        self.names.host(&nic_id.to_ascii_lowercase())
    }

    /// Whether the data plane has built the NIC's host yet.
    pub fn host_exists(&self, nic_id: &str) -> bool {
        Ip(self.access.clone()).existing(self.names.prefix()).contains(&self.namespace(nic_id))
    }

    /// `program` as it runs on the NIC's host: `ip netns exec NS program`, entered into the data
    /// plane's user namespace when it has one. Add its arguments to the returned command.
    pub fn command(&self, nic_id: &str, program: &str) -> Command {
        let mut c = self.access.command("ip");
        c.args(["netns", "exec", &self.namespace(nic_id), program]);
        c
    }
}
