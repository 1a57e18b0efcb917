//! Office Open XML packages (docx, xlsx): a zip of XML parts. Two guards make hostile files
//! harmless: [`Package`] caps the number of zip entries and the bytes all parts read may
//! unpack to (a zip bomb stops at the cap, whatever its headers claim), and [`Xml`] caps
//! element nesting and never expands DOCTYPE entities.

mod docx;
mod xlsx;

use std::borrow::Cow;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{ExtractError, Format, Limits};

pub use docx::docx;
pub use xlsx::xlsx;

/// A docx/xlsx zip package, read part by part within an unpacking budget.
struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes that parts may still unpack to.
    budget: u64,
    format: Format,
}

impl<'a> Package<'a> {
    fn open(data: &'a [u8], format: Format, limits: &Limits) -> Result<Package<'a>, ExtractError> {
        let archive = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| {
            ExtractError::malformed(format, format!("it is not a readable zip package ({e})"))
        })?;
        if archive.len() > limits.max_zip_entries {
            return Err(ExtractError::limit(
                format,
                format!(
                    "the package lists {} entries (at most {} are read)",
                    archive.len(),
                    limits.max_zip_entries
                ),
            ));
        }
        Ok(Package {
            archive,
            budget: limits.max_unzipped_bytes,
            format,
        })
    }

    /// The text of part `name`, or `None` when the package has no such part.
    fn part(&mut self, name: &str) -> Result<Option<String>, ExtractError> {
        let format = self.format;
        let budget = self.budget;
        let too_big = || {
            ExtractError::limit(
                format,
                format!(
                    "its parts unpack to more than {} MiB (a zip bomb guard)",
                    budget_mib(budget)
                ),
            )
        };
        let mut file = match self.archive.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(m))
                if m == zip::result::ZipError::PASSWORD_REQUIRED =>
            {
                return Err(ExtractError::Encrypted {
                    format: format.name(),
                });
            }
            Err(e) => {
                return Err(ExtractError::malformed(
                    format,
                    format!("part {name} cannot be read ({e})"),
                ));
            }
        };
        if file.encrypted() {
            return Err(ExtractError::Encrypted {
                format: format.name(),
            });
        }
        // The declared size may lie; it only sizes the buffer, the read itself is capped.
        if file.size() > budget {
            return Err(too_big());
        }
        let mut bytes = Vec::with_capacity(file.size().min(budget) as usize);
        (&mut file)
            .take(budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                ExtractError::malformed(format, format!("part {name} cannot be unpacked ({e})"))
            })?;
        if bytes.len() as u64 > budget {
            return Err(too_big());
        }
        self.budget -= bytes.len() as u64;
        Ok(Some(xml_text(bytes)))
    }

    /// Like [`Package::part`], but the part must exist.
    fn required(&mut self, name: &str) -> Result<String, ExtractError> {
        self.part(name)?.ok_or_else(|| {
            ExtractError::malformed(
                self.format,
                format!("the package has no {name}, so it is not a {}", self.format),
            )
        })
    }
}

fn budget_mib(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// XML part bytes as text: UTF-8 (BOM stripped) or UTF-16 with a BOM.
fn xml_text(bytes: Vec<u8>) -> String {
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn utf16(data: &[u8], word: fn([u8; 2]) -> u16) -> String {
    let units = data.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// What [`Xml::next`] yields. Empty elements (`<w:tab/>`) come as `Start` then `End`.
enum Ev<'x> {
    Start(BytesStart<'x>),
    End(String),
    Text(Cow<'x, str>),
}

/// A pull parser over one XML part with a nesting limit.
struct Xml<'x> {
    reader: Reader<&'x [u8]>,
    depth: usize,
    pending_end: Option<String>,
    format: Format,
    max_depth: usize,
}

impl<'x> Xml<'x> {
    fn new(text: &'x str, format: Format, limits: &Limits) -> Xml<'x> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().allow_dangling_amp = true;
        Xml {
            reader,
            depth: 0,
            pending_end: None,
            format,
            max_depth: limits.max_xml_depth,
        }
    }

    fn next(&mut self) -> Result<Option<Ev<'x>>, ExtractError> {
        if let Some(name) = self.pending_end.take() {
            return Ok(Some(Ev::End(name)));
        }
        loop {
            let event = self.reader.read_event().map_err(|e| {
                ExtractError::malformed(
                    self.format,
                    format!("broken XML at byte {} ({e})", self.reader.error_position()),
                )
            })?;
            return Ok(Some(match event {
                Event::Start(tag) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(ExtractError::limit(
                            self.format,
                            format!("its XML nests deeper than {} levels", self.max_depth),
                        ));
                    }
                    Ev::Start(tag)
                }
                Event::Empty(tag) => {
                    self.pending_end = Some(local(&tag).to_owned());
                    Ev::Start(tag)
                }
                Event::End(tag) => {
                    self.depth = self.depth.saturating_sub(1);
                    Ev::End(tag.local_name().as_ref().to_owned())
                }
                Event::Text(t) => Ev::Text(t.xml10_content()),
                Event::CData(c) => Ev::Text(c.into_inner()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match quick_xml::escape::resolve_xml_entity(&r) {
                            Some(s) => s.to_owned(),
                            // Undeclared entities are never expanded; keep them as written.
                            None => format!("&{};", &*r),
                        },
                    };
                    Ev::Text(Cow::Owned(resolved))
                }
                Event::Eof => return Ok(None),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            }));
        }
    }
}

/// An element's name without its namespace prefix (`w:p` → `p`).
fn local<'t>(tag: &'t BytesStart<'_>) -> &'t str {
    let name: &str = tag;
    let name = name
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default();
    name.rsplit(':').next().unwrap_or(name)
}

/// The value of the attribute whose local name is `name` (any prefix), entities decoded.
fn attr(tag: &BytesStart<'_>, name: &str) -> Option<String> {
    tag.attributes().with_checks(false).flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        (key.rsplit(':').next() == Some(name)).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(Cow::into_owned)
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds zip packages for tests with the `zip` crate's writer (deflated, as Office does).
    use std::io::{Cursor, Write};

    pub fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(*name, options)
                .unwrap_or_else(|e| panic!("{e}"));
            zip.write_all(body.as_bytes())
                .unwrap_or_else(|e| panic!("{e}"));
        }
        zip.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_bombs_stop_at_the_unpacking_cap() {
        // 64 MiB of zeros deflates to ~64 KiB; the cap is 1 MiB here.
        let zeros = "0".repeat(64 * 1024 * 1024);
        let bomb = testing::package(&[("word/document.xml", &zeros)]);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        let limits = Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let err = docx(&bomb, &limits)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("more than 1 MiB (a zip bomb guard)"), "{err}");
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..20).map(|i| format!("part{i}.xml")).collect();
        let parts: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "<a/>")).collect();
        let limits = Limits {
            max_zip_entries: 10,
            ..Limits::default()
        };
        let err = xlsx(&testing::package(&parts), &limits)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("20 entries (at most 10"), "{err}");
    }

    #[test]
    fn deep_xml_is_refused() {
        let deep = format!(
            "<w:document><w:body>{}</w:body></w:document>",
            "<w:p>".repeat(10_000)
        );
        let doc = testing::package(&[("word/document.xml", &deep)]);
        let err = docx(&doc, &Limits::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("nests deeper than 128 levels"), "{err}");
    }

    #[test]
    fn truncated_and_foreign_files_are_malformed_not_panics() {
        let doc = testing::package(&[("word/document.xml", "<w:document/>")]);
        for cut in [0, 10, doc.len() / 2, doc.len() - 1] {
            let err = docx(&doc[..cut], &Limits::default())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("damaged or not really docx"), "{cut}: {err}");
        }
        let err = xlsx(b"%PDF-1.4 not a zip", &Limits::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("not a readable zip package"), "{err}");
        let no_workbook = testing::package(&[("word/document.xml", "<w:document/>")]);
        let err = xlsx(&no_workbook, &Limits::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("no xl/workbook.xml"), "{err}");
    }

    #[test]
    fn broken_xml_and_entities() {
        let doc = testing::package(&[(
            "word/document.xml",
            "<!DOCTYPE d [<!ENTITY x \"boom\">]><w:document><w:body><w:p><w:r><w:t>a &x; &amp; &#65;</w:t></w:r></w:p><w:p></w:body>",
        )]);
        let err = docx(&doc, &Limits::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("broken XML"), "{err}");
        let ok = testing::package(&[(
            "word/document.xml",
            "<!DOCTYPE d [<!ENTITY x \"boom\">]><w:document><w:body><w:p><w:r><w:t>a &x; &amp; &#65;</w:t></w:r></w:p></w:body></w:document>",
        )]);
        let out = docx(&ok, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.text, "a &x; & A");
    }
}
