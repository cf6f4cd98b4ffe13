//! `/connectors/{name}/…`: status, task configs, restarts and target-state changes, and the
//! internal endpoints standalone mode refuses (Kafka Connect's `ConnectorsResource`, second
//! half).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::AppState;
use super::errors::ApiError;
use super::extract::{PathParams, QueryPairs};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/connectors/{name}/status", get(status))
        .route(
            "/connectors/{name}/tasks",
            get(tasks).post(put_task_configs),
        )
        .route("/connectors/{name}/tasks/{task}/status", get(task_status))
        .route(
            "/connectors/{name}/tasks/{task}/restart",
            post(restart_task),
        )
        .route("/connectors/{name}/restart", post(restart))
        .route("/connectors/{name}/pause", put(pause))
        .route("/connectors/{name}/resume", put(resume))
        .route("/connectors/{name}/stop", put(stop))
        .route("/connectors/{name}/fence", put(fence))
}

/// `GET /connectors/{name}/status`.
async fn status(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let status = state.call(state.herder.connector_status(&name)).await?;
    Ok(Json(status).into_response())
}

/// `GET /connectors/{name}/tasks`: `[{"id":{…},"config":{…}}]`.
async fn tasks(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let tasks = state.call(state.herder.task_configs(&name)).await?;
    Ok(Json(tasks).into_response())
}

/// `GET /connectors/{name}/tasks/{task}/status`.
async fn task_status(
    State(state): State<AppState>,
    PathParams((name, task)): PathParams<(String, u32)>,
) -> Result<Response, ApiError> {
    let status = state.call(state.herder.task_status(&name, task)).await?;
    Ok(Json(status).into_response())
}

/// `POST /connectors/{name}/tasks/{task}/restart` → 204.
async fn restart_task(
    State(state): State<AppState>,
    PathParams((name, task)): PathParams<(String, u32)>,
) -> Result<StatusCode, ApiError> {
    state.call(state.herder.restart_task(&name, task)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /connectors/{name}/restart?includeTasks=&onlyFailed=` (KIP-745): 204 when only the
/// connector instance restarts, else 202 with the status showing what restarts.
async fn restart(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
    query: QueryPairs,
) -> Result<Response, ApiError> {
    let include_tasks = query.flag("includeTasks", false);
    let only_failed = query.flag("onlyFailed", false);
    let restarting = state
        .call(
            state
                .herder
                .restart_connector(&name, include_tasks, only_failed),
        )
        .await?;
    Ok(match restarting {
        None => StatusCode::NO_CONTENT.into_response(),
        Some(status) => (StatusCode::ACCEPTED, Json(status)).into_response(),
    })
}

/// `PUT /connectors/{name}/pause` → 202.
async fn pause(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    state.call(state.herder.pause_connector(&name)).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `PUT /connectors/{name}/resume` → 202.
async fn resume(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    state.call(state.herder.resume_connector(&name)).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `PUT /connectors/{name}/stop` (KIP-875) → 204.
async fn stop(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    state.call(state.herder.stop_connector(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Internal `POST /connectors/{name}/tasks`: standalone workers take no task configs from
/// outside (§12), so 500 as Kafka's `UnsupportedOperationException`.
async fn put_task_configs() -> ApiError {
    ApiError::internal(
        "Kafka Connect in standalone mode does not support externally setting task configurations.",
    )
}

/// Internal `PUT /connectors/{name}/fence`: no exactly-once source in standalone mode (§12).
async fn fence() -> ApiError {
    ApiError::internal(
        "Kafka Connect in standalone mode does not support exactly-once source connectors.",
    )
}
