#!/usr/bin/env bash
# Conformance suite: the real Aiven CLI (aiven-client 4.18.0 from PyPI) runs every `avn vpc`
# command of the guide against `isthmus serve`, which drives the isthmus Azure emulator.
#
# Usage: conformance/avn/run.sh [--install-only | PYTEST-ARGS...]
#   ISTHMUS_CACHE_DIR   where the venv lives (default ~/.cache/isthmus)
#   ISTHMUS_BIN         the isthmus binary to test (default: target/debug/isthmus, built here)
#   AVN_SHOW_FAILURES=1 with -s: print every expected avn error
#   ISTHMUS_KEEP_TMP=1  keep the scratch dir (data dirs, serve.log, emulator.log, avn homes)
set -euo pipefail

AIVEN_CLIENT_VERSION=4.18.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
source "$REPO/conformance/lib.sh"
VENV="$CACHE_DIR/venv-aiven-client-$AIVEN_CLIENT_VERSION"

# `avn --version` prints the version without touching the network.
ensure_venv "$VENV" "aiven-client==$AIVEN_CLIENT_VERSION pytest requests" sh -c "avn --version | grep -q $AIVEN_CLIENT_VERSION"
[[ "${1:-}" == "--install-only" ]] && exit 0

build_isthmus
export AVN_BIN="$VENV/bin/avn"
run_pytest "$VENV/bin/python" "suite run" "$HERE" "$@"
