"""Drives the real mcp-atlassian MCP server (PyPI 0.23.1) against the Confluence emulator.

Launched by tests/mcp_atlassian.rs. It starts `mcp-atlassian --transport stdio` through the
official `mcp` client (stdio_client + ClientSession), calls nine Confluence tools, checks
what each returns, and prints one JSON line with the ids it created. Any mismatch exits 1
with a message saying what was expected and what came back.

Environment (set by the Rust test):
  EMU_SITE     http://127.0.0.1:PORT (the emulator's site URL)
  EMU_EMAIL    a seed user's email      EMU_TOKEN  that user's API token
  EMU_SPACE    space key to write in    EMU_PARENT id of a page in that space
  EMU_MODE     "cloud" or "server"

Modes. mcp-atlassian decides Cloud vs Server/Data Center from the URL host alone and treats
127.0.0.1 as Server. In "cloud" mode the server is given CONFLUENCE_URL
http://emu.atlassian.net/wiki with CONFLUENCE_HTTP_PROXY pointing at the emulator, so it
behaves as against Confluence Cloud (page children then come from REST v2) while every request
still reaches the emulator. In "server" mode it talks to 127.0.0.1 directly (REST v1 only).

No outbound network: the server process runs behind a guard that refuses DNS lookups and
connections to anything but loopback and logs "NETWORK-GUARD"; the FastMCP banner and its
PyPI update check are switched off. The driver fails if the guard ever fired.
"""

import asyncio
import json
import os
import sys
import tempfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

TIMEOUT_SECONDS = 40

# Runs inside the server's Python before mcp-atlassian: only loopback may be reached.
GUARD = r"""
import socket, sys
ALLOWED = {"127.0.0.1", "::1", "localhost"}
def _blocked(what):
    sys.stderr.write("NETWORK-GUARD blocked " + what + "\n")
    sys.stderr.flush()
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in ALLOWED:
        _blocked("lookup of " + str(name))
        raise socket.gaierror(socket.EAI_NONAME, "blocked by the test network guard: " + str(name))
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ALLOWED:
        _blocked("connection to " + str(address))
        raise ConnectionRefusedError("blocked by the test network guard: " + str(address))
def connect(self, address):
    _check(self, address)
    return _connect(self, address)
def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)
socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
sys.argv = ["mcp-atlassian", "--transport", "stdio", "--env-file", "/dev/null"]
from mcp_atlassian import main
sys.exit(main())
"""


class Mismatch(Exception):
    pass


def expect(cond, what, got):
    if not cond:
        raise Mismatch(f"{what}; got: {json.dumps(got)[:1500] if not isinstance(got, str) else got[:1500]}")


def server_params(workdir):
    site = os.environ["EMU_SITE"]
    mode = os.environ.get("EMU_MODE", "cloud")
    env = {
        "CONFLUENCE_USERNAME": os.environ["EMU_EMAIL"],
        "CONFLUENCE_API_TOKEN": os.environ["EMU_TOKEN"],
        "TOOLSETS": "confluence_pages,confluence_comments,confluence_labels",
        "READ_ONLY_MODE": "false",
        "FASTMCP_SHOW_SERVER_BANNER": "false",
        "FASTMCP_CHECK_FOR_UPDATES": "off",
        "MCP_ATLASSIAN_USE_SYSTEM_TRUSTSTORE": "false",
        "ATLASSIAN_RETRY_TOTAL": "0",
        "CONFLUENCE_TIMEOUT": "20",
        "HOME": workdir,
        "TZ": "UTC",
    }
    if mode == "cloud":
        env["CONFLUENCE_URL"] = "http://emu.atlassian.net/wiki"
        env["CONFLUENCE_HTTP_PROXY"] = site
        env["NO_PROXY"] = "127.0.0.1,localhost"
    else:
        env["CONFLUENCE_URL"] = f"{site}/wiki"
        env["NO_PROXY"] = "127.0.0.1,localhost"
    return StdioServerParameters(
        command=sys.executable, args=["-c", GUARD], env=env, cwd=workdir
    )


async def call(session, tool, args):
    res = await session.call_tool(tool, args)
    expect(res.content, f"{tool} returns content", str(res))
    text = res.content[0].text
    expect(not res.isError, f"{tool} succeeds", text)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise Mismatch(f"{tool} returns JSON; got: {text[:1500]}")


async def run(session):
    space = os.environ["EMU_SPACE"]
    parent = os.environ["EMU_PARENT"]
    mode = os.environ.get("EMU_MODE", "cloud")
    title = f"MCP probe page ({mode})"
    tools = {t.name for t in (await session.list_tools()).tools}
    wanted = [
        "confluence_search", "confluence_get_page", "confluence_get_page_children",
        "confluence_create_page", "confluence_update_page", "confluence_add_comment",
        "confluence_get_comments", "confluence_add_label", "confluence_get_labels",
    ]
    missing = [t for t in wanted if t not in tools]
    expect(not missing, f"tools listed: missing {missing}", sorted(tools))
    done = []

    # 1. create a page under the parent
    created = await call(session, "confluence_create_page", {
        "space_key": space, "title": title, "parent_id": parent,
        "content": "# Probe\n\nSome **bold** text about zebracorns.",
    })
    expect(created.get("message") == "Page created successfully", "create_page message", created)
    page = created.get("page", {})
    page_id = str(page.get("id", ""))
    expect(page_id.isdigit(), "create_page returns the new page id", created)
    expect(page.get("title") == title, "created page title", created)
    expect(page.get("space", {}).get("key") == space, "created page space", created)
    done.append("confluence_create_page")

    # 2. read it back: body as markdown, version 1, its parent among the ancestors
    got = await call(session, "confluence_get_page", {"page_id": page_id})
    meta = got.get("metadata", {})
    expect(meta.get("id") == page_id and meta.get("title") == title, "get_page id and title", got)
    content = meta.get("content", {}).get("value", "")
    expect("Some **bold** text about zebracorns." in content, "get_page body (markdown)", got)
    expect("Probe" in content, "get_page heading", got)
    expect(meta.get("version") == 1, "get_page version 1", got)
    expect(meta.get("author") == os.environ["EMU_AUTHOR"], "get_page author display name", got)
    done.append("confluence_get_page")

    # 3. find it: a plain text query (siteSearch) and a CQL query
    hits = await call(session, "confluence_search", {"query": "zebracorns", "limit": 10})
    expect(isinstance(hits, list), "search returns a list", hits)
    mine = [h for h in hits if str(h.get("id")) == page_id]
    expect(len(mine) == 1, "siteSearch finds the new page", hits)
    expect("zebracorns" in mine[0].get("content", {}).get("value", ""), "search excerpt mentions the term", mine[0])
    cql = await call(session, "confluence_search", {
        "query": f'type = page AND space = "{space}" AND title ~ "MCP probe {mode}" ORDER BY created DESC', "limit": 5,
    })
    expect([str(h.get("id")) for h in cql] == [page_id], "CQL search finds exactly the new page", cql)
    done.append("confluence_search")

    # 4. the parent lists it as a child
    children = await call(session, "confluence_get_page_children", {"parent_id": parent, "limit": 50})
    expect("error" not in children, f"get_page_children ({mode} mode) succeeds", children)
    kids = {str(c.get("id")): c.get("title") for c in children.get("results", [])}
    expect(kids.get(page_id) == title, "get_page_children lists the new page", children)
    done.append("confluence_get_page_children")

    # 5. update: new title and body, version 2
    updated = await call(session, "confluence_update_page", {
        "page_id": page_id, "title": f"{title} v2",
        "content": "Updated text about **unicorns**.", "version_comment": "second pass",
    })
    expect(updated.get("message") == "Page updated successfully", "update_page message", updated)
    expect(updated.get("page", {}).get("version") == 2, "update_page reports version 2", updated)
    again = await call(session, "confluence_get_page", {"page_id": page_id})
    body = again.get("metadata", {}).get("content", {}).get("value", "")
    expect("Updated text about **unicorns**." in body and "zebracorns" not in body, "updated body", again)
    expect(again["metadata"].get("title") == f"{title} v2", "updated title", again)
    done.append("confluence_update_page")

    # 6. comment, then list comments
    added = await call(session, "confluence_add_comment", {"page_id": page_id, "body": "Nice *probe* indeed"})
    expect(added.get("success") is True, "add_comment succeeds", added)
    comment = added.get("comment", {})
    expect("Nice" in comment.get("body", ""), "add_comment echoes the body", added)
    comment_id = str(comment.get("id", ""))
    expect(comment_id.isdigit(), "add_comment returns the comment id", added)
    done.append("confluence_add_comment")
    comments = await call(session, "confluence_get_comments", {"page_id": page_id})
    expect(isinstance(comments, list) and len(comments) == 1, "get_comments returns the one comment", comments)
    expect(str(comments[0].get("id")) == comment_id and "Nice *probe* indeed" in comments[0].get("body", ""),
           "get_comments body", comments)
    done.append("confluence_get_comments")

    # 7. labels
    labelled = await call(session, "confluence_add_label", {"page_id": page_id, "name": "mcp-probe"})
    expect(isinstance(labelled, list) and "mcp-probe" in [l.get("name") for l in labelled],
           "add_label returns the page's labels including the new one", labelled)
    done.append("confluence_add_label")
    labels = await call(session, "confluence_get_labels", {"page_id": page_id})
    expect([l.get("name") for l in labels] == ["mcp-probe"], "get_labels lists exactly the new label", labels)
    done.append("confluence_get_labels")

    # A page the user cannot see is reported as an error, not as data.
    hidden = await session.call_tool("confluence_get_page", {"page_id": os.environ["EMU_HIDDEN"]})
    text = hidden.content[0].text if hidden.content else ""
    expect(hidden.isError or '"error"' in text, "get_page of an invisible page is an error", text)
    return {"ok": True, "mode": mode, "page_id": page_id, "comment_id": comment_id, "tools": done}


async def main():
    with tempfile.TemporaryDirectory(prefix="mcp-atl-") as workdir:
        errpath = os.path.join(workdir, "server-stderr.log")
        with open(errpath, "w") as errlog:
            result = {"ok": False, "error": "the session ended before the checks ran"}
            try:
                async with stdio_client(server_params(workdir), errlog=errlog) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        # Caught here, inside the session, so the SDK's task groups do not
                        # wrap the message in an ExceptionGroup.
                        try:
                            result = await asyncio.wait_for(run(session), TIMEOUT_SECONDS)
                        except Mismatch as e:
                            result = {"ok": False, "error": str(e)}
                        except Exception as e:
                            result = {"ok": False, "error": f"{type(e).__name__}: {e}"}
            except Exception as e:  # the client or server broke: report it the same way
                if result.get("ok"):
                    result = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        with open(errpath) as f:
            stderr = f.read()
    if "NETWORK-GUARD" in stderr:
        result = {"ok": False, "error": "the server tried to reach the network: "
                  + " | ".join(l for l in stderr.splitlines() if "NETWORK-GUARD" in l)}
    if not result.get("ok"):
        sys.stderr.write("mcp-atlassian server stderr (tail):\n" + stderr[-4000:] + "\n")
        sys.stderr.write("MISMATCH: " + result["error"] + "\n")
    print(json.dumps(result))
    sys.exit(0 if result.get("ok") else 1)


if __name__ == "__main__":
    asyncio.run(main())
