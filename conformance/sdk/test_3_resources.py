"""Resource groups, generic resources, providers and subscriptions with azure-mgmt-resource 26 and
azure-mgmt-subscription 3.1 (their default api-versions: 2025-04-01 and 2016-06-01)."""

import pytest
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.subscription import SubscriptionClient

import calls
from expect import arm_error

GROUPS = ["sdk-rg-a", "sdk-rg-b"]


@pytest.fixture(scope="module")
def resources(sdk, admin, world):
    return sdk.arm(ResourceManagementClient, admin, world["customer"]["subscription_id"])


@pytest.fixture(scope="module")
def subscriptions(sdk, admin):
    return sdk.arm(SubscriptionClient, admin)


def test_group_exists_answers_true_and_false(resources, world):
    assert resources.resource_groups.check_existence(world["customer"]["resource_group"]) is True
    assert resources.resource_groups.check_existence("no-such-group") is False


def test_groups_are_created_and_deleted(resources):
    for name in GROUPS:
        group = resources.resource_groups.create_or_update(name, {"location": "westeurope", "tags": {"suite": "sdk"}})
        assert (group.name, group.location, group.tags) == (name, "westeurope", {"suite": "sdk"})
    resources.resource_groups.begin_delete(GROUPS[1]).result()
    assert resources.resource_groups.check_existence(GROUPS[1]) is False
    arm_error(lambda: resources.resource_groups.get(GROUPS[1]), 404, "ResourceGroupNotFound")


def test_group_list_pages_follow_next_link(resources, world):
    before = len(calls.CALLS[calls._current[0]])
    names = {g.name for g in resources.resource_groups.list(top=1)}
    assert {world["customer"]["resource_group"], GROUPS[0]} <= names
    pages = [c for c in calls.CALLS[calls._current[0]][before:] if c.lower().endswith("/resourcegroups")]
    assert len(pages) == len(names), pages


def test_resources_of_a_group_are_listed(resources, world):
    listed = {r.name for r in resources.resources.list_by_resource_group(world["customer"]["resource_group"])}
    assert world["customer"]["vnet_name"] in listed


def test_resources_of_the_subscription_are_listed(resources, world):
    assert world["customer"]["vnet_name"] in {r.name for r in resources.resources.list()}


def test_network_provider_is_registered(resources):
    provider = resources.providers.get("Microsoft.Network")
    assert provider.registration_state == "Registered"
    assert "virtualNetworks" in {t.resource_type for t in provider.resource_types}


def test_subscription_is_listed_and_read(subscriptions, world):
    sub = world["customer"]["subscription_id"]
    assert sub in [s.subscription_id for s in subscriptions.subscriptions.list()]
    got = subscriptions.subscriptions.get(sub)
    assert (got.subscription_id, got.state) == (sub, "Enabled")


def test_subscription_locations_are_listed(subscriptions, world):
    names = {loc.name for loc in subscriptions.subscriptions.list_locations(world["customer"]["subscription_id"])}
    assert "westeurope" in names
