//! `…/offsets` and `…/topics`.

use serde_json::json;

use crate::{TestApi, error};

#[tokio::test]
async fn reading_offsets() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/offsets").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"offsets": [{"partition": {"filename": "/tmp/in"}, "offset": {"position": 42}}]})
    );
    assert_eq!(
        api.get("/connectors/nope/offsets").await.json(),
        error(404, "Connector nope not found")
    );
}

#[tokio::test]
async fn altering_offsets_hands_them_to_the_herder_as_given() {
    let api = TestApi::new();
    let body = json!({"offsets": [
        {"partition": {"kafka_topic": "t", "kafka_partition": "0"}, "offset": {"kafka_offset": "5"}},
        {"partition": {"kafka_topic": "t", "kafka_partition": 1}, "offset": null}
    ]});
    let reply = api
        .patch("/connectors/file-source/offsets", body.clone())
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"message": "The offsets for this connector have been altered successfully"})
    );
    let altered = api.herder.altered_offsets.lock().unwrap().clone().unwrap();
    assert_eq!(serde_json::to_value(altered).unwrap(), body);
}

#[tokio::test]
async fn altering_without_offsets_is_a_400() {
    let api = TestApi::new();
    let expected = error(
        400,
        "Partitions / offsets need to be provided for an alter offsets request",
    );
    for body in [json!({}), json!({"offsets": []}), json!({"offsets": null})] {
        let reply = api.patch("/connectors/file-source/offsets", body).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.json(), expected);
    }
}

#[tokio::test]
async fn malformed_offsets_entries_are_a_400() {
    let api = TestApi::new();
    let cases = [
        (json!([]), "The request body must be a JSON object"),
        (json!({"offsets": {}}), "\"offsets\" must be a JSON array"),
        (
            json!({"offsets": [123]}),
            "Each entry of \"offsets\" must be a JSON object",
        ),
        (
            json!({"offsets": [{}]}),
            "The partition of an offsets entry cannot be null or missing",
        ),
        (
            json!({"offsets": [{"partition": [], "offset": null}]}),
            "The partition of an offsets entry must be a JSON object",
        ),
        (
            json!({"offsets": [{"partition": {}, "offset": 5}]}),
            "The offset of an offsets entry must be a JSON object or null",
        ),
        (
            json!({"offsets": [{"key": "val"}]}),
            "Unrecognized field \"key\": an offsets entry takes only \"partition\" and \"offset\"",
        ),
        (
            json!({"key": []}),
            "Unrecognized field \"key\": the request body takes only \"offsets\"",
        ),
    ];
    for (body, message) in cases {
        let reply = api
            .patch("/connectors/file-source/offsets", body.clone())
            .await;
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.json(), error(400, message), "{body}");
    }
}

#[tokio::test]
async fn resetting_offsets() {
    let api = TestApi::new();
    let reply = api.delete("/connectors/file-source/offsets").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"message": "The offsets for this connector have been reset successfully"})
    );
    assert_eq!(api.delete("/connectors/nope/offsets").await.status, 404);
}

#[tokio::test]
async fn active_topics_are_keyed_by_connector() {
    let api = TestApi::new();
    let reply = api.get("/connectors/file-source/topics").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"file-source": {"topics": ["t1", "t2"]}})
    );
    let reset = api.put("/connectors/file-source/topics/reset", None).await;
    assert_eq!(reset.status, 202);
    assert_eq!(reset.text, "");
}

#[tokio::test]
async fn disabled_topic_tracking_is_a_403() {
    let api = TestApi::new();
    for reply in [
        api.get("/connectors/untracked/topics").await,
        api.put("/connectors/untracked/topics/reset", None).await,
    ] {
        assert_eq!(reply.status, 403);
        assert_eq!(reply.json(), error(403, "Topic tracking is disabled."));
    }
}
