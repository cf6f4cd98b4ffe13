//! The Kafka Connect REST API (§1 of the reference) over a [`Herder`]: the same paths, status
//! codes, JSON shapes and error bodies, served by axum.
//!
//! ```no_run
//! # async fn run(herder: std::sync::Arc<dyn sluice_actors::herder::Herder>) -> std::io::Result<()> {
//! use sluice_actors::logging::LogLevels;
//! use sluice_actors::rest::{RestExtras, RestServer};
//!
//! let levels = LogLevels::init(tracing::level_filters::LevelFilter::INFO);
//! let server = RestServer::bind("http://:8083").await?;
//! server.serve(herder, RestExtras::new(levels)).await
//! # }
//! ```

mod connectors;
mod errors;
mod extract;
mod listeners;
mod loggers;
mod offsets;
mod plugins;
mod root;
mod tasks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

pub use errors::ApiError;
pub use listeners::{ListenerError, parse_listeners};

use crate::herder::{Herder, HerderResult};
use crate::logging::LogLevels;

/// How long a herder call may take before the request fails with 500 `Request timed out`
/// (Kafka's `DEFAULT_REST_REQUEST_TIMEOUT_MS`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);

/// How long `GET /health` waits for the herder before answering 500 unhealthy.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(10);

/// Renders the Prometheus text exposition served at `GET /metrics`.
pub type MetricsRenderer = Arc<dyn Fn() -> String + Send + Sync>;

/// What the REST API serves besides the herder's endpoints.
#[derive(Clone)]
pub struct RestExtras {
    /// The `GET /metrics` renderer; without one, `/metrics` is a 404.
    pub metrics: Option<MetricsRenderer>,
    /// The log levels `/admin/loggers` reads and changes.
    pub log_levels: LogLevels,
    /// Whether `/admin/loggers` is served (`admin.listeners` set to an empty value disables it).
    pub admin_enabled: bool,
    /// The bound on each herder call ([`REQUEST_TIMEOUT`] unless a test shortens it).
    pub request_timeout: Duration,
    /// The bound on the readiness check of `GET /health` ([`HEALTH_TIMEOUT`]).
    pub health_timeout: Duration,
}

impl RestExtras {
    /// No metrics, `/admin/loggers` over `log_levels`, Kafka's timeouts.
    pub fn new(log_levels: LogLevels) -> Self {
        Self {
            metrics: None,
            log_levels,
            admin_enabled: true,
            request_timeout: REQUEST_TIMEOUT,
            health_timeout: HEALTH_TIMEOUT,
        }
    }

    /// Serves `GET /metrics` with `renderer`.
    pub fn with_metrics(mut self, renderer: MetricsRenderer) -> Self {
        self.metrics = Some(renderer);
        self
    }
}

impl Default for RestExtras {
    fn default() -> Self {
        Self::new(LogLevels::new_detached())
    }
}

/// What every handler sees: the herder and the extras.
#[derive(Clone)]
pub(crate) struct AppState {
    herder: Arc<dyn Herder>,
    extras: Arc<RestExtras>,
}

impl AppState {
    /// Runs a herder call within the request timeout.
    async fn call<T>(&self, call: impl Future<Output = HerderResult<T>>) -> Result<T, ApiError> {
        match tokio::time::timeout(self.extras.request_timeout, call).await {
            Ok(result) => result.map_err(ApiError::from),
            Err(_) => Err(ApiError::timed_out()),
        }
    }

    /// Runs a herder call that cannot fail within the request timeout.
    async fn ask<T>(&self, call: impl Future<Output = T>) -> Result<T, ApiError> {
        tokio::time::timeout(self.extras.request_timeout, call)
            .await
            .map_err(|_| ApiError::timed_out())
    }
}

/// The REST API's routes over `herder`: every endpoint of §1.3, JSON 404 for unknown paths
/// and JSON 405 for known paths asked with another method.
pub fn router(herder: Arc<dyn Herder>, extras: RestExtras) -> Router {
    let admin_enabled = extras.admin_enabled;
    let state = AppState {
        herder,
        extras: Arc::new(extras),
    };
    let mut routes = Router::new()
        .merge(root::routes())
        .merge(connectors::routes())
        .merge(plugins::routes());
    if admin_enabled {
        routes = routes.merge(loggers::routes());
    }
    routes
        .fallback(errors::unknown_route)
        .method_not_allowed_fallback(errors::wrong_method)
        .with_state(state)
}

/// Serves the REST API on `listener` until the process ends or the listener fails.
pub async fn serve(
    listener: TcpListener,
    herder: Arc<dyn Herder>,
    extras: RestExtras,
) -> std::io::Result<()> {
    axum::serve(listener, router(herder, extras)).await
}

/// A bound REST server: Kafka Connect's `RestServer` for one http listener.
pub struct RestServer {
    listener: TcpListener,
}

impl RestServer {
    /// Binds the first http listener of a `listeners` value (see [`parse_listeners`]).
    pub async fn bind(listeners: &str) -> std::io::Result<Self> {
        let addr = parse_listeners(listeners)
            .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;
        Self::bind_addr(addr).await
    }

    /// Binds `addr` (port 0 picks a free port).
    pub async fn bind_addr(addr: SocketAddr) -> std::io::Result<Self> {
        Ok(Self {
            listener: TcpListener::bind(addr).await?,
        })
    }

    /// The bound address, with the port actually taken.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves the REST API until the process ends or the listener fails.
    pub async fn serve(self, herder: Arc<dyn Herder>, extras: RestExtras) -> std::io::Result<()> {
        serve(self.listener, herder, extras).await
    }

    /// Serves the REST API until `shutdown` completes, then finishes the requests under way.
    pub async fn serve_with_shutdown(
        self,
        herder: Arc<dyn Herder>,
        extras: RestExtras,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, router(herder, extras))
            .with_graceful_shutdown(shutdown)
            .await
    }
}
