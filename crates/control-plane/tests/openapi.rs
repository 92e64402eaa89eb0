//! The OpenAPI document: the checked-in `openapi.json` matches `document()`, the document is valid
//! OpenAPI 3.x whose references all resolve, and every operation it describes is routed (routes and
//! operations come from the same `routes!` calls in `src/api/mod.rs`).
//!
//! Regenerate the checked-in file with:
//!     ISTHMUS_UPDATE_OPENAPI=1 cargo test -p control-plane --test openapi

use control_plane::api::{self, openapi, ApiState};
use control_plane::store::Store;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const REGENERATE: &str = "ISTHMUS_UPDATE_OPENAPI=1 cargo test -p control-plane --test openapi";

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn checked_in_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

fn document() -> Value {
    serde_json::to_value(openapi::document()).expect("the document serialises")
}

/// An operation open to anonymous callers (`security: [{}]`, or none at all).
fn is_public(op: &Value) -> bool {
    op["security"] == serde_json::json!([{}]) || op["security"] == serde_json::json!([])
}

fn param_names(path: &str) -> BTreeSet<String> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(name, _)| name.to_string()).collect()
}

/// Every (method, raw path, operation) in the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths is an object") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_string(), path.clone(), op.clone()));
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[test]
fn checked_in_document_matches_the_code() {
    let want = openapi::pretty_json();
    let path = checked_in_path();
    if std::env::var_os("ISTHMUS_UPDATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have.lines().zip(want.lines()).position(|(a, b)| a != b).map_or_else(
            || format!("the files differ in length ({} vs {} lines)", have.lines().count(), want.lines().count()),
            |i| {
                format!(
                    "first difference at line {}:\n  checked in: {}\n  generated:  {}",
                    i + 1,
                    have.lines().nth(i).unwrap_or(""),
                    want.lines().nth(i).unwrap_or("")
                )
            },
        );
        panic!(
            "{} is out of date with control_plane::api::openapi::document(); {line}\n\
             Regenerate it with:\n    {REGENERATE}\nand commit the result.",
            path.display()
        );
    }
}

#[test]
fn document_is_valid_openapi_3_json() {
    // what openapi.json holds (checked_in_document_matches_the_code compares the two)
    let doc: Value = serde_json::from_str(&openapi::pretty_json()).expect("the document is valid JSON");
    let version = doc["openapi"].as_str().expect("`openapi` is a string");
    assert!(version.starts_with("3."), "openapi version {version} is not 3.x");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string(), "info needs title and version");

    // every $ref resolves inside the document
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        assert!(resolve(&doc, r).is_some(), "dangling $ref {r}");
    }

    let schemes = doc["components"]["securitySchemes"].as_object().expect("security schemes");
    assert_eq!(
        schemes["aivenv1"],
        serde_json::json!({"type": "apiKey", "in": "header", "name": "Authorization", "description": schemes["aivenv1"]["description"]})
    );
    assert_eq!(doc["security"], serde_json::json!([{"aivenv1": []}]), "authenticated by default");

    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let what = format!("{} {path}", method.to_uppercase());
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{what} has no operationId"));
        assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
        assert!(op["summary"].is_string() && op["description"].is_string(), "{what}: summary and description");
        // path template parameters are exactly the operation's path parameters
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| match p["$ref"].as_str() {
                        Some(r) => resolve(&doc, r).expect("parameter $ref resolves"),
                        None => p,
                    })
                    .filter(|p| p["in"] == "path")
                    .inspect(|p| assert_eq!(p["required"], true, "{what}: path parameters are required"))
                    .map(|p| p["name"].as_str().expect("parameter name").to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(declared, param_names(&path), "{what}: path parameters");
        // a success response with a body, and every error answers in the error shape
        let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{what} has no responses"));
        assert!(responses.keys().any(|s| s.starts_with('2')), "{what} has no 2xx response");
        for (status, response) in responses {
            let response = match response["$ref"].as_str() {
                Some(r) => resolve(&doc, r).expect("response $ref resolves"),
                None => response,
            };
            assert!(response["description"].is_string(), "{what} {status}: description");
            let schema = &response["content"]["application/json"]["schema"];
            assert!(!schema.is_null(), "{what} {status}: JSON body schema");
            if !status.starts_with('2') {
                assert_eq!(schema["$ref"], "#/components/schemas/Error", "{what} {status}: error shape");
            }
        }
        assert!(responses.contains_key("500"), "{what}: 500");
        let public = is_public(&op);
        if !public {
            assert!(responses.contains_key("403"), "{what}: authenticated operations answer 403");
        }
    }
}

#[test]
fn document_describes_the_shapes_clients_rely_on() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let required = |name: &str| -> BTreeSet<String> {
        schemas[name]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has required fields"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let has = |name: &str, fields: &[&str]| {
        let req = required(name);
        for f in fields {
            assert!(req.contains(*f), "{name} requires {f}");
        }
    };
    has(
        "PeeringConnectionOut",
        &[
            "peer_cloud_account",
            "peer_resource_group",
            "peer_vpc",
            "peer_region",
            "state",
            "state_info",
            "user_peer_network_cidrs",
            "vpc_peering_connection_type",
        ],
    );
    has("VpcOut", &["project_vpc_id", "cloud_name", "network_cidr", "state", "create_time", "update_time"]);
    has("VpcGetOut", &["peering_connections", "pending_build_only_peering_connections"]);
    has("StateInfo", &["message", "type"]);
    has("Error", &["message", "errors"]);
    has("ErrorItem", &["message", "status", "error_code"]);
    has("VpcCreateIn", &["cloud_name", "network_cidr"]);
    has(
        "VpcPeeringConnectionCreateIn",
        &["peer_cloud_account", "peer_resource_group", "peer_vpc", "peer_azure_app_id", "peer_azure_tenant_id"],
    );
    let info = &schemas["StateInfo"]["properties"];
    assert!(info["to-tenant-id"].is_object() && info["to-network-id"].is_object());
    let state_info = &schemas["PeeringConnectionOut"]["properties"]["state_info"];
    assert!(state_info["oneOf"].as_array().unwrap().iter().any(|s| s["type"] == "null"), "state_info is nullable");
    assert!(schemas["PeeringConnectionOut"]["properties"]["peer_region"]["type"]
        .as_array()
        .is_some_and(|t| t.contains(&Value::from("null"))));
    assert_eq!(schemas["VpcCreateIn"]["additionalProperties"], false, "unknown fields are refused");
    let states: Vec<&str> =
        schemas["PeeringConnectionState"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(states.contains(&"PENDING_PEER") && states.contains(&"INVALID_SPECIFICATION"));
    for status in [400u16, 403, 404, 409, 413] {
        assert!(
            doc["components"]["responses"].as_object().unwrap().values().any(|r| r["description"].is_string()
                && r["content"]["application/json"]["example"]["errors"][0]["status"] == status),
            "an error response for {status}"
        );
    }
}

/// Sends each documented operation to the real router without a token: none may fall through to
/// the 404 fallback or a 405, authenticated ones answer 403 `invalid_token`, and `/openapi.json`
/// serves the document.
#[tokio::test]
async fn every_documented_operation_is_routed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&Store::sqlite_url(dir.path())).await.unwrap();
    let app = api::router(ApiState::new(store, Arc::new(tokio::sync::Notify::new()), None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let doc = document();
    for (method, path, op) in operations(&doc) {
        let concrete = path
            .replace("{project}", "p")
            .replace("{project_vpc_id}", "00000000-0000-0000-0000-000000000001")
            .replace("{peering_connection_id}", "00000000-0000-0000-0000-000000000002")
            .replace("{peer_cloud_account}", "00000000-0000-0000-0000-000000000003")
            .replace("{peer_resource_group}", "rg")
            .replace("{peer_vpc}", "vnet")
            .replace("{peer_region}", "westeurope")
            .replace("{service_name}", "pg1")
            .replace("{service_type}", "pg");
        assert!(!concrete.contains('{'), "no sample value for a parameter of {path}");
        let (status, body) = request(addr, &method.to_uppercase(), &concrete).await;
        let what = format!("{} {concrete}", method.to_uppercase());
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert!(
            status != 405 && !(status == 404 && json["errors"][0]["error_code"] == "no_route"),
            "{what}: documented but not routed ({status} {body})"
        );
        if is_public(&op) {
            assert_ne!(status, 403, "{what} is documented as public");
        } else {
            assert_eq!((status, json["errors"][0]["error_code"].as_str()), (403, Some("invalid_token")), "{what}");
        }
        if path == "/openapi.json" {
            assert_eq!((status, &json), (200, &doc), "GET /openapi.json serves document()");
        }
    }
    server.abort();
}

async fn request(addr: std::net::SocketAddr, method: &str, path: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    // axum answers JSON with a Content-Length; a chunked body would need decoding
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{method} {path}: chunked answer");
    (status, body.to_string())
}
