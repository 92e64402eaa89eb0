"""Fixtures for the end-to-end guide walk: `isthmus up` on a fresh data dir, and one customer shell
in which the real `az` and the real `avn` run with the exports of `up`'s env.sh.

The shell is what a customer following the guide has: one HOME, one AZURE_CONFIG_DIR and one
AIVEN_CONFIG_DIR (all fresh, inside this run's scratch dir, so nothing leaks in from the machine),
`source D/env.sh` applied, and a refusing proxy so that nothing but loopback traffic can leave.
"""

import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sys
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cli_harness import CliResult, report_call_counts  # noqa: E402
from isthmus_up import Up  # noqa: E402

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
AZ_BIN = os.environ.get("AZ_BIN") or shutil.which("az") or "az"
AVN_BIN = os.environ.get("AVN_BIN") or shutil.which("avn") or "avn"

# Any single az or avn call that takes longer than this is hung (e.g. a device-code poll that never ends).
COMMAND_TIMEOUT = 120
# Variables of the machine that must not reach az or avn: the shell's only configuration is env.sh.
FOREIGN_PREFIXES = ("AZURE_", "ARM_", "MSAL_", "AIVEN_", "ISTHMUS_")
FOREIGN_NAMES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE")


class Browser:
    """What a person's browser does with the device-code sign-in page: open it, fill in the form, submit."""

    def __init__(self, ca_file):
        # Straight to the emulator on loopback, never through a proxy of the machine.
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file)))

    def request(self, method, url, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def sign_in(self, page_url, code, username, password):
        status, page = self.request("GET", page_url)
        assert status == 200, page
        for field in ("code", "username", "password"):
            assert f'name="{field}"' in page, f"the sign-in page has no {field} field:\n{page}"
        action = re.search(r'<form[^>]*action="([^"]*)"', page)
        target = urllib.parse.urljoin(page_url, action.group(1)) if action and action.group(1) else page_url
        method = re.search(r'<form[^>]*method="([^"]*)"', page)
        return self.request((method.group(1) if method else "POST").upper(), target,
                            form={"code": code, "username": username, "password": password})


class Shell:
    """The customer's shell after `source D/env.sh`: the real az and avn, one fresh HOME for both."""

    def __init__(self, home, up, version_check):
        self.home = Path(home)
        self.azure_config = self.home / ".azure"
        self.aiven_config = self.home / ".config" / "aiven"
        self.azure_config.mkdir(parents=True, exist_ok=True)
        self.aiven_config.mkdir(parents=True, exist_ok=True)
        if version_check.exists():
            # A fresh versionCheck.json keeps az from its daily version probe (a PyPI request).
            shutil.copy(version_check, self.azure_config / "versionCheck.json")
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(FOREIGN_PREFIXES) and k not in FOREIGN_NAMES}
        self.env.update(up.env)  # source D/env.sh
        self.env.update(HOME=str(self.home), AZURE_CONFIG_DIR=str(self.azure_config),
                        AIVEN_CONFIG_DIR=str(self.aiven_config))
        self.env["AZURE_CORE_NO_COLOR"] = "true"
        # Nothing may leave the machine: a refusing proxy for everything but loopback.
        self.env["HTTPS_PROXY"] = self.env["HTTP_PROXY"] = "http://127.0.0.1:9"
        self.env["https_proxy"] = self.env["http_proxy"] = "http://127.0.0.1:9"
        self.env["NO_PROXY"] = self.env["no_proxy"] = "127.0.0.1,localhost"
        self.browser = Browser(up.env["REQUESTS_CA_BUNDLE"])
        self.log = []  # every command run, for the report of a failing step

    def _run(self, tool, binary, args, check):
        args = [str(a) for a in args]
        proc = subprocess.run([binary, *args], env=self.env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        result = CliResult(tool, args, proc.returncode, proc.stdout, proc.stderr)
        self.log.append(result)
        if check:
            assert result.code == 0, result.describe()
            assert "Traceback" not in result.stderr, result.describe()
        return result

    def az(self, *args, check=True):
        return self._run("az", AZ_BIN, args, check)

    def az_json(self, *args):
        return self.az(*args, "-o", "json").json

    def avn(self, *args, check=True):
        return self._run("avn", AVN_BIN, args, check)

    def psql_from(self, nic, uri, up):
        """`isthmus exec --nic NIC -- psql URI -Atc 'select 1'`: a query from that host, as a customer
        runs it from their VM. PGCONNECT_TIMEOUT bounds a connection that nothing answers."""
        from isthmus_up import ISTHMUS_BIN
        env = dict(self.env, PGCONNECT_TIMEOUT="3")
        args = ["exec", "--nic", nic, "--data-dir", str(up.data_dir), "--", "psql", uri, "-Atc", "select 1"]
        proc = subprocess.run([ISTHMUS_BIN, *args], env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        result = CliResult("isthmus", args, proc.returncode, proc.stdout, proc.stderr)
        self.log.append(result)
        return result

    def az_login_device_code(self, username, password):
        """`az login --use-device-code`: reads the page and code from az's stderr and signs in on that
        page over HTTP while az polls. Returns the accounts az prints."""
        args = ["login", "--use-device-code", "-o", "json"]
        proc = subprocess.Popen([AZ_BIN, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stderr_lines = []
        page = code = None
        deadline = time.monotonic() + 60
        while code is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            stderr_lines.append(line)
            m = re.search(r"open the page (\S+) and enter the code (\S+) to authenticate", line)
            if m:
                page, code = m.group(1), m.group(2)
        if code is None:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"az printed no device code:\n{''.join(stderr_lines)}{err}\n{out}")
        try:
            status, body = self.browser.sign_in(page, code, username, password)
            assert status == 200, f"sign-in page answered {status}:\n{body}"
            out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        result = CliResult("az", args, proc.returncode, out, "".join(stderr_lines) + err)
        self.log.append(result)
        assert result.code == 0, result.describe()
        return result.json, page


def password_args(secret):
    """`-p SECRET`, or `-p=SECRET` when it starts with '-': Entra ID secrets sometimes do, and az's own
    help says to write it so (argparse would take it for a flag; Azure/azure-cli#7054)."""
    return [f"-p={secret}"] if secret.startswith("-") else ["-p", secret]


def parse_table(text):
    """An avn table (header line, `===` line, rows) as a list of dicts keyed by the lower-cased headers.
    Cells are split on whitespace, so this is for tables whose cells hold no spaces."""
    lines = [l for l in text.splitlines() if l.strip()]
    assert len(lines) >= 2 and set(lines[1].replace(" ", "")) == {"="}, f"not an avn table:\n{text}"
    header = [h.lower() for h in lines[0].split()]
    rows = []
    for line in lines[2:]:
        cells = line.split()
        assert len(cells) == len(header), f"row {line!r} does not match header {header}:\n{text}"
        rows.append(dict(zip(header, cells)))
    return rows


SCRATCH = []  # this run's scratch dir, so a failing step's report can point at up.log


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and SCRATCH:
        log = SCRATCH[0] / "up.log"
        if log.exists():
            report.sections.append(("tail of up.log", "".join(log.read_text().splitlines(True)[-40:])))


@pytest.fixture(scope="session")
def tmp_root():
    root = Path(tempfile.mkdtemp(prefix="isthmus-guide-conformance-"))
    SCRATCH.append(root)
    yield root
    if os.environ.get("ISTHMUS_KEEP_TMP"):
        print(f"\nkept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def up(tmp_root):
    stack = Up(tmp_root / "data", tmp_root / "up.log")
    print(f"\n[guide] isthmus up: ready in {stack.startup_seconds:.1f}s "
          f"(azure={stack.azure_url} api={stack.api_url})")
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def version_check(tmp_root):
    """A versionCheck.json written by one `az version` run (behind the refusing proxy), to pre-seed."""
    config = tmp_root / "az-version-check"
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_PREFIXES)}
    env.update(AZURE_CONFIG_DIR=str(config), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    subprocess.run([AZ_BIN, "version", "-o", "json"], env=env, capture_output=True, timeout=COMMAND_TIMEOUT)
    return config / "versionCheck.json"


@pytest.fixture(scope="session")
def shell(tmp_root, up, version_check):
    return Shell(tmp_root / "home", up, version_check)


def pytest_terminal_summary(terminalreporter):
    report_call_counts(terminalreporter)
