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
use crate::converters::ConverterType;
use crate::kafka::client_config::is_secret;
use crate::kafka::{ClientRole, OverridePolicy};
use crate::transforms::TransformChain;

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
    check_transform_chain(plugins, &resolved, &mut report);
    let instance = plugin.instantiate();
    let connector = instance.as_connector();
    report.add_def(&connector.config_def(), connector.validate(&resolved));
    for (key, value) in config {
        if value.is_none() {
            report.add_error(key, NULL_VALUE);
        }
    }
    let parts = prefixed_parts(plugins, &resolved, &report, connector_type, policy);
    Ok(report.into_infos(class, parts))
}

/// Steps 7 and 8: the client overrides of the clients this connector uses, then the settings
/// of the converters it overrides, each reported under its prefix.
fn prefixed_parts(
    plugins: &Plugins,
    resolved: &RawConfig,
    report: &Report,
    connector_type: ConnectorType,
    policy: OverridePolicy,
) -> Vec<ConfigInfos> {
    let (producer, consumer, admin) = match connector_type {
        ConnectorType::Source => (true, false, uses_topic_creation(resolved)),
        ConnectorType::Sink => {
            let dlq = has_dlq_topic(resolved);
            (dlq, true, dlq)
        }
    };
    let roles = [
        (producer, ClientRole::Producer),
        (consumer, ClientRole::Consumer),
        (admin, ClientRole::Admin),
    ];
    let mut parts: Vec<ConfigInfos> = roles
        .iter()
        .filter(|(used, _)| *used)
        .map(|(_, role)| client_overrides(resolved, *role, policy))
        .collect();
    for (class_key, converter_type) in [
        ("header.converter", ConverterType::Header),
        ("key.converter", ConverterType::Key),
        ("value.converter", ConverterType::Value),
    ] {
        parts.extend(converter_settings(
            plugins,
            resolved,
            report,
            class_key,
            converter_type,
        ));
    }
    parts
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

    /// The answer: Kafka's `mergeConfigInfos` of this main part (named after the connector
    /// class) and the prefixed `parts`.
    fn into_infos(self, class: String, parts: Vec<ConfigInfos>) -> ConfigInfos {
        let mut infos = ConfigInfos {
            name: class,
            error_count: self.error_messages(),
            groups: self.groups,
            configs: self.undefined,
        };
        infos.configs.extend(
            self.entries
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
        infos
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

/// Builds the transform chain when its keys passed their checks, reporting what building
/// refuses (e.g. a `predicate` alias that `predicates` does not list), as starting the
/// connector would.
fn check_transform_chain(plugins: &Plugins, raw: &RawConfig, report: &mut Report) {
    let chain_keys_ok = report
        .entries
        .iter()
        .filter(|(key, _)| key.starts_with("transforms") || key.starts_with("predicates"))
        .all(|(_, (_, value))| value.errors.is_empty());
    if !chain_keys_ok {
        return;
    }
    if let Err(error) = TransformChain::from_config(raw, &plugins.transforms, &plugins.predicates) {
        report.add_error(error.key().unwrap_or("transforms"), &error.to_string());
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
    converter_type: ConverterType,
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
        .or_insert_with(|| converter_type.name().to_owned());
    let mut configs: Vec<ConfigInfo> = def
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
    if configs.iter().all(|info| info.value.errors.is_empty()) {
        // Sluice's converters may refuse settings their keys allow (e.g. an encoding other than
        // UTF-8); reporting that here beats failing the task at start.
        let built = match converter_type {
            ConverterType::Header => plugins
                .converters
                .header_converter(raw, class_key)
                .map(drop),
            _ => plugins
                .converters
                .key_value_converter(raw, class_key, converter_type)
                .map(drop),
        };
        if let Err(error) = built {
            add_error(
                &mut configs,
                error.key().unwrap_or(class_key),
                error.to_string(),
            );
        }
    }
    Some(part(configs, def.groups()))
}

/// Adds `error` to the entry of `key`, or a new entry without a definition.
fn add_error(configs: &mut Vec<ConfigInfo>, key: &str, error: String) {
    match configs.iter_mut().find(|info| info.value.name == key) {
        Some(info) => info.value.errors.push(error),
        None => configs.push(ConfigInfo {
            definition: None,
            value: ConfigValueInfo {
                name: key.to_owned(),
                value: None,
                recommended_values: Vec::new(),
                errors: vec![error],
                visible: true,
            },
        }),
    }
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
#[path = "validate_tests.rs"]
mod tests;
