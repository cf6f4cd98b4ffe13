use super::*;
use crate::config::test_support::raw;
use crate::worker::plugins::tests::{SINK, SOURCE, test_plugins};

fn validate(pairs: &[(&str, &str)]) -> ConfigInfos {
    validate_connector_config(&test_plugins(), &raw(pairs), &ConfigProviders::builtin())
        .expect("validation runs")
}

fn errors<'a>(infos: &'a ConfigInfos, key: &str) -> Vec<&'a str> {
    infos
        .configs
        .iter()
        .filter(|info| info.value.name == key)
        .flat_map(|info| info.value.errors.iter().map(String::as_str))
        .collect()
}

fn all_errors(infos: &ConfigInfos) -> Vec<(&str, &str)> {
    infos
        .configs
        .iter()
        .flat_map(|info| {
            info.value
                .errors
                .iter()
                .map(|error| (info.value.name.as_str(), error.as_str()))
        })
        .collect()
}

#[test]
fn good_source_config_has_no_errors() {
    let infos = validate(&[
        ("name", "src"),
        ("connector.class", "TestSource"),
        ("file", "/tmp/in.txt"),
        ("tasks.max", "2"),
    ]);
    assert_eq!(all_errors(&infos), []);
    assert_eq!(infos.error_count, 0);
    assert_eq!(infos.name, "TestSource");
    assert_eq!(
        infos.groups,
        [
            "Common",
            "Transforms",
            "Predicates",
            "Error Handling",
            "Topic Creation",
            "Exactly Once Support",
            "offsets.topic"
        ]
    );
    let names: Vec<&str> = infos
        .configs
        .iter()
        .map(|i| i.value.name.as_str())
        .collect();
    assert_eq!(&names[..3], ["name", "connector.class", "tasks.max"]);
    assert_eq!(
        names.last(),
        Some(&"file"),
        "the connector's keys come last"
    );
}

#[test]
fn connector_and_framework_errors_are_counted() {
    let infos = validate(&[("connector.class", SOURCE), ("tasks.max", "0")]);
    assert_eq!(
        all_errors(&infos),
        [
            (
                "name",
                "Missing required configuration \"name\" which has no default value."
            ),
            (
                "tasks.max",
                "Invalid value 0 for configuration tasks.max: Value must be at least 1"
            ),
            (
                "file",
                "Missing required configuration \"file\" which has no default value."
            ),
        ]
    );
    assert_eq!(infos.error_count, 3);
}

#[test]
fn sink_needs_exactly_one_of_topics_and_topics_regex() {
    let missing = validate(&[("name", "s"), ("connector.class", SINK)]);
    assert_eq!(
        errors(&missing, "topics"),
        ["Must configure one of topics or topics.regex"]
    );
    assert_eq!(
        errors(&missing, "topics.regex"),
        ["Must configure one of topics or topics.regex"]
    );
    assert_eq!(missing.error_count, 2);
    let both = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        ("topics.regex", "a.*"),
    ]);
    let error = "topics and topics.regex are mutually exclusive options, but both are set.";
    assert_eq!(errors(&both, "topics"), [error]);
    assert_eq!(errors(&both, "topics.regex"), [error]);
    let one = validate(&[("name", "s"), ("connector.class", SINK), ("topics", "a")]);
    assert_eq!(one.error_count, 0);
}

#[test]
fn dlq_topic_may_not_be_consumed() {
    let listed = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "orders, dlq"),
        ("errors.deadletterqueue.topic.name", "dlq"),
    ]);
    assert_eq!(
        errors(&listed, "topics"),
        [
            "The DLQ topic 'dlq' may not be included in the list of topics ('topics=[orders, dlq]') consumed by the connector"
        ]
    );
    let matched = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics.regex", "d.*"),
        ("errors.deadletterqueue.topic.name", "dlq"),
    ]);
    assert_eq!(
        errors(&matched, "topics.regex"),
        [
            "The DLQ topic 'dlq' may not be included in the regex matching the topics ('topics.regex=d.*') consumed by the connector"
        ]
    );
}

#[test]
fn bad_transform_type_is_reported_on_its_type_key() {
    let infos = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        ("transforms", "mask,cast"),
        ("transforms.mask.type", "com.example.NoSuchTransform"),
        (
            "transforms.cast.type",
            "org.apache.kafka.connect.transforms.Cast",
        ),
    ]);
    assert_eq!(
        all_errors(&infos),
        [
            (
                "transforms.mask.type",
                "Invalid value com.example.NoSuchTransform for configuration transforms.mask.type: Class com.example.NoSuchTransform could not be found."
            ),
            (
                "transforms.cast.type",
                "Invalid value org.apache.kafka.connect.transforms.Cast for configuration transforms.cast.type: This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.Cast$Key, org.apache.kafka.connect.transforms.Cast$Value?"
            ),
        ]
    );
    assert!(infos.groups.contains(&"Transforms: mask".to_owned()));
}

#[test]
fn transform_keys_are_checked() {
    let infos = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        ("transforms", "route"),
        ("transforms.route.type", "RegexRouter"),
        ("transforms.route.regex", "(.*)"),
    ]);
    assert_eq!(
        all_errors(&infos),
        [(
            "transforms.route.replacement",
            "Missing required configuration \"transforms.route.replacement\" which has no default value."
        )]
    );
}

#[test]
fn null_values_are_reported() {
    let config: NullableConfig = [
        ("name", Some("s")),
        ("connector.class", Some(SINK)),
        ("topics", Some("a")),
        ("tasks.max", None),
        ("custom.key", None),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.map(str::to_owned)))
    .collect();
    let infos = validate_connector_config_with(
        &test_plugins(),
        &config,
        &ConfigProviders::none(),
        &RawConfig::new(),
    )
    .expect("validation runs");
    assert_eq!(
        all_errors(&infos),
        [("custom.key", NULL_VALUE), ("tasks.max", NULL_VALUE)]
    );
    assert!(infos.configs[0].definition.is_none());
    assert_eq!(infos.error_count, 2);
}

#[test]
fn converter_overrides_are_checked_under_their_prefix() {
    let infos = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        (
            "value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("value.converter.schemas.cache.size", "-1"),
        ("key.converter", "com.example.Nope"),
        ("key.converter.x", "y"),
    ]);
    assert_eq!(
        all_errors(&infos),
        [
            (
                "key.converter",
                "Invalid value com.example.Nope for configuration key.converter: Class com.example.Nope could not be found."
            ),
            (
                "value.converter.schemas.cache.size",
                "Invalid value -1 for configuration schemas.cache.size: Value must be at least 0"
            ),
        ]
    );
    let entry = infos
        .configs
        .iter()
        .find(|info| info.value.name == "value.converter.schemas.enable")
        .expect("reported with its prefix");
    assert_eq!(
        entry.definition.as_ref().map(|d| d.name.as_str()),
        Some("value.converter.schemas.enable")
    );
    assert!(infos.groups.contains(&"Schemas".to_owned()));
    assert_eq!(infos.error_count, 2);
}

#[test]
fn client_overrides_follow_the_workers_policy() {
    let config: NullableConfig = [
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        ("consumer.override.max.poll.records", "10"),
        ("consumer.override.sasl.jaas.config", "secret"),
        ("producer.override.acks", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Some(v.to_owned())))
    .collect();
    let worker = raw(&[(OverridePolicy::KEY, "Principal")]);
    let infos =
        validate_connector_config_with(&test_plugins(), &config, &ConfigProviders::none(), &worker)
            .expect("validation runs");
    assert_eq!(
        all_errors(&infos),
        [(
            "consumer.override.max.poll.records",
            "The 'Principal' policy does not allow 'max.poll.records' to be overridden in the connector configuration."
        )]
    );
    let jaas = infos
        .configs
        .iter()
        .find(|info| info.value.name == "consumer.override.sasl.jaas.config")
        .expect("reported");
    assert_eq!(jaas.value.value.as_deref(), Some("[hidden]"));
    assert!(
        !infos
            .configs
            .iter()
            .any(|info| info.value.name.starts_with("producer.")),
        "a sink without a DLQ has no producer"
    );
}

#[test]
fn connectors_own_validate_and_definitions_win() {
    let infos = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        ("batch.size", "0"),
    ]);
    assert_eq!(
        all_errors(&infos),
        [("batch.size", "batch.size must not be 0")]
    );
    let topics = infos
        .configs
        .iter()
        .find(|info| info.value.name == "topics")
        .and_then(|info| info.definition.as_ref())
        .expect("defined");
    assert_eq!(topics.documentation, "Topics to write out.");
    assert!(infos.groups.ends_with(&["Sink".to_owned()]));
}

#[test]
fn placeholders_are_resolved_before_checking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("c.properties");
    std::fs::write(&file, "tasks=3\n").expect("write");
    let infos = validate(&[
        ("name", "s"),
        ("connector.class", SOURCE),
        ("file", "x"),
        ("tasks.max", &format!("${{file:{}:tasks}}", file.display())),
    ]);
    let tasks = infos
        .configs
        .iter()
        .find(|info| info.value.name == "tasks.max")
        .expect("reported");
    assert_eq!(tasks.value.value.as_deref(), Some("3"));
}

#[test]
fn missing_or_unknown_connector_class_is_an_exception() {
    let error = validate_connector_config(
        &test_plugins(),
        &raw(&[("name", "x")]),
        &ConfigProviders::none(),
    )
    .expect_err("no class");
    assert_eq!(
        error.to_string(),
        "Connector config {name=x} contains no connector type"
    );
    let error = validate_connector_config(
        &test_plugins(),
        &raw(&[("connector.class", "Nope")]),
        &ConfigProviders::none(),
    )
    .expect_err("unknown class");
    assert!(
        error.to_string().starts_with(
            "Failed to find any class that implements Connector and which name matches Nope, available connectors are: PluginDesc{klass=class com.example.TestSourceConnector, name='com.example.TestSourceConnector', version='1.2.3'"
        ),
        "{error}"
    );
}

#[test]
fn answer_serialises_as_kafka_writes_it() {
    let mut plugins = test_plugins();
    plugins.connectors = crate::connector::ConnectorRegistry::new();
    plugins
        .connectors
        .register(ConnectorPlugin::source(SOURCE, || {
            Box::new(crate::worker::plugins::tests::TestSource)
        }));
    let infos = validate_connector_config(
        &plugins,
        &raw(&[("connector.class", SOURCE), ("name", "n"), ("file", "")]),
        &ConfigProviders::none(),
    )
    .expect("validation runs");
    let json = serde_json::to_value(&infos).expect("serialisable");
    assert_eq!(json["name"], "com.example.TestSourceConnector");
    assert_eq!(json["error_count"], 1);
    assert_eq!(
        json["configs"][0],
        serde_json::json!({
            "definition": {
                "name": "name",
                "type": "STRING",
                "required": true,
                "default_value": null,
                "importance": "HIGH",
                "documentation": "Globally unique name to use for this connector.",
                "group": "Common",
                "order": 1,
                "width": "MEDIUM",
                "display_name": "Connector name",
                "dependents": []
            },
            "value": {
                "name": "name",
                "value": "n",
                "recommended_values": [],
                "errors": [],
                "visible": true
            }
        })
    );
    let last = infos.configs.len() - 1;
    assert_eq!(
        json["configs"][last],
        serde_json::json!({
            "definition": {
                "name": "file",
                "type": "STRING",
                "required": true,
                "default_value": null,
                "importance": "HIGH",
                "documentation": "The file to read.",
                "group": null,
                "order": -1,
                "width": "NONE",
                "display_name": "file",
                "dependents": []
            },
            "value": {
                "name": "file",
                "value": "",
                "recommended_values": [],
                "errors": ["Invalid value  for configuration file: String may not be empty"],
                "visible": true
            }
        })
    );
}

#[test]
fn failure_message_lists_every_error() {
    let infos = validate(&[("name", "s"), ("connector.class", SINK), ("tasks.max", "0")]);
    assert_eq!(
        validation_failure_message(&infos),
        "Connector configuration is invalid and contains the following 3 error(s):\n\
         Invalid value 0 for configuration tasks.max: Value must be at least 1\n\
         Must configure one of topics or topics.regex\n\
         Must configure one of topics or topics.regex\n\
         You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
    );
}

#[test]
fn what_building_refuses_is_reported_too() {
    let infos = validate(&[
        ("name", "s"),
        ("connector.class", SINK),
        ("topics", "a"),
        ("transforms", "drop"),
        ("transforms.drop.type", "Filter"),
        ("transforms.drop.predicate", "isTombstone"),
        ("value.converter", "StringConverter"),
        ("value.converter.converter.encoding", "EBCDIC"),
    ]);
    assert_eq!(
        all_errors(&infos),
        [
            (
                "transforms.drop.predicate",
                "Invalid value isTombstone for configuration transforms.drop.predicate: Predicate alias 'isTombstone' is not listed in 'predicates'"
            ),
            (
                "value.converter.converter.encoding",
                "Invalid value EBCDIC for configuration value.converter.converter.encoding: only UTF-8 is supported"
            ),
        ]
    );
    assert_eq!(infos.error_count, 2);
}

#[test]
fn topic_creation_keys_are_checked_when_the_worker_allows_creation() {
    let config: NullableConfig = [
        ("name", "src"),
        ("connector.class", SOURCE),
        ("file", "/tmp/in"),
        ("topic.creation.default.replication.factor", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Some(v.to_owned())))
    .collect();
    let check = |worker: &RawConfig| {
        validate_connector_config_with(&test_plugins(), &config, &ConfigProviders::none(), worker)
            .expect("validation runs")
    };
    let infos = check(&RawConfig::new());
    assert_eq!(
        all_errors(&infos),
        [
            (
                "topic.creation.default.replication.factor",
                "Invalid value 0 for configuration topic.creation.default.replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
            ),
            (
                "topic.creation.default.partitions",
                "Missing required configuration \"topic.creation.default.partitions\" which has no default value."
            ),
        ]
    );
    assert!(infos.groups.contains(&"Topic Creation: default".to_owned()));
    let off = check(&raw(&[("topic.creation.enable", "false")]));
    assert_eq!(off.error_count, 0);
}
