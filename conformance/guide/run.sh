#!/usr/bin/env bash
# End-to-end guide walk: `isthmus up` on a fresh data dir, then every command of the customer's guide
# run literally by the real Azure CLI (azure-cli 2.91.0) and the real Aiven CLI (aiven-client 4.18.0),
# each from its own venv, in one shell that sourced `up`'s env.sh, until the connection is ACTIVE.
#
# The venvs are the ones of conformance/az and conformance/avn, cached outside the work tree and
# reused (created by their run.sh --install-only when missing).
#
# Usage: conformance/guide/run.sh [PYTEST-ARGS...]
#   ISTHMUS_CACHE_DIR  where the venvs live (default ~/.cache/isthmus)
#   ISTHMUS_BIN        the isthmus binary to test (default: target/debug/isthmus, built here)
#   ISTHMUS_KEEP_TMP=1 keep the scratch dir (data dir, up.log, the customer's HOME)
set -euo pipefail

AZ_CLI_VERSION=2.91.0
AIVEN_CLIENT_VERSION=4.18.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE_DIR="${ISTHMUS_CACHE_DIR:-$HOME/.cache/isthmus}"
AZ_VENV="$CACHE_DIR/venv-azure-cli-$AZ_CLI_VERSION"
AVN_VENV="$CACHE_DIR/venv-aiven-client-$AIVEN_CLIENT_VERSION"

# Both venvs (each script reuses a complete venv and installs a missing or half-installed one).
bash "$REPO/conformance/az/run.sh" --install-only
bash "$REPO/conformance/avn/run.sh" --install-only

# Build the binary (cargo is a no-op when it is up to date).
(cd "$REPO" && cargo build -q -p isthmus)
export ISTHMUS_BIN="${ISTHMUS_BIN:-$REPO/target/debug/isthmus}"
export AZ_BIN="$AZ_VENV/bin/az"
export AVN_BIN="$AVN_VENV/bin/avn"

start=$(date +%s)
set +e
# -s: each step of the guide prints its name and duration as it runs.
"$AZ_VENV/bin/python" -m pytest -x -q -s -p no:cacheprovider "$HERE" "$@"
status=$?
set -e
echo "guide run took $(( $(date +%s) - start ))s"
exit $status
