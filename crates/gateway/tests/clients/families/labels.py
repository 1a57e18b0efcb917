"""The labels toolset, end to end: reading the labels of pages, blog posts and attachments,
adding and removing labels, Confluence's label syntax, DLP on labels, and space scoping. Every
answer is checked against what the emulator itself serves (read directly over its REST API)."""

import httpx

from sdk_common import Agent, agent_key, check, server_url, with_session

TOOLS = {"get_labels", "add_labels", "remove_label"}


class Emulator:
    """Confluence's own answers, as the site admin sees them."""

    def __init__(self, info):
        user = next(u for u in info["emulator"]["users"] if u["site_admin"])
        self.base = info["emulator"]["site_url"] + "/wiki"
        self.auth = (user["email"], user["api_token"])

    def get(self, path, **params):
        r = httpx.get(self.base + path, params=params, auth=self.auth, timeout=30)
        check(r.status_code == 200, f"emulator {path}: {r.status_code}")
        return r.json()

    def space_id(self, key):
        return self.get("/api/v2/spaces", keys=key)["results"][0]["id"]

    def pages(self, key):
        return self.get(f"/api/v2/spaces/{self.space_id(key)}/pages", limit=250)["results"]

    def labels(self, collection, content_id):
        return [l["name"] for l in self.get(f"/api/v2/{collection}/{content_id}/labels", limit=250)["results"]]

    def labelled_page(self, key):
        return next(p for p in self.pages(key) if self.labels("pages", p["id"]))


def names(out):
    return [l["name"] for l in out["labels"]]


def writer_checks(emu):
    async def flow(session):
        tools = {t.name: t for t in (await session.list_tools()).tools if t.name in TOOLS}
        check(set(tools) == TOOLS, sorted(tools))
        for t in tools.values():
            check(t.outputSchema is not None and "outputFormat" in t.inputSchema["properties"], t.name)
        check([n for n, t in tools.items() if t.annotations.readOnlyHint] == ["get_labels"], "readOnly")
        check([n for n, t in tools.items() if t.annotations.destructiveHint] == ["remove_label"], "destructive")
        a = Agent(session)

        # A page, a blog post (found without saying so) and an attachment of DOCS.
        page = emu.labelled_page("DOCS")
        got, text = await a.call("get_labels", {"content_id": page["id"]})
        check(got["content_type"] == "page" and got["title"] == page["title"], got)
        check(names(got) == emu.labels("pages", page["id"]) and not got["truncated"], got)
        check(all(f"`{n}`" in text for n in names(got)) and page["title"] in text, text)
        post = emu.get(f"/api/v2/spaces/{emu.space_id('DOCS')}/blogposts")["results"][0]
        got, _ = await a.call("get_labels", {"content_id": post["id"]})
        check(got["content_type"] == "blogpost" and got["title"] == post["title"], got)
        check(names(got) == emu.labels("blogposts", post["id"]) and got["labels"], got)
        att = next(x for x in emu.get("/api/v2/attachments", limit=250)["results"]
                   if x.get("pageId") in {p["id"] for p in emu.pages("DOCS")})
        got, text = await a.call("get_labels", {"content_id": att["id"]})
        check(got["content_type"] == "attachment" and got["title"] == att["title"], got)
        check(names(got) == emu.labels("attachments", att["id"]), got)
        one, _ = await a.call("get_labels", {"content_id": post["id"], "content_type": "blogpost", "limit": 1})
        check(len(one["labels"]) == 1 and one["truncated"] == (len(emu.labels("blogposts", post["id"])) > 1), one)

        # Adding: lower case, duplicates once, existing labels kept.
        before = emu.labels("pages", page["id"])
        added, text = await a.call("add_labels", {"content_id": page["id"], "labels": ["SDK-Test", "sdk_second", "sdk-test"]})
        check(added["added"] == ["sdk-test", "sdk_second"], added)
        check("lower case" in text, text)
        now = emu.labels("pages", page["id"])
        check(set(now) == set(before) | {"sdk-test", "sdk_second"}, (now, before))
        check(sorted(names(added)) == sorted(now), (added, now))

        # Confluence's syntax, said clearly, and nothing written.
        for bad, reason in [
            ("two words", "cannot contain spaces"),
            ("x" * 256, "at most 255 characters"),
            ("team:alpha", "cannot contain ':'"),
            ("", "cannot be empty"),
        ]:
            _, error = await a.call("add_labels", {"content_id": page["id"], "labels": ["fine", bad]}, expect_error=True)
            check("Invalid argument /labels/1" in error and reason in error, (bad, error))
        # DLP runs on labels before they reach Confluence.
        _, error = await a.call("add_labels", {"content_id": page["id"], "labels": ["owner-jane.doe@acme-corp.com"]}, expect_error=True)
        check("data loss prevention" in error, error)
        check(emu.labels("pages", page["id"]) == now, "a refused label was written")

        # Removing: one at a time, the rest stays; a label that is not there is not found.
        removed, text = await a.call("remove_label", {"content_id": page["id"], "label": "SDK-TEST"})
        check(removed["removed"] == "sdk-test" and "sdk-test" not in names(removed), removed)
        check("sdk_second" in names(removed) and "`sdk-test`" in text, (removed, text))
        check(emu.labels("pages", page["id"]) == names(removed), "emulator disagrees")
        _, error = await a.call("remove_label", {"content_id": page["id"], "label": "sdk-test"}, expect_error=True)
        check("Not found" in error and "sdk-test" in error, error)
        await a.call("remove_label", {"content_id": page["id"], "label": "sdk_second"})
        check(emu.labels("pages", page["id"]) == before, "page labels not restored")

        # Blog posts take labels too; attachments only show theirs.
        added, _ = await a.call("add_labels", {"content_id": post["id"], "content_type": "blogpost", "labels": ["sdk-blog"]})
        check("sdk-blog" in emu.labels("blogposts", post["id"]) and added["content_type"] == "blogpost", added)
        await a.call("remove_label", {"content_id": post["id"], "content_type": "blogpost", "label": "sdk-blog"})
        check("sdk-blog" not in emu.labels("blogposts", post["id"]), "blog label stayed")
        _, error = await a.call("add_labels", {"content_id": att["id"], "content_type": "attachment", "labels": ["x"]}, expect_error=True)
        check("Invalid argument" in error, error)

        # Outside DOCS: not found, and nothing changes.
        eng_page = emu.labelled_page("ENG")
        eng_before = emu.labels("pages", eng_page["id"])
        for tool, args in [
            ("get_labels", {"content_id": eng_page["id"]}),
            ("add_labels", {"content_id": eng_page["id"], "labels": ["mine"]}),
            ("remove_label", {"content_id": eng_page["id"], "label": eng_before[0]}),
        ]:
            _, error = await a.call(tool, args, expect_error=True)
            check("Not found" in error and "DOCS" in error, (tool, error))
        check(emu.labels("pages", eng_page["id"]) == eng_before, "ENG labels changed")
        _, error = await a.call("get_labels", {"content_id": "999999999"}, expect_error=True)
        check("Not found" in error, error)
    return flow


def reader_checks(emu):
    async def flow(session):
        names_offered = {t.name for t in (await session.list_tools()).tools}
        check("get_labels" in names_offered and not {"add_labels", "remove_label"} & names_offered, names_offered)
        a = Agent(session)
        page = emu.labelled_page("ENG")
        got, _ = await a.call("get_labels", {"content_id": page["id"], "content_type": "page"})
        check(names(got) == emu.labels("pages", page["id"]), got)
        try:
            await session.call_tool("add_labels", {"content_id": page["id"], "labels": ["x"]})
            check(False, "add_labels on the read-only server succeeded")
        except Exception as e:  # McpError
            check("not available on server 'readonly'" in str(e), str(e))
    return flow


async def run(info):
    emu = Emulator(info)
    await with_session(server_url(info, "readwrite"), agent_key(info, "docs-writer"), writer_checks(emu))
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), reader_checks(emu))
