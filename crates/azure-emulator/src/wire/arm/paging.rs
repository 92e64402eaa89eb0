//! ARM list paging: at most `listPageSize` items a page, the rest reached through `nextLink` (the
//! same URL with a `$skiptoken`), as clients must follow it against Azure. `$top` makes pages
//! smaller, as ARM reads it: SDK pagers following `nextLink` still see every item.

use super::ArmCtx;
use crate::error::EmulatorError;
use crate::wire::envelope::{ApiError, ApiResult};
use serde_json::{json, Value};

const SKIP_TOKEN: &str = "$skiptoken";

fn count(ctx: &ArmCtx, key: &str) -> ApiResult<Option<usize>> {
    match ctx.query.get(key) {
        None => Ok(None),
        Some(raw) => raw.trim().parse::<usize>().map(Some).map_err(|_| {
            ApiError::arm(EmulatorError::InvalidParameter(format!(
                "The value '{}' of query parameter '{key}' is not a valid count.",
                crate::model::names::printable(raw)
            )))
        }),
    }
}

/// The page of `items` the request asks for; only its items are rendered (a VNet with 500
/// peerings read 100 at a time renders each peering once, not once per page).
pub fn page<T>(
    ctx: &ArmCtx,
    items: impl ExactSizeIterator<Item = T>,
    render: impl FnMut(T) -> Value,
) -> ApiResult<Value> {
    let total = items.len();
    let skip = count(ctx, SKIP_TOKEN)?.unwrap_or(0).min(total);
    let size = ctx.state.knobs.list_page_size.min(count(ctx, "$top")?.unwrap_or(usize::MAX)).max(1);
    let end = skip.saturating_add(size).min(total);
    let more = end < total;
    let items: Vec<Value> = items.skip(skip).take(end - skip).map(render).collect();
    if !more {
        return Ok(json!({ "value": items }));
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut keys: Vec<_> = ctx.query.iter().filter(|(k, _)| k.as_str() != SKIP_TOKEN).collect();
    keys.sort();
    for (k, v) in keys {
        query.append_pair(k, v);
    }
    query.append_pair(SKIP_TOKEN, &end.to_string());
    let next = format!("{}{}?{}", ctx.origin, ctx.path, query.finish());
    Ok(json!({ "value": items, "nextLink": next }))
}
