//! The OpenAPI 3.1 description of the v1 API, built with utoipa's builders (the handlers carry no
//! annotations). Served at `GET /openapi.json` and checked in as `crates/control-plane/openapi.json`;
//! `tests/openapi.rs` fails when either drifts from the router, and
//! `ISTHMUS_UPDATE_OPENAPI=1 cargo test -p control-plane --test openapi` rewrites the file.
//!
//! State enums and error codes come from the domain types themselves, so they cannot drift.

use crate::domain::{ConnectionState, VpcState};
use crate::error::ControlPlaneError;
use serde_json::{json, Value};
use std::sync::LazyLock;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ComponentsBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema,
    SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, LicenseBuilder, OpenApi, OpenApiBuilder, Paths, Ref, RefOr, Required, ResponseBuilder,
};

/// The name of the security scheme every authenticated operation requires.
pub const SECURITY_SCHEME: &str = "aivenv1";

const JSON: &str = "application/json";

/// Path prefix of the peering-connection operations.
const CONN: &str = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections";

/// The document, built fresh.
pub fn document() -> OpenApi {
    let mut paths = Paths::new();
    for (path, method, op) in operations() {
        paths.add_path_operation(path, vec![method], op);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("isthmus control plane API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Aiven-compatible v1 API for project VPCs and Azure VNet peering connections, as used by the \
                     `avn` CLI and the Aiven Terraform provider. Authenticate with `Authorization: aivenv1 <token>` \
                     (a token from `POST /v1/userauth`). Path segments are percent-decoded after splitting on `/`, \
                     so names may contain an encoded `/` (`%2F`). Unknown query parameters (such as `?limit=999`) \
                     are ignored. Every failure has the `Error` shape.",
                ))
                .license(Some(LicenseBuilder::new().name("Apache-2.0").identifier(Some("Apache-2.0")).build()))
                .build(),
        )
        .paths(paths)
        .components(Some(components()))
        .security(Some([SecurityRequirement::new(SECURITY_SCHEME, Vec::<String>::new())]))
        .tags(Some([
            tag("account", "Log-in and the caller's projects."),
            tag("vpcs", "Project VPCs: one provider-side Azure VNet each."),
            tag("peering-connections", "Azure VNet peerings between a project VPC and a customer VNet."),
            tag("meta", "This document."),
        ]))
        .build()
}

/// The document as pretty JSON with a final newline: the exact content of `openapi.json`.
pub fn pretty_json() -> String {
    let mut s = document().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

static RENDERED: LazyLock<Value> = LazyLock::new(|| serde_json::to_value(document()).unwrap_or_default());

/// `GET /openapi.json`.
pub async fn serve() -> axum::Json<Value> {
    axum::Json(RENDERED.clone())
}

fn tag(name: &str, description: &str) -> utoipa::openapi::Tag {
    TagBuilder::new().name(name).description(Some(description)).build()
}

// ---------------------------------------------------------------------------------------------
// Operations

/// Which error statuses an operation may answer with (500 is added to every operation).
#[derive(Clone, Copy)]
enum Fails {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
}

impl Fails {
    fn status(self) -> u16 {
        match self {
            Fails::BadRequest => 400,
            Fails::Unauthorized => 401,
            Fails::Forbidden => 403,
            Fails::NotFound => 404,
            Fails::Conflict => 409,
            Fails::TooLarge => 413,
        }
    }
}

struct Op {
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
    description: &'static str,
    params: &'static [&'static str],
    body: Option<(&'static str, &'static str)>,
    ok: (u16, &'static str, Option<&'static str>),
    fails: &'static [Fails],
    public: bool,
}

impl Op {
    fn build(self) -> utoipa::openapi::path::Operation {
        let mut op = OperationBuilder::new()
            .operation_id(Some(self.id))
            .tag(self.tag)
            .summary(Some(self.summary))
            .description(Some(self.description));
        for p in self.params {
            op = op.parameter_ref(Ref::new(format!("#/components/parameters/{p}")));
        }
        if let Some((schema, description)) = self.body {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .description(Some(description))
                    .required(Some(Required::True))
                    .content(JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build())
                    .build(),
            ));
        }
        let (status, description, schema) = self.ok;
        let mut ok = ResponseBuilder::new().description(description);
        if let Some(schema) = schema {
            ok = ok.content(JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build());
        }
        op = op.response(status.to_string(), ok.build());
        for f in self.fails {
            op = op.response(f.status().to_string(), Ref::from_response_name(response_name(f.status())));
        }
        op = op.response("500", Ref::from_response_name(response_name(500)));
        if self.public {
            op = op.securities(Some(Vec::<SecurityRequirement>::new()));
        }
        op.build()
    }
}

macro_rules! delete_description {
    () => {
        "Asks for the connection named by subscription, VNet and (optionally) resource group to be \
     deleted; it goes to `DELETING` and then `DELETED` once the provider side is gone. Names compare without regard to \
     case. Answers with the connection, in state `DELETING`. Deleting a connection already `DELETING` answers the same."
    };
}

const DELETE_DESCRIPTION: &str = delete_description!();

const DELETE_REGION_DESCRIPTION: &str = concat!(
    delete_description!(),
    " Azure peerings have no region (`peer_region` is always null), so a path naming `peer-regions/{peer_region}` \
     matches no connection and answers 404; the form exists because `avn` can build it."
);

fn operations() -> Vec<(String, HttpMethod, utoipa::openapi::path::Operation)> {
    use Fails::*;
    let vpc = "/v1/project/{project}/vpcs/{project_vpc_id}";
    let by_vnet = format!("{CONN}/peer-accounts/{{peer_cloud_account}}/peer-vpcs/{{peer_vpc}}");
    let by_group =
        format!("{CONN}/peer-accounts/{{peer_cloud_account}}/peer-resource-groups/{{peer_resource_group}}/peer-vpcs/{{peer_vpc}}");
    let with_region = "/peer-regions/{peer_region}";
    let vpc_params: &'static [&'static str] = &["project", "project_vpc_id"];
    let vnet_params: &'static [&'static str] = &["project", "project_vpc_id", "peer_cloud_account", "peer_vpc"];
    let vnet_region_params: &'static [&'static str] =
        &["project", "project_vpc_id", "peer_cloud_account", "peer_vpc", "peer_region"];
    let group_params: &'static [&'static str] =
        &["project", "project_vpc_id", "peer_cloud_account", "peer_resource_group", "peer_vpc"];
    let group_region_params: &'static [&'static str] =
        &["project", "project_vpc_id", "peer_cloud_account", "peer_resource_group", "peer_vpc", "peer_region"];
    let connection_ok = (200, "The connection, now `DELETING`.", Some("PeeringConnectionOut"));
    let delete_fails: &'static [Fails] = &[BadRequest, Forbidden, NotFound, Conflict];
    let ops = [
        (
            "/v1/userauth".to_string(),
            HttpMethod::Post,
            Op {
                id: "UserAuth",
                tag: "account",
                summary: "Log in",
                description: "Exchanges an email and password for an API token, to send as \
                              `Authorization: aivenv1 <token>`.",
                params: &[],
                body: Some(("UserAuthIn", "Credentials.")),
                ok: (200, "Logged in.", Some("UserAuthOut")),
                fails: &[BadRequest, Unauthorized, TooLarge],
                public: true,
            },
        ),
        (
            "/v1/project".to_string(),
            HttpMethod::Get,
            Op {
                id: "ProjectList",
                tag: "account",
                summary: "List the caller's projects",
                description: "The projects the authenticated user is a member of.",
                params: &[],
                body: None,
                ok: (200, "The caller's projects.", Some("ProjectListOut")),
                fails: &[Forbidden],
                public: false,
            },
        ),
        (
            "/v1/project/{project}/vpcs".to_string(),
            HttpMethod::Get,
            Op {
                id: "VpcList",
                tag: "vpcs",
                summary: "List project VPCs",
                description: "The project's VPCs, without their peering connections.",
                params: &["project"],
                body: None,
                ok: (200, "The project's VPCs.", Some("VpcListOut")),
                fails: &[Forbidden, NotFound],
                public: false,
            },
        ),
        (
            "/v1/project/{project}/vpcs".to_string(),
            HttpMethod::Post,
            Op {
                id: "VpcCreate",
                tag: "vpcs",
                summary: "Create a project VPC",
                description:
                    "Creates a project VPC in state `APPROVED`; the reconciler builds its Azure VNet and moves \
                              it to `ACTIVE`. Its `network_cidr` may not overlap another VPC of the project in the \
                              same cloud (409 `vpc_overlap`).",
                params: &["project"],
                body: Some(("VpcCreateIn", "The cloud and the network of the new VPC.")),
                ok: (201, "Created.", Some("VpcGetOut")),
                fails: &[BadRequest, Forbidden, NotFound, Conflict, TooLarge],
                public: false,
            },
        ),
        (
            vpc.to_string(),
            HttpMethod::Get,
            Op {
                id: "VpcGet",
                tag: "vpcs",
                summary: "Get a project VPC and its peering connections",
                description: "There is no per-connection GET: clients read a connection from the VPC's \
                              `peering_connections`. Connections in `DELETED` or `DELETED_BY_PEER` are not listed.",
                params: vpc_params,
                body: None,
                ok: (200, "The VPC with its connections.", Some("VpcGetOut")),
                fails: &[BadRequest, Forbidden, NotFound],
                public: false,
            },
        ),
        (
            vpc.to_string(),
            HttpMethod::Delete,
            Op {
                id: "VpcDelete",
                tag: "vpcs",
                summary: "Delete a project VPC",
                description:
                    "Moves the VPC to `DELETING`; the reconciler removes its Azure VNet. A VPC that still has \
                              connections not yet deleted answers 409 `vpc_has_connections`.",
                params: vpc_params,
                body: None,
                ok: (200, "The VPC, now `DELETING`.", Some("VpcGetOut")),
                fails: &[BadRequest, Forbidden, NotFound, Conflict],
                public: false,
            },
        ),
        (
            format!("{vpc}/user-peer-network-cidrs"),
            HttpMethod::Put,
            Op {
                id: "VpcUserPeerNetworkCidrsUpdate",
                tag: "vpcs",
                summary: "Add or remove user peer network CIDRs",
                description: "Adds CIDRs to the connections named in `add` and removes the CIDRs in `delete` from \
                              every connection of the VPC. Everything is validated before anything is written; an \
                              `add` naming no live connection answers 404 `connection_not_found`.",
                params: vpc_params,
                body: Some(("UserPeerNetworkCidrsIn", "The CIDRs to add and to delete.")),
                ok: (200, "The VPC with its connections.", Some("VpcGetOut")),
                fails: &[BadRequest, Forbidden, NotFound, TooLarge],
                public: false,
            },
        ),
        (
            CONN.to_string(),
            HttpMethod::Post,
            Op {
                id: "VpcPeeringConnectionCreate",
                tag: "peering-connections",
                summary: "Create an Azure VNet peering connection",
                description: "Creates a connection in state `APPROVED`. The reconciler builds the provider side and \
                              moves it to `PENDING_PEER`, whose `state_info` carries `to-tenant-id` and \
                              `to-network-id` for the customer's `az network vnet peering create`; once the customer's \
                              side exists it becomes `ACTIVE`. A live connection to the same subscription, resource \
                              group and VNet (compared without regard to case) answers 409 `connection_exists`; a VPC \
                              being deleted answers 409 `vpc_not_active`.",
                params: vpc_params,
                body: Some(("VpcPeeringConnectionCreateIn", "The customer VNet to peer with.")),
                ok: (201, "Created, in state `APPROVED`.", Some("PeeringConnectionOut")),
                fails: &[BadRequest, Forbidden, NotFound, Conflict, TooLarge],
                public: false,
            },
        ),
        (
            format!("{CONN}/refresh"),
            HttpMethod::Post,
            Op {
                id: "VpcPeeringConnectionsRefresh",
                tag: "peering-connections",
                summary: "Re-check the VPC's peering connections now",
                description: "Wakes the reconciler at once instead of at its next tick. Takes no body.",
                params: vpc_params,
                body: None,
                ok: (200, "The VPC with its connections (as read before the reconciler ran).", Some("VpcGetOut")),
                fails: &[BadRequest, Forbidden, NotFound],
                public: false,
            },
        ),
        (
            format!("{CONN}/{{peering_connection_id}}/events"),
            HttpMethod::Get,
            Op {
                id: "VpcPeeringConnectionEvents",
                tag: "peering-connections",
                summary: "A connection's timeline (isthmus extension)",
                description: "Every state transition of the connection, oldest first, with its time and reason. Not \
                              part of Aiven's API.",
                params: &["project", "project_vpc_id", "peering_connection_id"],
                body: None,
                ok: (200, "The connection's current state and its transitions.", Some("PeeringConnectionEventsOut")),
                fails: &[BadRequest, Forbidden, NotFound],
                public: false,
            },
        ),
        (
            by_vnet.clone(),
            HttpMethod::Delete,
            Op {
                id: "VpcPeeringConnectionDelete",
                tag: "peering-connections",
                summary: "Delete a peering connection (any resource group)",
                description: DELETE_DESCRIPTION,
                params: vnet_params,
                body: None,
                ok: connection_ok,
                fails: delete_fails,
                public: false,
            },
        ),
        (
            format!("{by_vnet}{with_region}"),
            HttpMethod::Delete,
            Op {
                id: "VpcPeeringConnectionWithRegionDelete",
                tag: "peering-connections",
                summary: "Delete a peering connection named with a region",
                description: DELETE_REGION_DESCRIPTION,
                params: vnet_region_params,
                body: None,
                ok: connection_ok,
                fails: delete_fails,
                public: false,
            },
        ),
        (
            by_group.clone(),
            HttpMethod::Delete,
            Op {
                id: "VpcPeeringConnectionWithResourceGroupDelete",
                tag: "peering-connections",
                summary: "Delete a peering connection in a resource group",
                description: DELETE_DESCRIPTION,
                params: group_params,
                body: None,
                ok: connection_ok,
                fails: delete_fails,
                public: false,
            },
        ),
        (
            format!("{by_group}{with_region}"),
            HttpMethod::Delete,
            Op {
                id: "VpcPeeringConnectionWithResourceGroupAndRegionDelete",
                tag: "peering-connections",
                summary: "Delete a peering connection in a resource group, named with a region",
                description: DELETE_REGION_DESCRIPTION,
                params: group_region_params,
                body: None,
                ok: connection_ok,
                fails: delete_fails,
                public: false,
            },
        ),
        (
            "/openapi.json".to_string(),
            HttpMethod::Get,
            Op {
                id: "OpenApi",
                tag: "meta",
                summary: "This OpenAPI document",
                description: "The OpenAPI 3.1 description of this API.",
                params: &[],
                body: None,
                ok: (200, "The document.", Some("OpenApiDocument")),
                fails: &[],
                public: true,
            },
        ),
    ];
    ops.into_iter().map(|(path, method, op)| (path, method, op.build())).collect()
}

// ---------------------------------------------------------------------------------------------
// Errors

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
        VpcOverlap { cidr: "10.1.0.0/16".into(), other: vpc(), other_cidr: "10.1.0.0/24".into() },
        VpcHasConnections(vpc()),
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
            | VpcOverlap { .. }
            | VpcHasConnections(_)
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

fn response_name(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        413 => "PayloadTooLarge",
        _ => "InternalServerError",
    }
}

fn error_response(status: u16, errors: &[ControlPlaneError]) -> utoipa::openapi::Response {
    let matching: Vec<&ControlPlaneError> = errors.iter().filter(|e| e.status() == status).collect();
    let codes = matching.iter().map(|e| format!("`{}`", e.code())).collect::<Vec<_>>().join(", ");
    let what = match status {
        400 => {
            "The request is invalid: a malformed body, or a field or path id that fails validation (`field` names it)."
        }
        401 => "The email or password is wrong.",
        403 => "The token is missing or invalid, or the caller is not a member of the project.",
        404 => "The project, VPC, connection or route does not exist.",
        409 => "The request conflicts with the current state.",
        413 => "The request body is larger than the limit.",
        _ => "The server failed (storage); retry later.",
    };
    let example = matching.first().map(|e| {
        let message = e.to_string();
        let mut error = json!({"message": message, "status": status, "error_code": e.code()});
        if let ControlPlaneError::Invalid { field, .. } = e {
            error["field"] = json!(field);
        }
        json!({"message": message, "errors": [error]})
    });
    ResponseBuilder::new()
        .description(format!("{what} Error codes: {codes}."))
        .content(JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Error"))).example(example).build())
        .build()
}

// ---------------------------------------------------------------------------------------------
// Components

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).description((!description.is_empty()).then_some(description))
}

fn uuid(description: &str) -> ObjectBuilder {
    string(description).format(Some(SchemaFormat::Custom("uuid".into())))
}

fn time(description: &str) -> ObjectBuilder {
    string(description).format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
}

fn array(items: impl Into<RefOr<Schema>>, description: &str) -> ArrayBuilder {
    let items: RefOr<Schema> = items.into();
    ArrayBuilder::new().items(items).description(Some(description))
}

fn schema_ref(name: &str) -> Ref {
    Ref::from_schema_name(name)
}

/// `name` or JSON null.
fn nullable(inner: impl Into<RefOr<Schema>>, description: &str) -> OneOfBuilder {
    OneOfBuilder::new().item(inner).item(ObjectBuilder::new().schema_type(Type::Null)).description(Some(description))
}

fn closed(b: ObjectBuilder) -> ObjectBuilder {
    b.additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
}

const CIDR_DESCRIPTION: &str = "An IP network in CIDR notation, written as its network address (no host bits).";

fn vpc_out(with_connections: bool) -> ObjectBuilder {
    let b = ObjectBuilder::new()
        .property(
            "cloud_name",
            string("The cloud, `azure-<region>`.").pattern(Some("^azure-[a-z0-9]+$")).examples(["azure-westeurope"]),
        )
        .required("cloud_name")
        .property("create_time", time("When the VPC was created (ISO-8601, UTC, `Z`)."))
        .required("create_time")
        .property("network_cidr", string("The VPC's private IPv4 network.").examples(["10.1.0.0/24"]))
        .required("network_cidr")
        .property("project_vpc_id", uuid("The project VPC's id."))
        .required("project_vpc_id")
        .property("state", schema_ref("VpcState"))
        .required("state")
        .property("update_time", time("When the VPC last changed (ISO-8601, UTC, `Z`)."))
        .required("update_time");
    if !with_connections {
        return b.description(Some("A project VPC as listed (`VpcOut`): no peering connections."));
    }
    b.description(Some("A project VPC with its peering connections (`VpcGetOut`)."))
        .property(
            "peering_connections",
            array(
                schema_ref("PeeringConnectionOut"),
                "The VPC's connections, except those `DELETED` or `DELETED_BY_PEER`. Always empty in the answers to \
                 create and delete.",
            ),
        )
        .required("peering_connections")
        .property(
            "pending_build_only_peering_connections",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some("Kept for compatibility; always null.")),
        )
        .required("pending_build_only_peering_connections")
}

fn components() -> utoipa::openapi::Components {
    let errors = every_error();
    let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    codes.dedup();
    let mut statuses: Vec<u16> = errors.iter().map(|e| e.status()).collect();
    statuses.sort_unstable();
    statuses.dedup();

    let path_param = |name: &str, description: &str, schema: ObjectBuilder| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(schema))
            .build()
    };

    let mut b = ComponentsBuilder::new().security_scheme(
        SECURITY_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "`aivenv1 <token>`, with a token from `POST /v1/userauth` (`Bearer <token>` is accepted too). A missing \
             or invalid token answers 403 `invalid_token`.",
        ))),
    );
    for status in &statuses {
        b = b.response(response_name(*status), error_response(*status, &errors));
    }
    b = b
        .parameter("project", path_param("project", "The project's name.", string("")))
        .parameter(
            "project_vpc_id",
            path_param(
                "project_vpc_id",
                "The project VPC's id. A value that is not a UUID answers 400 `invalid_input`.",
                uuid(""),
            ),
        )
        .parameter(
            "peering_connection_id",
            path_param("peering_connection_id", "The peering connection's id.", uuid("")),
        )
        .parameter(
            "peer_cloud_account",
            path_param("peer_cloud_account", "The customer's Azure subscription id.", string("")),
        )
        .parameter(
            "peer_resource_group",
            path_param(
                "peer_resource_group",
                "The customer VNet's resource group (percent-encoded; compared without regard to case).",
                string(""),
            ),
        )
        .parameter(
            "peer_vpc",
            path_param(
                "peer_vpc",
                "The customer VNet's name (percent-encoded; compared without regard to case).",
                string(""),
            ),
        )
        .parameter(
            "peer_region",
            path_param(
                "peer_region",
                "A peer region; Azure connections have none, so no connection matches.",
                string(""),
            ),
        );

    let connection_states: Vec<&str> = ConnectionState::ALL.iter().map(|s| s.as_str()).collect();
    let vpc_states: Vec<&str> = [VpcState::Approved, VpcState::Active, VpcState::Deleting, VpcState::Deleted]
        .iter()
        .map(|s| s.as_str())
        .collect();

    b.schema(
        "Error",
        ObjectBuilder::new()
            .description(Some("Every failure, in Aiven's shape. `message` repeats the first error's message."))
            .property("message", string("What went wrong and how to fix it."))
            .required("message")
            .property("errors", array(schema_ref("ErrorItem"), "The errors; always one.").min_items(Some(1)))
            .required("errors"),
    )
    .schema(
        "ErrorItem",
        ObjectBuilder::new()
            .property("message", string("What went wrong and how to fix it."))
            .required("message")
            .property(
                "status",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .description(Some("The HTTP status, repeated."))
                    .enum_values(Some(statuses.iter().copied())),
            )
            .required("status")
            .property(
                "error_code",
                string("A stable machine-readable code (isthmus extension).").enum_values(Some(codes.iter().copied())),
            )
            .required("error_code")
            .property("field", string("For `invalid_input`: the request field (or path parameter) at fault.")),
    )
    .schema(
        "UserAuthIn",
        closed(ObjectBuilder::new())
            .property("email", string("The user's email."))
            .required("email")
            .property("password", string("The user's password.").format(Some(SchemaFormat::KnownFormat(KnownFormat::Password))))
            .required("password")
            .property("otp", string("Accepted for compatibility and ignored.")),
    )
    .schema(
        "UserAuthOut",
        ObjectBuilder::new()
            .property("state", string("Always `active`.").enum_values(Some(["active"])))
            .required("state")
            .property("token", string("The API token, for `Authorization: aivenv1 <token>`."))
            .required("token")
            .property("user_email", string("The email logged in with."))
            .required("user_email"),
    )
    .schema(
        "ProjectListOut",
        ObjectBuilder::new()
            .property(
                "projects",
                array(
                    ObjectBuilder::new().property("project_name", string("The project's name.")).required("project_name"),
                    "The projects the caller is a member of.",
                ),
            )
            .required("projects"),
    )
    .schema(
        "VpcState",
        string("A project VPC's state: `APPROVED` until its Azure VNet exists, then `ACTIVE`; `DELETING` once deletion \
             is asked for, `DELETED` when gone.")
        .enum_values(Some(vpc_states)),
    )
    .schema(
        "PeeringConnectionState",
        string(
            "A peering connection's state. Happy path `APPROVED` -> `PENDING_PEER` -> `ACTIVE`. \
             `INVALID_SPECIFICATION`: the request cannot be built as given (see `state_info`); delete and recreate. \
             `REJECTED_BY_PEER`: Azure refused the peering. `DELETING` -> `DELETED` after a delete. `DELETED_BY_PEER`: \
             the customer's VNet went away. `ERROR` is reserved and not used today.",
        )
        .enum_values(Some(connection_states)),
    )
    .schema(
        "VpcCreateIn",
        closed(ObjectBuilder::new())
            .property(
                "cloud_name",
                string("The Azure region to build the VPC in, as `azure-<region>`.")
                    .pattern(Some("^azure-[a-z0-9]+$"))
                    .examples(["azure-westeurope"]),
            )
            .required("cloud_name")
            .property(
                "network_cidr",
                string(
                    "A private IPv4 network (10/8, 172.16/12 or 192.168/16) between /16 and /24, written as its \
                     network address, not overlapping another VPC of the project in the same cloud.",
                )
                .examples(["10.1.0.0/24"]),
            )
            .required("network_cidr")
            .property(
                "peering_connections",
                array(
                    ObjectBuilder::new(),
                    "Must be empty or omitted: create connections with `POST .../peering-connections` once the VPC \
                     exists. `avn` sends `[]`.",
                )
                .max_items(Some(0)),
            ),
    )
    .schema("VpcOut", vpc_out(false))
    .schema("VpcGetOut", vpc_out(true))
    .schema(
        "VpcListOut",
        ObjectBuilder::new().property("vpcs", array(schema_ref("VpcOut"), "The project's VPCs.")).required("vpcs"),
    )
    .schema(
        "StateInfo",
        ObjectBuilder::new()
            .description(Some(
                "Why the connection is in its state and what to do next. Types include \
                 `azure-vnet-peering-pending-peer`, `azure-vnet-peering-active`, `azure-vnet-peering-peer-removed`, \
                 `azure-vnet-peering-peer-disconnected`, `azure-vnet-peering-vnet-not-found`, \
                 `azure-vnet-peering-subscription-not-found`, `azure-vnet-peering-tenant-not-found`, \
                 `azure-vnet-peering-overlapping-address-space`, `azure-vnet-peering-app-not-multi-tenant`, \
                 `azure-vnet-peering-provider-app-not-in-tenant`, `azure-vnet-peering-missing-peer-permission`, \
                 `azure-vnet-peering-deleted-by-peer` and `azure-vnet-peering-retrying`. Extra keys are strings.",
            ))
            .property("message", string("A human message naming what to fix and how."))
            .required("message")
            .property("type", string("A machine-readable kind."))
            .required("type")
            .property(
                "to-tenant-id",
                string("With `PENDING_PEER` (and when the peer side went away): the provider's Azure AD tenant, to log \
                        the customer's app in to."),
            )
            .property(
                "to-network-id",
                string("With `PENDING_PEER` (and when the peer side went away): the provider VNet's ARM id, for \
                        `az network vnet peering create --remote-vnet`."),
            )
            .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String)))
            .examples([json!({
                "message": "Create your side of the peering (guide step 13): ...",
                "type": "azure-vnet-peering-pending-peer",
                "to-tenant-id": "00000000-0000-0000-0000-000000000001",
                "to-network-id": "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/isthmus/providers/Microsoft.Network/virtualNetworks/isthmus-vnet",
            })]),
    )
    .schema(
        "PeeringConnectionOut",
        ObjectBuilder::new()
            .description(Some(
                "An Azure VNet peering connection (`PeeringConnectionOut`). Every key is always present.",
            ))
            .property("create_time", time("When the connection was created (ISO-8601, UTC, `Z`)."))
            .required("create_time")
            .property("peer_azure_app_id", uuid("The customer's application (client) id."))
            .required("peer_azure_app_id")
            .property("peer_azure_tenant_id", uuid("The customer's Azure AD tenant id."))
            .required("peer_azure_tenant_id")
            .property("peer_cloud_account", uuid("The customer's Azure subscription id, as given."))
            .required("peer_cloud_account")
            .property(
                "peer_region",
                ObjectBuilder::new().schema_type(Type::Null).description(Some("Always null on Azure.")),
            )
            .required("peer_region")
            .property("peer_resource_group", string("The customer VNet's resource group, in the case given."))
            .required("peer_resource_group")
            .property("peer_vpc", string("The customer VNet's name, in the case given."))
            .required("peer_vpc")
            .property("peering_connection_id", uuid("The connection's id."))
            .required("peering_connection_id")
            .property("state", schema_ref("PeeringConnectionState"))
            .required("state")
            .property(
                "state_info",
                nullable(schema_ref("StateInfo"), "Null (as on a new connection) or an object with at least `message`."),
            )
            .required("state_info")
            .property("update_time", time("When the connection last changed (ISO-8601, UTC, `Z`)."))
            .required("update_time")
            .property(
                "user_peer_network_cidrs",
                array(string(CIDR_DESCRIPTION), "Extra networks routed through the peering; usually empty on Azure."),
            )
            .required("user_peer_network_cidrs")
            .property(
                "vpc_peering_connection_type",
                string("Always `azure-vnet-peering`.").enum_values(Some(["azure-vnet-peering"])),
            )
            .required("vpc_peering_connection_type"),
    )
    .schema(
        "VpcPeeringConnectionCreateIn",
        closed(ObjectBuilder::new())
            .description(Some("The customer VNet to peer with. Names keep the case given."))
            .property("peer_cloud_account", uuid("The customer's Azure subscription id (a GUID)."))
            .required("peer_cloud_account")
            .property(
                "peer_resource_group",
                string(
                    "The customer VNet's resource group: 1-90 letters, digits, `_-.()`, not ending in `.`. Optional in \
                     Aiven's API, required here.",
                )
                .min_length(Some(1))
                .max_length(Some(90)),
            )
            .required("peer_resource_group")
            .property(
                "peer_vpc",
                string("The customer VNet's name: 2-64 letters, digits, `_-.`, starting alphanumeric and ending \
                        alphanumeric or `_`.")
                .pattern(Some("^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$"))
                .min_length(Some(2))
                .max_length(Some(64)),
            )
            .required("peer_vpc")
            .property("peer_azure_app_id", uuid("The customer's application (client) id (a GUID), multi-tenant."))
            .required("peer_azure_app_id")
            .property("peer_azure_tenant_id", uuid("The customer's Azure AD tenant id (a GUID)."))
            .required("peer_azure_tenant_id")
            .property(
                "peer_region",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .max_length(Some(0))
                    .description(Some("Must be omitted, null or empty: an Azure VNet's region comes from Azure.")),
            )
            .property(
                "user_peer_network_cidrs",
                array(string(CIDR_DESCRIPTION), "Extra networks to route through the peering; default empty."),
            ),
    )
    .schema(
        "UserPeerNetworkCidrsIn",
        closed(ObjectBuilder::new())
            .property(
                "add",
                array(
                    closed(ObjectBuilder::new())
                        .property("peer_cloud_account", string("The connection's subscription id."))
                        .required("peer_cloud_account")
                        .property("peer_vpc", string("The connection's VNet name."))
                        .required("peer_vpc")
                        .property(
                            "peer_resource_group",
                            ObjectBuilder::new()
                                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                                .description(Some("The connection's resource group; omitted or null matches any.")),
                        )
                        .property("cidr", string(CIDR_DESCRIPTION))
                        .required("cidr"),
                    "CIDRs to add, each to the live connection it names.",
                ),
            )
            .property(
                "delete",
                array(string(CIDR_DESCRIPTION), "CIDRs to remove from every connection of the VPC."),
            ),
    )
    .schema(
        "PeeringConnectionEvent",
        ObjectBuilder::new()
            .property(
                "from_state",
                nullable(schema_ref("PeeringConnectionState"), "The state left; null for the creation."),
            )
            .required("from_state")
            .property("to_state", schema_ref("PeeringConnectionState"))
            .required("to_state")
            .property("reason", string("Why the connection changed state."))
            .required("reason")
            .property("time", time("When (ISO-8601, UTC, `Z`)."))
            .required("time"),
    )
    .schema(
        "PeeringConnectionEventsOut",
        ObjectBuilder::new()
            .property("peering_connection_id", uuid("The connection's id."))
            .required("peering_connection_id")
            .property("state", schema_ref("PeeringConnectionState"))
            .required("state")
            .property("events", array(schema_ref("PeeringConnectionEvent"), "The transitions, oldest first."))
            .required("events"),
    )
    .schema(
        "OpenApiDocument",
        ObjectBuilder::new().description(Some("An OpenAPI 3.1 document.")),
    )
    .build()
}
