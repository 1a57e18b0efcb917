"""Drives the gateway with the official Python MCP SDK (a client nobody here wrote).

Usage: python mcp_sdk_driver.py DEMO_INFO_JSON FAMILY

The venv's SDK decides the protocol style (see sdk_common.py): mcp 1.x speaks the 2025-11-25
session handshake, mcp 2.x the stateless 2026-07-28 protocol.

Runs the scenario of one tool family (`families/FAMILY.py`: a `TOOLS` set and an async
`run(info)`) against the demo's servers and agents. The SDK itself validates every successful
result's structuredContent against the tool's outputSchema. Prints one JSON line per tool called
(`{"tool": ..., "ok": true}`) and a final `{"summary": {"tools_called": [...], "sdk": ..., "protocol": [...]}}`; exits non-zero
on the first failed check or when a tool of the family was never called.
"""

import asyncio
import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sdk_common import SDK_VERSION, called, check, negotiated  # noqa: E402


async def main():
    info = json.load(open(sys.argv[1]))
    family = importlib.import_module(f"families.{sys.argv[2]}")
    await family.run(info)
    missing = family.TOOLS - called
    check(not missing, f"tools never called: {sorted(missing)}")
    summary = {"tools_called": sorted(called), "sdk": SDK_VERSION, "protocol": sorted(negotiated)}
    print(json.dumps({"summary": summary}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
