#!/usr/bin/env bash
# Creates (once) the Python venv with the pinned third-party clients the integration tests drive:
# mcp-atlassian (a Confluence MCP server nobody here wrote) and the official `mcp` SDK client.
# Prints nothing on the fast path; safe to call from several tests at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${TEST_VENV:-$root/.venv-tests}"
requirements="$root/scripts/test-requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$requirements" "$root/scripts/test-constraints.txt" | sha256sum | cut -d" " -f1)"
exec 9>"$root/.venv-tests.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" -c "$root/scripts/test-constraints.txt"
echo "$want" > "$stamp"
