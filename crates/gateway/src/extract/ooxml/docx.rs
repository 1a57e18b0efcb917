//! Word documents: `word/document.xml` paragraph by paragraph. Headings (by style, resolved
//! through `word/styles.xml` so localized style ids work, or by outline level) become `#`
//! headings, list paragraphs `- ` items, tables Markdown tables; deleted text from tracked
//! changes and field codes are left out.

use std::collections::HashMap;

use super::{Ev, Package, Xml, attr, local};
use crate::extract::table::Table;
use crate::extract::{Extracted, Format, Limits};

const FORMAT: Format = Format::Docx;
/// Tables nested deeper than this are read as text.
const MAX_TABLE_NESTING: usize = 8;

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline_level: Option<usize>,
    numbered: bool,
}

struct TableState {
    table: Table,
    row: Vec<String>,
    cell: Option<String>,
}

/// A Word document as Markdown.
pub fn docx(data: &[u8], limits: &Limits) -> Result<Extracted, crate::extract::ExtractError> {
    let mut package = Package::open(data, FORMAT, limits)?;
    let document = package.required("word/document.xml")?;
    let styles = match package.part("word/styles.xml")? {
        Some(xml) => heading_styles(&xml, limits)?,
        None => HashMap::new(),
    };
    let mut xml = Xml::new(&document, FORMAT, limits);
    let mut out = String::new();
    let mut notes = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<TableState> = Vec::new();
    let mut ignored_tables = 0usize;
    let mut tables_done = 0usize;
    // Inside <w:t> (text to keep) and inside <w:del>/<w:instrText> (text to drop).
    let mut in_text = false;
    let mut dropped = 0usize;
    while let Some(ev) = xml.next()? {
        if out.len() > limits.max_output_bytes {
            break;
        }
        match ev {
            Ev::Start(tag) => match local(&tag) {
                "p" => paras.push(Para::default()),
                "pStyle" => {
                    if let Some(p) = paras.last_mut() {
                        p.style = attr(&tag, "val");
                    }
                }
                "outlineLvl" => {
                    if let Some(p) = paras.last_mut() {
                        p.outline_level = attr(&tag, "val")
                            .and_then(|v| v.parse::<usize>().ok())
                            .filter(|l| *l < 9)
                            .map(|l| l + 1);
                    }
                }
                "numPr" => {
                    if let Some(p) = paras.last_mut() {
                        p.numbered = true;
                    }
                }
                "t" => in_text = true,
                "del" | "instrText" | "delText" => dropped += 1,
                "tab" if dropped == 0 => push_text(&mut paras, "\t"),
                "br" | "cr" if dropped == 0 => push_text(&mut paras, "\n"),
                "tbl" if tables.len() >= MAX_TABLE_NESTING => ignored_tables += 1,
                "tbl" => tables.push(TableState {
                    table: Table::new(),
                    row: Vec::new(),
                    cell: None,
                }),
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.row.clear();
                    }
                }
                "tc" => {
                    if let Some(t) = tables.last_mut() {
                        t.cell = Some(String::new());
                    }
                }
                _ => {}
            },
            Ev::Text(text) => {
                if in_text && dropped == 0 {
                    push_text(&mut paras, &text);
                }
            }
            Ev::End(name) => match name.as_str() {
                "t" => in_text = false,
                "del" | "instrText" | "delText" => dropped = dropped.saturating_sub(1),
                "p" => {
                    if let Some(para) = paras.pop() {
                        let line = render_para(para, &styles);
                        emit(&mut out, &mut tables, &line);
                    }
                }
                "tc" => {
                    if let Some(t) = tables.last_mut()
                        && let Some(cell) = t.cell.take()
                    {
                        t.row.push(cell.trim().to_owned());
                    }
                }
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.row);
                        t.table.push(row, limits);
                    }
                }
                "tbl" if ignored_tables > 0 => ignored_tables -= 1,
                "tbl" => {
                    if let Some(t) = tables.pop() {
                        tables_done += 1;
                        let (md, note) = t.table.render(limits, &format!("table {tables_done}"));
                        notes.extend(note);
                        if tables.is_empty() {
                            out.push_str(&md);
                            out.push('\n');
                        } else {
                            let flat: Vec<&str> =
                                md.lines().filter(|l| !l.starts_with("|---")).collect();
                            emit(&mut out, &mut tables, &flat.join("\n"));
                        }
                    }
                }
                _ => {}
            },
        }
    }
    Ok(Extracted {
        text: out.trim_end().to_owned(),
        notes,
    })
}

fn push_text(paras: &mut [Para], text: &str) {
    if let Some(p) = paras.last_mut() {
        p.text.push_str(text);
    }
}

/// A finished paragraph (or flattened inner table) goes into the open table cell, or into
/// the document as its own block.
fn emit(out: &mut String, tables: &mut [TableState], line: &str) {
    if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
        if !line.is_empty() {
            if !cell.is_empty() {
                cell.push('\n');
            }
            cell.push_str(line);
        }
        return;
    }
    if line.is_empty() {
        return;
    }
    // Consecutive list items form one list.
    let previous = out.trim_end().rsplit('\n').next().unwrap_or_default();
    if line.starts_with("- ") && previous.starts_with("- ") && out.ends_with("\n\n") {
        out.pop();
    }
    out.push_str(line);
    out.push_str("\n\n");
}

fn render_para(para: Para, styles: &HashMap<String, StyleKind>) -> String {
    let text = para.text.trim();
    if text.is_empty() {
        return String::new();
    }
    let kind = para
        .style
        .as_deref()
        .and_then(|id| styles.get(id).copied().or_else(|| style_kind(id)));
    match (kind, para.outline_level) {
        (Some(StyleKind::Heading(level)), _) | (None, Some(level)) => {
            format!("{} {}", "#".repeat(level.clamp(1, 6)), one_line(text))
        }
        (Some(StyleKind::List), _) => format!("- {}", strip_bullet(text)),
        _ if para.numbered => format!("- {}", strip_bullet(text)),
        _ => text.to_owned(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Documents often type the bullet themselves; the Markdown marker replaces it.
fn strip_bullet(text: &str) -> &str {
    text.trim_start_matches(['•', '·', '◦', '▪', '-', '*'])
        .trim_start()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StyleKind {
    Heading(usize),
    List,
}

/// What a style name or id says: `heading 2`/`Heading2` → heading 2, `Title` → heading 1,
/// `List Bullet`/`ListParagraph` → list item.
fn style_kind(name: &str) -> Option<StyleKind> {
    let lower = name.to_ascii_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "title" {
        return Some(StyleKind::Heading(1));
    }
    if let Some(level) = compact.strip_prefix("heading") {
        return level.parse::<usize>().ok().map(StyleKind::Heading);
    }
    compact.starts_with("list").then_some(StyleKind::List)
}

/// Style id → kind, for the styles whose built-in name says heading or list (Word writes
/// English built-in names even when the ids are localized, e.g. `berschrift1`).
fn heading_styles(
    xml: &str,
    limits: &Limits,
) -> Result<HashMap<String, StyleKind>, crate::extract::ExtractError> {
    let mut map = HashMap::new();
    let mut reader = Xml::new(xml, FORMAT, limits);
    let mut current: Option<String> = None;
    while let Some(ev) = reader.next()? {
        match ev {
            Ev::Start(tag) => match local(&tag) {
                "style" => current = attr(&tag, "styleId"),
                "name" => {
                    if let (Some(id), Some(name)) = (&current, attr(&tag, "val"))
                        && let Some(kind) = style_kind(&name)
                    {
                        map.insert(id.clone(), kind);
                    }
                }
                _ => {}
            },
            Ev::End(name) if name == "style" => current = None,
            _ => {}
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::super::testing::package;
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn para(style: Option<&str>, text: &str) -> String {
        let ppr = style
            .map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#))
            .unwrap_or_default();
        format!(r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
    }

    fn doc(body: &str, styles: Option<&str>) -> Vec<u8> {
        let document = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let mut parts = vec![("word/document.xml", document.as_str())];
        if let Some(s) = styles {
            parts.push(("word/styles.xml", s));
        }
        package(&parts)
    }

    #[test]
    fn headings_lists_paragraphs_and_tables() {
        let styles = format!(
            r#"<w:styles {W}><w:style w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style></w:styles>"#
        );
        let table = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Step</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Owner</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Promote</w:t></w:r></w:p><w:p><w:r><w:t>then verify</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>on|call</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let body = [
            para(Some("Title"), "Onboarding"),
            para(Some("berschrift1"), "First   week"),
            para(None, "Welcome &amp; hello."),
            para(Some("ListBullet"), "\u{2022} Laptop"),
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>Badge</w:t><w:tab/><w:t>desk</w:t></w:r></w:p>"#.to_owned(),
            r#"<w:p><w:r><w:t>kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>"#.to_owned(),
            table.to_owned(),
            para(Some("Heading2"), "After"),
        ]
        .concat();
        let out =
            docx(&doc(&body, Some(&styles)), &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out.text,
            "# Onboarding\n\n# First week\n\nWelcome & hello.\n\n- Laptop\n- Badge\tdesk\n\nkept\n\n\
             | Step | Owner |\n|---|---|\n| Promote<br>then verify | on\\|call |\n\n## After"
        );
        assert!(out.notes.is_empty());
    }

    #[test]
    fn nested_tables_flatten_into_their_cell() {
        let inner =
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>in</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let body = format!(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p>{inner}</w:tc></w:tr></w:tbl>"#
        );
        let out = docx(&doc(&body, None), &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.text, "| outer<br>\\| in \\| |\n|---|");
    }

    #[test]
    fn the_demo_seed_documents_read() {
        let body = confluence_emulator::seed::files::docx(
            "Mutual NDA",
            "Alice",
            &[
                confluence_emulator::seed::files::DocPara::Title("Mutual NDA".into()),
                confluence_emulator::seed::files::DocPara::Heading("1. Purpose".into()),
                confluence_emulator::seed::files::DocPara::Text("The parties <agree>.".into()),
                confluence_emulator::seed::files::DocPara::Bullet("No sharing".into()),
            ],
        );
        let out = docx(&body, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out.text,
            "# Mutual NDA\n\n# 1. Purpose\n\nThe parties <agree>.\n\n- No sharing"
        );
    }
}
