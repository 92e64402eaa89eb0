"""`isthmus up` as a child process on a fresh data dir, loopback ports chosen by the OS: what the guide
and SDK suites run against. Its `ready` line gives the emulator's and the control plane's URLs, env.sh
and world.json.
"""

import json
import os
import ssl
import subprocess
import threading
import time
from pathlib import Path

from cli_harness import parse_env_sh, record_call_counts, stop_process

REPO = Path(__file__).resolve().parent.parent
ISTHMUS_BIN = os.environ.get("ISTHMUS_BIN", str(REPO / "target" / "debug" / "isthmus"))
# How long `isthmus up` may take to print its `ready` line.
READY_TIMEOUT = 60


class Up:
    """`isthmus up` on a fresh data dir, loopback ports chosen by the OS."""

    def __init__(self, data_dir, log_file):
        self.data_dir = Path(data_dir)
        self.log_file = Path(log_file)
        started = time.monotonic()
        with open(self.log_file, "w") as log:
            self.proc = subprocess.Popen(
                [ISTHMUS_BIN, "up", "--data-dir", str(self.data_dir),
                 "--azure-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"],
                stdout=subprocess.PIPE, stderr=log, text=True)
        fields = self._wait_ready()
        self.startup_seconds = time.monotonic() - started
        self.azure_url = fields["azure"]
        self.api_url = fields["api"]
        self.env_file = Path(fields["env"])
        self.world_file = Path(fields["world"])
        assert self.env_file == self.data_dir / "env.sh", fields
        assert self.world_file == self.data_dir / "world.json", fields
        self.env = parse_env_sh(self.env_file)
        self.world = json.loads(self.world_file.read_text())

    def _wait_ready(self):
        """Reads stdout up to the `ready azure=… api=… env=… world=…` line and returns its fields; then
        keeps draining stdout in the background so `up` never blocks on a full pipe."""
        lines = []
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("ready "):
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return dict(f.split("=", 1) for f in line.split()[1:])
        self.stop()
        raise RuntimeError(f"isthmus up did not become ready:\n{''.join(lines)}{self.log_file.read_text()}")

    def stop(self):
        if self.proc.poll() is None and hasattr(self, "azure_url"):
            azure = self.data_dir / "azure"
            ctx = ssl.create_default_context(cafile=str(azure / "ca.pem"))
            record_call_counts("isthmus up's emulator", self.azure_url, (azure / "admin-key").read_text().strip(), ctx)
        stop_process(self.proc)
