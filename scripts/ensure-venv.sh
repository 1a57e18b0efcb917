#!/usr/bin/env bash
# Creates (once) a Python venv with pinned third-party clients the integration tests drive.
#   ensure-venv.sh          .venv-tests: mcp-atlassian (a Confluence MCP server nobody here wrote)
#                           and the official `mcp` SDK 1.x (session handshake, 2025-11-25)
#   ensure-venv.sh modern   .venv-mcp-modern: the official `mcp` SDK 2.x (stateless 2026-07-28)
# Prints nothing on the fast path; safe to call from several tests at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in
  "")
    venv="${TEST_VENV:-$root/.venv-tests}"
    requirements="$root/scripts/test-requirements.txt"
    constraints="$root/scripts/test-constraints.txt"
    ;;
  modern)
    venv="${TEST_VENV_MODERN:-$root/.venv-mcp-modern}"
    requirements="$root/scripts/test-modern-requirements.txt"
    constraints="$root/scripts/test-modern-constraints.txt"
    ;;
  *) echo "usage: $0 [modern]" >&2; exit 2 ;;
esac
stamp="$venv/.requirements.sha256"
want="$(cat "$requirements" "$constraints" | sha256sum | cut -d" " -f1)"
exec 9>"$venv.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints"
echo "$want" > "$stamp"
