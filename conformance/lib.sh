# Shared by the conformance suites' run.sh: cached venvs, the isthmus build, and a timed pytest run.
# Source it after setting REPO. Venvs live outside the work tree (ISTHMUS_CACHE_DIR, default
# ~/.cache/isthmus) and are reused; a marker written after a successful install tells a complete venv
# from a half-installed one, which is wiped and installed again.

CACHE_DIR="${ISTHMUS_CACHE_DIR:-$HOME/.cache/isthmus}"
PYTHON="${PYTHON:-python3}"

# ensure_venv VENV "PIP PACKAGES" SMOKE-COMMAND...: the smoke command (run with the venv's bin dir
# first on PATH and a throwaway HOME) must succeed for the install to count.
ensure_venv() {
  local venv="$1" packages="$2"
  shift 2
  local marker="$venv/.isthmus-install-complete" start
  start=$(date +%s)
  if [[ -f "$marker" ]]; then
    echo "venv: reusing $venv"
  else
    echo "venv: installing $packages into $venv"
    rm -rf "$venv"
    mkdir -p "$CACHE_DIR"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install --quiet $packages
    if ! HOME="$(mktemp -d)" AZURE_CONFIG_DIR="$(mktemp -d)" PATH="$venv/bin:$PATH" "$@" >/dev/null 2>&1; then
      echo "venv: smoke test '$*' failed in $venv" >&2
      return 1
    fi
    echo "$packages" >"$marker"
  fi
  echo "venv install took $(( $(date +%s) - start ))s"
}

# Builds the binary under test (a no-op when it is up to date) unless ISTHMUS_BIN names one.
build_isthmus() {
  (cd "$REPO" && cargo build -q -p isthmus)
  export ISTHMUS_BIN="${ISTHMUS_BIN:-$REPO/target/debug/isthmus}"
}

# run_pytest PYTHON LABEL DIR PYTEST-ARGS...: runs the suite, prints how long it took, returns its status.
run_pytest() {
  local python="$1" label="$2" dir="$3" start status
  shift 3
  start=$(date +%s)
  set +e
  "$python" -m pytest -x -q -p no:cacheprovider "$dir" "$@"
  status=$?
  set -e
  echo "$label took $(( $(date +%s) - start ))s"
  return $status
}
