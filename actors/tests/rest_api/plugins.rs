//! `/connector-plugins`.

use serde_json::json;

use crate::{TestApi, error};

fn file_key() -> serde_json::Value {
    json!({
        "name": "file", "type": "STRING", "required": true, "default_value": null,
        "importance": "HIGH", "documentation": "The file.", "group": null, "order": -1,
        "width": "NONE", "display_name": "file", "dependents": []
    })
}

#[tokio::test]
async fn plugins_list_connectors_only_by_default() {
    let api = TestApi::new();
    let sink = json!({"class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "type": "sink", "version": "4.0.0"});
    for path in [
        "/connector-plugins",
        "/connector-plugins/",
        "/connector-plugins?connectorsOnly=true",
    ] {
        let reply = api.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.json(), json!([sink]), "{path}");
    }
    let all = api.get("/connector-plugins?connectorsOnly=false").await;
    assert_eq!(
        all.json(),
        json!([sink, {"class": "org.apache.kafka.connect.json.JsonConverter", "type": "converter"}])
    );
}

#[tokio::test]
async fn a_plugins_config_definition() {
    let api = TestApi::new();
    let reply = api.get("/connector-plugins/FileStreamSink/config").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!([file_key()]));
    let unknown = api.get("/connector-plugins/Nope/config").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json(), error(404, "Unknown plugin Nope."));
}

#[tokio::test]
async fn validation_answers_config_infos_even_with_errors() {
    let api = TestApi::new();
    let reply = api
        .put(
            "/connector-plugins/FileStreamSinkConnector/config/validate",
            Some(json!({"connector.class": "org.apache.kafka.connect.file.FileStreamSink", "tasks.max": 1, "x": false})),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({
            "name": "org.apache.kafka.connect.file.FileStreamSink",
            "error_count": 1,
            "groups": ["Common"],
            "configs": [{
                "definition": file_key(),
                "value": {
                    "name": "file", "value": null, "recommended_values": [],
                    "errors": ["Missing required configuration \"file\" which has no default value."],
                    "visible": true
                }
            }]
        })
    );
    let validated = api.herder.validated.lock().unwrap().clone().unwrap();
    assert_eq!(validated["tasks.max"], "1");
    assert_eq!(validated["x"], "false");
}

#[tokio::test]
async fn validation_refuses_a_class_of_another_plugin() {
    let reply = TestApi::new()
        .put(
            "/connector-plugins/FileStreamSource/config/validate",
            Some(
                json!({"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector"}),
            ),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        error(
            400,
            "Included connector type org.apache.kafka.connect.file.FileStreamSinkConnector does not match request type FileStreamSource"
        )
    );
}
