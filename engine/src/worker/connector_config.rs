//! The framework's connector keys (§3): Kafka Connect's `ConnectorConfig`,
//! `SinkConnectorConfig`, `SourceConnectorConfig` and `TopicCreationConfig`, and the enrichment
//! that adds the keys of the transforms, predicates and topic creation groups a config names.

use regex::Regex;

use crate::config::{
    ConfigDef, ConfigKey, ConfigType, ConfigValue, DefaultValue, Importance, RawConfig, Validator,
    Width,
};
use crate::connector::ConnectorType;
use crate::converters::ConverterRegistry;
use crate::errors::ErrorHandlingConfig;

use super::Plugins;

/// Group of the general keys.
pub const COMMON_GROUP: &str = "Common";
/// Group of `transforms`; each alias's keys are in `Transforms: <alias>`.
pub const TRANSFORMS_GROUP: &str = "Transforms";
/// Group of `predicates`; each alias's keys are in `Predicates: <alias>`.
pub const PREDICATES_GROUP: &str = "Predicates";
/// Group of the `errors.*` keys.
pub const ERROR_GROUP: &str = "Error Handling";
/// Group of `topic.creation.groups`; each group's keys are in `Topic Creation: <group>`.
pub const TOPIC_CREATION_GROUP: &str = "Topic Creation";
/// Group of the exactly-once source keys.
pub const EXACTLY_ONCE_SUPPORT_GROUP: &str = "Exactly Once Support";
/// Group of `offsets.storage.topic`.
pub const OFFSETS_TOPIC_GROUP: &str = "offsets.topic";

const TOPIC_CREATION_PREFIX: &str = "topic.creation.";
const DEFAULT_TOPIC_CREATION_GROUP: &str = "default";

#[allow(clippy::too_many_arguments)]
fn key(
    name: &str,
    ty: ConfigType,
    importance: Importance,
    doc: &str,
    group: &str,
    order: i32,
    width: Width,
    display: &str,
) -> ConfigKey {
    ConfigKey::new(name, ty)
        .importance(importance)
        .doc(doc)
        .group(group, order)
        .display(display, width)
}

/// Kafka's `nonEmptyStringWithoutControlChars`.
fn connector_name_validator() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::String(name) if name.is_empty() => Err("String may not be empty".to_owned()),
        ConfigValue::String(name) if name.chars().any(char::is_control) => {
            let controls: Vec<String> = name
                .chars()
                .filter(|c| c.is_control())
                .map(|c| u32::from(c).to_string())
                .collect();
            Err(format!(
                "String may not contain control sequences but had the following ASCII control characters: {}",
                controls.join(", ")
            ))
        }
        _ => Ok(()),
    })
}

/// A converter class the registry knows, of the right kind (Kafka's
/// `ConcreteSubClassValidator`).
fn converter_validator(converters: &ConverterRegistry, header: bool) -> Validator {
    let converters = converters.clone();
    Validator::custom(move |value| {
        let ConfigValue::Class(class) = value else {
            return Ok(());
        };
        match converters.lookup(class) {
            None => Err(format!("Class {class} could not be found.")),
            Some(plugin) if header && plugin.header_converter.is_none() => {
                Err("Not a HeaderConverter".to_owned())
            }
            Some(plugin) if !header && plugin.converter.is_none() => {
                Err("Not a Converter".to_owned())
            }
            Some(_) => Ok(()),
        }
    })
}

/// Kafka's `aliasValidator`: no alias twice.
fn unique_aliases() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(items)
            if items
                .iter()
                .enumerate()
                .any(|(i, item)| items[..i].contains(item)) =>
        {
            Err("Duplicate alias provided.".to_owned())
        }
        _ => Ok(()),
    })
}

fn regex_validator() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::String(pattern) => Regex::new(pattern)
            .map(drop)
            .map_err(|error| format!("Invalid regex: {error}")),
        _ => Ok(()),
    })
}

fn regex_list_validator() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(patterns) => patterns.iter().try_for_each(|pattern| {
            Regex::new(pattern)
                .map(drop)
                .map_err(|error| format!("Syntax error in regular expression: {error}"))
        }),
        _ => Ok(()),
    })
}

fn partitions_validator() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::Int(n) if *n != -1 && *n < 1 => Err(
            "Number of partitions must be positive, or -1 to use the broker's default".to_owned(),
        ),
        _ => Ok(()),
    })
}

fn replication_factor_validator() -> Validator {
    Validator::custom(|value| {
        match value {
        ConfigValue::Short(n) if *n != -1 && *n < 1 => Err(
            "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
                .to_owned(),
        ),
        _ => Ok(()),
    }
    })
}

/// The keys of every connector (§3.1): Kafka's `ConnectorConfig.configDef()`. The converter
/// keys accept the classes `plugins` has.
pub fn connector_config_def(plugins: &Plugins) -> ConfigDef {
    use ConfigType::{Boolean, Class, Int, List, String};
    use Importance::{High, Low};
    let converters = &plugins.converters;
    let def = ConfigDef::new()
        .define(key("name", String, High, "Globally unique name to use for this connector.", COMMON_GROUP, 1, Width::Medium, "Connector name").validator(connector_name_validator()))
        .define(key("connector.class", String, High, "Name or alias of the connector class, e.g. org.apache.kafka.connect.file.FileStreamSinkConnector or FileStreamSink.", COMMON_GROUP, 2, Width::Long, "Connector class"))
        .define(key("tasks.max", Int, High, "Maximum number of tasks to use for this connector.", COMMON_GROUP, 3, Width::Short, "Tasks max").default_value("1").validator(Validator::at_least(1)))
        .define(key("tasks.max.enforce", Boolean, Low, "(Deprecated) Whether to fail a connector that generates more task configs than tasks.max.", COMMON_GROUP, 4, Width::Short, "Enforce tasks max").default_value("true"))
        .define(key("key.converter", Class, Low, "Converter class for record keys; overrides the worker's key.converter.", COMMON_GROUP, 5, Width::Short, "Key converter class").default_null().validator(converter_validator(converters, false)))
        .define(key("value.converter", Class, Low, "Converter class for record values; overrides the worker's value.converter.", COMMON_GROUP, 6, Width::Short, "Value converter class").default_null().validator(converter_validator(converters, false)))
        .define(key("header.converter", Class, Low, "Converter class for header values; overrides the worker's header.converter.", COMMON_GROUP, 7, Width::Short, "Header converter class").default_null().validator(converter_validator(converters, true)))
        .define(key("transforms", List, Low, "Aliases for the transformations to apply to records, in order.", TRANSFORMS_GROUP, 8, Width::Long, "Transforms").default_value("").validator(unique_aliases()))
        .define(key("predicates", List, Low, "Aliases for the predicates used by transformations.", PREDICATES_GROUP, 9, Width::Long, "Predicates").default_value("").validator(unique_aliases()))
        .define(key("config.action.reload", String, Low, "What to do when a config provider reports a change in the connector's config: none or restart.", COMMON_GROUP, 10, Width::Medium, "Reload Action").default_value("restart").validator(Validator::OneOf(vec!["none", "restart"])));
    def.embed("", None, &ErrorHandlingConfig::config_def())
}

/// The keys of every sink connector (§3.2): Kafka's `SinkConnectorConfig.configDef()`.
pub fn sink_config_def(plugins: &Plugins) -> ConfigDef {
    use ConfigType::{List, String};
    connector_config_def(plugins)
        .define(key("topics", List, Importance::High, "List of topics to consume, separated by commas.", COMMON_GROUP, 4, Width::Long, "Topics").default_value(""))
        .define(key("topics.regex", String, Importance::High, "Regular expression giving the topics to consume; the connector subscribes to the matching topics.", COMMON_GROUP, 4, Width::Long, "Topics regex").default_value("").validator(regex_validator()))
        .embed("", None, &ErrorHandlingConfig::dlq_config_def())
}

/// The keys of every source connector (§3.3): Kafka's `SourceConnectorConfig.configDef()`.
/// The `topic.creation.<group>.` keys are added by [`enrich_topic_creation`].
pub fn source_config_def(plugins: &Plugins) -> ConfigDef {
    use ConfigType::{List, Long, String};
    use Importance::{Low, Medium};
    connector_config_def(plugins)
        .define(key("topic.creation.groups", List, Low, "Groups of configurations for topics created by source connectors; `default` always exists.", TOPIC_CREATION_GROUP, 1, Width::Long, "Topic Creation Groups").default_value("").validator(unique_aliases()))
        .define(key("exactly.once.support", String, Medium, "Whether exactly-once support is requested or required for this connector.", EXACTLY_ONCE_SUPPORT_GROUP, 2, Width::Short, "Exactly once support").default_value("requested").validator(Validator::OneOfIgnoreCase(vec!["requested", "required"])))
        .define(key("transaction.boundary", String, Medium, "Where transactions start and end: poll, interval or connector.", EXACTLY_ONCE_SUPPORT_GROUP, 3, Width::Short, "Transaction Boundary").default_value("poll").validator(Validator::OneOfIgnoreCase(vec!["poll", "interval", "connector"])))
        .define(key("transaction.boundary.interval.ms", Long, Low, "Time between transaction commits with transaction.boundary=interval; defaults to offset.flush.interval.ms.", EXACTLY_ONCE_SUPPORT_GROUP, 4, Width::Short, "Transaction boundary interval ms").default_null().validator(Validator::at_least(0)))
        .define(key("offsets.storage.topic", String, Low, "A separate offsets topic for this connector (distributed mode).", OFFSETS_TOPIC_GROUP, 1, Width::Long, "Offsets topic").default_null().validator(Validator::NonEmptyString))
}

/// The framework keys of a source or sink connector.
pub fn base_config_def(plugins: &Plugins, connector_type: ConnectorType) -> ConfigDef {
    match connector_type {
        ConnectorType::Source => source_config_def(plugins),
        ConnectorType::Sink => sink_config_def(plugins),
    }
}

/// The unique aliases a LIST key lists, in order.
fn aliases(raw: &RawConfig, key: &str) -> Vec<String> {
    let Some(Ok(ConfigValue::List(items))) =
        raw.get(key).map(|text| ConfigType::List.parse(key, text))
    else {
        return Vec::new();
    };
    let mut unique: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !item.is_empty() && !unique.contains(&item) {
            unique.push(item);
        }
    }
    unique
}

/// Kafka's `ConfigDef.sortedConfigs` order: by group (in first-seen order, ungrouped first),
/// order in group, required before optional, importance, then name.
fn sorted_keys(def: &ConfigDef) -> Vec<&ConfigKey> {
    let groups = def.groups();
    let group_ord = |key: &ConfigKey| {
        key.group
            .as_ref()
            .and_then(|group| groups.iter().position(|g| g == group))
    };
    let rank = |importance: Importance| match importance {
        Importance::High => 0,
        Importance::Medium => 1,
        Importance::Low => 2,
    };
    let mut keys: Vec<&ConfigKey> = def.keys().collect();
    keys.sort_by(|a, b| {
        group_ord(a)
            .cmp(&group_ord(b))
            .then(a.order_in_group.cmp(&b.order_in_group))
            .then_with(|| {
                let has_default = |k: &ConfigKey| k.default != DefaultValue::Required;
                has_default(a).cmp(&has_default(b))
            })
            .then(rank(a.importance).cmp(&rank(b.importance)))
            .then_with(|| a.name.cmp(&b.name))
    });
    keys
}

/// Kafka's `ConfigDef.embed(prefix, group, startingOrd, child)`: the child's keys in sorted
/// order, renamed under `prefix`, in `group` (`group: <child group>` for grouped keys) and
/// numbered from `start`.
fn embed(
    mut def: ConfigDef,
    prefix: &str,
    group: &str,
    start: i32,
    child: &ConfigDef,
) -> ConfigDef {
    for (order, key) in (start..).zip(sorted_keys(child)) {
        let mut key = key.clone();
        key.name = format!("{prefix}{}", key.name);
        key.group = Some(match &key.group {
            Some(own) => format!("{group}: {own}"),
            None => group.to_owned(),
        });
        key.order_in_group = order;
        key.dependents = key
            .dependents
            .iter()
            .map(|dependent| format!("{prefix}{dependent}"))
            .collect();
        def = def.define(key);
    }
    def
}

/// What `transforms.<alias>.type` (or `predicates.<alias>.type`) names, as a validator sees it.
enum TypeCheck {
    /// A plugin the registry has; its keys are embedded.
    Found(ConfigDef),
    /// The reason the type is invalid.
    Invalid(String),
}

fn transform_type(plugins: &Plugins, class: &str) -> TypeCheck {
    if let Some((plugin, _)) = plugins.transforms.lookup(class) {
        return TypeCheck::Found((plugin.config_def)());
    }
    let class = class.trim();
    let abstract_base = plugins.transforms.plugins().iter().find(|plugin| {
        plugin.key_value && (plugin.class_name == class || plugin.simple_name() == class)
    });
    match abstract_base {
        Some(plugin) => TypeCheck::Invalid(format!(
            "This class is abstract and cannot be created. Did you mean {0}$Key, {0}$Value?",
            plugin.class_name
        )),
        None => TypeCheck::Invalid(format!("Class {class} could not be found.")),
    }
}

fn predicate_type(plugins: &Plugins, class: &str) -> TypeCheck {
    match plugins.predicates.lookup(class) {
        Some(plugin) => TypeCheck::Found((plugin.config_def)()),
        None => TypeCheck::Invalid(format!("Class {} could not be found.", class.trim())),
    }
}

/// The `type` key of one alias, failing with `problem` when there is one.
fn type_key(
    prefix: &str,
    group: &str,
    doc: String,
    display: String,
    problem: Option<String>,
) -> ConfigKey {
    let key = ConfigKey::new(format!("{prefix}type"), ConfigType::Class)
        .importance(Importance::High)
        .doc(doc)
        .group(group, 0)
        .display(display, Width::Long);
    match problem {
        Some(reason) => key.validator(Validator::custom(move |_| Err(reason.clone()))),
        None => key,
    }
}

/// The implicit keys of every transformation alias.
fn transform_initial_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new("predicate", ConfigType::String)
                .default_null()
                .doc("The alias of a predicate used to determine whether to apply this transformation."),
        )
        .define(
            ConfigKey::new("negate", ConfigType::Boolean)
                .default_value("false")
                .doc("Whether the configured predicate should be negated."),
        )
}

/// Adds, for each alias of `transforms` and `predicates`, its `type` key and the keys of the
/// class it names, under `transforms.<alias>.` in group `Transforms: <alias>` (with the
/// implicit `predicate` and `negate`) and `predicates.<alias>.` in group `Predicates: <alias>`:
/// Kafka's `ConnectorConfig.enrich`.
pub fn enrich(plugins: &Plugins, base: ConfigDef, raw: &RawConfig) -> ConfigDef {
    let mut def = base;
    for alias in aliases(raw, "transforms") {
        let prefix = format!("transforms.{alias}.");
        let group = format!("{TRANSFORMS_GROUP}: {alias}");
        let negate = format!("{prefix}negate");
        let predicate = format!("{prefix}predicate");
        let negate_problem = (raw.contains_key(&negate) && !raw.contains_key(&predicate)).then(|| {
            format!("Config '{negate}' was provided but there is no config '{predicate}' defining a predicate to be negated.")
        });
        let check = raw
            .get(&format!("{prefix}type"))
            .map(|class| transform_type(plugins, class));
        let problem = negate_problem.or(match &check {
            Some(TypeCheck::Invalid(reason)) => Some(reason.clone()),
            _ => None,
        });
        def = def.define(type_key(
            &prefix,
            &group,
            format!("Class for the '{alias}' transformation."),
            format!("Transformation type for {alias}"),
            problem,
        ));
        if let Some(TypeCheck::Found(own)) = check {
            // The implicit keys mask any of the transformation's own of the same name.
            let mut child = transform_initial_def();
            for key in own
                .keys()
                .filter(|k| k.name != "predicate" && k.name != "negate")
            {
                child = child.define(key.clone());
            }
            def = embed(def, &prefix, &group, 1, &child);
        }
    }
    for alias in aliases(raw, "predicates") {
        let prefix = format!("predicates.{alias}.");
        let group = format!("{PREDICATES_GROUP}: {alias}");
        let check = raw
            .get(&format!("{prefix}type"))
            .map(|class| predicate_type(plugins, class));
        let problem = match &check {
            Some(TypeCheck::Invalid(reason)) => Some(reason.clone()),
            _ => None,
        };
        def = def.define(type_key(
            &prefix,
            &group,
            format!("Class for the '{alias}' predicate."),
            format!("Predicate type for {alias}"),
            problem,
        ));
        if let Some(TypeCheck::Found(own)) = check {
            def = embed(def, &prefix, &group, 1, &own);
        }
    }
    def
}

/// True when a source connector config asks for topic creation: it has a `topic.creation.` key.
pub fn uses_topic_creation(raw: &RawConfig) -> bool {
    raw.keys().any(|key| key.starts_with(TOPIC_CREATION_PREFIX))
}

fn topic_group_def(
    group: &str,
    partitions: DefaultValue,
    replication_factor: DefaultValue,
) -> ConfigDef {
    let include_default = if group == DEFAULT_TOPIC_CREATION_GROUP {
        ".*"
    } else {
        ""
    };
    let with_default = |key: ConfigKey, default: DefaultValue| ConfigKey { default, ..key };
    ConfigDef::new()
        .define(ConfigKey::new("include", ConfigType::List).default_value(include_default).validator(regex_list_validator()).importance(Importance::Low).doc("Regular expressions matching the topics this group creates.").group(group, 1).display(format!("Inclusion Topic Pattern for {group}"), Width::Long))
        .define(ConfigKey::new("exclude", ConfigType::List).default_value("").validator(regex_list_validator()).importance(Importance::Low).doc("Regular expressions matching topics this group does not create; exclusion wins over inclusion.").group(group, 2).display(format!("Exclusion Topic Pattern for {group}"), Width::Long))
        .define(with_default(ConfigKey::new("replication.factor", ConfigType::Short).validator(replication_factor_validator()).importance(Importance::Low).doc("Replication factor of topics this group creates; -1 for the broker default. Required for the default group; other groups inherit it.").group(group, 3).display(format!("Replication Factor for Topics in {group}"), Width::Long), replication_factor))
        .define(with_default(ConfigKey::new("partitions", ConfigType::Int).validator(partitions_validator()).importance(Importance::Low).doc("Number of partitions of topics this group creates; -1 for the broker default. Required for the default group; other groups inherit it.").group(group, 4).display(format!("Partition Count for Topics in {group}"), Width::Long), partitions))
}

/// The default group's value of `name`, as the default of the other groups.
fn inherited(raw: &RawConfig, name: &str, ty: ConfigType) -> DefaultValue {
    let key = format!("{TOPIC_CREATION_PREFIX}{DEFAULT_TOPIC_CREATION_GROUP}.{name}");
    match raw.get(&key).map(|text| ty.parse(&key, text)) {
        Some(Ok(value)) => DefaultValue::Value(value.to_config_string()),
        _ => DefaultValue::Null,
    }
}

/// Adds the `topic.creation.default.` keys and those of each group in
/// `topic.creation.groups`, each in group `Topic Creation: <group>` (Kafka's
/// `SourceConnectorConfig.embedDefaultGroup` and `enrich`). Only when [`uses_topic_creation`].
pub fn enrich_topic_creation(base: ConfigDef, raw: &RawConfig) -> ConfigDef {
    if !uses_topic_creation(raw) {
        return base;
    }
    let default_group = format!("{TOPIC_CREATION_GROUP}: {DEFAULT_TOPIC_CREATION_GROUP}");
    let mut def = embed(
        base,
        &format!("{TOPIC_CREATION_PREFIX}{DEFAULT_TOPIC_CREATION_GROUP}."),
        &default_group,
        0,
        &ungrouped(topic_group_def(
            DEFAULT_TOPIC_CREATION_GROUP,
            DefaultValue::Required,
            DefaultValue::Required,
        )),
    );
    let partitions = inherited(raw, "partitions", ConfigType::Int);
    let replication_factor = inherited(raw, "replication.factor", ConfigType::Short);
    for alias in aliases(raw, "topic.creation.groups") {
        if alias == DEFAULT_TOPIC_CREATION_GROUP {
            continue;
        }
        let group = format!("{TOPIC_CREATION_GROUP}: {alias}");
        let child = topic_group_def(&alias, partitions.clone(), replication_factor.clone());
        def = embed(
            def,
            &format!("{TOPIC_CREATION_PREFIX}{alias}."),
            &group,
            0,
            &ungrouped(child),
        );
    }
    def
}

/// The same keys without groups, keeping their order, so [`embed`] gives them one group.
fn ungrouped(def: ConfigDef) -> ConfigDef {
    let keys: Vec<ConfigKey> = sorted_keys(&def).into_iter().cloned().collect();
    keys.into_iter().fold(ConfigDef::new(), |def, mut key| {
        key.group = None;
        def.define(key)
    })
}

/// Everything a connector config is checked against (step 2 of §1.4's validation): the source
/// or sink keys, the keys of its transforms and predicates, and for sources the keys of its
/// topic creation groups when the worker's `topic.creation.enable` allows topic creation.
pub fn enriched_config_def(
    plugins: &Plugins,
    connector_type: ConnectorType,
    raw: &RawConfig,
    topic_creation_enabled: bool,
) -> ConfigDef {
    let def = enrich(plugins, base_config_def(plugins, connector_type), raw);
    if connector_type == ConnectorType::Source && topic_creation_enabled {
        enrich_topic_creation(def, raw)
    } else {
        def
    }
}

#[cfg(test)]
#[path = "connector_config_tests.rs"]
mod tests;
