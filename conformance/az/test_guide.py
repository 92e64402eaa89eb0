"""The guide's `az` commands, run by the real Azure CLI 2.91 against the isthmus emulator.

The tests run in file order and tell one story: the customer prepares its tenant, the provider
(as its multi-tenant app) does its half, then the customer's app creates the peering and both sides
end `Connected`. Each saved value is read from az's own JSON output, as the guide does. The
failures a user can meet on the way are checked where they would happen, with real Azure's text.
"""

import json

import pytest

from conftest import Emulator, password_args

CUSTOMER_APP_NAME = "conformance-customer-peering"
CUSTOM_ROLE_NAME = "conformance-customer-peer-role"
PROVIDER_ROLE_NAME = "conformance-provider-peer-role"
PEER_ACTION = "Microsoft.Network/virtualNetworks/peer/action"


class Guide:
    """Values saved from one step's output for the next, as the guide's shell variables."""


@pytest.fixture(scope="module")
def guide(world, new_az):
    customer, provider = world["tenants"]
    g = Guide()
    g.customer_tenant = customer["id"]
    g.customer_sub = customer["subscriptions"][0]["id"]
    g.admin = customer["users"][0]
    g.dev = customer["users"][1]
    g.provider_tenant = provider["id"]
    g.provider_sub = provider["subscriptions"][0]["id"]
    g.provider_rg = provider["subscriptions"][0]["resourceGroups"][0]["name"]
    g.provider_vnet_name = provider["subscriptions"][0]["resourceGroups"][0]["virtualNetworks"][0]["name"]
    g.provider_app_id = provider["applications"][0]["appId"]
    g.provider_secret = provider["applications"][0]["secrets"][0]
    g.customer_az = new_az("customer-admin")
    g.provider_az = new_az("provider-app")
    g.app_az = new_az("customer-app")
    return g


def role_definition(name, description, scope):
    """The --role-definition JSON of the guide: only the peer action, assignable in one subscription."""
    return json.dumps({"Name": name, "Description": description, "Actions": [PEER_ACTION], "AssignableScopes": [scope]})


# --- the customer, signed in as its Application Administrator --------------------------------------


def test_customer_signs_in_with_device_code(guide):
    az = guide.customer_az
    az.run("account", "clear")
    accounts = az.login_device_code(guide.admin["userPrincipalName"], guide.admin["password"])
    assert [a["id"] for a in accounts] == [guide.customer_sub]
    assert accounts[0]["tenantId"] == guide.customer_tenant
    assert accounts[0]["user"] == {"name": guide.admin["userPrincipalName"], "type": "user"}
    az.run("account", "set", "--subscription", guide.customer_sub)
    assert az.json("account", "show")["id"] == guide.customer_sub


def test_customer_registers_multi_tenant_app(guide):
    az = guide.customer_az
    app = az.json("ad", "app", "create", "--display-name", CUSTOMER_APP_NAME,
                  "--sign-in-audience", "AzureADMultipleOrgs", "--key-type", "Password")
    assert app["displayName"] == CUSTOMER_APP_NAME
    assert app["signInAudience"] == "AzureADMultipleOrgs"
    guide.app_id = app["appId"]


def test_rerunning_app_create_patches_the_same_app(guide):
    az = guide.customer_az
    result = az.run("ad", "app", "create", "--display-name", CUSTOMER_APP_NAME,
                    "--sign-in-audience", "AzureADMultipleOrgs", "--key-type", "Password", "-o", "json")
    assert result.json["appId"] == guide.app_id
    assert "Found an existing application instance" in result.stderr
    apps = az.json("ad", "app", "list", "--display-name", CUSTOMER_APP_NAME)
    assert [a["appId"] for a in apps] == [guide.app_id]


def test_customer_creates_service_principal(guide):
    sp = guide.customer_az.json("ad", "sp", "create", "--id", guide.app_id)
    assert sp["appId"] == guide.app_id
    guide.sp_id = sp["id"]


def test_customer_resets_app_secret(guide):
    cred = guide.customer_az.json("ad", "app", "credential", "reset", "--id", guide.app_id)
    assert cred["appId"] == guide.app_id
    assert cred["tenant"] == guide.customer_tenant
    assert len(cred["password"]) >= 16
    guide.app_password = cred["password"]
    guide.app_tenant = cred["tenant"]


def test_customer_lists_vnets(guide):
    vnets = guide.customer_az.json("network", "vnet", "list")
    by_name = {v["name"]: v for v in vnets}
    vnet = by_name["customer-vnet"]
    assert vnet["addressSpace"]["addressPrefixes"] == ["10.1.0.0/16"]
    guide.vnet_id = vnet["id"]
    guide.vnet_rg = vnet["resourceGroup"]
    guide.vnet_name = vnet["name"]
    guide.overlap_vnet_id = by_name["overlap-vnet"]["id"]


def test_customer_finds_network_contributor(guide):
    roles = guide.customer_az.json("role", "definition", "list", "--name", "Network Contributor")
    assert [r["roleName"] for r in roles] == ["Network Contributor"]
    guide.network_contributor_id = roles[0]["id"]
    assert guide.network_contributor_id.endswith("/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7")


def test_customer_grants_network_contributor_on_vnet(guide):
    az = guide.customer_az
    args = ("role", "assignment", "create", "--role", guide.network_contributor_id,
            "--assignee-object-id", guide.sp_id, "--scope", guide.vnet_id)
    first = az.json(*args)
    assert first["principalId"] == guide.sp_id
    assert first["scope"].lower() == guide.vnet_id.lower()
    assert first["principalType"] == "ServicePrincipal"
    # Re-running the guide's step is harmless: ARM answers 409 RoleAssignmentExists, which az takes
    # as success and then prints the assignment that already exists.
    second = az.run(*args, "-o", "json", "--debug")
    assert "Response status: 409" in second.stderr and '"code":"RoleAssignmentExists"' in second.stderr
    assert second.json["id"] == first["id"]


def test_non_admin_cannot_create_sp_of_foreign_app(guide, new_az):
    az = new_az("customer-dev")
    az.login_device_code(guide.dev["userPrincipalName"], guide.dev["password"])
    az.fails("ad", "sp", "create", "--id", guide.provider_app_id,
             message="When using this permission, the backing application of the service principal "
                     "being created must in the local tenant")


def test_customer_creates_provider_app_service_principal(guide):
    sp = guide.customer_az.json("ad", "sp", "create", "--id", guide.provider_app_id)
    assert sp["appId"] == guide.provider_app_id
    guide.provider_sp_in_customer = sp["id"]


def test_customer_defines_peer_role(guide):
    role = guide.customer_az.json(
        "role", "definition", "create", "--role-definition",
        role_definition(CUSTOM_ROLE_NAME, "Allows creating a peering to vnets in scope (but not from)",
                        f"/subscriptions/{guide.customer_sub}"))
    assert role["roleName"] == CUSTOM_ROLE_NAME
    assert role["permissions"][0]["actions"] == [PEER_ACTION]
    guide.custom_role_id = role["id"]


def test_customer_assigns_peer_role_to_provider_sp(guide):
    assignment = guide.customer_az.json(
        "role", "assignment", "create", "--role", guide.custom_role_id,
        "--assignee-object-id", guide.provider_sp_in_customer, "--scope", guide.vnet_id)
    assert assignment["principalId"] == guide.provider_sp_in_customer
    assert assignment["roleDefinitionId"].lower() == guide.custom_role_id.lower()


def test_customer_account_list(guide):
    accounts = guide.customer_az.json("account", "list")
    assert [(a["id"], a["tenantId"], a["isDefault"]) for a in accounts] == [(guide.customer_sub, guide.customer_tenant, True)]


# --- logins of the customer's app that must fail before the provider did its part -----------------


# Each failing login runs in its own config dir: MSAL caches an HTTP 400 from the token endpoint
# for 60 s (msal_http_cache.bin), so the same login retried from the same dir would not reach AAD.


def test_sp_login_with_wrong_secret(guide, new_az):
    new_az("wrong-secret").fails("login", "--service-principal", "-u", guide.app_id, "-p", "not-the-secret",
                       "--tenant", guide.customer_tenant, message="AADSTS7000215")


def test_sp_login_to_tenant_without_the_apps_sp(guide, new_az):
    new_az("no-sp-in-tenant").fails("login", "--service-principal", "-u", guide.app_id,
                                    *password_args(guide.app_password), "--tenant", guide.provider_tenant,
                                    message="AADSTS700016")


# --- the provider, as its multi-tenant app --------------------------------------------------------


def test_provider_app_signs_in_to_its_tenant(guide):
    accounts = guide.provider_az.login_sp(guide.provider_app_id, guide.provider_secret, guide.provider_tenant)
    assert [a["id"] for a in accounts] == [guide.provider_sub]
    vnet = guide.provider_az.json("network", "vnet", "show", "--name", guide.provider_vnet_name,
                                  "--resource-group", guide.provider_rg, "--subscription", guide.provider_sub)
    guide.provider_vnet_id = vnet["id"]


def test_provider_creates_customer_app_sp(guide):
    sp = guide.provider_az.json("ad", "sp", "create", "--id", guide.app_id)
    assert sp["appId"] == guide.app_id
    guide.customer_sp_in_provider = sp["id"]


def test_provider_grants_peer_role_on_its_vnet(guide):
    az = guide.provider_az
    role = az.json("role", "definition", "create", "--role-definition",
                   role_definition(PROVIDER_ROLE_NAME, "Lets customer apps peer with the provider VNet",
                                   f"/subscriptions/{guide.provider_sub}"))
    guide.provider_role_id = role["id"]
    assignment = az.json("role", "assignment", "create", "--role", guide.provider_role_id,
                         "--assignee-object-id", guide.customer_sp_in_provider,
                         "--scope", guide.provider_vnet_id)
    guide.provider_assignment_id = assignment["id"]


def test_provider_creates_its_side_of_the_peering(guide):
    az = guide.provider_az
    accounts = az.login_sp(guide.provider_app_id, guide.provider_secret, guide.customer_tenant)
    assert [a["id"] for a in accounts] == [guide.customer_sub]
    # The last login made the customer's subscription the default; the provider keeps working in its own.
    az.run("account", "set", "--subscription", guide.provider_sub)
    peering = az.json("network", "vnet", "peering", "create", "--name", "provider-to-customer",
                      "--remote-vnet", guide.vnet_id, "--vnet-name", guide.provider_vnet_name,
                      "--resource-group", guide.provider_rg, "--subscription", guide.provider_sub,
                      "--allow-vnet-access")
    assert peering["peeringState"] == "Initiated"
    assert peering["provisioningState"] == "Succeeded"
    assert peering["remoteVirtualNetwork"]["id"].lower() == guide.vnet_id.lower()


# --- the customer's app creates the customer side -------------------------------------------------


def peering_create(guide, vnet_name, name="customer-to-provider"):
    return ("network", "vnet", "peering", "create", "--name", name, "--remote-vnet", guide.provider_vnet_id,
            "--vnet-name", vnet_name, "--resource-group", guide.vnet_rg, "--subscription", guide.customer_sub,
            "--allow-vnet-access")


def test_peering_fails_locally_when_logged_in_to_one_tenant(guide):
    az = guide.app_az
    accounts = az.login_sp(guide.app_id, guide.app_password, guide.customer_tenant)
    assert [a["id"] for a in accounts] == [guide.customer_sub]
    az.fails(*peering_create(guide, guide.vnet_name), message=f"Subscription '{guide.provider_sub}' not found")


def test_customer_app_signs_in_to_provider_tenant(guide):
    accounts = guide.app_az.login_sp(guide.app_id, guide.app_password, guide.provider_tenant)
    assert [a["id"] for a in accounts] == [guide.provider_sub]
    subs = {a["id"]: a["tenantId"] for a in guide.app_az.json("account", "list")}
    assert subs == {guide.customer_sub: guide.customer_tenant, guide.provider_sub: guide.provider_tenant}


def test_peering_fails_without_provider_peer_role(guide):
    guide.provider_az.run("role", "assignment", "delete", "--ids", guide.provider_assignment_id)
    guide.app_az.fails(*peering_create(guide, guide.vnet_name), message="LinkedAuthorizationFailed")
    guide.provider_az.json("role", "assignment", "create", "--role", guide.provider_role_id,
                           "--assignee-object-id", guide.customer_sp_in_provider, "--scope", guide.provider_vnet_id)


def test_peering_fails_on_overlapping_address_spaces(guide):
    guide.customer_az.json("role", "assignment", "create", "--role", guide.network_contributor_id,
                           "--assignee-object-id", guide.sp_id, "--scope", guide.overlap_vnet_id)
    result = guide.app_az.fails(*peering_create(guide, "overlap-vnet", name="overlap-to-provider"),
                                message="VnetAddressSpacesOverlap")
    assert "cannot be peered because their address spaces overlap" in result.stderr


def test_customer_app_creates_the_peering(guide):
    peering = guide.app_az.json(*peering_create(guide, guide.vnet_name))
    assert peering["peeringState"] == "Connected"
    assert peering["allowVirtualNetworkAccess"] is True


def test_both_sides_are_connected(guide):
    customer_side = guide.app_az.json("network", "vnet", "peering", "show", "--name", "customer-to-provider",
                                      "--vnet-name", guide.vnet_name, "--resource-group", guide.vnet_rg,
                                      "--subscription", guide.customer_sub)
    provider_side = guide.provider_az.json("network", "vnet", "peering", "show", "--name", "provider-to-customer",
                                           "--vnet-name", guide.provider_vnet_name, "--resource-group",
                                           guide.provider_rg, "--subscription", guide.provider_sub)
    assert customer_side["peeringState"] == "Connected"
    assert provider_side["peeringState"] == "Connected"


# --- everyday commands around the guide ------------------------------------------------------------


def test_group_exists_answers_true_and_false(guide):
    az = guide.customer_az
    assert az.run("group", "exists", "--name", guide.vnet_rg).stdout.strip() == "true"
    assert az.run("group", "exists", "--name", "no-such-group").stdout.strip() == "false"


def test_deleting_a_missing_group_fails_as_on_azure(guide):
    result = guide.customer_az.run("group", "delete", "--name", "no-such-group", "--yes", check=False)
    assert result.code == 3, result.describe()  # az's exit code for a missing resource
    assert "(ResourceGroupNotFound) Resource group 'no-such-group' could not be found." in result.stderr


def test_role_definition_update_saves_and_exits_zero(guide):
    az = guide.customer_az
    updated = az.json("role", "definition", "update", "--role-definition", role_definition(
        CUSTOM_ROLE_NAME, "Peering to vnets in scope, updated", f"/subscriptions/{guide.customer_sub}"))
    assert updated["description"] == "Peering to vnets in scope, updated"
    [role] = az.json("role", "definition", "list", "--name", CUSTOM_ROLE_NAME, "--custom-role-only", "true")
    assert role["description"] == "Peering to vnets in scope, updated"


def test_role_assignment_by_user_principal_name(guide):
    az = guide.customer_az
    upn = guide.dev["userPrincipalName"]
    made = az.json("role", "assignment", "create", "--assignee", upn, "--role", "Reader", "--scope", guide.vnet_id)
    assert made["principalType"] == "User"
    listed = az.json("role", "assignment", "list", "--assignee", upn, "--scope", guide.vnet_id)
    assert [a["id"] for a in listed] == [made["id"]]
    assert listed[0]["principalName"] == upn
    az.run("role", "assignment", "delete", "--ids", made["id"])


def test_peering_to_a_deleted_vnet_names_the_missing_reference(guide):
    az = guide.customer_az
    doomed = az.json("network", "vnet", "create", "--name", "doomed-vnet", "--resource-group", guide.vnet_rg,
                     "--address-prefixes", "10.9.0.0/16")["newVNet"]
    az.run("network", "vnet", "delete", "--name", "doomed-vnet", "--resource-group", guide.vnet_rg)
    result = az.fails("network", "vnet", "peering", "create", "--name", "to-doomed", "--remote-vnet", doomed["id"],
                      "--vnet-name", guide.vnet_name, "--resource-group", guide.vnet_rg,
                      message="InvalidResourceReference")
    assert f"Resource {doomed['id']} referenced by resource" in result.stderr


def test_vnet_update_cannot_overlap_the_peered_provider_vnet(guide):
    az = guide.customer_az
    result = az.fails("network", "vnet", "update", "--name", guide.vnet_name, "--resource-group", guide.vnet_rg,
                      "--address-prefixes", "10.1.0.0/16", "10.2.128.0/17",
                      message="(VnetAddressSpaceOverlapsWithAlreadyPeeredVnet)")
    assert "10.2.128.0/17, 10.2.0.0/16" in result.stderr
    vnet = az.json("network", "vnet", "show", "--name", guide.vnet_name, "--resource-group", guide.vnet_rg)
    assert vnet["addressSpace"]["addressPrefixes"] == ["10.1.0.0/16"], "nothing was changed"


def test_resource_list_finds_vnets_by_type_and_tag(guide):
    az = guide.customer_az
    az.run("network", "vnet", "update", "--name", guide.vnet_name, "--resource-group", guide.vnet_rg,
           "--set", "tags.team=platform")
    typed = az.json("resource", "list", "--resource-group", guide.vnet_rg,
                    "--resource-type", "Microsoft.Network/virtualNetworks")
    assert guide.vnet_id in [r["id"] for r in typed]
    tagged = az.json("resource", "list", "--tag", "team=platform")
    assert [r["name"] for r in tagged] == [guide.vnet_name]
    assert tagged[0]["type"] == "Microsoft.Network/virtualNetworks"


def test_account_list_locations(guide):
    shown = guide.customer_az.run("account", "list-locations", "--query", "[?name=='westeurope'].displayName",
                                  "-o", "tsv")
    assert shown.stdout.strip() == "West Europe"


def test_vnet_delete_polls_its_operation_and_exits_zero(guide):
    az = guide.customer_az
    az.run("network", "vnet", "create", "--name", "short-lived", "--resource-group", guide.vnet_rg,
           "--address-prefixes", "10.8.0.0/16")
    az.run("network", "vnet", "delete", "--name", "short-lived", "--resource-group", guide.vnet_rg)
    missing = az.run("network", "vnet", "show", "--name", "short-lived", "--resource-group", guide.vnet_rg, check=False)
    assert missing.code == 3, missing.describe()


# --- username + password (ROPC): MSAL always asks port 443 for the user realm ---------------------


@pytest.fixture(scope="module")
def emulator_on_443(tmp_root):
    try:
        emu = Emulator("127.0.0.1:443", tmp_root / "emulator-443")
    except RuntimeError as e:
        reason = next((line for line in str(e).splitlines() if "cannot listen on" in line), None)
        if reason is None:
            raise
        pytest.skip(f"ROPC needs the emulator on port 443 (MSAL asks port 443 for the user realm): {reason.strip()}")
    yield emu
    emu.stop()


def test_username_password_login_on_port_443(guide, emulator_on_443, new_az):
    az = new_az("customer-ropc", emulator_on_443)
    accounts = az.json("login", "-u", guide.admin["userPrincipalName"], "-p", guide.admin["password"])
    assert [a["id"] for a in accounts] == [guide.customer_sub]
    assert accounts[0]["tenantDefaultDomain"] == "customer.conformance.example"
    assert [v["name"] for v in az.json("network", "vnet", "list")] == ["customer-vnet", "overlap-vnet"]
