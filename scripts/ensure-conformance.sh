#!/usr/bin/env bash
# Installs (once) the pinned MCP conformance suite and a Node 22 to run it (the suite needs
# Node >= 22; both come from the npm registry) under .conformance/. Prints the directory's
# absolute path. Safe to call from several tests at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CONFORMANCE_DIR:-$root/.conformance}"
suite_version="0.2.0-alpha.12"
node_version="22.23.3"
want="conformance=$suite_version node=$node_version"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$want" ]; then
  npm install --prefix "$dir" --no-audit --no-fund --silent \
    "node@$node_version" "@modelcontextprotocol/conformance@$suite_version" >&2
  echo "$want" > "$dir/.stamp"
fi
echo "$dir"
