//! The MCP request handler of one virtual server, written by hand (not with rmcp's macros)
//! because each server's tool list is dynamic: it depends on the configuration and on the
//! calling agent. Tool calls go to [`crate::pipeline::call_tool`].

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, InitializeRequestParams,
    InitializeResult, ListPromptsRequestMethod, ListPromptsResult,
    ListResourceTemplatesRequestMethod, ListResourceTemplatesResult, ListResourcesRequestMethod,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::agents::Agent;
use crate::audit::{self, CallRecord};
use crate::config::ServerConfig;
use crate::pipeline;
use crate::runtime::Gateway;

/// Put into each HTTP request's extensions by the auth middleware.
#[derive(Clone, Debug)]
pub struct AuthenticatedAgent(pub Arc<Agent>);

/// One virtual server as an rmcp service. Cheap to clone (rmcp builds one per request in
/// stateless mode).
#[derive(Clone)]
pub struct VirtualServer {
    gateway: Arc<Gateway>,
    server_name: Arc<str>,
    /// The agent of a stdio session; HTTP requests carry theirs in the request extensions.
    fixed_agent: Option<Arc<Agent>>,
}

impl VirtualServer {
    pub fn new(gateway: Arc<Gateway>, server_name: &str, fixed_agent: Option<Arc<Agent>>) -> Self {
        VirtualServer {
            gateway,
            server_name: Arc::from(server_name),
            fixed_agent,
        }
    }

    fn server(&self) -> Result<Arc<ServerConfig>, ErrorData> {
        self.gateway
            .runtime()
            .server_by_name(&self.server_name)
            .cloned()
            .ok_or_else(|| {
                ErrorData::invalid_request(
                    format!("server '{}' is no longer configured", self.server_name),
                    None,
                )
            })
    }

    fn agent(&self, ctx: &RequestContext<RoleServer>) -> Result<Arc<Agent>, ErrorData> {
        if let Some(agent) = &self.fixed_agent {
            return Ok(agent.clone());
        }
        ctx.extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<AuthenticatedAgent>())
            .map(|a| a.0.clone())
            // The HTTP front door refuses unauthenticated requests before they get here.
            .ok_or_else(|| ErrorData::invalid_request("not authenticated", None))
    }
}

impl VirtualServer {
    /// Records a tools/list or session start; in fail-closed mode a failure refuses the request.
    async fn recorded(&self, event: audit::AuditEvent) -> Result<(), ErrorData> {
        self.gateway.auditor.record(event).await.map_err(|e| {
            ErrorData::internal_error(
                format!(
                    "the gateway's audit trail cannot record this request ({e}); retry in a minute, and tell the gateway's admin if it persists"
                ),
                None,
            )
        })
    }
}

/// The JSON-RPC id as text.
fn request_id(ctx: &RequestContext<RoleServer>) -> String {
    match serde_json::to_value(&ctx.id) {
        Ok(serde_json::Value::String(s)) => truncated(&s),
        Ok(other) => truncated(&other.to_string()),
        Err(_) => String::new(),
    }
}

/// Client-chosen text, bounded for the audit trail.
fn truncated(text: &str) -> String {
    text.chars().take(128).collect()
}

impl ServerHandler for VirtualServer {
    fn get_info(&self) -> rmcp::model::ServerConfig {
        let description = self
            .server()
            .map(|s| s.description.clone())
            .unwrap_or_default();
        let instructions = format!(
            "Confluence through confluence-gateway (server '{}'). {description} Page bodies come \
             as Markdown, windowed: follow `next_offset` or ask for a `section`. Errors say what \
             to do next.",
            self.server_name
        );
        rmcp::model::ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                format!("confluence-gateway/{}", self.server_name),
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(instructions)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let agent = self.agent(&ctx)?;
        let server = self.server()?;
        let rt = self.gateway.runtime();
        let mut record = CallRecord::start();
        let tools = pipeline::visible_tools(&rt, &server, &agent);
        record.decision = audit::event::decision::ALLOW;
        record.chars_after = tools.len() as u64;
        let event = record.finish(
            &rt,
            &agent,
            &server,
            audit::event::kind::TOOLS_LIST,
            None,
            Some(request_id(&ctx)),
            "ok",
        );
        self.recorded(event).await?;
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        ctx.peer.set_peer_info(request.clone());
        let result = self.negotiate_initialize(&request);
        let agent = self.agent(&ctx)?;
        let server = self.server()?;
        let rt = self.gateway.runtime();
        let mut record = CallRecord::start();
        record.decision = audit::event::decision::ALLOW;
        let mut event = record.finish(
            &rt,
            &agent,
            &server,
            audit::event::kind::SESSION_START,
            None,
            Some(request_id(&ctx)),
            if result.is_ok() {
                "ok"
            } else {
                "unsupported_protocol_version"
            },
        );
        // Which client and protocol version started the session (names, no secrets).
        event.arguments = Some(serde_json::json!({
            "client": truncated(&request.client_info.name),
            "client_version": truncated(&request.client_info.version),
            "protocol_version": truncated(&request.protocol_version.to_string()),
        }));
        self.recorded(event).await?;
        result
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let agent = self.agent(&ctx)?;
        let server = self.server()?;
        pipeline::call_tool(
            &self.gateway,
            &agent,
            &server,
            &request.name,
            request.arguments,
            Some(request_id(&ctx)),
        )
        .await
        .map(CallToolResponse::from)
    }

    // The gateway declares only the tools capability; requests for prompts and resources get
    // "method not found" rather than empty lists that would suggest otherwise.
    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Err(ErrorData::method_not_found::<ListPromptsRequestMethod>())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Err(ErrorData::method_not_found::<ListResourcesRequestMethod>())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Err(ErrorData::method_not_found::<
            ListResourceTemplatesRequestMethod,
        >())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let server = self.server().ok()?;
        let entry = self.gateway.catalog.get(name)?;
        pipeline::exposes(&server, entry).then(|| entry.spec.to_tool())
    }
}
