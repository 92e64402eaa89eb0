//! Azure's built-in roles that the peering flow touches, with their real GUIDs and permissions.
//! Built-in GUIDs are the same in every cloud, so tools that hard-code them keep working.

use crate::authorization::rbac::{Permission, RoleDefinition, RoleType};
use chrono::{TimeZone, Utc};
use std::sync::OnceLock;
use uuid::Uuid;

pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
pub const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
pub const NETWORK_CONTRIBUTOR: &str = "4d97b98b-1d4f-4787-a291-c67834d212e7";
pub const USER_ACCESS_ADMINISTRATOR: &str = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

fn role(id: &str, name: &str, description: &str, actions: &[&str], not_actions: &[&str]) -> RoleDefinition {
    let created = Utc.with_ymd_and_hms(2015, 6, 2, 0, 18, 27).unwrap();
    RoleDefinition {
        id: Uuid::parse_str(id).expect("built-in role GUID"),
        role_name: name.into(),
        description: description.into(),
        role_type: RoleType::BuiltInRole,
        permissions: vec![Permission {
            actions: actions.iter().map(|s| s.to_string()).collect(),
            not_actions: not_actions.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }],
        assignable_scopes: vec!["/".into()],
        tenant_id: None,
        created,
        updated: Utc.with_ymd_and_hms(2021, 11, 11, 20, 13, 54).unwrap(),
        created_by: None,
        updated_by: None,
    }
}

pub fn builtin_roles() -> &'static [RoleDefinition] {
    static ROLES: OnceLock<Vec<RoleDefinition>> = OnceLock::new();
    ROLES.get_or_init(|| {
        vec![
            role(OWNER, "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", &["*"], &[]),
            role(
                CONTRIBUTOR,
                "Contributor",
                "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
                &["*"],
                &[
                    "Microsoft.Authorization/*/Delete",
                    "Microsoft.Authorization/*/Write",
                    "Microsoft.Authorization/elevateAccess/Action",
                    "Microsoft.Blueprint/blueprintAssignments/write",
                    "Microsoft.Blueprint/blueprintAssignments/delete",
                    "Microsoft.Compute/galleries/share/action",
                    "Microsoft.Purview/consents/write",
                    "Microsoft.Purview/consents/delete",
                    "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
                    "Microsoft.Subscription/cancel/action",
                    "Microsoft.Subscription/enable/action",
                ],
            ),
            role(READER, "Reader", "View all resources, but does not allow you to make any changes.", &["*/read"], &[]),
            role(
                NETWORK_CONTRIBUTOR,
                "Network Contributor",
                "Lets you manage networks, but not access to them.",
                &[
                    "Microsoft.Authorization/*/read",
                    "Microsoft.Insights/alertRules/*",
                    "Microsoft.Network/*",
                    "Microsoft.ResourceHealth/availabilityStatuses/read",
                    "Microsoft.Resources/deployments/*",
                    "Microsoft.Resources/subscriptions/resourceGroups/read",
                    "Microsoft.Support/*",
                ],
                &[],
            ),
            role(
                USER_ACCESS_ADMINISTRATOR,
                "User Access Administrator",
                "Lets you manage user access to Azure resources.",
                &["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
                &[],
            ),
        ]
    })
}
