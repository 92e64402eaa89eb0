#!/usr/bin/env bash
# Conformance suite: the current Azure SDK for Python (azure-identity, the azure-mgmt-* clients and
# msgraph-sdk from PyPI, exact versions below) walks the customer's side of the guide against
# `isthmus up`, each client with its default api-version, and prints how many HTTP calls each test made.
#
# Usage: conformance/sdk/run.sh [--install-only | PYTEST-ARGS...]
#   ISTHMUS_CACHE_DIR  where the venv lives (default ~/.cache/isthmus)
#   ISTHMUS_BIN        the isthmus binary to test (default: target/debug/isthmus, built here)
set -euo pipefail

PACKAGES="azure-identity==1.27.0 azure-core==1.41.0 azure-mgmt-network==33.1.0 azure-mgmt-authorization==4.0.0
  azure-mgmt-resource==26.0.0 azure-mgmt-subscription==3.1.1 msgraph-sdk==1.65.0 pytest==9.2.0"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
source "$REPO/conformance/lib.sh"
# The venv's name changes with its contents, so a new pin never reuses an old install.
VENV="$CACHE_DIR/venv-azure-sdk-$(echo "$PACKAGES" | sha256sum | cut -c1-12)"

ensure_venv "$VENV" "$PACKAGES" python -c "import azure.identity, azure.mgmt.network, azure.mgmt.authorization, azure.mgmt.resource.resources, azure.mgmt.subscription, msgraph"
[[ "${1:-}" == "--install-only" ]] && exit 0

build_isthmus
run_pytest "$VENV/bin/python" "sdk suite run" "$HERE" -rxX "$@"
