#!/usr/bin/env bash
# End-to-end guide walk: `isthmus up` on a fresh data dir, then every command of the customer's guide
# run literally by the real Azure CLI (azure-cli 2.91.0) and the real Aiven CLI (aiven-client 4.18.0),
# each from its own venv, in one shell that sourced `up`'s env.sh, until the connection is ACTIVE.
#
# Usage: conformance/guide/run.sh [PYTEST-ARGS...]
#   ISTHMUS_CACHE_DIR  where the venvs live (default ~/.cache/isthmus)
#   ISTHMUS_BIN        the isthmus binary to test (default: target/debug/isthmus, built here)
#   ISTHMUS_KEEP_TMP=1 keep the scratch dir (data dir, up.log, the customer's HOME)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
source "$REPO/conformance/lib.sh"

# The venvs of the az and avn suites (each installs its own when missing).
bash "$REPO/conformance/az/run.sh" --install-only
bash "$REPO/conformance/avn/run.sh" --install-only

build_isthmus
export AZ_BIN="$CACHE_DIR/venv-azure-cli-2.91.0/bin/az"
export AVN_BIN="$CACHE_DIR/venv-aiven-client-4.18.0/bin/avn"
# -s: each step of the guide prints its name and duration as it runs.
run_pytest "$CACHE_DIR/venv-azure-cli-2.91.0/bin/python" "guide run" "$HERE" -s "$@"
