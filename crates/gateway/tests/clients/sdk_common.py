"""Shared helpers for the Python MCP SDK scenarios, for both SDK generations:

- mcp 1.x (`.venv-tests`): the initialize handshake with `Mcp-Session-Id` (protocol 2025-11-25);
- mcp 2.x (`.venv-mcp-modern`): the stateless 2026-07-28 protocol (`server/discover`, no session).

Scenarios talk to an `Agent`, which hides the SDKs' differences and hands back spec-shaped
dicts (`structuredContent`, `isError`, `inputSchema`, `annotations.readOnlyHint`, ...), so one
scenario runs unchanged in both styles.
"""

import importlib.metadata
import json

from mcp import ClientSession

SDK_VERSION = importlib.metadata.version("mcp")
MODERN = int(SDK_VERSION.split(".")[0]) >= 2

if MODERN:
    import httpx2 as httpx
    from mcp.client import Client
    from mcp.client.streamable_http import streamable_http_client
else:
    import httpx
    from mcp.client.streamable_http import streamable_http_client

called = set()
negotiated = set()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Spec(dict):
    """Spec-shaped JSON that also reads as attributes (`t.annotations.readOnlyHint`, as the 1.x
    SDK's models do); a missing field reads as None."""

    def __getattr__(self, name):
        return wrap(self.get(name))


def wrap(value):
    if isinstance(value, dict):
        return Spec(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


def spec(model):
    """A pydantic model of either SDK as the JSON the spec describes."""
    return wrap(model.model_dump(by_alias=True, exclude_none=True, mode="json"))


class Agent:
    """One connected agent: lists tools, calls them, records which tools were called. Mirrors the
    SDK session's `list_tools`/`call_tool` with spec-shaped results, so scenarios are the same
    under both SDK generations."""

    def __init__(self, session):
        # Scenarios may wrap the agent `with_session` hands them once more; keep one layer.
        self.session = session.session if isinstance(session, Agent) else session

    async def tools(self):
        return [spec(t) for t in (await self.session.list_tools()).tools]

    async def list_tools(self):
        return Spec(tools=await self.tools())

    async def call_tool(self, tool, args):
        """The raw result; JSON-RPC errors raise as the SDK raises them."""
        return await self.result(tool, args)

    async def result(self, tool, args):
        """The raw tool result as a spec-shaped dict (content, structuredContent, isError)."""
        result = spec(await self.session.call_tool(tool, args))
        called.add(tool)
        return result

    async def call(self, tool, args, expect_error=False):
        """Calls a tool and checks success (or, with expect_error, an isError result).
        Returns (structuredContent, text)."""
        result = await self.result(tool, args)
        text = "".join(c["text"] for c in result.get("content", []) if c.get("type") == "text")
        if expect_error:
            check(result.get("isError"), f"{tool} {args}: expected an error, got {text[:300]}")
        else:
            check(not result.get("isError"), f"{tool} {args}: unexpected error: {text[:500]}")
            check(result.get("structuredContent") is not None, f"{tool}: no structuredContent")
        print(json.dumps({"tool": tool, "ok": True, "error": bool(result.get("isError"))}), flush=True)
        return result.get("structuredContent"), text

    async def protocol_error(self, tool, args):
        """Calls a tool that must fail as a JSON-RPC error (not a tool result); returns its message."""
        try:
            await self.session.call_tool(tool, args)
        except Exception as e:  # the SDKs' McpError / MCPError
            return str(e)
        raise AssertionError(f"{tool} {args}: expected a JSON-RPC error, got a result")


async def with_session(url, key, body):
    """Connects as the agent with `key` and runs `body(agent)`."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(30, read=60)) as http:
        if MODERN:
            async with Client(streamable_http_client(url, http_client=http), mode="2026-07-28") as client:
                negotiated.add(client.session.protocol_version)
                await body(Agent(client))
        else:
            async with streamable_http_client(url, http_client=http) as (read, write, _sid):
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    check(init.serverInfo.name.startswith("confluence-gateway/"), init.serverInfo.name)
                    negotiated.add(init.protocolVersion)
                    await body(Agent(session))


def server_url(info, name):
    return next(s["url"] for s in info["servers"] if s["name"] == name)


def agent_key(info, name):
    return next(a["key"] for a in info["agents"] if a["name"] == name)


def check_tool_metadata(tools, names, read_only):
    """Every tool in `names` has a model-facing description, outputSchema, annotations matching
    `read_only` (a set of names), and the outputFormat argument."""
    for t in (t for t in tools if t["name"] in names):
        check("outputSchema" in t, f"{t['name']} has no outputSchema")
        check(len(t.get("description", "")) > 30, f"{t['name']} description")
        ro = t.get("annotations", {}).get("readOnlyHint")
        check(ro == (t["name"] in read_only), f"{t['name']} readOnlyHint={ro}")
        check("outputFormat" in t["inputSchema"]["properties"], f"{t['name']} lacks outputFormat")
