//! Entra ID rules: who may register applications, add secrets and create service principals, and
//! which credentials sign in to which tenant.

use crate::error::{EmulatorError, Result};
use crate::identity::objects::*;
use crate::identity::properties::{self, Properties};
use crate::identity::secrets;
use crate::model::limits;
use crate::model::state::State;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Fields of an application a PATCH may change.
#[derive(Debug, Default, Clone)]
pub struct ApplicationPatch {
    pub display_name: Option<String>,
    pub sign_in_audience: Option<SignInAudience>,
    pub identifier_uris: Option<Vec<String>>,
    /// Stored properties given; each replaces the stored one.
    pub properties: Properties,
}

/// How Graph names an application or service principal: by object id (`/applications/{id}`) or by
/// its app id (`/applications(appId='{appId}')`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKey {
    ObjectId(Uuid),
    AppId(Uuid),
}

/// What `directoryObjects/getByIds` finds.
pub enum DirectoryObject<'a> {
    User(&'a User),
    ServicePrincipal(std::borrow::Cow<'a, ServicePrincipal>),
    Application(&'a Application),
}

/// Graph answers at most 1000 ids per `getByIds` call.
pub const MAX_IDS_PER_LOOKUP: usize = 1000;

impl State {
    /// The objects of the caller's tenant among `ids`, of the `types` asked for (all when empty);
    /// ids of other tenants' objects find nothing.
    pub fn directory_objects_by_ids(
        &self,
        p: &Principal,
        ids: &[String],
        types: &[String],
    ) -> Result<Vec<DirectoryObject<'_>>> {
        self.check_can_read(p)?;
        if ids.len() > MAX_IDS_PER_LOOKUP {
            return Err(EmulatorError::GraphInvalidValueBecause {
                property: "ids".into(),
                resource: "directoryObjects".into(),
                reason: format!("at most {MAX_IDS_PER_LOOKUP} ids are allowed per request."),
            });
        }
        let wants = |t: &str| types.is_empty() || types.iter().any(|x| x.eq_ignore_ascii_case(t));
        let tenant = p.tenant_id;
        Ok(ids
            .iter()
            .filter_map(|i| Uuid::parse_str(i).ok())
            .filter_map(|id| {
                if let Some(u) = self.users.get(&id).filter(|u| u.tenant_id == tenant && wants("user")) {
                    Some(DirectoryObject::User(u))
                } else if let Some(s) =
                    self.service_principals.get(&id).filter(|s| s.tenant_id == tenant && wants("servicePrincipal"))
                {
                    Some(DirectoryObject::ServicePrincipal(std::borrow::Cow::Borrowed(s)))
                } else if let Some(s) = crate::identity::first_party::service_principals(tenant)
                    .find(|s| s.id == id && wants("servicePrincipal"))
                {
                    Some(DirectoryObject::ServicePrincipal(std::borrow::Cow::Owned(s)))
                } else {
                    self.applications
                        .get(&id)
                        .filter(|a| a.tenant_id == tenant && wants("application"))
                        .map(DirectoryObject::Application)
                }
            })
            .collect())
    }

    /// The users of the caller's tenant that pass `filter`.
    pub fn list_users(&self, p: &Principal, filter: impl Fn(&User) -> bool) -> Result<Vec<&User>> {
        self.check_can_read(p)?;
        Ok(self.users.values().filter(|u| u.tenant_id == p.tenant_id && filter(u)).collect())
    }

    /// A user of the caller's tenant, by object id or user principal name.
    pub fn read_user(&self, p: &Principal, key: &str) -> Result<&User> {
        self.check_can_read(p)?;
        let found = match Uuid::parse_str(key) {
            Ok(id) => self.users.get(&id),
            Err(_) => self.user_by_upn(key),
        };
        found
            .filter(|u| u.tenant_id == p.tenant_id)
            .ok_or_else(|| EmulatorError::GraphResourceNotFound(crate::model::names::printable(key)))
    }

    /// The applications of the caller's tenant that pass `filter`; reading needs directory access.
    pub fn list_applications(&self, p: &Principal, filter: impl Fn(&Application) -> bool) -> Result<Vec<&Application>> {
        self.check_can_read(p)?;
        Ok(self.applications.values().filter(|a| a.tenant_id == p.tenant_id && filter(a)).collect())
    }

    /// An application of the caller's tenant, by either key.
    pub fn find_application(&self, p: &Principal, key: ObjectKey) -> Result<&Application> {
        let found = match key {
            ObjectKey::ObjectId(id) => self.applications.get(&id),
            ObjectKey::AppId(app_id) => self.application_by_app_id(app_id),
        };
        let not_found = || {
            EmulatorError::GraphResourceNotFound(match key {
                ObjectKey::ObjectId(id) | ObjectKey::AppId(id) => id.to_string(),
            })
        };
        found.filter(|a| a.tenant_id == p.tenant_id).ok_or_else(not_found)
    }

    pub fn read_application(&self, p: &Principal, key: ObjectKey) -> Result<&Application> {
        self.check_can_read(p)?;
        self.find_application(p, key)
    }

    pub(super) fn check_can_read(&self, p: &Principal) -> Result<()> {
        if self.can_read_directory(p) {
            Ok(())
        } else {
            Err(EmulatorError::GraphInsufficientPrivileges)
        }
    }

    pub fn tenant(&self, id: Uuid) -> Result<&Tenant> {
        self.tenants.get(&id).ok_or_else(|| EmulatorError::AadTenantNotFound(id.to_string()))
    }

    /// Resolves what a client puts in a login URL: a tenant GUID or one of its domains.
    pub fn resolve_tenant(&self, segment: &str) -> Result<&Tenant> {
        let found = match Uuid::parse_str(segment) {
            Ok(id) => self.tenants.get(&id),
            Err(_) => self.tenants.values().find(|t| t.default_domain.eq_ignore_ascii_case(segment)),
        };
        found.ok_or_else(|| EmulatorError::AadTenantNotFound(segment.to_string()))
    }

    pub fn directory_roles_of(&self, p: &Principal) -> &[DirectoryRole] {
        let roles = match p.kind {
            PrincipalKind::User => self.users.get(&p.object_id).map(|u| &u.directory_roles),
            PrincipalKind::ServicePrincipal => self.service_principals.get(&p.object_id).map(|s| &s.directory_roles),
        };
        roles.map(|r| r.as_slice()).unwrap_or(&[])
    }

    /// Global, Application and Cloud Application Administrators manage every app and SP of a tenant.
    pub fn is_application_admin(&self, p: &Principal) -> bool {
        !self.directory_roles_of(p).is_empty()
    }

    /// Members read the directory; an application needs a directory role (we do not model Graph
    /// application permissions separately).
    pub fn can_read_directory(&self, p: &Principal) -> bool {
        p.kind == PrincipalKind::User || self.is_application_admin(p)
    }

    pub(super) fn can_manage_application(&self, p: &Principal, app: &Application) -> bool {
        app.tenant_id == p.tenant_id && (self.is_application_admin(p) || app.owners.contains(&p.object_id))
    }

    pub fn create_application(
        &mut self,
        p: &Principal,
        display_name: &str,
        audience: SignInAudience,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        let tenant = self.tenant(p.tenant_id)?;
        let allowed = self.is_application_admin(p) || (p.kind == PrincipalKind::User && tenant.users_can_register_apps);
        if !allowed {
            return Err(EmulatorError::GraphInsufficientPrivileges);
        }
        check_display_name(display_name)?;
        self.check_directory_quota(p.tenant_id)?;
        let id = Uuid::new_v4();
        let owners = if p.kind == PrincipalKind::User { vec![p.object_id] } else { vec![] };
        self.applications.insert(
            id,
            Application {
                id,
                app_id: Uuid::new_v4(),
                tenant_id: p.tenant_id,
                display_name: display_name.to_string(),
                sign_in_audience: audience,
                password_credentials: vec![],
                identifier_uris: vec![],
                owners,
                created: now,
                properties: Properties::new(),
            },
        );
        Ok(id)
    }

    pub fn update_application(&mut self, p: &Principal, key: ObjectKey, patch: ApplicationPatch) -> Result<()> {
        let app = self.find_application(p, key)?;
        let object_id = app.id;
        if !self.can_manage_application(p, app) {
            return Err(EmulatorError::GraphInsufficientPrivileges);
        }
        if let Some(n) = &patch.display_name {
            check_display_name(n)?;
        }
        if let Some(uris) = &patch.identifier_uris {
            check_identifier_uris(uris)?;
        }
        let Some(app) = self.applications.get_mut(&object_id) else {
            return Err(EmulatorError::GraphResourceNotFound(object_id.to_string()));
        };
        if let Some(n) = patch.display_name {
            app.display_name = n;
        }
        if let Some(a) = patch.sign_in_audience {
            app.sign_in_audience = a;
        }
        if let Some(u) = patch.identifier_uris {
            app.identifier_uris = u;
        }
        properties::merge(&mut app.properties, patch.properties)
    }

    /// Deleting an application also deletes its service principal in the home tenant; service
    /// principals in other tenants stay, as in Entra ID.
    pub fn delete_application(&mut self, p: &Principal, key: ObjectKey) -> Result<()> {
        let app = self.find_application(p, key)?;
        let object_id = app.id;
        if !self.can_manage_application(p, app) {
            return Err(EmulatorError::GraphInsufficientPrivileges);
        }
        let (app_id, tenant) = (app.app_id, app.tenant_id);
        self.applications.remove(&object_id);
        self.service_principals.retain(|_, s| !(s.app_id == app_id && s.tenant_id == tenant));
        Ok(())
    }

    /// Adds a secret and returns it in clear exactly once; only its hash is kept.
    pub fn add_password(
        &mut self,
        p: &Principal,
        key: ObjectKey,
        display_name: Option<String>,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(PasswordCredential, String)> {
        let app = self.find_application(p, key)?;
        let object_id = app.id;
        if !self.can_manage_application(p, app) {
            return Err(EmulatorError::GraphInsufficientPrivileges);
        }
        if let Some(n) = &display_name {
            limits::graph_len("passwordCredential.displayName", "application", n, limits::CREDENTIAL_DISPLAY_NAME)?;
        }
        if app.password_credentials.len() >= limits::PASSWORD_CREDENTIALS_PER_APP {
            return Err(EmulatorError::GraphInvalidValueBecause {
                property: "passwordCredentials".into(),
                resource: "application".into(),
                reason: format!(
                    "an application holds at most {} secrets; remove one with removePassword first.",
                    limits::PASSWORD_CREDENTIALS_PER_APP
                ),
            });
        }
        let (start, end) = credential_window(start, end, now)?;
        let secret = secrets::new_client_secret();
        let cred = PasswordCredential {
            key_id: Uuid::new_v4(),
            display_name,
            hint: secret[..3].to_string(),
            secret_hash: secrets::hash_secret(&secret),
            start,
            end,
        };
        let Some(app) = self.applications.get_mut(&object_id) else {
            return Err(EmulatorError::GraphResourceNotFound(object_id.to_string()));
        };
        app.password_credentials.push(cred.clone());
        Ok((cred, secret))
    }

    pub fn remove_password(&mut self, p: &Principal, key: ObjectKey, key_id: Uuid) -> Result<()> {
        let app = self.find_application(p, key)?;
        let object_id = app.id;
        if !self.can_manage_application(p, app) {
            return Err(EmulatorError::GraphInsufficientPrivileges);
        }
        let Some(app) = self.applications.get_mut(&object_id) else {
            return Err(EmulatorError::GraphResourceNotFound(object_id.to_string()));
        };
        let before = app.password_credentials.len();
        app.password_credentials.retain(|c| c.key_id != key_id);
        if app.password_credentials.len() == before {
            return Err(EmulatorError::GraphNoSuchCredential(key_id.to_string()));
        }
        Ok(())
    }

    /// Entra ID's per-tenant quota of directory objects (users, applications, service principals).
    pub(super) fn check_directory_quota(&self, tenant: Uuid) -> Result<()> {
        let used = self.users.values().filter(|u| u.tenant_id == tenant).count()
            + self.applications.values().filter(|a| a.tenant_id == tenant).count()
            + self.service_principals.values().filter(|s| s.tenant_id == tenant).count();
        if used >= limits::DIRECTORY_OBJECTS_PER_TENANT {
            return Err(EmulatorError::GraphDirectoryQuotaExceeded(limits::DIRECTORY_OBJECTS_PER_TENANT));
        }
        Ok(())
    }

    /// The client-credentials check: the app must have a service principal in the tenant, then the
    /// secret must match one of the app's unexpired secrets.
    pub fn authenticate_client(
        &self,
        tenant: Uuid,
        app_id: &str,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Principal> {
        let t = self.tenant(tenant)?;
        let not_found =
            || EmulatorError::AadAppNotFoundInTenant { app_id: app_id.to_string(), tenant: t.display_name.clone() };
        let app_uuid = Uuid::parse_str(app_id).map_err(|_| not_found())?;
        let sp = self.service_principal_for(tenant, app_uuid).ok_or_else(not_found)?;
        let app = self.application_by_app_id(app_uuid).ok_or_else(not_found)?;
        let matching = app.password_credentials.iter().find(|c| secrets::verify_secret(secret, &c.secret_hash));
        match matching {
            None => Err(EmulatorError::AadInvalidClientSecret(app_id.to_string())),
            Some(c) if c.end <= now || c.start > now => Err(EmulatorError::AadSecretExpired(app_id.to_string())),
            Some(_) => Ok(Principal {
                tenant_id: tenant,
                object_id: sp.id,
                app_id: app_uuid,
                kind: PrincipalKind::ServicePrincipal,
                display: app_uuid.to_string(),
            }),
        }
    }
}

/// A tenant's own authority signs in only its users (we model no guests); `None`, a multi-tenant
/// authority, takes a user of any tenant.
pub fn user_signs_in_at(user: &User, tenant: Option<Uuid>) -> Result<()> {
    match tenant {
        Some(t) if t != user.tenant_id => {
            Err(EmulatorError::AadUserNotInTenant { upn: user.user_principal_name.clone(), tenant: t.to_string() })
        }
        _ => Ok(()),
    }
}

fn check_display_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(EmulatorError::GraphInvalidValue {
            property: "displayName".into(),
            resource: "application".into(),
        });
    }
    limits::graph_len("displayName", "application", name, limits::GRAPH_DISPLAY_NAME)
}

fn check_identifier_uris(uris: &[String]) -> Result<()> {
    if uris.len() > limits::IDENTIFIER_URIS {
        return Err(EmulatorError::GraphInvalidValueBecause {
            property: "identifierUris".into(),
            resource: "application".into(),
            reason: format!("at most {} identifier URIs are allowed.", limits::IDENTIFIER_URIS),
        });
    }
    uris.iter().try_for_each(|u| limits::graph_len("identifierUris", "application", u, limits::IDENTIFIER_URI_LENGTH))
}

/// A secret's validity window with Entra ID's rules: it ends after it starts, lives at most two
/// years, and both ends are dates .NET can hold. Defaults: from now, for two years.
fn credential_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let invalid = |property: &str, reason: String| EmulatorError::GraphInvalidValueBecause {
        property: format!("passwordCredential.{property}"),
        resource: "application".into(),
        reason,
    };
    let max = Duration::days(limits::SECRET_LIFETIME_DAYS);
    let start = start.unwrap_or(now);
    if !limits::in_dotnet_range(start) {
        return Err(invalid("startDateTime", "the date must lie between the years 0001 and 9999.".into()));
    }
    let end = match end {
        Some(e) => e,
        None => start
            .checked_add_signed(max)
            .filter(|e| limits::in_dotnet_range(*e))
            .ok_or_else(|| invalid("startDateTime", "a secret starting then would end after the year 9999.".into()))?,
    };
    if !limits::in_dotnet_range(end) {
        return Err(invalid("endDateTime", "the date must lie between the years 0001 and 9999.".into()));
    }
    if end <= start {
        return Err(invalid("endDateTime", "endDateTime must be later than startDateTime.".into()));
    }
    if end.signed_duration_since(start) > max {
        return Err(invalid(
            "endDateTime",
            format!("a client secret lives at most {} days (2 years); choose an earlier endDateTime.", max.num_days()),
        ));
    }
    Ok((start, end))
}
