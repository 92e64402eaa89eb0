#!/usr/bin/env bash
# The whole test suite: Rust unit, property and integration tests (the real binaries over loopback),
# then the conformance suite with the real `az` from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --all-targets
if [ -x conformance/az/run.sh ] || [ -f conformance/az/run.sh ]; then
  bash conformance/az/run.sh
fi
