"""The customer's network with azure-mgmt-network 33.1 (its default api-version, 2026-03-01): a VNet
created and deleted through the SDK's long-running-operation pollers, and the network provider's
answers to what a customer gets wrong."""

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient

from expect import arm_error

VNET = "sdk-vnet"


@pytest.fixture(scope="module")
def network(sdk, admin, world):
    return sdk.arm(NetworkManagementClient, admin, world["customer"]["subscription_id"])


@pytest.fixture(scope="module")
def rg(world):
    return world["customer"]["resource_group"]


def vnet_body(prefix, subnets, **properties):
    return {"location": "westeurope", "properties": {
        "addressSpace": {"addressPrefixes": [prefix]},
        "subnets": [{"name": n, "properties": {"addressPrefix": p}} for n, p in subnets], **properties}}


def test_vnets_are_listed(network, rg, world):
    assert world["customer"]["vnet_name"] in {v.name for v in network.virtual_networks.list(rg)}


def test_vnet_is_created_through_the_poller(network, rg):
    vnet = network.virtual_networks.begin_create_or_update(
        rg, VNET, vnet_body("10.5.0.0/16", [("default", "10.5.0.0/24")])).result()
    assert vnet.provisioning_state == "Succeeded"
    assert vnet.address_space.address_prefixes == ["10.5.0.0/16"]
    assert [s.name for s in vnet.subnets] == ["default"]


def test_dns_servers_and_service_endpoints_are_kept(network, rg):
    body = vnet_body("10.7.0.0/16", [], dhcpOptions={"dnsServers": ["10.7.0.4"]})
    body["properties"]["subnets"] = [{"name": "storage", "properties": {
        "addressPrefix": "10.7.0.0/24", "serviceEndpoints": [{"service": "Microsoft.Storage"}]}}]
    network.virtual_networks.begin_create_or_update(rg, "sdk-dns-vnet", body).result()
    vnet = network.virtual_networks.get(rg, "sdk-dns-vnet")
    assert vnet.dhcp_options.dns_servers == ["10.7.0.4"]
    assert [e.service for e in vnet.subnets[0].service_endpoints] == ["Microsoft.Storage"]


def test_vnet_tags_are_updated(network, rg):
    assert network.virtual_networks.update_tags(rg, VNET, {"tags": {"suite": "sdk"}}).tags == {"suite": "sdk"}
    assert network.virtual_networks.get(rg, VNET).tags == {"suite": "sdk"}


def test_create_only_if_absent_is_refused_for_an_existing_vnet(network, rg):
    arm_error(lambda: network.virtual_networks.begin_create_or_update(
        rg, VNET, vnet_body("10.5.0.0/16", [("default", "10.5.0.0/24")]), headers={"If-None-Match": "*"}).result(),
        412, "PreconditionFailed")


def test_ip_address_availability(network, rg):
    assert network.virtual_networks.check_ip_address_availability(rg, VNET, ip_address="10.5.0.10").available is True
    reserved = network.virtual_networks.check_ip_address_availability(rg, VNET, ip_address="10.5.0.1")
    assert reserved.available is False and reserved.available_ip_addresses


def test_overlapping_subnets_are_refused(network, rg):
    body = vnet_body("10.6.0.0/16", [("a", "10.6.0.0/24"), ("b", "10.6.0.0/25")])
    arm_error(lambda: network.virtual_networks.begin_create_or_update(rg, "sdk-overlap", body).result(),
              400, "NetcfgSubnetRangesOverlap")


def test_missing_subnet_and_peering_are_not_found(network, rg):
    for get in (lambda: network.subnets.get(rg, VNET, "no-such-subnet"),
                lambda: network.virtual_network_peerings.get(rg, VNET, "no-such-peering")):
        assert isinstance(arm_error(get, 404, "NotFound"), ResourceNotFoundError)


def test_peering_to_a_missing_vnet_is_an_invalid_reference(network, rg, world):
    missing = world["customer"]["vnet_id"].rsplit("/", 1)[0] + "/no-such-vnet"
    body = {"properties": {"remoteVirtualNetwork": {"id": missing}, "allowVirtualNetworkAccess": True}}
    e = arm_error(lambda: network.virtual_network_peerings.begin_create_or_update(
        rg, VNET, "to-nowhere", body).result(), 400, "InvalidResourceReference")
    assert f"Resource {missing} referenced by resource" in e.message


def test_use_remote_gateways_needs_a_gateway(network, rg, world):
    c = world["customer"]
    body = {"properties": {"remoteVirtualNetwork": {"id": c["vnet_id"]}, "useRemoteGateways": True}}
    peerings = network.virtual_network_peerings
    try:
        arm_error(lambda: peerings.begin_create_or_update(rg, c["second_vnet_name"], "to-gateway", body).result(),
                  400, "RemoteVnetHasNoGateways")
    finally:
        # Where the emulator wrongly accepted it, it must not linger into the guide's peering.
        if "to-gateway" in {p.name for p in peerings.list(rg, c["second_vnet_name"])}:
            peerings.begin_delete(rg, c["second_vnet_name"], "to-gateway").result()


def test_vnet_delete_is_a_long_running_operation(network, rg):
    first = []
    poller = network.virtual_networks.begin_delete(
        rg, VNET, raw_response_hook=lambda r: first.append(r.http_response) if not first else None)
    poller.result()
    assert first[0].status_code == 202
    assert first[0].headers.get("Azure-AsyncOperation") and first[0].headers.get("Location")
    with pytest.raises(ResourceNotFoundError):
        network.virtual_networks.get(rg, VNET)
