//! Secret handling. App secrets are long random strings, so a salted SHA-256 is enough (and cheap on
//! every token request); user passwords are chosen by people, so they get argon2, as Entra ID would
//! never keep either in clear.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::Rng;
use sha2::{Digest, Sha256};

const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";

/// A new client secret in Entra ID's shape: 40 characters, the first three of which are its hint.
pub fn new_client_secret() -> String {
    let mut rng = rand::rng();
    (0..40).map(|_| SECRET_ALPHABET[rng.random_range(0..SECRET_ALPHABET.len())] as char).collect()
}

/// A random url-safe token of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn hash_secret(secret: &str) -> String {
    let salt = random_token(12);
    format!("sha256${salt}${}", sha256_hex(&format!("{salt}{secret}")))
}

pub fn verify_secret(secret: &str, stored: &str) -> bool {
    let mut parts = stored.splitn(3, '$');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("sha256"), Some(salt), Some(digest)) => {
            constant_time_eq(sha256_hex(&format!("{salt}{secret}")).as_bytes(), digest.as_bytes())
        }
        _ => false,
    }
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(random_token(16).as_bytes()).expect("salt of valid length");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default params").to_string()
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_passwords_verify_only_with_the_original() {
        let s = new_client_secret();
        let h = hash_secret(&s);
        assert!(!h.contains(&s));
        assert!(verify_secret(&s, &h));
        assert!(!verify_secret("wrong", &h));
        let p = hash_password("Passw0rd!");
        assert!(verify_password("Passw0rd!", &p));
        assert!(!verify_password("passw0rd!", &p));
    }
}
