//! Config parsing and topic selection of `MirrorSourceConnector`.

use std::time::Duration;

use sluice_engine::config::ConfigError;

use super::config::{MirrorSourceConfig, config_def};
use super::policy::PolicyKind;
use crate::test_support::raw;

const BOOTSTRAP: (&str, &str) = ("source.cluster.bootstrap.servers", "127.0.0.1:9092");

fn parse(pairs: &[(&str, &str)]) -> Result<MirrorSourceConfig, ConfigError> {
    let mut all = vec![BOOTSTRAP];
    all.extend_from_slice(pairs);
    MirrorSourceConfig::parse(&raw(&all))
}

fn invalid_key(pairs: &[(&str, &str)]) -> String {
    match parse(pairs) {
        Err(error) => error.key().unwrap_or_default().to_owned(),
        Ok(_) => panic!("{pairs:?} should be rejected"),
    }
}

#[test]
fn defaults_are_mm2s() {
    let config = parse(&[]).expect("valid");
    assert_eq!(config.source_alias, "source");
    assert_eq!(config.target_alias, "target");
    assert_eq!(config.policy.kind(), PolicyKind::Default);
    assert_eq!(config.remote_topic("orders"), "source.orders");
    assert_eq!(config.refresh_interval, Some(Duration::from_secs(600)));
    assert_eq!(config.admin_timeout, Duration::from_secs(60));
}

#[test]
fn bootstrap_servers_are_required() {
    let error = MirrorSourceConfig::parse(&raw(&[])).err();
    assert_eq!(
        error.as_ref().and_then(ConfigError::key),
        Some("source.cluster.bootstrap.servers")
    );
}

#[test]
fn bad_regexes_name_their_key() {
    assert_eq!(invalid_key(&[("topics", "orders, (unclosed")]), "topics");
    assert_eq!(
        invalid_key(&[("topics.exclude", "[z-a]")]),
        "topics.exclude"
    );
    assert_eq!(
        invalid_key(&[("topics.blacklist", "*")]),
        "topics.blacklist"
    );
}

#[test]
fn unknown_policy_and_empty_separator_are_rejected() {
    assert_eq!(
        invalid_key(&[("replication.policy.class", "com.acme.FancyPolicy")]),
        "replication.policy.class"
    );
    assert_eq!(
        invalid_key(&[("replication.policy.separator", "")]),
        "replication.policy.separator"
    );
    assert_eq!(
        invalid_key(&[("refresh.topics.interval.seconds", "0")]),
        "refresh.topics.interval.seconds"
    );
}

#[test]
fn config_def_declares_every_key() {
    let def = config_def();
    for key in [
        "source.cluster.alias",
        "target.cluster.alias",
        "source.cluster.bootstrap.servers",
        "topics",
        "topics.exclude",
        "topics.blacklist",
        "replication.policy.class",
        "replication.policy.separator",
        "refresh.topics.enabled",
        "refresh.topics.interval.seconds",
    ] {
        assert!(def.key(key).is_some(), "{key}");
    }
}

#[test]
fn validate_reports_a_bad_regex_on_its_key() {
    let config = raw(&[BOOTSTRAP, ("topics", "(")]);
    let results = config_def().validate(&config);
    let (_, topics) = results
        .iter()
        .find(|(key, _)| key.name == "topics")
        .expect("topics is declared");
    assert_eq!(topics.errors.len(), 1, "{:?}", topics.errors);
    assert!(topics.errors[0].contains("topics"), "{}", topics.errors[0]);
}

#[test]
fn default_selection_skips_internal_and_cyclic_topics() {
    let config =
        parse(&[("source.cluster.alias", "a"), ("target.cluster.alias", "b")]).expect("valid");
    for topic in [
        "orders",
        "c.orders",
        "heartbeats",
        "c.heartbeats",
        "connect-offsets",
    ] {
        assert!(config.should_replicate_topic(topic), "{topic}");
    }
    for topic in [
        "b.orders",
        "c.b.orders",
        "__consumer_offsets",
        "mm2-offset-syncs.b.internal",
        "connect-configs-internal",
        "orders.replica",
        "b.heartbeats",
    ] {
        assert!(!config.should_replicate_topic(topic), "{topic}");
    }
}

#[test]
fn heartbeats_are_replicated_even_when_not_listed() {
    let config = parse(&[("topics", "orders")]).expect("valid");
    assert!(config.should_replicate_topic("orders"));
    assert!(config.should_replicate_topic("heartbeats"));
    assert!(!config.should_replicate_topic("payments"));
}

#[test]
fn deprecated_blacklist_counts_only_without_exclude() {
    let old = parse(&[("topics.blacklist", "secret.*")]).expect("valid");
    assert!(!old.should_replicate_topic("secrets"));
    // The blacklist replaces the default exclusions.
    assert!(old.should_replicate_topic("orders.replica"));
    let both = parse(&[
        ("topics.blacklist", "secret.*"),
        ("topics.exclude", "orders"),
    ])
    .expect("valid");
    assert!(both.should_replicate_topic("secrets"));
    assert!(!both.should_replicate_topic("orders"));
}

#[test]
fn identity_policy_keeps_names() {
    let config = parse(&[
        ("replication.policy.class", "IdentityReplicationPolicy"),
        ("source.cluster.alias", "east"),
    ])
    .expect("valid");
    assert_eq!(config.remote_topic("orders"), "orders");
    assert!(config.should_replicate_topic("target.orders"));
}

#[test]
fn separator_changes_remote_names_and_cycle_detection() {
    let config = parse(&[("replication.policy.separator", "_")]).expect("valid");
    assert_eq!(config.remote_topic("orders"), "source_orders");
    assert!(!config.should_replicate_topic("target_orders"));
    assert!(config.should_replicate_topic("target.orders"));
}

#[test]
fn consumer_settings_layer_cluster_then_consumer_keys() {
    let config = parse(&[
        ("source.cluster.alias", "east"),
        ("source.cluster.client.id", "cluster-wide"),
        ("source.cluster.fetch.min.bytes", "10"),
        ("source.consumer.fetch.min.bytes", "20"),
        ("source.consumer.auto.offset.reset", "latest"),
        ("source.admin.client.id", "admin-only"),
    ])
    .expect("valid");
    let consumer = config.source_consumer_config().expect("valid client keys");
    assert_eq!(consumer.get("bootstrap.servers"), Some("127.0.0.1:9092"));
    assert_eq!(consumer.get("client.id"), Some("cluster-wide"));
    assert_eq!(consumer.get("fetch.min.bytes"), Some("20"));
    assert_eq!(consumer.get("enable.auto.commit"), Some("false"));
    assert_eq!(consumer.get("auto.offset.reset"), Some("latest"));
    assert_eq!(consumer.get("alias"), None);
    let admin = config.source_admin_config().expect("valid client keys");
    assert_eq!(admin.get("client.id"), Some("admin-only"));
    assert_eq!(admin.get("fetch.min.bytes"), Some("10"));
}

#[test]
fn consumer_reads_from_the_earliest_offset_by_default() {
    let consumer = parse(&[])
        .expect("valid")
        .source_consumer_config()
        .expect("valid client keys");
    assert_eq!(consumer.get("auto.offset.reset"), Some("earliest"));
}

#[test]
fn bad_client_values_are_config_errors() {
    let config = parse(&[("source.consumer.fetch.min.bytes", "lots")]).expect("valid");
    assert!(config.source_consumer_config().is_err());
}

#[test]
fn target_admin_exists_only_with_target_bootstrap_servers() {
    let none = parse(&[("target.cluster.client.id", "x")]).expect("valid");
    assert_eq!(none.target_admin_config(), Ok(None));
    let config = parse(&[
        ("target.cluster.bootstrap.servers", "b:9092"),
        ("target.cluster.alias", "west"),
        ("target.cluster.client.id", "cluster-wide"),
        ("target.admin.client.id", "admin-only"),
        ("replication.factor", "-1"),
    ])
    .expect("valid");
    let admin = config
        .target_admin_config()
        .expect("valid client keys")
        .expect("a target admin");
    assert_eq!(admin.get("bootstrap.servers"), Some("b:9092"));
    assert_eq!(admin.get("client.id"), Some("admin-only"));
    assert_eq!(admin.get("alias"), None);
    assert_eq!(config.replication_factor, -1);
    assert_eq!(parse(&[]).expect("valid").replication_factor, 2);
    assert_eq!(
        invalid_key(&[("replication.factor", "-2")]),
        "replication.factor"
    );
}

#[test]
fn the_example_config_is_valid() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/mirror/mirror-source.properties");
    let config = sluice_engine::config::load_connector_config(&path).expect("example readable");
    let parsed = MirrorSourceConfig::parse(&config).expect("example valid");
    assert_eq!(parsed.remote_topic("orders"), "us-east.orders");
    assert!(!parsed.should_replicate_topic("us-west.orders"));
    let registry = crate::builtin_registry();
    let class = &config["connector.class"];
    assert!(registry.find(class).is_some(), "{class}");
}
