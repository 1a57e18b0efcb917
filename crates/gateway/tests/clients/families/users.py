"""The users toolset, end to end: find seeded users by name, look them up by account id, and read
the demo's seeded page restrictions, each checked against the emulator's own data."""

import re

import httpx

from sdk_common import Agent, agent_key, check, server_url, with_session

TOOLS = {"search_users", "get_user", "get_page_restrictions"}


def seed_users(info):
    return info["emulator"]["users"]


def expected_matches(info, fragment):
    """The seed users whose name has a word starting with every word of `fragment`."""
    want = [w.lower() for w in re.split(r"\W+", fragment) if w]
    out = set()
    for u in seed_users(info):
        words = [w.lower() for w in re.split(r"\W+", u["display_name"]) if w]
        if all(any(n.startswith(w) for n in words) for w in want):
            out.add(u["account_id"])
    return out


class Emulator:
    """Direct REST calls to the emulator as Alice (a site admin): the ground truth."""

    def __init__(self, info):
        emu = info["emulator"]
        alice = next(u for u in emu["users"] if u["email"] == "alice@example.com")
        self.http = httpx.Client(base_url=emu["site_url"] + "/wiki", auth=(alice["email"], alice["api_token"]), timeout=30)

    def get(self, path, **params):
        r = self.http.get(path, params=params)
        r.raise_for_status()
        return r.json()

    def space_id(self, key):
        return self.get("/api/v2/spaces", keys=key)["results"][0]["id"]

    def page_id(self, key, title):
        return self.get("/api/v2/pages", **{"space-id": self.space_id(key), "title": title})["results"][0]["id"]

    def restricted_to(self, content_id, operation):
        data = self.get(f"/rest/api/content/{content_id}/restriction")
        op = next(r for r in data["results"] if r["operation"] == operation)
        return {u["accountId"] for u in op["restrictions"]["user"]["results"]}


def account(info, email):
    return next(u["account_id"] for u in seed_users(info) if u["email"] == email)


def reader_flow(info):
    async def flow(session):
        tools = {t.name: t for t in (await session.list_tools()).tools if t.name in TOOLS}
        check(set(tools) == TOOLS, sorted(tools))
        for t in tools.values():
            check(t.annotations.readOnlyHint is True and not t.annotations.destructiveHint, f"{t.name} annotations")
            check(t.outputSchema is not None and "outputFormat" in t.inputSchema["properties"], t.name)
        a = Agent(session)
        emu = Emulator(info)
        bob = account(info, "bob@example.com")

        # search_users finds the seeded users by word prefix, as the emulator's data says.
        found, text = await a.call("search_users", {"query": "bob"})
        check([u["account_id"] for u in found["users"]] == [bob], found)
        check(found["users"][0]["display_name"] == "Bob Builder" and "Bob Builder" in text, found)
        check(found["cql"] in ('user.fullname ~ bob', 'user.fullname ~ "bob"'), found["cql"])
        # The emulator returns emails (as Confluence does where privacy settings allow); the
        # gateway passes them on, and the result DLP stage redacts them for support-bot.
        email = found["users"][0]["email"]
        check(email is not None and "REDACTED" in email, email)
        check("bob@example.com" not in text, text)
        for fragment in ("c", "Carol P", "chief"):
            many, _ = await a.call("search_users", {"query": fragment, "limit": 50})
            check({u["account_id"] for u in many["users"]} == expected_matches(info, fragment), (fragment, many))
        capped, _ = await a.call("search_users", {"query": "c", "limit": 2})
        check(len(capped["users"]) == 2, capped)
        none, text = await a.call("search_users", {"query": "nobody-by-this-name"})
        check(none["users"] == [] and text.startswith("0 user(s)"), none)
        _, bad = await a.call("search_users", {"query": "!!"}, expect_error=True)
        check("Invalid argument" in bad and "/query" in bad, bad)

        # get_user returns the same person.
        user, text = await a.call("get_user", {"account_id": bob})
        check(user["account_id"] == bob and user["display_name"] == found["users"][0]["display_name"], user)
        check(user["account_type"] == "atlassian" and user["account_status"] == "active", user)
        _, missing = await a.call("get_user", {"account_id": "557058:no-such-user"}, expect_error=True)
        check("Not found" in missing, missing)

        # Restrictions of seeded pages (support-bot acts as Alice, a site admin, in ENG and DOCS).
        incident = emu.page_id("ENG", "Security incident 2026-03 postmortem")
        r, text = await a.call("get_page_restrictions", {"content_id": incident})
        check(r["content_type"] == "page" and r["title"] == "Security incident 2026-03 postmortem", r)
        check(r["read"]["restricted"] and {u["account_id"] for u in r["read"]["users"]} == emu.restricted_to(incident, "read") == {bob}, r)
        check(r["read"]["users"][0]["display_name"] == "Bob Builder" and "Read: only Bob Builder" in text, text)
        check(not r["update"]["restricted"] and r["update"]["users"] == [], r["update"])
        adr = emu.page_id("ENG", "Architecture Decision Records")
        r, text = await a.call("get_page_restrictions", {"content_id": adr})
        check(not r["read"]["restricted"] and "Read: not restricted" in text, r)
        check({u["account_id"] for u in r["update"]["users"]} == emu.restricted_to(adr, "update") == {bob}, r)
        # A blog post has restrictions too (none in the seed).
        eng = emu.space_id("ENG")
        post = emu.get(f"/api/v2/spaces/{eng}/blogposts")["results"][0]
        r, _ = await a.call("get_page_restrictions", {"content_id": post["id"]})
        check(r["content_type"] == "blogpost" and r["title"] == post["title"], r)
        check(not r["read"]["restricted"] and not r["update"]["restricted"], r)
        # Outside support-bot's spaces: not found, even though its connection could see it.
        salary = emu.page_id("HR", "Salary bands 2026")
        _, hidden = await a.call("get_page_restrictions", {"content_id": salary}, expect_error=True)
        check("Not found" in hidden and "outside the spaces this agent may use" in hidden, hidden)
        _, missing = await a.call("get_page_restrictions", {"content_id": "999999999"}, expect_error=True)
        check("Not found" in missing, missing)

    return flow


def auditor_flow(info):
    async def flow(session):
        a = Agent(session)
        emu = Emulator(info)
        salary = emu.page_id("HR", "Salary bands 2026")
        r, _ = await a.call("get_page_restrictions", {"content_id": salary})
        carol = account(info, "carol@example.com")
        check({u["account_id"] for u in r["read"]["users"]} == emu.restricted_to(salary, "read") == {carol}, r)
        check({u["account_id"] for u in r["update"]["users"]} == {carol}, r)
        user, _ = await a.call("get_user", {"account_id": carol})
        check(user["display_name"] == "Carol People", user)

    return flow


async def run(info):
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), reader_flow(info))
    await with_session(server_url(info, "readonly"), agent_key(info, "auditor"), auditor_flow(info))
