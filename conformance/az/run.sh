#!/usr/bin/env bash
# Conformance suite: the real Azure CLI (azure-cli 2.91.0 from PyPI) runs every `az` command of the
# guide against the isthmus Azure emulator.
#
# Usage: conformance/az/run.sh [--install-only | PYTEST-ARGS...]
#   ISTHMUS_CACHE_DIR  where the venv lives (default ~/.cache/isthmus)
#   ISTHMUS_BIN        the isthmus binary to test (default: target/debug/isthmus, built here)
#   AZ_SHOW_FAILURES=1 with -s: print every expected az error
set -euo pipefail

AZ_CLI_VERSION=2.91.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
source "$REPO/conformance/lib.sh"
VENV="$CACHE_DIR/venv-azure-cli-$AZ_CLI_VERSION"

ensure_venv "$VENV" "azure-cli==$AZ_CLI_VERSION pytest" az --version
[[ "${1:-}" == "--install-only" ]] && exit 0

build_isthmus
export AZ_BIN="$VENV/bin/az"
run_pytest "$VENV/bin/python" "suite run" "$HERE" "$@"
