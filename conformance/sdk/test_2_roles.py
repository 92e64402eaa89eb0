"""RBAC with azure-mgmt-authorization (its default api-version, 2022-04-01): Network Contributor for the
customer's app on its VNet, the custom peer role for the provider's app, and a role's update."""

import uuid

import pytest
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.authorization.models import Permission, RoleAssignmentCreateParameters, RoleDefinition

from expect import arm_error

PEER_ACTION = "Microsoft.Network/virtualNetworks/peer/action"
ROLE_NAME = "sdk-peer-role"


@pytest.fixture(scope="module")
def rbac(sdk, admin, world):
    return sdk.arm(AuthorizationManagementClient, admin, world["customer"]["subscription_id"])


def assign(rbac, scope, role_id, principal_id):
    params = RoleAssignmentCreateParameters(role_definition_id=role_id, principal_id=principal_id,
                                            principal_type="ServicePrincipal")
    return rbac.role_assignments.create(scope, str(uuid.uuid4()), params)


def test_app_gets_network_contributor_on_the_vnet(rbac, saved, world):
    sub = f"/subscriptions/{world['customer']['subscription_id']}"
    [role] = rbac.role_definitions.list(sub, filter="roleName eq 'Network Contributor'")
    assert role.id.endswith("/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7")
    vnet = world["customer"]["vnet_id"]
    made = assign(rbac, vnet, role.id, saved.sp_id)
    assert made.principal_id == saved.sp_id and made.scope.lower() == vnet.lower()
    # The same assignment under a new name: ARM's 409, which the SDK raises as ResourceExistsError.
    arm_error(lambda: assign(rbac, vnet, role.id, saved.sp_id), 409, "RoleAssignmentExists")
    saved.network_contributor_id = role.id


def test_custom_peer_role_is_defined_updated_and_assigned(rbac, saved, world):
    sub = f"/subscriptions/{world['customer']['subscription_id']}"
    role_id = str(uuid.uuid4())

    def define(description):
        return rbac.role_definitions.create_or_update(sub, role_id, RoleDefinition(
            role_name=ROLE_NAME, description=description, role_type="CustomRole",
            permissions=[Permission(actions=[PEER_ACTION])], assignable_scopes=[sub]))

    made = define("Allows creating a peering to vnets in scope (but not from)")
    assert made.permissions[0].actions == [PEER_ACTION]
    updated = define("Peering to vnets in scope, updated")
    assert updated.id == made.id and updated.description == "Peering to vnets in scope, updated"
    assert rbac.role_definitions.get(sub, role_id).description == "Peering to vnets in scope, updated"
    assignment = assign(rbac, world["customer"]["vnet_id"], made.id, saved.provider_sp_id)
    assert assignment.role_definition_id.lower() == made.id.lower()


def test_missing_role_definition_is_not_found(rbac, world):
    sub = f"/subscriptions/{world['customer']['subscription_id']}"
    arm_error(lambda: rbac.role_definitions.get(sub, str(uuid.uuid4())), 404, "RoleDefinitionDoesNotExist")
