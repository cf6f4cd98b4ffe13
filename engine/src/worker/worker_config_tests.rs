use super::*;
use crate::config::test_support::raw;

fn minimal(extra: &[(&str, &str)]) -> RawConfig {
    let mut config = raw(&[
        (
            "key.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("offset.storage.file.filename", "/tmp/connect.offsets"),
    ]);
    config.extend(raw(extra));
    config
}

#[test]
fn defaults_match_kafka() {
    let config = WorkerConfig::standalone(minimal(&[])).expect("valid");
    assert_eq!(config.mode(), WorkerMode::Standalone);
    assert_eq!(config.bootstrap_servers(), ["localhost:9092"]);
    assert_eq!(config.listeners(), ["http://:8083"]);
    assert_eq!(config.admin_listeners(), None);
    assert_eq!(
        config.header_converter(),
        "org.apache.kafka.connect.storage.SimpleHeaderConverter"
    );
    assert_eq!(
        config.offset_flush_interval(),
        Duration::from_millis(60_000)
    );
    assert_eq!(config.offset_flush_timeout(), Duration::from_millis(5000));
    assert_eq!(
        config.task_shutdown_graceful_timeout(),
        Duration::from_millis(5000)
    );
    assert!(config.topic_tracking_enable());
    assert!(config.topic_tracking_allow_reset());
    assert!(config.topic_creation_enable());
    assert_eq!(config.rest_advertised_host_name(), None);
    assert_eq!(config.rest_advertised_port(), None);
    assert_eq!(config.override_policy(), OverridePolicy::All);
    assert_eq!(
        config.offset_storage_file(),
        Some(Path::new("/tmp/connect.offsets"))
    );
    assert_eq!(config.task_restart_max_attempts(), 10);
    assert_eq!(
        config.task_restart_backoff_initial(),
        Duration::from_millis(500)
    );
    assert_eq!(
        config.task_restart_backoff_max(),
        Duration::from_millis(60_000)
    );
}

#[test]
fn converters_are_required_and_errors_name_the_key() {
    let error = WorkerConfig::standalone(raw(&[
        ("value.converter", "JsonConverter"),
        ("offset.storage.file.filename", "/tmp/o"),
    ]))
    .expect_err("key.converter is required");
    assert_eq!(
        error.to_string(),
        "Missing required configuration \"key.converter\" which has no default value."
    );
    let mut no_file = minimal(&[]);
    no_file.shift_remove("offset.storage.file.filename");
    let error = WorkerConfig::standalone(no_file).expect_err("standalone needs a file");
    assert_eq!(error.key(), Some("offset.storage.file.filename"));
    let error = WorkerConfig::standalone(minimal(&[("offset.flush.interval.ms", "soon")]))
        .expect_err("not a number");
    assert_eq!(
        error.to_string(),
        "Invalid value soon for configuration offset.flush.interval.ms: Expected value to be a 64-bit integer"
    );
    let error = WorkerConfig::standalone(minimal(&[("listeners", "")])).expect_err("no listener");
    assert_eq!(error.key(), Some("listeners"));
    let error = WorkerConfig::standalone(minimal(&[(OverridePolicy::KEY, "Some")]))
        .expect_err("unknown policy");
    assert_eq!(error.key(), Some(OverridePolicy::KEY));
}

#[test]
fn typed_accessors_read_what_is_given() {
    let config = WorkerConfig::standalone(minimal(&[
        ("bootstrap.servers", "b1:9092, b2:9092"),
        ("listeners", "http://0.0.0.0:8083,https://:8443"),
        ("admin.listeners", ""),
        ("rest.advertised.host.name", "connect-1"),
        ("rest.advertised.port", "18083"),
        ("rest.advertised.listener", "https"),
        ("topic.tracking.allow.reset", "false"),
        ("topic.creation.enable", "false"),
        ("value.converter.schemas.enable", "false"),
        (OverridePolicy::KEY, "org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy"),
        ("task.restart.max.attempts", "0"),
        ("producer.linger.ms", "5"),
    ]))
    .expect("valid");
    assert_eq!(config.bootstrap_servers(), ["b1:9092", "b2:9092"]);
    assert_eq!(config.listeners(), ["http://0.0.0.0:8083", "https://:8443"]);
    assert_eq!(config.admin_listeners(), Some(&[][..]));
    assert_eq!(config.rest_advertised_host_name(), Some("connect-1"));
    assert_eq!(config.rest_advertised_port(), Some(18083));
    assert_eq!(config.rest_advertised_listener(), Some("https"));
    assert!(!config.topic_tracking_allow_reset());
    assert!(!config.topic_creation_enable());
    assert_eq!(
        config.value_converter_settings(),
        raw(&[("schemas.enable", "false")])
    );
    assert_eq!(config.override_policy(), OverridePolicy::Principal);
    assert_eq!(config.task_restart_max_attempts(), 0);
    assert_eq!(
        config.raw()["producer.linger.ms"],
        "5",
        "unknown keys are kept"
    );
}

#[test]
fn provider_placeholders_are_resolved_except_in_plugin_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = dir.path().join("worker.properties");
    std::fs::write(&secrets, "servers=kafka:9092\n").expect("write secrets");
    let placeholder = format!("${{file:{}:servers}}", secrets.display());
    let config = WorkerConfig::standalone(minimal(&[
        ("config.providers", "file"),
        (
            "config.providers.file.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider",
        ),
        ("bootstrap.servers", &placeholder),
        ("producer.bootstrap.servers", &placeholder),
        ("plugin.path", &placeholder),
    ]))
    .expect("valid");
    assert_eq!(config.bootstrap_servers(), ["kafka:9092"]);
    assert_eq!(config.raw()["producer.bootstrap.servers"], "kafka:9092");
    assert_eq!(config.raw()["plugin.path"], placeholder);
}

#[test]
fn removed_internal_converters_are_ignored() {
    let config = WorkerConfig::standalone(minimal(&[
        (
            "internal.key.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("internal.key.converter.schemas.enable", "false"),
        (
            "internal.value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
    ]))
    .expect("valid");
    assert!(!config.raw().keys().any(|key| key.starts_with("internal.")));
}

#[test]
fn distributed_needs_its_topics_and_group() {
    let error = WorkerConfig::distributed(raw(&[
        ("key.converter", "JsonConverter"),
        ("value.converter", "JsonConverter"),
    ]))
    .expect_err("group.id is required");
    assert_eq!(error.key(), Some("group.id"));
    let config = WorkerConfig::distributed(raw(&[
        ("key.converter", "JsonConverter"),
        ("value.converter", "JsonConverter"),
        ("group.id", "connect-cluster"),
        ("offset.storage.topic", "connect-offsets"),
        ("config.storage.topic", "connect-configs"),
        ("status.storage.topic", "connect-status"),
    ]))
    .expect("valid");
    assert_eq!(config.mode(), WorkerMode::Distributed);
    assert_eq!(config.group_id(), Some("connect-cluster"));
    assert_eq!(config.offset_storage_file(), None);
    assert_eq!(config.config().int("offset.storage.partitions"), Some(25));
}
