"""Fixtures for the avn conformance suite: the emulator and `isthmus serve` as real processes, the
customer's Azure side set up over the emulator's HTTPS API, and the real `avn`.

Every test gets its own HOME and AIVEN_CONFIG_DIR, so no credentials or defaults leak between
tests (or in from the machine); `avn` is run exactly as a user would type it, configured only by
AIVEN_WEB_URL, AIVEN_AUTH_TOKEN and AIVEN_PROJECT.
"""

import json
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import sys
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cli_harness import CliResult, parse_env_sh, stop_process as stop  # noqa: E402

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORLD_FILE = REPO / "crates" / "isthmus" / "tests" / "fixtures" / "two-tenants.json"
ISTHMUS_BIN = os.environ.get("ISTHMUS_BIN", str(REPO / "target" / "debug" / "isthmus"))
AVN_BIN = os.environ.get("AVN_BIN") or shutil.which("avn") or "avn"

# Any single avn call that takes longer than this is hung.
AVN_TIMEOUT = 60
# The reconciler polls every 200-300 ms; a state the suite waits for comes within seconds.
STATE_TIMEOUT = 30

PROVIDER_SECRET = "provider-app-secret-0123456789abcdef"
ARM = "https://management.core.windows.net/"
AZ_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
NET_API = "api-version=2023-11-01"
AUTH_API = "api-version=2022-04-01"
ROLE_DEF_API = "api-version=2022-05-01-preview"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
PEER_ACTION = "Microsoft.Network/virtualNetworks/peer/action"


def spawn(args, log_file, env=None):
    """Starts a child whose stdout we read for its `ready` line; stderr (its log) goes to a file."""
    log = open(log_file, "w")
    try:
        return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    finally:
        log.close()


def wait_ready(proc, what, log_file):
    """Reads the child's stdout until its `ready` line and returns that line's fields; then keeps
    draining stdout in the background so the child never blocks on a full pipe."""
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("ready "):
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return line.split()
    stop(proc)
    raise RuntimeError(f"{what} did not become ready:\n{''.join(lines)}{Path(log_file).read_text()}")


def isthmus(*args):
    proc = subprocess.run([ISTHMUS_BIN, *map(str, args)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"isthmus {args}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def create_project(name, user, data_dir):
    """`isthmus project create`; returns the token it prints."""
    out = isthmus("project", "create", name, "--user", user, "--data-dir", data_dir)
    line = next(l for l in out.splitlines() if l.startswith("token "))
    return line.split(" ", 1)[1].strip()


class Emulator:
    """`isthmus emulator` with the two-tenant world, talked to over HTTPS with its own CA."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file = self.data_dir.parent / "emulator.log"
        LOGS.append(self.log_file)
        self.proc = spawn([ISTHMUS_BIN, "emulator", "--listen", "127.0.0.1:0", "--data-dir", str(self.data_dir),
                           "--world", str(WORLD_FILE)], self.log_file)
        ready = wait_ready(self.proc, "emulator", self.log_file)
        self.url = ready[1]
        self.ca_file = next(f for f in ready if f.startswith("ca=")).split("=", 1)[1]
        self.http = requests.Session()
        self.http.verify = self.ca_file
        self.http.trust_env = False

    def stop(self):
        stop(self.proc)

    def graph_resource(self):
        return f"{self.url}/graph/"

    def token(self, tenant, form):
        r = self.http.post(f"{self.url}/{tenant}/oauth2/v2.0/token", data=form, timeout=30)
        assert r.status_code == 200, f"token for {form.get('client_id')} in {tenant}: {r.status_code} {r.text}"
        return r.json()["access_token"]

    def user_token(self, username, password, resource):
        """A user's token by the password grant (what `az login -u -p` does)."""
        return self.token("organizations", {
            "grant_type": "password", "client_id": AZ_CLI_CLIENT_ID, "username": username,
            "password": password, "scope": f"{resource}/.default offline_access openid profile"})

    def sp_token(self, tenant, app_id, secret, resource):
        return self.token(tenant, {
            "grant_type": "client_credentials", "client_id": app_id, "client_secret": secret,
            "scope": f"{resource}/.default"})

    def send(self, method, path, token, body=None, aux=()):
        headers = {"authorization": f"Bearer {token}"}
        if aux:
            headers["x-ms-authorization-auxiliary"] = ", ".join(f"Bearer {t}" for t in aux)
        r = self.http.request(method, self.url + path, headers=headers, json=body, timeout=30)
        return r.status_code, (r.json() if r.content else None)

    def graph(self, method, path, token, body=None):
        return self.send(method, f"/graph/v1.0{path}", token, body)

    def assign(self, token, scope, role_definition_id, principal):
        body = {"properties": {"roleDefinitionId": role_definition_id, "principalId": principal}}
        return self.send("PUT", f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}?{AUTH_API}",
                         token, body)

    def define_role(self, token, name, actions, scopes):
        body = {"properties": {"roleName": name, "description": "conformance role", "assignableScopes": scopes,
                               "permissions": [{"actions": actions}]}}
        return self.send("PUT", f"{scopes[0]}/providers/Microsoft.Authorization/roleDefinitions/{uuid.uuid4()}"
                                f"?{ROLE_DEF_API}", token, body)

    def put_peering(self, local_vnet, name, remote_vnet, token, aux=()):
        body = {"properties": {"remoteVirtualNetwork": {"id": remote_vnet}, "allowVirtualNetworkAccess": True}}
        return self.send("PUT", f"{local_vnet}/virtualNetworkPeerings/{name}?{NET_API}", token, body, aux)


class ControlPlane:
    """`isthmus serve` with the provider identity of the two-tenant world, and project `demo`."""

    def __init__(self, data_dir, emulator, world):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.project = "demo"
        self.token = create_project(self.project, "ops@provider.example", self.data_dir)
        provider = world.provider
        env = dict(os.environ, ISTHMUS_PROVIDER_SECRET=PROVIDER_SECRET)
        self.log_file = self.data_dir.parent / "serve.log"
        LOGS.append(self.log_file)
        self.proc = spawn(
            [ISTHMUS_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(self.data_dir),
             "--azure-url", emulator.url, "--azure-ca", emulator.ca_file,
             "--provider-tenant-id", provider["tenant"], "--provider-app-id", provider["app_id"],
             "--provider-subscription-id", provider["sub"], "--provider-resource-group", provider["rg"],
             "--propagation-grace-seconds", "0", "--pending-interval-ms", "200", "--active-interval-ms", "300"],
            self.log_file, env)
        self.url = wait_ready(self.proc, "isthmus serve", self.log_file)[1]
        self.http = requests.Session()
        self.http.trust_env = False

    def stop(self):
        stop(self.proc)

    def get_vpc(self, vpc):
        r = self.http.get(f"{self.url}/v1/project/{self.project}/vpcs/{vpc}",
                          headers={"authorization": f"aivenv1 {self.token}"}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def wait_vpc(self, vpc, state):
        deadline = time.monotonic() + STATE_TIMEOUT
        while True:
            v = self.get_vpc(vpc)
            if v["state"] == state:
                return v
            assert time.monotonic() < deadline, f"VPC {vpc} never reached {state}: {v}"
            time.sleep(0.1)

    def wait_connection(self, vpc, peer_vpc, state):
        """Polls the VPC until its connection to `peer_vpc` is in `state` (None: until it is gone)."""
        deadline = time.monotonic() + STATE_TIMEOUT
        last = None
        while True:
            conns = [c for c in self.get_vpc(vpc)["peering_connections"] if c["peer_vpc"] == peer_vpc]
            if state is None and not conns:
                return None
            if conns and conns[0]["state"] == state:
                return conns[0]
            last = conns
            assert time.monotonic() < deadline, f"connection to {peer_vpc} never reached {state}; last seen {last}"
            time.sleep(0.1)


class World:
    """The ids of the two-tenant world the emulator was started with."""

    def __init__(self, raw):
        customer, provider = raw["tenants"]
        c_sub = customer["subscriptions"][0]
        c_rg = c_sub["resourceGroups"][0]
        admin = next(u for u in customer["users"] if "Application Administrator" in u.get("directoryRoles", []))
        self.customer = {
            "tenant": customer["id"], "sub": c_sub["id"], "rg": c_rg["name"],
            "vnets": [v["name"] for v in c_rg["virtualNetworks"]],
            "admin": (admin["userPrincipalName"], admin["password"]),
        }
        p_sub = provider["subscriptions"][0]
        app = provider["applications"][0]
        self.provider = {"tenant": provider["id"], "sub": p_sub["id"], "rg": p_sub["resourceGroups"][0]["name"],
                         "app_id": app["appId"], "secret": app["secrets"][0]}

    def customer_vnet_id(self, name, rg=None):
        c = self.customer
        return f"/subscriptions/{c['sub']}/resourceGroups/{rg or c['rg']}/providers/Microsoft.Network/virtualNetworks/{name}"

    def provider_vnet_id(self, vpc):
        p = self.provider
        return f"/subscriptions/{p['sub']}/resourceGroups/{p['rg']}/providers/Microsoft.Network/virtualNetworks/isthmus-{vpc}"


@dataclass
class CustomerApp:
    app_id: str
    secret: str


def customer_setup(emu, world, name):
    """The customer's half of the guide over the emulator's HTTPS API (as `customer_setup` in the Rust
    tests): a multi-tenant app with SP and secret, Network Contributor on the resource group, the
    provider app's SP in the customer tenant (step 7) and a custom role with only peer/action assigned
    to it on the resource group (steps 8-9)."""
    c, p = world.customer, world.provider
    admin_arm = emu.user_token(*c["admin"], ARM)
    g = emu.user_token(*c["admin"], emu.graph_resource())
    status, app = emu.graph("POST", "/applications", g, {"displayName": name, "signInAudience": "AzureADMultipleOrgs"})
    assert status == 201, app
    status, sp = emu.graph("POST", "/servicePrincipals", g, {"appId": app["appId"]})
    assert status == 201, sp
    status, pw = emu.graph("POST", f"/applications/{app['id']}/addPassword", g, {})
    assert status == 200, pw
    rg_scope = f"/subscriptions/{c['sub']}/resourceGroups/{c['rg']}"
    nc = f"/subscriptions/{c['sub']}/providers/Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}"
    status, ra = emu.assign(admin_arm, rg_scope, nc, sp["id"])
    assert status == 201, ra
    status, psp = emu.graph("POST", "/servicePrincipals", g, {"appId": p["app_id"]})
    if status != 201:
        status, psp = emu.graph("GET", f"/servicePrincipals(appId='{p['app_id']}')", g)
        assert status == 200, psp
    status, role = emu.define_role(admin_arm, f"peer-role-{name}", [PEER_ACTION], [f"/subscriptions/{c['sub']}"])
    assert status == 201, role
    status, ra = emu.assign(admin_arm, rg_scope, role["id"], psp["id"])
    assert status == 201, ra
    return CustomerApp(app["appId"], pw["secretText"])


def customer_peers(emu, world, app, vnet, to_network_id, rg=None):
    """Step 13: the customer's app, logged in to both tenants, peers its VNet to the provider's."""
    c, p = world.customer, world.provider
    arm = emu.sp_token(c["tenant"], app.app_id, app.secret, ARM)
    aux = emu.sp_token(p["tenant"], app.app_id, app.secret, ARM)
    status, body = emu.put_peering(world.customer_vnet_id(vnet, rg), "to-provider", to_network_id, arm, [aux])
    assert status in (200, 201), body
    return body


class Avn:
    """The real `avn`, with its own HOME and AIVEN_CONFIG_DIR, pointed at one `isthmus serve`."""

    def __init__(self, home, url, token, project):
        self.home = Path(home)
        (self.home / "cfg").mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AIVEN_")}
        self.env.update(HOME=str(self.home), AIVEN_CONFIG_DIR=str(self.home / "cfg"), AIVEN_WEB_URL=url,
                        AIVEN_AUTH_TOKEN=token, AIVEN_PROJECT=project)
        # Nothing may leave the machine: a refusing proxy for everything but loopback.
        self.env["HTTPS_PROXY"] = self.env["HTTP_PROXY"] = "http://127.0.0.1:9"
        self.env["NO_PROXY"] = self.env["no_proxy"] = "127.0.0.1,localhost"

    def run(self, *args, check=True):
        args = [str(a) for a in args]
        proc = subprocess.run([AVN_BIN, *args], env=self.env, capture_output=True, text=True, timeout=AVN_TIMEOUT)
        result = CliResult("avn", args, proc.returncode, proc.stdout, proc.stderr)
        if check:
            assert result.code == 0, result.describe()
            assert "Traceback" not in result.stderr, result.describe()
        return result

    def fails(self, *args, stderr):
        """Runs a command that must fail as with real Aiven: exit 1, no traceback, and exactly the
        client's `ERROR\\tcommand failed: ...` line on stderr."""
        result = self.run(*args, check=False)
        if os.environ.get("AVN_SHOW_FAILURES"):  # run.sh -s with this set shows each expected error
            print("\n" + result.describe())
        assert result.code == 1, result.describe()
        assert "Traceback" not in result.stderr, result.describe()
        assert result.stderr == f"ERROR\tcommand failed: {stderr}\n", result.describe()
        return result


LOGS = []  # the children's log files, attached to the report of a failing test


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for log in LOGS:
            if log.exists():
                report.sections.append((f"tail of {log.name}", "".join(log.read_text().splitlines(True)[-40:])))


@pytest.fixture(scope="session")
def tmp_root():
    root = Path(tempfile.mkdtemp(prefix="isthmus-avn-conformance-"))
    yield root
    if os.environ.get("ISTHMUS_KEEP_TMP"):
        print(f"\nkept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def world():
    return World(json.loads(WORLD_FILE.read_text()))


@pytest.fixture(scope="session")
def emulator(tmp_root):
    emu = Emulator(tmp_root / "emulator")
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def control_plane(tmp_root, emulator, world):
    cp = ControlPlane(tmp_root / "serve", emulator, world)
    yield cp
    cp.stop()


@pytest.fixture(scope="session")
def new_avn(tmp_root, control_plane):
    """Makes an `avn` with a fresh HOME: new_avn("name") for project demo's owner, or
    new_avn("name", token=T, project=P)."""
    counter = iter(range(1_000_000))

    def make(name, token=None, project=None):
        return Avn(tmp_root / "homes" / f"{next(counter):02d}-{name}", control_plane.url,
                   token or control_plane.token, project or control_plane.project)

    return make


@pytest.fixture
def avn(request, new_avn):
    """A fresh `avn` for each test, as project demo's owner."""
    return new_avn(request.node.name)
