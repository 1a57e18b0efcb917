//! Private key material: PEM (PKCS#1/#8, EC, DSA, encrypted), OpenSSH, PGP, PuTTY, age; and
//! JSON Web Tokens, which are signed bearer credentials.

use crate::detector::{Detector, SecretKind::Crypto, Severity};
use crate::validate::Validator;

/// The body of an armored block: base64, whitespace (or JSON-escaped `\n`), header fields such
/// as `Proc-Type: 4,ENCRYPTED`; a `-` only before a letter or digit, so the body stops at
/// `-----END`. Keys pasted into code, comments and logs keep their per-line wrapping: quotes
/// and `+` of concatenated string literals, `*`, `//`, `#` comment markers, `;`, `|`, armor
/// headers such as `Version: GnuPG v1.4.12 (GNU/Linux)`, and
/// log prefixes such as `#6 0.245` or `2026-04-26 12:36:01`. Without an END line (a
/// truncated paste) the block runs to the first other character, at most `reach` bytes.
const ARMOR_BODY: &str = r#"(?:[A-Za-z0-9+/=\s\\:,.#*;|"'`()]|-[A-Za-z0-9])"#;

/// Armored blocks are unbounded in the pattern (a bounded repetition this long would make a
/// huge automaton); `reach` bounds the window instead.
fn armored(id: &str, begin: &str, end: &str, max_len: usize) -> Detector {
    Detector::secret(
        id,
        Crypto,
        &format!(r"-----BEGIN {begin}-----{ARMOR_BODY}+(?:-----END {end}-----)?"),
    )
    .reach(max_len)
    .severity(Severity::Critical)
    .validator(Validator::PrivateKey)
}

pub fn detectors() -> Vec<Detector> {
    vec![
        armored(
            "private_key",
            "(?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY",
            "(?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY",
            // Post-quantum keys (ML-DSA-87) with a log prefix on every line run past 10 KB.
            32_000,
        )
        .prefixes(&[
            "BEGIN PRIVATE KEY-----",
            "BEGIN RSA PRIVATE KEY-----",
            "BEGIN EC PRIVATE KEY-----",
            "BEGIN DSA PRIVATE KEY-----",
            "BEGIN ENCRYPTED PRIVATE KEY-----",
        ])
        .lead(5)
        .label("PRIVATE_KEY"),
        armored(
            "openssh_private_key",
            "OPENSSH PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            16_000,
        )
        .prefixes(&["BEGIN OPENSSH PRIVATE KEY-----"])
        .lead(5)
        .label("PRIVATE_KEY"),
        armored(
            "pgp_private_key_block",
            "PGP PRIVATE KEY BLOCK",
            "PGP PRIVATE KEY BLOCK",
            32_000,
        )
        .prefixes(&["BEGIN PGP PRIVATE KEY BLOCK-----"])
        .lead(5)
        .label("PRIVATE_KEY"),
        Detector::secret(
            "putty_private_key",
            Crypto,
            r"PuTTY-User-Key-File-[23]:[^\n]{1,80}\n(?:[^\n]{0,200}\n){1,60}?Private-(?:MAC|Hash): [0-9a-f]{40,64}",
        )
        .prefixes(&["PuTTY-User-Key-File-"])
        .severity(Severity::Critical)
        .label("PRIVATE_KEY"),
        Detector::secret(
            "age_secret_key",
            Crypto,
            r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b",
        )
        .prefixes(&["AGE-SECRET-KEY-1"])
        .severity(Severity::Critical)
        .validator(Validator::Bech32)
        .label("PRIVATE_KEY"),
        Detector::secret(
            "jwt",
            Crypto,
            r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*",
        )
        .prefixes(&["eyJ"])
        .reach(24_000)
        .validator(Validator::Jwt)
        .label("JWT"),
    ]
}
