//! Access and refresh tokens: RS256 JWTs signed with the emulator's key. As in Entra ID, one signing
//! key serves every tenant (each tenant's JWKS publishes it); tenants are told apart by `tid`/`iss`.

use crate::error::{EmulatorError, Result};
use jsonwebtoken::{jwk::Jwk, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub tid: String,
    pub oid: String,
    pub sub: String,
    pub appid: String,
    pub idtyp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub ver: String,
    /// Set on refresh tokens and id tokens so they are never accepted as access tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_use: Option<String>,
    /// Scope a refresh token was issued for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
}

pub struct Signer {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Jwk,
}

impl Signer {
    /// Loads the signing key from `dir/signing-key.pem`, or makes one (and saves it when a
    /// directory is given) so tokens stay valid across restarts.
    pub fn load_or_create(dir: Option<&Path>) -> Result<Signer> {
        let path = dir.map(|d| d.join("signing-key.pem"));
        let pem = match path.as_ref().filter(|p| p.exists()) {
            Some(p) => std::fs::read_to_string(p).map_err(|e| EmulatorError::Persistence(e.to_string()))?,
            None => {
                let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                    .map_err(|e| EmulatorError::Internal(format!("RSA key generation failed: {e}")))?;
                let pem = key.serialize_pem();
                if let Some(p) = &path {
                    crate::persistence::write_private_file(p, pem.as_bytes())?;
                }
                pem
            }
        };
        Self::from_pem(&pem)
    }

    fn from_pem(pem: &str) -> Result<Signer> {
        let internal = |e: &dyn std::fmt::Display| EmulatorError::Internal(format!("signing key: {e}"));
        let key = rcgen::KeyPair::from_pem(pem).map_err(|e| internal(&e))?;
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| internal(&e))?;
        let decoding = DecodingKey::from_rsa_pem(key.public_key_pem().as_bytes()).map_err(|e| internal(&e))?;
        let kid = crate::identity::secrets::sha256_hex(&key.public_key_pem())[..27].to_string();
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256).map_err(|e| internal(&e))?;
        jwk.common.key_id = Some(kid.clone());
        jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
        Ok(Signer { kid, encoding, decoding, jwk })
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("RS256 signing with a valid key")
    }

    /// Checks the signature only; expiry, audience and tenant are checked by the caller against the
    /// emulator's clock and the route.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .map(|d| d.claims)
            .map_err(|_| EmulatorError::InvalidToken)
    }

    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [self.jwk] })
    }
}

pub fn issuer(tenant: &str) -> String {
    format!("https://sts.windows.net/{tenant}/")
}
