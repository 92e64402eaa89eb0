//! Graph's JSON for applications, service principals and users.

use crate::identity::objects::{Application, PasswordCredential, ServicePrincipal, User};
use crate::identity::properties::overlay;
use crate::model::State;
use serde_json::{json, Value};

const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata";

pub fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn password_credential(c: &PasswordCredential, secret_text: Option<&str>) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": c.display_name,
        "endDateTime": time(c.end),
        "hint": c.hint,
        "keyId": c.key_id,
        "secretText": secret_text,
        "startDateTime": time(c.start),
    })
}

/// Graph's defaults, with the properties stored for this app laid over them.
pub fn application(state: &State, a: &Application) -> Value {
    let domain = state.tenants.get(&a.tenant_id).map(|t| t.default_domain.clone());
    let mut v = json!({
        "@odata.type": "#microsoft.graph.application",
        "id": a.id,
        "deletedDateTime": null,
        "appId": a.app_id,
        "applicationTemplateId": null,
        "disabledByMicrosoftStatus": null,
        "createdDateTime": time(a.created),
        "displayName": a.display_name,
        "description": null,
        "groupMembershipClaims": null,
        "identifierUris": a.identifier_uris,
        "isDeviceOnlyAuthSupported": null,
        "isFallbackPublicClient": null,
        "notes": null,
        "publisherDomain": domain,
        "serviceManagementReference": null,
        "signInAudience": a.sign_in_audience.as_str(),
        "tags": [],
        "tokenEncryptionKeyId": null,
        "defaultRedirectUri": null,
        "optionalClaims": null,
        "addIns": [],
        "api": {"acceptMappedClaims": null, "knownClientApplications": [], "requestedAccessTokenVersion": null, "oauth2PermissionScopes": [], "preAuthorizedApplications": []},
        "appRoles": [],
        "info": {"logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null},
        "keyCredentials": [],
        "parentalControlSettings": {"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"},
        "passwordCredentials": a.password_credentials.iter().map(|c| password_credential(c, None)).collect::<Vec<_>>(),
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [],
        "verifiedPublisher": {"displayName": null, "verifiedPublisherId": null, "addedDateTime": null},
        "web": {"homePageUrl": null, "logoutUrl": null, "redirectUris": [], "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
        "spa": {"redirectUris": []},
    });
    overlay(&mut v, &a.properties);
    v
}

pub fn service_principal(state: &State, s: &ServicePrincipal) -> Value {
    let app = state.application_by_app_id(s.app_id);
    let mut v = json!({
        "@odata.type": "#microsoft.graph.servicePrincipal",
        "id": s.id,
        "deletedDateTime": null,
        "accountEnabled": s.account_enabled,
        "alternativeNames": [],
        "appDisplayName": app.map(|a| a.display_name.clone()).unwrap_or_else(|| s.display_name.clone()),
        "appDescription": null,
        "appId": s.app_id,
        "applicationTemplateId": null,
        "appOwnerOrganizationId": s.app_owner_tenant_id,
        "appRoleAssignmentRequired": false,
        "createdDateTime": time(s.created),
        "description": null,
        "displayName": s.display_name,
        "homepage": null,
        "loginUrl": null,
        "logoutUrl": null,
        "notes": null,
        "notificationEmailAddresses": [],
        "preferredSingleSignOnMode": null,
        "replyUrls": [],
        "servicePrincipalNames": [s.app_id.to_string()],
        "servicePrincipalType": "Application",
        "signInAudience": app.map(|a| a.sign_in_audience.as_str()).unwrap_or("AzureADMultipleOrgs"),
        "tags": [],
        "tokenEncryptionKeyId": null,
        "info": null,
        "addIns": [],
        "appRoles": [],
        "keyCredentials": [],
        "oauth2PermissionScopes": [],
        "passwordCredentials": [],
        "resourceSpecificApplicationPermissions": [],
        "verifiedPublisher": {"displayName": null, "verifiedPublisherId": null, "addedDateTime": null},
    });
    overlay(&mut v, &s.properties);
    v
}

pub fn user(u: &User) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.user",
        "id": u.id,
        "businessPhones": [],
        "displayName": u.display_name,
        "givenName": null,
        "jobTitle": null,
        "mail": null,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": null,
        "surname": null,
        "userPrincipalName": u.user_principal_name,
    })
}

pub fn entity(set: &str, mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.insert("@odata.context".into(), json!(format!("{CONTEXT}#{set}/$entity")));
    }
    v
}

pub fn collection(set: &str, values: Vec<Value>) -> Value {
    json!({ "@odata.context": format!("{CONTEXT}#{set}"), "value": values })
}
