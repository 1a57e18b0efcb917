"""The comments toolset, end to end. Every answer is checked against the emulator's own REST
API (read as the user the agent's connection acts as): seeded threads and their replies, then
footer comments, replies, inline comments on real page text, edits, resolution, deletion,
space scoping, and DLP on comment bodies both ways (written and read)."""

import base64
import json
import re

import httpx

from sdk_common import Agent, agent_key, check, server_url, with_session

TOOLS = {
    "list_comments", "get_comment", "add_comment", "add_inline_comment", "update_comment",
    "delete_comment",
}
READ_TOOLS = {"list_comments", "get_comment"}
LEAKED_PASSWORD = "Tr0ub4dorQ7vX2k"
LEAKED_EMAIL = "maria.lopez@acme-corp.io"


class Confluence:
    """Ground truth: the emulator's REST v2 as the user an agent's connection acts as."""

    def __init__(self, info, agent_name):
        email = next(a["acts_as"] for a in info["agents"] if a["name"] == agent_name)
        user = next(u for u in info["emulator"]["users"] if u["email"] == email)
        self.account_id = user["account_id"]
        token = base64.b64encode(f"{email}:{user['api_token']}".encode()).decode()
        self.http = httpx.AsyncClient(
            base_url=info["emulator"]["wiki_url"],
            headers={"Authorization": f"Basic {token}"},
            timeout=30,
        )

    async def get(self, path, **params):
        r = await self.http.get(path, params=params)
        check(r.status_code == 200, f"emulator GET {path}: {r.status_code} {r.text[:200]}")
        return r.json()

    async def post(self, path, body):
        r = await self.http.post(path, json=body)
        check(r.status_code == 201, f"emulator POST {path}: {r.status_code} {r.text[:200]}")
        return r.json()

    async def status(self, path):
        return (await self.http.get(path)).status_code

    async def all(self, path, **params):
        """Every item of a v2 list, following `_links.next`."""
        out, page = [], await self.get(path, limit=250, **params)
        while True:
            out += page["results"]
            nxt = page.get("_links", {}).get("next")
            if not nxt:
                return out
            page = (await self.http.get(nxt.removeprefix("/wiki"))).json()

    async def space_id(self, key):
        return (await self.get("/api/v2/spaces", keys=key))["results"][0]["id"]

    async def pages(self, key):
        return await self.all(f"/api/v2/spaces/{await self.space_id(key)}/pages")

    async def thread(self, kind, root_id):
        """Reply ids below a comment, breadth first (as the gateway lists them)."""
        ids, level = [], [root_id]
        while level:
            nxt = []
            for parent in level:
                nxt += [c["id"] for c in await self.all(f"/api/v2/{kind}-comments/{parent}/children")]
            ids += nxt
            level = nxt
        return ids


def storage_of(comment):
    return comment["body"]["storage"]["value"]


def plain(storage):
    """The text of a simple `<p>…</p>` body."""
    return re.sub(r"<[^>]+>", "", storage).strip()


def simple(comment):
    """A body without macros, links or mentions, whose Markdown is just its text."""
    s = storage_of(comment)
    return "<ac:" not in s and "<ri:" not in s and "&" not in s and re.fullmatch(r"<p>[^<]*</p>", s)


async def writer_flow(session, info):
    tools = (await session.list_tools()).tools
    names = {t.name for t in tools}
    check(TOOLS <= names, f"readwrite tools: {sorted(names)}")
    for t in (t for t in tools if t.name in TOOLS):
        check(t.outputSchema is not None, f"{t.name} has no outputSchema")
        check(t.description and len(t.description) > 40, f"{t.name} description")
        check(t.annotations.readOnlyHint == (t.name in READ_TOOLS), f"{t.name} readOnlyHint")
        check("outputFormat" in t.inputSchema["properties"], f"{t.name} lacks outputFormat")
    destructive = {t.name for t in tools if t.name in TOOLS and t.annotations.destructiveHint}
    check(destructive == {"update_comment", "delete_comment"}, f"destructive: {destructive}")

    a = Agent(session)
    cf = Confluence(info, "docs-writer")

    # A DOCS page whose seeded comments include footer replies and an inline thread.
    docs_pages = {p["id"]: p for p in await cf.pages("DOCS")}
    footers = await cf.all("/api/v2/footer-comments", **{"body-format": "storage"})
    inlines = await cf.all("/api/v2/inline-comments", **{"body-format": "storage"})
    replied = {c["parentCommentId"] for c in footers if c.get("parentCommentId")}
    with_inline = {c["pageId"] for c in inlines if c.get("pageId") in docs_pages}
    pid = next(c["pageId"] for c in footers
               if c["id"] in replied and c.get("pageId") in with_inline)
    title = docs_pages[pid]["title"]
    truth_footer = await cf.all(f"/api/v2/pages/{pid}/footer-comments", **{"body-format": "storage"})
    truth_inline = await cf.all(f"/api/v2/pages/{pid}/inline-comments", **{"body-format": "storage"})
    check(truth_footer and truth_inline, (truth_footer, truth_inline))

    # list_comments: every thread, its replies, selections and resolution, bodies as Markdown.
    listed, text = await a.call("list_comments", {"page_id": pid, "limit": 50})
    check(listed["container"] == {"id": pid, "kind": "page", "title": title,
                                  "space_id": docs_pages[pid]["spaceId"]}, listed["container"])
    check(listed["next_cursor"] is None, listed["next_cursor"])
    got = [(t["kind"], t["id"]) for t in listed["comments"]]
    want = [("footer", c["id"]) for c in truth_footer] + [("inline", c["id"]) for c in truth_inline]
    check(got == want, (got, want))
    by_id = {t["id"]: t for t in listed["comments"]}
    for kind, truth in (("footer", truth_footer), ("inline", truth_inline)):
        for c in truth:
            thread = by_id[c["id"]]
            check([r["id"] for r in thread["replies"]] == await cf.thread(kind, c["id"]), thread)
            check(all(r["parent_comment_id"] for r in thread["replies"]), thread["replies"])
            check(thread["version"] == c["version"]["number"], thread)
            check(thread["author_id"] == c["version"]["authorId"], thread)
            if simple(c):
                check(thread["body"].strip() == plain(storage_of(c)), (thread["body"], storage_of(c)))
    for c in truth_inline:
        thread = by_id[c["id"]]
        check(thread["text_selection"] == c["properties"]["inlineOriginalSelection"], thread)
        check(thread["resolution_status"] == c["resolutionStatus"], thread)
        check(f'on "{thread["text_selection"]}"' in text, text[:2000])
    check(f"**{title}** (page {pid})" in text, text[:300])
    replies_total = sum(len(t["replies"]) for t in listed["comments"])
    check(replies_total > 0 and f"with {replies_total} repl" in text, text[:300])

    # Paging one thread at a time walks the same list; the cursor is bound to its listing.
    seen, cursor = [], None
    for _ in range(len(want) + 2):
        args = {"page_id": pid, "limit": 1, "include_replies": False}
        if cursor:
            args["cursor"] = cursor
        page, text = await a.call("list_comments", args)
        seen += [(t["kind"], t["id"]) for t in page["comments"]]
        check(all(t["replies"] == [] for t in page["comments"]), page)
        cursor = page["next_cursor"]
        if not cursor:
            break
        check("cursor=" in text, text[-300:])
    check(seen == want, (seen, want))
    only_inline, _ = await a.call("list_comments", {"page_id": pid, "kind": "inline"})
    check([t["id"] for t in only_inline["comments"]] == [c["id"] for c in truth_inline], only_inline)
    first, _ = await a.call("list_comments", {"page_id": pid, "limit": 1})
    other = next(p for p in docs_pages if p != pid)
    _, err = await a.call("list_comments", {"page_id": other, "cursor": first["next_cursor"]}, expect_error=True)
    check("cursor" in err, err)
    _, err = await a.call("list_comments", {"page_id": pid, "cursor": "garbage"}, expect_error=True)
    check("cursor" in err, err)

    # Storage format gives the stored XHTML exactly.
    raw, _ = await a.call("list_comments", {"page_id": pid, "format": "storage", "limit": 50})
    raw_by_id = {t["id"]: t for t in raw["comments"]}
    for c in truth_footer + truth_inline:
        if simple(c):
            check(raw_by_id[c["id"]]["body"] == storage_of(c), (raw_by_id[c["id"]], storage_of(c)))

    # Blog posts have comments too.
    blogs = await cf.all(f"/api/v2/spaces/{docs_pages[pid]['spaceId']}/blogposts")
    blog_ids = {b["id"] for b in blogs}
    blog = next(c["blogPostId"] for c in footers if c.get("blogPostId") in blog_ids)
    truth_blog = await cf.all(f"/api/v2/blogposts/{blog}/footer-comments")
    on_blog, _ = await a.call("list_comments", {"blog_post_id": blog, "kind": "footer"})
    check(on_blog["container"]["kind"] == "blogpost", on_blog["container"])
    check([t["id"] for t in on_blog["comments"]] == [c["id"] for c in truth_blog][:10], on_blog)

    # get_comment: the kind is detected; replies and the container come along.
    root = next(c for c in truth_footer if c["id"] in replied)
    one, text = await a.call("get_comment", {"comment_id": root["id"]})
    check(one["kind"] == "footer" and one["container"]["id"] == pid, one)
    check([r["id"] for r in one["replies"]] == await cf.thread("footer", root["id"]), one["replies"])
    seeded_inline = truth_inline[0]
    one, text = await a.call("get_comment", {"comment_id": seeded_inline["id"]})
    check(one["kind"] == "inline", one)
    check(one["text_selection"] == seeded_inline["properties"]["inlineOriginalSelection"], one)
    _, err = await a.call("get_comment", {"comment_id": root["id"], "kind": "inline"}, expect_error=True)
    check("Not found" in err and "inline comment" in err, err)

    # add_comment: Markdown becomes storage; an email in the body is redacted before it is written.
    added, text = await a.call("add_comment", {
        "page_id": pid,
        "body": "**Heads-up**: the `retention` job moved. Ask jane.doe@example.org.",
    })
    cid = added["id"]
    check(added["kind"] == "footer" and added["version"] == 1 and added["container"]["id"] == pid, added)
    stored = await cf.get(f"/api/v2/footer-comments/{cid}", **{"body-format": "storage"})
    check(stored["pageId"] == pid, stored)
    check("<strong>Heads-up</strong>" in storage_of(stored) and "<code>retention</code>" in storage_of(stored),
          storage_of(stored))
    check("jane.doe@example.org" not in storage_of(stored), "DLP let an email through to Confluence")
    check("**Heads-up**" in added["body"] and "jane.doe@example.org" not in text, added)

    # A reply, found again through the emulator and through get_comment.
    reply, _ = await a.call("add_comment", {"parent_comment_id": cid, "body": "Noted, thanks."})
    check(reply["parent_comment_id"] == cid and reply["kind"] == "footer", reply)
    children = await cf.all(f"/api/v2/footer-comments/{cid}/children")
    check([c["id"] for c in children] == [reply["id"]], children)
    got, _ = await a.call("get_comment", {"comment_id": cid})
    check([r["id"] for r in got["replies"]] == [reply["id"]], got)
    _, err = await a.call("add_comment", {"parent_comment_id": cid, "blog_post_id": blog, "body": "x"},
                          expect_error=True)
    check("leave out" in err, err)
    inline_reply, _ = await a.call("add_comment", {"parent_comment_id": seeded_inline["id"], "body": "On it."})
    check(inline_reply["kind"] == "inline", inline_reply)
    stored = await cf.get(f"/api/v2/inline-comments/{inline_reply['id']}")
    check(stored["parentCommentId"] == seeded_inline["id"], stored)

    # add_inline_comment on real page text: a run of words from one of the page's paragraphs.
    page_storage = (await cf.get(f"/api/v2/pages/{pid}", **{"body-format": "storage"}))["body"]["storage"]["value"]
    runs = re.findall(r"<p>([A-Za-z][A-Za-z ,.]{24,}?)[<]", page_storage)
    check(runs, "no plain paragraph on the page")
    selection = " ".join(runs[0].split()[:4])
    inline, text = await a.call("add_inline_comment", {
        "page_id": pid, "text_selection": selection, "body": "Is this still *true*?",
    })
    iid = inline["id"]
    check(inline["kind"] == "inline" and inline["text_selection"] == selection, inline)
    check(inline["match_index"] == 0 and inline["match_count"] >= 1, inline)
    check(inline["resolution_status"] == "open", inline)
    stored = await cf.get(f"/api/v2/inline-comments/{iid}", **{"body-format": "storage"})
    check(stored["pageId"] == pid and stored["properties"]["inlineOriginalSelection"] == selection, stored)
    check("<em>true</em>" in storage_of(stored), storage_of(stored))

    # A selection that is not on the page: a clear error, and nothing is created.
    before = len(await cf.all(f"/api/v2/pages/{pid}/inline-comments"))
    _, err = await a.call("add_inline_comment", {
        "page_id": pid, "text_selection": "purple elephants dance", "body": "?",
    }, expect_error=True)
    check("text_selection" in err and "does not occur on the page" in err, err)
    _, err = await a.call("add_inline_comment", {
        "page_id": pid, "text_selection": f"**{selection}**", "body": "?",
    }, expect_error=True)
    check("Markdown" in err, err)
    check(len(await cf.all(f"/api/v2/pages/{pid}/inline-comments")) == before, "a failed selection created a comment")

    # Repeated text: match_index picks the occurrence; one past the end is refused.
    made, _ = await a.call("create_page", {
        "space_key": "DOCS", "title": "Comments SDK test page",
        "body": "The deploy step runs nightly.\n\nAfter lunch the deploy step runs again.",
    })
    _, err = await a.call("add_inline_comment", {
        "page_id": made["id"], "text_selection": "deploy step", "match_index": 2, "body": "?",
    }, expect_error=True)
    check("occurs 2 time(s)" in err, err)
    second, text = await a.call("add_inline_comment", {
        "page_id": made["id"], "text_selection": "deploy step", "match_index": 1, "body": "Which one?",
    })
    check(second["match_count"] == 2 and second["match_index"] == 1, second)
    check("occurrence 2 of 2" in text, text[:300])
    first_one, text = await a.call("add_inline_comment", {
        "page_id": made["id"], "text_selection": "deploy step", "body": "This one.",
    })
    check(first_one["match_index"] == 0 and "match_index" in text, text)

    # update_comment: the version is handled; a stale base fails; resolution on inline threads.
    upd, _ = await a.call("update_comment", {"comment_id": cid, "body": "Edited: the job moved.",
                                             "version_message": "clarified"})
    check(upd["version"] == 2 and "Edited: the job moved." in upd["body"], upd)
    stored = await cf.get(f"/api/v2/footer-comments/{cid}", **{"body-format": "storage"})
    check(stored["version"]["number"] == 2 and stored["version"]["message"] == "clarified", stored["version"])
    check(plain(storage_of(stored)) == "Edited: the job moved.", storage_of(stored))
    _, err = await a.call("update_comment", {"comment_id": cid, "body": "stale", "base_version": 1},
                          expect_error=True)
    check("Conflict" in err and "version 2" in err, err)
    resolved, text = await a.call("update_comment", {"comment_id": iid, "resolved": True})
    check(resolved["resolution_status"] == "resolved" and text.startswith("Resolved"), resolved)
    check((await cf.get(f"/api/v2/inline-comments/{iid}"))["resolutionStatus"] == "resolved", "not resolved")
    reopened, _ = await a.call("update_comment", {"comment_id": iid, "kind": "inline", "resolved": False})
    check(reopened["resolution_status"] == "reopened", reopened)
    _, err = await a.call("update_comment", {"comment_id": cid, "resolved": True}, expect_error=True)
    check("only inline comments" in err, err)
    others = next(c for c in footers
                  if c.get("pageId") in docs_pages and c["version"]["authorId"] != cf.account_id)
    _, err = await a.call("update_comment", {"comment_id": others["id"], "body": "mine now"},
                          expect_error=True)
    check("Forbidden" in err, err)

    # delete_comment: gone for good, replies too; reading it again answers "not found".
    deleted, _ = await a.call("delete_comment", {"comment_id": cid})
    check(deleted["status"] == "deleted" and deleted["kind"] == "footer", deleted)
    check(await cf.status(f"/api/v2/footer-comments/{cid}") == 404, "comment still there")
    check(await cf.status(f"/api/v2/footer-comments/{reply['id']}") == 404, "reply still there")
    _, err = await a.call("get_comment", {"comment_id": cid}, expect_error=True)
    check("Not found" in err, err)
    for gone in (iid, inline_reply["id"], second["id"], first_one["id"]):
        out, _ = await a.call("delete_comment", {"comment_id": gone, "kind": "inline"})
        check(out["kind"] == "inline", out)
    await a.call("delete_page", {"page_id": made["id"]})

    # outputFormat=structured puts the JSON into content too.
    result = await session.call_tool("list_comments", {"page_id": pid, "outputFormat": "structured"})
    check(json.loads(result.content[0].text)["container"]["id"] == pid, "structured content text")

    # Someone writes a credential and an email into a comment straight in Confluence; the
    # readers below must never receive them.
    planted = await cf.post("/api/v2/footer-comments", {
        "pageId": pid,
        "body": {"representation": "storage", "value": f"<p>Use <code>password={LEAKED_PASSWORD}</code> "
                                                       f"or ask {LEAKED_EMAIL}</p>"},
    })
    return planted["id"]


async def reader_flow(session, info, planted):
    tools = (await session.list_tools()).tools
    names = {t.name for t in tools}
    check(READ_TOOLS <= names and not (TOOLS - READ_TOOLS) & names, sorted(names))
    a = Agent(session)
    cf = Confluence(info, "support-bot")

    # support-bot (ENG, DOCS) acts as a user who can read HR, but its scope cannot.
    hr_pages = {p["id"] for p in await cf.pages("HR")}
    hr_comment = next(c for c in await cf.all("/api/v2/footer-comments")
                      if c.get("pageId") in hr_pages and not c.get("parentCommentId"))
    _, err = await a.call("list_comments", {"page_id": hr_comment["pageId"]}, expect_error=True)
    check("Not found" in err and "ENG, DOCS" in err, err)
    _, err = await a.call("get_comment", {"comment_id": hr_comment["id"]}, expect_error=True)
    check("Not found" in err and hr_comment["pageId"] not in err, err)

    # Comment bodies pass DLP on the way out, in lists and single reads.
    got, text = await a.call("get_comment", {"comment_id": planted})
    listed, listed_text = await a.call("list_comments", {"page_id": got["container"]["id"], "limit": 50})
    check(planted in {t["id"] for t in listed["comments"]}, listed)
    for leaked in (LEAKED_PASSWORD, LEAKED_EMAIL):
        for seen in (text, json.dumps(got), listed_text, json.dumps(listed)):
            check(leaked not in seen, f"{leaked} reached the agent")
    return hr_comment


async def auditor_flow(session, hr_comment, planted):
    a = Agent(session)
    # The same HR page through an unscoped agent: the refusal above was the scope, not Confluence.
    out, _ = await a.call("list_comments", {"page_id": hr_comment["pageId"], "kind": "footer", "limit": 50})
    check(hr_comment["id"] in {t["id"] for t in out["comments"]}, out)
    # Strict DLP: a credential in a comment blocks the whole answer.
    _, err = await a.call("get_comment", {"comment_id": planted}, expect_error=True)
    check("Blocked by data loss prevention" in err and LEAKED_PASSWORD not in err, err)


async def run(info):
    state = {}

    async def writer(session):
        state["planted"] = await writer_flow(session, info)

    async def reader(session):
        state["hr"] = await reader_flow(session, info, state["planted"])

    async def auditor(session):
        await auditor_flow(session, state["hr"], state["planted"])

    await with_session(server_url(info, "readwrite"), agent_key(info, "docs-writer"), writer)
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), reader)
    await with_session(server_url(info, "readonly"), agent_key(info, "auditor"), auditor)
