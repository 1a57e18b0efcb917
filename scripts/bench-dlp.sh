#!/usr/bin/env bash
# DLP throughput benchmark: our engine vs detect-secrets vs presidio-analyzer (pattern
# recognizers only) on the same reproducible corpora (wiki prose, config-heavy runbooks),
# single core, with ratios. Installs the pinned Python tools into .venv-dlp-bench first.
# Usage: bash scripts/bench-dlp.sh [MiB per corpus, default 1; the Python tools scan
# roughly 0.1 MB/s, so each MiB costs them about a minute]
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(bash scripts/ensure-dlp-bench-venv.sh)"
DLP_BENCH_PYTHON="$python" cargo run --release --quiet -p dlp-eval --example throughput_compare -- "$@"
