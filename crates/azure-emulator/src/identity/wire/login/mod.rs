//! Entra ID's login endpoints: discovery, the v2.0 token endpoint, and the browser flows (device
//! code and authorization code) with their one sign-in page.

pub mod authorize;
pub mod device;
pub mod discovery;
pub mod issue;
pub mod passwords;
pub mod reply;
pub mod sign_in;
pub mod token;
