//! `confluence-gateway demo`: the Confluence emulator with the demo wiki, in-process, and the
//! gateway in front of it with a demo configuration — a read-only and a read-write server and
//! four agents with different powers. The configuration is ordinary TOML (see
//! [`DemoInfo::config_toml`]) loaded through the same path as `serve`.

use std::net::SocketAddr;
use std::sync::Arc;

use serde::Serialize;

use crate::agents::{KeyHasher, generate_key};
use crate::mcp::http::Serving;
use crate::runtime::Gateway;

pub struct DemoOptions {
    /// Where the gateway listens (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Where the emulator listens.
    pub emulator_listen: SocketAddr,
    /// OAuth access-token lifetime in the emulator.
    pub token_ttl_secs: u64,
    /// Per-agent call rate limit (`[rate_limit] calls_per_second`; 0 disables it).
    pub calls_per_second: f64,
    /// Connect the demo users through the emulator's OAuth server (auto-consent) instead of
    /// API tokens, so calls go through the vault's refresh path.
    pub oauth: bool,
}

/// Everything a user (or a test) needs to connect.
#[derive(Debug, Clone, Serialize)]
pub struct DemoInfo {
    pub gateway_url: String,
    pub servers: Vec<DemoServer>,
    pub agents: Vec<DemoAgent>,
    pub emulator: confluence_emulator::EmulatorInfo,
    /// The gateway configuration the demo runs (agent keys appear only as hashes).
    pub config_toml: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoServer {
    pub name: String,
    pub url: String,
    pub description: String,
    pub toolsets: Vec<String>,
    pub agents: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoAgent {
    pub name: String,
    /// The agent key (shown once; the gateway keeps only its hash).
    pub key: String,
    pub roles: Vec<String>,
    /// The spaces its policy rules name (empty: every space the connection sees).
    pub spaces: Vec<String>,
    pub dlp_profile: Option<String>,
    /// The emulator user whose API token the agent's connection uses.
    pub acts_as: String,
    pub what: String,
}

/// A running demo; dropping it stops both servers and deletes its data directory.
pub struct Demo {
    pub info: DemoInfo,
    pub gateway: Arc<Gateway>,
    pub serving: Serving,
    pub emulator: confluence_emulator::RunningEmulator,
    /// The demo's throw-away `data_dir` (a fresh temporary directory, mode 0700).
    pub data_dir: tempfile::TempDir,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("emulator: {0}")]
    Emulator(#[from] confluence_emulator::StartError),
    #[error("demo configuration: {0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("gateway: {0}")]
    Build(#[from] crate::runtime::BuildError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the demo seed has no user {0}")]
    NoUser(&'static str),
    #[error("creating the demo's data directory: {0}")]
    DataDir(std::io::Error),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    OAuth(String),
}

struct AgentPlan {
    name: &'static str,
    roles: &'static [&'static str],
    connection: &'static str,
    spaces: &'static [&'static str],
    dlp_profile: Option<&'static str>,
    what: &'static str,
}

const AGENTS: &[AgentPlan] = &[
    AgentPlan {
        name: "support-bot",
        roles: &["support"],
        connection: "alice",
        spaces: &["ENG", "DOCS"],
        dlp_profile: None,
        what: "reads ENG and DOCS only (not pages labelled confidential, not ENG's team meeting notes), on the read-only server",
    },
    AgentPlan {
        name: "docs-writer",
        roles: &["writer"],
        connection: "bob",
        spaces: &["DOCS"],
        dlp_profile: None,
        what: "reads and writes DOCS (not pages labelled confidential; deleting the space needs approval), on both servers",
    },
    AgentPlan {
        name: "auditor",
        roles: &["auditor"],
        connection: "alice",
        spaces: &[],
        dlp_profile: Some("strict"),
        what: "reads every space under strict DLP (secrets block the call)",
    },
    AgentPlan {
        name: "space-admin",
        roles: &["space-admin"],
        connection: "alice",
        spaces: &[],
        dlp_profile: None,
        what: "creates, renames and deletes spaces (and reads everything), on both servers",
    },
];

const CONNECTIONS: &[(&str, &str)] = &[("alice", "alice@example.com"), ("bob", "bob@example.com")];

/// Connects `conn` through the emulator's OAuth server, consenting as `email` on the user's
/// behalf (the emulator's `auto_consent`), exactly as `/oauth/callback` would complete it.
async fn auto_consent(
    vault: &crate::vault::Vault,
    connections: &[crate::config::ConnectionConfig],
    conn: &crate::config::ConnectionConfig,
    email: &str,
    addr: SocketAddr,
) -> Result<(), DemoError> {
    let fail = |e: String| DemoError::OAuth(format!("connecting {}: {e}", conn.name));
    let redirect = format!("http://{addr}/oauth/callback");
    let url = crate::vault::connect::start(vault, conn, &redirect)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let answer = http
        .get(format!("{url}&auto_consent={email}"))
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    let location = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| {
            fail(format!(
                "the emulator answered {} without a redirect",
                answer.status()
            ))
        })?;
    let back = url::Url::parse(location).map_err(|e| fail(e.to_string()))?;
    let param = |name: &str| {
        back.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .ok_or_else(|| fail(format!("no {name} in the redirect")))
    };
    crate::vault::connect::complete(vault, connections, &param("state")?, &param("code")?)
        .await
        .map_err(|e| fail(e.to_string()))?;
    Ok(())
}

/// Starts the emulator and the gateway.
pub async fn start(options: &DemoOptions) -> Result<Demo, DemoError> {
    let emulator = confluence_emulator::start(confluence_emulator::EmulatorConfig {
        listen: options.emulator_listen,
        seed: confluence_emulator::SeedKind::Demo,
        token_ttl_secs: options.token_ttl_secs,
        rate_limit_rps: 0.0,
        ..confluence_emulator::EmulatorConfig::default()
    })
    .await?;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| DemoError::Bind {
            addr: options.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| DemoError::Bind {
        addr: options.listen,
        source,
    })?;
    drop(listener);

    let data_dir = tempfile::Builder::new()
        .prefix("confluence-gateway-demo-")
        .tempdir()
        .map_err(DemoError::DataDir)?;
    let secret = generate_key();
    let hasher = KeyHasher::new(secret.as_bytes());
    let keys: Vec<String> = AGENTS.iter().map(|_| generate_key()).collect();
    let mut toml = format!(
        "# The demo configuration (agent keys appear only as hashes).\n\
         # A temporary data directory, deleted when the demo stops.\n\
         data_dir = {}\n\n\
         [listen]\naddress = \"{addr}\"\nallowed_hosts = [\"localhost\", \"127.0.0.1\", \"::1\"]\n\n\
         [security]\nkey_secret = \"{secret}\"\n\n\
         [rate_limit]\ncalls_per_second = {}\nburst = 200\n\n",
        toml::Value::from(data_dir.path().display().to_string()),
        options.calls_per_second
    );
    for (name, email) in CONNECTIONS {
        let user = emulator
            .info
            .users
            .iter()
            .find(|u| u.email == *email)
            .ok_or(DemoError::NoUser(email))?;
        let credential = if options.oauth {
            format!("auth = \"oauth\"\nuser = \"{name}\"\n")
        } else {
            format!("email = \"{email}\"\ntoken = \"{}\"\n", user.api_token)
        };
        toml.push_str(&format!(
            "[[connections]]\nname = \"{name}\"\nsite_url = \"{}\"\n{credential}\
             # The emulator has no rate limit in the demo, so neither does the gateway's budget.\n\
             requests_per_second = 0\nmax_concurrent = 64\n\n",
            emulator.info.site_url
        ));
    }
    if options.oauth {
        let key_file = data_dir.path().join("master.key");
        std::fs::write(
            &key_file,
            format!(
                "{}\n",
                crate::vault::MasterKey::generate().encoded().as_str()
            ),
        )
        .map_err(DemoError::DataDir)?;
        let info = &emulator.info;
        toml.push_str(&format!(
            "[oauth]\nclient_id = \"{}\"\nclient_secret = \"{}\"\nauthorize_url = \"{}\"\n\
             token_url = \"{}\"\naccessible_resources_url = \"{}\"\napi_gateway_url = \"{}\"\n\
             redirect_uri = \"http://{addr}/oauth/callback\"\n\
             scopes = [\"read:confluence-content.all\", \"write:confluence-content\", \"offline_access\"]\n\n\
             [vault]\nkey_file = {}\n\n",
            info.client_id,
            info.client_secret,
            info.authorize_url,
            info.token_url,
            info.accessible_resources_url,
            info.site_url,
            toml::Value::from(key_file.display().to_string()),
        ));
    }
    toml.push_str(
        "[[servers]]\nname = \"readonly\"\npath = \"/mcp/readonly\"\n\
         description = \"Read-only Confluence: search and read pages.\"\n\
         toolsets = [\"*:read\"]\nagents = [\"*\"]\n\n\
         [[servers]]\nname = \"readwrite\"\npath = \"/mcp/readwrite\"\n\
         description = \"Read and write Confluence pages.\"\n\
         toolsets = [\"*\"]\nagents = [\"docs-writer\", \"space-admin\"]\n\n",
    );
    let team_notes = demo_page_id(&emulator.info, "ENG", "Team meetings").await;
    toml.push_str(&demo_policy(team_notes.as_deref()));
    for (plan, key) in AGENTS.iter().zip(&keys) {
        toml.push_str(&format!(
            "[[agents]]\nname = \"{}\"\nroles = {:?}\nconnection = \"{}\"\nkey_hash = \"{}\"\n{}\n",
            plan.name,
            plan.roles,
            plan.connection,
            hasher.hash(key),
            plan.dlp_profile
                .map(|p| format!("dlp_profile = \"{p}\"\n"))
                .unwrap_or_default()
        ));
    }
    toml.push_str(
        "[dlp]\ncategories = [\"secret\", \"pii\"]\n\n\
         [dlp_profiles.strict.actions]\ndefault = \"redact\"\ncategories = { \"secret\" = \"block\" }\n",
    );

    let loaded = crate::config::from_str(&toml, std::path::Path::new("<demo>"))?;
    let store = crate::store::Store::open(&loaded.data_dir()).await?;
    let gateway = Gateway::open(loaded, store).await?;
    if options.oauth {
        let rt = gateway.runtime();
        let connections: Vec<_> = rt
            .loaded
            .config
            .connections
            .iter()
            .map(|c| c.get_ref().clone())
            .collect();
        for conn in &connections {
            let email = CONNECTIONS
                .iter()
                .find(|(n, _)| *n == conn.name)
                .map(|(_, e)| *e)
                .unwrap_or_default();
            auto_consent(&gateway.vault, &connections, conn, email, addr).await?;
        }
    }
    let serving = crate::mcp::http::bind(gateway.clone(), addr)
        .await
        .map_err(|source| DemoError::Bind { addr, source })?;
    let gateway_url = format!("http://{}", serving.addr);
    let rt = gateway.runtime();
    let servers = rt
        .servers
        .iter()
        .map(|s| DemoServer {
            name: s.name.clone(),
            url: format!("{gateway_url}{}", s.path),
            description: s.description.clone(),
            toolsets: s.toolsets.clone(),
            agents: s.agents.clone(),
        })
        .collect();
    let agents = AGENTS
        .iter()
        .zip(keys)
        .map(|(plan, key)| DemoAgent {
            name: plan.name.to_owned(),
            key,
            roles: plan.roles.iter().map(|r| (*r).to_owned()).collect(),
            spaces: plan.spaces.iter().map(|s| (*s).to_owned()).collect(),
            dlp_profile: plan.dlp_profile.map(str::to_owned),
            acts_as: CONNECTIONS
                .iter()
                .find(|(n, _)| *n == plan.connection)
                .map(|(_, e)| (*e).to_owned())
                .unwrap_or_default(),
            what: plan.what.to_owned(),
        })
        .collect();
    Ok(Demo {
        info: DemoInfo {
            gateway_url,
            servers,
            agents,
            emulator: emulator.info.clone(),
            config_toml: toml,
        },
        gateway,
        serving,
        emulator,
        data_dir,
    })
}

/// The demo's access policy. `team_notes` is the id of ENG's "Team meetings" page (hidden
/// from support-bot with everything below it, to show page-tree rules).
fn demo_policy(team_notes: Option<&str>) -> String {
    let mut out = String::from(
        r#"# Access policy: default deny; deny wins over require_approval, which wins over allow.
[[policy.rules]]
id = "support-reads-eng-docs"
description = "support-bot answers questions from engineering and product docs"
effect = "allow"
roles = ["support"]
toolsets = ["*:read"]
spaces = ["ENG", "DOCS"]

[[policy.rules]]
id = "writer-works-in-docs"
effect = "allow"
roles = ["writer"]
toolsets = ["*"]
spaces = ["DOCS"]

[[policy.rules]]
id = "writer-space-deletion-needs-approval"
effect = "require_approval"
roles = ["writer"]
tools = ["delete_space"]
spaces = ["DOCS"]

[[policy.rules]]
id = "auditor-reads-everything"
effect = "allow"
roles = ["auditor"]
toolsets = ["*:read"]

[[policy.rules]]
id = "space-admin"
effect = "allow"
roles = ["space-admin"]
toolsets = ["spaces", "*:read"]

[[policy.rules]]
id = "no-confidential"
description = "pages labelled confidential stay with humans (the auditor excepted)"
effect = "deny"
roles = ["support", "writer"]
labels = ["confidential"]

"#,
    );
    if let Some(id) = team_notes {
        out.push_str(&format!(
            "[[policy.rules]]\nid = \"support-no-team-notes\"\ndescription = \"ENG's team meeting notes are internal\"\neffect = \"deny\"\nroles = [\"support\"]\nunder = [\"{id}\"]\n\n"
        ));
    }
    out
}

/// The id of the page titled `title` in `space` of the demo wiki (as its admin sees it).
async fn demo_page_id(
    info: &confluence_emulator::EmulatorInfo,
    space: &str,
    title: &str,
) -> Option<String> {
    let admin = info.users.iter().find(|u| u.site_admin)?;
    let client = confluence::Client::new(
        confluence::AuthMode::ApiToken {
            site_url: info.site_url.clone(),
            email: admin.email.clone(),
            token: confluence::Secret::new(admin.api_token.clone()),
        },
        confluence::ClientConfig::default(),
    )
    .ok()?;
    let cql = format!("type = page AND space = {space} AND title = \"{title}\"");
    let mut hits = client.search(&cql, confluence::PageCaps::items(1));
    use futures_util::StreamExt;
    let hit = hits.next().await?.ok()?;
    hit.content_id().map(str::to_owned)
}

/// Copy-paste snippets for connecting common clients to `url` with `key`.
pub fn snippets(server_name: &str, url: &str, key: &str) -> Vec<(&'static str, String)> {
    let name = format!("confluence-{server_name}");
    vec![
        (
            "Claude Code",
            format!(
                "claude mcp add --transport http {name} {url} --header \"Authorization: Bearer {key}\""
            ),
        ),
        (
            "Cursor (~/.cursor/mcp.json)",
            format!(
                "{{\n  \"mcpServers\": {{\n    \"{name}\": {{\n      \"url\": \"{url}\",\n      \"headers\": {{ \"Authorization\": \"Bearer {key}\" }}\n    }}\n  }}\n}}"
            ),
        ),
        (
            "VS Code (.vscode/mcp.json)",
            format!(
                "{{\n  \"servers\": {{\n    \"{name}\": {{\n      \"type\": \"http\",\n      \"url\": \"{url}\",\n      \"headers\": {{ \"Authorization\": \"Bearer {key}\" }}\n    }}\n  }}\n}}"
            ),
        ),
        (
            "MCP Inspector",
            format!(
                "npx @modelcontextprotocol/inspector   # then: Transport \"Streamable HTTP\", URL {url},\n    # header Authorization = Bearer {key}"
            ),
        ),
    ]
}

impl DemoInfo {
    /// The human-readable banner `demo` prints.
    pub fn banner(&self) -> String {
        let mut out = format!(
            "confluence-gateway demo\n\nConfluence emulator (demo wiki): {}/wiki\nGateway: {}\n\nMCP servers:\n",
            self.emulator.site_url, self.gateway_url
        );
        for s in &self.servers {
            out.push_str(&format!(
                "  {:<10} {}   toolsets {:?}, agents {:?}\n",
                s.name, s.url, s.toolsets, s.agents
            ));
        }
        out.push_str("\nAgents (keys are shown once; the gateway stores only hashes):\n");
        for a in &self.agents {
            out.push_str(&format!("  {:<12} {}\n      {}\n", a.name, a.key, a.what));
        }
        if let (Some(server), Some(agent)) = (self.servers.first(), self.agents.first()) {
            out.push_str(&format!(
                "\nConnect a client (server '{}' as '{}'; swap URL and key for others):\n",
                server.name, agent.name
            ));
            for (client, snippet) in snippets(&server.name, &server.url, &agent.key) {
                out.push_str(&format!("\n# {client}\n{snippet}\n"));
            }
        }
        out.push_str("\nPress Ctrl-C to stop.\n");
        out
    }
}
