"""Fixtures for the az conformance suite: the emulator as a real process, and the real `az`.

Every scenario gets its own AZURE_CONFIG_DIR, so no two scenarios share tokens, profiles or
cached cloud metadata; `az` is run exactly as a user would type it.
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
from cli_harness import CliResult, parse_env_sh, record_call_counts, report_call_counts, stop_process  # noqa: E402

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORLD_FILE = HERE / "world.json"
ISTHMUS_BIN = os.environ.get("ISTHMUS_BIN", str(REPO / "target" / "debug" / "isthmus"))
AZ_BIN = os.environ.get("AZ_BIN") or shutil.which("az") or "az"

# Any single az call that takes longer than this is hung (e.g. a device-code poll that never ends).
AZ_TIMEOUT = 120


class Emulator:
    """`isthmus emulator` as a child process (`extra`: more flags, e.g. `--data-plane`), with the
    exports of its env.sh."""

    def __init__(self, listen, data_dir, *extra):
        self.data_dir = Path(data_dir)
        # Namespaces only for the scenarios about packets: the rest test ARM and Graph.
        if not any(e.startswith("--data-plane") for e in extra):
            extra = (*extra, "--data-plane=off")
        self.proc = subprocess.Popen(
            [ISTHMUS_BIN, "emulator", "--listen", listen, "--data-dir", str(self.data_dir), "--world", str(WORLD_FILE),
             *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.admin_key = None
        self.url = None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("admin-key "):
                self.admin_key = line.split()[1]
            if line.startswith("ready "):
                fields = line.split()
                self.url = fields[1]
                self.env_file = Path(next(f for f in fields if f.startswith("env=")).split("=", 1)[1])
                self.ca_file = next(f for f in fields if f.startswith("ca=")).split("=", 1)[1]
                break
        if self.url is None:
            self.stop()
            lines += self.proc.stdout.readlines()
            raise RuntimeError(f"emulator did not become ready on {listen}:\n{''.join(lines)}")
        self.env = parse_env_sh(self.env_file)
        self.ssl = ssl.create_default_context(cafile=self.ca_file)

    def stop(self):
        if self.proc.poll() is None and self.admin_key and self.url:
            record_call_counts(f"the emulator at {self.url}", self.url, self.admin_key, self.ssl)
        stop_process(self.proc)

    def request(self, method, path, body=None, form=None, admin=False):
        """One HTTPS request to the emulator; returns (status, text)."""
        headers = {}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if admin:
            headers["x-emulator-admin-key"] = self.admin_key
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=self.ssl, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def sign_in_device_code(self, code, username, password):
        """What a person does in the browser: open the verification URI, fill in its form, submit it."""
        status, page = self.request("GET", "/devicelogin")
        assert status == 200, page
        for field in ("code", "username", "password"):
            assert f'name="{field}"' in page, f"the sign-in page has no {field} field:\n{page}"
        return self.request("POST", "/devicelogin", form={"code": code, "username": username, "password": password})


class Az:
    """The real `az`, with its own AZURE_CONFIG_DIR, pointed at one emulator."""

    def __init__(self, emulator, config_dir, version_check):
        self.emulator = emulator
        self.config_dir = Path(config_dir)
        self.config_dir.mkdir(parents=True, exist_ok=True)
        if version_check and version_check.exists():
            # A fresh versionCheck.json keeps az from its daily 1 s version probe.
            shutil.copy(version_check, self.config_dir / "versionCheck.json")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "ARM_", "MSAL_"))}
        self.env.update(emulator.env)
        self.env["AZURE_CONFIG_DIR"] = str(self.config_dir)
        self.env["AZURE_CORE_ONLY_SHOW_ERRORS"] = "false"
        self.env["AZURE_CORE_NO_COLOR"] = "true"
        # Nothing may leave the machine: a refusing proxy for everything but the emulator.
        self.env["HTTPS_PROXY"] = self.env["HTTP_PROXY"] = "http://127.0.0.1:9"
        self.env["NO_PROXY"] = self.env["no_proxy"] = "127.0.0.1,localhost"

    def run(self, *args, check=True):
        args = [str(a) for a in args]
        proc = subprocess.run([AZ_BIN, *args], env=self.env, capture_output=True, text=True, timeout=AZ_TIMEOUT)
        result = CliResult("az", args, proc.returncode, proc.stdout, proc.stderr)
        if check:
            assert result.code == 0, result.describe()
        return result

    def json(self, *args):
        """Runs a command with `-o json` and returns the parsed output."""
        return self.run(*args, "-o", "json").json

    def fails(self, *args, message):
        """Runs a command that must fail as on real Azure: exit 1 and `message` on stderr."""
        result = self.run(*args, check=False)
        if os.environ.get("AZ_SHOW_FAILURES"):  # run.sh -s with this set shows each expected error
            print("\n" + result.describe())
        assert result.code == 1, result.describe()
        assert message in result.stderr, result.describe()
        return result

    def login_device_code(self, username, password, *extra):
        """`az login --use-device-code`, signing in on the verification page while az waits."""
        args = ["login", "--use-device-code", *extra, "-o", "json"]
        proc = subprocess.Popen([AZ_BIN, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stderr_lines = []
        code = None
        deadline = time.monotonic() + 60
        while code is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            stderr_lines.append(line)
            m = re.search(r"open the page (\S+) and enter the code (\S+) to authenticate", line)
            if m:
                assert m.group(1) == f"{self.emulator.url}/devicelogin", line
                code = m.group(2)
        if code is None:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"az printed no device code:\n{''.join(stderr_lines)}{err}\n{out}")
        status, page = self.emulator.sign_in_device_code(code, username, password)
        assert status == 200, page
        out, err = proc.communicate(timeout=AZ_TIMEOUT)
        result = CliResult("az", args, proc.returncode, out, "".join(stderr_lines) + err)
        assert result.code == 0, result.describe()
        return result.json

    def login_browser(self, username, password, *extra):
        """Plain `az login`: az opens $BROWSER <authorize URL>; browser.py signs in there as a person
        would and hands the code to az's loopback listener. BROWSER alone makes az pick the browser
        flow on a machine without a display (its can_launch_browser() asks Python's webbrowser)."""
        log = self.config_dir / "browser.log"
        env = dict(self.env, BROWSER=str(HERE / "browser.py"), ISTHMUS_SIGN_IN_USER=username,
                   ISTHMUS_SIGN_IN_PASSWORD=password, ISTHMUS_BROWSER_LOG=str(log))
        args = ["login", *extra, "-o", "json"]
        proc = subprocess.run([AZ_BIN, *args], env=env, capture_output=True, text=True, timeout=AZ_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        result = CliResult("az", args, proc.returncode, proc.stdout, proc.stderr)
        browser_said = log.read_text() if log.exists() else "(nothing)"
        assert result.code == 0, f"{result.describe()}\nbrowser.py: {browser_said}"
        assert "signed in and handed the code" in browser_said, browser_said
        return result

    def login_sp(self, app_id, secret, tenant):
        return self.json("login", "--service-principal", "-u", app_id, *password_args(secret), "--tenant", tenant)


def password_args(secret):
    """`-p SECRET`, or `-p=SECRET` when it starts with '-': Entra ID secrets sometimes do (about one in
    65 here), and az's own help says to write it so (argparse would take it for a flag; Azure/azure-cli#7054)."""
    return [f"-p={secret}"] if secret.startswith("-") else ["-p", secret]


@pytest.fixture(scope="session")
def tmp_root():
    root = Path(tempfile.mkdtemp(prefix="isthmus-az-conformance-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def world():
    return json.loads(WORLD_FILE.read_text())


@pytest.fixture(scope="session")
def emulator(tmp_root):
    emu = Emulator("127.0.0.1:0", tmp_root / "emulator")
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def version_check(tmp_root):
    """A versionCheck.json written by one `az version` run, to copy into every config dir."""
    config = tmp_root / "az-version-check"
    env = dict(os.environ, AZURE_CONFIG_DIR=str(config), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    subprocess.run([AZ_BIN, "version", "-o", "json"], env=env, capture_output=True, timeout=AZ_TIMEOUT)
    return config / "versionCheck.json"


@pytest.fixture(scope="session")
def new_az(tmp_root, emulator, version_check):
    """Makes an `az` with a fresh AZURE_CONFIG_DIR: new_az("name") or new_az("name", other_emulator)."""
    counter = iter(range(1_000_000))

    def make(name, emu=None):
        return Az(emu or emulator, tmp_root / "az" / f"{next(counter):02d}-{name}", version_check)

    return make


def pytest_terminal_summary(terminalreporter):
    report_call_counts(terminalreporter)
