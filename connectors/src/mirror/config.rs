//! The keys of `MirrorSourceConnector` ([`config_def`]) and their parsed form
//! ([`MirrorSourceConfig`]): cluster aliases, topic filter, replication policy and the source
//! cluster's client settings.

use std::time::Duration;

use sluice_engine::config::{
    Config, ConfigDef, ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, RawConfig,
    Validator,
};
use sluice_engine::converters::ConverterRegistry;
use sluice_engine::kafka::KafkaClientConfig;

use super::filter::{TopicFilter, whole_match};
use super::policy::{DEFAULT_POLICY_CLASS, DEFAULT_SEPARATOR, PolicyKind, ReplicationPolicy};
use super::source_data::{SRC_HEADER_CONVERTER, SRC_KEY_CONVERTER, SRC_VALUE_CONVERTER};

/// The alias of the cluster records are copied from.
pub const SOURCE_CLUSTER_ALIAS: &str = "source.cluster.alias";
/// The alias of the cluster records are copied to.
pub const TARGET_CLUSTER_ALIAS: &str = "target.cluster.alias";
/// Default of [`SOURCE_CLUSTER_ALIAS`].
pub const SOURCE_CLUSTER_ALIAS_DEFAULT: &str = "source";
/// Default of [`TARGET_CLUSTER_ALIAS`].
pub const TARGET_CLUSTER_ALIAS_DEFAULT: &str = "target";
/// Prefix of the source cluster's client settings (for every client reading it).
pub const SOURCE_CLUSTER_PREFIX: &str = "source.cluster.";
/// Prefix of settings for the source consumer only; they win over [`SOURCE_CLUSTER_PREFIX`].
pub const SOURCE_CONSUMER_PREFIX: &str = "source.consumer.";
/// Prefix of settings for the source admin client only.
pub const SOURCE_ADMIN_PREFIX: &str = "source.admin.";
/// The source cluster's bootstrap servers.
pub const SOURCE_BOOTSTRAP_SERVERS: &str = "source.cluster.bootstrap.servers";
/// Prefix of the target cluster's client settings.
pub const TARGET_CLUSTER_PREFIX: &str = "target.cluster.";
/// Prefix of settings for the target admin client only.
pub const TARGET_ADMIN_PREFIX: &str = "target.admin.";
/// The target cluster's bootstrap servers; when set, missing remote topics are created there.
pub const TARGET_BOOTSTRAP_SERVERS: &str = "target.cluster.bootstrap.servers";
/// Replication factor of the remote topics the connector creates.
pub const REPLICATION_FACTOR: &str = "replication.factor";
/// Regexes of the topics to replicate.
pub const TOPICS: &str = "topics";
/// Default of [`TOPICS`]: every topic.
pub const TOPICS_DEFAULT: &str = ".*";
/// Regexes of topics never to replicate.
pub const TOPICS_EXCLUDE: &str = "topics.exclude";
/// The deprecated name of [`TOPICS_EXCLUDE`], used only when that is not set.
pub const TOPICS_BLACKLIST: &str = "topics.blacklist";
/// Default of [`TOPICS_EXCLUDE`], as Kafka writes it.
pub const TOPICS_EXCLUDE_DEFAULT: &str = r".*[\-\.]internal, .*\.replica, __.*";
/// The replication policy class.
pub const REPLICATION_POLICY_CLASS: &str = "replication.policy.class";
/// The separator the replication policy puts between the alias and the topic.
pub const REPLICATION_POLICY_SEPARATOR: &str = "replication.policy.separator";
/// Whether to look for new source topics periodically.
pub const REFRESH_TOPICS_ENABLED: &str = "refresh.topics.enabled";
/// How often to look for new source topics.
pub const REFRESH_TOPICS_INTERVAL_SECONDS: &str = "refresh.topics.interval.seconds";
/// How long an admin call on the source cluster may take.
pub const ADMIN_TIMEOUT_MS: &str = "admin.timeout.ms";

/// The keys of `MirrorSourceConnector`, as Kafka declares them (the subset Sluice implements).
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(SOURCE_CLUSTER_ALIAS, ConfigType::String)
                .default_value(SOURCE_CLUSTER_ALIAS_DEFAULT)
                .importance(Importance::High)
                .doc("Alias of source cluster"),
        )
        .define(
            ConfigKey::new(TARGET_CLUSTER_ALIAS, ConfigType::String)
                .default_value(TARGET_CLUSTER_ALIAS_DEFAULT)
                .importance(Importance::High)
                .doc("Alias of target cluster. Used in metrics reporting."),
        )
        .define(
            ConfigKey::new(SOURCE_BOOTSTRAP_SERVERS, ConfigType::String)
                .validator(Validator::NonEmptyString)
                .importance(Importance::High)
                .doc(
                    "Bootstrap servers of the source cluster. Other source.cluster.* keys are \
                     client settings for every source client, source.consumer.* for the \
                     consumer only.",
                ),
        )
        .define(
            ConfigKey::new(TARGET_BOOTSTRAP_SERVERS, ConfigType::String)
                .default_null()
                .importance(Importance::High)
                .doc(
                    "Bootstrap servers of the target cluster. When set, remote topics that do \
                     not exist yet are created there with the source topic's partition count \
                     (other target.cluster.* and target.admin.* keys configure that admin \
                     client). When not set, the worker's topic creation settings apply.",
                ),
        )
        .define(
            ConfigKey::new(REPLICATION_FACTOR, ConfigType::Int)
                .default_value("2")
                .validator(Validator::between(-1, i32::from(i16::MAX)))
                .importance(Importance::Low)
                .doc(
                    "Replication factor for newly created remote topics; -1 for the broker \
                     default.",
                ),
        )
        .define(
            ConfigKey::new(TOPICS, ConfigType::List)
                .default_value(TOPICS_DEFAULT)
                .validator(regex_list())
                .importance(Importance::High)
                .doc("Topics to replicate. Supports comma-separated topic names and regexes."),
        )
        .define(
            ConfigKey::new(TOPICS_EXCLUDE, ConfigType::List)
                .default_value(TOPICS_EXCLUDE_DEFAULT)
                .validator(regex_list())
                .importance(Importance::High)
                .doc(
                    "List of topics and/or regexes that should not be replicated. Supports \
                     comma-separated topic names and regexes. Excludes take precedence over \
                     includes.",
                ),
        )
        .define(
            ConfigKey::new(TOPICS_BLACKLIST, ConfigType::List)
                .default_null()
                .validator(regex_list())
                .importance(Importance::High)
                .doc("Deprecated. Use topics.exclude instead."),
        )
        .define(
            ConfigKey::new(REPLICATION_POLICY_CLASS, ConfigType::Class)
                .default_value(DEFAULT_POLICY_CLASS)
                .validator(known_policy())
                .importance(Importance::Low)
                .doc("Class which defines the remote topic naming convention."),
        )
        .define(
            ConfigKey::new(REPLICATION_POLICY_SEPARATOR, ConfigType::String)
                .default_value(DEFAULT_SEPARATOR)
                .validator(Validator::NonEmptyString)
                .importance(Importance::Low)
                .doc("Separator used in remote topic naming convention."),
        )
        .define(
            ConfigKey::new(REFRESH_TOPICS_ENABLED, ConfigType::Boolean)
                .default_value("true")
                .importance(Importance::Low)
                .doc(
                    "Whether to periodically check for new topics and partitions. Accepted for \
                     compatibility: Sluice lists the source topics when the connector starts, \
                     so a connector restart picks up new ones.",
                ),
        )
        .define(
            ConfigKey::new(REFRESH_TOPICS_INTERVAL_SECONDS, ConfigType::Long)
                .default_value("600")
                .validator(Validator::at_least(1))
                .importance(Importance::Low)
                .doc("Frequency of topic refresh (see refresh.topics.enabled)."),
        )
        .define(
            ConfigKey::new(ADMIN_TIMEOUT_MS, ConfigType::Long)
                .default_value("60000")
                .validator(Validator::at_least(1))
                .importance(Importance::Low)
                .doc("Timeout for administrative tasks, e.g. detecting new topics."),
        )
        .define(source_converter(
            SRC_KEY_CONVERTER,
            "Converter for the key of records read from the source cluster (Confluent \
             Replicator's key). Not set: the bytes pass through undecoded, as in MirrorMaker 2.",
        ))
        .define(source_converter(
            SRC_VALUE_CONVERTER,
            "Converter for the value of records read from the source cluster, with its settings \
             under src.value.converter.* (Confluent Replicator's key). Not set: the bytes pass \
             through undecoded, as in MirrorMaker 2.",
        ))
        .define(source_converter(
            SRC_HEADER_CONVERTER,
            "Converter for header values read from the source cluster (Confluent Replicator's \
             key). Not set: the bytes pass through undecoded, as in MirrorMaker 2.",
        ))
}

/// A source-side converter key: a converter class Sluice has, or unset.
fn source_converter(key: &'static str, doc: &'static str) -> ConfigKey {
    ConfigKey::new(key, ConfigType::Class)
        .default_null()
        .validator(Validator::custom(|value| match value {
            ConfigValue::Class(name) if ConverterRegistry::builtin().lookup(name).is_none() => {
                Err(format!("Class {name} could not be found."))
            }
            _ => Ok(()),
        }))
        .importance(Importance::Low)
        .doc(doc)
}

/// A LIST of regexes that compile (joined with `|`, as they are used).
fn regex_list() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(patterns) => {
            for pattern in patterns {
                whole_match(std::slice::from_ref(pattern))
                    .map_err(|error| format!("Invalid regex {pattern}: {error}"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    })
}

/// A replication policy Sluice implements.
fn known_policy() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::Class(name) if PolicyKind::from_class(name).is_none() => Err(format!(
            "Class {name} could not be found; supported: DefaultReplicationPolicy, \
             IdentityReplicationPolicy"
        )),
        _ => Ok(()),
    })
}

/// A parsed `MirrorSourceConnector` config.
#[derive(Debug, Clone)]
pub struct MirrorSourceConfig {
    /// `source.cluster.alias`.
    pub source_alias: String,
    /// `target.cluster.alias`.
    pub target_alias: String,
    /// `replication.policy.class` with its separator.
    pub policy: ReplicationPolicy,
    /// `topics` and `topics.exclude` (or the deprecated `topics.blacklist`).
    pub filter: TopicFilter,
    /// How often to look for new topics; `None` when `refresh.topics.enabled=false`.
    pub refresh_interval: Option<Duration>,
    /// `admin.timeout.ms`.
    pub admin_timeout: Duration,
    /// `replication.factor` of created remote topics; -1 for the broker default.
    pub replication_factor: i16,
    config: Config,
}

impl MirrorSourceConfig {
    /// Parses and checks `raw`, failing on the first bad key.
    pub fn parse(raw: &RawConfig) -> Result<Self, ConfigError> {
        let config = config_def().parse(raw)?;
        let text = |key: &str| config.string(key).unwrap_or_default().to_owned();
        let source_alias = text(SOURCE_CLUSTER_ALIAS);
        let policy_class = text(REPLICATION_POLICY_CLASS);
        let kind = PolicyKind::from_class(&policy_class).ok_or_else(|| {
            ConfigError::invalid(REPLICATION_POLICY_CLASS, &policy_class, "unknown policy")
        })?;
        let policy = ReplicationPolicy::new(
            kind,
            text(REPLICATION_POLICY_SEPARATOR),
            source_alias.clone(),
        );
        // Kafka's `translateDeprecatedConfigs`: the old key counts only when the new one is unset.
        let exclude_key = if !raw.contains_key(TOPICS_EXCLUDE) && raw.contains_key(TOPICS_BLACKLIST)
        {
            TOPICS_BLACKLIST
        } else {
            TOPICS_EXCLUDE
        };
        let filter =
            TopicFilter::new(config.list(TOPICS), config.list(exclude_key)).map_err(|error| {
                ConfigError::invalid(TOPICS, config.list(TOPICS).join(","), error.to_string())
            })?;
        let seconds = |key: &str| config.long(key).unwrap_or_default().max(1).unsigned_abs();
        let refresh_interval = config
            .boolean(REFRESH_TOPICS_ENABLED)
            .unwrap_or(true)
            .then(|| Duration::from_secs(seconds(REFRESH_TOPICS_INTERVAL_SECONDS)));
        let admin_timeout = Duration::from_millis(seconds(ADMIN_TIMEOUT_MS));
        let replication_factor = config
            .int(REPLICATION_FACTOR)
            .and_then(|factor| i16::try_from(factor).ok())
            .unwrap_or(-1);
        Ok(Self {
            source_alias,
            target_alias: text(TARGET_CLUSTER_ALIAS),
            policy,
            filter,
            refresh_interval,
            admin_timeout,
            replication_factor,
            config,
        })
    }

    /// True when `topic` of the source cluster is copied: it passes the filter (or is a
    /// heartbeats topic), is not internal, and did not come from the target cluster
    /// (Kafka's `MirrorSourceConnector.shouldReplicateTopic`).
    pub fn should_replicate_topic(&self, topic: &str) -> bool {
        (self.filter.should_replicate_topic(topic) || self.policy.is_heartbeats_topic(topic))
            && !self.policy.is_internal_topic(topic)
            && !self.policy.is_cycle(topic, &self.target_alias)
    }

    /// The name of source topic `topic` on the target cluster.
    pub fn remote_topic(&self, topic: &str) -> String {
        self.policy.format_remote_topic(&self.source_alias, topic)
    }

    /// The source consumer's settings: `source.cluster.*`, then `source.consumer.*`, with auto
    /// commit off and `auto.offset.reset=earliest` unless set (Kafka's `sourceConsumerConfig`).
    pub fn source_consumer_config(&self) -> Result<KafkaClientConfig, ConfigError> {
        let mut client = self.source_client_config(SOURCE_CONSUMER_PREFIX)?;
        client.set_java("enable.auto.commit", "false")?;
        if client.get("auto.offset.reset").is_none() {
            client.set_java("auto.offset.reset", "earliest")?;
        }
        Ok(client)
    }

    /// The source admin client's settings: `source.cluster.*`, then `source.admin.*`.
    pub fn source_admin_config(&self) -> Result<KafkaClientConfig, ConfigError> {
        self.source_client_config(SOURCE_ADMIN_PREFIX)
    }

    /// The target admin client's settings (`target.cluster.*`, then `target.admin.*`), or
    /// `None` when `target.cluster.bootstrap.servers` is not set.
    pub fn target_admin_config(&self) -> Result<Option<KafkaClientConfig>, ConfigError> {
        if self.config.string(TARGET_BOOTSTRAP_SERVERS).is_none() {
            return Ok(None);
        }
        self.client_config(TARGET_CLUSTER_PREFIX, TARGET_ADMIN_PREFIX)
            .map(Some)
    }

    fn source_client_config(&self, role_prefix: &str) -> Result<KafkaClientConfig, ConfigError> {
        self.client_config(SOURCE_CLUSTER_PREFIX, role_prefix)
    }

    fn client_config(
        &self,
        cluster_prefix: &str,
        role_prefix: &str,
    ) -> Result<KafkaClientConfig, ConfigError> {
        let mut client = KafkaClientConfig::new();
        let cluster = self.config.originals_with_prefix(cluster_prefix);
        // `<side>.cluster.alias` shares the prefix but names the cluster, not a client setting.
        for (key, value) in cluster.iter().filter(|(key, _)| key.as_str() != "alias") {
            client.set_java(key, value)?;
        }
        for (key, value) in &self.config.originals_with_prefix(role_prefix) {
            client.set_java(key, value)?;
        }
        for dropped in client.dropped() {
            tracing::debug!(key = %dropped.key, reason = dropped.reason, "cluster client key left out");
        }
        Ok(client)
    }
}
