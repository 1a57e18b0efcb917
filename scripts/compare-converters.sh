#!/usr/bin/env bash
# One run, side by side: this project's storage→Markdown converter and mcp-atlassian's (pinned in
# the test venv) on the same corpus — speed (MB/s, docs/s) and fidelity per category.
# Arguments go to the example: --repetitions N (default 5), --keep (leave outputs for diffing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-venv.sh
exec cargo run --release --quiet -p content --example compare_mcp_atlassian -- "$@"
