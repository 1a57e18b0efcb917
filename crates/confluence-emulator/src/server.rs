//! Binding, routing and the accept loop. The loop is ours (not `axum::serve`) so that fault
//! injection can drop a connection without answering, as a flaky upstream does.

use crate::config::EmulatorConfig;
use crate::faults::FaultDecision;
use crate::info::EmulatorInfo;
use crate::state::{AppState, Stats};
use crate::{admin, auth, oauth, ratelimit, seed, v1, v2};
use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::http::{Request, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::net::SocketAddr;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// Internal prefix that OAuth-gateway requests are routed under once their cloud id is read.
const OAUTH_MOUNT: &str = "/__oauth/wiki";

#[derive(Debug, Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running emulator; dropping it (or calling [`RunningEmulator::shutdown`]) stops it.
pub struct RunningEmulator {
    pub addr: SocketAddr,
    pub info: EmulatorInfo,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Resolves when the server stops (it runs until shut down).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// The cloud id carried by an OAuth-gateway request, set before routing.
#[derive(Clone, Debug)]
pub struct GatewayCloudId(pub String);

/// Binds, seeds and starts serving in the background.
pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, StartError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.listen,
        source,
    })?;
    let site_url = format!("http://{addr}");
    let store = seed::build(config.seed, config.seed_rng, config.extra_pages);
    let state = AppState::new(config, site_url, store);
    let info = EmulatorInfo::from_state(&state);
    let router = router(state.clone());
    let (shutdown, shutdown_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, router, state.clone(), shutdown_rx));
    Ok(RunningEmulator {
        addr,
        info,
        state,
        shutdown,
        task: Some(task),
    })
}

fn wiki_api(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(v2::routes())
        .merge(v1::routes())
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
}

pub fn router(state: AppState) -> Router {
    let site = wiki_api(&state)
        .route_layer(from_fn_with_state(state.clone(), ratelimit::limit))
        .route_layer(from_fn_with_state(state.clone(), auth::authenticate_site));
    let gateway = wiki_api(&state)
        .route_layer(from_fn_with_state(state.clone(), ratelimit::limit))
        .route_layer(from_fn_with_state(state.clone(), auth::authenticate_oauth));
    Router::new()
        .nest("/wiki", site)
        .nest(OAUTH_MOUNT, gateway)
        .route(
            "/authorize",
            get(oauth::authorize_page).post(oauth::authorize_consent),
        )
        .route("/oauth/token", post(oauth::token))
        .route(
            "/oauth/token/accessible-resources",
            get(oauth::accessible_resources),
        )
        .route("/__admin/info", get(admin::info))
        .route("/__admin/stats", get(admin::stats))
        .route(
            "/__admin/faults",
            get(admin::get_faults).put(admin::put_faults),
        )
        .route(
            "/__admin/oauth/expire-access-tokens",
            post(admin::expire_tokens),
        )
        .route("/__admin/oauth/revoke", post(admin::revoke))
        .route("/__admin/oauth/issued", get(admin::issued_tokens))
        .fallback(|| async { (StatusCode::NOT_FOUND, "Not Found").into_response() })
        .with_state(state)
}

/// Maps `/ex/confluence/{cloudId}/wiki/...` onto the internal mount, remembering the cloud id.
fn route_gateway_path(uri: &Uri) -> Option<(Uri, String)> {
    let rest = uri.path().strip_prefix("/ex/confluence/")?;
    let (cloud_id, tail) = rest.split_once('/')?;
    let tail = tail.strip_prefix("wiki")?;
    let mut rewritten = format!("{OAUTH_MOUNT}{tail}");
    if let Some(q) = uri.query() {
        rewritten.push('?');
        rewritten.push_str(q);
    }
    Some((rewritten.parse().ok()?, cloud_id.to_owned()))
}

fn is_api_path(path: &str) -> bool {
    path.starts_with("/wiki/") || path.starts_with("/ex/confluence/")
}

#[derive(Debug, Error)]
#[error("connection dropped by fault injection")]
struct DroppedByFault;

async fn handle(
    router: Router,
    state: AppState,
    req: Request<hyper::body::Incoming>,
) -> Result<axum::response::Response, DroppedByFault> {
    let mut req = req.map(axum::body::Body::new);
    let original = req.uri().clone();
    if is_api_path(original.path()) {
        Stats::bump(&state.stats.api_requests);
        let (decision, latency) = state.faults.decide();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        match decision {
            FaultDecision::Pass => {}
            FaultDecision::Drop => {
                Stats::bump(&state.stats.connections_dropped);
                return Err(DroppedByFault);
            }
            FaultDecision::Error(code) => {
                Stats::bump(&state.stats.faults_injected);
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let flavor = auth::flavor_of(original.path());
                return Ok(crate::errors::ApiError::new(
                    flavor,
                    status,
                    "Injected upstream failure; retry later",
                )
                .into_response());
            }
            FaultDecision::Throttle { retry_after_secs } => {
                Stats::bump(&state.stats.faults_injected);
                Stats::bump(&state.stats.rate_limited);
                return Ok(ratelimit::too_many_requests(
                    auth::flavor_of(original.path()),
                    state.config.rate_limit_rps,
                    retry_after_secs,
                    "429 storm",
                ));
            }
        }
        if let Some((rewritten, cloud_id)) = route_gateway_path(&original) {
            req.extensions_mut().insert(OriginalUri(original.clone()));
            req.extensions_mut().insert(GatewayCloudId(cloud_id));
            *req.uri_mut() = rewritten;
        }
    }
    match router.oneshot(req).await {
        Ok(response) => Ok(response),
        Err(never) => match never {},
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    state: AppState,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let router = router.clone();
        let state = state.clone();
        let mut conn_shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req| handle(router.clone(), state.clone(), req));
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = conn_shutdown.changed() => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_paths_are_rewritten_with_their_cloud_id() {
        let uri: Uri = "/ex/confluence/abc-1/wiki/api/v2/pages?limit=2"
            .parse()
            .unwrap();
        let (rewritten, cloud) = route_gateway_path(&uri).unwrap();
        assert_eq!(rewritten.to_string(), "/__oauth/wiki/api/v2/pages?limit=2");
        assert_eq!(cloud, "abc-1");
        assert!(route_gateway_path(&"/wiki/api/v2/pages".parse().unwrap()).is_none());
    }
}
