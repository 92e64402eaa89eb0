//! The OpenAPI 3.1 document, derived: operations from the handlers' `#[utoipa::path]`, routes and
//! document from the same `routes!` calls (see `mod.rs`), bodies from `control-plane-api`'s types.
//! This file adds what spans operations: the security scheme, the error responses (their codes
//! from `ControlPlaneError` itself) and 500 on every operation. Served at `GET /openapi.json` and
//! checked in as `crates/control-plane/openapi.json`, from which the CLI's client is generated;
//! `ISTHMUS_UPDATE_OPENAPI=1 cargo test -p control-plane --test openapi` rewrites the file.

use crate::error::ControlPlaneError;
use serde_json::{json, Value};
use std::sync::LazyLock;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, ToResponse};

/// The name of the security scheme every authenticated operation requires.
pub const SECURITY_SCHEME: &str = "aivenv1";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "isthmus control plane API",
        description = "Aiven-compatible v1 API for project VPCs and Azure VNet peering connections, as used by \
                       the `avn` CLI and the Aiven Terraform provider. Authenticate with `Authorization: aivenv1 \
                       <token>` (a token from `POST /v1/userauth`). Path segments are percent-decoded after \
                       splitting on `/`, so names may contain an encoded `/` (`%2F`). Unknown query parameters \
                       (such as `?limit=999`) are ignored. Every failure has the `Error` shape.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    security(("aivenv1" = [])),
    components(
        schemas(control_plane_api::ErrorOut, control_plane_api::ErrorItem),
        responses(BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge, InternalServerError),
    ),
    tags(
        (name = "account", description = "Log-in, the caller's user and projects."),
        (name = "clouds", description = "The Azure clouds project VPCs can be created in."),
        (name = "services", description = "PostgreSQL services inside project VPCs, and the service-type catalogue."),
        (name = "vpcs", description = "Project VPCs: one provider-side Azure VNet each."),
        (name = "peering-connections", description = "Azure VNet peerings between a project VPC and a customer VNet."),
        (name = "meta", description = "This document."),
    ),
    modifiers(&CrossCutting),
)]
pub struct ApiDoc;

/// The document, built fresh.
pub fn document() -> OpenApi {
    let mut doc = super::api().into_openapi();
    // Operations join the document with their routes, after `ApiDoc`'s modifiers ran.
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete].into_iter().flatten() {
            op.responses
                .responses
                .entry("500".into())
                .or_insert_with(|| Ref::from_response_name("InternalServerError").into());
        }
    }
    doc
}

/// The document as pretty JSON with a final newline: the exact content of `openapi.json`.
pub fn pretty_json() -> String {
    let mut s = document().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

static RENDERED: LazyLock<Value> = LazyLock::new(|| serde_json::to_value(document()).unwrap_or_default());

/// This OpenAPI document
///
/// The OpenAPI 3.1 description of this API.
#[utoipa::path(
    get, path = "/openapi.json", operation_id = "OpenApi", tag = "meta", security(()),

    responses((status = 200, description = "The document.", body = Object)),
)]
pub async fn serve() -> axum::Json<Value> {
    axum::Json(RENDERED.clone())
}

/// The security scheme and the error codes and statuses an error item can carry.
struct CrossCutting;

impl Modify for CrossCutting {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SECURITY_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`aivenv1 <token>`, with a token from `POST /v1/userauth` (`Bearer <token>` is accepted too). A \
                 missing or invalid token answers 403 `invalid_token`.",
            ))),
        );
        let errors = every_error();
        if let Some(RefOr::T(Schema::Object(item))) = components.schemas.get_mut("ErrorItem") {
            let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
            codes.dedup();
            let mut statuses: Vec<u16> = errors.iter().map(|e| e.status()).collect();
            statuses.sort_unstable();
            statuses.dedup();
            restrict(item, "error_code", codes.into_iter().map(Value::from));
            restrict(item, "status", statuses.into_iter().map(Value::from));
        }
    }
}

/// Limits a property of an object schema to the given values.
fn restrict(object: &mut Object, property: &str, values: impl Iterator<Item = Value>) {
    if let Some(RefOr::T(Schema::Object(p))) = object.properties.get_mut(property) {
        p.enum_values = Some(values.collect());
    }
}

/// One of each error, so codes and statuses in the document come from `ControlPlaneError` itself.
/// The values are the examples' (the first of each status is shown).
fn every_error() -> Vec<ControlPlaneError> {
    use ControlPlaneError::*;
    let vpc = || "1548c3f6-6240-45ab-892f-2dfacc62ed0d".to_string();
    let all = vec![
        InvalidToken,
        NotProjectMember("my-project".into()),
        ProjectNotFound("my-project".into()),
        VpcNotFound,
        ConnectionNotFound,
        ConnectionExists,
        VpcNotActive { id: vpc(), state: "DELETING".into() },
        VpcExistsInCloud { cloud: "azure-westeurope".into(), id: vpc() },
        VpcHasConnections(vpc()),
        VpcHasServices(vpc()),
        ServiceNotFound("pg1".into()),
        ServiceTypeNotFound("kafka".into()),
        ServiceExists("pg1".into()),
        ServiceProtected("pg1".into()),
        NoComputeBackend,
        Invalid {
            field: "network_cidr".into(),
            message: "'10.1.0.1/24' has host bits set; did you mean '10.1.0.0/24'?".into(),
        },
        BadJson("expected value at line 1 column 1".into()),
        TooLarge(super::BODY_LIMIT),
        StaleState { id: vpc(), expected: "APPROVED".into(), actual: "DELETING".into() },
        IllegalTransition { from: "DELETED".into(), to: "ACTIVE".into() },
        BadLogin,
        NoRoute("/v1/nothing".into()),
        Store("database is locked".into()),
    ];
    // A new variant fails to compile here until it is added to the list above.
    for e in &all {
        match e {
            InvalidToken
            | NotProjectMember(_)
            | ProjectNotFound(_)
            | VpcNotFound
            | ConnectionNotFound
            | ConnectionExists
            | VpcNotActive { .. }
            | VpcExistsInCloud { .. }
            | VpcHasConnections(_)
            | VpcHasServices(_)
            | ServiceNotFound(_)
            | ServiceTypeNotFound(_)
            | ServiceExists(_)
            | ServiceProtected(_)
            | NoComputeBackend
            | Invalid { .. }
            | BadJson(_)
            | TooLarge(_)
            | StaleState { .. }
            | IllegalTransition { .. }
            | BadLogin
            | NoRoute(_)
            | Store(_) => {}
        }
    }
    all
}

/// The response for an error status: what it means, the codes it carries, an example body.
fn error_response(status: u16) -> Response {
    let errors = every_error();
    let matching: Vec<&ControlPlaneError> = errors.iter().filter(|e| e.status() == status).collect();
    let codes = matching.iter().map(|e| format!("`{}`", e.code())).collect::<Vec<_>>().join(", ");
    let what = match status {
        400 => {
            "The request is invalid: a malformed body, or a field or path id that fails validation (`field` names it)."
        }
        401 => "The email or password is wrong.",
        403 => "The token is missing or invalid, the caller is not a member of the project, or the service is protected against termination.",
        404 => "The project, VPC, connection, service or route does not exist.",
        409 => "The request conflicts with the current state.",
        413 => "The request body is larger than the limit.",
        _ => "The server failed (storage); retry later.",
    };
    let example = matching.first().map(|e| json!(super::error::body(e)));
    ResponseBuilder::new()
        .description(format!("{what} Error codes: {codes}."))
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Error"))).example(example).build(),
        )
        .build()
}

/// A response component per error status, named as the operations refer to it.
macro_rules! error_responses {
    ($($name:ident = $status:literal),* $(,)?) => {$(
        pub struct $name;
        impl<'s> ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                (stringify!($name), RefOr::T(error_response($status)))
            }
        }
    )*};
}

error_responses!(
    BadRequest = 400,
    Unauthorized = 401,
    Forbidden = 403,
    NotFound = 404,
    Conflict = 409,
    PayloadTooLarge = 413,
    InternalServerError = 500,
);
