//! `sluice transform` end to end: the real binary, a config file and JSON-lines records.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Writes `config` to a file named `name` and runs `sluice transform` on `input` via stdin.
fn transform(name: &str, config: &str, input: &str) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, config).expect("write config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["transform", "--config"])
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sluice starts");
    // An invalid config exits before reading, so a failed write (broken pipe) is expected then.
    let _ = child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes());
    child.wait_with_output().expect("sluice exits")
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

const STRING_CONVERTERS: &str = "name=dry\nkey.converter=org.apache.kafka.connect.storage.StringConverter\nvalue.converter=StringConverter\nheader.converter=StringConverter\n";

#[test]
fn records_come_out_one_line_each_in_order() {
    let input = "{\"topic\":\"a\",\"key\":\"k1\",\"value\":\"v1\"}\n{\"value\":\"v2\",\"headers\":[{\"key\":\"h\",\"value\":\"x\"}]}\n";
    let output = transform("c.properties", STRING_CONVERTERS, input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout_lines(&output),
        [
            r#"{"topic":"a","partition":0,"timestamp":null,"key":"k1","value":"v1","headers":[]}"#,
            r#"{"topic":"test","partition":0,"timestamp":null,"key":null,"value":"v2","headers":[{"key":"h","value":"x"}]}"#,
        ]
    );
}

#[test]
fn a_failing_record_gives_an_error_line_and_later_records_still_run() {
    let config = "name=dry\nkey.converter=IntegerConverter\nvalue.converter=StringConverter\nheader.converter=StringConverter\n";
    let input = "{\"key\":\"abc\",\"value\":\"first\"}\n{\"value\":\"second\"}\n";
    let output = transform("c.properties", config, input);
    assert_eq!(output.status.code(), Some(0));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with(r#"{"error":"#) && lines[0].contains("IntegerDeserializer"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(r#""value":"second""#), "{}", lines[1]);
}

#[test]
fn json_connector_configs_are_accepted() {
    let config = r#"{"name":"dry","config":{"key.converter":"StringConverter","value.converter":"StringConverter","header.converter":"StringConverter"}}"#;
    let output = transform("c.json", config, "{\"value\":\"v\"}\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout_lines(&output).len(), 1);
}

#[test]
fn invalid_config_exits_2_naming_the_key_before_reading_records() {
    let cases = [
        ("key.converter=com.example.Missing\n", "key.converter"),
        ("transforms=t\n", "transforms.t.type"),
        (
            "transforms=t\ntransforms.t.type=com.example.NoSuchTransform\n",
            "transforms.t.type",
        ),
        (
            "value.converter=StringConverter\nvalue.converter.converter.encoding=EBCDIC\n",
            "value.converter.converter.encoding",
        ),
    ];
    for (extra, key) in cases {
        let config = format!("{STRING_CONVERTERS}{extra}");
        let output = transform("c.properties", &config, "{\"value\":\"v\"}\n");
        assert_eq!(output.status.code(), Some(2), "config {extra:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(key), "stderr should name {key}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "no record is read for an invalid config"
        );
    }
}

#[test]
fn readme_example_masks_routes_and_drops() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["transform", "--config"])
        .arg(root.join("examples/transform/mask-and-route.properties"))
        .arg("--input")
        .arg(root.join("examples/transform/users.jsonl"))
        .output()
        .expect("sluice runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout_lines(&output),
        [
            r#"{"topic":"masked-users","partition":0,"timestamp":null,"key":"u1","value":"{\"name\":\"Ada\",\"ssn\":\"\"}","headers":[{"key":"source","value":"crm"}]}"#,
            r#"{"dropped":true}"#,
            r#"{"error":"Converting byte[] to Kafka Connect data failed due to serialization error of topic users: unexpected 'n' at byte 1: expected a string key or '}'"}"#,
        ]
    );
}

#[test]
fn kafka_default_converters_apply_when_none_are_configured() {
    // JsonConverter with schemas.enable=true for keys and values, SimpleHeaderConverter for
    // headers: Kafka's worker defaults.
    let config = "name=dry\ntransforms=cast\ntransforms.cast.type=org.apache.kafka.connect.transforms.Cast$Value\ntransforms.cast.spec=id:string\n";
    let value = r#"{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}],\"optional\":false},\"payload\":{\"id\":42}}"#;
    let input =
        format!("{{\"value\":\"{value}\",\"headers\":[{{\"key\":\"n\",\"value\":\"7\"}}]}}\n");
    let output = transform("c.properties", config, &input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout_lines(&output),
        [
            r#"{"topic":"test","partition":0,"timestamp":null,"key":null,"value":"{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"}],\"optional\":false},\"payload\":{\"id\":\"42\"}}","headers":[{"key":"n","value":"7"}]}"#
        ]
    );
}
