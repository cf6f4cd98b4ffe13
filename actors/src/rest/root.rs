//! `GET /`, `GET /health` (KIP-1017) and `GET /metrics`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::AppState;
use super::errors::ApiError;

/// The content type of the Prometheus text exposition format.
const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(server_info))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
}

async fn server_info(State(state): State<AppState>) -> Result<Response, ApiError> {
    let info = state.ask(state.herder.server_info()).await?;
    Ok(Json(info).into_response())
}

/// 200 once the worker is ready, 503 while it starts, 500 when it does not answer in time
/// (Kafka's `WorkerStatus` texts).
async fn health(State(state): State<AppState>) -> Response {
    let ready = tokio::time::timeout(state.extras.health_timeout, state.herder.is_ready()).await;
    let (status, body) = match ready {
        Ok(true) => (
            StatusCode::OK,
            json!({"status": "healthy", "message": "Worker has completed startup and is ready to handle requests."}),
        ),
        Ok(false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "starting", "message": "Worker is still starting up."}),
        ),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"status": "unhealthy", "message": "Worker was unable to handle this request and may be unable to handle other requests."}),
        ),
    };
    (status, Json(body)).into_response()
}

async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let renderer = state
        .extras
        .metrics
        .as_ref()
        .ok_or_else(|| ApiError::from_status(StatusCode::NOT_FOUND))?;
    Ok((
        [(header::CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE)],
        renderer(),
    )
        .into_response())
}
