//! The emulator's certificates: a small CA and a leaf for `localhost` and `127.0.0.1` (EKU
//! serverAuth, AKI/SKI), kept in the data dir so clients that trust the CA keep trusting it. The
//! CA's key is kept too (`ca-key.pem`, 0600), so services of the same stack (the compute
//! backend's PostgreSQL servers) get certificates clients already trust.

use crate::error::{EmulatorError, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

pub struct Certificates {
    pub ca_pem: String,
    pub leaf_pem: String,
    pub leaf_key_pem: String,
    /// Never logged nor served; only signs (`sign_server`).
    ca_key_pem: String,
}

const CA_NAME: &str = "isthmus emulator CA";

/// The CA's parameters. The certificate itself is not parsed back (rcgen would need x509-parser):
/// an issuer rebuilt from the same subject and key signs certificates that chain to it.
fn ca_params() -> CertificateParams {
    let mut ca_params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_NAME);
    ca_params.distinguished_name = dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    ca_params.use_authority_key_identifier_extension = true;
    ca_params
}

/// A serverAuth leaf for these names and addresses, signed by the CA: (certificate, key) PEM.
fn sign_leaf(dns: &[String], ips: &[IpAddr], issuer: &Issuer<'_, KeyPair>) -> Result<(String, String)> {
    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(dns.to_vec()).map_err(err)?;
    params.subject_alt_names.extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
    let mut dn = DistinguishedName::new();
    let common_name = dns.first().cloned().or_else(|| ips.first().map(IpAddr::to_string)).unwrap_or_default();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let cert = params.signed_by(&key, issuer).map_err(err)?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn err(e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Internal(format!("certificates: {e}"))
}

impl Certificates {
    /// Loads `ca.pem`, `ca-key.pem`, `server.pem` and `server-key.pem` from `dir`, or mints and
    /// saves them all (also when an older data dir has the CA but not its key: it cannot sign).
    pub fn load_or_create(dir: &Path) -> Result<Certificates> {
        if let Some(certs) = Self::load(dir)? {
            return Ok(certs);
        }
        let (ca, leaf, key, ca_key) = paths(dir);
        let certs = Self::mint()?;
        crate::persistence::write_private_file(&ca_key, certs.ca_key_pem.as_bytes())?;
        std::fs::write(&ca, &certs.ca_pem).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
        std::fs::write(&leaf, &certs.leaf_pem).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
        crate::persistence::write_private_file(&key, certs.leaf_key_pem.as_bytes())?;
        Ok(certs)
    }

    /// The certificates a data dir holds, `None` when any of them is missing.
    pub fn load(dir: &Path) -> Result<Option<Certificates>> {
        let (ca, leaf, key, ca_key) = paths(dir);
        if ![&ca, &leaf, &key, &ca_key].iter().all(|p| p.exists()) {
            return Ok(None);
        }
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| EmulatorError::Persistence(format!("{}: {e}", p.display())))
        };
        Ok(Some(Certificates {
            ca_pem: read(&ca)?,
            leaf_pem: read(&leaf)?,
            leaf_key_pem: read(&key)?,
            ca_key_pem: read(&ca_key)?,
        }))
    }

    fn mint() -> Result<Certificates> {
        let ca_key = KeyPair::generate().map_err(err)?;
        let ca_cert = ca_params().self_signed(&ca_key).map_err(err)?;
        let ca_key_pem = ca_key.serialize_pem();
        let issuer = Issuer::new(ca_params(), ca_key);
        let (leaf_pem, leaf_key_pem) =
            sign_leaf(&["localhost".to_string()], &["127.0.0.1".parse().expect("literal")], &issuer)?;
        Ok(Certificates { ca_pem: ca_cert.pem(), leaf_pem, leaf_key_pem, ca_key_pem })
    }

    /// A server certificate (EKU serverAuth) for these DNS names and addresses, signed by this
    /// CA: (certificate PEM, private key PEM). The key is new each time and never written here.
    pub fn sign_server(&self, dns: &[String], ips: &[IpAddr]) -> Result<(String, String)> {
        let ca_key = KeyPair::from_pem(&self.ca_key_pem).map_err(err)?;
        sign_leaf(dns, ips, &Issuer::new(ca_params(), ca_key))
    }

    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>> {
        let chain =
            CertificateDer::pem_slice_iter(self.leaf_pem.as_bytes()).collect::<Result<Vec<_>, _>>().map_err(err)?;
        let key = PrivateKeyDer::from_pem_slice(self.leaf_key_pem.as_bytes()).map_err(err)?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(err)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(err)?;
        cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(cfg))
    }
}

/// `ca.pem`, `server.pem`, `server-key.pem`, `ca-key.pem`.
fn paths(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server-key.pem"), dir.join("ca-key.pem"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_key_is_kept_and_an_old_dir_without_it_is_minted_anew() {
        let dir = tempfile::tempdir().unwrap();
        let first = Certificates::load_or_create(dir.path()).unwrap();
        assert_eq!(Certificates::load_or_create(dir.path()).unwrap().ca_pem, first.ca_pem);
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(dir.path().join("ca-key.pem")).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_file(dir.path().join("ca-key.pem")).unwrap();
        let again = Certificates::load_or_create(dir.path()).unwrap();
        assert_ne!(again.ca_pem, first.ca_pem, "a CA without its key is replaced");
        assert!(dir.path().join("ca-key.pem").exists());
    }

    #[test]
    fn a_signed_server_certificate_chains_to_the_ca() {
        let dir = tempfile::tempdir().unwrap();
        let certs = Certificates::load_or_create(dir.path()).unwrap();
        let (cert, key) = certs.sign_server(&["svc".into()], &["10.2.0.4".parse().unwrap()]).unwrap();
        assert!(key.contains("PRIVATE KEY"));
        std::fs::write(dir.path().join("svc.pem"), &cert).unwrap();
        let Ok(out) = std::process::Command::new("openssl")
            .args(["verify", "-purpose", "sslserver", "-verify_ip", "10.2.0.4", "-CAfile"])
            .arg(dir.path().join("ca.pem"))
            .arg(dir.path().join("svc.pem"))
            .output()
        else {
            return eprintln!("skipped the chain check: no openssl");
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr)
        );
    }
}
