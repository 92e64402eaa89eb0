"""Fixtures for the SDK conformance suite: `isthmus up` as a real process, the Azure SDK for Python
pointed at it, and a count of the HTTP calls each test makes (printed at the end of the run).

The tests run in file order and share one story through `saved`, as the guide's shell variables.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import calls  # noqa: E402
from cli_harness import report_call_counts  # noqa: E402
from control_plane import ControlPlane  # noqa: E402
from isthmus_up import Up  # noqa: E402
from sdk import Sdk  # noqa: E402

calls.install()

# Nothing of the machine's Azure configuration may reach the SDKs, and nothing may leave the machine:
# a refusing proxy for everything but loopback.
for name in list(os.environ):
    if name.startswith(("AZURE_", "ARM_", "MSAL_")) or name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        del os.environ[name]
os.environ.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
                  NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")


class Saved:
    """Values one step saves for a later one."""


@pytest.fixture(scope="session")
def saved():
    return Saved()


@pytest.fixture(scope="session")
def up():
    root = Path(tempfile.mkdtemp(prefix="isthmus-sdk-conformance-"))
    stack = Up(root / "data", root / "up.log")
    # azure-core (requests) reads the CA bundle from the environment, as a customer would set it.
    os.environ["REQUESTS_CA_BUNDLE"] = os.environ["SSL_CERT_FILE"] = stack.env["REQUESTS_CA_BUNDLE"]
    yield stack
    stack.stop()
    if os.environ.get("ISTHMUS_KEEP_TMP"):
        print(f"\nkept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def world(up):
    return up.world


@pytest.fixture(scope="session")
def sdk(up):
    return Sdk(up.azure_url, up.env["REQUESTS_CA_BUNDLE"])


@pytest.fixture(scope="session")
def control_plane(up, world):
    return ControlPlane(up.api_url, world["project"]["token"], world["project"]["name"])


@pytest.fixture(scope="session")
def admin(sdk, world):
    """The customer's Application Administrator, signed in with a device code."""
    c = world["customer"]
    return sdk.user_credential(c["tenant_id"], c["admin"]["username"], c["admin"]["password"])


@pytest.fixture(scope="session")
def graph(sdk, admin):
    return sdk.graph(admin)


def pytest_configure(config):
    # msgraph-sdk warns about its own request-configuration classes on every call.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning")


def pytest_runtest_setup(item):
    calls.set_current(item.nodeid.split("/")[-1])


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("HTTP calls per test")
    for line in calls.summary_lines():
        terminalreporter.write_line(line)
    report_call_counts(terminalreporter)
