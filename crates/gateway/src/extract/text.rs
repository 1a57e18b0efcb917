//! Text formats: plain text and Markdown as they are, CSV as a Markdown table, JSON
//! pretty-printed. Decoding accepts UTF-8 (with or without a byte-order mark) and UTF-16 with a
//! byte-order mark; anything else that is not mostly text is refused rather than shown as noise.

use super::table::Table;
use super::{ExtractError, Extracted, Format, Limits};

/// The text of a file that should be text.
pub fn decode(data: &[u8], format: Format) -> Result<String, ExtractError> {
    let text = if let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = data.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = data.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else {
        match std::str::from_utf8(data) {
            Ok(s) => s.to_owned(),
            Err(_) => {
                // Latin-1 and friends still read mostly right lossily; binary does not.
                let sample = &data[..data.len().min(8192)];
                let controls = sample.iter().filter(|b| **b == 0 || (**b < 0x09)).count();
                if controls * 100 > sample.len().max(1) {
                    return Err(ExtractError::malformed(
                        format,
                        "the file holds binary data, not text",
                    ));
                }
                String::from_utf8_lossy(data).into_owned()
            }
        }
    };
    Ok(normalize_newlines(&text))
}

fn utf16(data: &[u8], word: fn([u8; 2]) -> u16) -> String {
    let units = data.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn normalize_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    }
}

/// Plain text and Markdown, decoded.
pub fn plain(data: &[u8], format: Format) -> Result<Extracted, ExtractError> {
    Ok(Extracted {
        text: decode(data, format)?,
        notes: Vec::new(),
    })
}

/// JSON, pretty-printed; JSON that does not parse is shown as it is, with a note.
pub fn json(data: &[u8]) -> Result<Extracted, ExtractError> {
    let text = decode(data, Format::Json)?;
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => Ok(Extracted {
            text: serde_json::to_string_pretty(&value).unwrap_or(text),
            notes: Vec::new(),
        }),
        Err(e) => Ok(Extracted {
            text,
            notes: vec![format!(
                "the file is not valid JSON ({e}); it is shown as it is"
            )],
        }),
    }
}

/// CSV (or TSV, or semicolon-separated) as a Markdown table with the first row as header.
pub fn csv(data: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let text = decode(data, Format::Csv)?;
    let delimiter = sniff_delimiter(&text);
    let mut table = Table::new();
    let mut unterminated = false;
    parse_csv(
        &text,
        delimiter,
        |row| table.push(row, limits),
        &mut unterminated,
    );
    let mut notes = Vec::new();
    if table.is_empty() {
        return Ok(Extracted {
            text: String::new(),
            notes,
        });
    }
    let (md, note) = table.render(limits, "the CSV file");
    notes.extend(note);
    if unterminated {
        notes
            .push("the CSV file ends inside a quoted field; its last row may be incomplete".into());
    }
    Ok(Extracted { text: md, notes })
}

/// Comma, semicolon or tab: whichever the first line uses most (comma when none).
fn sniff_delimiter(text: &str) -> char {
    let first = text.lines().next().unwrap_or_default();
    let count = |c: char| first.chars().filter(|x| *x == c).count();
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|c| (count(*c), *c == ','))
        .unwrap_or(',')
}

/// RFC 4180 parsing, tolerant: quotes only open at a field's start, `""` inside quotes is a
/// quote, a stray quote elsewhere is text, and an unterminated quote ends at the end of input.
fn parse_csv(text: &str, delimiter: char, mut on_row: impl FnMut(Vec<String>), open: &mut bool) {
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if in_quotes {
            if ch == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(ch);
            }
            continue;
        }
        match ch {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            c if c == delimiter => {
                row.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\n' => {
                row.push(std::mem::take(&mut field));
                let done = std::mem::take(&mut row);
                if !(done.len() == 1 && done[0].is_empty()) {
                    on_row(done);
                }
                at_field_start = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    *open = in_quotes;
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        on_row(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_text(input: &str) -> Extracted {
        csv(input.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn csv_becomes_a_table_with_quotes_and_newlines_handled() {
        let out = csv_text("name,notes\r\n\"Lee, M\",\"said \"\"hi\"\"\nthen left\"\nAda,|pipe|\n");
        assert_eq!(
            out.text,
            "| name | notes |\n|---|---|\n| Lee, M | said \"hi\"<br>then left |\n| Ada | \\|pipe\\| |\n"
        );
        assert!(out.notes.is_empty());
    }

    #[test]
    fn semicolons_and_tabs_are_sniffed() {
        assert!(csv_text("a;b\n1;2\n").text.contains("| 1 | 2 |"));
        assert!(csv_text("a\tb\n1\t2\n").text.contains("| 1 | 2 |"));
    }

    #[test]
    fn long_csv_is_bounded_with_a_note() {
        let mut input = String::from("n,square\n");
        for i in 0..2_000 {
            input.push_str(&format!("{i},{}\n", i * i));
        }
        let out = csv_text(&input);
        assert!(out.text.contains("| 499 | 249001 |"));
        assert!(!out.text.contains("| 500 |"));
        assert!(
            out.notes[0].contains("500 of 2000 data rows"),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn unterminated_quotes_and_empty_files_do_not_fail() {
        let out = csv_text("a,b\n1,\"open");
        assert!(out.text.contains("| 1 | open |"), "{}", out.text);
        assert!(out.notes.iter().any(|n| n.contains("quoted field")));
        assert_eq!(csv_text("").text, "");
    }

    #[test]
    fn json_is_pretty_printed_and_bad_json_shown_as_is() {
        let out = json(br#"{"a":[1,2],"b":{"c":"d"}}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.text.contains("\"a\": [\n    1,"), "{}", out.text);
        let bad = json(b"{\"a\": ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bad.text, "{\"a\": ");
        assert!(bad.notes[0].contains("not valid JSON"));
        // Nesting deeper than serde_json's recursion limit is an ordinary parse error.
        let deep = "[".repeat(100_000);
        let deep = json(deep.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(deep.notes[0].contains("not valid JSON"));
    }

    #[test]
    fn text_decodes_boms_and_refuses_binary() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFhi\r\nthere", Format::Text).unwrap_or_default(),
            "hi\nthere"
        );
        assert_eq!(
            decode(b"\xFF\xFEh\x00i\x00", Format::Text).unwrap_or_default(),
            "hi"
        );
        assert_eq!(
            decode(b"caf\xE9", Format::Text).unwrap_or_default(),
            "caf\u{FFFD}"
        );
        let binary = [0u8, 1, 2, 0xFF, 0, 0, 7, 0x80].repeat(100);
        let err = decode(&binary, Format::Text).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("binary"));
    }
}
