//! The worker's keys as [`ConfigDef`]s (§2 of the reference): Kafka Connect's `WorkerConfig`
//! and `RestServerConfig` (common), `StandaloneConfig`, `DistributedConfig`, and Sluice's task
//! restart keys.

use crate::config::{ConfigDef, ConfigKey, ConfigType, ConfigValue, Importance, Validator};
use crate::kafka::OverridePolicy;

/// Read raw: config-provider placeholders are not resolved in it, as in Kafka.
pub(super) const PLUGIN_PATH: &str = "plugin.path";

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
