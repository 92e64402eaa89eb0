#!/usr/bin/env bash
# Conformance suite: the real Aiven CLI (aiven-client 4.18.0 from PyPI) runs every `avn vpc`
# command of the guide against `isthmus serve`, which drives the isthmus Azure emulator.
#
# The venv lives outside the work tree and is reused across runs; a marker file written after a
# successful install tells a complete venv from a half-installed one.
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
CACHE_DIR="${ISTHMUS_CACHE_DIR:-$HOME/.cache/isthmus}"
VENV="$CACHE_DIR/venv-aiven-client-$AIVEN_CLIENT_VERSION"
MARKER="$VENV/.isthmus-install-complete"
PYTHON="${PYTHON:-python3}"

install_venv() {
  rm -rf "$VENV"
  mkdir -p "$CACHE_DIR"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "aiven-client==$AIVEN_CLIENT_VERSION" pytest requests
  # Smoke-test the install in a throwaway home: `avn --version` prints the version, no network.
  local version
  version="$(HOME="$(mktemp -d)" "$VENV/bin/avn" --version 2>&1)"
  [[ "$version" == *"$AIVEN_CLIENT_VERSION"* ]] || { echo "unexpected avn --version: $version" >&2; exit 1; }
  echo "aiven-client==$AIVEN_CLIENT_VERSION pytest requests" >"$MARKER"
}

start=$(date +%s)
if [[ -f "$MARKER" ]]; then
  echo "venv: reusing $VENV"
else
  echo "venv: installing aiven-client==$AIVEN_CLIENT_VERSION, pytest and requests into $VENV"
  install_venv
fi
echo "venv install took $(( $(date +%s) - start ))s"

if [[ "${1:-}" == "--install-only" ]]; then
  exit 0
fi

# Build the binary (cargo is a no-op when it is up to date).
(cd "$REPO" && cargo build -q -p isthmus)
export ISTHMUS_BIN="${ISTHMUS_BIN:-$REPO/target/debug/isthmus}"
export AVN_BIN="$VENV/bin/avn"

start=$(date +%s)
set +e
"$VENV/bin/python" -m pytest -x -q -p no:cacheprovider "$HERE" "$@"
status=$?
set -e
echo "suite run took $(( $(date +%s) - start ))s"
exit $status
