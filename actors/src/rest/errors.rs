//! Errors as the REST API writes them: `{"error_code":N,"message":"…"}` (Kafka Connect's
//! `ErrorMessage` and `ConnectExceptionMapper`, §1.2), for herder errors, bad requests, unknown
//! routes and unsupported methods alike.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::herder::HerderError;

/// A failed request: its HTTP status and the message of its error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 400, as Kafka's `BadRequestException`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404, as Kafka's `NotFoundException`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500: what any other exception becomes.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 500 `Request timed out`: a herder call outlived the request timeout.
    pub fn timed_out() -> Self {
        Self::internal("Request timed out")
    }

    /// The error JAX-RS raises by itself for `status`: the message is `HTTP 404 Not Found`.
    pub fn from_status(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Unknown");
        Self::new(status, format!("HTTP {} {reason}", status.as_u16()))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<HerderError> for ApiError {
    fn from(error: HerderError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error_code": self.status.as_u16(), "message": self.message});
        (self.status, Json(body)).into_response()
    }
}

/// The fallback for paths no route matches: 404 `HTTP 404 Not Found`.
pub(crate) async fn unknown_route() -> ApiError {
    ApiError::from_status(StatusCode::NOT_FOUND)
}

/// The fallback for a known path asked with a method it does not take: 405.
pub(crate) async fn wrong_method() -> ApiError {
    ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn herder_errors_keep_their_status_and_message() {
        let error = ApiError::from(HerderError::AlreadyExists(
            "Connector x already exists".into(),
        ));
        assert_eq!(error.status(), StatusCode::CONFLICT);
        assert_eq!(error.message(), "Connector x already exists");
    }

    #[test]
    fn jax_rs_errors_name_the_status() {
        assert_eq!(
            ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED).message(),
            "HTTP 405 Method Not Allowed"
        );
    }
}
