//! `tenantRelationships/findTenantInformationByTenantId(tenantId='…')` and `…ByDomainName(…)`:
//! what any signed-in caller may learn about another tenant (its name and default domain), as the
//! provider does before it peers with a customer's tenant.

use super::{ok, GraphCtx};
use crate::error::EmulatorError;
use crate::identity::objects::Tenant;
use crate::wire::envelope::{ApiError, ApiResult};
use axum::response::Response;
use serde_json::json;
use uuid::Uuid;

/// The function's argument: `name(param='value')` → `value`, or `None` when the segment is another.
pub fn argument<'a>(segment: &'a str, function: &str, param: &str) -> Option<&'a str> {
    segment.strip_prefix(function)?.strip_prefix('(')?.strip_prefix(param)?.strip_prefix("='")?.strip_suffix("')")
}

fn render(t: &Tenant) -> ApiResult<Response> {
    ok(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.tenantInformation",
        "tenantId": t.id,
        "federationBrandName": null,
        "displayName": t.display_name,
        "defaultDomainName": t.default_domain,
    }))
}

fn not_found() -> ApiError {
    ApiError::graph(EmulatorError::GraphTenantInformationNotFound)
}

pub fn by_tenant_id(ctx: &GraphCtx, raw: &str) -> ApiResult<Response> {
    let id = Uuid::parse_str(raw).map_err(|_| not_found())?;
    render(ctx.state.tenants.get(&id).ok_or_else(not_found)?)
}

pub fn by_domain_name(ctx: &GraphCtx, domain: &str) -> ApiResult<Response> {
    let found = ctx.state.tenants.values().find(|t| t.default_domain.eq_ignore_ascii_case(domain));
    render(found.ok_or_else(not_found)?)
}
