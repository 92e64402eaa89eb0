//! Entra ID's login endpoints: discovery, the v2.0 token endpoint, device code and its sign-in page.

pub mod device;
pub mod discovery;
pub mod issue;
pub mod passwords;
pub mod token;
