"""The guide's `avn vpc` commands, run by the real aiven-client 4.18.0 against `isthmus serve`.

The tests run in file order and tell one story: the provider's user creates a project VPC, the
customer prepares its Azure side, a peering connection goes APPROVED -> PENDING_PEER -> ACTIVE as
the customer completes its half, and everything is deleted again. Every table is compared with what
avn prints against the real Aiven API (reference/aiven-api.md section (d)): exact headers, column
order, two-space separation, padded header and `===` lines, right-stripped data rows. The failures a
user can meet are checked where they would happen, with the client's own error lines.
"""

import json

import pytest

from conftest import create_project, customer_peers, customer_setup

CLOUD = "azure-westeurope"
CIDR = "10.20.0.0/24"
SPARE_CIDR = "10.21.0.0/24"
SPARE_CLOUD = "azure-northeurope"  # a project has one VPC per cloud
VPC_COLUMNS = ["project_vpc_id", "cloud_name", "network_cidr", "state"]
VPC_CREATE_COLUMNS = ["project_vpc_id", "state", "cloud_name", "network_cidr"]
CONNECTION_LIST_COLUMNS = ["peer_cloud_account", "peer_resource_group", "peer_vpc", "peer_region", "state"]
TIMES = ["create_time", "update_time"]
# Create and delete print every key of the connection object, sorted.
CONNECTION_FIELDS = ["create_time", "peer_azure_app_id", "peer_azure_tenant_id", "peer_cloud_account", "peer_region",
                     "peer_resource_group", "peer_vpc", "peering_connection_id", "state", "state_info", "update_time",
                     "user_peer_network_cidrs", "vpc_peering_connection_type"]


def cell(value):
    """A value as avn's `pretty` module prints it: strings verbatim, lists joined with ", ", the rest
    JSON-encoded (so None is `null`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    return json.dumps(value)


def table(columns, rows):
    """The table avn prints for `rows` (dicts) with `columns`: upper-cased headers and `===` rules,
    each padded to the column's width (trailing spaces kept), two spaces between columns, data rows
    stripped."""
    cells = [[cell(r[c]) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths)),
             "  ".join("=" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).strip() for row in cells]
    return "\n".join(lines) + "\n"


def get_output(connection):
    """What `avn vpc peering-connection get` prints for a connection object: the State line, the CIDR
    line when there are any, then the Message line, a blank line, and the other `state_info` keys as a
    one-row table with sorted columns."""
    out = f"State: {connection['state']}\n"
    if connection["user_peer_network_cidrs"]:
        out += f"User-defined peer network cidrs: {', '.join(connection['user_peer_network_cidrs'])}\n"
    info = dict(connection["state_info"] or {})
    if connection["state_info"] is not None:
        out += f"Message: {info.pop('message')}\n\n"
        if info:
            out += table(sorted(info), [info])
    return out


def parse_connection_table(stdout):
    """The one row of the wide create/delete table as a dict, for a connection whose state_info is
    null and whose user_peer_network_cidrs is empty (the only empty cell, so split() finds the rest)."""
    lines = stdout.splitlines()
    assert len(lines) == 3, stdout
    header = [h.lower() for h in lines[0].split()]
    assert header == CONNECTION_FIELDS, stdout
    values = lines[2].split()
    keys = [k for k in header if k != "user_peer_network_cidrs"]
    assert len(values) == len(keys), stdout
    fields = dict(zip(keys, values), user_peer_network_cidrs=[])
    for key in ("peer_region", "state_info"):
        fields[key] = json.loads(fields[key]) if fields[key] == "null" else fields[key]
    return fields


class Story:
    """Values saved from one step's output for the next, as a user's shell variables."""


@pytest.fixture(scope="module")
def story(world, emulator, control_plane):
    s = Story()
    s.world = world
    s.emulator = emulator
    s.cp = control_plane
    s.sub = world.customer["sub"]
    s.tenant = world.customer["tenant"]
    s.rg = world.customer["rg"]
    return s


def conn_args(story, rg, vnet):
    return ["--project-vpc-id", story.vpc, "--peer-cloud-account", story.sub, "--peer-resource-group", rg,
            "--peer-vpc", vnet]


def create_args(story, rg, vnet):
    return ["vpc", "peering-connection", "create", *conn_args(story, rg, vnet),
            "--peer-azure-app-id", story.app.app_id, "--peer-azure-tenant-id", story.tenant]


# --- before anything exists -------------------------------------------------------------------------


def test_without_a_token_avn_asks_to_log_in(new_avn):
    avn = new_avn("no-token")
    del avn.env["AIVEN_AUTH_TOKEN"]
    result = avn.fails("vpc", "list",
                       stderr="UserError: not authenticated: please login first with 'avn user login'")
    assert result.stdout == ""


def test_an_unknown_token_is_refused(new_avn):
    avn = new_avn("bad-token", token="not-a-real-token")
    result = avn.fails("vpc", "list", stderr="UserError: Project VPC listing for 'demo' failed")
    body = json.loads(result.stdout)
    assert body["message"] == "Invalid token"
    assert body["errors"][0]["message"] == "Invalid token" and body["errors"][0]["status"] == 403


def test_vpc_list_is_empty_at_first(avn):
    assert avn.run("vpc", "list").stdout == ""


# --- the project VPC -------------------------------------------------------------------------------


def test_vpc_create_prints_the_new_vpc_approved(story, avn):
    result = avn.run("vpc", "create", "--cloud", CLOUD, "--network-cidr", CIDR)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PROJECT_VPC_ID", "STATE", "CLOUD_NAME", "NETWORK_CIDR"]
    story.vpc = lines[2].split()[0]
    expected = {"project_vpc_id": story.vpc, "state": "APPROVED", "cloud_name": CLOUD, "network_cidr": CIDR}
    assert result.stdout == table(VPC_CREATE_COLUMNS, [expected])


def test_vpc_list_shows_it_active_once_built(story, avn):
    story.cp.wait_vpc(story.vpc, "ACTIVE")
    result = avn.run("vpc", "list")
    row = {"project_vpc_id": story.vpc, "cloud_name": CLOUD, "network_cidr": CIDR, "state": "ACTIVE"}
    assert result.stdout == table(VPC_COLUMNS, [row])
    # The header keeps its padding: STATE is padded to the width of ACTIVE.
    assert result.stdout.splitlines()[0].endswith("NETWORK_CIDR  STATE ")


def test_vpc_list_json_is_the_vpcs_array(story, avn):
    vpcs = avn.run("vpc", "list", "--json").json
    assert [v["project_vpc_id"] for v in vpcs] == [story.vpc]
    assert set(vpcs[0]) == {"cloud_name", "create_time", "network_cidr", "project_vpc_id", "state", "update_time"}
    assert vpcs[0]["create_time"].endswith("Z") and vpcs[0]["update_time"].endswith("Z")
    assert avn.run("vpc", "list", "--json").stdout == json.dumps(vpcs, indent=4, sort_keys=True) + "\n"
    story.vpc_json = vpcs[0]


def test_vpc_list_verbose_adds_the_times(story, avn):
    result = avn.run("vpc", "list", "-v")
    assert result.stdout == table(VPC_COLUMNS + TIMES, [story.vpc_json])


def test_vpc_delete_of_an_unused_vpc(story, avn):
    created = avn.run("vpc", "create", "--cloud", SPARE_CLOUD, "--network-cidr", SPARE_CIDR)
    spare = created.stdout.splitlines()[2].split()[0]
    result = avn.run("vpc", "delete", "--project-vpc-id", spare)
    expected = {"project_vpc_id": spare, "state": "DELETING", "cloud_name": SPARE_CLOUD, "network_cidr": SPARE_CIDR}
    assert result.stdout == table(VPC_CREATE_COLUMNS, [expected])


def test_peering_connection_list_is_empty_at_first(story, avn):
    assert avn.run("vpc", "peering-connection", "list", "--project-vpc-id", story.vpc).stdout == ""


# --- the customer's Azure side, then the connection ---------------------------------------------------


def test_customer_prepares_its_tenant(story):
    story.app = customer_setup(story.emulator, story.world, "avn-conformance")


def test_peering_connection_create_prints_every_field_approved(story, avn):
    result = avn.run(*create_args(story, story.rg, "customer-vnet"))
    assert result.stdout.splitlines()[0].split() == [c.upper() for c in CONNECTION_FIELDS]
    fields = parse_connection_table(result.stdout)
    assert fields["state"] == "APPROVED" and fields["state_info"] is None and fields["peer_region"] is None
    assert fields["peer_cloud_account"] == story.sub
    assert fields["peer_resource_group"] == story.rg
    assert fields["peer_vpc"] == "customer-vnet"
    assert fields["peer_azure_app_id"] == story.app.app_id
    assert fields["peer_azure_tenant_id"] == story.tenant
    assert fields["vpc_peering_connection_type"] == "azure-vnet-peering"
    assert fields["create_time"].endswith("Z") and fields["update_time"].endswith("Z")
    assert fields["user_peer_network_cidrs"] == []
    assert result.stdout == table(CONNECTION_FIELDS, [fields])
    row = result.stdout.splitlines()[2]
    assert "  null         customer-rg  " in row and "  APPROVED  null        20" in row


def test_creating_it_again_is_409_already_exists(story, avn):
    result = avn.fails(*create_args(story, story.rg, "customer-vnet"),
                       stderr="Error: Peering connection already exists (status 409)")
    body = json.loads(result.stdout)
    assert body["message"] == "Peering connection already exists"
    assert body["errors"][0]["message"] == "Peering connection already exists"
    assert body["errors"][0]["status"] == 409


def test_get_in_pending_peer_shows_where_to_peer(story, avn):
    pending = story.cp.wait_connection(story.vpc, "customer-vnet", "PENDING_PEER")
    result = avn.run("vpc", "peering-connection", "get", "-v", *conn_args(story, story.rg, "customer-vnet"))
    info = pending["state_info"]
    assert info["to-tenant-id"] == story.world.provider["tenant"]
    assert info["to-network-id"] == story.world.provider_vnet_id(story.vpc)
    lines = result.stdout.splitlines()
    assert lines[0] == "State: PENDING_PEER"
    assert lines[1].startswith("Message: ") and "--allow-vnet-access" in lines[1] and info["to-network-id"] in lines[1]
    assert lines[2] == ""
    assert lines[3].split() == ["TO-NETWORK-ID", "TO-TENANT-ID", "TYPE"]
    assert lines[5].split() == [info["to-network-id"], info["to-tenant-id"], info["type"]]
    assert result.stdout == get_output(pending)
    # -v changes nothing (avn never reads it)
    assert avn.run("vpc", "peering-connection", "get", *conn_args(story, story.rg, "customer-vnet")).stdout \
        == result.stdout
    story.to_network_id = info["to-network-id"]


def test_get_json_is_the_connection_object(story, avn):
    result = avn.run("vpc", "peering-connection", "get", "--json", *conn_args(story, story.rg, "customer-vnet"))
    got = result.json
    assert result.stdout == json.dumps(got, indent=4, sort_keys=True) + "\n"
    assert set(got) == {"create_time", "peer_azure_app_id", "peer_azure_tenant_id", "peer_cloud_account",
                        "peer_region", "peer_resource_group", "peer_vpc", "peering_connection_id", "state",
                        "state_info", "update_time", "user_peer_network_cidrs", "vpc_peering_connection_type"}
    assert got["state"] == "PENDING_PEER" and got["peer_region"] is None
    assert set(got["state_info"]) >= {"message", "type", "to-tenant-id", "to-network-id"}


def test_peering_connection_list_shows_it_pending(story, avn):
    result = avn.run("vpc", "peering-connection", "list", "--project-vpc-id", story.vpc)
    row = {"peer_cloud_account": story.sub, "peer_resource_group": story.rg, "peer_vpc": "customer-vnet",
           "peer_region": None, "state": "PENDING_PEER"}
    assert result.stdout == table(CONNECTION_LIST_COLUMNS, [row])
    assert "  null         PENDING_PEER" in result.stdout


def test_refresh_prints_the_list_columns(story, avn):
    result = avn.run("vpc", "peering-connection", "refresh", "--project-vpc-id", story.vpc)
    assert result.stdout.splitlines()[0].split() == [c.upper() for c in CONNECTION_LIST_COLUMNS]
    assert result.stdout.splitlines()[2].split()[:3] == [story.sub, story.rg, "customer-vnet"]


def test_user_peer_network_cidrs_show_in_get(story, avn):
    args = conn_args(story, story.rg, "customer-vnet")
    add = ["vpc", "user-peer-network-cidr", "add", "--project-vpc-id", story.vpc, "--peer-cloud-account", story.sub,
           "--peer-resource-group", story.rg, "--peer-vpc", "customer-vnet", "10.50.0.0/16", "10.51.0.0/16"]
    assert avn.run(*add).stdout == ""
    got = avn.run("vpc", "peering-connection", "get", *args)
    assert got.stdout.splitlines()[1] == "User-defined peer network cidrs: 10.50.0.0/16, 10.51.0.0/16"
    delete = ["vpc", "user-peer-network-cidr", "delete", "--project-vpc-id", story.vpc, "10.50.0.0/16", "10.51.0.0/16"]
    assert avn.run(*delete).stdout == ""
    assert avn.run("vpc", "peering-connection", "get", "--json", *args).json["user_peer_network_cidrs"] == []


def test_vpc_delete_is_refused_while_connections_exist(story, avn):
    result = avn.run("vpc", "delete", "--project-vpc-id", story.vpc, check=False)
    assert result.code == 1, result.describe()
    assert result.stderr.startswith("ERROR\tcommand failed: Error: Project VPC ") and "(status 409)" in result.stderr
    assert json.loads(result.stdout)["errors"][0]["status"] == 409


# --- failures a user can meet -----------------------------------------------------------------------


def test_get_matches_client_side_and_says_when_nothing_matches(story, avn):
    avn.fails("vpc", "peering-connection", "get", *conn_args(story, story.rg, "no-such-vnet"),
              stderr="UserError: Peering connection does not exist")


def test_get_of_an_unknown_vpc_is_a_listing_failure(story, avn):
    vpc = "00000000-0000-0000-0000-000000000000"
    result = avn.fails("vpc", "peering-connection", "get", "--project-vpc-id", vpc, "--peer-cloud-account", story.sub,
                       "--peer-resource-group", story.rg, "--peer-vpc", "customer-vnet",
                       stderr=f"UserError: Peering connection listing for VPC '{vpc}' of project 'demo' failed")
    body = json.loads(result.stdout)
    assert body["message"] == "Project VPC does not exist" and body["errors"][0]["status"] == 404


def test_delete_of_an_unknown_connection_is_404(story, avn):
    result = avn.fails("vpc", "peering-connection", "delete", *conn_args(story, story.rg, "no-such-vnet"),
                       stderr="Error: Peering connection does not exist (status 404)")
    body = json.loads(result.stdout)
    assert body["message"] == "Peering connection does not exist"
    assert body["errors"][0]["message"] == "Peering connection does not exist"
    assert body["errors"][0]["status"] == 404


def test_another_projects_token_is_403(story, new_avn):
    token = create_project("other", "someone@else.example", story.cp.data_dir)
    other = new_avn("other-project", token=token)
    listing = other.fails("vpc", "list", stderr="UserError: Project VPC listing for 'demo' failed")
    assert json.loads(listing.stdout)["errors"][0]["status"] == 403
    created = other.fails(*create_args(story, story.rg, "customer-vnet-2"),
                          stderr=f"Error: {json.loads(listing.stdout)['message']} (status 403)")
    assert json.loads(created.stdout)["errors"][0]["status"] == 403
    other.fails("vpc", "peering-connection", "get", *conn_args(story, story.rg, "customer-vnet"),
                stderr=f"UserError: Peering connection listing for VPC '{story.vpc}' of project 'demo' failed")
    other.fails("vpc", "peering-connection", "delete", *conn_args(story, story.rg, "customer-vnet"),
                stderr=f"Error: {json.loads(listing.stdout)['message']} (status 403)")
    # ...and its own project is empty
    assert new_avn("other-own", token=token, project="other").run("vpc", "list").stdout == ""


def test_url_and_token_flags_work_as_well(story, new_avn):
    avn = new_avn("flags")
    url, token = avn.env.pop("AIVEN_WEB_URL"), avn.env.pop("AIVEN_AUTH_TOKEN")
    del avn.env["AIVEN_PROJECT"]
    # A trailing slash makes avn send `//v1/...`.
    result = avn.run("--url", url + "/", "--auth-token", token, "vpc", "list", "--project", "demo")
    assert result.stdout.splitlines()[2].split()[0] == story.vpc


def test_get_of_an_invalid_specification_says_what_to_fix(story, avn):
    avn.run(*create_args(story, story.rg, "no-such-vnet"))
    invalid = story.cp.wait_connection(story.vpc, "no-such-vnet", "INVALID_SPECIFICATION")
    result = avn.run("vpc", "peering-connection", "get", *conn_args(story, story.rg, "no-such-vnet"))
    assert result.stdout == get_output(invalid)
    lines = result.stdout.splitlines()
    assert lines[0] == "State: INVALID_SPECIFICATION"
    assert lines[1].startswith("Message: ") and "no-such-vnet" in lines[1]
    # Without --peer-resource-group avn uses the plain DELETE path.
    deleted = avn.run("vpc", "peering-connection", "delete", "--project-vpc-id", story.vpc,
                      "--peer-cloud-account", story.sub, "--peer-vpc", "no-such-vnet", "--json").json
    assert deleted["state"] == "DELETING" and deleted["peer_vpc"] == "no-such-vnet"
    story.cp.wait_connection(story.vpc, "no-such-vnet", None)


# --- the customer completes its side: ACTIVE ------------------------------------------------------------


def test_get_in_active_after_the_customer_peers(story, avn):
    customer_peers(story.emulator, story.world, story.app, "customer-vnet", story.to_network_id)
    active = story.cp.wait_connection(story.vpc, "customer-vnet", "ACTIVE")
    result = avn.run("vpc", "peering-connection", "get", "-v", *conn_args(story, story.rg, "customer-vnet"))
    assert result.stdout.splitlines()[:3] == ["State: ACTIVE", "Message: Peering connection active", ""]
    assert result.stdout == get_output(active)
    # Without --peer-resource-group, avn takes the first connection to that VNet.
    assert avn.run("vpc", "peering-connection", "get", "--project-vpc-id", story.vpc, "--peer-cloud-account",
                   story.sub, "--peer-vpc", "customer-vnet").stdout == result.stdout
    story.active = active


def test_peering_connection_list_verbose_shows_it_active(story, avn):
    result = avn.run("vpc", "peering-connection", "list", "-v", "--project-vpc-id", story.vpc)
    assert result.stdout == table(CONNECTION_LIST_COLUMNS + TIMES, [story.active])


# --- names keep the case the customer typed -------------------------------------------------------------


def test_mixed_case_resource_group_is_kept_and_works_end_to_end(story, avn):
    rg = "Customer-RG"  # the world's group is customer-rg; Azure names are case-insensitive
    created = avn.run(*create_args(story, rg, "customer-vnet-2"), "--json").json
    assert created["peer_resource_group"] == rg and created["state"] == "APPROVED"
    pending = story.cp.wait_connection(story.vpc, "customer-vnet-2", "PENDING_PEER")
    assert pending["peer_resource_group"] == rg
    result = avn.run("vpc", "peering-connection", "get", *conn_args(story, rg, "customer-vnet-2"))
    assert result.stdout == get_output(pending)
    # avn matches client-side and case-sensitively: the lower-case name finds nothing
    avn.fails("vpc", "peering-connection", "get", *conn_args(story, "customer-rg", "customer-vnet-2"),
              stderr="UserError: Peering connection does not exist")
    customer_peers(story.emulator, story.world, story.app, "customer-vnet-2",
                   pending["state_info"]["to-network-id"], rg="customer-rg")
    active = story.cp.wait_connection(story.vpc, "customer-vnet-2", "ACTIVE")
    got = avn.run("vpc", "peering-connection", "get", *conn_args(story, rg, "customer-vnet-2"))
    assert got.stdout.splitlines()[0] == "State: ACTIVE"
    listing = avn.run("vpc", "peering-connection", "list", "--project-vpc-id", story.vpc)
    listed = sorted(l.split() for l in listing.stdout.splitlines()[2:])
    assert listed == [[story.sub, rg, "customer-vnet-2", "null", "ACTIVE"],
                      [story.sub, "customer-rg", "customer-vnet", "null", "ACTIVE"]]


def test_mixed_case_connection_is_deleted_with_the_case_typed(story, avn):
    result = avn.run("vpc", "peering-connection", "delete", *conn_args(story, "Customer-RG", "customer-vnet-2"))
    fields = parse_connection_table(result.stdout)
    assert fields["state"] == "DELETING" and fields["peer_resource_group"] == "Customer-RG"
    assert result.stdout == table(CONNECTION_FIELDS, [fields])
    story.cp.wait_connection(story.vpc, "customer-vnet-2", None)


# --- deletion ------------------------------------------------------------------------------------------------


def test_peering_connection_delete_prints_it_deleting(story, avn):
    result = avn.run("vpc", "peering-connection", "delete", *conn_args(story, story.rg, "customer-vnet"))
    assert result.stdout.splitlines()[0].split() == [c.upper() for c in CONNECTION_FIELDS]
    fields = parse_connection_table(result.stdout)
    assert fields["state"] == "DELETING" and fields["state_info"] is None
    assert fields["peering_connection_id"] == story.active["peering_connection_id"]
    assert fields["create_time"] == story.active["create_time"]
    assert result.stdout == table(CONNECTION_FIELDS, [fields])
    assert "  DELETING  null        20" in result.stdout
    story.cp.wait_connection(story.vpc, "customer-vnet", None)
    assert avn.run("vpc", "peering-connection", "list", "--project-vpc-id", story.vpc).stdout == ""


def test_vpc_delete_once_its_connections_are_gone(story, avn):
    result = avn.run("vpc", "delete", "--project-vpc-id", story.vpc)
    expected = {"project_vpc_id": story.vpc, "state": "DELETING", "cloud_name": CLOUD, "network_cidr": CIDR}
    assert result.stdout == table(VPC_CREATE_COLUMNS, [expected])
