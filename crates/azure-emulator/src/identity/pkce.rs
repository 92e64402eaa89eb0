//! PKCE (RFC 7636): an authorization code remembers the challenge it was asked with, and only the
//! verifier behind it redeems the code, so a code caught on its way to the loopback listener is of no
//! use to whoever caught it.

use crate::error::{EmulatorError, Result};
use crate::identity::secrets::constant_time_eq;
use base64::Engine;
use sha2::{Digest, Sha256};

/// RFC 7636 §4.1: verifiers (and so plain challenges) are 43 to 128 characters.
const MIN_LENGTH: usize = 43;
const MAX_LENGTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    S256,
    /// The challenge is the verifier itself; Entra still accepts it.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    value: String,
    method: Method,
}

impl Challenge {
    /// The challenge of an authorize request, if it has one; without a method it is `plain`, as
    /// RFC 7636 §4.3 says.
    pub fn from_request(challenge: Option<&str>, method: Option<&str>) -> Result<Option<Challenge>> {
        let method = match method {
            None | Some("plain") => Method::Plain,
            Some("S256") => Method::S256,
            Some(_) => return Err(EmulatorError::AadInvalidCodeChallengeMethod),
        };
        let Some(value) = challenge.filter(|c| !c.is_empty()) else { return Ok(None) };
        if !is_verifier_shaped(value) {
            return Err(EmulatorError::AadInvalidCodeChallengeSize);
        }
        Ok(Some(Challenge { value: value.to_string(), method }))
    }

    /// `AADSTS50148` without a verifier, `AADSTS501481` with the wrong one.
    pub fn verify(&self, verifier: Option<&str>) -> Result<()> {
        let verifier = verifier.filter(|v| !v.is_empty()).ok_or(EmulatorError::AadCodeVerifierMissing)?;
        let expected = match self.method {
            Method::S256 => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier)),
            Method::Plain => verifier.to_string(),
        };
        if is_verifier_shaped(verifier) && constant_time_eq(expected.as_bytes(), self.value.as_bytes()) {
            Ok(())
        } else {
            Err(EmulatorError::AadCodeVerifierMismatch)
        }
    }
}

/// 43 to 128 of `[A-Za-z0-9-._~]`: the shape of a verifier and of an S256 or plain challenge.
fn is_verifier_shaped(s: &str) -> bool {
    (MIN_LENGTH..=MAX_LENGTH).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_accepts_only_its_verifier() {
        let c = Challenge::from_request(Some(CHALLENGE), Some("S256")).unwrap().unwrap();
        assert_eq!(c.verify(Some(VERIFIER)), Ok(()));
        assert_eq!(c.verify(Some(CHALLENGE)), Err(EmulatorError::AadCodeVerifierMismatch));
        assert_eq!(c.verify(Some("short")), Err(EmulatorError::AadCodeVerifierMismatch));
        assert_eq!(c.verify(None), Err(EmulatorError::AadCodeVerifierMissing));
        assert_eq!(c.verify(Some("")), Err(EmulatorError::AadCodeVerifierMissing));
    }

    #[test]
    fn plain_is_the_default_method_and_compares_as_is() {
        let c = Challenge::from_request(Some(VERIFIER), None).unwrap().unwrap();
        assert_eq!(c.verify(Some(VERIFIER)), Ok(()));
        assert_eq!(c.verify(Some(CHALLENGE)), Err(EmulatorError::AadCodeVerifierMismatch));
    }

    #[test]
    fn bad_methods_and_sizes_are_refused_and_no_challenge_is_none() {
        assert_eq!(
            Challenge::from_request(Some(CHALLENGE), Some("s256")),
            Err(EmulatorError::AadInvalidCodeChallengeMethod)
        );
        assert_eq!(Challenge::from_request(Some("abc"), Some("S256")), Err(EmulatorError::AadInvalidCodeChallengeSize));
        assert_eq!(
            Challenge::from_request(Some(&"a".repeat(129)), Some("S256")),
            Err(EmulatorError::AadInvalidCodeChallengeSize)
        );
        assert_eq!(
            Challenge::from_request(Some("É".repeat(43).as_str()), None),
            Err(EmulatorError::AadInvalidCodeChallengeSize)
        );
        assert_eq!(Challenge::from_request(None, None), Ok(None));
    }
}
