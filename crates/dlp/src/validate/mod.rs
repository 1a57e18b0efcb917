//! Checks that turn a regex match into a finding: checksums (Luhn, IBAN mod-97), number-plan
//! rules (SSN), entropy, and the allowlist of placeholders and documented test values.
//!
//! Every check works on bytes and never allocates more than a small, bounded buffer.

mod contact;
mod numbers;
mod secrets;

use serde::{Deserialize, Serialize};

pub use contact::email_valid;
use contact::{ipv4_valid, ipv6_valid};
pub use numbers::{
    date_valid, iban_valid, luhn_valid, payment_card_valid, phone_valid, uk_nino_valid,
    us_ssn_valid,
};
pub use secrets::{
    bech32_valid, char_classes, github_checksum_valid, is_placeholder, is_uuid, jwt_valid,
    password_valid, private_key_valid, shannon_entropy,
};

/// A named check applied to the sensitive part of a match. Custom detectors name one in
/// configuration (`validator = "luhn"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validator {
    /// Luhn checksum over the digits (separators ignored).
    Luhn,
    /// Luhn + issuer prefix and length + consistent separators + not a well-known test card.
    PaymentCard,
    /// Country length table + ISO 7064 mod-97.
    Iban,
    /// US SSN number plan: no 000/666/9xx area, no 00 group, no 0000 serial, no sample numbers.
    UsSsn,
    /// Shannon entropy of the value, bits per byte.
    Entropy { min_bits: f64 },
    /// Generic secret values: length, entropy and character-class mix; not a UUID.
    SecretValue {
        min_len: usize,
        min_entropy: f64,
        min_classes: usize,
    },
    /// Values of `password = …`: not a plain word, not a reference to a variable.
    Password,
    /// Header and payload decode to JSON objects and the header names an `alg`.
    Jwt,
    /// A private key block whose body is real key material, not an elided `MIIE...` sample.
    PrivateKey,
    /// The domain does not end in a file extension (`logo@2x.png`).
    Email,
    /// A routable-looking IPv4 address, not a version number.
    Ipv4,
    /// Parses as IPv6 and is not loopback or unspecified.
    Ipv6,
    /// 7 to 15 digits, not one digit repeated.
    Phone,
    /// A plausible calendar date (day, month, year 1900–2099).
    Date,
    /// At least this many ASCII digits.
    HasDigits { min: usize },
    /// UK National Insurance number: not one of the prefixes HMRC never issues.
    UkNino,
    /// GitHub token checksum: the last six characters are the base62 CRC-32 of the rest.
    GithubChecksum,
    /// A Bech32 string with a valid checksum (age keys).
    Bech32,
}

impl Validator {
    /// Names accepted in configuration for custom detectors.
    pub fn from_name(name: &str) -> Option<Validator> {
        Some(match name {
            "luhn" => Validator::Luhn,
            "payment_card" => Validator::PaymentCard,
            "iban" => Validator::Iban,
            "us_ssn" => Validator::UsSsn,
            "entropy" => Validator::Entropy { min_bits: 3.0 },
            "secret_value" => Validator::SecretValue {
                min_len: 12,
                min_entropy: 3.0,
                min_classes: 2,
            },
            "password" => Validator::Password,
            "jwt" => Validator::Jwt,
            "private_key" => Validator::PrivateKey,
            "email" => Validator::Email,
            "ipv4" => Validator::Ipv4,
            "ipv6" => Validator::Ipv6,
            "phone" => Validator::Phone,
            "date" => Validator::Date,
            "github_checksum" => Validator::GithubChecksum,
            "bech32" => Validator::Bech32,
            _ => return None,
        })
    }

    /// `hay[span]` is the sensitive value; the whole haystack is there for checks that look
    /// at the neighbours (an IP inside a longer dotted version string).
    pub fn check(&self, hay: &[u8], start: usize, end: usize) -> bool {
        let Some(value) = hay.get(start..end) else {
            return false;
        };
        match self {
            Validator::Luhn => luhn_valid(value),
            Validator::PaymentCard => payment_card_valid(value),
            Validator::Iban => iban_valid(value),
            Validator::UsSsn => us_ssn_valid(value),
            Validator::Entropy { min_bits } => shannon_entropy(value) >= *min_bits,
            Validator::SecretValue {
                min_len,
                min_entropy,
                min_classes,
            } => {
                value.len() >= *min_len
                    && shannon_entropy(value) >= *min_entropy
                    && char_classes(value) >= *min_classes
                    && !is_uuid(value)
                    && !is_placeholder(value)
            }
            Validator::Password => password_valid(value),
            Validator::Jwt => jwt_valid(value),
            Validator::PrivateKey => private_key_valid(value),
            Validator::Email => email_valid(value),
            Validator::Ipv4 => ipv4_valid(hay, start, end),
            Validator::Ipv6 => ipv6_valid(hay, start, end),
            Validator::Phone => phone_valid(value),
            Validator::Date => date_valid(value),
            Validator::UkNino => uk_nino_valid(value),
            Validator::GithubChecksum => github_checksum_valid(value),
            Validator::Bech32 => bech32_valid(value),
            Validator::HasDigits { min } => {
                value.iter().filter(|b| b.is_ascii_digit()).count() >= *min
            }
        }
    }
}

impl Validator {
    /// Validators that judge placeholders themselves; for the rest the engine applies
    /// [`is_placeholder`] to every secret.
    pub fn handles_placeholders(&self) -> bool {
        // A valid checksum is stronger evidence than any look of the value.
        matches!(
            self,
            Validator::Jwt | Validator::PrivateKey | Validator::GithubChecksum | Validator::Bech32
        )
    }
}
