//! Independent checkers for the seed tests: a build fingerprint, a zip reader with CRC
//! checks, a PDF xref walker, Luhn and IBAN validation and an XML well-formedness checker.
//! They do not reuse the seed's own code, so they can catch its mistakes. Also the store
//! lookups both seed test files use.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use confluence_emulator::SeedKind;
use confluence_emulator::seed;
use confluence_emulator::store::Store;
use confluence_emulator::store::model::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub fn demo_store() -> Store {
    seed::build(SeedKind::Demo, 42, 0)
}

pub fn space_id(store: &Store, key: &str) -> u64 {
    store
        .space_by_key(key)
        .unwrap_or_else(|| panic!("space {key}"))
        .id
}

pub fn page<'a>(store: &'a Store, key: &str, title: &str) -> &'a Content {
    let sid = space_id(store, key);
    store
        .contents
        .values()
        .find(|c| c.space_id == sid && c.title() == title)
        .unwrap_or_else(|| panic!("page {key}/{title}"))
}

pub fn user<'a>(store: &'a Store, email: &str) -> &'a User {
    store.user_by_email(email).unwrap()
}

pub fn current_pages(store: &Store) -> Vec<&Content> {
    store
        .contents
        .values()
        .filter(|c| c.kind == ContentKind::Page && c.status == Status::Current)
        .collect()
}

/// A hash over everything the seed builds, so two builds can be compared.
pub fn fingerprint(store: &Store) -> String {
    let mut h = Sha256::new();
    for u in &store.users {
        h.update(format!("{}|{}|{:?}\n", u.account_id, u.api_token, u.grants));
    }
    for s in store.spaces.values() {
        h.update(format!(
            "{}|{}|{:?}|{:?}|{}\n",
            s.id, s.key, s.space_type, s.homepage_id, s.created_at
        ));
    }
    for c in store.contents.values() {
        h.update(format!(
            "{}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}\n",
            c.id,
            c.kind,
            c.status,
            c.parent_id,
            c.position,
            c.labels,
            c.read_restricted_to,
            c.update_restricted_to
        ));
        for v in &c.versions {
            h.update(format!(
                "{}|{}|{}|{}|{}|{}\n",
                v.number, v.title, v.body, v.message, v.author_id, v.created_at
            ));
        }
    }
    for c in store.comments.values() {
        h.update(format!(
            "{}|{:?}|{}|{:?}|{:?}\n",
            c.id, c.kind, c.container_id, c.parent_comment_id, c.inline
        ));
        for v in &c.versions {
            h.update(format!("{}|{}|{}\n", v.body, v.author_id, v.created_at));
        }
    }
    for a in store.attachments.values() {
        h.update(format!(
            "{}|{}|{}|{}|{}|{}\n",
            a.id, a.container_id, a.title, a.media_type, a.file_id, a.created_at
        ));
        h.update(&a.data);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn u16le(d: &[u8], at: usize) -> usize {
    u16::from_le_bytes([d[at], d[at + 1]]) as usize
}

pub fn u32le(d: &[u8], at: usize) -> usize {
    u32::from_le_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]) as usize
}

/// Reads a zip through its central directory, checking every entry's CRC; returns the entries.
pub fn unzip(d: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let eocd = d.len() - 22;
    assert_eq!(&d[eocd..eocd + 4], b"PK\x05\x06");
    let count = u16le(d, eocd + 10);
    let mut at = u32le(d, eocd + 16);
    let mut out = BTreeMap::new();
    for _ in 0..count {
        assert_eq!(&d[at..at + 4], b"PK\x01\x02");
        let (method, crc, size) = (u16le(d, at + 10), u32le(d, at + 16), u32le(d, at + 20));
        let name_len = u16le(d, at + 28);
        let extra = u16le(d, at + 30) + u16le(d, at + 32);
        let local = u32le(d, at + 42);
        let name = String::from_utf8(d[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(method, 0);
        assert_eq!(&d[local..local + 4], b"PK\x03\x04");
        let start = local + 30 + u16le(d, local + 26) + u16le(d, local + 28);
        let data = d[start..start + size].to_vec();
        assert_eq!(crc32(&data) as usize, crc, "{name}");
        out.insert(name, data);
        at += 46 + name_len + extra;
    }
    out
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Checks the header, trailer and that every xref offset points at its object.
pub fn check_pdf(d: &[u8]) {
    assert!(d.starts_with(b"%PDF-1.4"));
    assert!(d.trim_ascii_end().ends_with(b"%%EOF"));
    let at = rfind(d, b"startxref").unwrap();
    let tail = std::str::from_utf8(&d[at..]).unwrap();
    let xref: usize = tail.split_whitespace().nth(1).unwrap().parse().unwrap();
    let table = std::str::from_utf8(&d[xref..]).unwrap();
    assert!(table.starts_with("xref"));
    let mut lines = table.lines().skip(1);
    let size: usize = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(lines.next().unwrap().ends_with(" f "));
    for obj in 1..size {
        let offset: usize = lines.next().unwrap()[..10].parse().unwrap();
        assert!(
            d[offset..].starts_with(format!("{obj} 0 obj").as_bytes()),
            "object {obj}"
        );
    }
    assert!(find(d, b"/Type /Catalog").is_some() && find(d, b" Tj").is_some());
}

pub fn luhn_ok(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    digits.len() >= 13 && sum.is_multiple_of(10)
}

pub fn iban_ok(iban: &str) -> bool {
    let s: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    let rearranged = format!("{}{}", &s[4..], &s[..4]);
    let mut rem = 0u64;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap() as u64;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// A small XML well-formedness checker: balanced tags, quoted attributes, CDATA, and only the
/// five XML entities or numeric references.
pub fn well_formed(xml: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(pos) = rest.find(['<', '&']) {
        rest = &rest[pos..];
        if rest.starts_with('&') {
            let end = rest.find(';').ok_or("unterminated entity")?;
            let name = &rest[1..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix('#')
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
            if !ok {
                return Err(format!("entity &{name};"));
            }
            rest = &rest[end + 1..];
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").ok_or("unterminated CDATA")?;
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unterminated end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            rest = &r[end + 1..];
        } else {
            let r = &rest[1..];
            let mut in_quote = false;
            let mut end = None;
            for (i, c) in r.char_indices() {
                match c {
                    '"' => in_quote = !in_quote,
                    '<' if !in_quote => return Err("< inside tag".into()),
                    '>' if !in_quote => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.ok_or("unterminated tag")?;
            let inner = &r[..end];
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name = inner.split_whitespace().next().ok_or("empty tag")?;
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
            {
                return Err(format!("bad tag name {name}"));
            }
            for attr in inner[name.len()..].split('"').step_by(2) {
                let attr = attr.trim();
                if !attr.is_empty() && !attr.ends_with('=') {
                    return Err(format!("unquoted attribute in <{inner}>"));
                }
            }
            if !self_closing {
                stack.push(name);
            }
            rest = &r[end + 1..];
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}
