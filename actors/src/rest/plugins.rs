//! `/connector-plugins`: the installed plugins, their config definitions, and connector config
//! validation (Kafka Connect's `ConnectorPluginsResource`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::Value;

use super::AppState;
use super::errors::ApiError;
use super::extract::{JsonBody, PathParams, QueryPairs, config_map};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/connector-plugins", get(list))
        .route("/connector-plugins/", get(list))
        .route("/connector-plugins/{plugin}/config", get(config_def))
        .route("/connector-plugins/{plugin}/config/validate", put(validate))
}

/// `GET /connector-plugins?connectorsOnly=` (true unless given otherwise).
async fn list(State(state): State<AppState>, query: QueryPairs) -> Result<Response, ApiError> {
    let connectors_only = query.flag("connectorsOnly", true);
    let plugins = state
        .ask(state.herder.connector_plugins(connectors_only))
        .await?;
    Ok(Json(plugins).into_response())
}

/// `GET /connector-plugins/{plugin}/config`: `[ConfigKeyInfo]`.
async fn config_def(
    State(state): State<AppState>,
    PathParams(plugin): PathParams<String>,
) -> Result<Response, ApiError> {
    let keys = state.call(state.herder.plugin_config(&plugin)).await?;
    Ok(Json(keys).into_response())
}

/// `PUT /connector-plugins/{plugin}/config/validate`: 200 `ConfigInfos`, even with errors.
async fn validate(
    State(state): State<AppState>,
    PathParams(plugin): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let config = config_map(body)?;
    if let Some(included) = config.get("connector.class")
        && !normalized(included).ends_with(normalized(&plugin))
    {
        return Err(ApiError::bad_request(format!(
            "Included connector type {included} does not match request type {plugin}"
        )));
    }
    let infos = state
        .call(state.herder.validate_connector_config(config))
        .await?;
    Ok(Json(infos).into_response())
}

/// A plugin name without a trailing `Connector` (unless that is all it is).
fn normalized(name: &str) -> &str {
    match name.strip_suffix("Connector") {
        Some(stem) if !stem.is_empty() => stem,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn a_trailing_connector_is_ignored() {
        assert_eq!(normalized("FileStreamSinkConnector"), "FileStreamSink");
        assert_eq!(normalized("FileStreamSink"), "FileStreamSink");
        assert_eq!(normalized("Connector"), "Connector");
    }
}
