#!/usr/bin/env bash
# Gateway overhead benchmark: get_page on a ~20 KB storage page and search, called directly on
# the emulator and through the gateway's whole pipeline, side by side in one run (see
# crates/gateway/examples/bench.rs for what is measured and how). Prints the machine's load
# before and after, since every wall-clock figure includes what else runs on it.
# Usage: bash scripts/bench-gateway.sh [--seconds 5] [--rate 500] [--concurrency 32] [--only get_page|search]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p gateway --example bench
bench="${CARGO_TARGET_DIR:-target}/release/examples/bench"
echo "before: $(uptime)"
"$bench" "$@"
echo "after:  $(uptime)"
