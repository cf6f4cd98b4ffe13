//! Connector config validation: Kafka Connect's `AbstractHerder.validateConnectorConfig`, the
//! answer of `PUT /connector-plugins/{type}/config/validate` and the check before a connector
//! is created or updated (§1.4 "Validation semantics", steps 1–3 and 6–9; the distributed-only
//! steps 4–5 are not done here).

use indexmap::IndexMap;
use regex::Regex;

use crate::config::{
    ConfigDef, ConfigError, ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigProviders,
    ConfigValueInfo, RawConfig,
};
use crate::connector::{ConnectorPlugin, ConnectorType};
use crate::kafka::client_config::is_secret;
use crate::kafka::{ClientRole, OverridePolicy};

use super::Plugins;
use super::connector_config::{enriched_config_def, uses_topic_creation};

/// A connector config as a REST body may give it: a JSON `null` value is `None`.
pub type NullableConfig = IndexMap<String, Option<String>>;

const NULL_VALUE: &str = "Null value can not be supplied as the configuration value.";

/// Validation could not run; Kafka answers these with an exception rather than a
/// `ConfigInfos` (500 from the validate endpoint, 400 from create and update).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    /// The config has no `connector.class`.
    #[error("Connector config {config} contains no connector type")]
    NoConnectorType {
        /// The config as Java prints a map (`{k=v, …}`), placeholders unresolved.
        config: String,
    },
    /// No connector has the name given in `connector.class`.
    #[error(
        "Failed to find any class that implements Connector and which name matches {class}, available connectors are: {available}"
    )]
    UnknownConnector {
        /// The `connector.class` value.
        class: String,
        /// The connectors the worker has, as Kafka lists its `PluginDesc`s.
        available: String,
    },
    /// A config-provider placeholder could not be resolved, or the worker's override policy
    /// is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Validates a connector config against what `plugins` has, resolving placeholders with
/// `providers`, with a worker's defaults (`connector.client.config.override.policy=All`,
/// `topic.creation.enable=true`). See [`validate_connector_config_with`].
pub fn validate_connector_config(
    plugins: &Plugins,
    raw: &RawConfig,
    providers: &ConfigProviders,
) -> Result<ConfigInfos, ValidationError> {
    let config: NullableConfig = raw
        .iter()
        .map(|(key, value)| (key.clone(), Some(value.clone())))
        .collect();
    validate_connector_config_with(plugins, &config, providers, &RawConfig::new())
}

/// Validates a connector config, null values included, for a worker whose (resolved) config is
/// `worker` (its `connector.client.config.override.policy` and `topic.creation.enable` apply):
/// 1. resolves config-provider placeholders;
/// 2. checks the framework's source or sink keys with those of the configured transforms,
///    predicates and topic creation groups;
/// 3. for sinks, exactly one of `topics`/`topics.regex`, and the DLQ topic not consumed;
/// 6. runs the connector's own `validate`;
/// 7. checks the settings of converters the config overrides (reported as
///    `key.converter.<key>` and so on);
/// 8. checks client overrides against the override policy (reported with their
///    `producer.override.`, `consumer.override.` or `admin.override.` prefix);
/// 9. reports every null value.
pub fn validate_connector_config_with(
    plugins: &Plugins,
    config: &NullableConfig,
    providers: &ConfigProviders,
    worker: &RawConfig,
) -> Result<ConfigInfos, ValidationError> {
    let policy = OverridePolicy::from_worker(worker)?;
    let mut resolved = RawConfig::with_capacity(config.len());
    for (key, value) in config {
        if let Some(value) = value {
            resolved.insert(key.clone(), providers.resolve_value(key, value)?);
        }
    }
    let Some(class) = resolved.get("connector.class").cloned() else {
        return Err(ValidationError::NoConnectorType {
            config: java_map(config),
        });
    };
    let plugin =
        plugins
            .connectors
            .find(&class)
            .ok_or_else(|| ValidationError::UnknownConnector {
                class: class.clone(),
                available: available_connectors(plugins.connectors.plugins()),
            })?;
    let connector_type = plugin.connector_type();
    let topic_creation = worker
        .get("topic.creation.enable")
        .is_none_or(|enabled| !enabled.trim().eq_ignore_ascii_case("false"));
    let def = enriched_config_def(plugins, connector_type, &resolved, topic_creation);

    let mut report = Report::default();
    report.add_def(&def, def.validate(&resolved));
    if connector_type == ConnectorType::Sink {
        check_sink_topics(&resolved, &mut report);
    }
    let instance = plugin.instantiate();
    let connector = instance.as_connector();
    report.add_def(&connector.config_def(), connector.validate(&resolved));
    for (key, value) in config {
        if value.is_none() {
            report.add_error(key, NULL_VALUE);
        }
    }
    let main_errors = report.error_messages();

    let mut parts = Vec::new();
    let (producer, consumer, admin) = match connector_type {
        ConnectorType::Source => (true, false, uses_topic_creation(&resolved)),
        ConnectorType::Sink => {
            let dlq = has_dlq_topic(&resolved);
            (dlq, true, dlq)
        }
    };
    let roles = [
        (producer, ClientRole::Producer),
        (consumer, ClientRole::Consumer),
        (admin, ClientRole::Admin),
    ];
    for (_, role) in roles.iter().filter(|(used, _)| *used) {
        parts.push(client_overrides(&resolved, *role, policy));
    }
    for (class_key, converter_type) in [
        ("header.converter", "header"),
        ("key.converter", "key"),
        ("value.converter", "value"),
    ] {
        if let Some(part) =
            converter_settings(plugins, &resolved, &report, class_key, converter_type)
        {
            parts.push(part);
        }
    }

    let mut infos = ConfigInfos {
        name: class,
        error_count: main_errors,
        groups: report.groups,
        configs: report.undefined,
    };
    infos.configs.extend(
        report
            .entries
            .into_values()
            .map(|(definition, value)| ConfigInfo { definition, value }),
    );
    for part in parts {
        infos.error_count += part.error_count;
        for group in part.groups {
            if !infos.groups.contains(&group) {
                infos.groups.push(group);
            }
        }
        infos.configs.extend(part.configs);
    }
    Ok(infos)
}

/// Kafka's 400 message when a connector is created or updated with an invalid config.
pub fn validation_failure_message(infos: &ConfigInfos) -> String {
    let mut message = format!(
        "Connector configuration is invalid and contains the following {} error(s):",
        infos.error_count
    );
    for error in infos.configs.iter().flat_map(|info| &info.value.errors) {
        message.push('\n');
        message.push_str(error);
    }
    message.push_str(
        "\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
    );
    message
}

/// The main part of a validation answer: Kafka's `generateResult` over the framework's and the
/// connector's keys.
#[derive(Default)]
struct Report {
    /// Values without a definition (null values of undeclared keys); Kafka lists them first.
    undefined: Vec<ConfigInfo>,
    /// One entry per declared key, in declaration order; a connector's definition of a
    /// framework key replaces it in place.
    entries: IndexMap<String, (Option<ConfigKeyInfo>, ConfigValueInfo)>,
    groups: Vec<String>,
}

impl Report {
    fn add_def(&mut self, def: &ConfigDef, entries: Vec<(ConfigKeyInfo, ConfigValueInfo)>) {
        for group in def.groups() {
            if !self.groups.contains(&group) {
                self.groups.push(group);
            }
        }
        for (definition, mut value) in entries {
            // A connector that redefines a framework key keeps the framework's errors on it
            // (Kafka would drop them).
            if let Some((_, earlier)) = self.entries.get(&definition.name) {
                let mut errors = earlier.errors.clone();
                errors.extend(
                    value
                        .errors
                        .drain(..)
                        .filter(|e| !earlier.errors.contains(e)),
                );
                value.errors = errors;
            }
            self.entries
                .insert(definition.name.clone(), (Some(definition), value));
        }
    }

    fn add_error(&mut self, key: &str, error: &str) {
        if let Some((_, value)) = self.entries.get_mut(key) {
            value.errors.push(error.to_owned());
            return;
        }
        if let Some(info) = self
            .undefined
            .iter_mut()
            .find(|info| info.value.name == key)
        {
            info.value.errors.push(error.to_owned());
            return;
        }
        self.undefined.push(ConfigInfo {
            definition: None,
            value: ConfigValueInfo {
                name: key.to_owned(),
                value: None,
                recommended_values: Vec::new(),
                errors: vec![error.to_owned()],
                visible: true,
            },
        });
    }

    fn has_errors(&self, key: &str) -> bool {
        self.entries
            .get(key)
            .is_some_and(|(_, value)| !value.errors.is_empty())
    }

    /// Kafka's `generateResult` counts error messages, not keys.
    fn error_messages(&self) -> usize {
        let undefined = self.undefined.iter().map(|info| info.value.errors.len());
        let entries = self.entries.values().map(|(_, value)| value.errors.len());
        undefined.chain(entries).sum()
    }
}

fn is_blank(value: Option<&String>) -> bool {
    value.is_none_or(|text| text.trim().is_empty())
}

fn has_dlq_topic(raw: &RawConfig) -> bool {
    !is_blank(raw.get("errors.deadletterqueue.topic.name"))
}

/// Kafka's `SinkConnectorConfig.validate`.
fn check_sink_topics(raw: &RawConfig, report: &mut Report) {
    let has_topics = !is_blank(raw.get("topics"));
    let has_regex = !is_blank(raw.get("topics.regex"));
    if has_topics && has_regex {
        let error = "topics and topics.regex are mutually exclusive options, but both are set.";
        report.add_error("topics", error);
        report.add_error("topics.regex", error);
    }
    if !has_topics && !has_regex {
        let error = "Must configure one of topics or topics.regex";
        report.add_error("topics", error);
        report.add_error("topics.regex", error);
    }
    let Some(dlq) = raw
        .get("errors.deadletterqueue.topic.name")
        .map(|topic| topic.trim())
        .filter(|topic| !topic.is_empty())
    else {
        return;
    };
    if has_topics {
        let topics: Vec<&str> = raw["topics"]
            .split(',')
            .map(str::trim)
            .filter(|topic| !topic.is_empty())
            .collect();
        if topics.contains(&dlq) {
            report.add_error(
                "topics",
                &format!(
                    "The DLQ topic '{dlq}' may not be included in the list of topics ('topics=[{}]') consumed by the connector",
                    topics.join(", ")
                ),
            );
        }
    }
    if has_regex {
        let pattern = raw["topics.regex"].as_str();
        // Java's `matcher(dlq).matches()`: the whole name must match.
        if Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(dlq)) {
            report.add_error(
                "topics.regex",
                &format!(
                    "The DLQ topic '{dlq}' may not be included in the regex matching the topics ('topics.regex={pattern}') consumed by the connector"
                ),
            );
        }
    }
}

/// The override entries of one client, checked against the policy (Kafka's
/// `validateClientOverrides`). Sluice has no ConfigDef of the Java clients, so the entries
/// have no definition.
fn client_overrides(raw: &RawConfig, role: ClientRole, policy: OverridePolicy) -> ConfigInfos {
    let prefix = role.override_prefix();
    let configs: Vec<ConfigInfo> = raw
        .iter()
        .filter_map(|(key, value)| {
            let client_key = key.strip_prefix(prefix)?;
            let shown = if is_secret(client_key) {
                "[hidden]".to_owned()
            } else {
                value.clone()
            };
            Some(ConfigInfo {
                definition: None,
                value: ConfigValueInfo {
                    name: key.clone(),
                    value: Some(shown),
                    recommended_values: Vec::new(),
                    errors: policy.violation(client_key).into_iter().collect(),
                    visible: true,
                },
            })
        })
        .collect();
    part(configs, Vec::new())
}

/// The settings of a converter the connector config overrides, checked against its keys and
/// reported under its prefix (Kafka's `validateConverterConfig`). `None` when the converter is
/// not overridden or its class is already reported invalid.
fn converter_settings(
    plugins: &Plugins,
    raw: &RawConfig,
    report: &Report,
    class_key: &str,
    converter_type: &str,
) -> Option<ConfigInfos> {
    let class = raw.get(class_key)?;
    if report.has_errors(class_key) {
        return None;
    }
    let def = (plugins.converters.lookup(class)?.config_def)();
    let prefix = format!("{class_key}.");
    let mut settings: RawConfig = raw
        .iter()
        .filter_map(|(key, value)| Some((key.strip_prefix(&prefix)?.to_owned(), value.clone())))
        .collect();
    settings
        .entry("converter.type".to_owned())
        .or_insert_with(|| converter_type.to_owned());
    let configs = def
        .validate(&settings)
        .into_iter()
        .map(|(mut definition, mut value)| {
            definition.name = format!("{prefix}{}", definition.name);
            value.name = format!("{prefix}{}", value.name);
            ConfigInfo {
                definition: Some(definition),
                value,
            }
        })
        .collect();
    Some(part(configs, def.groups()))
}

/// A prefixed part of the answer: Kafka counts its values with errors.
fn part(configs: Vec<ConfigInfo>, groups: Vec<String>) -> ConfigInfos {
    ConfigInfos {
        name: String::new(),
        error_count: configs
            .iter()
            .filter(|info| !info.value.errors.is_empty())
            .count(),
        groups,
        configs,
    }
}

/// A map as Java's `AbstractMap.toString` writes it.
fn java_map(config: &NullableConfig) -> String {
    let entries: Vec<String> = config
        .iter()
        .map(|(key, value)| format!("{key}={}", value.as_deref().unwrap_or("null")))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// The connectors as Kafka's `PluginDesc.toString` lists them.
fn available_connectors(plugins: &[ConnectorPlugin]) -> String {
    let descs: Vec<String> = plugins
        .iter()
        .map(|plugin| {
            let version = plugin.instantiate().as_connector().version();
            let kind = plugin.connector_type().as_str();
            format!(
                "PluginDesc{{klass=class {class}, name='{class}', version='{version}', encodedVersion={version}, type={kind}, typeName='{kind}', location='classpath'}}",
                class = plugin.class_name
            )
        })
        .collect();
    descs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::plugins::tests::{SINK, SOURCE, test_plugins};

    fn raw(pairs: &[(&str, &str)]) -> RawConfig {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

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
        let infos = validate_connector_config_with(
            &test_plugins(),
            &config,
            &ConfigProviders::none(),
            &worker,
        )
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
}
