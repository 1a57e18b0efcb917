"""The spaces toolset, end to end: listing (filters, cursors, scope), reading a space and its
permissions, and creating, updating and deleting a space. Every answer is checked against what
the emulator itself serves (read directly over its REST API as the connection's user)."""

import json

import httpx

from sdk_common import Agent, agent_key, check, server_url, with_session

TOOLS = {
    "list_spaces", "get_space", "get_space_permissions", "create_space", "update_space",
    "delete_space",
}
READ_TOOLS = {"list_spaces", "get_space", "get_space_permissions"}
NEW_KEY = "SDKSPACE"


class Emulator:
    """Confluence's own answers, as the demo user behind an agent's connection sees them."""

    def __init__(self, info, email):
        user = next(u for u in info["emulator"]["users"] if u["email"] == email)
        self.base = info["emulator"]["site_url"] + "/wiki"
        self.auth = (email, user["api_token"])
        self.users = {u["account_id"]: u for u in info["emulator"]["users"]}

    def get(self, path, **params):
        r = httpx.get(self.base + path, params=params, auth=self.auth, timeout=30)
        return r.status_code, (r.json() if r.content else None)

    def all(self, path, **params):
        """Every item of a v2 list, following `_links.next`."""
        items, url = [], self.base + path
        while url:
            r = httpx.get(url, params=params, auth=self.auth, timeout=30)
            check(r.status_code == 200, f"emulator {path}: {r.status_code}")
            body = r.json()
            items += body["results"]
            nxt = body.get("_links", {}).get("next")
            url, params = (self.base + nxt.removeprefix("/wiki") if nxt else None), None
        return items

    def space(self, key):
        found = self.all("/api/v2/spaces", keys=key, **{"description-format": "plain"})
        return found[0] if found else None


def same_space(ours, theirs):
    check(ours["id"] == theirs["id"] and ours["key"] == theirs["key"], (ours, theirs))
    check(ours["name"] == theirs["name"], (ours["name"], theirs["name"]))
    check(ours["type"] == theirs["type"] and ours["status"] == theirs["status"], (ours, theirs))
    check(ours["homepage_id"] == theirs.get("homepageId"), (ours, theirs))
    check(ours["description"] == theirs["description"]["plain"]["value"], (ours, theirs))


async def list_all(a, **args):
    """Every space through list_spaces, following next_cursor two at a time."""
    keys, cursor, calls = [], None, 0
    while True:
        page, _ = await a.call("list_spaces", {**args, "limit": 2, **({"cursor": cursor} if cursor else {})})
        check(len(page["spaces"]) <= 2, page)
        keys += [s["key"] for s in page["spaces"]]
        calls += 1
        cursor = page.get("next_cursor")
        if not cursor:
            return keys, calls


def reader_checks(emu):
    async def flow(session):
        names = {t.name for t in (await session.list_tools()).tools}
        check(READ_TOOLS <= names and not (TOOLS - READ_TOOLS) & names, sorted(names))
        a = Agent(session)
        # support-bot is scoped to ENG and DOCS: only those, whatever the filters.
        listed, text = await a.call("list_spaces", {})
        check(sorted(s["key"] for s in listed["spaces"]) == ["DOCS", "ENG"], listed)
        check("ENG, DOCS" in text or "DOCS, ENG" in text, text)
        for s in listed["spaces"]:
            same_space(s, emu.space(s["key"]))
        keys, _ = await list_all(a)
        check(sorted(keys) == ["DOCS", "ENG"], keys)
        personal, _ = await a.call("list_spaces", {"space_type": "personal"})
        check(personal["spaces"] == [], personal)

        eng, text = await a.call("get_space", {"space_key": "ENG"})
        same_space(eng, emu.space("ENG"))
        check(eng["name"] in text and eng["description"] in text, text)
        _, hidden = await a.call("get_space", {"space_key": "HR"}, expect_error=True)
        check("Not found" in hidden and "ENG, DOCS" in hidden, hidden)
        _, hidden = await a.call("get_space_permissions", {"space_key": "HR"}, expect_error=True)
        check("Not found" in hidden, hidden)

        # Permissions: one entry per principal, the same operations the emulator lists.
        perms, text = await a.call("get_space_permissions", {"space_key": "DOCS"})
        docs = emu.space("DOCS")
        expected = {}
        for p in emu.all(f"/api/v2/spaces/{docs['id']}/permissions", limit=250):
            op = f"{p['operation']['key']} {p['operation']['targetType']}"
            expected.setdefault(p["principal"]["id"], set()).add(op)
        got = {p["id"]: set(p["operations"]) for p in perms["principals"]}
        check(got == expected, (got, expected))
        check(perms["space_key"] == "DOCS" and perms["space_id"] == docs["id"], perms)
        for p in perms["principals"]:
            user = emu.users[p["id"]]
            check(p["principal_type"] == "user", p)
            check(p["display_name"] == user["display_name"], (p, user["display_name"]))
            check(p["display_name"] in text, text)
            grant = "admin" if user["site_admin"] else user["grants"].get("DOCS")
            check(p["space_admin"] == (grant == "admin"), (p, grant))
            check(("create page" in p["operations"]) == (grant in ("write", "admin")), (p, grant))
        # Everyone granted DOCS in the emulator appears.
        granted = {u["account_id"] for u in emu.users.values() if "DOCS" in u["grants"]}
        check(granted == set(got), (granted, set(got)))
    return flow


def auditor_checks(emu):
    async def flow(session):
        a = Agent(session)
        # Unscoped: everything alice sees in Confluence, across cursor pages, in the same order.
        keys, calls = await list_all(a)
        everything = emu.all("/api/v2/spaces", limit=250)
        check(keys == [s["key"] for s in everything], (keys, everything))
        check(calls >= 3, f"{len(keys)} spaces in {calls} calls")
        personal, _ = await a.call("list_spaces", {"space_type": "personal"})
        want = [s["key"] for s in everything if s["type"] == "personal"]
        check(want and [s["key"] for s in personal["spaces"]] == want, (personal, want))
        current, _ = await a.call("list_spaces", {"status": "current", "limit": 250})
        want = [s["key"] for s in everything if s["status"] == "current"]
        check([s["key"] for s in current["spaces"]] == want, (current, want))
        check(current.get("next_cursor") is None, current)
        _, bad = await a.call("list_spaces", {"space_type": "team"}, expect_error=True)
        check("Invalid argument" in bad, bad)
        # outputFormat=structured: the JSON in content too.
        result = await session.call_tool("get_space", {"space_key": "HR", "outputFormat": "structured"})
        check(json.loads(result.content[0].text)["key"] == "HR", result.content[0].text)
    return flow


def admin_checks(emu):
    async def flow(session):
        tools = (await session.list_tools()).tools
        mine = {t.name: t for t in tools if t.name in TOOLS}
        check(set(mine) == TOOLS, sorted(mine))
        check("create_page" not in {t.name for t in tools}, "space-admin may not write pages")
        for t in mine.values():
            check(t.outputSchema is not None and t.annotations is not None, t.name)
            check(t.annotations.readOnlyHint == (t.name in READ_TOOLS), t.name)
            check("outputFormat" in t.inputSchema["properties"], t.name)
        destructive = {n for n, t in mine.items() if t.annotations.destructiveHint}
        check(destructive == {"update_space", "delete_space"}, destructive)
        a = Agent(session)

        check(emu.space(NEW_KEY) is None, "the new key is free")
        _, bad = await a.call("create_space", {"key": "has space", "name": "x"}, expect_error=True)
        check("Invalid argument" in bad and "key" in bad, bad)
        created, text = await a.call("create_space", {"key": NEW_KEY.lower(), "name": "SDK space", "description": "Made by the MCP SDK test."})
        check(created["key"] == NEW_KEY and NEW_KEY in text, created)
        same_space(created, emu.space(NEW_KEY))
        check(created["description"] == "Made by the MCP SDK test.", created)
        got, _ = await a.call("get_space", {"space_key": NEW_KEY})
        check(got == created, (got, created))
        perms, _ = await a.call("get_space_permissions", {"space_key": NEW_KEY})
        admins = [p["display_name"] for p in perms["principals"] if p["space_admin"]]
        check("Alice Admin" in admins, perms)
        _, dup = await a.call("create_space", {"key": NEW_KEY, "name": "again"}, expect_error=True)
        check("already exists" in dup, dup)

        updated, text = await a.call("update_space", {"space_key": NEW_KEY, "name": "SDK space (renamed)"})
        check(updated["name"] == "SDK space (renamed)" and updated["description"] == created["description"], updated)
        same_space(updated, emu.space(NEW_KEY))
        updated, _ = await a.call("update_space", {"space_key": NEW_KEY, "description": "New words."})
        check(updated["name"] == "SDK space (renamed)" and updated["description"] == "New words.", updated)
        same_space(updated, emu.space(NEW_KEY))
        _, none = await a.call("update_space", {"space_key": NEW_KEY}, expect_error=True)
        check("name" in none and "description" in none, none)

        deleted, text = await a.call("delete_space", {"space_key": NEW_KEY})
        check(deleted["deleted"] and deleted["id"] == created["id"], deleted)
        check(emu.space(NEW_KEY) is None, "still in Confluence")
        status, _ = emu.get(f"/api/v2/spaces/{created['id']}")
        check(status == 404, status)
        _, gone = await a.call("get_space", {"space_key": NEW_KEY}, expect_error=True)
        check("Not found" in gone, gone)
    return flow


def writer_checks(emu_alice):
    async def flow(session):
        a = Agent(session)
        # docs-writer is scoped to DOCS: no new space outside it, no other space at all.
        _, refused = await a.call("create_space", {"key": "ELSEWHERE", "name": "Not mine"}, expect_error=True)
        check("Forbidden" in refused and "DOCS" in refused and "ELSEWHERE" in refused, refused)
        check(emu_alice.space("ELSEWHERE") is None, "refused space was created")
        eng_before = emu_alice.space("ENG")
        for tool, args in [
            ("get_space", {"space_key": "ENG"}),
            ("update_space", {"space_key": "ENG", "name": "Taken over"}),
            ("delete_space", {"space_key": "ENG"}),
        ]:
            _, hidden = await a.call(tool, args, expect_error=True)
            check("Not found" in hidden, (tool, hidden))
        check(emu_alice.space("ENG") == eng_before, "ENG changed")
        # In scope, but bob does not administer DOCS in Confluence: Confluence's 403 comes through.
        _, denied = await a.call("update_space", {"space_key": "DOCS", "name": "Mine"}, expect_error=True)
        check("permission" in denied.lower(), denied)
        docs, _ = await a.call("get_space", {"space_key": "DOCS"})
        same_space(docs, emu_alice.space("DOCS"))
    return flow


async def run(info):
    alice = Emulator(info, "alice@example.com")
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), reader_checks(alice))
    await with_session(server_url(info, "readonly"), agent_key(info, "auditor"), auditor_checks(alice))
    await with_session(server_url(info, "readwrite"), agent_key(info, "space-admin"), admin_checks(alice))
    await with_session(server_url(info, "readwrite"), agent_key(info, "docs-writer"), writer_checks(alice))
