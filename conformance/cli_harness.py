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


def stop_process(proc):
    """Ends a child process the suite started: SIGTERM, then SIGKILL if it has not gone in 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
