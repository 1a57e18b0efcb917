//! Cloud providers: AWS, Google Cloud, Azure, Alibaba, DigitalOcean, Heroku, Cloudflare.

use crate::detector::{Confidence, Detector, SecretKind::Cloud, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        // Access key ids: a four-letter type prefix and 16 base32 characters.
        Detector::secret(
            "aws_access_key_id",
            Cloud,
            r"\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z2-7]{16}\b",
        )
        .prefixes(&["AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA"])
        .label("AWS_ACCESS_KEY"),
        // A 40-character secret named as such in config, env or CLI output.
        Detector::secret(
            "aws_secret_access_key",
            Cloud,
            r#"(?i)aws_?secret(?:_?access)?_?key["']?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}["']?(?P<secret>[A-Za-z0-9/+]{40})\b"#,
        )
        .keywords(&["aws_secret", "awssecret", "secret_access_key", "secretaccesskey"])
        .lead(4)
        .severity(Severity::Critical)
        .validator(Validator::Entropy { min_bits: 3.5 }),
        // A key id followed closely by a 40-character secret: the pair as pasted from a CSV.
        Detector::secret(
            "aws_secret_key_pair",
            Cloud,
            r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b[^A-Za-z0-9/+\n]{1,20}(?:[\w ]{0,30}[:=,;|\t ]\s{0,4})?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)",
        )
        .prefixes(&["AKIA", "ASIA"])
        .severity(Severity::Critical)
        .validator(Validator::SecretValue { min_len: 40, min_entropy: 4.0, min_classes: 3 }),
        Detector::secret(
            "aws_session_token",
            Cloud,
            r#"(?i)aws_?session_?token["']?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}["']?(?P<secret>[A-Za-z0-9/+=]{100,})"#,
        )
        .keywords(&["aws_session_token", "awssessiontoken"])
        .reach(4096)
        .validator(Validator::Entropy { min_bits: 4.0 }),
        Detector::secret(
            "aws_mws_auth_token",
            Cloud,
            // The prefix is the evidence; the UUID-shaped body is taken as lower-case
            // alphanumerics so a mistyped or non-hex sample still counts.
            r"\bamzn\.mws\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}\b",
        )
        .prefixes(&["amzn.mws."]),
        Detector::secret("gcp_api_key", Cloud, r"\b(?P<secret>AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)")
            .prefixes(&["AIza"])
            .label("GOOGLE_API_KEY"),
        // Service-account key files carry the key id next to the PEM private key.
        Detector::secret(
            "gcp_service_account_key",
            Cloud,
            r#""private_key_id"\s{0,4}:\s{0,4}"(?P<secret>[0-9a-f]{40})""#,
        )
        .prefixes(&["\"private_key_id\""])
        .severity(Severity::Critical),
        Detector::secret("gcp_oauth_client_secret", Cloud, r"\bGOCSPX-[A-Za-z0-9_\-]{28}\b")
            .prefixes(&["GOCSPX-"]),
        Detector::secret("gcp_oauth_access_token", Cloud, r"\bya29\.[0-9A-Za-z_\-]{30,}")
            .prefixes(&["ya29."])
            .reach(4096)
            .validator(Validator::Entropy { min_bits: 4.0 }),
        Detector::secret(
            "azure_storage_account_key",
            Cloud,
            r"(?i)AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)",
        )
        .keywords(&["AccountKey="])
        .severity(Severity::Critical)
        .label("AZURE_STORAGE_KEY"),
        // Shared access signatures: a signed-version field and the signature in one URL query.
        Detector::secret(
            "azure_sas_token",
            Cloud,
            r"[?&]sv=\d{4}-\d{2}-\d{2}[^\s'<>]{0,400}?[?&]sig=(?P<secret>[A-Za-z0-9%+/]{40,100}(?:=|%3[Dd]){0,2})",
        )
        .prefixes(&["sv="])
        .lead(1),
        Detector::secret(
            "azure_sas_connection_string",
            Cloud,
            r"(?i)SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{42,44}={0,2})",
        )
        .keywords(&["SharedAccessKey="])
        .label("AZURE_SHARED_ACCESS_KEY"),
        // Entra ID (Azure AD) client secrets: 3 characters, a digit, "Q~", then 31–34 more.
        Detector::secret(
            "azure_ad_client_secret",
            Cloud,
            r"(?:^|[^A-Za-z0-9_~.\-])(?P<secret>[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)",
        )
        .prefixes(&["Q~"])
        .lead(5)
        .validator(Validator::Entropy { min_bits: 3.5 }),
        Detector::secret(
            "alibaba_access_key_id",
            Cloud,
            r"\bLTAI[A-Za-z0-9]{12,20}\b",
        )
        .prefixes(&["LTAI"])
        .confidence(Confidence::Medium)
        .validator(Validator::SecretValue { min_len: 16, min_entropy: 3.0, min_classes: 2 }),
        Detector::secret("digitalocean_token", Cloud, r"\bdo[opr]_v1_[a-f0-9]{64}\b")
            .prefixes(&["dop_v1_", "doo_v1_", "dor_v1_"]),
        Detector::secret(
            "heroku_api_key",
            Cloud,
            r#"(?i)heroku[\w.\-]{0,20}(?:key|token)["']?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}["']?(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
        )
        .keywords(&["heroku"]),
        // Platform API keys since 2024 carry an `HRKU-` prefix: on a legacy UUID key or on a
        // new base62 body.
        Detector::secret(
            "heroku_prefixed_api_key",
            Cloud,
            r"\b(?P<secret>HRKU-(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9_]{40,80}))(?:[^A-Za-z0-9_\-]|$)",
        )
        .prefixes(&["HRKU-"])
        .label("HEROKU_API_KEY"),
        // Prefixed account tokens, user tokens and API keys.
        Detector::secret(
            "cloudflare_prefixed_token",
            Cloud,
            r"\bcf(?:at|ut|k)_[A-Za-z0-9]{40,60}\b",
        )
        .prefixes(&["cfat_", "cfut_", "cfk_"])
        .label("CLOUDFLARE_API_TOKEN")
        .validator(Validator::SecretValue { min_len: 44, min_entropy: 3.5, min_classes: 2 }),
        // Microsoft's identifiable keys (Azure DevOps PATs, storage and service keys): 52
        // random characters, the fixed `JQQJ9` signature, then version, provider and checksum.
        Detector::secret(
            "azure_identifiable_key",
            Cloud,
            r"(?:^|[^A-Za-z0-9+/])(?P<secret>[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{23,31}={0,2})(?:[^A-Za-z0-9+/=]|$)",
        )
        .prefixes(&["JQQJ9"])
        .lead(53)
        .severity(Severity::Critical)
        .label("AZURE_KEY")
        .validator(Validator::Entropy { min_bits: 3.5 }),
        Detector::secret(
            "cloudflare_api_token",
            Cloud,
            r#"(?i)(?:cloudflare|\bcf)[\w.\-]{0,20}(?:token|key)["']?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}["']?(?P<secret>[A-Za-z0-9_\-]{37,40})\b"#,
        )
        .keywords(&["cloudflare", "cf_api", "cf_token", "cf-api"])
        .validator(Validator::SecretValue { min_len: 37, min_entropy: 3.5, min_classes: 2 }),
    ]
}
