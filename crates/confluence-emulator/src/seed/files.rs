//! Real (if minimal) attachment files for the demo wiki: PDF 1.4, DOCX and XLSX (OOXML zip
//! packages) and PNG. Content-conversion and DLP code downstream opens these with real
//! parsers, so every offset, checksum and package part has to be right.

/// Media types the demo attachments use, as Confluence reports them.
pub const MEDIA_PDF: &str = "application/pdf";
pub const MEDIA_DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const MEDIA_XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const MEDIA_PNG: &str = "image/png";
pub const MEDIA_TXT: &str = "text/plain";
pub const MEDIA_MD: &str = "text/markdown";
pub const MEDIA_CSV: &str = "text/csv";
pub const MEDIA_JSON: &str = "application/json";

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

/// CRC-32 (IEEE), as zip and PNG use it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for b in data {
        c = CRC_TABLE[((c ^ u32::from(*b)) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

/// Escapes text for XML content and double-quoted attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

// ---- zip --------------------------------------------------------------------------------

/// A zip archive of stored (uncompressed) entries: all OOXML readers accept method 0.
struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// MS-DOS time and date of the seed epoch (2026-06-01 09:00), so archives are reproducible.
const DOS_TIME: u16 = 9 << 11;
const DOS_DATE: u16 = ((2026 - 1980) << 9) | (6 << 5) | 1;

impl ZipWriter {
    fn new() -> ZipWriter {
        ZipWriter {
            out: Vec::new(),
            central: Vec::new(),
            entries: 0,
        }
    }

    fn add(&mut self, name: &str, data: &[u8]) {
        let offset = self.out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        // Local file header.
        put32(&mut self.out, 0x0403_4b50);
        put16(&mut self.out, 20); // version needed
        put16(&mut self.out, 0); // flags
        put16(&mut self.out, 0); // method: stored
        put16(&mut self.out, DOS_TIME);
        put16(&mut self.out, DOS_DATE);
        put32(&mut self.out, crc);
        put32(&mut self.out, size);
        put32(&mut self.out, size);
        put16(&mut self.out, name_len);
        put16(&mut self.out, 0); // extra length
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(data);
        // Central directory record.
        let c = &mut self.central;
        put32(c, 0x0201_4b50);
        put16(c, 20); // version made by
        put16(c, 20); // version needed
        put16(c, 0);
        put16(c, 0);
        put16(c, DOS_TIME);
        put16(c, DOS_DATE);
        put32(c, crc);
        put32(c, size);
        put32(c, size);
        put16(c, name_len);
        put16(c, 0); // extra
        put16(c, 0); // comment
        put16(c, 0); // disk
        put16(c, 0); // internal attributes
        put32(c, 0); // external attributes
        put32(c, offset);
        c.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let cd_offset = self.out.len() as u32;
        let cd_size = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        put32(&mut self.out, 0x0605_4b50);
        put16(&mut self.out, 0);
        put16(&mut self.out, 0);
        put16(&mut self.out, self.entries);
        put16(&mut self.out, self.entries);
        put32(&mut self.out, cd_size);
        put32(&mut self.out, cd_offset);
        put16(&mut self.out, 0);
        self.out
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

// ---- PDF --------------------------------------------------------------------------------

/// A PDF 1.4 document with Helvetica text, 44 lines a page, and a correct xref table.
pub fn pdf(title: &str, lines: &[String]) -> Vec<u8> {
    const PER_PAGE: usize = 44;
    let pages: Vec<&[String]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(PER_PAGE).collect()
    };
    // Objects: 1 catalog, 2 pages, 3 font, 4 info, then (page, contents) pairs.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 5 + 2 * i))
        .collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.push(
        format!(
            "<< /Title ({}) /Producer (confluence-emulator demo seed) /CreationDate (D:20260601090000Z) >>",
            pdf_text(title)
        )
        .into_bytes(),
    );
    for (i, page_lines) in pages.iter().enumerate() {
        let mut content = String::from("BT\n/F1 16 Tf\n18 TL\n72 760 Td\n");
        if i == 0 {
            content.push_str(&format!("({}) Tj\nT*\n", pdf_text(title)));
        }
        content.push_str("/F1 11 Tf\n15 TL\n");
        for line in *page_lines {
            content.push_str(&format!("({}) Tj\nT*\n", pdf_text(line)));
        }
        content.push_str("ET\n");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"endstream");
        objects.push(stream);
    }
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
    // Each xref entry is exactly 20 bytes, including the two-byte line end.
    out.extend_from_slice(b"0000000000 65535 f \n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF literal string body: ASCII only, with `\`, `(` and `)` escaped.
fn pdf_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '(' | ')' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

// ---- DOCX -------------------------------------------------------------------------------

/// One paragraph of a Word document.
pub enum DocPara {
    Title(String),
    Heading(String),
    Text(String),
    Bullet(String),
}

const CORE_NS: &str = r#"xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn core_props(title: &str, author: &str) -> String {
    format!(
        r#"{XML_DECL}<cp:coreProperties {CORE_NS}><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2026-06-01T09:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-06-01T09:00:00Z</dcterms:modified></cp:coreProperties>"#,
        xml_escape(title),
        xml_escape(author)
    )
}

fn app_props() -> String {
    format!(
        r#"{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>confluence-emulator</Application></Properties>"#
    )
}

fn package_rels(main: &str, main_type: &str) -> String {
    format!(
        r#"{XML_DECL}<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/{main_type}" Target="{main}"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{DOC_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

/// A Word document: title, headings, body text and bullets, with a styles part.
pub fn docx(title: &str, author: &str, paras: &[DocPara]) -> Vec<u8> {
    let content_types = format!(
        r#"{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
    );
    let doc_rels = format!(
        r#"{XML_DECL}<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/styles" Target="styles.xml"/></Relationships>"#
    );
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let mut body = String::new();
    for para in paras {
        let (style, text) = match para {
            DocPara::Title(t) => (Some("Title"), t),
            DocPara::Heading(t) => (Some("Heading1"), t),
            DocPara::Text(t) => (None, t),
            DocPara::Bullet(t) => (Some("ListBullet"), t),
        };
        body.push_str("<w:p>");
        if let Some(style) = style {
            body.push_str(&format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#));
        }
        let shown = if matches!(para, DocPara::Bullet(_)) {
            format!("\u{2022} {text}")
        } else {
            text.clone()
        };
        body.push_str(&format!(
            r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            xml_escape(&shown)
        ));
    }
    let document = format!(
        r#"{XML_DECL}<w:document xmlns:w="{w}" xmlns:r="{DOC_REL}"><w:body>{body}<w:sectPr><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    let style = |id: &str, name: &str, size: u32, bold: bool| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/><w:rPr>{}<w:sz w:val="{size}"/></w:rPr></w:style>"#,
            if bold { "<w:b/>" } else { "" }
        )
    };
    let styles = format!(
        r#"{XML_DECL}<w:styles xmlns:w="{w}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:rPr><w:sz w:val="22"/></w:rPr></w:style>{}{}{}</w:styles>"#,
        style("Title", "Title", 40, true),
        style("Heading1", "heading 1", 30, true),
        style("ListBullet", "List Bullet", 22, false)
    );
    let mut zip = ZipWriter::new();
    zip.add("[Content_Types].xml", content_types.as_bytes());
    zip.add(
        "_rels/.rels",
        package_rels("word/document.xml", "officeDocument").as_bytes(),
    );
    zip.add("word/_rels/document.xml.rels", doc_rels.as_bytes());
    zip.add("word/document.xml", document.as_bytes());
    zip.add("word/styles.xml", styles.as_bytes());
    zip.add("docProps/core.xml", core_props(title, author).as_bytes());
    zip.add("docProps/app.xml", app_props().as_bytes());
    zip.finish()
}

// ---- XLSX -------------------------------------------------------------------------------

/// One spreadsheet cell.
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    Num(f64),
}

/// One worksheet: a name (≤ 31 characters) and rows; the first row is styled as a header.
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// An Excel workbook with inline strings (no shared-strings part) and a bold header style.
pub fn xlsx(title: &str, author: &str, sheets: &[Sheet]) -> Vec<u8> {
    let mut overrides = String::new();
    let mut sheet_entries = String::new();
    let mut sheet_rels = String::new();
    for i in 1..=sheets.len() {
        overrides.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
        sheet_rels.push_str(&format!(
            r#"<Relationship Id="rId{i}" Type="{DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>"#
        ));
    }
    for (i, sheet) in sheets.iter().enumerate() {
        sheet_entries.push_str(&format!(
            r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#,
            xml_escape(&sheet.name),
            i + 1,
            i + 1
        ));
    }
    let content_types = format!(
        r#"{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
    );
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let workbook = format!(
        r#"{XML_DECL}<workbook xmlns="{ns}" xmlns:r="{DOC_REL}"><sheets>{sheet_entries}</sheets></workbook>"#
    );
    let styles_rel = sheets.len() + 1;
    let workbook_rels = format!(
        r#"{XML_DECL}<Relationships xmlns="{REL_NS}">{sheet_rels}<Relationship Id="rId{styles_rel}" Type="{DOC_REL}/styles" Target="styles.xml"/></Relationships>"#
    );
    let styles = format!(
        r#"{XML_DECL}<styleSheet xmlns="{ns}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#
    );
    let mut zip = ZipWriter::new();
    zip.add("[Content_Types].xml", content_types.as_bytes());
    zip.add(
        "_rels/.rels",
        package_rels("xl/workbook.xml", "officeDocument").as_bytes(),
    );
    zip.add("xl/workbook.xml", workbook.as_bytes());
    zip.add("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes());
    zip.add("xl/styles.xml", styles.as_bytes());
    for (i, sheet) in sheets.iter().enumerate() {
        zip.add(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            worksheet(ns, &sheet.rows).as_bytes(),
        );
    }
    zip.add("docProps/core.xml", core_props(title, author).as_bytes());
    zip.add("docProps/app.xml", app_props().as_bytes());
    zip.finish()
}

fn worksheet(ns: &str, rows: &[Vec<Cell>]) -> String {
    let mut data = String::new();
    for (r, row) in rows.iter().enumerate() {
        data.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let reference = format!("{}{}", column_name(c), r + 1);
            let style = if r == 0 { r#" s="1""# } else { "" };
            match cell {
                Cell::Text(t) => data.push_str(&format!(
                    r#"<c r="{reference}"{style} t="inlineStr"><is><t>{}</t></is></c>"#,
                    xml_escape(t)
                )),
                Cell::Num(n) => {
                    data.push_str(&format!(r#"<c r="{reference}"{style}><v>{n}</v></c>"#))
                }
            }
        }
        data.push_str("</row>");
    }
    format!(r#"{XML_DECL}<worksheet xmlns="{ns}"><sheetData>{data}</sheetData></worksheet>"#)
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

// ---- PNG --------------------------------------------------------------------------------

/// An RGB PNG drawn as a simple box diagram: coloured boxes joined by a line on white.
pub fn png_diagram(width: u32, height: u32, boxes: &[(u32, u32, u32, u32, [u8; 3])]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            let mut px = [255u8, 255, 255];
            if y == height / 2 {
                px = [120, 120, 120];
            }
            for &(bx, by, bw, bh, colour) in boxes {
                if x >= bx && x < bx + bw && y >= by && y < by + bh {
                    px = colour;
                }
            }
            raw.extend_from_slice(&px);
        }
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc_input);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

/// A zlib stream of stored deflate blocks (no compression, always valid).
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(65_535).collect();
    if chunks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
    }
}
