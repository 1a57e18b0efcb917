//! PDF text, page by page (`## Page N` headings, so `section` can select a page), through
//! `lopdf` (pure Rust; nesting and decompression limits of its own, which we tighten). Only
//! text objects are read: scanned pages have no text to extract and say so.

use super::{ExtractError, Extracted, Format, Limits};

const FORMAT: Format = Format::Pdf;

pub fn extract(data: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    if !data.starts_with(b"%PDF-")
        && !data[..data.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Err(ExtractError::malformed(FORMAT, "it has no %PDF header"));
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(data, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ExtractError::Encrypted {
            format: FORMAT.name(),
        },
        other => ExtractError::malformed(FORMAT, describe(&other)),
    })?;
    if doc.is_encrypted() {
        return Err(ExtractError::Encrypted {
            format: FORMAT.name(),
        });
    }
    let pages = doc.get_pages();
    let mut out = String::new();
    let mut notes = Vec::new();
    let mut failed = Vec::new();
    let mut empty = 0usize;
    for &number in pages.keys().take(limits.max_pdf_pages) {
        if out.len() > limits.max_output_bytes {
            break;
        }
        match doc.extract_text_with_limit(&[number], limits.max_pdf_stream_bytes) {
            Ok(text) => {
                let text = tidy(&text);
                out.push_str(&format!("## Page {number}\n\n"));
                if text.is_empty() {
                    empty += 1;
                    out.push_str("(no text on this page)\n\n");
                } else {
                    out.push_str(&text);
                    out.push_str("\n\n");
                }
            }
            Err(_) => failed.push(number.to_string()),
        }
    }
    if pages.len() > limits.max_pdf_pages {
        notes.push(format!(
            "only the first {} of {} pages are shown",
            limits.max_pdf_pages,
            pages.len()
        ));
    }
    if !failed.is_empty() {
        notes.push(format!(
            "the text of page(s) {} could not be read",
            failed.join(", ")
        ));
    }
    if empty > 0 && empty == pages.len().min(limits.max_pdf_pages) {
        notes.push(
            "the PDF has no extractable text (it may be scanned images; no OCR is done)".into(),
        );
    }
    if pages.is_empty() {
        return Err(ExtractError::malformed(FORMAT, "it has no pages"));
    }
    Ok(Extracted {
        text: out.trim_end().to_owned(),
        notes,
    })
}

/// lopdf's errors, shortened to what a reader can act on.
fn describe(e: &lopdf::Error) -> String {
    let text = e.to_string();
    let text: String = text.chars().take(200).collect();
    format!("it cannot be parsed ({text})")
}

/// Trims trailing spaces per line and collapses runs of blank lines.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal valid PDF 1.4 with one page showing `lines` in Helvetica, with a correct
    /// cross-reference table, written by hand (the shape tests and the SDK scenario upload).
    pub fn tiny_pdf(lines: &[&str]) -> Vec<u8> {
        let mut content = String::from("BT\n/F1 12 Tf\n14 TL\n72 720 Td\n");
        for line in lines {
            content.push_str(&format!("({line}) Tj\nT*\n"));
        }
        content.push_str("ET\n");
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
            format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn text_comes_out_page_by_page() {
        let pdf = tiny_pdf(&["Quarterly report", "Revenue grew 12 percent"]);
        let out = extract(&pdf, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.text.starts_with("## Page 1\n\n"), "{}", out.text);
        assert!(out.text.contains("Quarterly report"), "{}", out.text);
        assert!(out.text.contains("Revenue grew 12 percent"), "{}", out.text);
        assert!(out.notes.is_empty(), "{:?}", out.notes);
    }

    #[test]
    fn the_demo_seed_pdfs_read() {
        let lines: Vec<String> = (1..=60)
            .map(|i| format!("Line {i} of the design"))
            .collect();
        let pdf = confluence_emulator::seed::files::pdf("Multi-region design", &lines);
        let out = extract(&pdf, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.text.contains("Multi-region design"), "{}", out.text);
        assert!(out.text.contains("Line 60 of the design"), "{}", out.text);
        assert!(out.text.contains("## Page 2"), "{}", out.text);
    }

    #[test]
    fn truncated_garbage_and_hostile_pdfs_fail_cleanly() {
        let pdf = tiny_pdf(&["hello"]);
        for cut in [0, 8, 40, pdf.len() / 2, pdf.len() - 10] {
            // Either a clean error or (lenient repair) some text; never a panic.
            let _ = extract(&pdf[..cut], &Limits::default());
        }
        let err = extract(b"PK\x03\x04 not a pdf", &Limits::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("no %PDF header"), "{err}");
        // Arrays nested far deeper than any real file.
        let deep = format!(
            "%PDF-1.4\n1 0 obj\n{}\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
            "[".repeat(50_000)
        );
        assert!(extract(deep.as_bytes(), &Limits::default()).is_err());
    }
}
