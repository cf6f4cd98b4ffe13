//! [`WorkerConfig`]: the worker properties file (Kafka Connect's `WorkerConfig`,
//! `StandaloneConfig` and `DistributedConfig`, §2 of the reference) plus Sluice's task restart
//! keys.

use std::path::Path;
use std::time::Duration;

use crate::config::{
    Config, ConfigDef, ConfigError, ConfigKey, ConfigProviders, ConfigType, ConfigValue,
    Importance, RawConfig, Validator,
};
use crate::kafka::OverridePolicy;

/// Keys Kafka removed in 3.0; a worker that still sets them gets a warning and JSON.
const REMOVED_INTERNAL_CONVERTERS: [&str; 2] =
    ["internal.key.converter", "internal.value.converter"];

/// Read raw: config-provider placeholders are not resolved in it, as in Kafka.
const PLUGIN_PATH: &str = "plugin.path";

fn key(name: &str, ty: ConfigType, importance: Importance, doc: &str) -> ConfigKey {
    ConfigKey::new(name, ty).importance(importance).doc(doc)
}

fn non_blank_items(what: &'static str) -> Validator {
    Validator::custom(move |value| match value {
        ConfigValue::List(items) if items.iter().any(|item| item.trim().is_empty()) => {
            Err(format!("Empty URL found when parsing {what} list."))
        }
        _ => Ok(()),
    })
}

fn listeners_validator() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(items) if items.is_empty() => Err(
            "at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."
                .to_owned(),
        ),
        ConfigValue::List(items) if items.iter().any(|item| item.trim().is_empty()) => {
            Err("Empty URL found when parsing listeners list.".to_owned())
        }
        _ => Ok(()),
    })
}

fn override_policy_validator() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::String(name) if OverridePolicy::from_name(name).is_none() => {
            Err("Expected All, None or Principal, or one of their class names".to_owned())
        }
        _ => Ok(()),
    })
}

/// The keys every worker has (§2.1): Kafka's `WorkerConfig` and `RestServerConfig`.
pub fn common_config_def() -> ConfigDef {
    use ConfigType::{Boolean, Class, Int, List, Long, String};
    use Importance::{High, Low, Medium};
    ConfigDef::new()
        .define(key("bootstrap.servers", List, High, "Kafka brokers to connect to first, as host:port pairs.").default_value("localhost:9092"))
        .define(key("client.dns.lookup", String, Medium, "How the client uses DNS lookups.").default_value("use_all_dns_ips").validator(Validator::OneOf(vec!["use_all_dns_ips", "resolve_canonical_bootstrap_servers_only"])))
        .define(key("key.converter", Class, High, "Converter class for record keys; its settings use the prefix `key.converter.`."))
        .define(key("value.converter", Class, High, "Converter class for record values; its settings use the prefix `value.converter.`."))
        .define(key("header.converter", Class, Low, "Converter class for header values; its settings use the prefix `header.converter.`.").default_value("org.apache.kafka.connect.storage.SimpleHeaderConverter"))
        .define(key("task.shutdown.graceful.timeout.ms", Long, Low, "Total time to wait for tasks to shut down gracefully.").default_value("5000"))
        .define(key("offset.flush.interval.ms", Long, Low, "Interval at which to commit task offsets.").default_value("60000"))
        .define(key("offset.flush.timeout.ms", Long, Low, "Maximum time to wait for a flush of offsets before cancelling it.").default_value("5000"))
        .define(key(PLUGIN_PATH, List, Low, "Directories or archives holding plugins; placeholders are not resolved here.").default_null())
        .define(key("plugin.discovery", String, Low, "How plugins are discovered.").default_value("hybrid_warn").validator(Validator::OneOfIgnoreCase(vec!["only_scan", "hybrid_warn", "hybrid_fail", "service_load"])))
        .define(key("config.providers", List, Low, "Aliases of the config providers that resolve `${provider:path:key}` placeholders.").default_value(""))
        .define(key(OverridePolicy::KEY, String, Medium, "Which client config overrides a connector may set: All, None or Principal.").default_value("All").validator(override_policy_validator()))
        .define(key("metrics.sample.window.ms", Long, Low, "Window of time a metrics sample is computed over.").default_value("30000").validator(Validator::at_least(0)))
        .define(key("metrics.num.samples", Int, Low, "Number of samples kept to compute metrics.").default_value("2").validator(Validator::at_least(1)))
        .define(key("metrics.recording.level", String, Low, "The highest recording level for metrics.").default_value("INFO").validator(Validator::OneOf(vec!["INFO", "DEBUG", "TRACE"])))
        .define(key("metric.reporters", List, Low, "Classes to use as metrics reporters.").default_value("org.apache.kafka.common.metrics.JmxReporter"))
        .define(key("topic.tracking.enable", Boolean, Low, "Track the topics each connector uses.").default_value("true"))
        .define(key("topic.tracking.allow.reset", Boolean, Low, "Allow resetting a connector's set of active topics through the REST API.").default_value("true"))
        .define(key("topic.creation.enable", Boolean, Low, "Let source connectors create topics per their `topic.creation.` settings.").default_value("true"))
        .define(key("listeners", List, Low, "Comma-separated URIs the REST API listens on; protocols are http and https.").default_value("http://:8083").validator(listeners_validator()))
        .define(key("rest.advertised.host.name", String, Low, "Host name given to other workers to reach this one.").default_null())
        .define(key("rest.advertised.port", Int, Low, "Port given to other workers to reach this one.").default_null().validator(Validator::between(0, 65535)))
        .define(key("rest.advertised.listener", String, Low, "Protocol (http or https) given to other workers.").default_null())
        .define(key("admin.listeners", List, Low, "URIs the admin REST API listens on; unset means the regular listeners, empty disables it.").default_null().validator(non_blank_items("admin.listeners")))
        .define(key("access.control.allow.origin", String, Low, "Value of the Access-Control-Allow-Origin header of REST responses; empty disables CORS.").default_value(""))
        .define(key("access.control.allow.methods", String, Low, "Methods allowed for cross-origin requests.").default_value(""))
        .define(key("response.http.headers.config", String, Low, "Rules for REST response headers.").default_value(""))
        .define(key("rest.extension.classes", List, Low, "REST extension classes to register.").default_value(""))
        .define(key("ssl.client.auth", String, Low, "Whether the REST listener requests or requires client certificates.").default_value("none").validator(Validator::OneOfIgnoreCase(vec!["required", "requested", "none"])))
}

/// The standalone worker's own key (§2.2): Kafka's `StandaloneConfig`.
pub fn standalone_config_def() -> ConfigDef {
    ConfigDef::new().define(key(
        "offset.storage.file.filename",
        ConfigType::String,
        Importance::High,
        "File to store source connector offsets in.",
    ))
}

fn partitions_or_default() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::Int(n) if *n < 1 && *n != -1 => Err(
            "Number of partitions must be positive, or -1 to use the broker's default".to_owned(),
        ),
        ConfigValue::Short(n) if *n < 1 && *n != -1 => {
            Err("Replication factor must be positive, or -1 to use the broker's default".to_owned())
        }
        _ => Ok(()),
    })
}

/// The distributed worker's own keys (§2.3): Kafka's `DistributedConfig`.
pub fn distributed_config_def() -> ConfigDef {
    use ConfigType::{Int, List, Long, Short, String};
    use Importance::{High, Low, Medium};
    let max_int = i32::MAX;
    ConfigDef::new()
        .define(key(
            "group.id",
            String,
            High,
            "The Connect cluster this worker belongs to.",
        ))
        .define(
            key(
                "session.timeout.ms",
                Int,
                High,
                "Timeout to detect worker failures.",
            )
            .default_value("10000"),
        )
        .define(
            key(
                "heartbeat.interval.ms",
                Int,
                High,
                "Expected time between heartbeats to the group coordinator.",
            )
            .default_value("3000"),
        )
        .define(
            key(
                "rebalance.timeout.ms",
                Int,
                High,
                "Maximum time for each worker to join the group in a rebalance.",
            )
            .default_value("60000"),
        )
        .define(
            key(
                "worker.sync.timeout.ms",
                Int,
                Medium,
                "How long to try to catch up on the config topic.",
            )
            .default_value("3000"),
        )
        .define(
            key(
                "worker.unsync.backoff.ms",
                Int,
                Medium,
                "Backoff after failing to catch up on the config topic.",
            )
            .default_value("300000"),
        )
        .define(key(
            "offset.storage.topic",
            String,
            High,
            "Topic that stores source connector offsets.",
        ))
        .define(
            key(
                "offset.storage.partitions",
                Int,
                Low,
                "Partitions of the offsets topic; -1 for the broker default.",
            )
            .default_value("25")
            .validator(partitions_or_default()),
        )
        .define(
            key(
                "offset.storage.replication.factor",
                Short,
                Low,
                "Replication factor of the offsets topic; -1 for the broker default.",
            )
            .default_value("3")
            .validator(partitions_or_default()),
        )
        .define(key(
            "config.storage.topic",
            String,
            High,
            "Topic that stores connector and task configs.",
        ))
        .define(
            key(
                "config.storage.replication.factor",
                Short,
                Low,
                "Replication factor of the config topic; -1 for the broker default.",
            )
            .default_value("3")
            .validator(partitions_or_default()),
        )
        .define(key(
            "status.storage.topic",
            String,
            High,
            "Topic that stores connector and task statuses.",
        ))
        .define(
            key(
                "status.storage.partitions",
                Int,
                Low,
                "Partitions of the status topic; -1 for the broker default.",
            )
            .default_value("5")
            .validator(partitions_or_default()),
        )
        .define(
            key(
                "status.storage.replication.factor",
                Short,
                Low,
                "Replication factor of the status topic; -1 for the broker default.",
            )
            .default_value("3")
            .validator(partitions_or_default()),
        )
        .define(
            key(
                "connect.protocol",
                String,
                Low,
                "Compatibility mode of the group protocol.",
            )
            .default_value("sessioned")
            .validator(Validator::OneOfIgnoreCase(vec![
                "eager",
                "compatible",
                "sessioned",
            ])),
        )
        .define(
            key(
                "scheduled.rebalance.max.delay.ms",
                Int,
                Low,
                "How long to wait for a departed worker before reassigning its work.",
            )
            .default_value("300000")
            .validator(Validator::between(0, max_int)),
        )
        .define(
            key(
                "exactly.once.source.support",
                String,
                High,
                "Exactly-once support for source connectors: disabled, preparing or enabled.",
            )
            .default_value("disabled")
            .validator(Validator::OneOfIgnoreCase(vec![
                "disabled",
                "preparing",
                "enabled",
            ])),
        )
        .define(
            key(
                "inter.worker.key.generation.algorithm",
                String,
                Low,
                "Algorithm of the keys that sign internal requests.",
            )
            .default_value("HmacSHA256"),
        )
        .define(
            key(
                "inter.worker.key.size",
                Int,
                Medium,
                "Size of the keys that sign internal requests, in bits.",
            )
            .default_null(),
        )
        .define(
            key(
                "inter.worker.key.ttl.ms",
                Int,
                Low,
                "How long a key signing internal requests stays valid.",
            )
            .default_value("3600000")
            .validator(Validator::between(0, max_int)),
        )
        .define(
            key(
                "inter.worker.signature.algorithm",
                String,
                Low,
                "Algorithm that signs internal requests.",
            )
            .default_value("HmacSHA256"),
        )
        .define(
            key(
                "inter.worker.verification.algorithms",
                List,
                Low,
                "Algorithms accepted when verifying internal requests.",
            )
            .default_value("HmacSHA256"),
        )
        .define(
            key(
                "metadata.max.age.ms",
                Long,
                Low,
                "Period after which metadata is refreshed.",
            )
            .default_value("300000")
            .validator(Validator::at_least(0)),
        )
        .define(
            key(
                "client.id",
                String,
                Low,
                "Id sent to the brokers with requests.",
            )
            .default_value(""),
        )
        .define(
            key(
                "send.buffer.bytes",
                Int,
                Medium,
                "TCP send buffer size; -1 for the OS default.",
            )
            .default_value("131072")
            .validator(Validator::at_least(-1)),
        )
        .define(
            key(
                "receive.buffer.bytes",
                Int,
                Medium,
                "TCP receive buffer size; -1 for the OS default.",
            )
            .default_value("32768")
            .validator(Validator::at_least(-1)),
        )
        .define(
            key(
                "reconnect.backoff.ms",
                Long,
                Low,
                "Base wait before reconnecting to a broker.",
            )
            .default_value("50")
            .validator(Validator::at_least(0)),
        )
        .define(
            key(
                "reconnect.backoff.max.ms",
                Long,
                Low,
                "Maximum wait before reconnecting to a broker.",
            )
            .default_value("1000")
            .validator(Validator::at_least(0)),
        )
        .define(
            key(
                "retry.backoff.ms",
                Long,
                Low,
                "Base wait before retrying a failed request.",
            )
            .default_value("100")
            .validator(Validator::at_least(0)),
        )
        .define(
            key(
                "retry.backoff.max.ms",
                Long,
                Low,
                "Maximum wait before retrying a failed request.",
            )
            .default_value("1000")
            .validator(Validator::at_least(0)),
        )
        .define(
            key(
                "request.timeout.ms",
                Int,
                Medium,
                "Maximum wait for the response to a request.",
            )
            .default_value("40000")
            .validator(Validator::at_least(0)),
        )
        .define(
            key(
                "connections.max.idle.ms",
                Long,
                Medium,
                "Idle connections are closed after this long.",
            )
            .default_value("540000"),
        )
        .define(
            key(
                "security.protocol",
                String,
                Medium,
                "Protocol used to talk to brokers.",
            )
            .default_value("PLAINTEXT")
            .validator(Validator::OneOfIgnoreCase(vec![
                "PLAINTEXT",
                "SSL",
                "SASL_PLAINTEXT",
                "SASL_SSL",
            ])),
        )
        .define(
            key(
                "socket.connection.setup.timeout.ms",
                Long,
                Medium,
                "Time to wait for a socket connection to be built.",
            )
            .default_value("10000"),
        )
        .define(
            key(
                "socket.connection.setup.timeout.max.ms",
                Long,
                Medium,
                "Maximum time to wait for a socket connection to be built.",
            )
            .default_value("30000"),
        )
        .define(
            key(
                "metadata.recovery.strategy",
                String,
                Low,
                "What to do when no known broker is reachable: none or rebootstrap.",
            )
            .default_value("none")
            .validator(Validator::OneOfIgnoreCase(vec!["none", "rebootstrap"])),
        )
}

/// Sluice's own worker keys: how a failed task is restarted. `task.restart.max.attempts=0`
/// leaves failed tasks failed, which is Kafka's behaviour.
pub fn sluice_config_def() -> ConfigDef {
    use ConfigType::{Int, Long};
    ConfigDef::new()
        .define(key("task.restart.max.attempts", Int, Importance::Medium, "How many times a failed task is restarted before it stays FAILED; 0 never restarts it, as Kafka does.").default_value("10").validator(Validator::at_least(0)))
        .define(key("task.restart.backoff.initial.ms", Long, Importance::Low, "Wait before the first restart of a failed task; it doubles with each attempt.").default_value("500").validator(Validator::at_least(0)))
        .define(key("task.restart.backoff.max.ms", Long, Importance::Low, "Longest wait between restarts of a failed task.").default_value("60000").validator(Validator::at_least(0)))
}

/// How a worker runs: alone, or in a Connect cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerMode {
    /// `connect-standalone`: configs in memory, offsets in a local file.
    Standalone,
    /// `connect-distributed`: configs, offsets and statuses in Kafka topics.
    Distributed,
}

/// A parsed worker config: Kafka Connect's `StandaloneConfig`/`DistributedConfig`, with
/// config-provider placeholders resolved. Unknown keys are kept (they reach task clients).
#[derive(Clone)]
pub struct WorkerConfig {
    mode: WorkerMode,
    config: Config,
    resolved: RawConfig,
    providers: ConfigProviders,
}

impl std::fmt::Debug for WorkerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerConfig")
            .field("mode", &self.mode)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl WorkerConfig {
    /// Parses a standalone worker's properties (common, standalone and Sluice keys).
    pub fn standalone(raw: RawConfig) -> Result<Self, ConfigError> {
        let def = common_config_def()
            .embed("", None, &standalone_config_def())
            .embed("", None, &sluice_config_def());
        Self::parse(WorkerMode::Standalone, &def, raw)
    }

    /// Parses a distributed worker's properties (common, distributed and Sluice keys).
    pub fn distributed(raw: RawConfig) -> Result<Self, ConfigError> {
        let def = common_config_def()
            .embed("", None, &distributed_config_def())
            .embed("", None, &sluice_config_def());
        Self::parse(WorkerMode::Distributed, &def, raw)
    }

    fn parse(mode: WorkerMode, def: &ConfigDef, raw: RawConfig) -> Result<Self, ConfigError> {
        let providers = ConfigProviders::from_worker_config(&raw)?;
        let mut resolved = RawConfig::with_capacity(raw.len());
        for (key, value) in raw {
            if REMOVED_INTERNAL_CONVERTERS
                .iter()
                .any(|removed| key == *removed || key.starts_with(&format!("{removed}.")))
            {
                tracing::warn!(
                    key = %key,
                    "the worker config key {key} was removed in Kafka 3.0 and is ignored; internal data is always JSON without schemas"
                );
                continue;
            }
            let value = if key == PLUGIN_PATH {
                value
            } else {
                providers.resolve_value(&key, &value)?
            };
            resolved.insert(key, value);
        }
        let config = def.parse(&resolved)?;
        Ok(Self {
            mode,
            config,
            resolved,
            providers,
        })
    }

    /// Standalone or distributed.
    pub fn mode(&self) -> WorkerMode {
        self.mode
    }

    /// Every key as given, with placeholders resolved (except `plugin.path`) and the removed
    /// `internal.*.converter` keys left out: the `worker` map task clients are built from
    /// ([`crate::kafka::task_client_config`]).
    pub fn raw(&self) -> &RawConfig {
        &self.resolved
    }

    /// The parsed values of the declared keys, for keys without a dedicated accessor.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The config providers of `config.providers`, which resolve connector configs too.
    pub fn config_providers(&self) -> &ConfigProviders {
        &self.providers
    }

    /// `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> &[String] {
        self.config.list("bootstrap.servers")
    }

    /// `key.converter`: the class name or alias.
    pub fn key_converter(&self) -> &str {
        self.config.string("key.converter").unwrap_or_default()
    }

    /// The `key.converter.` settings, prefix removed.
    pub fn key_converter_settings(&self) -> RawConfig {
        self.config.originals_with_prefix("key.converter.")
    }

    /// `value.converter`: the class name or alias.
    pub fn value_converter(&self) -> &str {
        self.config.string("value.converter").unwrap_or_default()
    }

    /// The `value.converter.` settings, prefix removed.
    pub fn value_converter_settings(&self) -> RawConfig {
        self.config.originals_with_prefix("value.converter.")
    }

    /// `header.converter`: the class name or alias.
    pub fn header_converter(&self) -> &str {
        self.config.string("header.converter").unwrap_or_default()
    }

    /// The `header.converter.` settings, prefix removed.
    pub fn header_converter_settings(&self) -> RawConfig {
        self.config.originals_with_prefix("header.converter.")
    }

    fn millis(&self, key: &str) -> Duration {
        Duration::from_millis(self.config.long(key).unwrap_or(0).max(0) as u64)
    }

    /// `offset.flush.interval.ms`.
    pub fn offset_flush_interval(&self) -> Duration {
        self.millis("offset.flush.interval.ms")
    }

    /// `offset.flush.timeout.ms`.
    pub fn offset_flush_timeout(&self) -> Duration {
        self.millis("offset.flush.timeout.ms")
    }

    /// `task.shutdown.graceful.timeout.ms`: the total time to wait for tasks to stop.
    pub fn task_shutdown_graceful_timeout(&self) -> Duration {
        self.millis("task.shutdown.graceful.timeout.ms")
    }

    /// `listeners`: at least one URL.
    pub fn listeners(&self) -> &[String] {
        self.config.list("listeners")
    }

    /// `rest.advertised.host.name`.
    pub fn rest_advertised_host_name(&self) -> Option<&str> {
        self.config.string("rest.advertised.host.name")
    }

    /// `rest.advertised.port`.
    pub fn rest_advertised_port(&self) -> Option<u16> {
        self.config
            .int("rest.advertised.port")
            .and_then(|port| u16::try_from(port).ok())
    }

    /// `rest.advertised.listener`: `http` or `https`.
    pub fn rest_advertised_listener(&self) -> Option<&str> {
        self.config.string("rest.advertised.listener")
    }

    /// `admin.listeners`: `None` serves the admin API on the regular listeners; an empty list
    /// disables it.
    pub fn admin_listeners(&self) -> Option<&[String]> {
        match self.config.get("admin.listeners") {
            Some(ConfigValue::List(items)) => Some(items),
            _ => None,
        }
    }

    /// `topic.tracking.enable`.
    pub fn topic_tracking_enable(&self) -> bool {
        self.config.boolean("topic.tracking.enable").unwrap_or(true)
    }

    /// `topic.tracking.allow.reset`.
    pub fn topic_tracking_allow_reset(&self) -> bool {
        self.config
            .boolean("topic.tracking.allow.reset")
            .unwrap_or(true)
    }

    /// `topic.creation.enable`.
    pub fn topic_creation_enable(&self) -> bool {
        self.config.boolean("topic.creation.enable").unwrap_or(true)
    }

    /// `connector.client.config.override.policy`.
    pub fn override_policy(&self) -> OverridePolicy {
        self.config
            .string(OverridePolicy::KEY)
            .and_then(OverridePolicy::from_name)
            .unwrap_or_default()
    }

    /// `offset.storage.file.filename`; `None` for a distributed worker.
    pub fn offset_storage_file(&self) -> Option<&Path> {
        self.config
            .string("offset.storage.file.filename")
            .map(Path::new)
    }

    /// `group.id`; `None` for a standalone worker.
    pub fn group_id(&self) -> Option<&str> {
        self.config.string("group.id")
    }

    /// `task.restart.max.attempts`: restarts of a failed task before it stays FAILED.
    pub fn task_restart_max_attempts(&self) -> u32 {
        self.config
            .int("task.restart.max.attempts")
            .map_or(0, |n| n.max(0) as u32)
    }

    /// `task.restart.backoff.initial.ms`.
    pub fn task_restart_backoff_initial(&self) -> Duration {
        self.millis("task.restart.backoff.initial.ms")
    }

    /// `task.restart.backoff.max.ms`.
    pub fn task_restart_backoff_max(&self) -> Duration {
        self.millis("task.restart.backoff.max.ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawConfig {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

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
        let error =
            WorkerConfig::standalone(minimal(&[("listeners", "")])).expect_err("no listener");
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
}
