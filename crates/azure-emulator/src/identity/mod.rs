//! Identity (Entra ID and Microsoft Graph): tenants, users, applications, service principals and
//! their secrets. The rules live here (`directory`, `lockout`, `auth_codes`, `pkce`,
//! `redirect_uris`), the formats in `wire` (the login endpoints and Graph); errors are the crate's
//! one enum, whose identity variants sit together.

pub mod auth_codes;
pub mod directory;
pub mod first_party;
pub mod lockout;
pub mod objects;
pub mod pkce;
pub mod properties;
pub mod redirect_uris;
pub mod secrets;
pub mod service_principals;
pub mod wire;
