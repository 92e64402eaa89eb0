"""Service lifecycle with the real aiven-client 4.18.0 against `isthmus up` (which has a compute
backend): `avn service types`, `plans`, `create --project-vpc-id`, `list`, `get` (`--json`, `-v`,
`--format`), `wait`, `terminate --force`, and the errors avn users meet (a taken name, a service
outside a VPC, an unknown type, a VPC in another cloud). `serve` without a backend refuses creates
(tested in Rust: control_plane_services_api.rs).
"""

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import Avn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from isthmus_up import Up  # noqa: E402

NAME = "pg1"


@pytest.fixture(scope="module")
def up(tmp_root):
    stack = Up(tmp_root / "up", tmp_root / "up.log")
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def owner(tmp_root, up):
    if "service" not in up.world:
        pytest.skip("no services here: the data plane does not run (not root, no user namespaces)")
    return Avn(tmp_root / "homes" / "services", up.api_url, up.env["AIVEN_AUTH_TOKEN"], up.env["AIVEN_PROJECT"])


def service_json(owner, name):
    """`avn service get --json` prints the one service as an object (unlike `project details`)."""
    out = owner.run("service", "get", name, "--json").stdout
    service = json.loads(out)
    assert isinstance(service, dict), out
    return service


def test_service_types_and_plans(owner):
    out = owner.run("service", "types").stdout
    assert "pg            PostgreSQL - Object-Relational Database Management System" in out, out
    plans = owner.run("service", "plans", "-t", "pg", "--cloud", "azure-westeurope").stdout
    assert "PostgreSQL - Object-Relational Database Management System Plans:" in plans, plans
    assert "pg:hobbyist" in plans and "$0.026/h" in plans and "Hobbyist (1 CPU, 2 GB RAM, 8-32 GB disk)" in plans, plans
    assert "pg:startup-4" in plans, plans


def test_create_wait_get_and_list(owner, up):
    vpc = up.world["project"]["vpc_id"]
    created = owner.run("service", "create", NAME, "--service-type", "pg", "--cloud", "azure-westeurope",
                        "--plan", "startup-4", "--project-vpc-id", vpc)
    assert created.stdout == "", created.describe()
    listed = owner.run("service", "list").stdout
    row = next(l for l in listed.splitlines() if l.startswith(NAME + " "))
    assert " pg " in row and ("REBUILDING" in row or "RUNNING" in row) and "azure-westeurope" in row, listed
    waited = owner.run("service", "wait", NAME)
    assert f"Service(s) RUNNING: {NAME}" in waited.stderr, waited.describe()

    s = service_json(owner, NAME)
    assert (s["state"], s["plan"], s["cloud_name"], s["project_vpc_id"]) == ("RUNNING", "startup-4", "azure-westeurope", vpc)
    params = s["service_uri_params"]
    assert params["host"].startswith("10.2.0.") and params["port"] == "5432", params
    assert (params["user"], params["dbname"], params["sslmode"]) == ("avnadmin", "defaultdb", "require"), params
    assert params["password"].startswith("AVNS_") and len(params["password"]) == 26
    uri = f"postgres://avnadmin:{params['password']}@{params['host']}:5432/defaultdb?sslmode=require"
    assert s["service_uri"] == uri
    assert s["components"] == [{"component": "pg", "host": params["host"], "port": 5432, "route": "dynamic",
                                "usage": "primary", "ssl": True}], s["components"]
    assert s["users"] == [{"username": "avnadmin", "password": params["password"], "type": "primary"}]
    assert s["node_states"][0]["state"] == "running" and s["notifications"] == []
    fmt = owner.run("service", "get", NAME, "--format",
                    "{service_uri_params[host]}:{service_uri_params[port]} {components[0][route]} {state}").stdout
    assert fmt.strip() == f"{params['host']}:5432 dynamic RUNNING", fmt
    verbose = owner.run("service", "get", NAME, "-v").stdout
    assert f"service_uri   = {uri}" in verbose and "databases     = defaultdb" in verbose, verbose
    # The demo service is there too, in the same VPC, at another address.
    names = [line.split()[0] for line in owner.run("service", "list").stdout.splitlines()[2:]]
    assert names == [NAME, "tsdb"], names
    assert service_json(owner, "tsdb")["service_uri_params"]["host"] != params["host"]


def test_create_errors_as_avn_shows_them(owner, up):
    vpc = up.world["project"]["vpc_id"]
    base = ["service", "create", NAME, "-t", "pg", "--plan", "hobbyist", "--cloud", "azure-westeurope"]
    taken = owner.run(*base, "--project-vpc-id", vpc, check=False)
    assert taken.code == 1 and f"Service '{NAME}' already exists" in taken.stderr, taken.describe()
    public = owner.run("service", "create", "pg2", "-t", "pg", "--plan", "hobbyist", "--cloud", "azure-westeurope",
                       "--no-project-vpc", check=False)
    assert public.code == 1 and "only inside a project VPC" in public.stderr, public.describe()
    other_cloud = owner.run("service", "create", "pg2", "-t", "pg", "--plan", "hobbyist", "--cloud",
                            "azure-northeurope", "--project-vpc-id", vpc, check=False)
    assert other_cloud.code == 1 and "is in cloud azure-westeurope" in other_cloud.stderr, other_cloud.describe()
    unknown = owner.run("service", "create", "pg2", "-t", "pgg", "--plan", "hobbyist", "--cloud", "azure-westeurope",
                        "--project-vpc-id", vpc, check=False)
    assert unknown.code == 1 and "Unknown service type 'pgg'" in unknown.stderr, unknown.describe()
    bad_plan = owner.run("service", "create", "pg2", "-t", "pg", "--plan", "business-99", "--cloud",
                         "azure-westeurope", "--project-vpc-id", vpc, check=False)
    assert bad_plan.code == 1 and "hobbyist, startup-4" in bad_plan.stderr, bad_plan.describe()
    assert "pg2" not in owner.run("service", "list").stdout


def test_a_vpc_with_services_cannot_be_deleted(owner, up):
    vpc = up.world["project"]["vpc_id"]
    r = owner.run("vpc", "delete", "--project-vpc-id", vpc, check=False)
    assert r.code == 1 and "still has services" in r.stderr, r.describe()


def test_terminate_removes_the_server_and_its_data(owner, up):
    services_dir = Path(up.data_dir) / "services"
    before = set(os.listdir(services_dir))
    assert len(before) == 2, before
    r = owner.run("service", "terminate", NAME, "--force")
    assert f"{NAME}: terminated" in r.stderr, r.describe()
    gone = owner.run("service", "get", NAME, check=False)
    assert gone.code == 1 and f"Service '{NAME}' does not exist" in gone.stderr, gone.describe()
    import time
    deadline = time.monotonic() + 30
    while len(os.listdir(services_dir)) != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(os.listdir(services_dir)) == 1, "the terminated service's data is removed"
    names = [line.split()[0] for line in owner.run("service", "list").stdout.splitlines()[2:]]
    assert names == ["tsdb"], names
    # The name is free again once the server is gone.
    vpc = up.world["project"]["vpc_id"]
    owner.run("service", "create", NAME, "-t", "pg", "--plan", "hobbyist", "--cloud", "azure-westeurope",
              "--project-vpc-id", vpc)
    owner.run("service", "wait", NAME)
    owner.run("service", "terminate", NAME, "--force")
