#!/usr/bin/env bash
# The whole test suite: Rust unit, property and integration tests (the real binaries over loopback),
# then the conformance suites with the real `az` and `avn` from PyPI, the customer's side with the Azure
# SDK for Python, the whole guide walked with both CLIs against `isthmus up`, and schemathesis sending
# generated requests to every operation of the control plane's OpenAPI document (any 5xx fails).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace
bash conformance/az/run.sh
bash conformance/sdk/run.sh
bash conformance/avn/run.sh
bash conformance/guide/run.sh
bash conformance/schemathesis/run.sh
