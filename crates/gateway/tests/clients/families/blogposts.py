"""The blogposts toolset, end to end: list and read seeded posts (checked against the emulator's
own REST API), publish, window, update, conflict, delete, and space scoping."""

import json

import httpx

from sdk_common import Agent, agent_key, check, server_url, with_session

TOOLS = {"list_blog_posts", "get_blog_post", "create_blog_post", "update_blog_post", "delete_blog_post"}
READ_TOOLS = {"list_blog_posts", "get_blog_post"}


class Emulator:
    """Direct REST calls to the emulator as one seed user: the ground truth to check against."""

    def __init__(self, info, email):
        emu = info["emulator"]
        user = next(u for u in emu["users"] if u["email"] == email)
        self.http = httpx.Client(base_url=emu["site_url"] + "/wiki", auth=(email, user["api_token"]), timeout=30)

    def get(self, path, **params):
        r = self.http.get(path, params=params)
        r.raise_for_status()
        return r.json()

    def space_id(self, key):
        return self.get("/api/v2/spaces", keys=key)["results"][0]["id"]

    def blog_posts(self, key):
        return self.get(f"/api/v2/spaces/{self.space_id(key)}/blogposts", limit=250)["results"]


def writer_flow(info):
    async def flow(session):
        tools = (await session.list_tools()).tools
        mine = {t.name: t for t in tools if t.name in TOOLS}
        check(set(mine) == TOOLS, f"readwrite tools: {sorted(t.name for t in tools)}")
        for t in mine.values():
            check(t.outputSchema is not None and t.outputSchema.get("type") == "object", f"{t.name} outputSchema")
            check(t.description and len(t.description) > 30, f"{t.name} description")
            check(t.annotations.readOnlyHint == (t.name in READ_TOOLS), f"{t.name} readOnlyHint")
            check("outputFormat" in t.inputSchema["properties"], f"{t.name} lacks outputFormat")
        destructive = {n for n, t in mine.items() if t.annotations.destructiveHint}
        check(destructive == {"update_blog_post", "delete_blog_post"}, f"destructive: {destructive}")
        a = Agent(session)
        emu = Emulator(info, "bob@example.com")

        # The seeded DOCS posts, exactly as the emulator lists them, newest first.
        seeded = emu.blog_posts("DOCS")
        check(len(seeded) >= 3, seeded)
        listed, text = await a.call("list_blog_posts", {"space_key": "DOCS"})
        check({p["id"] for p in listed["blog_posts"]} == {p["id"] for p in seeded}, (listed, seeded))
        dates = [p["created_at"] for p in listed["blog_posts"]]
        check(dates == sorted(dates, reverse=True), f"not newest first: {dates}")
        check("What is new in 4.3" in text and not listed["truncated"], text)
        one, _ = await a.call("list_blog_posts", {"space_key": "DOCS", "limit": 1})
        check(len(one["blog_posts"]) == 1 and one["truncated"], one)
        titled, _ = await a.call("list_blog_posts", {"space_key": "DOCS", "title": "What is new in 4.3"})
        check([p["title"] for p in titled["blog_posts"]] == ["What is new in 4.3"], titled)

        # A seeded post read back: metadata and storage body equal the emulator's.
        post_id = titled["blog_posts"][0]["id"]
        truth = emu.get(f"/api/v2/blogposts/{post_id}", **{"body-format": "storage"})
        got, text = await a.call("get_blog_post", {"blog_post_id": post_id, "format": "storage"})
        check(got["id"] == post_id and got["title"] == truth["title"], got)
        check(got["version"] == truth["version"]["number"] and got["author_id"] == truth["authorId"], got)
        check(got["body"]["content"] == truth["body"]["storage"]["value"], "storage body differs")
        md, text = await a.call("get_blog_post", {"blog_post_id": post_id})
        check(md["format"] == "markdown" and md["body"]["content"].strip() and "<p>" not in md["body"]["content"], md["body"])
        check(text.startswith("# What is new in 4.3"), text[:100])

        # Publish (Markdown), then windows, sections, update, conflict, delete.
        body = "Intro paragraph.\n\n## Highlights\n\n" + "A faster editor and better search. " * 30 + "\n\n## Thanks\n\nTo everyone who helped.\n"
        created, text = await a.call("create_blog_post", {"space_key": "DOCS", "title": "MCP SDK blog post", "body": body})
        bid = created["id"]
        check(created["version"] == 1 and created["status"] == "current" and "Published" in text, created)
        check(created["space_id"] == emu.space_id("DOCS"), created)
        stored = emu.get(f"/api/v2/blogposts/{bid}", **{"body-format": "storage"})
        check("<h2" in stored["body"]["storage"]["value"] and "Highlights</h2>" in stored["body"]["storage"]["value"], stored["body"])
        first, text = await a.call("get_blog_post", {"blog_post_id": bid, "max_chars": 300})
        check(first["body"]["next_offset"] is not None and "offset=" in text, first["body"])
        check(["Highlights"] in [o["path"] for o in first["outline"]], first["outline"])
        second, _ = await a.call("get_blog_post", {"blog_post_id": bid, "max_chars": 300, "offset": first["body"]["next_offset"]})
        check(second["body"]["offset"] == first["body"]["next_offset"], second["body"])
        thanks, _ = await a.call("get_blog_post", {"blog_post_id": bid, "section": ["Thanks"]})
        check("To everyone who helped." in thanks["body"]["content"] and thanks["body"]["section"] == ["Thanks"], thanks["body"])
        _, bad = await a.call("get_blog_post", {"blog_post_id": bid, "format": "storage", "section": ["Thanks"]}, expect_error=True)
        check("Invalid argument" in bad and "/section" in bad, bad)

        updated, _ = await a.call("update_blog_post", {"blog_post_id": bid, "body": body.replace("To everyone who helped.", "To the whole team."), "version_message": "thank the team", "minor_edit": True, "base_version": 1})
        check(updated["version"] == 2 and updated["title"] == "MCP SDK blog post", updated)
        versions = emu.get(f"/api/v2/blogposts/{bid}/versions")["results"]
        latest = max(versions, key=lambda v: v["number"])
        check(latest["number"] == 2 and latest["message"] == "thank the team" and latest["minorEdit"] is True, latest)
        _, conflict = await a.call("update_blog_post", {"blog_post_id": bid, "title": "stale", "base_version": 1}, expect_error=True)
        check("Conflict" in conflict and "version 2" in conflict, conflict)
        check(emu.get(f"/api/v2/blogposts/{bid}")["title"] == "MCP SDK blog post", "a stale edit was written")
        renamed, _ = await a.call("update_blog_post", {"blog_post_id": bid, "title": "MCP SDK blog post (final)"})
        check(renamed["version"] == 3 and renamed["title"] == "MCP SDK blog post (final)", renamed)
        after, _ = await a.call("get_blog_post", {"blog_post_id": bid, "section": ["Thanks"]})
        check("To the whole team." in after["body"]["content"], after["body"])
        _, nothing = await a.call("update_blog_post", {"blog_post_id": bid}, expect_error=True)
        check("Invalid argument" in nothing, nothing)

        # Storage bodies go in as they are.
        raw, _ = await a.call("create_blog_post", {"space_key": "DOCS", "title": "Storage post", "body": "<p>Raw <strong>storage</strong></p>", "body_format": "storage"})
        check(emu.get(f"/api/v2/blogposts/{raw['id']}", **{"body-format": "storage"})["body"]["storage"]["value"] == "<p>Raw <strong>storage</strong></p>", raw)

        # Scope: docs-writer works in DOCS only.
        eng_post = emu.blog_posts("ENG")[0]["id"]
        _, hidden = await a.call("get_blog_post", {"blog_post_id": eng_post}, expect_error=True)
        check("Not found" in hidden and "outside the spaces this agent may use: DOCS" in hidden, hidden)
        _, hidden = await a.call("update_blog_post", {"blog_post_id": eng_post, "title": "hijacked"}, expect_error=True)
        check("Not found" in hidden, hidden)
        _, hidden = await a.call("create_blog_post", {"space_key": "ENG", "title": "x", "body": "y"}, expect_error=True)
        check("Not found" in hidden, hidden)

        # Delete: trashed, then reads answer not found and lists leave it out.
        for doomed in (bid, raw["id"]):
            deleted, _ = await a.call("delete_blog_post", {"blog_post_id": doomed})
            check(deleted["status"] == "trashed" and deleted["blog_post_id"] == doomed, deleted)
        _, gone = await a.call("get_blog_post", {"blog_post_id": bid}, expect_error=True)
        check("Not found" in gone, gone)
        _, gone = await a.call("delete_blog_post", {"blog_post_id": bid}, expect_error=True)
        check("Not found" in gone, gone)
        listed, _ = await a.call("list_blog_posts", {"space_key": "DOCS"})
        check(bid not in {p["id"] for p in listed["blog_posts"]}, "deleted post still listed")
        check(bid not in {p["id"] for p in emu.blog_posts("DOCS")}, "deleted post still current in Confluence")

        # outputFormat=structured puts the JSON into content too.
        result = await session.call_tool("get_blog_post", {"blog_post_id": post_id, "outputFormat": "structured"})
        check(json.loads(result.content[0].text)["id"] == post_id, "structured content text")

    return flow


def reader_flow(info):
    async def flow(session):
        names = {t.name for t in (await session.list_tools()).tools}
        check(READ_TOOLS <= names and not (TOOLS - READ_TOOLS) & names, sorted(names))
        a = Agent(session)
        alice = Emulator(info, "alice@example.com")
        eng, _ = await a.call("list_blog_posts", {"space_key": "ENG"})
        check({p["id"] for p in eng["blog_posts"]} == {p["id"] for p in alice.blog_posts("ENG")}, eng)
        # support-bot (ENG and DOCS) cannot list or read HR posts, even by id.
        _, hidden = await a.call("list_blog_posts", {"space_key": "HR"}, expect_error=True)
        check("Not found" in hidden, hidden)
        hr_post = alice.blog_posts("HR")[0]["id"]
        _, hidden = await a.call("get_blog_post", {"blog_post_id": hr_post}, expect_error=True)
        check("Not found" in hidden and "outside the spaces this agent may use: ENG, DOCS" in hidden, hidden)

    return flow


async def run(info):
    await with_session(server_url(info, "readwrite"), agent_key(info, "docs-writer"), writer_flow(info))
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), reader_flow(info))
