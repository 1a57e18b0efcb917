//! FAKE sensitive data planted in the demo wiki where real wikis leak it, for DLP tests.
//!
//! Every value is made up but format-valid (Luhn, IBAN mod-97, SSN ranges, GitHub token
//! checksum), and none is a vendor's documented example. Values do not depend on the seed
//! number, so tests can look for exact strings. The literals are assembled from pieces so that
//! this source file itself does not trip secret scanners.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// What kind of sensitive value was planted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretKind {
    AwsAccessKeyId,
    AwsSecretAccessKey,
    PostgresUrl,
    GithubToken,
    SlackWebhook,
    PrivateKeyPem,
    Jwt,
    ConfigPassword,
    StripeLiveKey,
    OpenAiKey,
    CardNumber,
    UsSsn,
    Email,
    PhoneUs,
    PhoneIntl,
    Iban,
    DateOfBirth,
    UkNino,
}

/// Where on the page the value sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The current version's storage body.
    Body,
    /// Only an older version's body (the page was later cleaned up).
    OldVersion,
    /// A footer comment on the page.
    Comment,
    /// The named attachment of the page.
    Attachment(&'static str),
}

/// One planted value.
#[derive(Clone, Debug)]
pub struct Planted {
    pub space_key: &'static str,
    pub page_title: &'static str,
    pub kind: SecretKind,
    pub value: String,
    pub location: Location,
}

// Page titles carrying planted data (the tree in `tree.rs` uses the same constants).
pub const PG_FAILOVER: &str = "PostgreSQL failover runbook";
pub const AWS_ACCESS: &str = "AWS account access";
pub const GH_ACTIONS: &str = "GitHub Actions deploy setup";
pub const SLACK_ROUTING: &str = "Alert routing and Slack channels";
pub const TLS_ROTATION: &str = "TLS certificate rotation";
pub const AUTH_DEBUG: &str = "Auth service debugging";
pub const PAYMENTS_CONFIG: &str = "Payments service configuration";
pub const AI_DESIGN: &str = "Design: AI assistant integration";
pub const REDIS_RUNBOOK: &str = "Redis cache eviction runbook";
pub const DIRECTORY: &str = "Employee directory";
pub const PAYROLL: &str = "Payroll bank details 2026";
pub const CARDS: &str = "Corporate card holders";
pub const NEW_HIRES: &str = "New hire records 2026";

pub fn aws_access_key_id() -> String {
    format!("{}{}", "AKIA", "Y3FAKEDEMO7KQ2ZX")
}

pub fn aws_secret_access_key() -> String {
    format!("{}{}", "q8Vd2Lk/FakeDemoSecret", "NotReal+9xTzWm4PbH")
}

pub fn postgres_urls() -> [String; 2] {
    [
        format!(
            "{}://billing_svc:{}@pg-prod-primary.internal.example.net:5432/billing",
            "postgres", "Xk9-fake-Pg-pass"
        ),
        format!(
            "{}://replicator:{}@pg-prod-replica-1.internal.example.net:5432/postgres?sslmode=require",
            "postgresql", "R3pl1ca-fake-2026"
        ),
    ]
}

pub fn config_password() -> String {
    format!("{}{}", "Summer2026", "-fake-Passw0rd")
}

/// `ghp_` + 30 characters + the 6-character base62 CRC-32 checksum GitHub tokens carry.
pub fn github_token(body: &str) -> String {
    format!(
        "{}_{}{}",
        "ghp",
        body,
        base62_6(super::files::crc32(body.as_bytes()))
    )
}

pub fn github_tokens() -> [String; 2] {
    [
        github_token("Fk3DemoTokenNotReal8Qz1Lm0Xw7A"),
        github_token("OldFakeToken2025RotatedAway9Pq"),
    ]
}

fn base62_6(mut n: u32) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn slack_webhook() -> String {
    format!(
        "https://hooks.{}.com/services/{}/{}/{}",
        "slack", "T0DEMO4K7Q", "B07FAKE9ZPX", "v3FakeWebhookXq9Lm2Rt8Kd"
    )
}

/// A PEM block whose base64 decodes to a DER-looking prefix followed by filler bytes.
pub fn private_key_pem() -> String {
    let mut der: Vec<u8> = vec![
        0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
    ];
    let mut rng = crate::rng::SplitMix64::new(0x5EED_F00D);
    while der.len() < 1192 {
        der.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    der.truncate(1192);
    let b64 = STANDARD.encode(&der);
    let mut out = format!("-----BEGIN {} PRIVATE KEY-----\n", "RSA");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {} PRIVATE KEY-----", "RSA"));
    out
}

pub fn jwt() -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(
        br#"{"sub":"svc-auth-debug","name":"Demo Service Account","scope":"admin","iat":1767225600,"exp":1798761600}"#,
    );
    let sig = URL_SAFE_NO_PAD.encode(b"fake-signature-not-a-real-hmac!!");
    format!("{header}.{payload}.{sig}")
}

pub fn stripe_live_key() -> String {
    format!("{}_{}_{}", "sk", "live", "Zx81FakeDemoN0tRealKey7Q")
}

pub fn openai_key() -> String {
    format!(
        "{}-{}-{}{}{}",
        "sk", "proj", "Fk9dEmoN0tReal4Qx2Lm8Pz", "T3BlbkFJ", "Zq7wDemoFake0nly3Kp5Rt1"
    )
}

/// Appends the Luhn check digit to a string of digits.
pub fn luhn_complete(partial: &str) -> String {
    let digits: Vec<u32> = partial.chars().filter_map(|c| c.to_digit(10)).collect();
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        // The check digit will sit at the right, so the rightmost partial digit is doubled.
        let v = if i % 2 == 0 { d * 2 } else { *d };
        sum += if v > 9 { v - 9 } else { v };
    }
    format!("{partial}{}", (10 - sum % 10) % 10)
}

/// Card numbers (Visa, Mastercard, Amex) in their usual printed groupings.
pub fn card_numbers() -> [String; 3] {
    let visa = luhn_complete("400000123456789");
    let mc = luhn_complete("522222000044441");
    let amex = luhn_complete("34000012345678");
    [
        group(&visa, &[4, 4, 4, 4], " "),
        group(&mc, &[4, 4, 4, 4], "-"),
        group(&amex, &[4, 6, 5], " "),
    ]
}

fn group(digits: &str, sizes: &[usize], sep: &str) -> String {
    let mut parts = Vec::new();
    let mut at = 0;
    for size in sizes {
        parts.push(digits.get(at..at + size).unwrap_or_default());
        at += size;
    }
    parts.join(sep)
}

/// An IBAN with its mod-97 check digits computed from country code and BBAN.
pub fn iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u32 = 0;
    for ch in rearranged.chars() {
        let v = match ch.to_digit(36) {
            Some(v) => v,
            None => continue,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

pub fn ibans() -> [String; 3] {
    [
        iban("DE", "100200301234567890"),
        iban("GB", "BARC20005512345678"),
        iban("NL", "INGB0001234567"),
    ]
}

pub fn ssns() -> [&'static str; 3] {
    ["536-22-1847", "401-73-5520", "219-45-3318"]
}

pub fn ninos() -> [&'static str; 2] {
    ["JH 48 29 17 B", "PR205177D"]
}

pub fn dates_of_birth() -> [&'static str; 3] {
    ["1987-03-14", "02/11/1990", "1979-07-23"]
}

pub fn us_phones() -> [&'static str; 2] {
    ["(415) 555-0142", "+1 212 555 0187"]
}

pub fn intl_phones() -> [&'static str; 3] {
    ["+44 20 7946 0958", "+33 1 99 00 12 34", "+61 2 5550 1234"]
}

/// Fake staff of the demo company (name, work email, personal email, phone, title).
pub const STAFF: &[(&str, &str, &str)] = &[
    ("Priya Raman", "priya.raman@example.com", "Staff Engineer"),
    (
        "Tomás Herrera",
        "tomas.herrera@example.com",
        "Engineering Manager",
    ),
    ("Mei Lin", "mei.lin@example.com", "Product Designer"),
    (
        "Jonas Becker",
        "jonas.becker@example.com",
        "Site Reliability Engineer",
    ),
    ("Amara Okafor", "amara.okafor@example.com", "People Partner"),
    (
        "Liam O'Connor",
        "liam.oconnor@example.com",
        "Account Executive",
    ),
    ("Sofia Rossi", "sofia.rossi@example.com", "Legal Counsel"),
    (
        "Kenji Watanabe",
        "kenji.watanabe@example.com",
        "Data Engineer",
    ),
];

fn p(page: &'static str, space: &'static str, kind: SecretKind, value: String) -> Planted {
    Planted {
        space_key: space,
        page_title: page,
        kind,
        value,
        location: Location::Body,
    }
}

/// Everything planted in the demo wiki: page, kind, exact value and location.
pub fn planted() -> Vec<Planted> {
    use SecretKind::*;
    let [pg1, pg2] = postgres_urls();
    let [gh_new, gh_old] = github_tokens();
    let [visa, mc, amex] = card_numbers();
    let [de, gb, nl] = ibans();
    let mut out = vec![
        p(PG_FAILOVER, "ENG", PostgresUrl, pg1),
        p(PG_FAILOVER, "ENG", PostgresUrl, pg2),
        p(PG_FAILOVER, "ENG", ConfigPassword, config_password()),
        p(AWS_ACCESS, "ENG", AwsAccessKeyId, aws_access_key_id()),
        p(
            AWS_ACCESS,
            "ENG",
            AwsSecretAccessKey,
            aws_secret_access_key(),
        ),
        p(GH_ACTIONS, "ENG", GithubToken, gh_new),
        p(SLACK_ROUTING, "ENG", SlackWebhook, slack_webhook()),
        p(TLS_ROTATION, "ENG", PrivateKeyPem, private_key_pem()),
        p(AUTH_DEBUG, "ENG", Jwt, jwt()),
        p(PAYMENTS_CONFIG, "ENG", StripeLiveKey, stripe_live_key()),
        p(PAYMENTS_CONFIG, "ENG", ConfigPassword, config_password()),
        p(AI_DESIGN, "ENG", OpenAiKey, openai_key()),
        p(CARDS, "HR", CardNumber, visa),
        p(CARDS, "HR", CardNumber, mc),
        p(CARDS, "HR", CardNumber, amex),
        p(PAYROLL, "HR", Iban, de),
        p(PAYROLL, "HR", Iban, gb),
        p(PAYROLL, "HR", Iban, nl),
        p(PAYROLL, "HR", UsSsn, ssns()[0].to_owned()),
        p(PAYROLL, "HR", UkNino, ninos()[0].to_owned()),
        p(NEW_HIRES, "HR", UsSsn, ssns()[1].to_owned()),
        p(NEW_HIRES, "HR", UsSsn, ssns()[2].to_owned()),
        p(NEW_HIRES, "HR", UkNino, ninos()[1].to_owned()),
        p(
            NEW_HIRES,
            "HR",
            Email,
            "jdoe.personal@example.net".to_owned(),
        ),
        p(NEW_HIRES, "HR", PhoneUs, us_phones()[1].to_owned()),
    ];
    for dob in dates_of_birth() {
        out.push(p(NEW_HIRES, "HR", DateOfBirth, dob.to_owned()));
    }
    for (_, email, _) in STAFF.iter().take(4) {
        out.push(p(DIRECTORY, "HR", Email, (*email).to_owned()));
    }
    out.push(p(DIRECTORY, "HR", PhoneUs, us_phones()[0].to_owned()));
    for phone in intl_phones() {
        out.push(p(DIRECTORY, "HR", PhoneIntl, phone.to_owned()));
    }
    let mut extra = vec![
        p(GH_ACTIONS, "ENG", GithubToken, gh_old),
        p(AWS_ACCESS, "ENG", AwsAccessKeyId, aws_access_key_id()),
        p(
            AWS_ACCESS,
            "ENG",
            AwsSecretAccessKey,
            aws_secret_access_key(),
        ),
        p(REDIS_RUNBOOK, "ENG", ConfigPassword, redis_password()),
        p(DIRECTORY, "HR", Email, STAFF[4].1.to_owned()),
        p(NEW_HIRES, "HR", DateOfBirth, dates_of_birth()[0].to_owned()),
    ];
    extra[0].location = Location::OldVersion;
    extra[1].location = Location::Attachment("aws-credentials.txt");
    extra[2].location = Location::Attachment("aws-credentials.txt");
    extra[3].location = Location::Comment;
    extra[4].location = Location::Attachment("employee-directory.xlsx");
    extra[5].location = Location::Attachment("new-hires-2026.csv");
    out.extend(extra);
    out
}

pub fn redis_password() -> String {
    format!("{}{}", "r3dis-", "fake-requirepass-77")
}

/// Page titles (space, title) with the kinds of data planted on them, sorted.
pub fn planted_pages() -> Vec<(&'static str, &'static str, Vec<SecretKind>)> {
    let mut map: std::collections::BTreeMap<(&str, &str), Vec<SecretKind>> = Default::default();
    for item in planted() {
        let kinds = map.entry((item.space_key, item.page_title)).or_default();
        if !kinds.contains(&item.kind) {
            kinds.push(item.kind);
        }
    }
    map.into_iter()
        .map(|((s, t), mut k)| {
            k.sort();
            (s, t, k)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_check_digits_match_a_known_iban() {
        // The ECBS documentation IBAN, used only to verify the algorithm.
        assert_eq!(iban("GB", "WEST12345698765432"), "GB82WEST12345698765432");
    }

    #[test]
    fn luhn_matches_a_known_number() {
        assert_eq!(luhn_complete("7992739871"), "79927398713");
    }
}
