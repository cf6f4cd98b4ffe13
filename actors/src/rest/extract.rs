//! Request extractors that fail with the REST API's JSON error body instead of axum's plain
//! text, and the reading of JSON config maps the way Jackson reads a `Map<String, String>`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;
use crate::herder::{ConfigPatch, JsonMap};
use sluice_engine::config::RawConfig;

/// A JSON request body. A body that is not JSON, or not of the expected shape, is a 400; one
/// sent without a JSON content type is a 415, as Jersey answers.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::from_status(StatusCode::UNSUPPORTED_MEDIA_TYPE))
            }
            Err(JsonRejection::JsonSyntaxError(error)) => Err(ApiError::bad_request(format!(
                "Malformed JSON in request body: {}",
                error
                    .body_text()
                    .trim_start_matches("Failed to parse the request body as JSON: ")
            ))),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// URL-decoded path parameters. Parameters that do not convert (a task id that is not a
/// number) make the path unknown: 404, as JAX-RS does.
pub(crate) struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| ApiError::from_status(StatusCode::NOT_FOUND))
    }
}

/// The query parameters in order, repeated ones included.
pub(crate) struct QueryPairs(pub Vec<(String, String)>);

impl QueryPairs {
    /// The values of `key`, in order.
    pub(crate) fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// A `Boolean` parameter as Jersey reads it: `true` (any case) is true, any other value
    /// false, and an absent one `default`.
    pub(crate) fn flag(&self, key: &str, default: bool) -> bool {
        self.values(key)
            .next()
            .map_or(default, |value| value.eq_ignore_ascii_case("true"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(pairs)| Self(pairs))
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
    }
}

/// A JSON scalar as Jackson reads it into a `String`: strings as they are, numbers and
/// booleans as their JSON text. `None` for null, arrays and objects.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn not_a_string(key: &str, value: &Value) -> ApiError {
    let kind = match value {
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        _ => "null",
    };
    ApiError::bad_request(format!("The value of '{key}' must be a string, not {kind}"))
}

/// A connector config from a JSON object of strings (numbers and booleans taken as their
/// text). Null values are refused: "Null value can not be supplied as the configuration value."
pub(crate) fn config_map(value: Value) -> Result<RawConfig, ApiError> {
    let object = json_object(value, "The connector config")?;
    let mut config = RawConfig::with_capacity(object.len());
    for (key, value) in object {
        if value.is_null() {
            return Err(ApiError::bad_request(format!(
                "Invalid value null for configuration {key}: Null value can not be supplied as the configuration value."
            )));
        }
        let text = scalar_text(&value).ok_or_else(|| not_a_string(&key, &value))?;
        config.insert(key, text);
    }
    Ok(config)
}

/// A config patch from a JSON object: null removes the key, scalars set it.
pub(crate) fn config_patch(value: Value) -> Result<ConfigPatch, ApiError> {
    let object = json_object(value, "The connector config patch")?;
    let mut patch = ConfigPatch::with_capacity(object.len());
    for (key, value) in object {
        let text = match &value {
            Value::Null => None,
            other => Some(scalar_text(other).ok_or_else(|| not_a_string(&key, &value))?),
        };
        patch.insert(key, text);
    }
    Ok(patch)
}

/// `value` as a JSON object, or a 400 naming `what`.
pub(crate) fn json_object(value: Value, what: &str) -> Result<JsonMap, ApiError> {
    match value {
        Value::Object(object) => Ok(object),
        _ => Err(ApiError::bad_request(format!(
            "{what} must be a JSON object"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_booleans_are_read_as_their_text() {
        let config = config_map(json!({"tasks.max": 3, "a": true, "b": 1.5, "c": "x"})).unwrap();
        assert_eq!(config["tasks.max"], "3");
        assert_eq!(config["a"], "true");
        assert_eq!(config["b"], "1.5");
        assert_eq!(config["c"], "x");
    }

    #[test]
    fn nested_values_and_nulls_are_refused_in_a_config() {
        assert_eq!(
            config_map(json!({"a": [1]})).unwrap_err().message(),
            "The value of 'a' must be a string, not an array"
        );
        assert_eq!(config_map(json!({"a": null})).unwrap_err().status(), 400);
        assert_eq!(config_map(json!([])).unwrap_err().status(), 400);
    }

    #[test]
    fn null_in_a_patch_removes_the_key() {
        let patch = config_patch(json!({"a": null, "b": 2})).unwrap();
        assert_eq!(patch["a"], None);
        assert_eq!(patch["b"].as_deref(), Some("2"));
    }
}
