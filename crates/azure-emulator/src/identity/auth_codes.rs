//! Authorization codes of the browser sign-in: single use, ten minutes long as Entra's, bound to
//! the client, redirect URI, PKCE challenge, scope and user they were issued for. Only the SHA-256
//! of a code is kept; the table is pruned of expired codes on every insert and bounded per tenant,
//! so one tenant's users cannot grow it for everyone.

use crate::error::{EmulatorError, Result};
use crate::identity::pkce::Challenge;
use crate::identity::secrets;
use crate::model::names;
use crate::persistence::lock;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Entra's codes live about ten minutes.
pub const LIFETIME_SECONDS: i64 = 600;
/// Codes issued and not yet expired, per tenant of the signed-in user.
pub const MAX_PER_TENANT: usize = 1000;

/// What a code was issued for.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeGrant {
    pub client_id: Uuid,
    pub redirect_uri: String,
    pub challenge: Option<Challenge>,
    pub scope: String,
    /// Echoed in the id token, where MSAL checks it.
    pub nonce: Option<String>,
    pub user_id: Uuid,
    /// The user's home tenant, whose quota the code counts against.
    pub tenant_id: Uuid,
    /// The authority it was asked at (a tenant id or `organizations`…), which alone redeems it.
    pub authority: String,
}

/// What the token request presents with the code.
pub struct Redemption<'a> {
    pub client_id: Uuid,
    pub redirect_uri: &'a str,
    pub verifier: Option<&'a str>,
    pub authority: &'a str,
}

struct Entry {
    grant: CodeGrant,
    expires: DateTime<Utc>,
    /// Kept after use until it expires, to tell a replay (`AADSTS54005`) from an unknown code.
    used: bool,
}

pub struct AuthCodes {
    entries: Mutex<HashMap<String, Entry>>,
    max_per_tenant: usize,
}

impl Default for AuthCodes {
    fn default() -> Self {
        AuthCodes::with_limit(MAX_PER_TENANT)
    }
}

impl AuthCodes {
    pub fn with_limit(max_per_tenant: usize) -> Self {
        AuthCodes { entries: Mutex::default(), max_per_tenant }
    }

    /// A new code for `grant`: handed out once, kept only as its hash.
    pub fn issue(&self, grant: CodeGrant, now: DateTime<Utc>) -> Result<String> {
        let mut entries = lock(&self.entries);
        entries.retain(|_, e| e.expires > now);
        if entries.values().filter(|e| e.grant.tenant_id == grant.tenant_id).count() >= self.max_per_tenant {
            return Err(EmulatorError::AadTooManyAuthorizationCodes(self.max_per_tenant));
        }
        let code = secrets::random_token(32);
        let expires = now + Duration::seconds(LIFETIME_SECONDS);
        entries.insert(secrets::sha256_hex(&code), Entry { grant, expires, used: false });
        Ok(code)
    }

    /// The grant behind `code` if everything presented matches it. Any attempt uses the code up,
    /// so a code caught on its way gets one guess at the verifier.
    pub fn redeem(&self, code: &str, r: &Redemption, now: DateTime<Utc>) -> Result<CodeGrant> {
        let mut entries = lock(&self.entries);
        // An unknown code may be one that expired and was pruned: both read as expired.
        let entry = entries
            .get_mut(&secrets::sha256_hex(code))
            .filter(|e| e.expires > now)
            .ok_or(EmulatorError::AadCodeExpired)?;
        if entry.used {
            return Err(EmulatorError::AadCodeRedeemed);
        }
        entry.used = true;
        let g = &entry.grant;
        if g.client_id != r.client_id {
            return Err(EmulatorError::AadInvalidGrant("code".into()));
        }
        if !g.authority.eq_ignore_ascii_case(r.authority) {
            return Err(EmulatorError::AadCodeForOtherTenant);
        }
        if g.redirect_uri != r.redirect_uri {
            return Err(EmulatorError::AadReplyAddressMismatch {
                got: names::printable(r.redirect_uri),
                expected: g.redirect_uri.clone(),
            });
        }
        if let Some(challenge) = &g.challenge {
            challenge.verify(r.verifier)?;
        }
        Ok(g.clone())
    }

    pub fn clear(&self) {
        lock(&self.entries).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn grant(tenant: u128) -> CodeGrant {
        CodeGrant {
            client_id: Uuid::from_u128(7),
            redirect_uri: "http://localhost:8400".into(),
            challenge: Challenge::from_request(Some(CHALLENGE), Some("S256")).unwrap(),
            scope: "openid".into(),
            nonce: Some("n".into()),
            user_id: Uuid::from_u128(1),
            tenant_id: Uuid::from_u128(tenant),
            authority: "organizations".into(),
        }
    }

    fn presented(verifier: Option<&str>) -> Redemption<'_> {
        Redemption {
            client_id: Uuid::from_u128(7),
            redirect_uri: "http://localhost:8400",
            verifier,
            authority: "Organizations",
        }
    }

    #[test]
    fn a_code_redeems_once_and_is_stored_hashed() {
        let codes = AuthCodes::default();
        let now = Utc::now();
        let code = codes.issue(grant(1), now).unwrap();
        assert!(!lock(&codes.entries).contains_key(&code));
        assert_eq!(codes.redeem(&code, &presented(Some(VERIFIER)), now).unwrap(), grant(1));
        assert_eq!(codes.redeem(&code, &presented(Some(VERIFIER)), now), Err(EmulatorError::AadCodeRedeemed));
    }

    #[test]
    fn a_failed_redemption_uses_the_code_up() {
        let codes = AuthCodes::default();
        let now = Utc::now();
        let code = codes.issue(grant(1), now).unwrap();
        assert_eq!(codes.redeem(&code, &presented(Some(CHALLENGE)), now), Err(EmulatorError::AadCodeVerifierMismatch));
        assert_eq!(codes.redeem(&code, &presented(Some(VERIFIER)), now), Err(EmulatorError::AadCodeRedeemed));
        let code = codes.issue(grant(1), now).unwrap();
        assert_eq!(codes.redeem(&code, &presented(None), now), Err(EmulatorError::AadCodeVerifierMissing));
    }

    /// A change to what a token request presents.
    type Change = fn(&mut Redemption);

    #[test]
    fn everything_presented_must_match() {
        let codes = AuthCodes::default();
        let now = Utc::now();
        let cases: [(Change, EmulatorError); 3] = [
            (|r| r.client_id = Uuid::from_u128(8), EmulatorError::AadInvalidGrant("code".into())),
            (|r| r.authority = "common", EmulatorError::AadCodeForOtherTenant),
            (
                |r| r.redirect_uri = "http://localhost:8401",
                EmulatorError::AadReplyAddressMismatch {
                    got: "http://localhost:8401".into(),
                    expected: "http://localhost:8400".into(),
                },
            ),
        ];
        for (change, error) in cases {
            let code = codes.issue(grant(1), now).unwrap();
            let mut r = presented(Some(VERIFIER));
            change(&mut r);
            assert_eq!(codes.redeem(&code, &r, now), Err(error));
        }
    }

    #[test]
    fn codes_expire_after_ten_minutes() {
        let codes = AuthCodes::default();
        let now = Utc::now();
        let code = codes.issue(grant(1), now).unwrap();
        let later = now + Duration::seconds(LIFETIME_SECONDS);
        assert_eq!(codes.redeem(&code, &presented(Some(VERIFIER)), later), Err(EmulatorError::AadCodeExpired));
        assert_eq!(codes.redeem("never-issued", &presented(Some(VERIFIER)), now), Err(EmulatorError::AadCodeExpired));
    }

    #[test]
    fn the_limit_is_per_tenant_and_expired_codes_free_it() {
        let codes = AuthCodes::with_limit(2);
        let now = Utc::now();
        codes.issue(grant(1), now).unwrap();
        codes.issue(grant(1), now).unwrap();
        assert_eq!(codes.issue(grant(1), now), Err(EmulatorError::AadTooManyAuthorizationCodes(2)));
        assert!(codes.issue(grant(2), now).is_ok(), "another tenant is not affected");
        let later = now + Duration::seconds(LIFETIME_SECONDS);
        assert!(codes.issue(grant(1), later).is_ok());
        assert_eq!(lock(&codes.entries).len(), 1, "expired codes were pruned");
    }
}
