//! Service principals: Microsoft's own (derived, in every tenant) and those created from an app,
//! with Entra ID's rules on who may create, change and delete them.

use crate::error::{EmulatorError, Result};
use crate::identity::directory::ObjectKey;
use crate::identity::first_party;
use crate::identity::objects::*;
use crate::identity::properties::{self, Properties};
use crate::model::state::State;
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use uuid::Uuid;

impl State {
    /// The service principals of the caller's tenant that pass `filter`, Microsoft's first.
    pub fn list_service_principals(
        &self,
        p: &Principal,
        filter: impl Fn(&ServicePrincipal) -> bool,
    ) -> Result<Vec<Cow<'_, ServicePrincipal>>> {
        self.check_can_read(p)?;
        let stored = self.service_principals.values().filter(|s| s.tenant_id == p.tenant_id).map(Cow::Borrowed);
        Ok(first_party::service_principals(p.tenant_id).map(Cow::Owned).chain(stored).filter(|s| filter(s)).collect())
    }

    /// A service principal of the caller's tenant (Microsoft's included), by object id or app id.
    pub fn find_service_principal(&self, p: &Principal, key: ObjectKey) -> Result<Cow<'_, ServicePrincipal>> {
        let found = match key {
            ObjectKey::ObjectId(id) => self.service_principals.get(&id).filter(|s| s.tenant_id == p.tenant_id),
            ObjectKey::AppId(app_id) => self.service_principal_for(p.tenant_id, app_id),
        };
        let first_party = || {
            first_party::service_principals(p.tenant_id).find(|s| match key {
                ObjectKey::ObjectId(id) => s.id == id,
                ObjectKey::AppId(app_id) => s.app_id == app_id,
            })
        };
        found
            .map(Cow::Borrowed)
            .or_else(|| first_party().map(Cow::Owned))
            .ok_or_else(|| EmulatorError::GraphResourceNotFound("servicePrincipal".into()))
    }

    pub fn read_service_principal(&self, p: &Principal, key: ObjectKey) -> Result<Cow<'_, ServicePrincipal>> {
        self.check_can_read(p)?;
        self.find_service_principal(p, key)
    }

    /// Creates the service principal of `app_id` in the caller's tenant, with Entra ID's rules: the
    /// app's owner or an administrator for a local app; only an administrator, and only for a
    /// multi-tenant app, for another tenant's app.
    pub fn create_service_principal(
        &mut self,
        p: &Principal,
        app_id: Uuid,
        stored: Properties,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        if first_party::is_first_party(app_id) {
            return Err(EmulatorError::ServicePrincipalNameInUse(app_id.to_string()));
        }
        properties::check_size(&stored)?;
        let app = self
            .application_by_app_id(app_id)
            .ok_or_else(|| EmulatorError::NoBackingApplicationObject(app_id.to_string()))?;
        let local = app.tenant_id == p.tenant_id;
        if local {
            if !self.can_manage_application(p, app) {
                return Err(EmulatorError::GraphInsufficientPrivileges);
            }
        } else {
            if app.sign_in_audience != SignInAudience::AzureADMultipleOrgs {
                return Err(EmulatorError::NoBackingApplicationObject(app_id.to_string()));
            }
            if !self.is_application_admin(p) {
                return Err(EmulatorError::GraphForeignAppNeedsAdmin);
            }
        }
        if self.service_principal_for(p.tenant_id, app_id).is_some() {
            return Err(EmulatorError::ServicePrincipalNameInUse(app_id.to_string()));
        }
        self.check_directory_quota(p.tenant_id)?;
        let sp = ServicePrincipal {
            id: Uuid::new_v4(),
            app_id,
            tenant_id: p.tenant_id,
            app_owner_tenant_id: app.tenant_id,
            display_name: app.display_name.clone(),
            account_enabled: true,
            directory_roles: vec![],
            created: now,
            properties: stored,
        };
        let id = sp.id;
        self.service_principals.insert(id, sp);
        Ok(id)
    }

    pub fn delete_service_principal(&mut self, p: &Principal, key: ObjectKey) -> Result<()> {
        let id = self.check_can_manage_service_principal(p, key)?;
        // Its role assignments stay, as in Azure: shown with an unknown principal, still counted
        // against the limits and still holding their role definitions.
        self.service_principals.remove(&id);
        Ok(())
    }

    /// A PATCH of a service principal's stored properties (`tags`, `notes`…).
    pub fn update_service_principal(&mut self, p: &Principal, key: ObjectKey, patch: Properties) -> Result<()> {
        let id = self.check_can_manage_service_principal(p, key)?;
        let Some(sp) = self.service_principals.get_mut(&id) else {
            return Err(EmulatorError::GraphResourceNotFound(id.to_string()));
        };
        properties::merge(&mut sp.properties, patch)
    }

    /// The object id of a service principal the caller may change: an administrator's, or the
    /// owner's of its local app. Microsoft's own answer as Entra ID answers for them.
    fn check_can_manage_service_principal(&self, p: &Principal, key: ObjectKey) -> Result<Uuid> {
        let sp = self.find_service_principal(p, key)?;
        if first_party::is_first_party(sp.app_id) {
            return Err(EmulatorError::GraphMicrosoftInternal);
        }
        let owns = self
            .application_by_app_id(sp.app_id)
            .is_some_and(|a| a.tenant_id == p.tenant_id && a.owners.contains(&p.object_id));
        if !(self.is_application_admin(p) || owns) {
            return Err(EmulatorError::GraphInsufficientPrivileges);
        }
        Ok(sp.id)
    }
}
