"""The Aiven project API that avn users meet, run with the real aiven-client 4.18.0: `avn cloud list`
(with and without a project), `avn project list [-v]`, `avn project details`, `avn user info`, the
one-VPC-per-cloud rule, unknown clouds, and `avn vpc user-peer-network-cidr add` errors.

The tests use their own project, `projapi`, so the guide's story in project `demo` is untouched.
"""

import json
import time
import uuid

import pytest
import requests

from conftest import STATE_TIMEOUT, create_project
from test_guide import table

PROJECT = "projapi"
USER = "projapi@provider.example"
CLOUD_COLUMNS = ["cloud_description", "cloud_name", "geo_latitude", "geo_longitude", "geo_region", "provider",
                 "provider_description"]


@pytest.fixture(scope="module")
def owner(control_plane, new_avn):
    token = create_project(PROJECT, USER, control_plane.data_dir)
    return new_avn("projapi", token=token, project=PROJECT)


@pytest.fixture(scope="module")
def clouds(control_plane):
    r = requests.get(f"{control_plane.url}/v1/clouds", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["clouds"]


def test_cloud_list_without_a_project_or_token(new_avn, clouds):
    avn = new_avn("clouds-anonymous")
    del avn.env["AIVEN_PROJECT"]
    del avn.env["AIVEN_AUTH_TOKEN"]
    result = avn.run("cloud", "list")
    assert result.stdout == table(CLOUD_COLUMNS, clouds)
    row = next(line for line in result.stdout.splitlines() if " azure-westeurope " in line)
    assert row.split("  ")[0] == "Europe, Netherlands - Azure: West Europe"
    assert row.split()[-7:] == ["azure-westeurope", "52.37", "4.9", "europe", "azure", "Microsoft", "Azure"]


def test_cloud_list_of_a_project(owner, clouds):
    assert owner.run("cloud", "list", "--project", PROJECT).stdout == table(CLOUD_COLUMNS, clouds)
    assert owner.run("cloud", "list").stdout == table(CLOUD_COLUMNS, clouds)


def test_project_list(owner):
    result = owner.run("project", "list")
    assert result.stdout == table(["project_name", "default_cloud", "credit_card"],
                                  [{"project_name": PROJECT, "default_cloud": "azure-westeurope", "credit_card": "N/A"}])


def test_project_list_verbose_and_details(owner):
    for args in (["project", "list", "-v"], ["project", "details"]):
        lines = owner.run(*args).stdout.splitlines()
        assert lines[0].split() == ["PROJECT_NAME", "DEFAULT_CLOUD", "BILLING_CURRENCY", "VAT_ID"], lines
        assert lines[2].split() == [PROJECT, "azure-westeurope", "USD"], lines
        fields = {line.split("=")[0].strip() for line in lines[3:] if "=" in line}
        assert {"credit_card", "billing_address", "country_code"} <= fields, lines
    details = owner.run("project", "details", "--json").json
    assert isinstance(details, list) and len(details) == 1
    assert {k: details[0][k] for k in ("project_name", "default_cloud", "billing_currency", "vat_id",
                                       "billing_extra_text", "credit_card")} == {
        "project_name": PROJECT, "default_cloud": "azure-westeurope", "billing_currency": "USD", "vat_id": "",
        "billing_extra_text": None, "credit_card": "N/A"}


def test_user_info(owner):
    lines = owner.run("user", "info").stdout.splitlines()
    assert lines[0].split() == ["USER", "REAL_NAME", "STATE", "TOKEN_VALIDITY_BEGIN", "PROJECTS", "AUTH"], lines
    row = lines[2].split()
    assert (row[0], row[1], row[3], row[4]) == (USER, "active", PROJECT, "password"), lines
    info = owner.run("user", "info", "--json").json
    assert info[0]["user"] == USER and info[0]["projects"] == [PROJECT] and info[0]["auth"] == ["password"]
    assert info[0]["token_validity_begin"]


def wait_active(avn, vpc):
    deadline = time.monotonic() + STATE_TIMEOUT
    while time.monotonic() < deadline:
        listed = avn.run("vpc", "list", "--json").json
        if any(v["project_vpc_id"] == vpc and v["state"] == "ACTIVE" for v in listed):
            return
        time.sleep(0.2)
    pytest.fail(f"VPC {vpc} never became ACTIVE")


@pytest.fixture(scope="module")
def vpc(owner):
    created = owner.run("vpc", "create", "--cloud", "azure-westeurope", "--network-cidr", "10.30.0.0/24")
    vpc = created.stdout.splitlines()[2].split()[0]
    wait_active(owner, vpc)
    return vpc


def test_a_second_vpc_in_the_same_cloud_is_refused(owner, vpc):
    message = f"Project VPC already exists in cloud azure-westeurope: {vpc}; a project has one VPC per cloud"
    result = owner.fails("vpc", "create", "--cloud", "azure-westeurope", "--network-cidr", "10.31.0.0/24",
                         stderr=f"Error: {message} (status 409)")
    body = json.loads(result.stdout)
    assert body["message"] == message and body["errors"][0]["status"] == 409
    # the project's default cloud is its first VPC's
    assert owner.run("project", "details", "--json").json[0]["default_cloud"] == "azure-westeurope"


def test_an_unknown_cloud_is_refused(owner, clouds):
    names = ", ".join(c["cloud_name"] for c in clouds)
    message = f"Cloud 'azure-atlantis' is not available; use one of: {names}"
    result = owner.fails("vpc", "create", "--cloud", "azure-atlantis", "--network-cidr", "10.32.0.0/24",
                         stderr=f"Error: {message} (status 400)")
    assert json.loads(result.stdout)["errors"][0]["status"] == 400


def test_user_peer_network_cidr_add_errors(owner, vpc):
    sub, app, tenant = (str(uuid.uuid4()) for _ in range(3))
    target = ["--project-vpc-id", vpc, "--peer-cloud-account", sub, "--peer-resource-group", "rg",
              "--peer-vpc", "vnet-a"]
    owner.run("vpc", "peering-connection", "create", *target, "--peer-azure-app-id", app,
              "--peer-azure-tenant-id", tenant)
    add = ["vpc", "user-peer-network-cidr", "add", *target]
    owner.fails(*add, "10.3.0.300/16", stderr="Error: '10.3.0.300/16' is not a CIDR such as '10.2.0.0/16' (status 400)")
    owner.fails(*add, "10.30.0.0/16", stderr="Error: User peer network CIDR 10.30.0.0/16 overlaps the project VPC's "
                "own network 10.30.0.0/24; choose a peer network outside it (status 400)")
    assert owner.run(*add, "10.3.0.0/16").stdout == ""
    owner.fails(*add, "10.3.0.0/16", stderr="Error: User peer network CIDR 10.3.0.0/16 is already set on the peering "
                "connection to rg/vnet-a (status 400)")
