//! `GET /`, `/health`, `/metrics`, and what every route shares: unknown paths, wrong methods,
//! malformed bodies, timeouts, and serving on a real socket.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use sluice_actors::rest::{RestExtras, RestServer};

use crate::fake::FakeHerder;
use crate::{TestApi, error};

#[tokio::test]
async fn root_answers_the_server_info() {
    let reply = TestApi::new().get("/").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.json(),
        json!({"version": "0.1.0", "commit": "abc123", "kafka_cluster_id": "cluster-1"})
    );
}

#[tokio::test]
async fn health_is_200_once_ready() {
    let reply = TestApi::new().get("/health").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"status": "healthy", "message": "Worker has completed startup and is ready to handle requests."})
    );
}

#[tokio::test]
async fn health_is_503_while_starting() {
    let api = TestApi::with(FakeHerder::default(), |_| {});
    let reply = api.get("/health").await;
    assert_eq!(reply.status, 503);
    assert_eq!(
        reply.json(),
        json!({"status": "starting", "message": "Worker is still starting up."})
    );
}

#[tokio::test]
async fn health_is_500_when_the_herder_does_not_answer_in_time() {
    let herder = FakeHerder::with_one_connector();
    herder.hang_readiness.store(true, Ordering::SeqCst);
    let api = TestApi::with(herder, |extras| {
        extras.health_timeout = Duration::from_millis(50)
    });
    let reply = api.get("/health").await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json(),
        json!({"status": "unhealthy", "message": "Worker was unable to handle this request and may be unable to handle other requests."})
    );
}

#[tokio::test]
async fn metrics_are_served_as_prometheus_text() {
    let api = TestApi::with(FakeHerder::with_one_connector(), |extras| {
        extras.metrics = Some(Arc::new(|| "# TYPE up gauge\nup 1\n".to_owned()));
    });
    let reply = api.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; version=0.0.4")
    );
    assert_eq!(reply.text, "# TYPE up gauge\nup 1\n");
}

#[tokio::test]
async fn metrics_without_a_renderer_are_a_json_404() {
    let reply = TestApi::new().get("/metrics").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), error(404, "HTTP 404 Not Found"));
}

#[tokio::test]
async fn unknown_routes_are_a_json_404() {
    let api = TestApi::new();
    for path in [
        "/nope",
        "/connectors/file-source/nope",
        "/connectors/a/tasks/0",
    ] {
        let reply = api.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.json(), error(404, "HTTP 404 Not Found"), "{path}");
    }
}

#[tokio::test]
async fn wrong_methods_are_a_json_405() {
    let api = TestApi::new();
    for (method, path) in [
        ("DELETE", "/connectors"),
        ("POST", "/"),
        ("GET", "/connectors/file-source/pause"),
        ("POST", "/connectors/file-source/config"),
        ("GET", "/connector-plugins/FileStreamSink/config/validate"),
    ] {
        let reply = api.send(method, path, None).await;
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(
            reply.json(),
            error(405, "HTTP 405 Method Not Allowed"),
            "{method} {path}"
        );
    }
    let reply = api.send("DELETE", "/connectors", None).await;
    assert_eq!(reply.header("allow"), Some("GET,HEAD,POST"));
}

#[tokio::test]
async fn malformed_json_is_a_400_with_the_error_body() {
    let api = TestApi::new();
    let reply = api.send("POST", "/connectors", Some("{not json")).await;
    assert_eq!(reply.status, 400);
    let body = reply.json();
    assert_eq!(body["error_code"], 400);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Malformed JSON in request body: "),
        "{message}"
    );
}

#[tokio::test]
async fn a_body_without_a_json_content_type_is_a_415() {
    let api = TestApi::new();
    let request = axum::http::Request::builder()
        .method("PUT")
        .uri("/connectors/x/config")
        .body(axum::body::Body::from("{}"))
        .unwrap();
    let response = tower::ServiceExt::oneshot(
        sluice_actors::rest::router(api.herder.clone(), RestExtras::default()),
        request,
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body, error(415, "HTTP 415 Unsupported Media Type"));
}

#[tokio::test]
async fn herder_calls_that_outlive_the_timeout_are_a_500() {
    let api = TestApi::with(FakeHerder::with_one_connector(), |extras| {
        extras.request_timeout = Duration::from_millis(50)
    });
    for (method, path) in [
        ("GET", "/connectors/slow"),
        ("GET", "/connectors/slow/status"),
        ("PUT", "/connectors/slow/pause"),
    ] {
        let reply = api.send(method, path, None).await;
        assert_eq!(reply.status, 500, "{method} {path}");
        assert_eq!(reply.json(), error(500, "Request timed out"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_listener_serves_the_api() {
    let server = RestServer::bind("http://127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let herder = Arc::new(FakeHerder::with_one_connector());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving =
        tokio::spawn(
            server.serve_with_shutdown(herder, RestExtras::default(), async move {
                let _ = stopped.await;
            }),
        );
    let (root, missing) = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut root = agent
            .get(format!("http://{addr}/connectors"))
            .call()
            .unwrap();
        let mut missing = agent
            .get(format!("http://{addr}/connectors/nope"))
            .call()
            .unwrap();
        (
            (
                root.status().as_u16(),
                root.body_mut().read_to_string().unwrap(),
            ),
            (
                missing.status().as_u16(),
                missing.body_mut().read_to_string().unwrap(),
            ),
        )
    })
    .await
    .unwrap();
    assert_eq!(root.0, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&root.1).unwrap(),
        json!(["file-source"])
    );
    assert_eq!(missing.0, 404);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&missing.1).unwrap(),
        error(404, "Connector nope not found")
    );
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}
