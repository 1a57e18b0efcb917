//! The gateway's configuration: one TOML file. Every field's doc comment is its reference
//! documentation. [`load`] parses and validates it; errors name the key and, where the TOML
//! parser or a table's span knows it, the line.
//!
//! Toolset selectors (used by `[[servers]].toolsets` and policy rules' `toolsets`): a family name (`pages`)
//! selects all of its tools, `pages:read` only its read-only ones, `*` every family and `*:read`
//! every read-only tool.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

mod audit;
mod reference;
mod validate;
mod vault;
pub use audit::{
    AuditConfig, AuditMode, LogFormat, ObservabilityConfig, SinkConfig, SinkKind, SyslogTransport,
};
pub use reference::reference_markdown;
use validate::validate;
pub use validate::{agent_problem, selector_is_known};
pub use vault::{OAuthAppConfig, VaultConfig, default_scopes};

/// The whole file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the HTTP listener binds and which Host/Origin headers it accepts.
    #[serde(default)]
    pub listen: ListenConfig,
    /// Secrets the gateway itself needs.
    #[serde(default)]
    pub security: SecurityConfig,
    /// Per-agent call rate limits.
    #[serde(default)]
    pub rate_limit: RateLimitConfig,
    /// Confluence sites and the credentials the gateway uses for them.
    #[serde(default)]
    #[schemars(with = "Vec<ConnectionConfig>")]
    pub connections: Vec<Spanned<ConnectionConfig>>,
    /// Virtual servers: each is an MCP endpoint at its own URL path with its own tools.
    #[serde(default)]
    #[schemars(with = "Vec<ServerConfig>")]
    pub servers: Vec<Spanned<ServerConfig>>,
    /// Where the gateway keeps its state: the SQLite database `gateway.db`, which holds the
    /// agents that `confluence-gateway agents add` creates (audit events and the credential
    /// vault will join them). Relative paths are relative to this file's directory. Created
    /// with mode 0700 if missing; back it up like any database. A change applies at the next
    /// start.
    #[serde(default = "default_data_dir")]
    #[schemars(with = "String")]
    pub data_dir: PathBuf,
    /// Agents declared in this file (and their keys' hashes), for deployments that manage
    /// agents as configuration, such as the demo. They work alongside the agents stored in
    /// `data_dir` by `confluence-gateway agents add`; a name used in both places stops the
    /// gateway at start.
    #[serde(default)]
    #[schemars(with = "Vec<AgentConfig>")]
    pub agents: Vec<Spanned<AgentConfig>>,
    /// Legacy: the TOML file of `[[agents]]` that `confluence-gateway agents` wrote before
    /// agents moved to the store. When it exists, its agents are imported into the store once
    /// (at start or by any `agents` command; names already stored keep the stored version) and
    /// the file is renamed to `<file>.imported`. Remove this key afterwards.
    #[serde(default)]
    pub agents_file: Option<PathBuf>,
    /// Removed: roles now get their tools from `[[policy.rules]]` (a rule with `roles = [...]`
    /// and `toolsets = [...]`). A configuration that still has `[roles]` is refused with the
    /// translation to write.
    #[serde(default)]
    #[schemars(skip)]
    pub roles: Option<toml::Table>,
    /// Access policy: who may call which tool, on which server, on what content (see the
    /// README's Policy section). Default deny: an agent no rule allows can call nothing.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// The default data loss prevention policy, applied to every result an agent receives
    /// and to content an agent writes (see the `dlp` crate for every key).
    #[serde(default)]
    #[schemars(with = "DlpTable")]
    pub dlp: dlp::DlpConfig,
    /// Named DLP policies that agents can choose with `dlp_profile` instead of `[dlp]`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, DlpTable>")]
    pub dlp_profiles: BTreeMap<String, dlp::DlpConfig>,
    /// Size caps of the attachment tools.
    #[serde(default)]
    pub attachments: AttachmentsConfig,
    /// The audit trail: storage mode, retention and SIEM sinks.
    #[serde(default)]
    pub audit: AuditConfig,
    /// Prometheus metrics, health endpoints and the log format.
    #[serde(default)]
    pub observability: ObservabilityConfig,
    /// The Atlassian OAuth app that `oauth` connections authorize through.
    #[serde(default)]
    pub oauth: Option<OAuthAppConfig>,
    /// The token vault: master key source and refresh timing.
    #[serde(default)]
    pub vault: VaultConfig,
}

/// Size caps of the attachment tools. What `read_attachment` extracts is bounded further by
/// fixed limits (2 MiB of text, 500 rows per table, 32 MiB unpacked per docx/xlsx, 500 PDF
/// pages), documented in the README.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentsConfig {
    /// Largest file `read_attachment` downloads, in bytes. A larger file is refused before
    /// its download starts when Confluence reports its size, else as soon as more arrives.
    pub max_download_bytes: u64,
    /// Largest file `upload_attachment` accepts, in bytes after base64 decoding. The request
    /// carrying it must also fit `listen.max_request_bytes` (base64 is 4/3 of the size).
    pub max_upload_bytes: u64,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        AttachmentsConfig {
            max_download_bytes: 10 * 1024 * 1024,
            max_upload_bytes: 2 * 1024 * 1024,
        }
    }
}

/// A DLP policy table: `categories`, `disabled_detectors`, `ip_addresses`, `max_findings`,
/// `hash_key`, `[actions]` (`default`, `categories`, `detectors`: redact, mask, hash, tokenize,
/// block or allow) and `[[custom]]` detectors, as documented by `confluence-gateway dlp scan --help`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct DlpTable(serde_json::Map<String, serde_json::Value>);

/// `[policy]`: the rules inline, or the file that holds them.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// A TOML file of `[[rules]]` (the same keys as `[[policy.rules]]`), relative to this
    /// file's directory. A running gateway reloads it when it changes (checked every second);
    /// an invalid new version is refused and the old one stays in force. Use either this or
    /// inline `[[policy.rules]]`.
    #[serde(default)]
    pub policy_file: Option<PathBuf>,
    /// The rules, in order (see the `policy` crate for every key: `id`, `effect`, `agents`,
    /// `roles`, `servers`, `tools`, `toolsets`, `actions`, `spaces`, `under`, `labels`,
    /// `content_types`, `max_response_chars`, `rate_per_minute`, `dlp_profile`).
    #[serde(default)]
    #[schemars(with = "Vec<policy::RuleConfig>")]
    pub rules: Vec<Spanned<policy::RuleConfig>>,
}

/// Where the HTTP listener binds and which Host/Origin headers it accepts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ListenConfig {
    /// Socket address of the HTTP listener, e.g. `127.0.0.1:8080`. Port 0 picks a free port.
    pub address: String,
    /// Host header values accepted (DNS-rebinding protection). An entry without a port accepts
    /// any port. Requests with any other Host get 403.
    pub allowed_hosts: Vec<String>,
    /// Origin header values accepted from browsers (`scheme://host:port`). Empty: requests
    /// carrying an Origin header are refused unless it is on the same allowed host list;
    /// requests without Origin (non-browser clients) always pass.
    pub allowed_origins: Vec<String>,
    /// Largest accepted request body in bytes; larger requests get 413.
    pub max_request_bytes: usize,
}

impl Default for ListenConfig {
    fn default() -> Self {
        ListenConfig {
            address: "127.0.0.1:8080".to_owned(),
            allowed_hosts: vec![
                "localhost".to_owned(),
                "127.0.0.1".to_owned(),
                "::1".to_owned(),
            ],
            allowed_origins: Vec::new(),
            max_request_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Secrets the gateway itself needs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// The secret that agent keys are hashed with (HMAC-SHA256), at least 32 characters.
    /// Prefer `key_secret_env`; a secret written here is only as safe as this file.
    pub key_secret: Option<String>,
    /// Environment variable holding the key secret (wins over `key_secret`).
    pub key_secret_env: Option<String>,
}

/// Per-agent call rate limits.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    /// Sustained tool calls per second allowed per agent (across all its sessions and
    /// servers). 0 disables the limit.
    pub calls_per_second: f64,
    /// Calls an agent may make at once above the sustained rate.
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            calls_per_second: 20.0,
            burst: 40,
        }
    }
}

/// `[[connections]]`: a Confluence site and a credential for it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionConfig {
    /// Name agents refer to in `connection`.
    pub name: String,
    /// The site, e.g. `https://acme.atlassian.net` (the `/wiki` suffix is optional).
    pub site_url: String,
    /// How the gateway authenticates: `api_token` (Basic email:token, a service identity),
    /// `oauth` (a user's OAuth 3LO session, kept in the vault and refreshed; connect it with
    /// `confluence-gateway connect --user USER`) or `access_token` (a Bearer token managed by
    /// the caller, never refreshed; `site_url` is then the wiki base URL it works against).
    #[serde(default)]
    pub auth: ConnectionAuth,
    /// Atlassian account email for `api_token`.
    #[serde(default)]
    pub email: String,
    /// `oauth`: the user this connection acts for (what `connect --user` names).
    #[serde(default)]
    pub user: Option<String>,
    /// The API token (`api_token`) or access token (`access_token`). Prefer `token_env`.
    #[serde(default)]
    pub token: Option<String>,
    /// Environment variable holding the token (wins over `token`).
    #[serde(default)]
    pub token_env: Option<String>,
    /// The gateway's own request budget towards this site, so it slows down before Atlassian
    /// answers 429: steady requests per second (0 disables the bucket).
    #[serde(default = "default_requests_per_second")]
    pub requests_per_second: f64,
    /// Requests above the steady rate that may go at once.
    #[serde(default = "default_burst")]
    pub burst: u32,
    /// Requests to this site in flight at once.
    #[serde(default = "default_max_concurrent")]
    pub max_concurrent: usize,
}

fn default_requests_per_second() -> f64 {
    10.0
}

fn default_burst() -> u32 {
    5
}

fn default_max_concurrent() -> usize {
    8
}

/// Authentication kinds of a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionAuth {
    /// Basic `email:api-token` to `{site_url}/wiki`.
    #[default]
    ApiToken,
    /// A user's OAuth 2.0 (3LO) session, owned and refreshed by the gateway.
    Oauth,
    /// A caller-managed Bearer token (no refresh).
    AccessToken,
}

/// `[[servers]]`: one virtual MCP server.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Short name, shown to clients as the server's name.
    pub name: String,
    /// URL path the server answers on, e.g. `/mcp/readonly`.
    pub path: String,
    /// What this server is for; sent to clients as instructions.
    #[serde(default)]
    pub description: String,
    /// Toolset selectors this server exposes, e.g. `["pages:read"]`.
    pub toolsets: Vec<String>,
    /// Seconds a tool call may take before it fails with a timeout.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Marks a server that acts on production content (recorded for the approval stage that
    /// comes later; no effect yet).
    #[serde(default)]
    pub production: bool,
    /// Agents allowed on this server by name; `["*"]` allows every agent.
    pub agents: Vec<String>,
    /// Largest text an agent receives from one call, in characters; longer results are cut
    /// with a hint saying how to continue.
    #[serde(default = "default_max_response_chars")]
    pub max_response_chars: usize,
}

fn default_timeout_secs() -> u64 {
    30
}

fn default_max_response_chars() -> usize {
    20_000
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}

/// `[[agents]]`: an MCP client identity.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Unique name, used in logs, audit and `[[servers]].agents`.
    pub name: String,
    /// Roles, which `[[policy.rules]]` grant tools and content to (`roles = [...]` in a rule).
    #[serde(default)]
    pub roles: Vec<String>,
    /// The connection this agent's calls go through.
    pub connection: String,
    /// A disabled agent's key is refused (401).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// RFC 3339 time after which the key is refused (401), e.g. `2027-01-01T00:00:00Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// `hmac-sha256:<64 hex>`: the keyed hash of the agent's key, which is never stored
    /// (`agents add NAME --toml` prints a table with a fresh key's hash).
    pub key_hash: String,
    /// Removed: spaces are limited by `[[policy.rules]]` (`spaces = [...]`). An agent that
    /// still sets it is refused with the rule to write instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(skip)]
    pub spaces: Vec<String>,
    /// A key of `[dlp_profiles]` to use instead of `[dlp]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dlp_profile: Option<String>,
}

fn default_true() -> bool {
    true
}

/// The legacy file `agents_file` points at (imported into the store, see [`Config::agents_file`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentsFile {
    #[serde(default)]
    pub agents: Vec<AgentConfig>,
}

/// A configuration problem, with the key (and line, when known) it is about.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// toml's message already names the line, column and key and quotes the line.
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    /// A policy problem; the message names the rule, its line and column.
    #[error("{path}: {message}")]
    Policy { path: String, message: String },
    #[error("{path}{}: {key}: {message}", line_suffix(*.line))]
    Invalid {
        path: String,
        key: String,
        line: Option<usize>,
        message: String,
    },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

/// A validated configuration plus what it was loaded from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The agents declared in the file (`[[agents]]`); stored agents join them at run time.
    pub agents: Vec<AgentConfig>,
    pub path: PathBuf,
    /// The compiled `[policy]`.
    pub policy: std::sync::Arc<policy::Policy>,
    /// The policy file, when `[policy] policy_file` names one (resolved).
    pub policy_file: Option<PathBuf>,
}

impl Loaded {
    /// `data_dir` resolved against the config file's directory.
    pub fn data_dir(&self) -> PathBuf {
        resolve_relative(&self.path, &self.config.data_dir)
    }

    /// A path from the configuration resolved against the config file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        resolve_relative(&self.path, p)
    }

    /// `agents_file` resolved against the config file's directory.
    pub fn agents_file_path(&self) -> Option<PathBuf> {
        self.config
            .agents_file
            .as_ref()
            .map(|p| resolve_relative(&self.path, p))
    }
}

fn resolve_relative(config_path: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_owned()
    } else {
        config_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(p)
    }
}

/// Reads, parses and validates the file at `path`. Stored agents are not part of it: they
/// join at run time (see `runtime::Gateway`).
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    from_str(&text, path)
}

/// Parses and validates a configuration held in memory (`path` names it in errors; a
/// `policy_file` is read relative to it).
pub fn from_str(text: &str, path: &Path) -> Result<Loaded, ConfigError> {
    let mut loaded = parse(text, path)?;
    validate(&loaded, text)?;
    load_policy(&mut loaded, text)?;
    validate::validate_agents(&loaded, text)?;
    Ok(loaded)
}

/// What policy rules may name: the tools, servers and DLP profiles of this configuration.
pub fn policy_known(config: &Config) -> policy::Known {
    policy::Known {
        tools: Some(crate::tools::catalog::tool_names().to_vec()),
        servers: Some(
            config
                .servers
                .iter()
                .map(|s| s.get_ref().name.clone())
                .collect(),
        ),
        dlp_profiles: Some(config.dlp_profiles.keys().cloned().collect()),
    }
}

/// Compiles `[policy]`: the inline rules, or the file `policy_file` names.
fn load_policy(loaded: &mut Loaded, text: &str) -> Result<(), ConfigError> {
    let known = policy_known(&loaded.config);
    let section = &loaded.config.policy;
    let policy = match &section.policy_file {
        Some(file) => {
            let file_path = resolve_relative(&loaded.path, file);
            let shown = file_path.display().to_string();
            if !section.rules.is_empty() {
                return Err(ConfigError::Policy {
                    path: loaded.path.display().to_string(),
                    message: format!(
                        "[policy] has both policy_file ({shown}) and [[policy.rules]]; keep one"
                    ),
                });
            }
            let policy_text =
                std::fs::read_to_string(&file_path).map_err(|source| ConfigError::Read {
                    path: shown.clone(),
                    source,
                })?;
            let fail = |e: policy::PolicyError| ConfigError::Policy {
                path: shown.clone(),
                message: e.to_string(),
            };
            let parsed = policy::parse_policy_file(&policy_text).map_err(fail)?;
            let compiled =
                policy::Policy::compile(&parsed.rules, &policy_text, &known).map_err(fail)?;
            loaded.policy_file = Some(file_path);
            compiled
        }
        None => policy::Policy::compile(&section.rules, text, &known).map_err(|e| {
            ConfigError::Policy {
                path: loaded.path.display().to_string(),
                message: e.to_string(),
            }
        })?,
    };
    loaded.policy = std::sync::Arc::new(policy);
    Ok(())
}

fn parse(text: &str, path: &Path) -> Result<Loaded, ConfigError> {
    let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let agents = config.agents.iter().map(|a| a.get_ref().clone()).collect();
    Ok(Loaded {
        config,
        agents,
        path: path.to_owned(),
        policy: std::sync::Arc::default(),
        policy_file: None,
    })
}

/// Reads an agents file; a missing file is an empty one.
pub fn load_agents_file(path: &Path) -> Result<AgentsFile, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AgentsFile::default()),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// A commented starter configuration (`confluence-gateway init`). `key_secret` is filled in
/// with a fresh random secret.
pub fn starter(key_secret: &str) -> String {
    STARTER.replace("{KEY_SECRET}", key_secret)
}

const STARTER: &str = include_str!("config/starter.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_config_parses_and_validates() {
        let text = starter(&"x".repeat(40));
        let loaded = from_str(&text, Path::new("starter.toml"));
        assert!(loaded.is_ok(), "{loaded:?}");
    }

    #[test]
    fn errors_name_key_and_line() {
        let text = starter(&"x".repeat(40))
            .replace("toolsets = [\"pages:read\"]", "toolsets = [\"nope\"]");
        let err = from_str(&text, Path::new("c.toml"))
            .map(|_| ())
            .err()
            .map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(err.contains("servers[0]"), "{err}");
        assert!(err.contains("toolsets"), "{err}");
        assert!(err.contains("line "), "{err}");
        assert!(err.contains("unknown toolset 'nope'"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let text = "[listen]\naddress = \"127.0.0.1:1\"\nadress = 3\n";
        let err = from_str(text, Path::new("c.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("adress"), "{err}");
    }
}
