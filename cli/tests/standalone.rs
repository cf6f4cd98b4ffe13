//! `sluice standalone` end to end: the real binary against the test broker
//! (`scripts/test-broker.sh`), with FileStream connectors on both sides.

mod support;

use std::path::Path;
use std::time::Duration;

use support::{
    Rest, Sluice, bootstrap, free_port, lines, sasl_ssl_bootstrap, unique, wait_for,
    write_properties,
};

const TIMEOUT: Duration = Duration::from_secs(90);

/// Writes worker, source and sink configs moving `input` through a one-partition topic of the
/// test broker into `output`; returns the REST port and the three paths.
fn pipeline_configs(
    dir: &Path,
    input: &Path,
    output: &Path,
    source_extra: &[(&str, &str)],
) -> (u16, [String; 3]) {
    let bootstrap = bootstrap();
    cluster_pipeline_configs(
        dir,
        input,
        output,
        source_extra,
        &[("bootstrap.servers", &bootstrap)],
    )
}

/// [`pipeline_configs`] for the cluster whose worker keys (`bootstrap.servers`, security
/// keys) are `cluster`.
fn cluster_pipeline_configs(
    dir: &Path,
    input: &Path,
    output: &Path,
    source_extra: &[(&str, &str)],
    cluster: &[(&str, &str)],
) -> (u16, [String; 3]) {
    let port = free_port();
    let topic = unique("lines");
    let worker = dir.join("worker.properties");
    let offsets = dir.join("offsets.bin").display().to_string();
    let listeners = format!("http://127.0.0.1:{port}");
    let mut worker_pairs = cluster.to_vec();
    worker_pairs.extend_from_slice(&[
        (
            "key.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        ("offset.storage.file.filename", &offsets),
        ("offset.flush.interval.ms", "500"),
        ("listeners", &listeners),
        ("task.restart.backoff.initial.ms", "200"),
    ]);
    write_properties(&worker, &worker_pairs);
    let source = dir.join("source.properties");
    let input = input.display().to_string();
    let mut source_pairs = vec![
        ("name", "file-source"),
        ("connector.class", "FileStreamSource"),
        ("file", input.as_str()),
        ("topic", topic.as_str()),
        ("topic.creation.default.partitions", "1"),
        ("topic.creation.default.replication.factor", "-1"),
    ];
    source_pairs.extend_from_slice(source_extra);
    write_properties(&source, &source_pairs);
    let sink = dir.join("sink.json");
    // Each run has its own sink name, so its consumer group is its own.
    let body = serde_json::json!({
        "name": unique("file-sink"),
        "config": {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "topics": topic,
            "file": output.display().to_string(),
        }
    });
    std::fs::write(&sink, body.to_string()).expect("sink config");
    (
        port,
        [worker, source, sink].map(|path| path.display().to_string()),
    )
}

fn start(dir: &Path, configs: &[String; 3], log: &str) -> Sluice {
    let args: Vec<&str> = std::iter::once("standalone")
        .chain(configs.iter().map(String::as_str))
        .collect();
    Sluice::start(&args, &dir.join(log))
}

#[test]
fn a_sasl_ssl_cluster_is_reached_with_a_java_workers_security_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    let text: String = (0..200).map(|i| format!("secret line {i}\n")).collect();
    std::fs::write(&input, &text).expect("input");
    let truststore = format!(
        "{}/../engine/tests/fixtures/tls/truststore.jks",
        env!("CARGO_MANIFEST_DIR")
    );
    let jaas = r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="sluice" password="sluice-secret";"#;
    let bootstrap = sasl_ssl_bootstrap();
    // As a Kafka Connect worker is configured: the worker's own keys, then again under
    // `producer.` and `consumer.` for the tasks' clients.
    let mut cluster = vec![("bootstrap.servers".to_owned(), bootstrap)];
    for prefix in ["", "producer.", "consumer."] {
        for (key, value) in [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            ("sasl.jaas.config", jaas),
            ("ssl.truststore.location", truststore.as_str()),
            ("ssl.truststore.password", "changeit"),
        ] {
            cluster.push((format!("{prefix}{key}"), value.to_owned()));
        }
    }
    let cluster: Vec<(&str, &str)> = cluster
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let (_, configs) = cluster_pipeline_configs(dir.path(), &input, &output, &[], &cluster);
    let mut worker = start(dir.path(), &configs, "worker.log");
    wait_for("every line in the output", TIMEOUT, &mut worker, || {
        lines(&output).len() >= 200
    });
    assert_eq!(std::fs::read_to_string(&output).expect("output"), text);
    assert!(
        !worker.log_text().contains("sluice-secret"),
        "the SCRAM password reached the log"
    );
    assert_eq!(worker.terminate(), Some(0), "SIGTERM stops it cleanly");
}

#[test]
fn file_source_to_topic_to_file_sink_is_byte_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    let mut text = String::new();
    for i in 0..2_000 {
        text.push_str(&format!("line {i}: naïve café ✓ {}\n", "x".repeat(i % 50)));
    }
    std::fs::write(&input, &text).expect("input");
    let (port, configs) = pipeline_configs(dir.path(), &input, &output, &[]);
    let mut worker = start(dir.path(), &configs, "worker.log");
    let rest = Rest::new(port);
    wait_for("every line in the output", TIMEOUT, &mut worker, || {
        lines(&output).len() >= 2_000
    });
    assert_eq!(
        std::fs::read(&output).expect("output"),
        text.as_bytes(),
        "the output is the input, byte for byte"
    );
    let status = rest.get("/connectors/file-source/status");
    assert_eq!(status.body["connector"]["state"], "RUNNING");
    assert_eq!(status.body["tasks"][0]["state"], "RUNNING");
    assert_eq!(worker.terminate(), Some(0), "SIGTERM stops it cleanly");
}

#[test]
fn kill_9_mid_stream_then_restart_loses_no_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    let total = 150_000;
    std::fs::write(&input, "").expect("input");
    let (_, configs) = pipeline_configs(dir.path(), &input, &output, &[]);

    // Lines keep arriving at 10 000/s while the first worker runs, however fast it moves
    // them, so the kill lands mid-stream; the rest arrive once it is dead.
    let (stop_writing, stop) = std::sync::mpsc::channel::<()>();
    let appending = input.clone();
    let writer = std::thread::spawn(move || {
        let mut written = 0;
        while written < total && stop.try_recv().is_err() {
            append_records(&appending, written, written + 100);
            written += 100;
            std::thread::sleep(Duration::from_millis(10));
        }
        written
    });
    let mut first = start(dir.path(), &configs, "first.log");
    wait_for("some lines in the output", TIMEOUT, &mut first, || {
        lines(&output).len() >= 5_000
    });
    first.kill_9();
    let _ = stop_writing.send(());
    let written = writer.join().expect("the writer thread ends");
    let after_kill = lines(&output).len();
    assert!(
        written < total && after_kill <= written,
        "the kill came mid-stream ({written} lines written, {after_kill} out)"
    );
    append_records(&input, written, total);

    let mut second = start(dir.path(), &configs, "second.log");
    let expected: std::collections::BTreeSet<String> =
        (0..total).map(|i| format!("record-{i:07}")).collect();
    wait_for(
        "every line after the restart",
        TIMEOUT * 2,
        &mut second,
        || {
            let seen: std::collections::BTreeSet<String> = lines(&output).into_iter().collect();
            expected.is_subset(&seen)
        },
    );
    let written = lines(&output);
    assert!(
        written.len() >= total,
        "at least once: {} lines written for {total}",
        written.len()
    );
    let corrupted: Vec<&String> = written
        .iter()
        .filter(|line| !expected.contains(*line))
        .collect();
    assert!(
        corrupted.is_empty(),
        "lines that were never sent (a write cut short by the kill?): {corrupted:?}"
    );
    assert_eq!(second.terminate(), Some(0));
}

/// Appends `record-<i>` lines for `i` in `from..to` to `path`.
fn append_records(path: &Path, from: usize, to: usize) {
    use std::io::Write;
    let lines: String = (from..to).map(|i| format!("record-{i:07}\n")).collect();
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(lines.as_bytes()))
        .expect("appending to the input");
}

#[test]
fn a_panicking_task_is_restarted_and_recovers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    let text: String = (0..500).map(|i| format!("event {i}\n")).collect();
    std::fs::write(&input, &text).expect("input");
    let (port, configs) = pipeline_configs(
        dir.path(),
        &input,
        &output,
        &[
            ("transforms", "fault"),
            (
                "transforms.fault.type",
                "io.sluice.connect.transforms.InjectFault",
            ),
            ("transforms.fault.panic.after.records", "200"),
            ("transforms.fault.panic.times", "1"),
        ],
    );
    let mut worker = start(dir.path(), &configs, "worker.log");
    let rest = Rest::new(port);
    let expected: std::collections::BTreeSet<String> = text.lines().map(str::to_owned).collect();
    wait_for("every line despite the panic", TIMEOUT, &mut worker, || {
        let seen: std::collections::BTreeSet<String> = lines(&output).into_iter().collect();
        expected.is_subset(&seen)
    });
    let log = worker.log_text();
    assert!(
        log.contains("InjectFault: panicking after 200 records"),
        "the task panicked:\n{log}"
    );
    assert!(
        log.contains("restarting the failed task"),
        "it was restarted:\n{log}"
    );
    let status = rest.get("/connectors/file-source/tasks/0/status");
    assert_eq!(status.status, 200);
    assert_eq!(status.body["state"], "RUNNING", "{}", status.text);
    assert_eq!(worker.terminate(), Some(0));
}

#[test]
fn a_bad_worker_config_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = dir.path().join("worker.properties");
    write_properties(&worker, &[("bootstrap.servers", "127.0.0.1:1")]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["standalone", &worker.display().to_string()])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("key.converter"), "{stderr}");
}

#[test]
fn quickstart_moves_100000_records_and_exits_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output_file = dir.path().join("users.txt");
    let port = free_port();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args([
            "quickstart",
            "--records",
            "100000",
            "--output",
            &output_file.display().to_string(),
            "--listeners",
            &format!("http://127.0.0.1:{port}"),
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    let written = lines(&output_file);
    assert!(written.len() >= 100_000, "{} lines", written.len());
    assert!(
        written[0].contains("pipeline=sluice-quickstart") && written[0].contains("userid=User_"),
        "{}",
        written[0]
    );
    assert!(stderr.contains("in-process mock Kafka cluster"), "{stderr}");
}
