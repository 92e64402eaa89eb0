"""Pieces every conformance suite needs: the result of one CLI run, and reading an env.sh as
`source` would. Imported by each suite's conftest.py."""

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliResult:
    """One run of a real CLI (`az` or `avn`): its arguments, exit code and output."""

    tool: str
    args: list
    code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)

    def describe(self):
        return (f"$ {self.tool} {shlex.join(self.args)}\nexit {self.code}\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")


def parse_env_sh(path):
    """The `export K='V'` / `export K=V` lines of env.sh as a dict (what `source` would set)."""
    env = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r"^export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line.strip())
        if m:
            words = shlex.split(m.group(2))
            env[m.group(1)] = words[0] if words else ""
    return env


# What each emulator a suite started answered, read from its admin API before it stops and
# printed once at the end of the run: the figure a closing note reports.
CALL_COUNTS = []


def record_call_counts(label, base_url, admin_key, ssl_context):
    """Reads `GET /_emulator/stats`; a failure to read is reported, never fatal."""
    import urllib.request
    req = urllib.request.Request(base_url + "/_emulator/stats", headers={"x-emulator-admin-key": admin_key})
    try:
        with urllib.request.urlopen(req, context=ssl_context, timeout=10) as resp:
            CALL_COUNTS.append((label, json.loads(resp.read())))
    except Exception as e:  # noqa: BLE001 - the count is informational
        CALL_COUNTS.append((label, {"error": str(e)}))


def report_call_counts(terminalreporter):
    for label, stats in CALL_COUNTS:
        if "error" in stats:
            terminalreporter.write_line(f"calls to {label}: unreadable ({stats['error']})")
            continue
        parts = ", ".join(
            f"{svc} {stats[svc]['total']} ({stats[svc]['2xx']} 2xx, {stats[svc]['4xx']} 4xx, {stats[svc]['5xx']} 5xx)"
            for svc in ("login", "graph", "arm"))
        terminalreporter.write_line(f"calls to {label}: {stats['total']} in all: {parts}")
def stop_process(proc):
    """Ends a child process the suite started: SIGTERM, then SIGKILL if it has not gone in 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
