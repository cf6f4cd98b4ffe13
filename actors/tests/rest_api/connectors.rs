//! `/connectors`, `/connectors/{name}`, `…/config` and `…/tasks-config`.

use std::sync::atomic::Ordering;

use serde_json::json;
use sluice_actors::herder::TargetState;

use crate::fake::FakeHerder;
use crate::{TestApi, error};

fn file_source_info() -> serde_json::Value {
    json!({
        "name": "file-source",
        "config": {"connector.class": "FileStreamSource", "name": "file-source"},
        "tasks": [{"connector": "file-source", "task": 0}],
        "type": "source"
    })
}

fn file_source_status() -> serde_json::Value {
    json!({
        "name": "file-source",
        "connector": {"state": "RUNNING", "worker_id": "127.0.0.1:8083"},
        "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "127.0.0.1:8083"}],
        "type": "source"
    })
}

#[tokio::test]
async fn listing_gives_the_names() {
    let api = TestApi::new();
    for path in ["/connectors", "/connectors/"] {
        let reply = api.get(path).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json(), json!(["file-source"]));
    }
}

#[tokio::test]
async fn listing_expands_status_and_info() {
    let api = TestApi::new();
    let status = api.get("/connectors?expand=status").await;
    assert_eq!(status.status, 200);
    assert_eq!(
        status.json(),
        json!({"file-source": {"status": file_source_status()}})
    );
    let info = api.get("/connectors?expand=info").await;
    assert_eq!(
        info.json(),
        json!({"file-source": {"info": file_source_info()}})
    );
    let both = api.get("/connectors?expand=info&expand=status").await;
    assert_eq!(
        both.json(),
        json!({"file-source": {"info": file_source_info(), "status": file_source_status()}})
    );
}

#[tokio::test]
async fn unknown_expansions_are_ignored() {
    let reply = TestApi::new()
        .get("/connectors?expand=bogus&expand=status")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"file-source": {"status": file_source_status()}})
    );
    let only_unknown = TestApi::new().get("/connectors?expand=bogus").await;
    assert_eq!(only_unknown.json(), json!({"file-source": {}}));
}

#[tokio::test]
async fn connectors_that_vanish_while_listing_are_left_out() {
    let herder = FakeHerder::with_one_connector();
    herder.ghost.store(true, Ordering::SeqCst);
    let api = TestApi::with(herder, |_| {});
    assert_eq!(
        api.get("/connectors").await.json(),
        json!(["file-source", "ghost"])
    );
    let reply = api.get("/connectors?expand=info").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"file-source": {"info": file_source_info()}})
    );
}

#[tokio::test]
async fn creating_answers_201_with_a_location_and_fills_in_the_name() {
    let api = TestApi::new();
    let reply = api
        .post(
            "/connectors",
            Some(json!({"name": " sink ", "config": {"connector.class": "FileStreamSink", "tasks.max": 2}})),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("location"), Some("/connectors/sink"));
    assert_eq!(
        reply.json(),
        json!({
            "name": "sink",
            "config": {"connector.class": "FileStreamSink", "tasks.max": "2", "name": "sink"},
            "tasks": [{"connector": "sink", "task": 0}],
            "type": "source"
        })
    );
    assert_eq!(api.herder.initial_states.lock().unwrap()["sink"], None);
}

#[tokio::test]
async fn creating_passes_the_initial_state_in_any_case() {
    let api = TestApi::new();
    let reply = api
        .post(
            "/connectors",
            Some(
                json!({"name": "p", "config": {"connector.class": "X"}, "initial_state": "paused"}),
            ),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(
        api.herder.initial_states.lock().unwrap()["p"],
        Some(TargetState::Paused)
    );
    let bad = api
        .post(
            "/connectors",
            Some(json!({"name": "q", "config": {}, "initial_state": "SLEEPING"})),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json(),
        error(
            400,
            "Invalid initial_state \"SLEEPING\": expected RUNNING, PAUSED or STOPPED"
        )
    );
}

#[tokio::test]
async fn names_are_url_encoded_in_the_location_and_decoded_from_paths() {
    let api = TestApi::new();
    let reply = api
        .post(
            "/connectors",
            Some(json!({"name": "my conn/1", "config": {}})),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("location"), Some("/connectors/my%20conn%2F1"));
    let info = api.get("/connectors/my%20conn%2F1/config").await;
    assert_eq!(info.status, 200);
    assert_eq!(info.json(), json!({"name": "my conn/1"}));
}

#[tokio::test]
async fn creating_without_a_name_is_a_400() {
    let api = TestApi::new();
    let expected = error(
        400,
        "Connector configuration is invalid and contains the following 1 error(s):\nInvalid value  for configuration name: String may not be empty\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
    );
    for body in [json!({"config": {}}), json!({"name": "  ", "config": {}})] {
        let reply = api.post("/connectors", Some(body)).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.json(), expected);
    }
}

#[tokio::test]
async fn creating_without_a_config_is_a_400() {
    let reply = TestApi::new()
        .post("/connectors", Some(json!({"name": "x"})))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json(), error(400, "Connector config is missing"));
}

#[tokio::test]
async fn creating_with_a_different_config_name_is_a_400() {
    let reply = TestApi::new()
        .post(
            "/connectors",
            Some(json!({"name": "a", "config": {"name": "b"}})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        error(
            400,
            "Connector name configuration (b) doesn't match connector name in the URL (a)"
        )
    );
}

#[tokio::test]
async fn creating_an_existing_connector_is_a_409() {
    let reply = TestApi::new()
        .post(
            "/connectors",
            Some(json!({"name": "file-source", "config": {}})),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(
        reply.json(),
        error(409, "Connector file-source already exists")
    );
}

#[tokio::test]
async fn creating_an_invalid_connector_is_the_herders_400() {
    let reply = TestApi::new()
        .post(
            "/connectors",
            Some(json!({"name": "x", "config": {"connector.class": "Nope"}})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        error(
            400,
            "Connector configuration is invalid and contains the following 1 error(s):\nInvalid value Nope for configuration connector.class"
        )
    );
}

#[tokio::test]
async fn config_values_must_be_scalars() {
    let reply = TestApi::new()
        .post(
            "/connectors",
            Some(json!({"name": "x", "config": {"topics": ["a"]}})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        error(400, "The value of 'topics' must be a string, not an array")
    );
}

#[tokio::test]
async fn reading_a_connector() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), file_source_info());
    let missing = api.get("/connectors/nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), error(404, "Connector nope not found"));
}

#[tokio::test]
async fn deleting_answers_204_then_404() {
    let api = TestApi::new();
    let reply = api.delete("/connectors/file-source").await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.text, "");
    let again = api.delete("/connectors/file-source").await;
    assert_eq!(again.status, 404);
    assert_eq!(again.json(), error(404, "Connector file-source not found"));
}

#[tokio::test]
async fn reading_the_raw_config() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/config").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"connector.class": "FileStreamSource", "name": "file-source"})
    );
    assert_eq!(api.get("/connectors/nope/config").await.status, 404);
}

#[tokio::test]
async fn putting_a_new_config_creates_with_201() {
    let api = TestApi::new();
    let reply = api
        .put(
            "/connectors/new%20one/config",
            Some(json!({"connector.class": "X", "tasks.max": 1})),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("location"), Some("/connectors/new%20one"));
    assert_eq!(
        reply.json(),
        json!({
            "name": "new one",
            "config": {"connector.class": "X", "tasks.max": "1", "name": "new one"},
            "tasks": [{"connector": "new one", "task": 0}],
            "type": "source"
        })
    );
}

#[tokio::test]
async fn putting_an_existing_config_updates_with_200() {
    let api = TestApi::new();
    let reply = api
        .put(
            "/connectors/file-source/config",
            Some(json!({"connector.class": "FileStreamSource", "name": "file-source", "file": "/in"})),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("location"), None);
    assert_eq!(reply.json()["config"]["file"], "/in");
}

#[tokio::test]
async fn putting_a_config_with_another_name_is_a_400() {
    let reply = TestApi::new()
        .put(
            "/connectors/file-source/config",
            Some(json!({"name": "other"})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        error(
            400,
            "Connector name configuration (other) doesn't match connector name in the URL (file-source)"
        )
    );
}

#[tokio::test]
async fn patching_merges_and_null_removes() {
    let api = TestApi::new();
    let reply = api
        .patch(
            "/connectors/file-source/config",
            json!({"connector.class": null, "file": "/in", "tasks.max": 3}),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({
            "name": "file-source",
            "config": {"name": "file-source", "file": "/in", "tasks.max": "3"},
            "tasks": [{"connector": "file-source", "task": 0}],
            "type": "source"
        })
    );
    let missing = api.patch("/connectors/nope/config", json!({})).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), error(404, "Connector nope not found"));
}

#[tokio::test]
async fn tasks_config_is_keyed_by_task_id() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/tasks-config").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"file-source-0": {"task.class": "FileStreamSourceTask", "file": "/tmp/in"}})
    );
    assert_eq!(api.get("/connectors/nope/tasks-config").await.status, 404);
}
