//! `If-Match` / `If-None-Match` on writes and deletes, as ARM honours them: checked against the
//! resource's current etag inside the write, so no other write can slip in between.

use crate::error::{EmulatorError, Result};
use axum::http::HeaderMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Precondition {
    /// `If-Match`: `*` (must exist) or etags, one of which must be current.
    if_match: Option<Vec<String>>,
    /// `If-None-Match`: `*` (must not exist) or etags, none of which may be current.
    if_none_match: Option<Vec<String>>,
}

fn tags(headers: &HeaderMap, name: &str) -> Option<Vec<String>> {
    let raw = headers.get(name)?.to_str().ok()?;
    Some(raw.split(',').map(normalize).filter(|t| !t.is_empty()).collect())
}

/// `W/"abc"`, `"abc"` and `abc` name the same etag.
fn normalize(tag: &str) -> String {
    let t = tag.trim();
    let t = t.strip_prefix("W/").unwrap_or(t);
    t.trim_matches('"').to_ascii_lowercase()
}

impl Precondition {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Precondition { if_match: tags(headers, "if-match"), if_none_match: tags(headers, "if-none-match") }
    }

    /// `current`: the resource's etag as rendered, or `None` when it does not exist.
    pub fn check(&self, current: Option<&str>) -> Result<()> {
        let current = current.map(normalize);
        let holds =
            |list: &Vec<String>| list.iter().any(|t| t == "*" && current.is_some() || Some(t) == current.as_ref());
        if self.if_match.as_ref().is_some_and(|l| !holds(l)) || self.if_none_match.as_ref().is_some_and(holds) {
            return Err(EmulatorError::PreconditionFailed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, v: &str) -> Precondition {
        let mut h = HeaderMap::new();
        h.insert(name, v.parse().unwrap());
        Precondition::from_headers(&h)
    }

    #[test]
    fn star_and_etags_as_arm_reads_them() {
        let e = "W/\"0a1b\"";
        assert!(Precondition::default().check(None).is_ok());
        assert!(with("if-none-match", "*").check(None).is_ok());
        assert_eq!(with("if-none-match", "*").check(Some(e)), Err(EmulatorError::PreconditionFailed));
        assert!(with("if-match", "*").check(Some(e)).is_ok());
        assert!(with("if-match", "*").check(None).is_err());
        assert!(with("if-match", "\"0A1B\"").check(Some(e)).is_ok());
        assert!(with("if-match", "W/\"other\", W/\"0a1b\"").check(Some(e)).is_ok());
        assert!(with("if-match", "W/\"other\"").check(Some(e)).is_err());
        assert!(with("if-none-match", "W/\"other\"").check(Some(e)).is_ok());
    }
}
