//! Checks a parsed configuration for what serde cannot: references between tables (agents →
//! connections and policy roles), unique names and paths, known toolsets, valid
//! hashes, times and DLP policies. Each error names the key and, for tables, the line.

use std::collections::BTreeSet;
use std::path::Path;

use super::{AgentConfig, Config, ConfigError, Loaded};

/// 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |t| t.matches('\n').count()) + 1
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    fn err(
        &self,
        key: String,
        span: Option<std::ops::Range<usize>>,
        message: String,
    ) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.display().to_string(),
            key,
            line: span.map(|s| line_of(self.text, s.start)),
            message,
        }
    }
}

/// Whether `selector` is a valid toolset selector given the known families.
pub fn selector_is_known(selector: &str, families: &BTreeSet<&str>) -> bool {
    let family = selector.strip_suffix(":read").unwrap_or(selector);
    family == "*" || families.contains(family)
}

/// The `[[policy.rules]]` that grant what a legacy `[roles]` table granted.
fn translate_roles(roles: &toml::Table) -> String {
    let mut out = String::new();
    for (role, value) in roles {
        let (toolsets, cap) = match value {
            toml::Value::Array(a) => (a.clone(), None),
            toml::Value::Table(t) => (
                t.get("toolsets")
                    .and_then(|v| v.as_array())
                    .cloned()
                    .unwrap_or_default(),
                t.get("max_response_chars").and_then(|v| v.as_integer()),
            ),
            _ => (Vec::new(), None),
        };
        let toolsets: Vec<String> = toolsets
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| format!("{s:?}"))
            .collect();
        out.push_str(&format!(
            "[[policy.rules]]\nid = \"role-{role}\"\neffect = \"allow\"\nroles = [{role:?}]\ntoolsets = [{}]\n{}\n",
            toolsets.join(", "),
            cap.map(|n| format!("max_response_chars = {n}\n"))
                .unwrap_or_default()
        ));
    }
    out
}

/// Checks `[[agents]]` against the rest, once the policy is compiled (roles must appear in
/// some rule).
pub(super) fn validate_agents(loaded: &Loaded, text: &str) -> Result<(), ConfigError> {
    let c = &loaded.config;
    let check = Checker {
        path: &loaded.path,
        text,
    };
    let mut agent_names = BTreeSet::new();
    for (i, agent) in loaded.agents.iter().enumerate() {
        let key = format!("agents[{i}] ('{}')", agent.name);
        let span = c.agents.get(i).map(|a| a.span());
        if !agent_names.insert(agent.name.as_str()) {
            return Err(check.err(key, span, "duplicate agent name".into()));
        }
        if let Some((field, message)) = agent_problem(c, &loaded.policy, agent) {
            return Err(check.err(format!("{key}.{field}"), span, message));
        }
    }
    Ok(())
}

pub(super) fn validate(loaded: &Loaded, text: &str) -> Result<(), ConfigError> {
    let c = &loaded.config;
    let check = Checker {
        path: &loaded.path,
        text,
    };
    let families = crate::tools::catalog::families();
    if c.listen.address.parse::<std::net::SocketAddr>().is_err() {
        return Err(check.err(
            "listen.address".into(),
            None,
            format!(
                "'{}' is not a socket address like 127.0.0.1:8080",
                c.listen.address
            ),
        ));
    }
    validate_audit(&check, &c.audit)?;
    if let Some(secret) = &c.security.key_secret
        && secret.len() < 32
    {
        return Err(check.err(
            "security.key_secret".into(),
            None,
            "must be at least 32 characters (use `confluence-gateway init` to make one)".into(),
        ));
    }
    let mut connection_names = BTreeSet::new();
    for (i, conn) in c.connections.iter().enumerate() {
        let key = format!("connections[{i}]");
        let span = Some(conn.span());
        if !connection_names.insert(conn.get_ref().name.as_str()) {
            return Err(check.err(
                key,
                span,
                format!("duplicate connection name '{}'", conn.get_ref().name),
            ));
        }
        if url::Url::parse(&conn.get_ref().site_url).is_err() {
            return Err(check.err(format!("{key}.site_url"), span, "not a URL".into()));
        }
        let entry = conn.get_ref();
        match entry.auth {
            crate::config::ConnectionAuth::ApiToken
            | crate::config::ConnectionAuth::AccessToken
                if entry.token.is_none() && entry.token_env.is_none() =>
            {
                return Err(check.err(key, span, "set `token_env` (or `token`)".into()));
            }
            crate::config::ConnectionAuth::ApiToken if entry.email.is_empty() => {
                return Err(check.err(key, span, "`api_token` needs `email`".into()));
            }
            crate::config::ConnectionAuth::Oauth if c.oauth.is_none() => {
                return Err(check.err(
                    key,
                    span,
                    "`oauth` connections need an [oauth] section (the Atlassian OAuth app's \
                     client id and secret)"
                        .into(),
                ));
            }
            _ => {}
        }
    }
    if let Some(roles) = &c.roles {
        return Err(check.err(
            "roles".into(),
            None,
            format!(
                "[roles] was replaced by access policy rules. Replace the [roles] table with:\n{}",
                translate_roles(roles)
            ),
        ));
    }
    let mut paths = BTreeSet::new();
    let mut server_names = BTreeSet::new();
    for (i, server) in c.servers.iter().enumerate() {
        let s = server.get_ref();
        let key = format!("servers[{i}] ('{}')", s.name);
        let span = Some(server.span());
        if !server_names.insert(s.name.as_str()) {
            return Err(check.err(key, span, "duplicate server name".into()));
        }
        let path_ok = s.path.starts_with('/')
            && s.path.len() > 1
            && !s.path.ends_with('/')
            && s.path
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "/-_.".contains(ch));
        if !path_ok {
            return Err(check.err(
                format!("{key}.path"),
                span,
                "must look like /mcp/name (letters, digits, '/', '-', '_', '.'; no trailing '/')"
                    .into(),
            ));
        }
        if !paths.insert(s.path.as_str()) {
            return Err(check.err(
                format!("{key}.path"),
                span,
                format!("path '{}' is used twice", s.path),
            ));
        }
        for t in &s.toolsets {
            if !selector_is_known(t, &families) {
                return Err(check.err(
                    format!("{key}.toolsets"),
                    span,
                    format!("unknown toolset '{t}' (known: {})", known(&families)),
                ));
            }
        }
        // Names in `agents` may be stored agents, so they are checked when the gateway starts
        // (runtime.rs), where both sources are known.
        if s.timeout_secs == 0 {
            return Err(check.err(
                format!("{key}.timeout_secs"),
                span,
                "must be at least 1".into(),
            ));
        }
        if s.max_response_chars < 1_000 {
            return Err(check.err(
                format!("{key}.max_response_chars"),
                span,
                "must be at least 1000".into(),
            ));
        }
    }
    for (name, profile) in std::iter::once(("dlp".to_owned(), &c.dlp)).chain(
        c.dlp_profiles
            .iter()
            .map(|(k, v)| (format!("dlp_profiles.{k}"), v)),
    ) {
        if let Err(e) = dlp::Engine::new(profile) {
            return Err(check.err(name, None, e.to_string()));
        }
    }
    Ok(())
}

/// What is wrong with one agent's references to the rest of the configuration (connection,
/// roles, DLP profile) or its own fields (expiry, key hash), as (field, message). Used for
/// `[[agents]]` here, and for stored agents by `agents add` and at start.
pub fn agent_problem(
    c: &Config,
    policy: &policy::Policy,
    agent: &AgentConfig,
) -> Option<(&'static str, String)> {
    if !c
        .connections
        .iter()
        .any(|conn| conn.get_ref().name == agent.connection)
    {
        return Some((
            "connection",
            format!("no connection named '{}'", agent.connection),
        ));
    }
    if let Some(role) = agent.roles.iter().find(|r| !policy.mentions_role(r)) {
        return Some((
            "roles",
            format!("no role named '{role}': no policy rule has it in `roles`"),
        ));
    }
    if !agent.spaces.is_empty() {
        return Some((
            "spaces",
            format!(
                "per-agent `spaces` was replaced by access policy. Remove it and add a rule such as \
                 [[policy.rules]] id = \"{}-spaces\" effect = \"allow\" agents = [\"{}\"] \
                 toolsets = [\"*\"] spaces = {:?} (and make sure no other rule allows this agent \
                 more); stored agents: `agents revoke` and `agents add` it again without --space",
                agent.name, agent.name, agent.spaces
            ),
        ));
    }
    if let Some(expiry) = &agent.expires_at
        && chrono::DateTime::parse_from_rfc3339(expiry).is_err()
    {
        return Some((
            "expires_at",
            "not an RFC 3339 time like 2027-01-01T00:00:00Z".into(),
        ));
    }
    if crate::agents::KeyHash::parse(&agent.key_hash).is_none() {
        return Some((
            "key_hash",
            "expected 'hmac-sha256:' and 64 hex digits (written by `agents add`)".into(),
        ));
    }
    if let Some(profile) = &agent.dlp_profile
        && !c.dlp_profiles.contains_key(profile)
    {
        return Some(("dlp_profile", format!("no [dlp_profiles.{profile}]")));
    }
    None
}

fn known(families: &BTreeSet<&str>) -> String {
    let mut v: Vec<String> = families.iter().map(|f| (*f).to_owned()).collect();
    v.push("*".into());
    v.join(", ") + " (add ':read' for read-only tools)"
}

/// `[audit]`: sizes above zero, and each sink with the keys its type needs.
fn validate_audit(check: &Checker<'_>, audit: &super::AuditConfig) -> Result<(), ConfigError> {
    use super::SinkKind;
    for (key, value) in [
        ("audit.queue_capacity", audit.queue_capacity),
        ("audit.batch_max", audit.batch_max),
        ("audit.max_argument_bytes", audit.max_argument_bytes),
    ] {
        if value == 0 {
            return Err(check.err(key.into(), None, "must be at least 1".into()));
        }
    }
    let mut names = BTreeSet::new();
    for (i, sink) in audit.sinks.iter().enumerate() {
        let key = |k: &str| format!("audit.sinks[{i}] ('{}').{k}", sink.name);
        if sink.name.is_empty() || !names.insert(sink.name.as_str()) {
            return Err(check.err(
                key("name"),
                None,
                "every sink needs a unique, non-empty name".into(),
            ));
        }
        if sink.batch_size == 0 {
            return Err(check.err(key("batch_size"), None, "must be at least 1".into()));
        }
        let missing = match sink.kind {
            SinkKind::Jsonl => sink.path.is_none().then_some("path"),
            SinkKind::Syslog => sink.address.is_none().then_some("address"),
            SinkKind::Webhook => sink.url.is_none().then_some("url"),
        };
        if let Some(field) = missing {
            return Err(check.err(
                key(field),
                None,
                format!("a {:?} sink needs `{field}`", sink.kind).to_lowercase(),
            ));
        }
        if let Some(url) = &sink.url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(check.err(
                key("url"),
                None,
                "must be an http:// or https:// URL".into(),
            ));
        }
    }
    Ok(())
}
