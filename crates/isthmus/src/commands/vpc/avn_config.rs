//! What `avn user login` leaves behind, read as `avn` reads it, so `isthmus vpc` works after it
//! without exporting anything: the token from the credentials file, the project from the client
//! config. Flags and environment variables come first, as in `avn`.

use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize)]
struct Credentials {
    auth_token: Option<String>,
}

#[derive(Deserialize)]
struct ClientConfig {
    default_project: Option<String>,
}

fn config_dir() -> Option<PathBuf> {
    std::env::var_os("AIVEN_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("aiven")))
}

fn file(env: &str, name: &str) -> Option<PathBuf> {
    std::env::var_os(env).map(PathBuf::from).or_else(|| config_dir().map(|d| d.join(name)))
}

fn read<T: serde::de::DeserializeOwned>(path: Option<PathBuf>) -> Option<T> {
    serde_json::from_slice(&std::fs::read(path?).ok()?).ok()
}

/// `auth_token` of `$AIVEN_CREDENTIALS_FILE`, else `$AIVEN_CONFIG_DIR/aiven-credentials.json`
/// (default `~/.config/aiven/`).
pub fn token() -> Option<String> {
    read::<Credentials>(file("AIVEN_CREDENTIALS_FILE", "aiven-credentials.json"))?.auth_token.filter(|t| !t.is_empty())
}

/// `default_project` of `$AIVEN_CLIENT_CONFIG`, else `$AIVEN_CONFIG_DIR/aiven-client.json`.
pub fn project() -> Option<String> {
    read::<ClientConfig>(file("AIVEN_CLIENT_CONFIG", "aiven-client.json"))?.default_project.filter(|p| !p.is_empty())
}
