//! `GET /subscriptions/{s}[/resourceGroups/{rg}]/resources` (`az resource list`): every resource
//! the caller may read, in ARM's generic shape, with the `$filter` forms ARM documents.

use crate::model::query::{self, Filter, Filterable};
use crate::network::resources::VirtualNetwork;
use crate::wire::arm::filters::{bad_filter, clauses};
use crate::wire::arm::ArmCtx;
use crate::wire::envelope::{ApiResult, WithFlavor};
use axum::response::Response;
use serde_json::{json, Value};
use uuid::Uuid;

/// A resource as the generic list sees it.
struct Generic<'a> {
    net: &'a VirtualNetwork,
}

impl Filterable for Generic<'_> {
    fn text(&self, field: &str) -> Option<String> {
        let n = self.net;
        match field {
            "resourceType" => Some("Microsoft.Network/virtualNetworks".into()),
            "name" => Some(n.vnet.name.clone()),
            "location" => Some(n.location.clone()),
            "resourceGroup" => Some(n.vnet.resource_group.clone()),
            _ => None,
        }
    }
}

/// What one `$filter` asks: plain comparisons, and a tag by name and optionally value.
#[derive(Default)]
struct Wanted {
    filters: Vec<Filter>,
    tag_name: Option<String>,
    tag_value: Option<String>,
}

impl Wanted {
    fn parse(ctx: &ArmCtx) -> ApiResult<Wanted> {
        let mut w = Wanted::default();
        for c in clauses(ctx) {
            match query::parse(&c).map_err(|_| bad_filter(&c))? {
                Filter::Eq { field, value } if field.eq_ignore_ascii_case("tagName") => w.tag_name = Some(value),
                Filter::Eq { field, value } if field.eq_ignore_ascii_case("tagValue") => w.tag_value = Some(value),
                f @ Filter::Eq { .. } => w.filters.push(f),
                _ => return Err(bad_filter(&c)),
            }
        }
        if w.tag_value.is_some() && w.tag_name.is_none() {
            return Err(bad_filter("tagValue without tagName"));
        }
        Ok(w)
    }

    fn matches(&self, net: &VirtualNetwork) -> bool {
        let g = Generic { net };
        let tag_ok = match &self.tag_name {
            None => true,
            Some(name) => net
                .tags
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case(name) && self.tag_value.as_ref().is_none_or(|want| v == want)),
        };
        tag_ok && self.filters.iter().all(|f| f.matches(&g))
    }
}

fn render(net: &VirtualNetwork) -> Value {
    json!({
        "id": net.vnet.id(),
        "name": net.vnet.name,
        "type": "Microsoft.Network/virtualNetworks",
        "location": net.location,
        "tags": net.tags,
    })
}

pub fn list(ctx: &ArmCtx, sub: Uuid, rg: Option<&str>) -> ApiResult<Response> {
    let wanted = Wanted::parse(ctx)?;
    let nets = ctx.state.list_virtual_networks(&ctx.caller, sub, rg).arm()?;
    crate::wire::arm::list(ctx, nets.into_iter().filter(|n| wanted.matches(n)).map(render).collect())
}
