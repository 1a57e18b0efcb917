"""The attachments toolset, end to end: list, get and read seeded files; upload csv, docx,
xlsx, pdf and text files (base64) and read each back; the upload cap, bad base64, DLP on
uploads, unsupported types, cursors, delete; and space scoping (support-bot vs an HR file)."""

import base64
import io
import zipfile

from sdk_common import Agent, agent_key, check, server_url, with_session

TOOLS = {"list_attachments", "get_attachment", "read_attachment", "upload_attachment", "delete_attachment"}
READ_TOOLS = {"list_attachments", "get_attachment", "read_attachment"}

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def b64(data):
    return base64.b64encode(data).decode()


def package(parts):
    """A zip package with deflated parts, as Office writes them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def make_docx():
    def para(text, style=None):
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"

    def cell(text):
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    table = "<w:tbl>" + "".join(
        f"<w:tr>{cell(a)}{cell(b)}</w:tr>" for a, b in [("Service", "Owner"), ("billing", "Team Atlas")]
    ) + "</w:tbl>"
    body = para("Rollout plan", "Heading1") + para("Ship on Tuesday after the freeze.") + table
    return package({
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": f"<w:document {W}><w:body>{body}</w:body></w:document>",
    })


def make_xlsx():
    shared = ["Region", "Revenue", "EMEA"]
    sst = f"<sst {S}>" + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>"
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1250.5</v></c></row>')
    return package({
        "xl/workbook.xml": f'<workbook {S}><sheets><sheet name="Q3 sales" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"<worksheet {S}><sheetData>{rows}</sheetData></worksheet>",
        "xl/sharedStrings.xml": sst,
    })


def make_pdf(lines):
    """A one-page PDF 1.4 with a text object and a correct cross-reference table."""
    content = "BT\n/F1 12 Tf\n14 TL\n72 720 Td\n" + "".join(f"({l}) Tj\nT*\n" for l in lines) + "ET\n"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}endstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


async def writer_flow(session):
    tools = (await session.list_tools()).tools
    by_name = {t.name: t for t in tools}
    check(TOOLS <= set(by_name), f"readwrite tools: {sorted(by_name)}")
    for name in TOOLS:
        t = by_name[name]
        check(t.outputSchema is not None and t.annotations is not None, f"{name} schema/annotations")
        check(t.annotations.readOnlyHint == (name in READ_TOOLS), f"{name} readOnlyHint")
    check(by_name["delete_attachment"].annotations.destructiveHint, "delete is destructive")
    check(not by_name["upload_attachment"].annotations.destructiveHint, "upload is not destructive")
    a = Agent(session)

    # A seeded page with seeded files: list, get, read (Markdown as it is).
    release = await find_page(session, "DOCS", "Release 4.3")
    listed, text = await a.call("list_attachments", {"page_id": release})
    names = {x["title"]: x for x in listed["attachments"]}
    check("changelog-4.3.md" in names, f"seeded attachments: {sorted(names)}")
    changelog = names["changelog-4.3.md"]
    check(changelog["media_type"] == "text/markdown" and changelog["file_size"] > 0, changelog)
    check(changelog["readable"] is True and changelog["page_id"] == release, changelog)
    check("changelog-4.3.md" in text, text[:300])
    got, text = await a.call("get_attachment", {"attachment_id": changelog["id"]})
    check(got["id"] == changelog["id"] and got["title"] == "changelog-4.3.md", got)
    check(got["file_size"] == changelog["file_size"], got)
    read, text = await a.call("read_attachment", {"attachment_id": changelog["id"]})
    check(read["format"] == "markdown", read["format"])
    check("# Changelog 4.3" in read["body"]["content"], read["body"])
    check("SCIM provisioning for Microsoft Entra ID" in read["body"]["content"], read["body"])
    check(read["body"]["next_offset"] is None, read["body"])

    # A seeded two-page PDF, page by page.
    guide = await find_page(session, "DOCS", "User Guide")
    files, _ = await a.call("list_attachments", {"page_id": guide})
    pdf = next(x for x in files["attachments"] if x["title"] == "user-guide-4.3.pdf")
    read, _ = await a.call("read_attachment", {"attachment_id": pdf["id"]})
    check(read["format"] == "pdf", read["format"])
    body = read["body"]["content"]
    check("## Page 1" in body and "Example Corp - internal document" in body, body[:300])
    page2, _ = await a.call("read_attachment", {"attachment_id": pdf["id"], "section": ["Page 2"]})
    check(page2["body"]["section"] == ["Page 2"] and page2["body"]["content"].strip(), page2["body"])

    # Uploads, each read back.
    rows = "region,revenue,owner\n" + "".join(f"R{i},{i * 100},team {i % 7}\n" for i in range(300))
    csv, text = await a.call("upload_attachment", {
        "page_id": release, "file_name": "regions.csv", "content_base64": b64(rows.encode()),
        "comment": "quarterly export"})
    check(csv["title"] == "regions.csv" and csv["media_type"] == "text/csv", csv)
    check(csv["file_size"] == len(rows.encode()) and csv["comment"] == "quarterly export", csv)
    back, _ = await a.call("read_attachment", {"attachment_id": csv["id"]})
    content = back["body"]["content"]
    check(back["format"] == "csv" and content.startswith("| region | revenue | owner |\n|---|---|---|\n"), content[:200])
    check("| R0 | 0 | team 0 |" in content, content[:300])
    # Windowing, as get_page does it.
    first, text = await a.call("read_attachment", {"attachment_id": csv["id"], "max_chars": 300})
    check(first["body"]["next_offset"] is not None and "offset=" in text, first["body"])
    second, _ = await a.call("read_attachment", {"attachment_id": csv["id"], "max_chars": 300,
                                                 "offset": first["body"]["next_offset"]})
    check(second["body"]["offset"] == first["body"]["next_offset"], second["body"])
    check(first["body"]["content"] + second["body"]["content"] == content[:len(first["body"]["content"]) + len(second["body"]["content"])],
          "windows do not continue each other")

    docx, _ = await a.call("upload_attachment", {
        "page_id": release, "file_name": "rollout.docx", "content_base64": b64(make_docx())})
    check(docx["media_type"].endswith("wordprocessingml.document"), docx)
    back, _ = await a.call("read_attachment", {"attachment_id": docx["id"]})
    check(back["body"]["content"] == "# Rollout plan\n\nShip on Tuesday after the freeze.\n\n"
          "| Service | Owner |\n|---|---|\n| billing | Team Atlas |", back["body"]["content"])

    xlsx, _ = await a.call("upload_attachment", {
        "page_id": release, "file_name": "sales.xlsx", "content_base64": b64(make_xlsx())})
    back, _ = await a.call("read_attachment", {"attachment_id": xlsx["id"]})
    check(back["format"] == "xlsx", back["format"])
    check(back["body"]["content"] == "## Q3 sales\n\n| Region | Revenue |\n|---|---|\n| EMEA | 1250.5 |",
          back["body"]["content"])

    pdf_bytes = make_pdf(["Incident review", "Root cause: expired certificate"])
    up, _ = await a.call("upload_attachment", {
        "page_id": release, "file_name": "review.pdf", "media_type": "application/pdf",
        "content_base64": b64(pdf_bytes)})
    back, _ = await a.call("read_attachment", {"attachment_id": up["id"]})
    check("Incident review" in back["body"]["content"], back["body"]["content"])
    check("Root cause: expired certificate" in back["body"]["content"], back["body"]["content"])

    # DLP inspects text uploads as outgoing content: the stored file is already redacted.
    secret_line = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n"
    leaked = ("# deploy notes\nuse the prod profile\naws_access_key_id = AKIAQ3EGZ7T4LMNX5VWP\n" + secret_line).encode()
    notes, _ = await a.call("upload_attachment", {
        "page_id": release, "file_name": "deploy-notes.txt", "content_base64": b64(leaked)})
    check(notes["file_size"] != len(leaked), f"upload was not redacted: {notes}")
    back, _ = await a.call("read_attachment", {"attachment_id": notes["id"]})
    check("AKIAQ3EGZ7T4LMNX5VWP" not in back["body"]["content"], back["body"]["content"])
    check("[REDACTED" in back["body"]["content"] and "use the prod profile" in back["body"]["content"],
          back["body"]["content"])

    # Errors: over the upload cap, bad base64, an unsupported type, an unknown cursor.
    big = b"x" * (2 * 1024 * 1024 + 4096)
    _, err = await a.call("upload_attachment", {
        "page_id": release, "file_name": "big.txt", "content_base64": b64(big)}, expect_error=True)
    check("Too large" in err and "max_upload_bytes" in err and "2.0 MB" in err, err)
    _, err = await a.call("upload_attachment", {
        "page_id": release, "file_name": "x.txt", "content_base64": "@@not base64@@"}, expect_error=True)
    check("content_base64" in err and "not valid base64" in err, err)
    png, _ = await a.call("upload_attachment", {
        "page_id": release, "file_name": "dot.png",
        "content_base64": b64(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")})
    check(png["media_type"] == "image/png" and png["readable"] is False, png)
    _, err = await a.call("read_attachment", {"attachment_id": png["id"]}, expect_error=True)
    check("cannot be read as text" in err and "txt, md, csv" in err and "pdf, docx, xlsx" in err, err)
    _, err = await a.call("list_attachments", {"page_id": release, "cursor": "garbage"}, expect_error=True)
    check("cursor" in err, err)

    # Cursors walk the whole list exactly once.
    seen, cursor = [], None
    while True:
        args = {"page_id": release, "limit": 2}
        if cursor:
            args["cursor"] = cursor
        part, _ = await a.call("list_attachments", args)
        check(len(part["attachments"]) <= 2, part)
        seen += [x["id"] for x in part["attachments"]]
        cursor = part["next_cursor"]
        if not cursor:
            break
    full, _ = await a.call("list_attachments", {"page_id": release, "limit": 100})
    check(seen == [x["id"] for x in full["attachments"]], (seen, full))
    check({csv["id"], docx["id"], xlsx["id"], up["id"], notes["id"], png["id"]} <= set(seen), seen)

    # Delete, then it is gone for get and read.
    deleted, _ = await a.call("delete_attachment", {"attachment_id": csv["id"]})
    check(deleted["status"] == "trashed" and deleted["id"] == csv["id"], deleted)
    _, gone = await a.call("get_attachment", {"attachment_id": csv["id"]}, expect_error=True)
    check("Not found" in gone, gone)
    _, gone = await a.call("read_attachment", {"attachment_id": csv["id"]}, expect_error=True)
    check("Not found" in gone, gone)
    after, _ = await a.call("list_attachments", {"page_id": release, "limit": 100})
    check(csv["id"] not in {x["id"] for x in after["attachments"]}, after)

    # docs-writer is scoped to DOCS: an ENG page's files are out of reach, even for upload.
    eng = await find_page(session, "ENG", "Architecture overview", expect_visible=False)
    check(eng is None, "docs-writer saw an ENG page")


async def find_page(session, space, title, expect_visible=True):
    """A page id by space and title (via search, not counted as an attachments call)."""
    result = await session.call_tool("search", {"cql": f'type = page AND space = {space} AND title = "{title}"'})
    if result.isError:
        check(not expect_visible, f"search for {title} failed")
        return None
    hits = result.structuredContent["results"]
    if not hits:
        check(not expect_visible, f"no page {title} in {space}")
        return None
    return hits[0]["id"]


hr_target = {}


async def auditor_flow(session):
    # The auditor sees every space: find an HR page and its files for the scope check.
    salary = await find_page(session, "HR", "Salary bands 2026")
    a = Agent(session)
    listed, _ = await a.call("list_attachments", {"page_id": salary})
    xlsx = next(x for x in listed["attachments"] if x["title"] == "salary-bands-2026.xlsx")
    hr_target.update(page=salary, attachment=xlsx["id"])


async def support_flow(session):
    tools = {t.name for t in (await session.list_tools()).tools}
    check(READ_TOOLS <= tools and not (TOOLS - READ_TOOLS) & tools, sorted(tools))
    a = Agent(session)
    # support-bot (ENG, DOCS) cannot reach an HR file by id, nor list the HR page.
    for tool in ("get_attachment", "read_attachment"):
        _, err = await a.call(tool, {"attachment_id": hr_target["attachment"]}, expect_error=True)
        check("Not found" in err and "outside the spaces" in err, err)
    _, err = await a.call("list_attachments", {"page_id": hr_target["page"]}, expect_error=True)
    check("Not found" in err, err)
    # In scope: an ENG runbook's CSV reads as a table.
    failover = await find_page(session, "ENG", "PostgreSQL failover runbook")
    listed, _ = await a.call("list_attachments", {"page_id": failover})
    lag = next(x for x in listed["attachments"] if x["title"] == "replication-lag.csv")
    read, _ = await a.call("read_attachment", {"attachment_id": lag["id"]})
    check(read["body"]["content"].startswith("| timestamp | host | lag_seconds |"), read["body"]["content"][:200])
    # Writes are not offered on the read-only server.
    try:
        await session.call_tool("upload_attachment", {"page_id": "1", "file_name": "a.txt", "content_base64": "YQ=="})
        check(False, "upload_attachment on the read-only server succeeded")
    except Exception as e:  # McpError
        check("not available on server 'readonly'" in str(e), str(e))


async def run(info):
    await with_session(server_url(info, "readwrite"), agent_key(info, "docs-writer"), writer_flow)
    await with_session(server_url(info, "readonly"), agent_key(info, "auditor"), auditor_flow)
    await with_session(server_url(info, "readonly"), agent_key(info, "support-bot"), support_flow)
