//! `/admin/loggers`.

use serde_json::json;
use tracing::Level;

use crate::fake::FakeHerder;
use crate::{TestApi, error};

#[tokio::test]
async fn listing_shows_root_and_the_loggers_set() {
    let api = TestApi::new();
    let reply = api.get("/admin/loggers").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"root": {"level": "INFO", "last_modified": null}})
    );
}

#[tokio::test]
async fn setting_a_level_answers_the_affected_loggers_and_takes_effect() {
    let api = TestApi::new();
    api.levels.note_logger("sluice_engine::pipeline");
    api.levels.note_logger("sluice_actors");
    assert!(
        !api.levels
            .would_enable("sluice_engine::pipeline", Level::DEBUG)
    );
    let reply = api
        .put(
            "/admin/loggers/sluice_engine",
            Some(json!({"level": "debug"})),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!(["sluice_engine", "sluice_engine::pipeline"])
    );
    assert!(
        api.levels
            .would_enable("sluice_engine::pipeline", Level::DEBUG)
    );
    assert!(!api.levels.would_enable("sluice_actors", Level::DEBUG));

    let one = api.get("/admin/loggers/sluice_engine::pipeline").await;
    assert_eq!(one.status, 200);
    let body = one.json();
    assert_eq!(body["level"], "DEBUG");
    assert!(body["last_modified"].as_u64().unwrap() > 1_600_000_000_000);

    let all = api.get("/admin/loggers").await.json();
    assert_eq!(
        all.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["root", "sluice_engine", "sluice_engine::pipeline"]
    );
    assert_eq!(all["root"], json!({"level": "INFO", "last_modified": null}));
}

#[tokio::test]
async fn a_known_logger_shows_its_inherited_level() {
    let api = TestApi::new();
    api.levels.note_logger("sluice_actors::rest");
    let reply = api.get("/admin/loggers/sluice_actors::rest").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"level": "INFO", "last_modified": null})
    );
    let root = api.get("/admin/loggers/ROOT").await;
    assert_eq!(root.json(), json!({"level": "INFO", "last_modified": null}));
}

#[tokio::test]
async fn an_unknown_logger_is_a_404() {
    let reply = TestApi::new().get("/admin/loggers/no.such.logger").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), error(404, "Logger no.such.logger not found."));
}

#[tokio::test]
async fn an_unknown_level_is_a_404() {
    let reply = TestApi::new()
        .put("/admin/loggers/root", Some(json!({"level": "LOUD"})))
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), error(404, "invalid log level 'LOUD'."));
}

#[tokio::test]
async fn a_missing_level_is_a_400() {
    let reply = TestApi::new()
        .put("/admin/loggers/root", Some(json!({"lvl": "INFO"})))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        error(
            400,
            "Desired 'level' parameter was not specified in request."
        )
    );
}

#[tokio::test]
async fn cluster_scope_applies_here_and_answers_204() {
    let api = TestApi::new();
    let reply = api
        .put(
            "/admin/loggers/root?scope=cluster",
            Some(json!({"level": "WARN"})),
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.text, "");
    assert!(!api.levels.would_enable("anything", Level::INFO));
    let root = api.get("/admin/loggers/root").await.json();
    assert_eq!(root["level"], "WARN");
}

#[tokio::test]
async fn unknown_scopes_act_as_worker_scope() {
    let reply = TestApi::new()
        .put(
            "/admin/loggers/root?scope=galaxy",
            Some(json!({"level": "ERROR"})),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!(["root"]));
}

#[tokio::test]
async fn disabled_admin_endpoints_are_unknown_routes() {
    let api = TestApi::with(FakeHerder::with_one_connector(), |extras| {
        extras.admin_enabled = false
    });
    let reply = api.get("/admin/loggers").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), error(404, "HTTP 404 Not Found"));
}
