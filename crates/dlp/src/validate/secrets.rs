//! Checks for secret values: entropy, character classes, UUIDs, the placeholder allowlist,
//! password values, JWT structure, private key bodies.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use base64::Engine as _;

/// Shannon entropy in bits per byte (0 for empty input).
pub fn shannon_entropy(value: &[u8]) -> f64 {
    if value.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &byte in value {
        counts[usize::from(byte)] += 1;
    }
    let total = value.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = f64::from(c) / total;
            -p * p.log2()
        })
        .sum()
}

/// How many of lower case, upper case, digits and other printable bytes occur.
pub fn char_classes(value: &[u8]) -> usize {
    let (mut lower, mut upper, mut digit, mut other) = (false, false, false, false);
    for &byte in value {
        match byte {
            b'a'..=b'z' => lower = true,
            b'A'..=b'Z' => upper = true,
            b'0'..=b'9' => digit = true,
            _ => other = true,
        }
    }
    [lower, upper, digit, other].iter().filter(|b| **b).count()
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(value: &[u8]) -> bool {
    value.len() == 36
        && value.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Words that mark a value as a stand-in rather than a credential, matched anywhere in the
/// value, ASCII case ignored.
const PLACEHOLDER_PARTS: &[&str] = &[
    "example",
    "xxxx",
    "****",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "placeholder",
    "redacted",
    "dummy",
    "sample",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpass",
    "here",
    "insert",
    "replace",
    "fake",
    "notreal",
    "not_real",
    "secret_value",
    "todo",
    "tbd",
    "...",
    "0000000",
    "1234567",
    "abcdef",
    "qwerty",
    "lorem",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "process.env",
    "os.environ",
    "getenv",
    "env(",
    "secrets.",
    "vault:",
    "encrypted:",
];

/// Whole values that are placeholders (ASCII case ignored).
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "empty",
    "test",
    "testing",
    "foo",
    "bar",
    "foobar",
    "admin",
    "root",
    "user",
    "username",
    "pass",
    "string",
    "value",
    "n/a",
    "na",
    "unset",
    "default",
    "required",
    "optional",
    "hidden",
    "masked",
    "sensitive",
];

/// [`PLACEHOLDER_PARTS`] as one automaton (ASCII case ignored), built on first use: one pass
/// over the value instead of one per part (every candidate of every secret detector is
/// checked, so this is on the hot path).
fn placeholder_parts() -> Option<&'static AhoCorasick> {
    static PARTS: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    PARTS
        .get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .kind(Some(AhoCorasickKind::DFA))
                .build(PLACEHOLDER_PARTS)
                .ok()
        })
        .as_ref()
}

pub(crate) fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Placeholders and documented test values: `xxxx`, `<token>`, `changeme`, `${VAR}`,
/// `$VAR`, `your-api-key`, AWS's `…EXAMPLE` keys, one character repeated, and the like.
pub fn is_placeholder(value: &[u8]) -> bool {
    let trimmed = value.trim_ascii();
    let Some(&first) = trimmed.first() else {
        return true;
    };
    // `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`, `@var`: references, not values (`$2b$…` is a hash).
    let reference_start = |b: &u8| b.is_ascii_alphabetic() || matches!(b, b'_' | b'{' | b'(');
    if matches!(first, b'$' | b'%' | b'@') && trimmed.get(1).is_some_and(reference_start) {
        return true;
    }
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| trimmed.eq_ignore_ascii_case(w.as_bytes()))
    {
        return true;
    }
    // At most a 4 KiB prefix is inspected, which keeps this bounded for huge matches.
    let head = &trimmed[..trimmed.len().min(4096)];
    if placeholder_parts().is_some_and(|parts| parts.is_match(head)) {
        return true;
    }
    let mut distinct = [false; 256];
    for &byte in head {
        distinct[usize::from(byte.to_ascii_lowercase())] = true;
    }
    distinct.iter().filter(|d| **d).count() <= 2 || ends_in_digit_sequence(trimmed)
}

/// The value ends in six or more consecutive digits counting up or down by one (`…123456`,
/// `…76543210`): a hand-made stand-in, not random key material (a random tail like that has
/// odds of about 2 in 10⁵).
fn ends_in_digit_sequence(value: &[u8]) -> bool {
    const MIN_RUN: usize = 6;
    let Some(tail) = value
        .len()
        .checked_sub(MIN_RUN)
        .map(|start| &value[start..])
    else {
        return false;
    };
    if !tail.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let step = i16::from(tail[1]) - i16::from(tail[0]);
    step.abs() == 1
        && tail
            .windows(2)
            .all(|pair| i16::from(pair[1]) - i16::from(pair[0]) == step)
}

/// A `password = value` value: long enough, not a placeholder or variable reference, and not a
/// plain lower-case word (prose such as "password: required").
pub fn password_valid(value: &[u8]) -> bool {
    value.len() >= 6
        && !is_placeholder(value)
        && !value.contains(&b'(')
        && (char_classes(value) >= 2 || value.len() >= 16 && shannon_entropy(value) >= 3.5)
        && !value
            .iter()
            .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'.')
}

/// `header.payload.signature` where header and payload decode to JSON objects.
pub fn jwt_valid(value: &[u8]) -> bool {
    let mut parts = value.split(|b| *b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let decode = |part: &[u8]| {
        let trimmed = part
            .strip_suffix(b"==")
            .or_else(|| part.strip_suffix(b"="))
            .unwrap_or(part);
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(trimmed)
            .ok()
    };
    let Some(header) = decode(header) else {
        return false;
    };
    // A stand-in signature (`…EXAMPLEFAKESIG`) makes the whole token a documentation sample.
    if parts
        .next()
        .is_some_and(|signature| !signature.is_empty() && is_placeholder(signature))
    {
        return false;
    }
    header.trim_ascii_start().starts_with(b"{")
        && contains_ignore_case(&header, b"\"alg\"")
        && decode(payload).is_some_and(|p| p.trim_ascii_start().starts_with(b"{"))
}

/// A key block with at least 64 bytes of base64 body and no `...` elision or `<…>` stand-in.
pub fn private_key_valid(value: &[u8]) -> bool {
    let body = value
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .count();
    body >= 64 && !contains_ignore_case(value, b"...") && !value.contains(&b'<')
}

/// CRC-32 (IEEE 802.3, the zlib one) lookup table.
const CRC32_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &b| {
        CRC32_TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8)
    })
}

const BASE62_DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub's prefixed tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`): after the `_`, the random part
/// and six base62 digits of the CRC-32 of that random part (GitHub's published token format,
/// 2021). The checksum tells a real token from a typed-in look-alike without an entropy gate.
pub fn github_checksum_valid(value: &[u8]) -> bool {
    let Some(underscore) = value.iter().position(|b| *b == b'_') else {
        return false;
    };
    let body = &value[underscore + 1..];
    if body.len() <= 6 {
        return false;
    }
    let (random, checksum) = body.split_at(body.len() - 6);
    let mut expected = [b'0'; 6];
    let mut rest = crc32(random);
    for slot in expected.iter_mut().rev() {
        *slot = BASE62_DIGITS[(rest % 62) as usize];
        rest /= 62;
    }
    rest == 0 && expected == checksum
}

const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// A Bech32 string (BIP 173: human-readable part, `1`, data with a 6-character checksum),
/// either case but not mixed. Without a length cap: age secret keys are longer than 90.
pub fn bech32_valid(value: &[u8]) -> bool {
    let has_lower = value.iter().any(u8::is_ascii_lowercase);
    let has_upper = value.iter().any(u8::is_ascii_uppercase);
    let Some(separator) = value.iter().rposition(|b| *b == b'1') else {
        return false;
    };
    let (hrp, data) = (&value[..separator], &value[separator + 1..]);
    if has_lower && has_upper || hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let polymod_step = |checksum: u32, value: u8| {
        const GENERATOR: [u32; 5] = [
            0x3b6a_57b2,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ];
        let top = checksum >> 25;
        let mut next = ((checksum & 0x01ff_ffff) << 5) ^ u32::from(value);
        for (bit, generator) in GENERATOR.iter().enumerate() {
            if (top >> bit) & 1 == 1 {
                next ^= generator;
            }
        }
        next
    };
    let mut checksum = 1u32;
    for &b in hrp {
        checksum = polymod_step(checksum, b.to_ascii_lowercase() >> 5);
    }
    checksum = polymod_step(checksum, 0);
    for &b in hrp {
        checksum = polymod_step(checksum, b.to_ascii_lowercase() & 31);
    }
    for &b in data {
        let Some(index) = BECH32_CHARSET
            .iter()
            .position(|c| *c == b.to_ascii_lowercase())
        else {
            return false;
        };
        checksum = polymod_step(checksum, index as u8);
    }
    checksum == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_published_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn bech32_checks_the_bip173_test_vectors() {
        assert!(bech32_valid(b"A12UEL5L"));
        assert!(bech32_valid(
            b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"
        ));
        assert!(!bech32_valid(
            b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"
        ));
        assert!(!bech32_valid(b"A12UEl5L"), "mixed case");
    }

    #[test]
    fn digit_sequences_at_the_end_are_placeholders() {
        assert!(is_placeholder(b"k9Qz7Lm2Xw4Rt8Vb76543210"));
        assert!(is_placeholder(b"k9Qz7Lm2Xw4Rt8Vb345678"));
        assert!(!is_placeholder(b"k9Qz7Lm2Xw4Rt8Vb345679"));
        assert!(
            !is_placeholder(b"k9Qz7Lm2Xw4Rt8Vb45678"),
            "five digits are not enough"
        );
    }
}
