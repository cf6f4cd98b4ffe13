//! [`KafkaClientConfig`]: the librdkafka settings of a task's producer, consumer or admin
//! client, built the way Kafka Connect's `Worker` builds its Java clients (§3.4): built-in
//! defaults, then the worker's `producer.`/`consumer.`/`admin.` keys, then the connector's
//! `producer.override.`/`consumer.override.`/`admin.override.` keys, later layers winning. Every
//! key goes through the Java → librdkafka table of [`super::java_keys`].

use indexmap::IndexMap;

use super::java_keys::{Translation, translate};
use super::tls_stores;
use crate::config::{ConfigError, RawConfig};

/// Which client of a task a config is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientRole {
    /// A source task's producer (also the offsets and DLQ producers).
    Producer,
    /// A sink task's consumer.
    Consumer,
    /// The admin client for topic creation and the DLQ topic.
    Admin,
}

impl ClientRole {
    /// `producer`, `consumer` or `admin`: the worker key prefix without its dot.
    pub fn name(self) -> &'static str {
        match self {
            Self::Producer => "producer",
            Self::Consumer => "consumer",
            Self::Admin => "admin",
        }
    }

    /// The worker-wide prefix, e.g. `producer.`.
    pub fn worker_prefix(self) -> &'static str {
        match self {
            Self::Producer => "producer.",
            Self::Consumer => "consumer.",
            Self::Admin => "admin.",
        }
    }

    /// The connector override prefix, e.g. `producer.override.`.
    pub fn override_prefix(self) -> &'static str {
        match self {
            Self::Producer => "producer.override.",
            Self::Consumer => "consumer.override.",
            Self::Admin => "admin.override.",
        }
    }
}

/// A key left out of a client config, and why (for the task's startup log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedKey {
    /// The key as the user wrote it (without its prefix).
    pub key: String,
    /// Why it was left out.
    pub reason: &'static str,
}

/// Unprefixed worker keys that also reach connector admin clients (Kafka passes every
/// unprefixed worker key; librdkafka would reject most of them, so only the connection and
/// security keys are kept).
const ADMIN_SHARED_WORKER_KEYS: &[&str] = &[
    "client.dns.lookup",
    "security.protocol",
    "metadata.max.age.ms",
    "reconnect.backoff.ms",
    "reconnect.backoff.max.ms",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "request.timeout.ms",
    "connections.max.idle.ms",
    "socket.connection.setup.timeout.ms",
    "send.buffer.bytes",
    "receive.buffer.bytes",
];

/// Keys `connector.client.config.override.policy=Principal` allows a connector to override.
const PRINCIPAL_OVERRIDABLE: &[&str] = &["sasl.jaas.config", "sasl.mechanism", "security.protocol"];

/// librdkafka settings for one client, with the keys that were left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KafkaClientConfig {
    settings: IndexMap<String, String>,
    /// Java trust and key store keys, resolved when the client is built
    /// ([`super::tls_stores`]).
    stores: IndexMap<String, String>,
    dropped: Vec<DroppedKey>,
}

impl KafkaClientConfig {
    /// An empty config.
    pub fn new() -> Self {
        Self::default()
    }

    /// A config from Java client keys (e.g. `bootstrap.servers`, `acks`), translated.
    pub fn from_java(keys: &RawConfig) -> Result<Self, ConfigError> {
        let mut config = Self::new();
        for (key, value) in keys {
            config.set_java(key, value)?;
        }
        Ok(config)
    }

    /// Sets a Java client key, translated to librdkafka; a key librdkafka cannot take is
    /// recorded in [`KafkaClientConfig::dropped`] instead.
    pub fn set_java(&mut self, key: &str, value: &str) -> Result<&mut Self, ConfigError> {
        if tls_stores::is_store_key(key) {
            self.dropped.retain(|dropped| dropped.key != key);
            self.stores.insert(key.to_owned(), value.to_owned());
            return Ok(self);
        }
        match translate(key, value)? {
            Translation::Drop(reason) => self.drop_key(key, reason),
            Translation::Set(settings) => {
                for (rd_key, rd_value) in settings {
                    match probe(&rd_key, &rd_value) {
                        Probe::Known => {
                            self.dropped.retain(|dropped| dropped.key != key);
                            self.settings.insert(rd_key, rd_value);
                        }
                        Probe::Unknown => self.drop_key(key, "not a librdkafka property"),
                        Probe::Invalid(reason) => {
                            let shown = if is_secret(key) { "[hidden]" } else { value };
                            return Err(ConfigError::invalid(key, shown, reason));
                        }
                    }
                }
            }
        }
        Ok(self)
    }

    fn drop_key(&mut self, key: &str, reason: &'static str) {
        self.dropped.retain(|dropped| dropped.key != key);
        self.dropped.push(DroppedKey {
            key: key.to_owned(),
            reason,
        });
    }

    /// Sets a librdkafka property directly (no translation), e.g. `partitioner`.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.settings.insert(key.into(), value.into());
        self
    }

    /// A librdkafka property.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }

    /// Every librdkafka property, in the order set.
    pub fn settings(&self) -> &IndexMap<String, String> {
        &self.settings
    }

    /// The keys that were left out, with the reason.
    pub fn dropped(&self) -> &[DroppedKey] {
        &self.dropped
    }

    /// librdkafka settings where they differ from the Java clients' defaults: the
    /// reconnect backoff (Java: 50 ms doubling to 1 s; librdkafka: 100 ms to 10 s), so that
    /// after a broker outage every client reconnects within a second of the broker's return,
    /// as Kafka's do. Set keys win.
    const JAVA_DEFAULTS: &[(&str, &str)] = &[
        ("reconnect.backoff.ms", "50"),
        ("reconnect.backoff.max.ms", "1000"),
    ];

    /// The config as rdkafka takes it, on top of [`Self::JAVA_DEFAULTS`]. When
    /// `security.protocol` uses TLS, the Java trust and key stores are read here and become
    /// librdkafka's TLS settings; a store that cannot be read is an error naming its key.
    pub fn to_rdkafka(&self) -> Result<rdkafka::ClientConfig, ConfigError> {
        let mut config = rdkafka::ClientConfig::new();
        for (key, value) in Self::JAVA_DEFAULTS {
            config.set(*key, *value);
        }
        for (key, value) in &self.settings {
            config.set(key, value);
        }
        if tls_stores::uses_tls(self.get("security.protocol")) {
            for (key, value) in tls_stores::librdkafka_settings(&self.stores)? {
                config.set(key, value);
            }
        }
        Ok(config)
    }
}

enum Probe {
    Known,
    Unknown,
    Invalid(String),
}

/// Asks librdkafka whether it knows `key` and accepts `value`, without creating a client.
fn probe(key: &str, value: &str) -> Probe {
    use rdkafka::error::KafkaError;
    use rdkafka::types::RDKafkaConfRes;
    let mut config = rdkafka::ClientConfig::new();
    config.set(key, value);
    match config.create_native_config() {
        Ok(_) => Probe::Known,
        Err(KafkaError::ClientConfig(RDKafkaConfRes::RD_KAFKA_CONF_UNKNOWN, ..)) => Probe::Unknown,
        Err(KafkaError::ClientConfig(_, description, ..)) => Probe::Invalid(description),
        Err(other) => Probe::Invalid(other.to_string()),
    }
}

/// True for client keys whose values must not be shown (passwords, JAAS configs, secrets).
pub(crate) fn is_secret(key: &str) -> bool {
    key.contains("password") || key.contains("jaas") || key.contains("secret")
}

/// Who is asking for a client: the connector and task (for client ids and the group id).
#[derive(Debug, Clone, Copy)]
pub struct TaskClient<'a> {
    /// The connector name.
    pub connector: &'a str,
    /// The task number.
    pub task: u32,
}

/// The worker keys that shape task clients: `bootstrap.servers`,
/// `connector.client.config.override.policy` and the `producer.`/`consumer.`/`admin.` keys.
pub fn task_client_config(
    role: ClientRole,
    worker: &RawConfig,
    connector: &RawConfig,
    task: TaskClient<'_>,
) -> Result<KafkaClientConfig, ConfigError> {
    let mut config = KafkaClientConfig::new();
    let bootstrap = worker
        .get("bootstrap.servers")
        .map_or("localhost:9092", String::as_str);
    config.set_java("bootstrap.servers", bootstrap)?;
    let (conn, id) = (task.connector, task.task);
    match role {
        ClientRole::Producer => {
            config.set_java("client.id", &format!("connector-producer-{conn}-{id}"))?;
            config.set_java("acks", "all")?;
            config.set_java("max.in.flight.requests.per.connection", "1")?;
            config.set_java("enable.idempotence", "false")?;
            config.set_java("delivery.timeout.ms", &i32::MAX.to_string())?;
            // Java's `buffer.memory` default (32 MiB) bounds what waits for the broker;
            // librdkafka's own default would let 1 GiB pile up behind a slow broker.
            config.set_java("buffer.memory", "33554432")?;
        }
        ClientRole::Consumer => {
            config.set_java("group.id", &format!("connect-{conn}"))?;
            config.set_java("client.id", &format!("connector-consumer-{conn}-{id}"))?;
            config.set_java("enable.auto.commit", "false")?;
            config.set_java("auto.offset.reset", "earliest")?;
            // librdkafka looks for subscribed topics that do not exist yet only at each metadata
            // refresh (5 minutes by default): a sink started before its topic would sit idle.
            config.set("topic.metadata.refresh.interval.ms", "5000");
        }
        ClientRole::Admin => {
            config.set_java("client.id", &format!("connector-adminclient-{conn}-{id}"))?;
            // Unprefixed worker keys are shared with the REST server (its `ssl.*` keys, for
            // one), so a value librdkafka rejects is left out rather than failing the task.
            for (key, value) in worker {
                let shared = ADMIN_SHARED_WORKER_KEYS.contains(&key.as_str())
                    || key.starts_with("sasl.")
                    || key.starts_with("ssl.");
                if shared && config.set_java(key, value).is_err() {
                    config.drop_key(key, "rejected by librdkafka");
                }
            }
        }
    }
    apply_prefixed(&mut config, worker, role.worker_prefix())?;
    check_override_policy(worker, connector, role)?;
    apply_prefixed(&mut config, connector, role.override_prefix())?;
    Ok(config)
}

fn apply_prefixed(
    config: &mut KafkaClientConfig,
    raw: &RawConfig,
    prefix: &str,
) -> Result<(), ConfigError> {
    for (key, value) in raw {
        let Some(client_key) = key.strip_prefix(prefix) else {
            continue;
        };
        config
            .set_java(client_key, value)
            .map_err(|error| prefixed_error(error, prefix))?;
    }
    Ok(())
}

fn prefixed_error(error: ConfigError, prefix: &str) -> ConfigError {
    match error {
        ConfigError::Invalid { key, value, reason } => ConfigError::Invalid {
            key: format!("{prefix}{key}"),
            value,
            reason,
        },
        other => other,
    }
}

/// `connector.client.config.override.policy`: which `producer.override.`, `consumer.override.`
/// and `admin.override.` keys a connector may set (Kafka's `ConnectorClientConfigOverridePolicy`
/// implementations `All`, `None` and `Principal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverridePolicy {
    /// `All` (the default): every override is allowed.
    #[default]
    All,
    /// `None`: no override is allowed.
    None,
    /// `Principal`: only `sasl.jaas.config`, `sasl.mechanism` and `security.protocol`.
    Principal,
}

impl OverridePolicy {
    /// The worker key that sets the policy.
    pub const KEY: &'static str = "connector.client.config.override.policy";

    /// The policy named by an alias (`All`), a simple class name
    /// (`AllConnectorClientConfigOverridePolicy`) or a full class name.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        let simple = name.rsplit('.').next().unwrap_or(name);
        match simple
            .strip_suffix("ConnectorClientConfigOverridePolicy")
            .unwrap_or(simple)
        {
            "All" => Some(Self::All),
            "None" => Some(Self::None),
            "Principal" => Some(Self::Principal),
            _ => None,
        }
    }

    /// The policy a worker config sets; `All` when the key is absent.
    pub fn from_worker(worker: &RawConfig) -> Result<Self, ConfigError> {
        match worker.get(Self::KEY) {
            None => Ok(Self::All),
            Some(text) => Self::from_name(text).ok_or_else(|| {
                ConfigError::invalid(Self::KEY, text.as_str(), "Expected All, None or Principal")
            }),
        }
    }

    /// The policy's name, as Kafka's `policyName()` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::None => "None",
            Self::Principal => "Principal",
        }
    }

    /// Kafka's error for a connector overriding `client_key` (the key without its
    /// `*.override.` prefix), or `None` when the policy allows it.
    pub fn violation(self, client_key: &str) -> Option<String> {
        let allowed = match self {
            Self::All => true,
            Self::None => false,
            Self::Principal => PRINCIPAL_OVERRIDABLE.contains(&client_key),
        };
        (!allowed).then(|| {
            format!(
                "The '{}' policy does not allow '{client_key}' to be overridden in the connector configuration.",
                self.name()
            )
        })
    }
}

/// Fails on the first connector override of `role` the worker's policy does not allow.
fn check_override_policy(
    worker: &RawConfig,
    connector: &RawConfig,
    role: ClientRole,
) -> Result<(), ConfigError> {
    let policy = OverridePolicy::from_worker(worker)?;
    let prefix = role.override_prefix();
    for (key, value) in connector {
        let Some(client_key) = key.strip_prefix(prefix) else {
            continue;
        };
        if let Some(reason) = policy.violation(client_key) {
            let shown = if is_secret(client_key) {
                "[hidden]"
            } else {
                value
            };
            return Err(ConfigError::invalid(key.as_str(), shown, reason));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    const TASK: TaskClient<'static> = TaskClient {
        connector: "orders",
        task: 2,
    };

    #[test]
    fn producer_defaults_match_kafka_connect() {
        let config = task_client_config(
            ClientRole::Producer,
            &raw(&[("bootstrap.servers", "b1:9092,b2:9092")]),
            &raw(&[]),
            TASK,
        )
        .expect("valid");
        assert_eq!(config.get("bootstrap.servers"), Some("b1:9092,b2:9092"));
        assert_eq!(config.get("client.id"), Some("connector-producer-orders-2"));
        assert_eq!(config.get("acks"), Some("all"));
        assert_eq!(
            config.get("max.in.flight.requests.per.connection"),
            Some("1")
        );
        assert_eq!(config.get("enable.idempotence"), Some("false"));
        assert_eq!(config.get("delivery.timeout.ms"), Some("2147483647"));
    }

    #[test]
    fn consumer_defaults_match_kafka_connect() {
        let config =
            task_client_config(ClientRole::Consumer, &raw(&[]), &raw(&[]), TASK).expect("valid");
        assert_eq!(config.get("bootstrap.servers"), Some("localhost:9092"));
        assert_eq!(config.get("group.id"), Some("connect-orders"));
        assert_eq!(config.get("client.id"), Some("connector-consumer-orders-2"));
        assert_eq!(config.get("enable.auto.commit"), Some("false"));
        assert_eq!(config.get("auto.offset.reset"), Some("earliest"));
    }

    #[test]
    fn clients_reconnect_with_the_java_backoff_unless_set() {
        let config = KafkaClientConfig::new().to_rdkafka().expect("no stores");
        assert_eq!(config.get("reconnect.backoff.ms"), Some("50"));
        assert_eq!(config.get("reconnect.backoff.max.ms"), Some("1000"));
        let config = task_client_config(
            ClientRole::Consumer,
            &raw(&[("consumer.reconnect.backoff.max.ms", "5000")]),
            &raw(&[]),
            TASK,
        )
        .expect("valid")
        .to_rdkafka()
        .expect("no stores");
        assert_eq!(config.get("reconnect.backoff.max.ms"), Some("5000"));
    }

    #[test]
    fn java_trust_stores_are_read_only_when_the_protocol_uses_tls() {
        let truststore = format!(
            "{}/tests/fixtures/tls/truststore.jks",
            env!("CARGO_MANIFEST_DIR")
        );
        let worker = raw(&[
            ("producer.security.protocol", "SSL"),
            ("producer.ssl.truststore.location", &truststore),
            ("producer.ssl.truststore.password", "changeit"),
        ]);
        let config = task_client_config(ClientRole::Producer, &worker, &raw(&[]), TASK)
            .expect("valid")
            .to_rdkafka()
            .expect("the store reads");
        let pem = config.get("ssl.ca.pem").expect("trusted certificates");
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        assert_eq!(config.get("ssl.truststore.location"), None);

        let plaintext = raw(&[("producer.ssl.truststore.location", "/nonexistent.jks")]);
        let config = task_client_config(ClientRole::Producer, &plaintext, &raw(&[]), TASK)
            .expect("valid")
            .to_rdkafka()
            .expect("a plaintext client never reads its stores");
        assert_eq!(config.get("ssl.ca.pem"), None);
    }

    #[test]
    fn connector_overrides_beat_worker_keys_which_beat_defaults() {
        let worker = raw(&[
            ("producer.acks", "1"),
            ("producer.linger.ms", "5"),
            (
                "producer.key.serializer",
                "org.apache.kafka.common.serialization.StringSerializer",
            ),
            ("consumer.acks", "0"),
        ]);
        let connector = raw(&[
            ("producer.override.linger.ms", "50"),
            ("producer.override.client.id", "mine"),
            ("consumer.override.fetch.min.bytes", "9"),
        ]);
        let config =
            task_client_config(ClientRole::Producer, &worker, &connector, TASK).expect("valid");
        assert_eq!(config.get("acks"), Some("1"));
        assert_eq!(config.get("linger.ms"), Some("50"));
        assert_eq!(config.get("client.id"), Some("mine"));
        assert_eq!(config.get("fetch.min.bytes"), None);
        assert_eq!(
            config.dropped(),
            [DroppedKey {
                key: "key.serializer".into(),
                reason: "Sluice's producers always send bytes"
            }]
        );
    }

    #[test]
    fn admin_gets_worker_security_keys_but_not_worker_noise() {
        let worker = raw(&[
            ("security.protocol", "PLAINTEXT"),
            (
                "key.converter",
                "org.apache.kafka.connect.json.JsonConverter",
            ),
            ("offset.flush.interval.ms", "1000"),
            ("admin.request.timeout.ms", "1234"),
        ]);
        let config =
            task_client_config(ClientRole::Admin, &worker, &raw(&[]), TASK).expect("valid");
        assert_eq!(
            config.get("client.id"),
            Some("connector-adminclient-orders-2")
        );
        assert_eq!(config.get("security.protocol"), Some("plaintext"));
        assert_eq!(config.get("request.timeout.ms"), Some("1234"));
        assert_eq!(config.get("key.converter"), None);
        assert_eq!(config.get("offset.flush.interval.ms"), None);
    }

    #[test]
    fn unknown_keys_are_dropped_and_bad_values_name_the_key() {
        let connector = raw(&[("producer.override.no.such.key", "1")]);
        let config = task_client_config(ClientRole::Producer, &raw(&[]), &connector, TASK)
            .expect("unknown keys are dropped");
        assert_eq!(config.get("no.such.key"), None);
        assert_eq!(config.dropped()[0].key, "no.such.key");

        let connector = raw(&[("producer.override.acks", "most")]);
        let error = task_client_config(ClientRole::Producer, &raw(&[]), &connector, TASK)
            .expect_err("librdkafka rejects the value");
        assert_eq!(error.key(), Some("producer.override.acks"));
    }

    #[test]
    fn override_policy_none_refuses_overrides() {
        let worker = raw(&[("connector.client.config.override.policy", "None")]);
        let connector = raw(&[("producer.override.acks", "1")]);
        let error = task_client_config(ClientRole::Producer, &worker, &connector, TASK)
            .expect_err("policy None");
        assert_eq!(error.key(), Some("producer.override.acks"));

        let worker = raw(&[("connector.client.config.override.policy", "Principal")]);
        let connector = raw(&[("producer.override.security.protocol", "PLAINTEXT")]);
        task_client_config(ClientRole::Producer, &worker, &connector, TASK)
            .expect("Principal allows security.protocol");
    }
}
