//! Checks for addresses: email domains, IPv4 and IPv6 (with their neighbours).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::secrets::contains_ignore_case;

/// File extensions that show an `x@y.ext` is a file name (retina assets, npm specs), not mail.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "js", "mjs", "ts", "css", "scss",
    "json", "html", "htm", "xml", "txt", "md", "pdf", "zip", "gz", "tgz", "tar", "py", "rb",
    "java", "go", "rs", "php", "yaml", "yml", "toml", "lock", "map", "woff", "woff2", "ttf",
];

pub fn email_valid(value: &[u8]) -> bool {
    let Some(at) = value.iter().rposition(|b| *b == b'@') else {
        return false;
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let tld = domain.rsplit(|b| *b == b'.').next().unwrap_or_default();
    !local.is_empty()
        && !local.starts_with(b".")
        && !local.ends_with(b".")
        && !contains_ignore_case(local, b"..")
        && !FILE_EXTENSIONS
            .iter()
            .any(|ext| tld.eq_ignore_ascii_case(ext.as_bytes()))
}

/// Words that, shortly before a dotted quad, mark it as a version or an OID.
const VERSION_WORDS: &[&str] = &["version", "ver.", "release", "build", "firmware", "v."];

pub(crate) fn ipv4_valid(hay: &[u8], start: usize, end: usize) -> bool {
    let Some(text) = hay
        .get(start..end)
        .and_then(|v| std::str::from_utf8(v).ok())
    else {
        return false;
    };
    let Ok(address) = Ipv4Addr::from_str(text) else {
        return false;
    };
    let before = hay.get(..start).unwrap_or_default();
    let after = hay.get(end..).unwrap_or_default();
    let glued_before = before.last().is_some_and(|b| {
        matches!(b, b'.' | b'v' | b'V' | b'-' | b'_') || b.is_ascii_alphanumeric()
    });
    let glued_after = match after {
        [b'.' | b'-', next, ..] => next.is_ascii_alphanumeric(),
        [next, ..] => next.is_ascii_alphanumeric() || *next == b'_',
        [] => false,
    };
    let context = &before[before.len().saturating_sub(24)..];
    !glued_before
        && !glued_after
        && !address.is_unspecified()
        && !address.is_loopback()
        && !address.is_broadcast()
        && !VERSION_WORDS
            .iter()
            .any(|w| contains_ignore_case(context, w.as_bytes()))
}

pub(crate) fn ipv6_valid(hay: &[u8], start: usize, end: usize) -> bool {
    let Some(text) = hay
        .get(start..end)
        .and_then(|v| std::str::from_utf8(v).ok())
    else {
        return false;
    };
    let address_text = text.split('%').next().unwrap_or(text);
    let glued = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-');
    let before_glued = start > 0 && hay.get(start - 1).is_some_and(glued);
    let after_glued = hay.get(end).is_some_and(glued);
    !before_glued
        && !after_glued
        && address_text.bytes().any(|b| b.is_ascii_digit())
        && Ipv6Addr::from_str(address_text).is_ok_and(|a| !a.is_loopback() && !a.is_unspecified())
}
