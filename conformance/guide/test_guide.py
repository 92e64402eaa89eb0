"""The whole guide, end to end: `isthmus up` on a fresh data dir, then every command of the customer's
15 steps run literally by the real `az` 2.91 and the real `avn` 4.18 in one shell that sourced env.sh,
until the peering connection is ACTIVE.

The tests run in file order, one per step of the guide, and tell one story. Every value a step saves
for a later one is read from the real output of az or avn, as a customer would copy it. world.json is
read only for what the guide gets from elsewhere: the admin's user name and password (typed into the
sign-in page) and the provider's app id (the guide's <ID_OF_THE_TIMESCALE_APPLICATION_OBJECT>); its
other ids are only compared with what the commands printed.
"""

import json
import os
import time

import pytest

from conftest import parse_table, password_args

APP_NAME = "timescale-vpc-peering"
CUSTOM_ROLE_NAME = "TimescalePeering"
CUSTOM_ROLE_DESCRIPTION = "Allows creating a peering to vnets in scope (but not from)"
PEER_ACTION = "Microsoft.Network/virtualNetworks/peer/action"
PEERING_NAME = "timescale-peering"
# The reconciler moves a connection within seconds; these bound the waits for a state.
VPC_ACTIVE_TIMEOUT = 30
PENDING_PEER_TIMEOUT = 30
ACTIVE_TIMEOUT = 60


class Saved:
    """The values the guide tells the customer to save, as its shell variables."""


@pytest.fixture(scope="module")
def saved():
    return Saved()


@pytest.fixture(autouse=True)
def announce_step(request):
    """Prints the step's name before it runs and its duration after (visible with pytest -s)."""
    name = (request.node.function.__doc__ or request.node.name).strip().splitlines()[0]
    print(f"\n[guide] {name} ", end="", flush=True)
    started = time.monotonic()
    yield
    print(f" {time.monotonic() - started:.1f}s", end="", flush=True)


def same_id(a, b):
    """Azure resource ids compare case-insensitively."""
    return a.lower() == b.lower()


def connection_args(saved):
    return ["--project-vpc-id", saved.project_vpc_id, "--peer-cloud-account", saved.subscription_id,
            "--peer-resource-group", saved.vnet_rg, "--peer-vpc", saved.vnet_name]


def get_connection(shell, saved):
    """`avn vpc peering-connection get -v …`: the State line, and the state_info table below it."""
    out = shell.avn("vpc", "peering-connection", "get", "-v", *connection_args(saved)).stdout
    lines = out.splitlines()
    assert lines and lines[0].startswith("State: "), out
    state = lines[0][len("State: "):].strip()
    info = {}
    table_start = next((i for i, l in enumerate(lines) if l.startswith("TO-") or l.startswith("TYPE")), None)
    if table_start is not None:
        rows = parse_table("\n".join(lines[table_start:]))
        assert len(rows) == 1, out
        info = rows[0]
    return state, info, out


def wait_for_state(shell, saved, wanted, timeout):
    deadline = time.monotonic() + timeout
    while True:
        state, info, out = get_connection(shell, saved)
        if state == wanted:
            return info, out
        assert time.monotonic() < deadline, f"the connection never reached {wanted} in {timeout}s; last get:\n{out}"
        time.sleep(0.5)


def services_run(up):
    """Services run where the data plane does: as root here, or with unprivileged user namespaces."""
    return "service" in up.world


def query(shell, up, saved, nic=None):
    return shell.psql_from(nic or up.world["customer"]["vm_nic"], saved.service_uri, up)


def test_isthmus_up_writes_env_and_world(up):
    """0. isthmus up: env.sh and world.json"""
    for key in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "AZURE_CORE_INSTANCE_DISCOVERY", "ARM_CLOUD_METADATA_URL",
                "AIVEN_WEB_URL", "AIVEN_AUTH_TOKEN", "AIVEN_PROJECT"):
        assert up.env.get(key), f"env.sh exports no {key}:\n{up.env_file.read_text()}"
    assert up.env["AZURE_CORE_INSTANCE_DISCOVERY"] == "false"
    assert up.env["AIVEN_WEB_URL"] == up.api_url
    assert up.env["ARM_CLOUD_METADATA_URL"].startswith(up.azure_url + "/")
    w = up.world
    for section, keys in {"provider": ["tenant_id", "app_id"],
                          "customer": ["tenant_id", "subscription_id", "resource_group", "vnet_name", "vnet_id"],
                          "project": ["name", "vpc_id", "token"]}.items():
        for key in keys:
            assert w[section][key], f"world.json has no {section}.{key}"
    assert w["customer"]["admin"]["username"] and w["customer"]["admin"]["password"]
    assert up.env["AIVEN_PROJECT"] == w["project"]["name"]
    assert up.env["AIVEN_AUTH_TOKEN"] == w["project"]["token"]
    if "ISTHMUS_PROVIDER_APP_ID" in up.env:
        assert up.env["ISTHMUS_PROVIDER_APP_ID"] == w["provider"]["app_id"]
    assert w["customer"]["vm_nic"] == "customer-vm"
    if os.geteuid() == 0:
        assert w["service"]["name"] == "tsdb", w
        assert w["service"]["uri"].startswith("postgres://avnadmin:") and "sslmode=require" in w["service"]["uri"]


# --- the customer's admin, in Azure ------------------------------------------------------------------------


def test_step_01_sign_in(shell, up, saved):
    """1. az account clear; az login --use-device-code; az account set --subscription"""
    admin = up.world["customer"]["admin"]
    shell.az("account", "clear")
    accounts, page = shell.az_login_device_code(admin["username"], admin["password"])
    assert page.startswith(up.azure_url + "/"), page
    assert len(accounts) == 1, accounts
    assert accounts[0]["user"] == {"name": admin["username"], "type": "user"}
    saved.subscription_id = accounts[0]["id"]
    saved.login_tenant = accounts[0]["tenantId"]
    assert saved.subscription_id == up.world["customer"]["subscription_id"]
    assert saved.login_tenant == up.world["customer"]["tenant_id"]
    shell.az("account", "set", "--subscription", saved.subscription_id)
    assert shell.az_json("account", "show")["id"] == saved.subscription_id


def test_step_02_register_app(shell, saved):
    """2. az ad app create --sign-in-audience AzureADMultipleOrgs"""
    app = shell.az_json("ad", "app", "create", "--display-name", APP_NAME,
                        "--sign-in-audience", "AzureADMultipleOrgs", "--key-type", "Password")
    assert app["displayName"] == APP_NAME and app["signInAudience"] == "AzureADMultipleOrgs"
    saved.app_id = app["appId"]


def test_step_03_create_service_principal(shell, saved):
    """3. az ad sp create --id <appId>"""
    sp = shell.az_json("ad", "sp", "create", "--id", saved.app_id)
    assert sp["appId"] == saved.app_id
    saved.sp_id = sp["id"]


def test_step_04_reset_secret(shell, saved):
    """4. az ad app credential reset --id <appId>"""
    cred = shell.az_json("ad", "app", "credential", "reset", "--id", saved.app_id)
    assert cred["appId"] == saved.app_id
    saved.password = cred["password"]
    saved.tenant = cred["tenant"]
    assert saved.password and saved.tenant == saved.login_tenant


def test_step_05_list_vnets(shell, up, saved):
    """5. az network vnet list"""
    vnets = shell.az_json("network", "vnet", "list")
    # The demo customer peers the VNet world.json names; everything saved comes from az's output.
    mine = [v for v in vnets if v["name"] == up.world["customer"]["vnet_name"]]
    assert len(mine) == 1, json.dumps(vnets, indent=2)
    saved.vnet_id = mine[0]["id"]
    saved.vnet_rg = mine[0]["resourceGroup"]
    saved.vnet_name = mine[0]["name"]
    assert same_id(saved.vnet_id, up.world["customer"]["vnet_id"])
    assert saved.vnet_rg == up.world["customer"]["resource_group"]


def test_step_06_grant_network_contributor(shell, saved):
    """6. az role definition list --name "Network Contributor"; az role assignment create"""
    roles = shell.az_json("role", "definition", "list", "--name", "Network Contributor")
    assert [r["roleName"] for r in roles] == ["Network Contributor"]
    role_id = roles[0]["id"]
    assignment = shell.az_json("role", "assignment", "create", "--role", role_id,
                               "--assignee-object-id", saved.sp_id, "--scope", saved.vnet_id)
    assert assignment["principalId"] == saved.sp_id
    assert same_id(assignment["scope"], saved.vnet_id)


def test_step_07_provider_service_principal(shell, up, saved):
    """7. az ad sp create --id <ID_OF_THE_TIMESCALE_APPLICATION_OBJECT>"""
    provider_app_id = up.world["provider"]["app_id"]
    sp = shell.az_json("ad", "sp", "create", "--id", provider_app_id)
    assert sp["appId"] == provider_app_id
    saved.provider_sp_id = sp["id"]


def test_step_08_define_peer_role(shell, saved):
    """8. az role definition create (only virtualNetworks/peer/action)"""
    definition = json.dumps({"Name": CUSTOM_ROLE_NAME, "Description": CUSTOM_ROLE_DESCRIPTION,
                             "Actions": [PEER_ACTION], "AssignableScopes": [f"/subscriptions/{saved.subscription_id}"]})
    role = shell.az_json("role", "definition", "create", "--role-definition", definition)
    assert role["roleName"] == CUSTOM_ROLE_NAME
    assert role["permissions"][0]["actions"] == [PEER_ACTION]
    saved.custom_role_id = role["id"]


def test_step_09_assign_peer_role(shell, saved):
    """9. az role assignment create --role <custom role> --assignee-object-id <provider SP>"""
    assignment = shell.az_json("role", "assignment", "create", "--role", saved.custom_role_id,
                               "--assignee-object-id", saved.provider_sp_id, "--scope", saved.vnet_id)
    assert assignment["principalId"] == saved.provider_sp_id
    assert same_id(assignment["roleDefinitionId"], saved.custom_role_id)


# --- the customer, in the provider's console (avn) ------------------------------------------------------------


def test_step_10_find_project_vpc(shell, up, saved):
    """10. avn vpc list"""
    deadline = time.monotonic() + VPC_ACTIVE_TIMEOUT
    while True:
        out = shell.avn("vpc", "list").stdout
        rows = parse_table(out) if out.strip() else []
        if len(rows) == 1 and rows[0]["state"] == "ACTIVE":
            break
        assert time.monotonic() < deadline, f"no single ACTIVE project VPC in {VPC_ACTIVE_TIMEOUT}s:\n{out}"
        time.sleep(0.5)
    saved.project_vpc_id = rows[0]["project_vpc_id"]
    assert saved.project_vpc_id == up.world["project"]["vpc_id"]


def test_step_11_create_peering_connection(shell, saved):
    """11. avn vpc peering-connection create"""
    out = shell.avn("vpc", "peering-connection", "create", *connection_args(saved),
                    "--peer-azure-app-id", saved.app_id, "--peer-azure-tenant-id", saved.tenant).stdout
    header = out.splitlines()[0].split()
    assert "STATE" in header and "PEERING_CONNECTION_ID" in header, out
    assert " APPROVED " in out, out


def test_step_12_wait_for_pending_peer(shell, up, saved):
    """12. avn vpc peering-connection get -v (until PENDING_PEER)"""
    info, out = wait_for_state(shell, saved, "PENDING_PEER", PENDING_PEER_TIMEOUT)
    assert "to-tenant-id" in info and "to-network-id" in info, out
    saved.to_tenant_id = info["to-tenant-id"]
    saved.to_network_id = info["to-network-id"]
    assert saved.to_tenant_id == up.world["provider"]["tenant_id"]
    assert saved.to_network_id.lower().startswith("/subscriptions/"), out


# --- the customer's app peers its VNet (az) ------------------------------------------------------------------
# Each login runs once: MSAL caches an HTTP 400 from the token endpoint for 60 s, so a retried
# login from the same config dir would not even reach AAD.


def test_step_13_app_signs_in_to_customer_tenant(shell, saved):
    """13. az login --service-principal --tenant <customer tenant>"""
    accounts = shell.az_json("login", "--service-principal", "-u", saved.app_id, *password_args(saved.password),
                             "--tenant", saved.tenant)
    assert saved.subscription_id in [a["id"] for a in accounts], accounts


def test_step_14_app_signs_in_to_provider_tenant(shell, saved):
    """14. az login --service-principal --tenant <TO-TENANT-ID>"""
    accounts = shell.az_json("login", "--service-principal", "-u", saved.app_id, *password_args(saved.password),
                             "--tenant", saved.to_tenant_id)
    assert [a["tenantId"] for a in accounts] == [saved.to_tenant_id] * len(accounts), accounts


def test_service_unreachable_before_the_customer_side_exists(shell, up, saved):
    """14b. psql from customer-vm to the project VPC's service fails: there is no peering yet"""
    if not services_run(up):
        pytest.skip("no services here: the data plane does not run (not root, no user namespaces)")
    get = shell.avn("service", "get", up.world["service"]["name"], "--json")
    service = json.loads(get.stdout)
    assert service["state"] == "RUNNING", service
    saved.service_uri = shell.avn("service", "get", service["service_name"], "--format", "{service_uri}").stdout.strip()
    assert saved.service_uri == up.world["service"]["uri"]
    host = service["service_uri_params"]["host"]
    assert host.startswith("10.2.0."), f"a private address in the project VPC's 10.2.0.0/24: {host}"
    r = query(shell, up, saved)
    assert r.code != 0 and r.stdout.strip() != "1", r.describe()


def test_step_15_create_peering(shell, saved):
    """15. az network vnet peering create --remote-vnet <TO-NETWORK-ID> --allow-vnet-access"""
    peering = shell.az_json("network", "vnet", "peering", "create", "--name", PEERING_NAME,
                            "--remote-vnet", saved.to_network_id, "--vnet-name", saved.vnet_name,
                            "--resource-group", saved.vnet_rg, "--subscription", saved.subscription_id,
                            "--allow-vnet-access")
    assert peering["peeringState"] == "Connected", peering
    assert peering["allowVirtualNetworkAccess"] is True
    assert same_id(peering["remoteVirtualNetwork"]["id"], saved.to_network_id)


def test_connection_becomes_active(shell, saved):
    """16. avn vpc peering-connection get (until ACTIVE)"""
    _, out = wait_for_state(shell, saved, "ACTIVE", ACTIVE_TIMEOUT)
    assert out.splitlines()[0] == "State: ACTIVE", out


# --- what the peering is for: the project VPC's service, from the customer's host ---------------------------


def test_service_answers_through_the_active_peering(shell, up, saved):
    """17. psql from customer-vm through the peering: select 1"""
    if not services_run(up):
        pytest.skip("no services here: the data plane does not run (not root, no user namespaces)")
    r = query(shell, up, saved)
    assert r.code == 0 and r.stdout.strip() == "1", r.describe()
    # TLS with a certificate from the stack's CA (env.sh's bundle), and the password is checked.
    verify = saved.service_uri.replace("sslmode=require", f"sslmode=verify-ca&sslrootcert={up.env['REQUESTS_CA_BUNDLE']}")
    r = query(shell, up, type("S", (), {"service_uri": verify}))
    assert r.code == 0 and r.stdout.strip() == "1", r.describe()
    wrong = saved.service_uri.replace("avnadmin:", "avnadmin:wrong", 1)
    r = query(shell, up, type("S", (), {"service_uri": wrong}))
    assert r.code != 0 and "password authentication failed" in r.stderr, r.describe()
    plain = saved.service_uri.replace("sslmode=require", "sslmode=disable")
    r = query(shell, up, type("S", (), {"service_uri": plain}))
    assert r.code != 0, r.describe()


def test_service_unreachable_without_virtual_network_access(shell, up, saved):
    """18. the customer's peering made again with --allow-vnet-access false: the query fails; with access: it answers"""
    if not services_run(up):
        pytest.skip("no services here")
    # As the app, still signed in to both tenants (steps 13 and 14): a cross-tenant peering is
    # written with a token for each, which `az network vnet peering create` sends (update does not).
    where = ["--vnet-name", saved.vnet_name, "--resource-group", saved.vnet_rg, "--subscription", saved.subscription_id]

    def recreate(access):
        shell.az("network", "vnet", "peering", "delete", "--name", PEERING_NAME, *where)
        # The provider's side is now Disconnected; the control plane notices (PENDING_PEER) and
        # makes it again, after which the customer's side can be created anew.
        wait_for_state(shell, saved, "PENDING_PEER", PENDING_PEER_TIMEOUT)
        deadline = time.monotonic() + 20
        while True:
            r = shell.az("network", "vnet", "peering", "create", "--name", PEERING_NAME, "--remote-vnet",
                         saved.to_network_id, *where, "--allow-vnet-access", access, "-o", "json",
                         check=time.monotonic() > deadline)
            if r.code == 0:
                break
            assert "RemotePeeringIsDisconnected" in r.stderr, r.describe()
            time.sleep(0.3)
        peering = r.json
        assert peering["peeringState"] == "Connected" and peering["allowVirtualNetworkAccess"] is (access == "true")

    recreate("false")
    r = query(shell, up, saved)
    assert r.code != 0 and r.stdout.strip() != "1", r.describe()
    recreate("true")
    deadline = time.monotonic() + 10
    while (r := query(shell, up, saved)).code != 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert r.code == 0 and r.stdout.strip() == "1", r.describe()
    wait_for_state(shell, saved, "ACTIVE", ACTIVE_TIMEOUT)


def test_service_never_answers_an_unpeered_vnet(shell, up, saved):
    """19. a host in customer-vnet-2 (not peered) cannot reach the service"""
    if not services_run(up):
        pytest.skip("no services here")
    second = up.world["customer"]["second_vnet_name"]
    # The customer's administrator (az is still signed in as the app since step 14) adds a VM's NIC.
    admin = up.world["customer"]["admin"]
    shell.az_login_device_code(admin["username"], admin["password"])
    shell.az("account", "set", "--subscription", saved.subscription_id)
    shell.az_json("network", "nic", "create", "--name", "other-vm", "--resource-group", saved.vnet_rg,
                  "--vnet-name", second, "--subnet", "default", "--subscription", saved.subscription_id)
    deadline = time.monotonic() + 20
    while True:
        r = query(shell, up, saved, nic="other-vm")
        if "has no host yet" not in r.stderr or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.code != 0 and r.stdout.strip() != "1", r.describe()
    assert "has no host yet" not in r.stderr, r.describe()


def test_service_unreachable_after_the_connection_is_deleted(shell, up, saved):
    """20. avn vpc peering-connection delete: the provider's side goes, and with it the route"""
    if not services_run(up):
        pytest.skip("no services here")
    shell.avn("vpc", "peering-connection", "delete", *connection_args(saved))
    deadline = time.monotonic() + 30
    while (r := query(shell, up, saved)).code == 0 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert r.code != 0 and r.stdout.strip() != "1", r.describe()
