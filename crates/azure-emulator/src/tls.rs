//! The emulator's certificates: a small CA and a leaf for `localhost` and `127.0.0.1` (EKU
//! serverAuth, AKI/SKI), kept in the data dir so clients that trust the CA keep trusting it.

use crate::error::{EmulatorError, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

pub struct Certificates {
    pub ca_pem: String,
    pub leaf_pem: String,
    pub leaf_key_pem: String,
}

fn err(e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Internal(format!("certificates: {e}"))
}

impl Certificates {
    /// Loads `ca.pem`, `server.pem` and `server-key.pem` from `dir`, or mints and saves them.
    pub fn load_or_create(dir: &Path) -> Result<Certificates> {
        let (ca, leaf, key) = (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server-key.pem"));
        if ca.exists() && leaf.exists() && key.exists() {
            let read = |p: &Path| {
                std::fs::read_to_string(p).map_err(|e| EmulatorError::Persistence(format!("{}: {e}", p.display())))
            };
            return Ok(Certificates { ca_pem: read(&ca)?, leaf_pem: read(&leaf)?, leaf_key_pem: read(&key)? });
        }
        let certs = Self::mint()?;
        std::fs::write(&ca, &certs.ca_pem).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
        std::fs::write(&leaf, &certs.leaf_pem).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
        crate::persistence::write_private_file(&key, certs.leaf_key_pem.as_bytes())?;
        Ok(certs)
    }

    fn mint() -> Result<Certificates> {
        let ca_key = KeyPair::generate().map_err(err)?;
        let mut ca_params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "isthmus emulator CA");
        ca_params.distinguished_name = dn;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        ca_params.use_authority_key_identifier_extension = true;
        let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;

        let leaf_key = KeyPair::generate().map_err(err)?;
        let mut leaf_params = CertificateParams::new(vec!["localhost".to_string()]).map_err(err)?;
        leaf_params.subject_alt_names.push(SanType::IpAddress("127.0.0.1".parse().expect("literal")));
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "localhost");
        leaf_params.distinguished_name = dn;
        leaf_params.is_ca = IsCa::ExplicitNoCa;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(err)?;
        Ok(Certificates { ca_pem: ca_cert.pem(), leaf_pem: leaf.pem(), leaf_key_pem: leaf_key.serialize_pem() })
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
