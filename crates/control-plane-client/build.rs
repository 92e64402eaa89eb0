//! Generates the client from `crates/control-plane/openapi.json` (the checked-in document, which a
//! control-plane test keeps equal to what the server derives) with progenitor.
//!
//! utoipa writes OpenAPI 3.1 and progenitor reads 3.0, so the document is first lowered: nullable
//! types (`["string", "null"]`, `oneOf` with `{"type": "null"}`) become `nullable: true`, schema
//! `examples` arrays become `example`. Nothing else in the document uses 3.1.

use serde_json::{json, Map, Value};
use std::path::PathBuf;

const DOCUMENT: &str = "../control-plane/openapi.json";

fn main() {
    println!("cargo:rerun-if-changed={DOCUMENT}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(DOCUMENT).unwrap_or_else(|e| panic!("reading {DOCUMENT}: {e}"));
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{DOCUMENT} is not JSON: {e}"));
    doc["openapi"] = json!("3.0.3");
    if let Some(license) = doc.pointer_mut("/info/license").and_then(Value::as_object_mut) {
        license.remove("identifier");
    }
    lower(&mut doc);
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc).unwrap_or_else(|e| panic!("{DOCUMENT} lowered to 3.0 does not parse: {e}"));

    let mut settings = progenitor_impl::GenerationSettings::default();
    settings
        .with_interface(progenitor_impl::InterfaceStyle::Positional)
        .with_tag(progenitor_impl::TagStyle::Merged)
        .with_timeout(60)
        .with_derive("PartialEq")
        // The states carry the transition rules; the client uses the contract's own enums.
        .with_replacement(
            "PeeringConnectionState",
            "control_plane_api::ConnectionState",
            [progenitor_impl::TypeImpl::Display, progenitor_impl::TypeImpl::FromStr].into_iter(),
        )
        .with_replacement("VpcState", "control_plane_api::VpcState", [progenitor_impl::TypeImpl::FromStr].into_iter());
    let tokens = progenitor_impl::Generator::new(&settings)
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("generating the client from {DOCUMENT}: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("client.rs");
    std::fs::write(&out, tokens.to_string()).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

/// Rewrites 3.1 nullability and examples into their 3.0 spelling, everywhere in the tree.
fn lower(v: &mut Value) {
    match v {
        Value::Object(m) => {
            lower_nullable_type(m);
            lower_nullable_one_of(m);
            if let Some(Value::Array(examples)) = m.get("examples") {
                let first = examples.first().cloned();
                m.remove("examples");
                if let Some(e) = first {
                    m.insert("example".into(), e);
                }
            }
            m.values_mut().for_each(lower);
        }
        Value::Array(a) => a.iter_mut().for_each(lower),
        _ => {}
    }
}

/// `"type": ["string", "null"]` → `"type": "string", "nullable": true`.
fn lower_nullable_type(m: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = m.get("type") else { return };
    let named: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    let nullable = named.len() < types.len();
    if let [one] = named.as_slice() {
        m.insert("type".into(), one.clone());
    }
    if nullable {
        m.insert("nullable".into(), json!(true));
    }
}

/// `"oneOf": [X, {"type": "null"}]` → `"allOf": [X], "nullable": true`.
fn lower_nullable_one_of(m: &mut Map<String, Value>) {
    let Some(Value::Array(options)) = m.get("oneOf") else { return };
    let (nulls, rest): (Vec<&Value>, Vec<&Value>) = options.iter().partition(|o| o.get("type") == Some(&json!("null")));
    if nulls.is_empty() || rest.len() != 1 {
        return;
    }
    let mut inner = rest[0].clone();
    // utoipa puts the property's description on the `$ref` member; 3.0 ignores `$ref` siblings.
    let description =
        inner.as_object_mut().and_then(|o| if o.contains_key("$ref") { o.remove("description") } else { None });
    m.remove("oneOf");
    m.insert("allOf".into(), json!([inner]));
    m.insert("nullable".into(), json!(true));
    if let Some(d) = description {
        m.entry("description").or_insert(d);
    }
}
