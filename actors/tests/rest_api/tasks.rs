//! Status, tasks, restarts, pause/resume/stop, and the internal endpoints.

use serde_json::json;

use crate::{TestApi, error};

#[tokio::test]
async fn connector_status_has_kafkas_shape() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/status").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({
            "name": "file-source",
            "connector": {"state": "RUNNING", "worker_id": "127.0.0.1:8083"},
            "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "127.0.0.1:8083"}],
            "type": "source"
        })
    );
    let missing = api.get("/connectors/nope/status").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json(),
        error(404, "No status found for connector nope")
    );
}

#[tokio::test]
async fn task_configs_list_ids_and_configs() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/tasks").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!([{
            "id": {"connector": "file-source", "task": 0},
            "config": {"task.class": "FileStreamSourceTask", "file": "/tmp/in"}
        }])
    );
    let missing = api.get("/connectors/nope/tasks").await;
    assert_eq!(missing.json(), error(404, "Connector nope not found"));
}

#[tokio::test]
async fn task_status_carries_the_trace() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/tasks/0/status").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"id": 0, "state": "FAILED", "worker_id": "127.0.0.1:8083", "trace": "java.lang.RuntimeException: boom"})
    );
    let missing = api.get("/connectors/file-source/tasks/7/status").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json(),
        error(404, "No status found for task file-source-7")
    );
}

#[tokio::test]
async fn a_task_id_that_is_not_a_number_is_an_unknown_path() {
    let reply = TestApi::new()
        .get("/connectors/file-source/tasks/zero/status")
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), error(404, "HTTP 404 Not Found"));
}

#[tokio::test]
async fn restarting_a_task_answers_204() {
    let api = TestApi::new();
    let reply = api
        .post("/connectors/file-source/tasks/0/restart", None)
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.text, "");
    let missing = api
        .post("/connectors/file-source/tasks/3/restart", None)
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), error(404, "Task file-source-3 not found"));
}

#[tokio::test]
async fn restarting_only_the_connector_answers_204_without_a_body() {
    let api = TestApi::new();
    for path in [
        "/connectors/file-source/restart",
        "/connectors/file-source/restart?includeTasks=false&onlyFailed=false",
    ] {
        let reply = api.post(path, None).await;
        assert_eq!(reply.status, 204, "{path}");
        assert_eq!(reply.text, "", "{path}");
    }
}

#[tokio::test]
async fn restarting_with_tasks_answers_202_with_the_restarting_status() {
    let api = TestApi::new();
    let expected = json!({
        "name": "file-source",
        "connector": {"state": "RESTARTING", "worker_id": "127.0.0.1:8083"},
        "tasks": [{"id": 0, "state": "RESTARTING", "worker_id": "127.0.0.1:8083"}],
        "type": "source"
    });
    for path in [
        "/connectors/file-source/restart?includeTasks=true",
        "/connectors/file-source/restart?onlyFailed=TRUE",
        "/connectors/file-source/restart?includeTasks=true&onlyFailed=true",
    ] {
        let reply = api.post(path, None).await;
        assert_eq!(reply.status, 202, "{path}");
        assert_eq!(reply.json(), expected, "{path}");
    }
    let missing = api.post("/connectors/nope/restart", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), error(404, "Connector nope not found"));
}

#[tokio::test]
async fn pause_and_resume_answer_202_and_stop_204() {
    let api = TestApi::new();
    for (path, status) in [
        ("/connectors/file-source/pause", 202),
        ("/connectors/file-source/resume", 202),
        ("/connectors/file-source/stop", 204),
    ] {
        let reply = api.put(path, None).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.text, "", "{path}");
    }
    for path in [
        "/connectors/nope/pause",
        "/connectors/nope/resume",
        "/connectors/nope/stop",
    ] {
        let reply = api.put(path, None).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(
            reply.json(),
            error(404, "Connector nope not found"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn internal_endpoints_are_unsupported_in_standalone() {
    let api = TestApi::new();
    let tasks = api
        .post("/connectors/file-source/tasks", Some(json!([{"k": "v"}])))
        .await;
    assert_eq!(tasks.status, 500);
    assert_eq!(
        tasks.json(),
        error(
            500,
            "Kafka Connect in standalone mode does not support externally setting task configurations."
        )
    );
    let fence = api.put("/connectors/file-source/fence", None).await;
    assert_eq!(fence.status, 500);
    assert_eq!(
        fence.json(),
        error(
            500,
            "Kafka Connect in standalone mode does not support exactly-once source connectors."
        )
    );
}
