//! `GET /subscriptions/{s}[/resourceGroups/{rg}]/resources` (`az resource list`): every resource
//! the caller may read (VNets and NICs), in ARM's generic shape, with the `$filter` forms ARM
//! documents.

use crate::model::query::{self, Filter, Filterable};
use crate::network::resources::{GroupResource, Placement};
use crate::wire::arm::filters::{bad_filter, clauses};
use crate::wire::arm::ArmCtx;
use crate::wire::envelope::{ApiResult, WithFlavor};
use axum::response::Response;
use serde_json::{json, Value};
use uuid::Uuid;

/// A resource as the generic list sees it.
struct Generic<'a> {
    id: String,
    resource_type: &'static str,
    at: Placement<'a>,
}

impl<'a> Generic<'a> {
    fn of<T: GroupResource>(r: &'a T) -> Self {
        Generic { id: r.id(), resource_type: T::TYPE, at: r.placement() }
    }

    fn render(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.at.name,
            "type": self.resource_type,
            "location": self.at.location,
            "tags": self.at.tags,
        })
    }
}

impl Filterable for Generic<'_> {
    fn text(&self, field: &str) -> Option<String> {
        match field {
            "resourceType" => Some(self.resource_type.into()),
            "name" => Some(self.at.name.into()),
            "location" => Some(self.at.location.into()),
            "resourceGroup" => Some(self.at.resource_group.into()),
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

    fn matches(&self, g: &Generic) -> bool {
        let tag_ok = match &self.tag_name {
            None => true,
            Some(name) => {
                g.at.tags
                    .iter()
                    .any(|(k, v)| k.eq_ignore_ascii_case(name) && self.tag_value.as_ref().is_none_or(|want| v == want))
            }
        };
        tag_ok && self.filters.iter().all(|f| f.matches(g))
    }
}

pub fn list(ctx: &ArmCtx, sub: Uuid, rg: Option<&str>) -> ApiResult<Response> {
    let wanted = Wanted::parse(ctx)?;
    let nets = ctx.state.list_virtual_networks(&ctx.caller, sub, rg).arm()?;
    let nics = ctx.state.list_network_interfaces(&ctx.caller, sub, rg).arm()?;
    let mut all: Vec<Generic> = nets.into_iter().map(Generic::of).chain(nics.into_iter().map(Generic::of)).collect();
    all.sort_by_cached_key(|g| g.id.to_ascii_lowercase());
    let matching: Vec<&Generic> = all.iter().filter(|g| wanted.matches(g)).collect();
    crate::wire::arm::list(ctx, matching.into_iter(), Generic::render)
}
