//! The HTTP front door, one handler with the HTTP-level stages in order:
//!
//! 1. Host and Origin validation (DNS-rebinding protection) → 403 (400 without a Host);
//! 2. the virtual server at this path → 404;
//! 3. the agent key (`Authorization: Bearer …`) → 401 with `WWW-Authenticate`;
//! 4. the server's agent list → 403;
//! 5. rmcp's Streamable HTTP service for the server, stateless: no `Mcp-Session-Id`, every
//!    request stands alone, so any replica can serve any request (2025-era clients get
//!    answers without a session; 2026-07-28 clients are stateless by design).
//!
//! `/healthz`, `/readyz` and `/metrics` answer GETs after step 1 (see [`operations`]).
//!
//! The configuration is read per request, so a reload applies to the next request.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tower::ServiceExt;

use super::handler::{AuthenticatedAgent, VirtualServer};
use crate::config::ListenConfig;
use crate::runtime::Gateway;

/// The axum router serving every virtual server of `gateway`.
pub fn router(gateway: Arc<Gateway>) -> axum::Router {
    axum::Router::new().fallback(front_door).with_state(gateway)
}

async fn front_door(State(gateway): State<Arc<Gateway>>, mut req: Request) -> Response {
    let rt = gateway.runtime();
    let listen = &rt.loaded.config.listen;
    if let Some(refusal) = refuse_host_or_origin(req.headers(), req.uri(), listen) {
        return refusal;
    }
    if req.method() == axum::http::Method::GET
        && let Some(response) = operations(&gateway, &rt, req.uri().path()).await
    {
        return response;
    }
    if req.method() == axum::http::Method::GET && req.uri().path() == "/oauth/callback" {
        return oauth_callback(&gateway, &rt, req.uri().query().unwrap_or_default()).await;
    }
    let Some(server) = rt.server_by_path(req.uri().path()).cloned() else {
        return json_error(
            StatusCode::NOT_FOUND,
            "no MCP server at this path; see the gateway's configuration for server URLs",
        );
    };
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let agent = match rt.agents.authenticate_header(authorization) {
        Ok(agent) => agent,
        Err(refusal) => {
            tracing::info!(target: "audit", server = %server.name, reason = %refusal, "refused agent key");
            let mut response = json_error(StatusCode::UNAUTHORIZED, &refusal.to_string());
            if let Ok(value) = HeaderValue::from_str(&refusal.challenge()) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            return response;
        }
    };
    if !server.agents.iter().any(|a| a == "*" || *a == agent.name) {
        return json_error(
            StatusCode::FORBIDDEN,
            &format!(
                "agent '{}' may not use server '{}'; ask the gateway's admin to add it to the server's agents",
                agent.name, server.name
            ),
        );
    }
    req.extensions_mut().insert(AuthenticatedAgent(agent));
    let req = match check_json_body(req, listen.max_request_bytes).await {
        Ok(req) => req,
        Err(refusal) => return refusal,
    };
    let service = mcp_service(gateway.clone(), &server.name, listen);
    match service.oneshot(req).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// `/healthz` (the process answers), `/readyz` (see [`readyz`]) and `/metrics` (Prometheus text; `observability.metrics`). They sit behind
/// the Host/Origin check but need no agent key, like every scrape and probe endpoint.
async fn operations(
    gateway: &Gateway,
    rt: &crate::runtime::Runtime,
    path: &str,
) -> Option<Response> {
    match path {
        "/healthz" => Some((StatusCode::OK, axum::Json(json!({ "status": "ok" }))).into_response()),
        "/readyz" => Some(readyz(gateway, rt).await),
        "/metrics" if rt.loaded.config.observability.metrics => Some(
            (
                StatusCode::OK,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                )],
                gateway.metrics.render(),
            )
                .into_response(),
        ),
        _ => None,
    }
}

/// Where Atlassian sends the user back after consent (`confluence-gateway connect`): completes
/// the authorization and says so in plain text; errors say what to do, never carry tokens.
async fn oauth_callback(gateway: &Gateway, rt: &crate::runtime::Runtime, query: &str) -> Response {
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    if let Some(error) = params.get("error") {
        return (
            StatusCode::BAD_REQUEST,
            format!("Atlassian did not authorize the connection ({error}); run `confluence-gateway connect` again."),
        )
            .into_response();
    }
    let (Some(state), Some(code)) = (params.get("state"), params.get("code")) else {
        return (StatusCode::BAD_REQUEST, "missing code or state").into_response();
    };
    let connections: Vec<_> = rt
        .loaded
        .config
        .connections
        .iter()
        .map(|c| c.get_ref().clone())
        .collect();
    match crate::vault::connect::complete(&gateway.vault, &connections, state, code).await {
        Ok(name) => (
            StatusCode::OK,
            format!("Connected '{name}'. The gateway keeps this session alive; you can close this window."),
        )
            .into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("Connecting failed: {e}")).into_response(),
    }
}

/// rmcp's stateless Streamable HTTP service for one server. Host/Origin were checked by the
/// front door, so rmcp's own checks are off (one place, one set of rules).
fn mcp_service(
    gateway: Arc<Gateway>,
    server_name: &str,
    listen: &ListenConfig,
) -> StreamableHttpService<VirtualServer, NeverSessionManager> {
    let handler = VirtualServer::new(gateway, server_name, None);
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_max_request_body_bytes(listen.max_request_bytes);
    StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}

/// A gateway serving HTTP on a bound socket.
pub struct Serving {
    pub addr: std::net::SocketAddr,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Serving {
    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(true);
        self.task.await.unwrap_or(Ok(()))
    }

    /// Runs until the server fails (it does not stop on its own).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.unwrap_or(Ok(()))
    }
}

/// Binds `addr` (port 0 picks one) and serves in the background.
pub async fn bind(gateway: Arc<Gateway>, addr: std::net::SocketAddr) -> std::io::Result<Serving> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (shutdown, mut stop) = tokio::sync::watch::channel(false);
    let app = router(gateway);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            })
            .await
    });
    Ok(Serving {
        addr,
        shutdown,
        task,
    })
}

/// Bodies past the limit are still read (and thrown away) up to this size, so that the client
/// gets the 413 answer instead of a connection reset mid-upload; larger uploads are cut off.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Reads a POST body (at most `limit` bytes) and refuses malformed JSON with a JSON-RPC parse
/// error (-32700), so every malformed request gets an answer a client can parse. Memory stays
/// bounded by `limit`: an oversized body is drained, not kept.
async fn check_json_body(req: Request, limit: usize) -> Result<Request, Response> {
    use futures_util::StreamExt;
    if req.method() != axum::http::Method::POST {
        return Ok(req);
    }
    let too_large = || {
        jsonrpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            -32600,
            &format!(
                "request body larger than {limit} bytes; send smaller arguments (the gateway's listen.max_request_bytes)"
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut kept = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(jsonrpc_error(
                StatusCode::BAD_REQUEST,
                -32600,
                "the request body could not be read",
            ));
        };
        seen += chunk.len();
        if seen > DRAIN_LIMIT {
            break;
        }
        if seen <= limit {
            kept.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        return Err(too_large());
    }
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&kept) {
        return Err(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32700,
            &format!("parse error: the body is not valid JSON ({e})"),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(kept)))
}

fn jsonrpc_error(status: StatusCode, code: i64, message: &str) -> Response {
    let body =
        json!({ "jsonrpc": "2.0", "id": null, "error": { "code": code, "message": message } });
    (status, axum::Json(body)).into_response()
}

fn json_error(status: StatusCode, message: &str) -> Response {
    let body = json!({ "error": message });
    (status, axum::Json(body)).into_response()
}

/// Host name and optional port of a Host header or allow-list entry (`[::1]:8080`, `::1`,
/// `localhost:80`, `example.com`).
fn split_host(value: &str) -> (String, Option<u16>) {
    let value = value.trim();
    if let Some(rest) = value.strip_prefix('[') {
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return (host.to_ascii_lowercase(), port);
    }
    match value.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host.to_ascii_lowercase(), port.parse().ok()),
        _ => (value.to_ascii_lowercase(), None),
    }
}

/// Whether `host` (a Host header value) is allowed. An entry without a port allows any port;
/// an empty list allows every host.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let (name, port) = split_host(host);
    allowed.iter().any(|entry| {
        let (entry_name, entry_port) = split_host(entry);
        entry_name == name && (entry_port.is_none() || entry_port == port)
    })
}

/// The refusal for a request whose Host or Origin is not allowed, if any.
fn refuse_host_or_origin(
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    listen: &ListenConfig,
) -> Option<Response> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.as_str().to_owned()));
    let Some(host) = host else {
        return Some(json_error(StatusCode::BAD_REQUEST, "missing Host header"));
    };
    if !host_allowed(&host, &listen.allowed_hosts) {
        return Some(json_error(
            StatusCode::FORBIDDEN,
            "Host header is not allowed (add it to listen.allowed_hosts)",
        ));
    }
    let origin = headers.get(header::ORIGIN)?;
    let origin_ok = origin
        .to_str()
        .ok()
        .is_some_and(|o| origin_allowed(o, listen));
    (!origin_ok).then(|| {
        json_error(
            StatusCode::FORBIDDEN,
            "Origin is not allowed (add it to listen.allowed_origins)",
        )
    })
}

/// With `allowed_origins` set, the Origin must be one of them; otherwise its host must be an
/// allowed host (a page served by the gateway's own host).
fn origin_allowed(origin: &str, listen: &ListenConfig) -> bool {
    let origin = origin.trim().trim_end_matches('/');
    if !listen.allowed_origins.is_empty() {
        return listen
            .allowed_origins
            .iter()
            .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin));
    }
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    host_allowed(&host, &listen.allowed_hosts)
}

/// Readiness: 503 while the gateway cannot serve calls (store unreadable, audit trail not
/// recording). After a failed reload it still serves, with the previous configuration and
/// policy, and says why as `degraded` (200, so the replica stays in rotation).
async fn readyz(gateway: &Gateway, rt: &crate::runtime::Runtime) -> Response {
    let reasons = gateway.not_ready().await;
    if !reasons.is_empty() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "status": "not ready", "reasons": reasons })),
        )
            .into_response();
    }
    let policy = json!({
        "rules": rt.policy.rules().len(),
        "source": rt.loaded.policy_file.as_ref().unwrap_or(&rt.loaded.path).display().to_string(),
    });
    match gateway.reload_problem() {
        None => axum::Json(json!({"status": "ready", "policy": policy})).into_response(),
        Some(problem) => axum::Json(json!({
            "status": "degraded",
            "policy": policy,
            "reload_error": problem,
            "note": "the last reload failed; the previous configuration and policy stay in force",
        }))
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_with_and_without_ports() {
        let allowed = vec![
            "localhost".to_owned(),
            "127.0.0.1:8080".to_owned(),
            "::1".to_owned(),
        ];
        assert!(host_allowed("localhost:1234", &allowed));
        assert!(host_allowed("LOCALHOST", &allowed));
        assert!(host_allowed("127.0.0.1:8080", &allowed));
        assert!(!host_allowed("127.0.0.1:8081", &allowed));
        assert!(host_allowed("[::1]:9", &allowed));
        assert!(!host_allowed("evil.example", &allowed));
        assert!(!host_allowed("localhost.evil.example:80", &allowed));
        assert!(host_allowed("anything", &[]));
    }

    #[test]
    fn origins() {
        let mut listen = ListenConfig::default();
        assert!(origin_allowed("http://localhost:6274", &listen));
        assert!(!origin_allowed("https://evil.example", &listen));
        assert!(!origin_allowed("null", &listen));
        listen.allowed_origins = vec!["https://app.example.com".into()];
        assert!(origin_allowed("https://app.example.com/", &listen));
        assert!(!origin_allowed("http://localhost:6274", &listen));
    }
}
