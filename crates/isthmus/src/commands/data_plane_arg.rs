//! `--data-plane auto|on|off`, shared by `isthmus emulator` and `isthmus up`.

use azure_emulator::DataPlaneMode;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DataPlaneArg {
    /// On where the machine allows it (root, or unprivileged user namespaces), else one line says why not
    Auto,
    /// On, or refuse to start
    #[value(alias = "1", alias = "true")]
    On,
    /// ARM and Graph only: no namespaces
    #[value(alias = "0", alias = "false")]
    Off,
}

impl From<DataPlaneArg> for DataPlaneMode {
    fn from(a: DataPlaneArg) -> Self {
        match a {
            DataPlaneArg::Auto => DataPlaneMode::Auto,
            DataPlaneArg::On => DataPlaneMode::On,
            DataPlaneArg::Off => DataPlaneMode::Off,
        }
    }
}
