//! Every REST endpoint of a standalone worker, through the real binary against the test broker:
//! status codes and Kafka Connect's JSON shapes.

mod support;

use std::io::Write;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Rest, Sluice, bootstrap, free_port, unique, wait_for, write_properties};

const TIMEOUT: Duration = Duration::from_secs(60);

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(name) && line.contains("connector=\"src\""))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn every_rest_endpoint_answers_with_kafka_connect_shapes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let worker_props = dir.path().join("worker.properties");
    let offsets = dir.path().join("offsets.bin").display().to_string();
    write_properties(
        &worker_props,
        &[
            ("bootstrap.servers", &bootstrap()),
            (
                "key.converter",
                "org.apache.kafka.connect.storage.StringConverter",
            ),
            (
                "value.converter",
                "org.apache.kafka.connect.storage.StringConverter",
            ),
            ("offset.storage.file.filename", &offsets),
            ("offset.flush.interval.ms", "200"),
            ("listeners", &format!("http://127.0.0.1:{port}")),
        ],
    );
    let mut worker = Sluice::start(
        &["standalone", &worker_props.display().to_string()],
        &dir.path().join("worker.log"),
    );
    let rest = Rest::new(port);
    wait_for("GET /health 200", TIMEOUT, &mut worker, || {
        rest.is_healthy()
    });

    // Root and health.
    let root = rest.get("/");
    assert_eq!(root.status, 200);
    assert!(root.body["version"].is_string() && root.body["commit"].is_string());
    let health = rest.get("/health");
    assert_eq!(health.body["status"], "healthy");
    assert_eq!(rest.get("/connectors").body, json!([]));
    assert_eq!(rest.get("/no/such/route").status, 404);

    // Create a source.
    let input = dir.path().join("input.txt");
    let mut file = std::fs::File::create(&input).expect("input");
    for i in 0..100 {
        writeln!(file, "first {i}").expect("write");
    }
    let topic = unique("rest-topic");
    let source_config = json!({
        "connector.class": "FileStreamSource",
        "file": input.display().to_string(),
        "topic": topic,
        "tasks.max": "1",
    });
    let created = rest.call(
        "POST",
        "/connectors",
        Some(json!({"name": "src", "config": source_config})),
    );
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.location.as_deref(), Some("/connectors/src"));
    assert_eq!(created.body["name"], "src");
    assert_eq!(created.body["type"], "source");
    assert_eq!(created.body["config"]["name"], "src");
    let again = rest.call(
        "POST",
        "/connectors",
        Some(json!({"name": "src", "config": source_config})),
    );
    assert_eq!(again.status, 409);
    assert_eq!(again.body["error_code"], 409);
    let invalid = rest.call(
        "POST",
        "/connectors",
        Some(json!({"name": "bad", "config": {"connector.class": "FileStreamSource"}})),
    );
    assert_eq!(invalid.status, 400, "{}", invalid.text);
    assert!(
        invalid.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("topic"),
        "{}",
        invalid.text
    );
    let unknown = rest.call(
        "POST",
        "/connectors",
        Some(json!({"name": "nope", "config": {"connector.class": "NoSuchConnector"}})),
    );
    assert_eq!(unknown.status, 400, "{}", unknown.text);

    wait_for("src RUNNING with a task", TIMEOUT, &mut worker, || {
        let status = rest.get("/connectors/src/status").body;
        status["connector"]["state"] == "RUNNING" && status["tasks"][0]["state"] == "RUNNING"
    });
    assert_eq!(rest.get("/connectors").body, json!(["src"]));
    let expanded = rest.get("/connectors?expand=status&expand=info").body;
    assert_eq!(expanded["src"]["status"]["name"], "src");
    assert_eq!(expanded["src"]["info"]["type"], "source");
    let info = rest.get("/connectors/src").body;
    assert_eq!(info["tasks"], json!([{"connector": "src", "task": 0}]));
    assert_eq!(
        rest.get("/connectors/src/config").body["topic"],
        json!(topic)
    );
    let tasks = rest.get("/connectors/src/tasks").body;
    assert_eq!(tasks[0]["id"], json!({"connector": "src", "task": 0}));
    let task = rest.get("/connectors/src/tasks/0/status");
    assert_eq!(task.status, 200);
    assert_eq!(task.body["id"], 0);
    assert_eq!(task.body["worker_id"], json!(format!("127.0.0.1:{port}")));
    assert_eq!(rest.get("/connectors/src/tasks/7/status").status, 404);
    assert_eq!(
        rest.get("/connectors/src/tasks-config").body["src-0"]["topic"],
        json!(topic)
    );

    // A sink through PUT .../config: 201 when created, 200 when updated; PATCH merges.
    let output = dir.path().join("out.txt").display().to_string();
    let sink = json!({"connector.class": "FileStreamSink", "topics": topic, "file": output});
    let put = rest.call("PUT", "/connectors/sink/config", Some(sink.clone()));
    assert_eq!(put.status, 201, "{}", put.text);
    assert_eq!(put.body["type"], "sink");
    let mut changed = sink.clone();
    changed["tasks.max"] = json!("1");
    assert_eq!(
        rest.call("PUT", "/connectors/sink/config", Some(changed))
            .status,
        200
    );
    let patched = rest.call(
        "PATCH",
        "/connectors/sink/config",
        Some(json!({"tasks.max": null, "errors.tolerance": "all"})),
    );
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["config"]["errors.tolerance"], "all");
    assert!(patched.body["config"].get("tasks.max").is_none());

    // Data flows: topics and metrics move.
    wait_for(
        "the sink wrote the first lines",
        TIMEOUT,
        &mut worker,
        || support::lines(std::path::Path::new(&output)).len() >= 100,
    );
    assert_eq!(
        rest.get("/connectors/src/topics").body,
        json!({"src": {"topics": [topic]}})
    );
    let metrics = rest.get("/metrics");
    assert_eq!(metrics.status, 200);
    let polled = metric(
        &metrics.text,
        "kafka_connect_source_task_metrics_source_record_poll_total",
    );
    assert!(polled >= 100.0, "{}", metrics.text);
    for i in 0..50 {
        writeln!(file, "second {i}").expect("write");
    }
    file.flush().expect("flush");
    wait_for("the poll counter moved", TIMEOUT, &mut worker, || {
        metric(
            &rest.get("/metrics").text,
            "kafka_connect_source_task_metrics_source_record_poll_total",
        ) >= 150.0
    });
    assert!(
        rest.get("/metrics")
            .text
            .contains("kafka_connect_sink_task_metrics_sink_record_send_total")
    );
    assert_eq!(
        rest.call("PUT", "/connectors/src/topics/reset", None)
            .status,
        202
    );
    assert_eq!(
        rest.get("/connectors/src/topics").body,
        json!({"src": {"topics": []}})
    );

    // Pause, resume, restarts.
    assert_eq!(rest.call("PUT", "/connectors/src/pause", None).status, 202);
    wait_for("src PAUSED", TIMEOUT, &mut worker, || {
        let status = rest.get("/connectors/src/status").body;
        status["connector"]["state"] == "PAUSED" && status["tasks"][0]["state"] == "PAUSED"
    });
    assert_eq!(rest.call("PUT", "/connectors/src/resume", None).status, 202);
    wait_for("src RUNNING again", TIMEOUT, &mut worker, || {
        rest.get("/connectors/src/status").body["tasks"][0]["state"] == "RUNNING"
    });
    let plain = rest.call("POST", "/connectors/src/restart", None);
    assert_eq!(plain.status, 204);
    let with_tasks = rest.call("POST", "/connectors/src/restart?includeTasks=true", None);
    assert_eq!(with_tasks.status, 202, "{}", with_tasks.text);
    assert_eq!(with_tasks.body["connector"]["state"], "RESTARTING");
    assert_eq!(with_tasks.body["tasks"][0]["state"], "RESTARTING");
    let only_failed = rest.call(
        "POST",
        "/connectors/src/restart?includeTasks=true&onlyFailed=true",
        None,
    );
    assert_eq!(only_failed.status, 202);
    assert_eq!(
        rest.call("POST", "/connectors/src/tasks/0/restart", None)
            .status,
        204
    );
    assert_eq!(
        rest.call("POST", "/connectors/src/tasks/9/restart", None)
            .status,
        404
    );
    assert_eq!(
        rest.call("POST", "/connectors/nope/restart", None).status,
        404
    );
    wait_for("src RUNNING after restarts", TIMEOUT, &mut worker, || {
        let status = rest.get("/connectors/src/status").body;
        status["connector"]["state"] == "RUNNING" && status["tasks"][0]["state"] == "RUNNING"
    });

    // Offsets: readable any time, changeable only when STOPPED.
    wait_for("the source offset committed", TIMEOUT, &mut worker, || {
        rest.get("/connectors/src/offsets").body["offsets"][0]["offset"]["position"].as_i64()
            > Some(0)
    });
    let offsets = rest.get("/connectors/src/offsets").body;
    assert_eq!(
        offsets["offsets"][0]["partition"],
        json!({"filename": input.display().to_string()})
    );
    let change = json!({"offsets": [{"partition": {"filename": input.display().to_string()}, "offset": {"position": 0}}]});
    let refused = rest.call("PATCH", "/connectors/src/offsets", Some(change.clone()));
    assert_eq!(refused.status, 400);
    assert!(refused.text.contains("STOPPED"), "{}", refused.text);
    assert_eq!(rest.call("PUT", "/connectors/src/stop", None).status, 204);
    wait_for("src STOPPED", TIMEOUT, &mut worker, || {
        let status = rest.get("/connectors/src/status").body;
        status["connector"]["state"] == "STOPPED" && status["tasks"] == json!([])
    });
    let altered = rest.call("PATCH", "/connectors/src/offsets", Some(change));
    assert_eq!(altered.status, 200, "{}", altered.text);
    assert!(
        altered.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("altered successfully")
    );
    assert_eq!(
        rest.get("/connectors/src/offsets").body["offsets"][0]["offset"],
        json!({"position": 0})
    );
    assert_eq!(
        rest.call(
            "PATCH",
            "/connectors/src/offsets",
            Some(json!({"offsets": []}))
        )
        .status,
        400
    );
    let reset = rest.call("DELETE", "/connectors/src/offsets", None);
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(
        rest.get("/connectors/src/offsets").body,
        json!({"offsets": []})
    );
    let sink_offsets = rest.get("/connectors/sink/offsets");
    assert_eq!(sink_offsets.status, 200, "{}", sink_offsets.text);
    assert_eq!(
        sink_offsets.body["offsets"][0]["partition"]["kafka_topic"],
        json!(topic)
    );
    assert_eq!(rest.call("PUT", "/connectors/src/resume", None).status, 202);
    wait_for(
        "src RUNNING after resume from STOPPED",
        TIMEOUT,
        &mut worker,
        || rest.get("/connectors/src/status").body["tasks"][0]["state"] == "RUNNING",
    );

    // Plugins.
    let plugins = rest.get("/connector-plugins").body;
    let classes: Vec<&str> = plugins
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["class"].as_str())
        .collect();
    assert!(
        classes.contains(&"org.apache.kafka.connect.file.FileStreamSourceConnector"),
        "{plugins}"
    );
    assert!(
        classes.contains(&"io.confluent.kafka.connect.datagen.DatagenConnector"),
        "{plugins}"
    );
    let all = rest.get("/connector-plugins?connectorsOnly=false").body;
    assert!(
        all.as_array()
            .expect("list")
            .iter()
            .any(|p| p["type"] == "transformation")
    );
    let keys = rest.get("/connector-plugins/FileStreamSource/config");
    assert_eq!(keys.status, 200);
    assert!(
        keys.body
            .as_array()
            .expect("keys")
            .iter()
            .any(|k| k["name"] == "file")
    );
    assert_eq!(rest.get("/connector-plugins/NoSuch/config").status, 404);
    let validated = rest.call(
        "PUT",
        "/connector-plugins/FileStreamSourceConnector/config/validate",
        Some(json!({"connector.class": "FileStreamSource", "name": "v"})),
    );
    assert_eq!(validated.status, 200, "{}", validated.text);
    assert!(validated.body["error_count"].as_u64() >= Some(1));
    assert_eq!(validated.body["name"], "FileStreamSource");

    // Loggers.
    let loggers = rest.get("/admin/loggers");
    assert_eq!(loggers.status, 200);
    assert!(loggers.body["root"]["level"].is_string());
    let set = rest.call(
        "PUT",
        "/admin/loggers/sluice_engine",
        Some(json!({"level": "DEBUG"})),
    );
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(
        rest.get("/admin/loggers/sluice_engine").body["level"],
        "DEBUG"
    );
    assert_eq!(
        rest.call(
            "PUT",
            "/admin/loggers/sluice_engine",
            Some(json!({"level": "LOUD"}))
        )
        .status,
        404
    );

    // Delete.
    assert_eq!(rest.call("DELETE", "/connectors/src", None).status, 204);
    let gone = rest.get("/connectors/src");
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.body,
        json!({"error_code": 404, "message": "Connector src not found"})
    );
    assert_eq!(rest.get("/connectors").body, json!(["sink"]));
    let _: Value = rest.get("/connectors/sink/status").body;
    assert_eq!(worker.terminate(), Some(0));
}
