//! Source hosting: GitHub, GitLab, Bitbucket.

use crate::detector::{Confidence, Detector, SecretKind::SourceHosting, Severity};
use crate::validate::Validator;

/// GitHub's prefixed tokens: a three-letter type prefix, `_`, 30 random base62 characters
/// and a 6-character CRC-32 checksum (GitHub reserves the right to grow the random part, so
/// longer bodies are accepted; the checksum keeps that safe).
fn github_classic(id: &str, prefix: &str, label: &str) -> Detector {
    Detector::secret(
        id,
        SourceHosting,
        &format!(r"\b{prefix}_[A-Za-z0-9]{{36,251}}\b"),
    )
    .prefixes(&[&format!("{prefix}_")])
    .severity(Severity::Critical)
    .validator(Validator::GithubChecksum)
    .label(label)
}

/// GitLab's prefixed tokens (`glpat-`, `glrt-`, …).
fn gitlab(id: &str, prefix: &str, body: &str) -> Detector {
    Detector::secret(
        id,
        SourceHosting,
        &format!(r"\b(?P<secret>{prefix}{body})(?:[^A-Za-z0-9_\-.]|$)"),
    )
    .prefixes(&[prefix])
    .label("GITLAB_TOKEN")
}

pub fn detectors() -> Vec<Detector> {
    vec![
        github_classic("github_personal_access_token", "ghp", "GITHUB_TOKEN"),
        github_classic("github_oauth_token", "gho", "GITHUB_TOKEN"),
        github_classic("github_user_to_server_token", "ghu", "GITHUB_TOKEN"),
        github_classic("github_server_to_server_token", "ghs", "GITHUB_TOKEN"),
        // App installation tokens in the date-stamped form: `ghs_`, an 8-digit date, `_`, and
        // a signed JWT.
        Detector::secret(
            "github_installation_token_jwt",
            SourceHosting,
            r"\bghs_[0-9]{8}_(?P<secret_jwt>eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)",
        )
        .prefixes(&["ghs_"])
        .reach(8192)
        .severity(Severity::Critical)
        .validator(Validator::Jwt)
        .label("GITHUB_TOKEN"),
        Detector::secret("github_refresh_token", SourceHosting, r"\bghr_[A-Za-z0-9]{36,255}\b")
            .prefixes(&["ghr_"])
            .label("GITHUB_TOKEN"),
        Detector::secret(
            "github_fine_grained_token",
            SourceHosting,
            r"\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b",
        )
        .prefixes(&["github_pat_"])
        .severity(Severity::Critical)
        .label("GITHUB_TOKEN"),
        gitlab("gitlab_personal_access_token", "glpat-", r"[A-Za-z0-9_\-.]{20,80}")
            .severity(Severity::Critical),
        gitlab("gitlab_pipeline_trigger_token", "glptt-", "[0-9a-f]{40}"),
        gitlab("gitlab_runner_token", "glrt-", r"[A-Za-z0-9_\-.]{20,80}"),
        gitlab("gitlab_runner_registration_token", "GR1348941", r"[A-Za-z0-9_\-]{20,40}"),
        gitlab("gitlab_deploy_token", "gldt-", r"[A-Za-z0-9_\-]{20,80}"),
        gitlab("gitlab_oauth_app_secret", "gloas-", r"[A-Za-z0-9_\-]{32,80}"),
        gitlab("gitlab_feed_token", "glft-", r"[A-Za-z0-9_\-]{20,80}"),
        gitlab("gitlab_incoming_mail_token", "glimt-", r"[A-Za-z0-9_\-]{25,80}"),
        gitlab("gitlab_agent_token", "glagent-", r"[A-Za-z0-9_\-]{50,100}"),
        gitlab("gitlab_ci_job_token", "glcbt-", r"[A-Za-z0-9_\-]{20,100}"),
        gitlab("gitlab_scim_token", "glsoat-", r"[A-Za-z0-9_\-]{20,80}"),
        gitlab("gitlab_feature_flags_token", "glffct-", r"[A-Za-z0-9_\-]{20,80}"),
        gitlab("gitlab_runner_registration_token_prefixed", "glrtr-", r"[A-Za-z0-9_\-.]{20,80}"),
        gitlab("gitlab_workspace_token", "glwt-", r"[A-Za-z0-9_\-]{20,80}"),
        // The web session cookie: whoever holds it is signed in.
        Detector::secret(
            "gitlab_session_cookie",
            SourceHosting,
            r"_gitlab_session=(?P<secret>[0-9a-f]{32})\b",
        )
        .prefixes(&["_gitlab_session="])
        .label("GITLAB_TOKEN"),
        // Bitbucket Cloud app passwords.
        Detector::secret("bitbucket_app_password", SourceHosting, r"\bATBB[A-Za-z0-9_=.\-]{28,40}\b")
            .prefixes(&["ATBB"])
            .validator(Validator::SecretValue { min_len: 32, min_entropy: 3.5, min_classes: 2 }),
        Detector::secret(
            "bitbucket_client_secret",
            SourceHosting,
            r#"(?i)bitbucket[\w.\-]{0,20}secret["']?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}["']?(?P<secret>[A-Za-z0-9_\-]{32,64})\b"#,
        )
        .keywords(&["bitbucket"])
        .confidence(Confidence::Medium)
        .validator(Validator::SecretValue { min_len: 32, min_entropy: 3.5, min_classes: 2 }),
    ]
}
