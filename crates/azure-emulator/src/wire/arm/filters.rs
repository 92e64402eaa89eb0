//! ARM `$filter` plumbing shared by the lists that take one.

use super::ArmCtx;
use crate::error::EmulatorError;
use crate::model::names;
use crate::wire::envelope::ApiError;

/// `$filter` clauses joined by `and`.
pub fn clauses(ctx: &ArmCtx) -> Vec<String> {
    ctx.query
        .get("$filter")
        .map(|f| f.split(" and ").map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect())
        .unwrap_or_default()
}

pub fn bad_filter(clause: &str) -> ApiError {
    ApiError::arm(EmulatorError::InvalidParameter(format!(
        "The $filter clause '{}' is not supported.",
        names::printable(clause)
    )))
}
