//! The REST API over an in-memory herder, driven through the router (and once through a real
//! listener): every endpoint's status code, JSON body, headers and error body, compared with
//! Kafka Connect's as literals.

mod connectors;
mod fake;
mod loggers;
mod offsets;
mod plugins;
mod root;
mod tasks;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use fake::FakeHerder;
use serde_json::{Value, json};
use sluice_actors::logging::LogLevels;
use sluice_actors::rest::{RestExtras, router};
use tower::ServiceExt;

/// The API over a fake herder.
pub struct TestApi {
    pub herder: Arc<FakeHerder>,
    pub levels: LogLevels,
    router: Router,
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// Kafka's error body.
pub fn error(code: u16, message: &str) -> Value {
    json!({"error_code": code, "message": message})
}

impl Default for TestApi {
    fn default() -> Self {
        Self::new()
    }
}

impl TestApi {
    /// The API over a ready herder with connector `file-source`.
    pub fn new() -> Self {
        Self::with(FakeHerder::with_one_connector(), |_| {})
    }

    /// The API over `herder`, with extras adjusted by `configure`.
    pub fn with(herder: FakeHerder, configure: impl FnOnce(&mut RestExtras)) -> Self {
        let herder = Arc::new(herder);
        let levels = LogLevels::new_detached();
        let mut extras = RestExtras::new(levels.clone());
        configure(&mut extras);
        let router = router(herder.clone(), extras);
        Self {
            herder,
            levels,
            router,
        }
    }

    /// Sends a request; a body goes as `application/json`.
    pub async fn send(&self, method: &str, uri: &str, body: Option<&str>) -> Reply {
        let builder = Request::builder().method(method).uri(uri);
        let request = match body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(Body::from(body.to_owned())),
            None => builder.body(Body::empty()),
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            text: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send("GET", uri, None).await
    }

    pub async fn delete(&self, uri: &str) -> Reply {
        self.send("DELETE", uri, None).await
    }

    pub async fn post(&self, uri: &str, body: Option<Value>) -> Reply {
        let body = body.map(|b| b.to_string());
        self.send("POST", uri, body.as_deref()).await
    }

    pub async fn put(&self, uri: &str, body: Option<Value>) -> Reply {
        let body = body.map(|b| b.to_string());
        self.send("PUT", uri, body.as_deref()).await
    }

    pub async fn patch(&self, uri: &str, body: Value) -> Reply {
        self.send("PATCH", uri, Some(&body.to_string())).await
    }
}
