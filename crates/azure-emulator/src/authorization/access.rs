//! Who is asking: every model operation that reads or writes ARM state takes a `Caller` and decides
//! access itself, from `Op::action` (the one route → action table) and the caller's role assignments,
//! always within the caller's tenant.

use crate::authorization::scope;
use crate::error::{EmulatorError, Result};
use crate::identity::objects::Principal;
use crate::model::state::State;
use chrono::{DateTime, Utc};

/// A verified caller: the principal of the primary token, the principals of the auxiliary tokens
/// (cross-tenant writes), and the emulator's time of the request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub auxiliary: Vec<Principal>,
    pub now: DateTime<Utc>,
}

impl Caller {
    pub fn new(principal: Principal, now: DateTime<Utc>) -> Self {
        Caller { principal, auxiliary: vec![], now }
    }
}

/// Every ARM operation the emulator serves, and the RBAC action it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    ReadSubscription,
    ReadResourceGroup,
    WriteResourceGroup,
    DeleteResourceGroup,
    ReadVnet,
    WriteVnet,
    DeleteVnet,
    PeerVnet,
    ReadSubnet,
    WriteSubnet,
    DeleteSubnet,
    ReadPeering,
    WritePeering,
    DeletePeering,
    JoinSubnet,
    ReadNic,
    WriteNic,
    DeleteNic,
    ReadRoleDefinition,
    WriteRoleDefinition,
    DeleteRoleDefinition,
    ReadRoleAssignment,
    WriteRoleAssignment,
    DeleteRoleAssignment,
}

impl Op {
    pub const fn action(self) -> &'static str {
        match self {
            Op::ReadSubscription => "Microsoft.Resources/subscriptions/read",
            Op::ReadResourceGroup => "Microsoft.Resources/subscriptions/resourceGroups/read",
            Op::WriteResourceGroup => "Microsoft.Resources/subscriptions/resourceGroups/write",
            Op::DeleteResourceGroup => "Microsoft.Resources/subscriptions/resourceGroups/delete",
            Op::ReadVnet => "Microsoft.Network/virtualNetworks/read",
            Op::WriteVnet => "Microsoft.Network/virtualNetworks/write",
            Op::DeleteVnet => "Microsoft.Network/virtualNetworks/delete",
            Op::PeerVnet => "Microsoft.Network/virtualNetworks/peer/action",
            Op::ReadSubnet => "Microsoft.Network/virtualNetworks/subnets/read",
            Op::WriteSubnet => "Microsoft.Network/virtualNetworks/subnets/write",
            Op::DeleteSubnet => "Microsoft.Network/virtualNetworks/subnets/delete",
            Op::ReadPeering => "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
            Op::WritePeering => "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
            Op::DeletePeering => "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
            Op::JoinSubnet => "Microsoft.Network/virtualNetworks/subnets/join/action",
            Op::ReadNic => "Microsoft.Network/networkInterfaces/read",
            Op::WriteNic => "Microsoft.Network/networkInterfaces/write",
            Op::DeleteNic => "Microsoft.Network/networkInterfaces/delete",
            Op::ReadRoleDefinition => "Microsoft.Authorization/roleDefinitions/read",
            Op::WriteRoleDefinition => "Microsoft.Authorization/roleDefinitions/write",
            Op::DeleteRoleDefinition => "Microsoft.Authorization/roleDefinitions/delete",
            Op::ReadRoleAssignment => "Microsoft.Authorization/roleAssignments/read",
            Op::WriteRoleAssignment => "Microsoft.Authorization/roleAssignments/write",
            Op::DeleteRoleAssignment => "Microsoft.Authorization/roleAssignments/delete",
        }
    }
}

impl State {
    /// True when `scope` lies in a subscription of the caller's tenant (or is the root). Called for
    /// every item of a list, so it reads only the subscription segment instead of parsing the scope.
    pub fn in_callers_tenant(&self, c: &Caller, target: &str) -> bool {
        match scope::subscription_of(target) {
            Some(sub) => self.tenant_of_subscription(sub) == Some(c.principal.tenant_id),
            None => true,
        }
    }

    /// May the caller perform `op` at `target`? Only assignments of the caller's own tenant count.
    pub fn may(&self, c: &Caller, op: Op, target: &str) -> bool {
        self.in_callers_tenant(c, target) && self.is_allowed(c.principal.object_id, op.action(), target, c.now)
    }

    /// `may`, or ARM's `AuthorizationFailed` naming the action and scope.
    pub fn check(&self, c: &Caller, op: Op, target: &str) -> Result<()> {
        if self.may(c, op, target) {
            Ok(())
        } else {
            Err(denied(c, op, target))
        }
    }
}

/// ARM's `AuthorizationFailed` for `op` at `target`.
pub fn denied(c: &Caller, op: Op, target: &str) -> EmulatorError {
    EmulatorError::AuthorizationFailed {
        client: c.principal.display.clone(),
        object_id: c.principal.object_id.to_string(),
        action: op.action().to_string(),
        scope: target.to_string(),
    }
}
