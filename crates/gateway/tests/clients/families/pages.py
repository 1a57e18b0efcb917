"""The pages toolset, end to end: search, reading in every form, the tree, writes, history."""

import json

from sdk_common import agent_key, check, check_tool_metadata, server_url, with_session

TOOLS = {
    "search", "get_page", "list_pages", "get_page_children", "get_page_ancestors",
    "get_page_descendants", "get_space_page_tree", "get_page_versions", "get_page_version",
    "diff_page_versions", "create_page", "update_page", "update_page_section", "move_page",
    "delete_page",
}
READ_TOOLS = TOOLS - {"create_page", "update_page", "update_page_section", "move_page", "delete_page"}

async def writer_flow(a):
    tools = await a.tools()
    names = {t["name"] for t in tools}
    check(TOOLS <= names, f"readwrite tools: {sorted(names)}")
    check_tool_metadata(tools, TOOLS, READ_TOOLS)
    destructive = {t["name"] for t in tools if t["name"] in TOOLS and t["annotations"].get("destructiveHint")}
    check(destructive == {"update_page", "update_page_section", "delete_page"}, f"destructive: {destructive}")

    # search: plain words become safe CQL, scoped to the agent's spaces (DOCS only).
    out, text = await a.call("search", {"query": 'release "notes', "limit": 5})
    check('text ~ "release \\"notes"' in out["cql"], out["cql"])
    check("space = DOCS" in out["cql"] or "space IN (DOCS)" in out["cql"], out["cql"])
    out, _ = await a.call("search", {"cql": "type = page", "limit": 50})
    check(out["results"], "no pages in DOCS")
    check(all(r["space_key"] == "DOCS" for r in out["results"]), [r["space_key"] for r in out["results"]])

    # the space tree, children, descendants, ancestors
    tree, text = await a.call("get_space_page_tree", {"space_key": "DOCS", "depth": 3})
    check(tree["pages"] and "DOCS" in text, text[:200])
    by_id = {p["id"]: p for p in tree["pages"]}
    parent = next(p for p in tree["pages"] if any(q["parent_id"] == p["id"] for q in tree["pages"]))
    kids, _ = await a.call("get_page_children", {"page_id": parent["id"]})
    expected_kids = {q["id"] for q in tree["pages"] if q["parent_id"] == parent["id"]}
    check({k["id"] for k in kids["pages"]} == expected_kids, (kids, expected_kids))
    desc, _ = await a.call("get_page_descendants", {"page_id": parent["id"], "depth": 2})
    check(expected_kids <= {d["id"] for d in desc["pages"]}, desc)
    check(all(d["depth"] <= 2 for d in desc["pages"]), desc)
    child = next(iter(expected_kids))
    anc, text = await a.call("get_page_ancestors", {"page_id": child})
    check(anc["pages"] and anc["pages"][-1]["id"] == parent["id"], anc)
    check(parent["title"] in text, text)

    # list_pages and the three ways to name a page
    listed, _ = await a.call("list_pages", {"space_key": "DOCS", "limit": 100})
    check(parent["id"] in {p["id"] for p in listed["pages"]}, "parent not listed")
    page, text = await a.call("get_page", {"page_id": parent["id"]})
    check(page["id"] == parent["id"] and page["title"] == parent["title"], page)
    check(page["body"]["content"].strip() != "", "empty body")
    same, _ = await a.call("get_page", {"space_key": "DOCS", "title": parent["title"]})
    check(same["id"] == parent["id"], same)
    url = f"http://example.atlassian.net/wiki/spaces/DOCS/pages/{parent['id']}/x"
    same, _ = await a.call("get_page", {"url": url})
    check(same["id"] == parent["id"], same)
    storage, _ = await a.call("get_page", {"page_id": parent["id"], "format": "storage"})
    check("<" in storage["body"]["content"], "storage is XHTML")

    # create (Markdown), then window, section, update, conflict, section update, history, diff
    body = "Intro paragraph.\n\n## Install\n\n" + "Run the installer and follow the prompts. " * 30 + "\n\n## Rollback\n\nUndo the install.\n"
    created, text = await a.call("create_page", {"space_key": "DOCS", "title": "MCP SDK test page", "body": body, "parent_id": parent["id"]})
    pid = created["id"]
    check(created["version"] == 1 and created["parent_id"] == parent["id"], created)
    first, text = await a.call("get_page", {"page_id": pid, "max_chars": 300})
    check(first["body"]["next_offset"] is not None, first["body"])
    check(first["outline"] and ["Install"] in [o["path"] for o in first["outline"]], first["outline"])
    check("offset=" in text, "continuation hint missing")
    second, _ = await a.call("get_page", {"page_id": pid, "max_chars": 300, "offset": first["body"]["next_offset"]})
    check(second["body"]["offset"] == first["body"]["next_offset"], second["body"])
    section, _ = await a.call("get_page", {"page_id": pid, "section": ["Rollback"]})
    check("Undo the install." in section["body"]["content"], section["body"])
    updated, _ = await a.call("update_page", {"page_id": pid, "body": body.replace("Undo the install.", "Undo it all."), "version_message": "second", "minor_edit": True})
    check(updated["version"] == 2, updated)
    _, conflict = await a.call("update_page", {"page_id": pid, "title": "stale", "base_version": 1}, expect_error=True)
    check("Conflict" in conflict and "version 2" in conflict, conflict)
    sec, _ = await a.call("update_page_section", {"page_id": pid, "section": ["Rollback"], "body": "Restore the snapshot."})
    check(sec["version"] == 3, sec)
    after, _ = await a.call("get_page", {"page_id": pid, "section": ["Rollback"]})
    check("Restore the snapshot." in after["body"]["content"], after["body"])
    install, _ = await a.call("get_page", {"page_id": pid, "section": ["Install"]})
    check("Run the installer" in install["body"]["content"], "other section changed")
    versions, _ = await a.call("get_page_versions", {"page_id": pid})
    check([v["number"] for v in versions["versions"]] == [3, 2, 1], versions)
    check(versions["versions"][1]["minor_edit"] is True, versions["versions"][1])
    old, _ = await a.call("get_page_version", {"page_id": pid, "version": 1})
    check("Undo the install." in old["body"]["content"], old["body"])
    diff, text = await a.call("diff_page_versions", {"page_id": pid, "from_version": 1})
    check(diff["to_version"] == 3 and diff["lines_added"] >= 1 and diff["lines_removed"] >= 1, diff)
    check("+Restore the snapshot." in diff["diff"] and "-Undo the install." in diff["diff"], diff["diff"])

    # move under another page, then delete
    other = next(p for p in tree["pages"] if p["id"] not in (parent["id"], pid))
    moved, _ = await a.call("move_page", {"page_id": pid, "parent_id": other["id"]})
    check(moved["parent_id"] == other["id"], moved)
    deleted, _ = await a.call("delete_page", {"page_id": pid})
    check(deleted["status"] == "trashed", deleted)
    _, gone = await a.call("get_page", {"page_id": pid}, expect_error=True)
    check("Not found" in gone, gone)

    # outputFormat=structured puts the JSON into content too
    result = await a.result("get_page", {"page_id": parent["id"], "outputFormat": "structured"})
    check(json.loads(result["content"][0]["text"])["id"] == parent["id"], "structured content text")


async def reader_flow(a):
    names = {t["name"] for t in await a.tools()}
    check(READ_TOOLS <= names and not (TOOLS - READ_TOOLS) & names, sorted(names))
    out, _ = await a.call("search", {"cql": "type = page AND space = HR"})
    check(out["results"] == [], "support-bot must not see HR")
    hr, _ = await a.call("search", {"query": "salary"})
    check(all(r["space_key"] in ("ENG", "DOCS") for r in hr["results"]), hr)
    # A write tool is not offered on the read-only server: a protocol error.
    message = await a.protocol_error("create_page", {"space_key": "ENG", "title": "x", "body": "y"})
    check("not available on server 'readonly'" in message, message)


async def run(info):
    await with_session(server_url(info, "readwrite"), agent_key(info, "docs-writer"), writer_flow)
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), reader_flow)
