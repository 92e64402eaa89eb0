"""The cross-tenant peering: the provider is asked for a connection, then the customer's app, signed in
to its own tenant with an auxiliary token from the provider's, creates the peering from its VNet to
the provider's with `begin_create_or_update(...).result()`, and both sides end connected."""

import pytest
from azure.mgmt.core.policies import AuxiliaryAuthenticationPolicy
from azure.mgmt.network import NetworkManagementClient

from expect import arm_error
from sdk import ARM_SCOPE

PEERING = "sdk-to-provider"
PENDING_PEER_TIMEOUT = 30
ACTIVE_TIMEOUT = 60


@pytest.fixture(scope="module")
def app_network(sdk, saved, world):
    """The customer app's network client: its own tenant's token, and the provider tenant's as the
    auxiliary one, as ARM needs for a peering whose remote VNet is in another tenant."""
    home = sdk.app_credential(saved.tenant, saved.app_id, saved.secret)
    remote = sdk.app_credential(saved.to_tenant_id, saved.app_id, saved.secret)
    return sdk.arm(NetworkManagementClient, home, world["customer"]["subscription_id"],
                   per_call_policies=[AuxiliaryAuthenticationPolicy([remote], ARM_SCOPE)])


def peering_body(saved, **extra):
    return {"properties": {"remoteVirtualNetwork": {"id": saved.to_network_id}, "allowVirtualNetworkAccess": True,
                           **extra}}


def test_provider_is_asked_for_a_peering(control_plane, saved, world):
    c = world["customer"]
    status, body = control_plane.request("POST", f"/vpcs/{world['project']['vpc_id']}/peering-connections", {
        "peer_cloud_account": c["subscription_id"], "peer_resource_group": c["resource_group"],
        "peer_vpc": c["vnet_name"], "peer_azure_app_id": saved.app_id, "peer_azure_tenant_id": saved.tenant})
    assert status in (200, 201), body
    conn = control_plane.wait_for(world["project"]["vpc_id"], c["vnet_name"], "PENDING_PEER", PENDING_PEER_TIMEOUT)
    saved.to_tenant_id = conn["state_info"]["to-tenant-id"]
    saved.to_network_id = conn["state_info"]["to-network-id"]
    assert saved.to_tenant_id == world["provider"]["tenant_id"]


def test_app_signs_in_to_both_tenants(sdk, saved):
    for tenant in (saved.tenant, saved.to_tenant_id):
        assert sdk.app_credential(tenant, saved.app_id, saved.secret).get_token(ARM_SCOPE).token


def test_app_creates_the_peering(app_network, saved, world):
    c = world["customer"]
    peering = app_network.virtual_network_peerings.begin_create_or_update(
        c["resource_group"], c["vnet_name"], PEERING, peering_body(saved)).result()
    assert peering.peering_state == "Connected"
    assert peering.remote_virtual_network.id.lower() == saved.to_network_id.lower()
    assert peering.allow_virtual_network_access is True
    saved.peered = True


def test_connection_becomes_active(control_plane, saved, world):
    assert getattr(saved, "peered", False), "the customer's side of the peering was not created"
    control_plane.wait_for(world["project"]["vpc_id"], world["customer"]["vnet_name"], "ACTIVE", ACTIVE_TIMEOUT)


def test_address_space_overlapping_the_peer_is_refused(app_network, saved, world, up):
    c = world["customer"]
    vnet = app_network.virtual_networks.get(c["resource_group"], c["vnet_name"])
    body = {"location": vnet.location, "properties": {
        "addressSpace": {"addressPrefixes": vnet.address_space.address_prefixes + [up.world["project"]["network_cidr"]]},
        "subnets": [{"name": s.name, "properties": {"addressPrefix": s.address_prefix}} for s in vnet.subnets or []],
        "virtualNetworkPeerings": [{"name": p.name, "properties": {
            "remoteVirtualNetwork": {"id": p.remote_virtual_network.id},
            "allowVirtualNetworkAccess": p.allow_virtual_network_access}} for p in vnet.virtual_network_peerings]}}
    arm_error(lambda: app_network.virtual_networks.begin_create_or_update(c["resource_group"], c["vnet_name"], body)
              .result(), 400, "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet")
