//! Excel workbooks: each sheet (named in `xl/workbook.xml`, located through its
//! relationships) as a `## Sheet` heading and a Markdown table whose first row is the header.
//! Shared strings, inline strings, booleans, errors and numbers as written; formulas show
//! their cached values. Cells are placed by their reference (`C7`), so gaps stay gaps.

use std::collections::HashMap;

use super::{Ev, Package, Xml, attr, local};
use crate::extract::table::Table;
use crate::extract::{ExtractError, Extracted, Format, Limits};

const FORMAT: Format = Format::Xlsx;

struct SheetRef {
    name: String,
    part: String,
}

/// A workbook as Markdown.
pub fn xlsx(data: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut package = Package::open(data, FORMAT, limits)?;
    let workbook = package.required("xl/workbook.xml")?;
    let rels = match package.part("xl/_rels/workbook.xml.rels")? {
        Some(xml) => relationships(&xml, limits)?,
        None => HashMap::new(),
    };
    let sheets = sheet_list(&workbook, &rels, limits)?;
    let shared = match package.part("xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml, limits)?,
        None => Vec::new(),
    };
    let mut out = String::new();
    let mut notes = Vec::new();
    if sheets.len() > limits.max_sheets {
        notes.push(format!(
            "only the first {} of {} sheets are shown",
            limits.max_sheets,
            sheets.len()
        ));
    }
    for sheet in sheets.iter().take(limits.max_sheets) {
        if out.len() > limits.max_output_bytes {
            break;
        }
        out.push_str(&format!("## {}\n\n", sheet.name));
        let Some(xml) = package.part(&sheet.part)? else {
            out.push_str("(this sheet's data is missing from the file)\n\n");
            continue;
        };
        let table = sheet_table(&xml, &shared, limits)?;
        if table.is_empty() {
            out.push_str("(empty sheet)\n\n");
            continue;
        }
        let (md, note) = table.render(limits, &format!("sheet {}", sheet.name));
        notes.extend(note);
        out.push_str(&md);
        out.push('\n');
    }
    Ok(Extracted {
        text: out.trim_end().to_owned(),
        notes,
    })
}

/// Relationship id → package part (`rId1` → `xl/worksheets/sheet1.xml`).
fn relationships(xml: &str, limits: &Limits) -> Result<HashMap<String, String>, ExtractError> {
    let mut map = HashMap::new();
    let mut reader = Xml::new(xml, FORMAT, limits);
    while let Some(ev) = reader.next()? {
        if let Ev::Start(tag) = ev
            && local(&tag) == "Relationship"
            && let (Some(id), Some(target)) = (attr(&tag, "Id"), attr(&tag, "Target"))
        {
            map.insert(id, resolve_target(&target));
        }
    }
    Ok(map)
}

/// A relationship target relative to `xl/` (or absolute from the package root) as a part name.
fn resolve_target(target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        vec!["xl"]
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn sheet_list(
    xml: &str,
    rels: &HashMap<String, String>,
    limits: &Limits,
) -> Result<Vec<SheetRef>, ExtractError> {
    let mut sheets = Vec::new();
    let mut reader = Xml::new(xml, FORMAT, limits);
    while let Some(ev) = reader.next()? {
        if let Ev::Start(tag) = ev
            && local(&tag) == "sheet"
        {
            let n = sheets.len() + 1;
            let name = attr(&tag, "name").unwrap_or_else(|| format!("Sheet{n}"));
            // The relationship id is `r:id` (any prefix); without rels, Excel's default names.
            let part = attr(&tag, "id")
                .and_then(|id| rels.get(&id).cloned())
                .unwrap_or_else(|| format!("xl/worksheets/sheet{n}.xml"));
            sheets.push(SheetRef { name, part });
        }
    }
    Ok(sheets)
}

/// The shared-string table: the text of each `<si>`, runs joined, phonetic hints skipped.
fn shared_strings(xml: &str, limits: &Limits) -> Result<Vec<String>, ExtractError> {
    let mut strings = Vec::new();
    let mut reader = Xml::new(xml, FORMAT, limits);
    let mut current: Option<String> = None;
    let mut in_text = false;
    let mut phonetic = 0usize;
    while let Some(ev) = reader.next()? {
        match ev {
            Ev::Start(tag) => match local(&tag) {
                "si" => current = Some(String::new()),
                "t" => in_text = true,
                "rPh" => phonetic += 1,
                _ => {}
            },
            Ev::Text(text) => {
                if in_text
                    && phonetic == 0
                    && let Some(s) = current.as_mut()
                {
                    s.push_str(&text);
                }
            }
            Ev::End(name) => match name.as_str() {
                "si" => strings.push(current.take().unwrap_or_default()),
                "t" => in_text = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
        }
    }
    Ok(strings)
}

/// Column index of a cell reference (`A1` → 0, `AB12` → 27); `None` without letters.
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .take(3)
        .collect();
    if letters.is_empty() {
        return None;
    }
    let mut n = 0usize;
    for b in letters {
        n = n * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    Some(n - 1)
}

fn sheet_table(xml: &str, shared: &[String], limits: &Limits) -> Result<Table, ExtractError> {
    let mut table = Table::new();
    let mut reader = Xml::new(xml, FORMAT, limits);
    let mut row: Option<Vec<String>> = None;
    let mut widest = 0usize;
    // The cell being read: column, type, value text.
    let mut cell: Option<(usize, String, String)> = None;
    let mut in_value = false;
    let mut phonetic = 0usize;
    while let Some(ev) = reader.next()? {
        match ev {
            Ev::Start(tag) => match local(&tag) {
                "row" => row = Some(Vec::new()),
                "c" => {
                    let next = row.as_ref().map_or(0, Vec::len);
                    let column = attr(&tag, "r").and_then(|r| column_of(&r)).unwrap_or(next);
                    let kind = attr(&tag, "t").unwrap_or_default();
                    cell = Some((column, kind, String::new()));
                }
                "v" | "t" => in_value = true,
                "rPh" => phonetic += 1,
                _ => {}
            },
            Ev::Text(text) => {
                if in_value
                    && phonetic == 0
                    && let Some((_, _, value)) = cell.as_mut()
                {
                    value.push_str(&text);
                }
            }
            Ev::End(name) => match name.as_str() {
                "v" | "t" => in_value = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "c" => {
                    if let (Some((column, kind, value)), Some(cells)) = (cell.take(), row.as_mut())
                    {
                        widest = widest.max(column + 1);
                        // Columns past the limit are counted for the note, never stored.
                        if column < limits.max_table_columns {
                            if cells.len() <= column {
                                cells.resize(column + 1, String::new());
                            }
                            cells[column] = cell_text(&kind, value, shared);
                        }
                    }
                }
                "row" => {
                    if let Some(cells) = row.take()
                        && cells.iter().any(|c| !c.is_empty())
                    {
                        table.push(cells, limits);
                    }
                }
                _ => {}
            },
        }
    }
    table.note_width(widest);
    Ok(table)
}

fn cell_text(kind: &str, value: String, shared: &[String]) -> String {
    match kind {
        "s" => value
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| shared.get(i).cloned())
            .unwrap_or_default(),
        "b" => match value.trim() {
            "1" => "TRUE".to_owned(),
            "0" => "FALSE".to_owned(),
            other => other.to_owned(),
        },
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::package;
    use super::*;

    const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

    fn workbook(sheets: &[(&str, &str)], shared: Option<&str>) -> Vec<u8> {
        let entries: String = sheets
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                format!(
                    r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
                    i + 1,
                    i + 1
                )
            })
            .collect();
        let rels: String = sheets
            .iter()
            .enumerate()
            .map(|(i, _)| {
                format!(
                    r#"<Relationship Id="rId{}" Type="worksheet" Target="/xl/worksheets/data{}.xml"/>"#,
                    i + 1,
                    i + 1
                )
            })
            .collect();
        let workbook = format!("<workbook {NS}><sheets>{entries}</sheets></workbook>");
        let rels = format!("<Relationships>{rels}</Relationships>");
        let names: Vec<String> = (1..=sheets.len())
            .map(|i| format!("xl/worksheets/data{i}.xml"))
            .collect();
        let bodies: Vec<String> = sheets
            .iter()
            .map(|(_, rows)| format!("<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>"))
            .collect();
        let mut parts = vec![
            ("xl/workbook.xml", workbook.as_str()),
            ("xl/_rels/workbook.xml.rels", rels.as_str()),
        ];
        for (name, body) in names.iter().zip(&bodies) {
            parts.push((name.as_str(), body.as_str()));
        }
        if let Some(s) = shared {
            parts.push(("xl/sharedStrings.xml", s));
        }
        package(&parts)
    }

    #[test]
    fn sheets_become_tables_with_every_cell_type() {
        let shared = format!(
            r#"<sst {NS}><si><t>Name</t></si><si><t>Score</t></si><si><r><t>Ada </t></r><r><t>L.</t></r><rPh><t>ada</t></rPh></si></sst>"#
        );
        let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Passed</t></is></c></row>
            <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><f>40+2</f><v>42</v></c><c r="C2" t="b"><v>1</v></c></row>
            <row r="3"><c r="A3" t="str"><v>x|y</v></c><c r="C3" t="e"><v>#DIV/0!</v></c></row>
            <row r="4"/>"#;
        let book = workbook(&[("Results", rows), ("Empty", "")], Some(&shared));
        let out = xlsx(&book, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out.text,
            "## Results\n\n| Name | Score | Passed |\n|---|---|---|\n| Ada L. | 42 | TRUE |\n| x\\|y |  | #DIV/0! |\n\n## Empty\n\n(empty sheet)"
        );
        assert!(out.notes.is_empty());
    }

    #[test]
    fn far_columns_and_many_rows_are_bounded() {
        let mut rows = String::from(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c><c r="XFD1"><v>9</v></c></row>"#,
        );
        for i in 2..=1_000 {
            rows.push_str(&format!(r#"<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>"#));
        }
        let book = workbook(&[("Big", &rows)], None);
        let limits = Limits {
            max_table_rows: 10,
            ..Limits::default()
        };
        let out = xlsx(&book, &limits).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.text.contains("| 11 |"), "{}", out.text);
        assert!(!out.text.contains("| 12 |"));
        assert!(out.text.len() < 5_000, "{}", out.text.len());
        let note = out.notes.join(" ");
        assert!(
            note.contains("10 of 999 data rows") && note.contains("1 of 16384 columns"),
            "{note}"
        );
    }

    #[test]
    fn the_demo_seed_workbooks_read() {
        use confluence_emulator::seed::files::{Cell, Sheet, xlsx as build};
        let book = build(
            "Rotation",
            "Alice",
            &[Sheet {
                name: "Q3".into(),
                rows: vec![
                    vec![Cell::Text("Week".into()), Cell::Text("Primary".into())],
                    vec![Cell::Num(27.0), Cell::Text("Ravi & Mei".into())],
                ],
            }],
        );
        let out = xlsx(&book, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out.text,
            "## Q3\n\n| Week | Primary |\n|---|---|\n| 27 | Ravi & Mei |"
        );
    }

    #[test]
    fn column_references() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("AB12"), Some(27));
        assert_eq!(column_of("XFD1"), Some(16383));
        assert_eq!(column_of("12"), None);
        assert_eq!(
            resolve_target("worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve_target("/xl/a/../b.xml"), "xl/b.xml");
    }
}
