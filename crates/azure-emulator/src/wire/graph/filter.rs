//! The OData `$filter` forms Graph clients send (`startswith(displayName,'x')`, `appId eq 'x'`,
//! `servicePrincipalNames/any(c:c eq 'x')`), evaluated over the rendered JSON of an entity.

use crate::error::{EmulatorError, Result};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Eq { field: String, value: String },
    StartsWith { field: String, value: String },
    AnyEq { field: String, value: String },
}

/// Parses a quoted OData string literal (`'it''s'`), returning it and the rest of the input.
fn literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start().strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|(_, n)| *n) == Some('\'') {
                out.push('\'');
                chars.next();
            } else {
                return Some((out, &s[i + 1..]));
            }
        } else {
            out.push(c);
        }
    }
    None
}

pub fn parse(raw: &str) -> Result<Filter> {
    let bad = || EmulatorError::GraphUnsupportedQuery(raw.to_string());
    let s = raw.trim();
    if let Some(rest) = s.strip_prefix("startswith(").or_else(|| s.strip_prefix("startsWith(")) {
        let (field, rest) = rest.split_once(',').ok_or_else(bad)?;
        let (value, rest) = literal(rest).ok_or_else(bad)?;
        if rest.trim() != ")" {
            return Err(bad());
        }
        return Ok(Filter::StartsWith { field: field.trim().to_string(), value });
    }
    if let Some((field, rest)) = s.split_once("/any(") {
        let (var, cond) = rest.split_once(':').ok_or_else(bad)?;
        let cond = cond.trim_start().strip_prefix(var.trim()).ok_or_else(bad)?;
        let cond = cond.trim_start().strip_prefix("eq").ok_or_else(bad)?;
        let (value, rest) = literal(cond).ok_or_else(bad)?;
        if rest.trim() != ")" {
            return Err(bad());
        }
        return Ok(Filter::AnyEq { field: field.trim().to_string(), value });
    }
    let (field, rest) = s.split_once(" eq ").ok_or_else(bad)?;
    let (value, rest) = literal(rest).ok_or_else(bad)?;
    if !rest.trim().is_empty() || field.trim().contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok(Filter::Eq { field: field.trim().to_string(), value })
}

impl Filter {
    /// Graph compares these string properties without regard to case.
    pub fn matches(&self, entity: &Value) -> bool {
        let text = |f: &str| entity.get(f).and_then(Value::as_str).map(str::to_lowercase);
        match self {
            Filter::Eq { field, value } => text(field).is_some_and(|t| t == value.to_lowercase()),
            Filter::StartsWith { field, value } => text(field).is_some_and(|t| t.starts_with(&value.to_lowercase())),
            Filter::AnyEq { field, value } => entity
                .get(field)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(value)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_forms_az_sends() {
        assert_eq!(
            parse("startswith(displayName,'my app')").unwrap(),
            Filter::StartsWith { field: "displayName".into(), value: "my app".into() }
        );
        assert_eq!(parse("appId eq 'abc'").unwrap(), Filter::Eq { field: "appId".into(), value: "abc".into() });
        assert_eq!(
            parse("servicePrincipalNames/any(c:c eq 'x''y')").unwrap(),
            Filter::AnyEq { field: "servicePrincipalNames".into(), value: "x'y".into() }
        );
        assert!(parse("displayName ne 'x'").is_err());
        assert!(parse("startswith(displayName,'x'").is_err());
    }

    #[test]
    fn matches_case_insensitively() {
        let e = json!({"displayName": "Peering App", "servicePrincipalNames": ["ABC"]});
        assert!(parse("startswith(displayName,'peering')").unwrap().matches(&e));
        assert!(parse("servicePrincipalNames/any(c:c eq 'abc')").unwrap().matches(&e));
        assert!(!parse("displayName eq 'Peering'").unwrap().matches(&e));
    }
}
