//! Shared helpers: one default engine, synthetic token generation, and finding lookups.
#![allow(dead_code)]

use std::cell::Cell;
use std::sync::OnceLock;

use dlp::{DlpConfig, Engine};

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const HEX: &str = "0123456789abcdef";
pub const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const BASE62: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const BASE64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&DlpConfig::default()).expect("default config compiles"))
}

thread_local! {
    static SEED: Cell<u64> = const { Cell::new(0x00C0_FFEE) };
}

/// SplitMix64: deterministic per thread, so failures reproduce.
fn next() -> u64 {
    SEED.with(|seed| {
        let value = seed.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        seed.set(value);
        let mut z = value;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

/// `len` random characters from `alphabet`, containing at least one of each class present
/// in the alphabet (so that entropy and class-mix checks behave like on real tokens).
pub fn random(alphabet: &str, len: usize) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    loop {
        let text: String = (0..len)
            .map(|_| chars[(next() % chars.len() as u64) as usize])
            .collect();
        let has = |f: fn(&char) -> bool| !chars.iter().any(f) || text.chars().any(|c| f(&c));
        if has(char::is_ascii_uppercase)
            && has(char::is_ascii_lowercase)
            && has(char::is_ascii_digit)
        {
            return text;
        }
    }
}

/// The values (as text) that detector `id` found in `text`.
pub fn found_by(text: &str, id: &str) -> Vec<String> {
    engine()
        .scan(text)
        .findings
        .iter()
        .filter(|f| &*f.detector == id)
        .map(|f| text[f.start..f.end].to_owned())
        .collect()
}

/// `(detector, value)` for every finding.
pub fn findings(text: &str) -> Vec<(String, String)> {
    engine()
        .scan(text)
        .findings
        .iter()
        .map(|f| (f.detector.to_string(), text[f.start..f.end].to_owned()))
        .collect()
}

/// Asserts that `id` finds exactly `value` in `text`, that no other detector claims it, and
/// that the prefilter-driven scan equals the exhaustive one.
pub fn assert_finds(id: &str, text: &str, value: &str) {
    let all = findings(text);
    assert!(
        all.iter().any(|(d, v)| d == id && v == value),
        "{id} should find {value:?} in {text:?}; found {all:?}"
    );
    assert_same_as_exhaustive(text);
}

pub fn assert_nothing(text: &str) {
    let all = findings(text);
    assert!(
        all.is_empty(),
        "expected no findings in {text:?}; found {all:?}"
    );
    assert_same_as_exhaustive(text);
}

pub fn assert_not_found_by(id: &str, text: &str) {
    let all = findings(text);
    assert!(
        !all.iter().any(|(d, _)| d == id),
        "{id} should not fire on {text:?}; found {all:?}"
    );
}

pub fn assert_same_as_exhaustive(text: &str) {
    let fast = engine().scan(text);
    let slow = engine().scan_exhaustive(text.as_bytes());
    assert_eq!(fast, slow, "prefilter lost or changed findings in {text:?}");
    for batch in [1, 2, 3] {
        let batched = engine().scan_bytes_batched(text.as_bytes(), batch);
        assert_eq!(
            batched, slow,
            "batches of {batch} changed findings in {text:?}"
        );
    }
}

/// CRC-32 (zlib), bit by bit: an implementation independent of the crate's table-driven one.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
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

/// A GitHub token in the published format: `prefix`, `random_len` base62 characters, and six
/// base62 digits (0-9, A-Z, a-z) of the CRC-32 of the random part.
pub fn github_token(prefix: &str, random_len: usize) -> String {
    with_github_checksum(prefix, &random(BASE62, random_len))
}

/// `prefix` + `body` + the six-character base62 CRC-32 of `body`.
pub fn with_github_checksum(prefix: &str, body: &str) -> String {
    const DIGITS62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rest = u64::from(crc32(body.as_bytes()));
    let mut checksum = [b'0'; 6];
    for slot in checksum.iter_mut().rev() {
        *slot = DIGITS62[(rest % 62) as usize];
        rest /= 62;
    }
    format!(
        "{prefix}{body}{}",
        String::from_utf8(checksum.to_vec()).unwrap()
    )
}

pub const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// `hrp` + `1` + `data` (Bech32 characters) + the BIP 173 checksum, upper-cased.
pub fn bech32_upper(hrp: &str, data: &str) -> String {
    fn polymod(values: &[u8]) -> u32 {
        let generator = [
            0x3b6a_57b2u32,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ];
        let mut chk = 1u32;
        for &v in values {
            let top = chk >> 25;
            chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
            for (i, g) in generator.iter().enumerate() {
                if (top >> i) & 1 == 1 {
                    chk ^= g;
                }
            }
        }
        chk
    }
    let hrp = hrp.to_ascii_lowercase();
    let data = data.to_ascii_lowercase();
    let mut values: Vec<u8> = hrp.bytes().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(hrp.bytes().map(|b| b & 31));
    values.extend(data.bytes().map(|b| BECH32.find(b as char).unwrap() as u8));
    values.extend([0; 6]);
    let checksum = polymod(&values) ^ 1;
    let tail: String = (0..6)
        .map(|i| BECH32.as_bytes()[((checksum >> (5 * (5 - i))) & 31) as usize] as char)
        .collect();
    format!("{hrp}1{data}{tail}").to_ascii_uppercase()
}
