//! Credentials in URLs, connection strings, HTTP headers, `.netrc`, and `password = …`
//! assignments in config files, env files, YAML, JSON and XML.

use crate::detector::{Confidence, Detector, SecretKind::Credential, Severity};
use crate::validate::Validator;

/// The separator between a key and its value: `=`, `:`, `:=`, `=>`, with optional quotes
/// around the key and spaces around the separator.
const ASSIGN: &str = r#"["']?\s{0,4}(?::=|=>|[:=])\s{0,4}"#;

pub fn detectors() -> Vec<Detector> {
    vec![
        // scheme://user:password@host — only the password is the finding. The match starts at
        // `://` so that the keyword anchors it exactly.
        Detector::secret(
            "url_credentials",
            Credential,
            r#"://[^\s:/@"'<>]{1,64}:(?P<secret>[^\s@/"'<>]{1,128})@[A-Za-z0-9.\-_\[\]]{1,255}"#,
        )
        .prefixes(&["://"])
        .severity(Severity::Critical)
        .label("PASSWORD"),
        // ADO.NET / ODBC / JDBC property style: `Server=…;…;Password=…`.
        Detector::secret(
            "connection_string_password",
            Credential,
            r"(?i)\b(?:server|data source|host|address|addr|user id|uid|username|initial catalog|database)\s{0,3}=[^;\n]{1,200};[^\n]{0,400}?\b(?:password|pwd)\s{0,3}=\s{0,3}(?P<secret>[^;\x22'\r\n]{1,128})",
        )
        .keywords(&["server", "data source", "host", "address", "addr", "user id", "uid", "username", "initial catalog", "database"])
        .severity(Severity::Critical)
        .label("PASSWORD"),
        Detector::secret(
            "password_assignment",
            Credential,
            &format!(
                r#"(?i)(?:password|passwd|passphrase|pwd)(?:{ASSIGN}(?:"(?P<secret>[^"\n]{{1,128}})"|'(?P<secret2>[^'\n]{{1,128}})'|(?P<secret3>[^\s"'`,;<>]{{1,128}}))|>(?P<secret4>[^<\s]{{1,128}})</)"#
            ),
        )
        .keywords(&["password", "passwd", "passphrase", "pwd"])
        .lead(0)
        .severity(Severity::High)
        .confidence(Confidence::Medium)
        .validator(Validator::Password)
        .label("PASSWORD"),
        // Short names (`PW:`, `pswd=`, `pass:`), only as a whole word so `bypass=` is not one.
        Detector::secret(
            "password_short_assignment",
            Credential,
            &format!(
                r#"(?i)(?:^|[^a-z0-9])(?:pass|pw|pswd|psswd|paswd|pswrd|pword)(?:{ASSIGN}(?:"(?P<secret>[^"\n]{{1,128}})"|'(?P<secret2>[^'\n]{{1,128}})'|(?P<secret3>[^\s"'`,;<>]{{1,128}})))"#
            ),
        )
        .keywords(&["pass", "pw", "pswd", "psswd", "paswd", "pswrd", "pword"])
        .lead(1)
        .word_start()
        .severity(Severity::High)
        .confidence(Confidence::Medium)
        .validator(Validator::Password)
        .label("PASSWORD"),
        // Command lines: `--password value`, `-password=value`.
        Detector::secret(
            "cli_password_flag",
            Credential,
            r#"(?i)--?(?:password|passwd|pass|pwd)(?:=|\s{1,4})(?:"(?P<secret>[^"\n]{1,128})"|'(?P<secret2>[^'\n]{1,128})'|(?P<secret3>[^\s"'`,;<>]{1,128}))"#,
        )
        .keywords(&["-password", "-passwd", "-pass", "-pwd"])
        .lead(1)
        .severity(Severity::High)
        .confidence(Confidence::Medium)
        .validator(Validator::Password)
        .label("PASSWORD"),
        // SQL: `IDENTIFIED BY 'x'`, `WITH PASSWORD 'x'`, `PASSWORD = 'x'`.
        Detector::secret(
            "sql_password",
            Credential,
            r#"(?i)\b(?:identified\s{1,4}(?:with\s{1,4}\w{1,40}\s{1,4})?by|password)\s{0,4}=?\s{0,4}(?:'(?P<secret>[^'\n]{1,128})'|(?P<secret2>[A-Za-z0-9!#%&*+\-.@^_~]{6,128})(?:[\s;"]|$))"#,
        )
        .keywords(&["identified", "password"])
        .severity(Severity::High)
        .confidence(Confidence::Medium)
        .validator(Validator::Password)
        .label("PASSWORD"),
        Detector::secret(
            "secret_assignment",
            Credential,
            &format!(
                r#"(?i)(?:secret|token|api_?key|access_?key|auth_?key|signing_?key|encryption_?key|private_?key|credentials?)(?:[_.\-]?(?:key|value|token|secret))?{ASSIGN}(?:"(?P<secret>[^"\s]{{12,256}})"|'(?P<secret2>[^'\s]{{12,256}})'|(?P<secret3>[A-Za-z0-9_\-+/=.~]{{12,256}}))"#
            ),
        )
        .keywords(&["secret", "token", "apikey", "api_key", "api-key", "access_key", "accesskey", "auth_key", "authkey", "signing", "encryption", "private", "credential"])
        .lead(0)
        .confidence(Confidence::Medium)
        .forbids_context(&["page_token", "pagetoken", "next_token", "nexttoken", "cursor", "csrf", "token_type", "tokens", "token_count", "public"], 48)
        .validator(Validator::SecretValue { min_len: 12, min_entropy: 3.0, min_classes: 2 })
        .label("SECRET"),
        Detector::secret(
            "basic_auth_header",
            Credential,
            r#"(?i)authorization["']?\s{0,4}[:=,]\s{0,4}["']?basic\s{1,4}(?P<secret>[A-Za-z0-9+/]{8,}={0,2})(?:[^A-Za-z0-9+/=]|$)"#,
        )
        .keywords(&["authorization"])
        .reach(4096)
        .severity(Severity::Critical)
        .validator(Validator::Entropy { min_bits: 3.0 })
        .label("PASSWORD"),
        Detector::secret(
            "bearer_token",
            Credential,
            r"(?i)\bbearer\s{1,4}(?P<secret>[A-Za-z0-9_\-.~+/]{16,}={0,2})",
        )
        .keywords(&["bearer"])
        .reach(8192)
        .validator(Validator::SecretValue { min_len: 16, min_entropy: 3.0, min_classes: 2 })
        .label("TOKEN"),
        Detector::secret(
            "netrc_password",
            Credential,
            r"(?i)\bmachine\s{1,4}\S{1,255}\s{1,4}login\s{1,4}\S{1,255}\s{1,4}password\s{1,4}(?P<secret>\S{1,128})",
        )
        .keywords(&["machine"])
        .severity(Severity::Critical)
        .label("PASSWORD"),
        // Docker `config.json`: `"auth": base64(user:password)`.
        Detector::secret(
            "docker_config_auth",
            Credential,
            r#""auth"\s{0,4}:\s{0,4}"(?P<secret>[A-Za-z0-9+/]{12,}={0,2})""#,
        )
        .prefixes(&["\"auth\""])
        .reach(4096)
        .validator(Validator::Entropy { min_bits: 3.0 })
        .label("PASSWORD"),
        Detector::secret(
            "bcrypt_password_hash",
            Credential,
            r"\$2[aby]?\$[0-9]{2}\$[./A-Za-z0-9]{53}",
        )
        .prefixes(&["$2a$", "$2b$", "$2y$", "$2$"])
        .severity(Severity::Medium)
        .label("PASSWORD_HASH"),
    ]
}
