//! Names of what the data plane creates: every namespace starts with a prefix derived from the
//! data dir, so two stacks on one machine never collide and a start after `kill -9` finds exactly
//! what this data dir left behind. Interface names stay within Linux's 15 characters.

use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Names {
    prefix: String,
}

fn hex(input: &str, len: usize) -> String {
    let digest = Sha256::digest(input.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect::<String>()[..len].to_string()
}

impl Names {
    pub fn for_data_dir(dir: &Path) -> Names {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        Names { prefix: format!("isthmus-{}", hex(&canonical.to_string_lossy(), 8)) }
    }

    /// Every namespace of this data dir starts with this.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A VNet's namespace, from its lower-cased id.
    pub fn vnet(&self, key: &str) -> String {
        format!("{}-v{}", self.prefix, hex(key, 10))
    }

    /// A NIC's host namespace, from its lower-cased id.
    pub fn host(&self, key: &str) -> String {
        format!("{}-n{}", self.prefix, hex(key, 10))
    }

    /// The interface, inside a VNet's namespace, of the link to another namespace (a peered VNet
    /// or a host): `p` or `h` and ten hex digits of that namespace's name.
    pub fn link_to(peer_ns: &str, kind: char) -> String {
        format!("{kind}{}", hex(peer_ns, 10))
    }
}
