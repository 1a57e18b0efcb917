//! Payment and messaging APIs (Stripe, Square, Braintree, Twilio, SendGrid, Mailgun,
//! Mailchimp) and other SaaS APIs (monitoring, productivity, infrastructure tooling).

use crate::detector::{Confidence, Detector, SecretKind::Payment, SecretKind::Saas, Severity};
use crate::validate::Validator;

/// A `NAME … key/token/secret = value` assignment for vendors whose keys have no prefix.
fn named(id: &str, kind: crate::detector::SecretKind, names: &[&str], value: &str) -> Detector {
    let alternatives = names.join("|");
    Detector::secret(
        id,
        kind,
        &format!(
            r#"(?i)(?:{alternatives})[\w.\-]{{0,20}}(?:key|token|secret)["']?\s{{0,4}}(?:=>|:=|[:=]|\s)\s{{0,4}}["']?(?P<secret>{value})(?:[^A-Za-z0-9_\-]|$)"#
        ),
    )
    .keywords(names)
    .confidence(Confidence::Medium)
    .validator(Validator::SecretValue { min_len: 20, min_entropy: 3.0, min_classes: 2 })
}

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::secret(
            "stripe_secret_key",
            Payment,
            r"\bsk_live_[A-Za-z0-9]{24,247}\b",
        )
        .prefixes(&["sk_live_"])
        .severity(Severity::Critical)
        .label("STRIPE_KEY"),
        Detector::secret(
            "stripe_restricted_key",
            Payment,
            r"\brk_live_[A-Za-z0-9]{24,247}\b",
        )
        .prefixes(&["rk_live_"])
        .label("STRIPE_KEY"),
        Detector::secret(
            "stripe_test_secret_key",
            Payment,
            r"\b[sr]k_test_[A-Za-z0-9]{24,247}\b",
        )
        .prefixes(&["sk_test_", "rk_test_"])
        .severity(Severity::Medium)
        .label("STRIPE_KEY"),
        Detector::secret(
            "stripe_webhook_secret",
            Payment,
            r"\bwhsec_[A-Za-z0-9+/]{32,64}\b",
        )
        .prefixes(&["whsec_"]),
        Detector::secret(
            "square_access_token",
            Payment,
            r"\b(?:sq0atp-[A-Za-z0-9_\-]{22}|EAAA[A-Za-z0-9_\-]{60})\b",
        )
        .prefixes(&["sq0atp-", "EAAA"]),
        Detector::secret(
            "square_oauth_secret",
            Payment,
            r"\bsq0csp-[A-Za-z0-9_\-]{43}\b",
        )
        .prefixes(&["sq0csp-"]),
        Detector::secret(
            "braintree_access_token",
            Payment,
            r"\baccess_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}\b",
        )
        .prefixes(&["access_token$"]),
        // API key SIDs: "SK" and 32 hex digits.
        Detector::secret("twilio_api_key", Payment, r"\bSK[0-9a-fA-F]{32}\b")
            .prefixes(&["SK"])
            .confidence(Confidence::Medium)
            .validator(Validator::Entropy { min_bits: 3.0 }),
        named("twilio_auth_token", Payment, &["twilio"], "[0-9a-f]{32}"),
        Detector::secret(
            "sendgrid_api_key",
            Payment,
            r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b",
        )
        .prefixes(&["SG."]),
        Detector::secret("mailgun_api_key", Payment, r"\bkey-[0-9a-f]{32}\b")
            .prefixes(&["key-"])
            .validator(Validator::Entropy { min_bits: 3.0 }),
        named(
            "mailgun_private_key",
            Payment,
            &["mailgun"],
            "[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}",
        ),
        Detector::secret(
            "mailchimp_api_key",
            Payment,
            r"\b[0-9a-f]{32}-us[0-9]{1,2}\b",
        )
        .prefixes(&["-us"])
        .lead(33)
        .validator(Validator::Entropy { min_bits: 3.0 }),
        Detector::secret(
            "shopify_access_token",
            Saas,
            r"\bshp(?:at|ca|pa)_[a-fA-F0-9]{32}\b",
        )
        .prefixes(&["shpat_", "shpca_", "shppa_"]),
        Detector::secret("shopify_shared_secret", Saas, r"\bshpss_[a-fA-F0-9]{32}\b")
            .prefixes(&["shpss_"]),
        Detector::secret("newrelic_user_api_key", Saas, r"\bNRAK-[A-Z0-9]{27}\b")
            .prefixes(&["NRAK-"]),
        Detector::secret(
            "newrelic_insert_key",
            Saas,
            r"\b(?P<secret>NRII-[A-Za-z0-9_\-]{20,40})(?:[^A-Za-z0-9_\-]|$)",
        )
        .prefixes(&["NRII-"])
        .validator(Validator::Entropy { min_bits: 3.0 }),
        // Browser application keys (`NRJS-`, `NRBR-` + 19 hex): they ship in web pages, so a
        // leak matters less than for the other keys.
        Detector::secret(
            "newrelic_browser_key",
            Saas,
            r"\bNR(?:JS|BR)-[a-f0-9]{19}\b",
        )
        .prefixes(&["NRJS-", "NRBR-"])
        .severity(Severity::Medium)
        .validator(Validator::Entropy { min_bits: 3.0 }),
        // Ingest license keys: 36 lower-case alphanumerics (region prefix included), `NRAL`.
        Detector::secret("newrelic_license_key", Saas, r"\b[a-z0-9]{36}NRAL\b")
            .prefixes(&["NRAL"])
            .lead(36)
            .severity(Severity::Critical)
            .validator(Validator::Entropy { min_bits: 3.5 }),
        named(
            "datadog_api_key",
            Saas,
            &["datadog", "dd_api", "dd-api", "dd_app", "dd-app"],
            "[a-f0-9]{32,40}",
        ),
        Detector::secret(
            "sentry_auth_token",
            Saas,
            r"\bsntry[su]_[A-Za-z0-9+/=_]{40,200}",
        )
        .prefixes(&["sntrys_", "sntryu_"]),
        Detector::secret("linear_api_key", Saas, r"\blin_api_[A-Za-z0-9]{40}\b")
            .prefixes(&["lin_api_"]),
        Detector::secret(
            "notion_integration_token",
            Saas,
            r"\b(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{46})\b",
        )
        .prefixes(&["secret_", "ntn_"])
        .validator(Validator::SecretValue {
            min_len: 46,
            min_entropy: 3.5,
            min_classes: 3,
        }),
        Detector::secret(
            "postman_api_key",
            Saas,
            r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b",
        )
        .prefixes(&["PMAK-"]),
        // Collection access tokens: `PMAT-` and a 26-character ULID.
        Detector::secret("postman_collection_token", Saas, r"\bPMAT-[0-9A-Z]{26}\b")
            .prefixes(&["PMAT-"])
            .validator(Validator::Entropy { min_bits: 3.0 }),
        Detector::secret(
            "hashicorp_vault_token",
            Saas,
            // Not inside a longer base64 run (`…SJ9/hvs.…` is part of some other blob).
            r"(?:^|[^A-Za-z0-9+/_\-.])(?P<secret>hv[sb]\.[A-Za-z0-9_\-]{24,200})\b",
        )
        .prefixes(&["hvs.", "hvb."])
        .lead(1)
        .severity(Severity::Critical)
        .validator(Validator::SecretValue {
            min_len: 28,
            min_entropy: 3.5,
            min_classes: 2,
        }),
        Detector::secret(
            "terraform_cloud_token",
            Saas,
            r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70}",
        )
        .prefixes(&[".atlasv1."])
        .lead(14),
        named("okta_api_token", Saas, &["okta"], r"00[A-Za-z0-9_\-]{40}"),
        Detector::secret(
            "dropbox_access_token",
            Saas,
            r"\bsl\.[A-Za-z0-9_\-]{130,160}",
        )
        .prefixes(&["sl."])
        .validator(Validator::Entropy { min_bits: 4.0 }),
        Detector::secret(
            "doppler_token",
            Saas,
            r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b",
        )
        .prefixes(&[
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit.",
        ]),
        Detector::secret("pulumi_access_token", Saas, r"\bpul-[a-f0-9]{40}\b").prefixes(&["pul-"]),
        Detector::secret(
            "grafana_cloud_token",
            Saas,
            r"\bglc_[A-Za-z0-9+/]{32,400}={0,2}",
        )
        .prefixes(&["glc_"]),
        Detector::secret(
            "grafana_service_account_token",
            Saas,
            r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b",
        )
        .prefixes(&["glsa_"]),
        Detector::secret(
            "airtable_personal_access_token",
            Saas,
            r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b",
        )
        .prefixes(&["pat"]),
    ]
}
