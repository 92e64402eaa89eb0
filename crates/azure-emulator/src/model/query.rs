//! The OData `$filter` forms clients send (`startswith(displayName,'x')`, `appId eq 'x'`,
//! `servicePrincipalNames/any(c:c eq 'x')`, `roleName eq 'x'`), evaluated on the model's own entities
//! through the properties each one exposes (`Filterable`), never on rendered JSON.

use crate::authorization::rbac::{RoleDefinition, RoleType};
use crate::error::{EmulatorError, Result};
use crate::identity::objects::{Application, ServicePrincipal, User};

/// An entity's filterable properties, by their wire names.
pub trait Filterable {
    /// A single-valued string property.
    fn text(&self, field: &str) -> Option<String>;
    /// A collection of strings.
    fn texts(&self, _field: &str) -> Vec<String> {
        vec![]
    }
}

impl Filterable for Application {
    fn text(&self, field: &str) -> Option<String> {
        match field {
            "id" => Some(self.id.to_string()),
            "appId" => Some(self.app_id.to_string()),
            "displayName" => Some(self.display_name.clone()),
            "signInAudience" => Some(self.sign_in_audience.as_str().into()),
            _ => None,
        }
    }
    fn texts(&self, field: &str) -> Vec<String> {
        match field {
            "identifierUris" => self.identifier_uris.clone(),
            _ => vec![],
        }
    }
}

impl Filterable for User {
    fn text(&self, field: &str) -> Option<String> {
        match field {
            "id" => Some(self.id.to_string()),
            "userPrincipalName" | "mail" => Some(self.user_principal_name.clone()),
            "displayName" => Some(self.display_name.clone()),
            _ => None,
        }
    }
}

impl Filterable for ServicePrincipal {
    fn text(&self, field: &str) -> Option<String> {
        match field {
            "id" => Some(self.id.to_string()),
            "appId" => Some(self.app_id.to_string()),
            "displayName" => Some(self.display_name.clone()),
            "appOwnerOrganizationId" => Some(self.app_owner_tenant_id.to_string()),
            "servicePrincipalType" => Some("Application".into()),
            _ => None,
        }
    }
    fn texts(&self, field: &str) -> Vec<String> {
        match field {
            "servicePrincipalNames" => vec![self.app_id.to_string()],
            _ => vec![],
        }
    }
}

impl Filterable for RoleDefinition {
    fn text(&self, field: &str) -> Option<String> {
        match field {
            "roleName" => Some(self.role_name.clone()),
            "type" | "roleType" => Some(
                match self.role_type {
                    RoleType::BuiltInRole => "BuiltInRole",
                    RoleType::CustomRole => "CustomRole",
                }
                .into(),
            ),
            "description" => Some(self.description.clone()),
            _ => None,
        }
    }
}

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
    let bad = || EmulatorError::GraphUnsupportedQuery(crate::model::names::printable(raw));
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
    /// Graph and ARM compare these string properties without regard to case.
    pub fn matches(&self, entity: &impl Filterable) -> bool {
        let text = |f: &str| entity.text(f).map(|t| t.to_lowercase());
        match self {
            Filter::Eq { field, value } => text(field).is_some_and(|t| t == value.to_lowercase()),
            Filter::StartsWith { field, value } => text(field).is_some_and(|t| t.starts_with(&value.to_lowercase())),
            Filter::AnyEq { field, value } => entity.texts(field).iter().any(|s| s.eq_ignore_ascii_case(value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    struct E;
    impl Filterable for E {
        fn text(&self, f: &str) -> Option<String> {
            (f == "displayName").then(|| "Peering App".into())
        }
        fn texts(&self, f: &str) -> Vec<String> {
            if f == "servicePrincipalNames" {
                vec!["ABC".into()]
            } else {
                vec![]
            }
        }
    }

    #[test]
    fn matches_case_insensitively() {
        assert!(parse("startswith(displayName,'peering')").unwrap().matches(&E));
        assert!(parse("servicePrincipalNames/any(c:c eq 'abc')").unwrap().matches(&E));
        assert!(!parse("displayName eq 'Peering'").unwrap().matches(&E));
        assert!(!parse("unknown eq 'x'").unwrap().matches(&E));
    }
}
