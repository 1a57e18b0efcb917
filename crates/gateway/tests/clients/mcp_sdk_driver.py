"""Drives the gateway with the official Python MCP SDK (a client nobody here wrote).

Usage: python mcp_sdk_driver.py DEMO_INFO_JSON FAMILY

Runs the scenario of one tool family (`families/FAMILY.py`: a `TOOLS` set and an async
`run(info)`) against the demo's servers and agents. The SDK itself validates every successful
result's structuredContent against the tool's outputSchema. Prints one JSON line per tool called
(`{"tool": ..., "ok": true}`) and a final `{"summary": {"tools_called": [...]}}`; exits non-zero
on the first failed check or when a tool of the family was never called.
"""

import asyncio
import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sdk_common import called, check  # noqa: E402


async def main():
    info = json.load(open(sys.argv[1]))
    family = importlib.import_module(f"families.{sys.argv[2]}")
    await family.run(info)
    missing = family.TOOLS - called
    check(not missing, f"tools never called: {sorted(missing)}")
    print(json.dumps({"summary": {"tools_called": sorted(called)}}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
