#!/usr/bin/env bash
# Conformance suite: the real Azure CLI (azure-cli 2.91.0 from PyPI) runs every
# `az` command of the guide against the isthmus Azure emulator.
#
# The venv lives outside the work tree (it is ~700 MB) and is reused across runs;
# a marker file written after a successful install tells a complete venv from a
# half-installed one.
#
# Usage: conformance/az/run.sh [--install-only | PYTEST-ARGS...]
#   ISTHMUS_CACHE_DIR  where the venv lives (default ~/.cache/isthmus)
#   ISTHMUS_BIN        the isthmus binary to test (default: target/debug/isthmus, built here)
#   AZ_SHOW_FAILURES=1 with -s: print every expected az error
set -euo pipefail

AZ_CLI_VERSION=2.91.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE_DIR="${ISTHMUS_CACHE_DIR:-$HOME/.cache/isthmus}"
VENV="$CACHE_DIR/venv-azure-cli-$AZ_CLI_VERSION"
MARKER="$VENV/.isthmus-install-complete"
PYTHON="${PYTHON:-python3}"

install_venv() {
  rm -rf "$VENV"
  mkdir -p "$CACHE_DIR"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "azure-cli==$AZ_CLI_VERSION" pytest
  # Smoke-test the install in a throwaway config dir (its version probe may warn offline).
  AZURE_CONFIG_DIR="$(mktemp -d)" "$VENV/bin/az" --version >/dev/null 2>&1
  echo "azure-cli==$AZ_CLI_VERSION pytest" >"$MARKER"
}

start=$(date +%s)
if [[ -f "$MARKER" ]]; then
  echo "venv: reusing $VENV"
else
  echo "venv: installing azure-cli==$AZ_CLI_VERSION and pytest into $VENV"
  install_venv
fi
echo "venv install took $(( $(date +%s) - start ))s"

if [[ "${1:-}" == "--install-only" ]]; then
  exit 0
fi

# Build the binary (cargo is a no-op when it is up to date).
(cd "$REPO" && cargo build -q -p isthmus)
export ISTHMUS_BIN="${ISTHMUS_BIN:-$REPO/target/debug/isthmus}"
export AZ_BIN="$VENV/bin/az"

start=$(date +%s)
set +e
"$VENV/bin/python" -m pytest -x -q -p no:cacheprovider "$HERE" "$@"
status=$?
set -e
echo "suite run took $(( $(date +%s) - start ))s"
exit $status
