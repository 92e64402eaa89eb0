#!/usr/bin/env bash
# Property-based API testing: schemathesis (PyPI) reads the control plane's own /openapi.json from a
# live `isthmus up` and sends every operation generated and hostile inputs; any 5xx fails the run.
#
# Usage: conformance/schemathesis/run.sh [SCHEMATHESIS-ARGS...]
#   ISTHMUS_CACHE_DIR  where the venv lives (default ~/.cache/isthmus)
#   ISTHMUS_BIN        the isthmus binary to test (default: target/debug/isthmus, built here)
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
source "$REPO/conformance/lib.sh"
VENV="$CACHE_DIR/venv-schemathesis-$SCHEMATHESIS_VERSION"

ensure_venv "$VENV" "schemathesis==$SCHEMATHESIS_VERSION" schemathesis --version
build_isthmus

WORK="$(mktemp -d)"
UP_PID=""
cleanup() {
  [[ -n "$UP_PID" ]] && kill "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ISTHMUS_BIN" up --data-plane=off --data-dir "$WORK/data" --azure-listen 127.0.0.1:0 --api-listen 127.0.0.1:0 >"$WORK/up.out" 2>"$WORK/up.log" &
UP_PID=$!
for _ in $(seq 1 120); do
  grep -q '^ready ' "$WORK/up.out" 2>/dev/null && break
  sleep 0.5
done
grep -q '^ready ' "$WORK/up.out" || { echo "isthmus up did not become ready"; cat "$WORK/up.log"; exit 1; }
# shellcheck disable=SC1091
source "$WORK/data/env.sh"
VPC_ID="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["project"]["vpc_id"])' "$WORK/data/world.json")"
export VPC_ID

# The project and its VPC are pinned, so requests reach the handlers' logic rather than a 403/404.
cat >"$WORK/schemathesis.toml" <<'TOML'
headers = { Authorization = "aivenv1 ${AIVEN_AUTH_TOKEN}" }

[parameters]
project = "${AIVEN_PROJECT}"
project_vpc_id = "${VPC_ID}"
TOML

start=$(date +%s)
set +e
(cd "$WORK" && "$VENV/bin/schemathesis" --config-file "$WORK/schemathesis.toml" run "$AIVEN_WEB_URL/openapi.json" \
  --checks not_a_server_error --max-examples 50 "$@")
status=$?
set -e
echo "schemathesis run took $(( $(date +%s) - start ))s"
if [[ $status -ne 0 ]]; then
  echo "--- tail of isthmus up's log"
  tail -40 "$WORK/up.log"
fi
exit $status
