#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit and integration tests (including the
# third-party MCP client tests, whose Python venv this script sets up itself).
set -euo pipefail
cd "$(dirname "$0")/.."
# A full test run gains nothing from incremental caches but gigabytes of disk (CI starts clean).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> python venv for third-party clients"
bash scripts/ensure-venv.sh
bash scripts/ensure-venv.sh modern

echo "==> cargo test"
cargo test --workspace --locked
