//! What an earlier run of `azure connect` for this (project VPC, VNet) got done, so an interrupted
//! run picks up the same objects. Everything is also found in Azure before it is made, so a lost
//! state file costs nothing but a few lookups.

use super::files;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct State {
    pub project_vpc_id: String,
    pub vnet_id: String,
    pub tenant_id: Option<String>,
    pub app_id: Option<String>,
    pub app_object_id: Option<String>,
    pub app_sp_id: Option<String>,
    pub provider_sp_id: Option<String>,
    pub peer_role_id: Option<String>,
    pub connection_id: Option<String>,
    pub provider_tenant_id: Option<String>,
    pub provider_vnet_id: Option<String>,
    /// Steps finished, by number.
    #[serde(default)]
    pub completed: BTreeSet<u8>,
    #[serde(default)]
    pub updated_at: String,
}

pub struct StateFile {
    path: PathBuf,
    /// A dry run reads the file but never writes it.
    read_only: bool,
    pub state: State,
}

impl StateFile {
    /// The default: next to the secret file, keyed by project VPC and VNet.
    pub fn default_path(secret_file: &Path, project_vpc_id: &str, vnet_id: &str) -> PathBuf {
        let dir = secret_file.parent().unwrap_or(Path::new("."));
        dir.join(format!("azure-connect-{project_vpc_id}-{}.state.json", files::tag(vnet_id)))
    }

    /// Loads the file; one written for another VPC or VNet is ignored (and later replaced).
    pub fn load(path: PathBuf, project_vpc_id: &str, vnet_id: &str, read_only: bool) -> anyhow::Result<Self> {
        let fresh = State { project_vpc_id: project_vpc_id.into(), vnet_id: vnet_id.into(), ..Default::default() };
        let state = match files::read_optional(&path)? {
            Some(bytes) => {
                let s: State = serde_json::from_slice(&bytes)
                    .with_context(|| format!("{} is not a state file written by isthmus", path.display()))?;
                let same =
                    s.project_vpc_id.eq_ignore_ascii_case(project_vpc_id) && s.vnet_id.eq_ignore_ascii_case(vnet_id);
                if same {
                    s
                } else {
                    fresh
                }
            }
            None => fresh,
        };
        Ok(StateFile { path, read_only, state })
    }

    /// Records a finished step (with whatever ids were set on `state`) on disk.
    pub fn complete(&mut self, step: u8) -> anyhow::Result<()> {
        self.state.completed.insert(step);
        self.save()
    }

    pub fn save(&mut self) -> anyhow::Result<()> {
        if self.read_only {
            return Ok(());
        }
        self.state.updated_at = chrono::Utc::now().to_rfc3339();
        let bytes = serde_json::to_vec_pretty(&self.state).expect("state serialises");
        files::write_private(&self.path, &bytes)
    }
}
