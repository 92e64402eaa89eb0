//! Graph properties the emulator stores without modelling them (`web.redirectUris`, `spa`, `tags`,
//! `notes`, `requiredResourceAccess`…). Clients such as msgraph-sdk and Terraform write them and read
//! them back, so dropping them would make a second apply see drift. Only Graph's own property names
//! are taken (anything else is refused as Graph refuses it), and one object's stored properties are
//! bounded, so no tenant can grow the state without limit.

use crate::error::{EmulatorError, Result};
use serde_json::{Map, Value};

pub type Properties = Map<String, Value>;

/// The most one object's stored properties may take, serialised. Entra ID bounds an object's size
/// too; this figure is the emulator's, well above what a real app registration holds.
pub const MAX_BYTES: usize = 32 * 1024;

/// What Graph knows about one entity type's properties.
pub struct Entity {
    /// The name in Graph's errors (`microsoft.graph.{name}`).
    pub name: &'static str,
    /// Read into the model's own fields by the route.
    pub modelled: &'static [&'static str],
    /// Set by the directory; a client echoing them back changes nothing, as in Graph.
    pub read_only: &'static [&'static str],
    /// Stored as sent and returned on every read.
    pub stored: &'static [&'static str],
}

pub const APPLICATION: Entity = Entity {
    name: "application",
    modelled: &["displayName", "signInAudience", "identifierUris"],
    read_only: &[
        "id",
        "appId",
        "applicationTemplateId",
        "certification",
        "createdDateTime",
        "deletedDateTime",
        "publisherDomain",
        "verifiedPublisher",
    ],
    stored: &[
        "addIns",
        "api",
        "appRoles",
        "authenticationBehaviors",
        "defaultRedirectUri",
        "description",
        "disabledByMicrosoftStatus",
        "groupMembershipClaims",
        "info",
        "isDeviceOnlyAuthSupported",
        "isFallbackPublicClient",
        "logo",
        "nativeAuthenticationApisEnabled",
        "notes",
        "oauth2RequirePostResponse",
        "optionalClaims",
        "parentalControlSettings",
        "publicClient",
        "requestSignatureVerification",
        "requiredResourceAccess",
        "samlMetadataUrl",
        "serviceManagementReference",
        "servicePrincipalLockConfiguration",
        "spa",
        "tags",
        "tokenEncryptionKeyId",
        "uniqueName",
        "web",
    ],
};

pub const SERVICE_PRINCIPAL: Entity = Entity {
    name: "servicePrincipal",
    modelled: &["appId", "accountEnabled", "displayName"],
    read_only: &[
        "id",
        "appDisplayName",
        "applicationTemplateId",
        "appOwnerOrganizationId",
        "createdDateTime",
        "deletedDateTime",
        "resourceSpecificApplicationPermissions",
        "signInAudience",
        "verifiedPublisher",
    ],
    stored: &[
        "addIns",
        "alternativeNames",
        "appDescription",
        "appRoleAssignmentRequired",
        "appRoles",
        "customSecurityAttributes",
        "description",
        "disabledByMicrosoftStatus",
        "homepage",
        "info",
        "loginUrl",
        "logoutUrl",
        "notes",
        "notificationEmailAddresses",
        "oauth2PermissionScopes",
        "preferredSingleSignOnMode",
        "preferredTokenSigningKeyThumbprint",
        "replyUrls",
        "samlSingleSignOnSettings",
        "servicePrincipalNames",
        "servicePrincipalType",
        "tags",
        "tokenEncryptionKeyId",
    ],
};

/// Takes the stored properties out of a request body, leaving the modelled ones for the route;
/// read-only properties and instance annotations (`@odata.type`) are dropped as Graph ignores them.
/// Credentials are written only through actions (`addPassword`); an empty list is accepted, since
/// clients send `keyCredentials: []` with a new app.
pub fn split(entity: &Entity, body: &mut Map<String, Value>) -> Result<Properties> {
    let mut stored = Properties::new();
    for key in body.keys().cloned().collect::<Vec<_>>() {
        let k = key.as_str();
        if entity.modelled.contains(&k) {
            continue;
        }
        let value = body.remove(k).unwrap_or(Value::Null);
        if k.starts_with('@') || entity.read_only.contains(&k) {
            continue;
        }
        let empty = value.as_array().is_some_and(Vec::is_empty) || value.is_null();
        match k {
            "passwordCredentials" if !empty => return Err(EmulatorError::GraphCredentialsNeedActions),
            "keyCredentials" if !empty => {
                return Err(EmulatorError::GraphInvalidValueBecause {
                    property: k.into(),
                    resource: entity.name.into(),
                    reason: "the emulator does not model certificate credentials; add a secret with addPassword."
                        .into(),
                })
            }
            "passwordCredentials" | "keyCredentials" => {}
            _ if entity.stored.contains(&k) => {
                stored.insert(key, value);
            }
            _ => {
                return Err(EmulatorError::GraphUnknownProperty {
                    property: crate::model::names::printable(k),
                    entity: entity.name.into(),
                })
            }
        }
    }
    Ok(stored)
}

/// A PATCH: each property given replaces the stored one whole, as Graph replaces top-level
/// properties (a `web` sent without `redirectUris` clears them); the rest stay.
pub fn merge(into: &mut Properties, patch: Properties) -> Result<()> {
    into.extend(patch);
    check_size(into)
}

pub fn check_size(p: &Properties) -> Result<()> {
    let size = serde_json::to_vec(p).map(|v| v.len()).unwrap_or(usize::MAX);
    if size > MAX_BYTES {
        return Err(EmulatorError::GraphObjectTooLarge);
    }
    Ok(())
}

/// Lays the stored properties over an entity's rendered defaults.
pub fn overlay(rendered: &mut Value, p: &Properties) {
    if let Some(o) = rendered.as_object_mut() {
        o.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn split_keeps_modelled_stores_known_and_drops_read_only_and_annotations() {
        let mut b = body(json!({
            "@odata.type": "#microsoft.graph.application", "displayName": "a", "id": "x",
            "web": {"redirectUris": ["https://a.example/cb"]}, "tags": ["t"], "keyCredentials": []
        }));
        let stored = split(&APPLICATION, &mut b).unwrap();
        assert_eq!(Value::Object(b), json!({"displayName": "a"}));
        assert_eq!(Value::Object(stored), json!({"web": {"redirectUris": ["https://a.example/cb"]}, "tags": ["t"]}));
    }

    #[test]
    fn unknown_properties_and_inline_secrets_are_refused() {
        let mut b = body(json!({"displayName": "a", "colour": "red"}));
        let e = split(&APPLICATION, &mut b).unwrap_err();
        assert!(e.to_string().contains("'colour' does not exist on type 'microsoft.graph.application'"), "{e}");
        let mut b = body(json!({"passwordCredentials": [{"secretText": "s"}]}));
        assert!(matches!(split(&APPLICATION, &mut b), Err(EmulatorError::GraphCredentialsNeedActions)));
        let mut b = body(json!({"keyCredentials": [{"key": "AAAA"}]}));
        assert!(matches!(split(&SERVICE_PRINCIPAL, &mut b), Err(EmulatorError::GraphInvalidValueBecause { .. })));
    }

    #[test]
    fn merge_replaces_top_level_properties_and_bounds_the_object() {
        let mut p = body(json!({"web": {"redirectUris": ["https://a/"], "homePageUrl": "https://h/"}, "notes": "n"}));
        merge(&mut p, body(json!({"web": {"redirectUris": []}}))).unwrap();
        assert_eq!(Value::Object(p.clone()), json!({"web": {"redirectUris": []}, "notes": "n"}));
        let big = "x".repeat(MAX_BYTES);
        assert!(matches!(merge(&mut p, body(json!({"notes": big}))), Err(EmulatorError::GraphObjectTooLarge)));
    }
}
