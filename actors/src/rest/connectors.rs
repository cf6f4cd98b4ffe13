//! `/connectors`: listing, creating, reading, reconfiguring and deleting connectors, and their
//! task configs (Kafka Connect's `ConnectorsResource`, first half).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::AppState;
use super::errors::ApiError;
use super::extract::{
    JsonBody, PathParams, QueryPairs, config_map, config_patch, json_object, scalar_text,
};
use crate::herder::{HerderError, TargetState};
use sluice_engine::config::RawConfig;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/connectors", get(list).post(create))
        .route("/connectors/", get(list).post(create))
        .route("/connectors/{name}", get(info).delete(delete))
        .route(
            "/connectors/{name}/config",
            get(config).put(put_config).patch(patch_config),
        )
        .route("/connectors/{name}/tasks-config", get(tasks_config))
        .merge(super::tasks::routes())
        .merge(super::offsets::routes())
}

/// `GET /connectors`, with `expand=status` and/or `expand=info`.
async fn list(State(state): State<AppState>, query: QueryPairs) -> Result<Response, ApiError> {
    let names = state.ask(state.herder.connectors()).await?;
    let expansions: Vec<&str> = query.values("expand").collect();
    if expansions.is_empty() && !query.0.iter().any(|(key, _)| key == "expand") {
        return Ok(Json(names).into_response());
    }
    let mut out = Map::new();
    for name in names {
        if let Some(expanded) = expand(&state, &name, &expansions).await? {
            out.insert(name, Value::Object(expanded));
        }
    }
    Ok(Json(out).into_response())
}

/// One connector's expansions, or `None` when it vanished while the list was built.
async fn expand(
    state: &AppState,
    name: &str,
    expansions: &[&str],
) -> Result<Option<Map<String, Value>>, ApiError> {
    let mut expanded = Map::new();
    for expansion in expansions {
        let herder = &state.herder;
        let value = match *expansion {
            "status" => {
                state
                    .ask(async {
                        herder
                            .connector_status(name)
                            .await
                            .map(|status| json!(status))
                    })
                    .await?
            }
            "info" => {
                state
                    .ask(async { herder.connector_info(name).await.map(|info| json!(info)) })
                    .await?
            }
            other => {
                tracing::info!("Ignoring unknown expansion type {other}");
                continue;
            }
        };
        match value {
            Ok(value) => {
                expanded.insert((*expansion).to_owned(), value);
            }
            Err(HerderError::NotFound(_)) => return Ok(None),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(Some(expanded))
}

/// `POST /connectors`: `{"name","config","initial_state"?}` → 201 with a Location.
async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let mut body = json_object(body, "The request body")?;
    let name = match body.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(value) => scalar_text(value)
            .ok_or_else(|| ApiError::bad_request("The connector name must be a string"))?
            .trim()
            .to_owned(),
    };
    let config = match body.remove("config") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request("Connector config is missing"));
        }
        Some(config) => config_map(config)?,
    };
    let initial_state = match body.get("initial_state") {
        None | Some(Value::Null) => None,
        Some(value) => Some(initial_state(value)?),
    };
    if name.is_empty() {
        return Err(ApiError::bad_request(
            "Connector configuration is invalid and contains the following 1 error(s):\n\
             Invalid value  for configuration name: String may not be empty\n\
             You can also find the above list of errors at the endpoint \
             `/connector-plugins/{connectorType}/config/validate`",
        ));
    }
    let config = with_name(&name, config)?;
    let created = state
        .call(
            state
                .herder
                .put_connector_config(&name, config, false, initial_state),
        )
        .await?;
    Ok(created_response(&name, Json(created.info)))
}

fn initial_state(value: &Value) -> Result<TargetState, ApiError> {
    value
        .as_str()
        .and_then(TargetState::from_initial_state)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Invalid initial_state {value}: expected RUNNING, PAUSED or STOPPED"
            ))
        })
}

/// Checks the config's `name` against the connector's, or fills it in.
fn with_name(name: &str, mut config: RawConfig) -> Result<RawConfig, ApiError> {
    match config.get("name") {
        Some(included) if included != name => Err(ApiError::bad_request(format!(
            "Connector name configuration ({included}) doesn't match connector name in the URL ({name})"
        ))),
        Some(_) => Ok(config),
        None => {
            config.insert("name".to_owned(), name.to_owned());
            Ok(config)
        }
    }
}

/// 201 with `Location: /connectors/<name>`, the name percent-encoded as a path segment.
fn created_response(name: &str, body: impl IntoResponse) -> Response {
    let location = format!("/connectors/{}", encode_path_segment(name));
    let mut response = (StatusCode::CREATED, body).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Percent-encodes what may not stand in a URI path segment (RFC 3986 `pchar`).
fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `GET /connectors/{name}`.
async fn info(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let info = state.call(state.herder.connector_info(&name)).await?;
    Ok(Json(info).into_response())
}

/// `DELETE /connectors/{name}` → 204.
async fn delete(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    state.call(state.herder.delete_connector(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /connectors/{name}/config`: the raw config.
async fn config(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let config = state.call(state.herder.connector_config(&name)).await?;
    Ok(Json(config).into_response())
}

/// `PUT /connectors/{name}/config`: 201 with a Location when created, else 200.
async fn put_config(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let config = with_name(&name, config_map(body)?)?;
    let created = state
        .call(state.herder.put_connector_config(&name, config, true, None))
        .await?;
    if created.created {
        Ok(created_response(&name, Json(created.info)))
    } else {
        Ok(Json(created.info).into_response())
    }
}

/// `PATCH /connectors/{name}/config` (KIP-477): null values remove keys.
async fn patch_config(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let patch = config_patch(body)?;
    let info = state
        .call(state.herder.patch_connector_config(&name, patch))
        .await?;
    Ok(Json(info).into_response())
}

/// `GET /connectors/{name}/tasks-config` (deprecated): `{"<name>-<task>":{…}}`.
async fn tasks_config(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> Result<Response, ApiError> {
    let tasks = state.call(state.herder.task_configs(&name)).await?;
    let out: Map<String, Value> = tasks
        .into_iter()
        .map(|task| {
            let key = format!("{}-{}", task.id.connector, task.id.task);
            (key, json!(task.config))
        })
        .collect();
    Ok(Json(out).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path_segment("my conn/1"), "my%20conn%2F1");
        assert_eq!(encode_path_segment("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn the_config_name_must_match_or_is_filled_in() {
        let filled = with_name("x", RawConfig::new()).unwrap();
        assert_eq!(filled["name"], "x");
        let mut other = RawConfig::new();
        other.insert("name".into(), "y".into());
        assert_eq!(
            with_name("x", other).unwrap_err().message(),
            "Connector name configuration (y) doesn't match connector name in the URL (x)"
        );
    }
}
