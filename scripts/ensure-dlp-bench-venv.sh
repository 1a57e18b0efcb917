#!/usr/bin/env bash
# Creates (once) the Python venv with the pinned third-party scanners that the DLP throughput
# benchmark runs beside our engine: detect-secrets and presidio-analyzer (pattern recognizers
# only; no spaCy model is downloaded or loaded). Not part of the test suite.
# Prints the venv's python path; safe to call from several processes at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${DLP_BENCH_VENV:-$root/.venv-dlp-bench}"
requirements="$root/scripts/dlp-bench-requirements.txt"
constraints="$root/scripts/dlp-bench-constraints.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$requirements" "$constraints" | sha256sum | cut -d" " -f1)"
exec 9>"$root/.venv-dlp-bench.lock"
flock 9
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
