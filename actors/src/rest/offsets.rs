//! `/connectors/{name}/offsets` (KIP-875) and `/connectors/{name}/topics` (KIP-558).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use super::errors::ApiError;
use super::extract::{JsonBody, PathParams, json_object};
use crate::herder::{ConnectorOffset, ConnectorOffsets};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/connectors/{name}/offsets",
            get(offsets).patch(alter_offsets).delete(reset_offsets),
        )
        .route("/connectors/{name}/topics", get(topics))
        .route("/connectors/{name}/topics/reset", put(reset_topics))
}

/// `GET /connectors/{name}/offsets`.
async fn offsets(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let offsets = state.call(state.herder.connector_offsets(&name)).await?;
    Ok(Json(offsets).into_response())
}

/// `PATCH /connectors/{name}/offsets` → 200 `{"message":…}`.
async fn alter_offsets(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let offsets = parse_offsets(body)?;
    let message = state
        .call(state.herder.alter_connector_offsets(&name, offsets))
        .await?;
    Ok(Json(json!({ "message": message })).into_response())
}

/// `DELETE /connectors/{name}/offsets` → 200 `{"message":…}`.
async fn reset_offsets(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let message = state
        .call(state.herder.reset_connector_offsets(&name))
        .await?;
    Ok(Json(json!({ "message": message })).into_response())
}

/// `{"offsets":[{"partition":{…},"offset":{…}|null}]}`, with at least one entry. Values inside
/// partitions and offsets (sink `kafka_partition` given as a string, say) are the herder's to
/// check.
fn parse_offsets(body: Value) -> Result<ConnectorOffsets, ApiError> {
    let mut body = json_object(body, "The request body")?;
    if let Some(key) = body.keys().find(|key| *key != "offsets") {
        return Err(ApiError::bad_request(format!(
            "Unrecognized field \"{key}\": the request body takes only \"offsets\""
        )));
    }
    let entries = match body.remove("offsets") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(ApiError::bad_request("\"offsets\" must be a JSON array")),
    };
    if entries.is_empty() {
        return Err(ApiError::bad_request(
            "Partitions / offsets need to be provided for an alter offsets request",
        ));
    }
    let offsets = entries
        .into_iter()
        .map(parse_offset)
        .collect::<Result<_, _>>()?;
    Ok(ConnectorOffsets { offsets })
}

fn parse_offset(entry: Value) -> Result<ConnectorOffset, ApiError> {
    let mut entry = json_object(entry, "Each entry of \"offsets\"")?;
    if let Some(key) = entry
        .keys()
        .find(|key| *key != "partition" && *key != "offset")
    {
        return Err(ApiError::bad_request(format!(
            "Unrecognized field \"{key}\": an offsets entry takes only \"partition\" and \"offset\""
        )));
    }
    let partition = match entry.remove("partition") {
        Some(Value::Object(partition)) => partition,
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request(
                "The partition of an offsets entry cannot be null or missing",
            ));
        }
        Some(_) => {
            return Err(ApiError::bad_request(
                "The partition of an offsets entry must be a JSON object",
            ));
        }
    };
    let offset = match entry.remove("offset") {
        None | Some(Value::Null) => None,
        Some(Value::Object(offset)) => Some(offset),
        Some(_) => {
            return Err(ApiError::bad_request(
                "The offset of an offsets entry must be a JSON object or null",
            ));
        }
    };
    Ok(ConnectorOffset { partition, offset })
}

/// `GET /connectors/{name}/topics`: `{"<name>":{"topics":[…]}}`.
async fn topics(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let topics = state.call(state.herder.connector_topics(&name)).await?;
    let mut out = serde_json::Map::new();
    out.insert(name, json!({ "topics": topics }));
    Ok(Json(out).into_response())
}

/// `PUT /connectors/{name}/topics/reset` → 202.
async fn reset_topics(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    state
        .call(state.herder.reset_connector_topics(&name))
        .await?;
    Ok(StatusCode::ACCEPTED)
}
