//! `/admin/loggers` (KIP-495, KIP-976): reading and changing log levels at runtime (Kafka
//! Connect's `LoggingResource`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use super::AppState;
use super::errors::ApiError;
use super::extract::{JsonBody, PathParams, QueryPairs, json_object};
use crate::logging::LogLevel;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/loggers", get(list))
        .route("/admin/loggers/", get(list))
        .route("/admin/loggers/{logger}", get(level).put(set_level))
}

/// `GET /admin/loggers`: the loggers whose level is set, and root.
async fn list(State(state): State<AppState>) -> Response {
    Json(state.extras.log_levels.all_levels()).into_response()
}

/// `GET /admin/loggers/{logger}`: its level, inherited when not set.
async fn level(
    State(state): State<AppState>,
    PathParams(logger): PathParams<String>,
) -> Result<Response, ApiError> {
    let level = state
        .extras
        .log_levels
        .level(&logger)
        .ok_or_else(|| ApiError::not_found(format!("Logger {logger} not found.")))?;
    Ok(Json(level).into_response())
}

/// `PUT /admin/loggers/{logger}?scope=`: `{"level":"DEBUG"}`. `worker` (the default, and what
/// unknown scopes fall back to) answers 200 with the affected loggers; `cluster` answers 204,
/// and in a standalone worker applies to this worker alone.
async fn set_level(
    State(state): State<AppState>,
    PathParams(logger): PathParams<String>,
    query: QueryPairs,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let body = json_object(body, "The request body")?;
    let text = match body.get("level") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request(
                "Desired 'level' parameter was not specified in request.",
            ));
        }
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let level = LogLevel::parse(&text)
        .ok_or_else(|| ApiError::not_found(format!("invalid log level '{text}'.")))?;
    let scope = query.values("scope").next().unwrap_or("worker");
    let affected = state.extras.log_levels.set_level(&logger, level);
    if scope.eq_ignore_ascii_case("cluster") {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if !scope.eq_ignore_ascii_case("worker") {
        tracing::warn!(
            "Received invalid scope '{scope}' in request to adjust logging level; will default to worker"
        );
    }
    Ok(Json(affected).into_response())
}
