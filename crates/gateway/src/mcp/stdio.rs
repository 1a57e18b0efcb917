//! MCP over stdio for clients that launch the gateway as a local process. The agent is fixed
//! for the whole session: its key comes from an environment variable (never a command-line
//! argument, which other local users could read), and is checked like an HTTP key.

use std::sync::Arc;

use rmcp::ServiceExt;

use super::handler::VirtualServer;
use crate::runtime::Gateway;

#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    #[error("no server named '{0}' in the configuration")]
    NoServer(String),
    #[error("${var}: {message}")]
    Key { var: String, message: String },
    #[error("agent '{agent}' may not use server '{server}'")]
    NotAllowed { agent: String, server: String },
    #[error("MCP session failed: {0}")]
    Session(String),
}

/// Serves `server_name` on stdin/stdout as the agent whose key is in `$key_env` until the
/// client closes the stream.
pub async fn run(
    gateway: Arc<Gateway>,
    server_name: &str,
    key_env: &str,
) -> Result<(), StdioError> {
    let rt = gateway.runtime();
    let server = rt
        .server_by_name(server_name)
        .cloned()
        .ok_or_else(|| StdioError::NoServer(server_name.to_owned()))?;
    let key = std::env::var(key_env).map_err(|_| StdioError::Key {
        var: key_env.to_owned(),
        message: "not set".to_owned(),
    })?;
    let agent = rt
        .agents
        .authenticate_key(key.trim(), chrono::Utc::now())
        .map_err(|e| StdioError::Key {
            var: key_env.to_owned(),
            message: e.to_string(),
        })?;
    if !server.agents.iter().any(|a| a == "*" || *a == agent.name) {
        return Err(StdioError::NotAllowed {
            agent: agent.name.clone(),
            server: server.name.clone(),
        });
    }
    let handler = VirtualServer::new(gateway.clone(), server_name, Some(agent));
    let running = handler
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| StdioError::Session(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| StdioError::Session(e.to_string()))?;
    Ok(())
}
