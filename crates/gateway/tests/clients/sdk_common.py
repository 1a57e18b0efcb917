"""Shared helpers for the Python MCP SDK scenarios: checks, a tool-calling wrapper that records
which tools were called, and session setup against the demo's servers and agents."""

import json

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

called = set()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Agent:
    def __init__(self, session):
        self.session = session

    async def call(self, tool, args, expect_error=False):
        result = await self.session.call_tool(tool, args)
        text = "".join(c.text for c in result.content if getattr(c, "type", "") == "text")
        if expect_error:
            check(result.isError, f"{tool} {args}: expected an error, got {text[:300]}")
        else:
            check(not result.isError, f"{tool} {args}: unexpected error: {text[:500]}")
            check(result.structuredContent is not None, f"{tool}: no structuredContent")
        called.add(tool)
        print(json.dumps({"tool": tool, "ok": True, "error": bool(result.isError)}), flush=True)
        return result.structuredContent, text


async def with_session(url, key, body):
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(30, read=60)) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, _sid):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check(init.serverInfo.name.startswith("confluence-gateway/"), init.serverInfo.name)
                await body(session)


def server_url(info, name):
    return next(s["url"] for s in info["servers"] if s["name"] == name)


def agent_key(info, name):
    return next(a["key"] for a in info["agents"] if a["name"] == name)
