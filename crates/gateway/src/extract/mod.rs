//! Text out of attachment files, as Markdown a model can read: plain text and Markdown as
//! they are, CSV as a table, JSON pretty-printed, HTML with its headings, lists and tables,
//! Word documents (docx) with headings and tables, Excel workbooks (xlsx) one table per
//! sheet, and PDF text page by page (cargo feature `pdf`).
//!
//! Every input is hostile until proven otherwise: files come from anyone who can attach to a
//! page. So every extractor is bounded ([`Limits`]: output size, table rows and columns, zip
//! entries and unpacked bytes, XML depth, PDF pages) and fails with an [`ExtractError`] that
//! says what was wrong, never with a panic. [`extract`] is synchronous and CPU-bound; the
//! gateway runs it on a blocking thread, which also contains a panic from a parser.

mod html;
mod ooxml;
#[cfg(feature = "pdf")]
mod pdf;
mod table;
mod text;

use std::fmt;

use serde::Serialize;

/// A file format the extractors understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Csv,
    Json,
    Html,
    Pdf,
    Docx,
    Xlsx,
}

/// The formats `read_attachment` accepts, as named in errors and documentation.
pub const SUPPORTED: &str = "txt, md, csv (and tsv), json, html, pdf, docx, xlsx";

impl Format {
    /// The format of a file, from its name's extension first (Confluence often reports
    /// `application/octet-stream`), then from its media type. `None`: not supported.
    pub fn detect(file_name: &str, media_type: Option<&str>) -> Option<Format> {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase());
        if let Some(format) = ext.as_deref().and_then(Format::from_extension) {
            return Some(format);
        }
        media_type.and_then(Format::from_media_type)
    }

    fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext {
            "txt" | "text" | "log" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "csv" | "tsv" => Format::Csv,
            "json" => Format::Json,
            "html" | "htm" | "xhtml" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    fn from_media_type(media_type: &str) -> Option<Format> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Some(match essence.as_str() {
            "text/markdown" | "text/x-markdown" => Format::Markdown,
            "text/csv" | "text/tab-separated-values" => Format::Csv,
            "application/json" => Format::Json,
            "text/html" | "application/xhtml+xml" => Format::Html,
            "application/pdf" => Format::Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Format::Docx
            }
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Format::Xlsx,
            m if m.ends_with("+json") => Format::Json,
            m if m.starts_with("text/") => Format::Text,
            _ => return None,
        })
    }

    /// Whether files of this format are text (DLP can inspect and redact them as they are).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Format::Text | Format::Markdown | Format::Csv | Format::Json | Format::Html
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bounds on what one extraction may produce or unpack.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Extracted text beyond this many bytes is cut off (with a note).
    pub max_output_bytes: usize,
    /// Rows shown per table (CSV, each sheet, each HTML/Word table).
    pub max_table_rows: usize,
    /// Columns shown per table.
    pub max_table_columns: usize,
    /// Characters shown per table cell.
    pub max_cell_chars: usize,
    /// Entries a docx/xlsx zip may list.
    pub max_zip_entries: usize,
    /// Bytes all parts read from one docx/xlsx may unpack to (zip bomb guard).
    pub max_unzipped_bytes: u64,
    /// Element nesting depth allowed in XML parts.
    pub max_xml_depth: usize,
    /// Sheets read from one workbook.
    pub max_sheets: usize,
    /// Pages read from one PDF.
    pub max_pdf_pages: usize,
    /// Bytes one PDF stream may decompress to.
    pub max_pdf_stream_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_output_bytes: 2 * 1024 * 1024,
            max_table_rows: 500,
            max_table_columns: 50,
            max_cell_chars: 300,
            max_zip_entries: 5_000,
            max_unzipped_bytes: 32 * 1024 * 1024,
            max_xml_depth: 128,
            max_sheets: 32,
            max_pdf_pages: 500,
            max_pdf_stream_bytes: 32 * 1024 * 1024,
        }
    }
}

/// The text of a file and what was left out.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// Markdown (or plain text for `Text`).
    pub text: String,
    /// What was cut or skipped (rows beyond the table limit, pages, the size cap), one
    /// sentence each; empty when the text is complete.
    pub notes: Vec<String>,
}

/// Why a file's text could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error(
        "files of type {what} cannot be read as text; supported: {SUPPORTED}. Download it from Confluence instead"
    )]
    Unsupported { what: String },
    #[error("this {format} file is damaged or not really {format}: {detail}")]
    Malformed {
        format: &'static str,
        detail: String,
    },
    #[error("this {format} file exceeds a safety limit: {detail}")]
    Limit {
        format: &'static str,
        detail: String,
    },
    #[error("this {format} file is encrypted or password-protected; its text cannot be read")]
    Encrypted { format: &'static str },
    #[error(
        "this gateway was built without PDF support (cargo feature `pdf`); supported here: txt, md, csv, json, html, docx, xlsx"
    )]
    PdfDisabled,
}

impl ExtractError {
    fn malformed(format: Format, detail: impl Into<String>) -> ExtractError {
        ExtractError::Malformed {
            format: format.name(),
            detail: detail.into(),
        }
    }

    fn limit(format: Format, detail: impl Into<String>) -> ExtractError {
        ExtractError::Limit {
            format: format.name(),
            detail: detail.into(),
        }
    }
}

/// Extracts the text of `data`, a file of `format`.
pub fn extract(data: &[u8], format: Format, limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut out = match format {
        Format::Text | Format::Markdown => text::plain(data, format)?,
        Format::Csv => text::csv(data, limits)?,
        Format::Json => text::json(data)?,
        Format::Html => html::to_markdown(&text::decode(data, format)?, limits),
        Format::Docx => ooxml::docx(data, limits)?,
        Format::Xlsx => ooxml::xlsx(data, limits)?,
        Format::Pdf => pdf(data, limits)?,
    };
    cut(&mut out, limits.max_output_bytes);
    Ok(out)
}

#[cfg(feature = "pdf")]
fn pdf(data: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    pdf::extract(data, limits)
}

#[cfg(not(feature = "pdf"))]
fn pdf(_data: &[u8], _limits: &Limits) -> Result<Extracted, ExtractError> {
    Err(ExtractError::PdfDisabled)
}

/// Cuts the text to `max_bytes` at a character boundary, noting it.
fn cut(out: &mut Extracted, max_bytes: usize) {
    if out.text.len() <= max_bytes {
        return;
    }
    let mut end = max_bytes;
    while !out.text.is_char_boundary(end) {
        end -= 1;
    }
    out.text.truncate(end);
    out.notes.push(format!(
        "the text was cut at {} KiB (the extraction limit); the rest of the file is not shown",
        max_bytes / 1024
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_then_media_types() {
        assert_eq!(Format::detect("a.CSV", None), Some(Format::Csv));
        assert_eq!(
            Format::detect("report", Some("application/pdf")),
            Some(Format::Pdf)
        );
        assert_eq!(
            Format::detect("x.docx", Some("application/octet-stream")),
            Some(Format::Docx)
        );
        assert_eq!(
            Format::detect("notes", Some("text/plain; charset=utf-8")),
            Some(Format::Text)
        );
        assert_eq!(
            Format::detect("x", Some("application/vnd.api+json")),
            Some(Format::Json)
        );
        assert_eq!(Format::detect("diagram.png", Some("image/png")), None);
        assert_eq!(Format::detect("old.doc", Some("application/msword")), None);
    }

    #[test]
    fn unsupported_names_the_supported_formats() {
        let e = ExtractError::Unsupported {
            what: "image/png".into(),
        };
        let text = e.to_string();
        assert!(text.contains("pdf, docx, xlsx"), "{text}");
    }

    /// Valid samples of every format with bytes flipped, cut and repeated: extraction may
    /// fail, but always with an error, never a panic or a hang.
    #[test]
    fn mangled_files_never_panic() {
        let docx = confluence_emulator::seed::files::docx(
            "T",
            "A",
            &[confluence_emulator::seed::files::DocPara::Heading(
                "H".into(),
            )],
        );
        let xlsx = confluence_emulator::seed::files::xlsx(
            "T",
            "A",
            &[confluence_emulator::seed::files::Sheet {
                name: "S".into(),
                rows: vec![vec![confluence_emulator::seed::files::Cell::Num(1.0)]],
            }],
        );
        let pdf = confluence_emulator::seed::files::pdf("T", &["line one".into()]);
        let html =
            b"<html><body><h1>T</h1><table><tr><td>a</td></tr></table><ul><li>x</ul>".to_vec();
        let csv = b"a,\"b\"\"c\",d\n1,2,3\n".to_vec();
        let json = br#"{"a": [1, {"b": "c"}]}"#.to_vec();
        let samples = [
            (Format::Docx, docx),
            (Format::Xlsx, xlsx),
            (Format::Pdf, pdf),
            (Format::Html, html),
            (Format::Csv, csv),
            (Format::Json, json),
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize
        };
        for (format, sample) in &samples {
            for round in 0..150 {
                let mut data = sample.clone();
                match round % 3 {
                    0 => {
                        for _ in 0..1 + next() % 8 {
                            let at = next() % data.len();
                            data[at] = (next() % 256) as u8;
                        }
                    }
                    1 => data.truncate(next() % data.len()),
                    _ => {
                        let at = next() % data.len();
                        let piece = data[at..].to_vec();
                        data.extend_from_slice(&piece);
                    }
                }
                let _ = extract(&data, *format, &Limits::default());
            }
        }
    }

    #[test]
    fn output_is_cut_at_a_character_boundary() {
        let mut out = Extracted {
            text: "é".repeat(100),
            notes: vec![],
        };
        cut(&mut out, 51);
        assert_eq!(out.text.len(), 50);
        assert_eq!(out.notes.len(), 1);
    }
}
