//! Java Kafka client keys → librdkafka properties.
//!
//! Kafka Connect configs are written for the Java clients; Sluice's clients are librdkafka,
//! which refuses to start on a key it does not know. Every key of a task client config goes
//! through [`translate`] first:
//!
//! | Java key | librdkafka | why |
//! |---|---|---|
//! | `key.serializer`, `value.serializer`, `key.deserializer`, `value.deserializer` | dropped | Sluice's clients always move raw bytes; converters do the (de)serialising |
//! | `partitioner.class`, `partitioner.ignore.keys`, `partitioner.adaptive.partitioning.enable`, `partitioner.availability.timeout.ms` | dropped | Java partitioner classes; use librdkafka's `partitioner` |
//! | `interceptor.classes`, `metric.reporters`, `metrics.num.samples`, `metrics.sample.window.ms`, `metrics.recording.level`, `auto.include.jmx.reporter`, `security.providers`, `enable.metrics.push` | dropped | Java plug-in classes and JMX |
//! | `max.block.ms` | dropped | `send` never blocks in librdkafka; a full queue is waited out by the caller |
//! | `metadata.max.idle.ms`, `default.api.timeout.ms`, `socket.connection.setup.timeout.max.ms`, `exclude.internal.topics`, `max.poll.records`, `internal.leave.group.on.close` | dropped | no librdkafka equivalent |
//! | `ssl.truststore.*`, `ssl.keystore.*`, `ssl.key.password` | read when the client is built | JKS, PKCS#12 and PEM stores become librdkafka's TLS settings ([`super::tls_stores`]) |
//! | `ssl.protocol`, `ssl.enabled.protocols`, `ssl.keymanager.algorithm`, `ssl.trustmanager.algorithm`, `ssl.secure.random.implementation`, `ssl.engine.factory.class`, `ssl.client.auth` | dropped | JVM TLS specifics |
//! | `sasl.jaas.config` | `sasl.username` + `sasl.password` for the `PlainLoginModule` and `ScramLoginModule`; dropped otherwise | librdkafka has no JAAS |
//! | `sasl.mechanism` | `sasl.mechanisms` | |
//! | `sasl.login.callback.handler.class`, `sasl.client.callback.handler.class`, `sasl.login.class` | dropped | Java classes |
//! | `security.protocol` | lower-cased | |
//! | `buffer.memory` | `queue.buffering.max.kbytes` (bytes / 1024, at least 1) | |
//! | `max.request.size` | `message.max.bytes`, clamped to 1000 ..= 1000000000 | |
//! | `send.buffer.bytes`, `receive.buffer.bytes` | `socket.send.buffer.bytes`, `socket.receive.buffer.bytes` (`-1`, the OS default, becomes `0`) | |
//! | `auto.offset.reset` | `none` becomes `error` | |
//! | `partition.assignment.strategy` | class names become `range`, `roundrobin`, `cooperative-sticky`; `StickyAssignor` is dropped from the list | |
//! | `ssl.endpoint.identification.algorithm` | empty becomes `none` | |
//! | `delivery.timeout.ms`, `transaction.timeout.ms`, `connections.max.idle.ms`, `socket.connection.setup.timeout.ms` | clamped to at most 2147483647 (and their librdkafka minimum) | Connect's `Integer.MAX`/`Long.MAX` idioms |
//! | `request.timeout.ms`, `linger.ms`, `retry.backoff.ms`, `retry.backoff.max.ms`, `reconnect.backoff.ms`, `reconnect.backoff.max.ms`, `metadata.max.age.ms`, `session.timeout.ms`, `heartbeat.interval.ms`, `max.poll.interval.ms`, `fetch.max.wait.ms` | clamped into librdkafka's range | Java allows up to `Long.MAX` |
//!
//! Any other key is passed on as written when librdkafka knows it; a key it does not know is
//! dropped (and reported), and a value it rejects is a config error naming the key.

use crate::config::ConfigError;

/// What happens to one Java client key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Translation {
    /// Set these librdkafka properties (usually one; `sasl.jaas.config` gives two).
    Set(Vec<(String, String)>),
    /// Leave the key out, for this reason.
    Drop(&'static str),
}

impl Translation {
    fn one(key: &str, value: impl Into<String>) -> Self {
        Self::Set(vec![(key.to_owned(), value.into())])
    }
}

const DROPPED: &[(&str, &str)] = &[
    ("key.serializer", "Sluice's producers always send bytes"),
    ("value.serializer", "Sluice's producers always send bytes"),
    ("key.deserializer", "Sluice's consumers always read bytes"),
    ("value.deserializer", "Sluice's consumers always read bytes"),
    (
        "partitioner.class",
        "a Java partitioner class; use librdkafka's `partitioner`",
    ),
    ("partitioner.ignore.keys", "a Java partitioner setting"),
    (
        "partitioner.adaptive.partitioning.enable",
        "a Java partitioner setting",
    ),
    (
        "partitioner.availability.timeout.ms",
        "a Java partitioner setting",
    ),
    ("interceptor.classes", "Java interceptor classes"),
    ("metric.reporters", "Java metric reporters"),
    ("metrics.num.samples", "Java client metrics"),
    ("metrics.sample.window.ms", "Java client metrics"),
    ("metrics.recording.level", "Java client metrics"),
    ("auto.include.jmx.reporter", "Java client metrics"),
    ("enable.metrics.push", "Java client metrics"),
    ("security.providers", "Java security providers"),
    (
        "max.block.ms",
        "librdkafka's send never blocks; the caller waits out a full queue",
    ),
    ("metadata.max.idle.ms", "no librdkafka equivalent"),
    ("default.api.timeout.ms", "no librdkafka equivalent"),
    (
        "socket.connection.setup.timeout.max.ms",
        "no librdkafka equivalent",
    ),
    ("exclude.internal.topics", "no librdkafka equivalent"),
    (
        "max.poll.records",
        "no librdkafka equivalent; the pipeline sizes its own batches",
    ),
    ("internal.leave.group.on.close", "no librdkafka equivalent"),
    ("ssl.protocol", "a JVM TLS setting"),
    ("ssl.enabled.protocols", "a JVM TLS setting"),
    ("ssl.keymanager.algorithm", "a JVM TLS setting"),
    ("ssl.trustmanager.algorithm", "a JVM TLS setting"),
    ("ssl.secure.random.implementation", "a JVM TLS setting"),
    ("ssl.engine.factory.class", "a JVM TLS setting"),
    ("ssl.client.auth", "a server-side TLS setting"),
    ("sasl.login.callback.handler.class", "a Java class"),
    ("sasl.client.callback.handler.class", "a Java class"),
    ("sasl.login.class", "a Java class"),
];

/// Clamped keys: librdkafka name and its range (Java's range is wider).
const CLAMPED: &[(&str, &str, i64, i64)] = &[
    (
        "delivery.timeout.ms",
        "delivery.timeout.ms",
        0,
        2_147_483_647,
    ),
    (
        "transaction.timeout.ms",
        "transaction.timeout.ms",
        1000,
        2_147_483_647,
    ),
    (
        "connections.max.idle.ms",
        "connections.max.idle.ms",
        0,
        2_147_483_647,
    ),
    (
        "socket.connection.setup.timeout.ms",
        "socket.connection.setup.timeout.ms",
        1000,
        2_147_483_647,
    ),
    ("request.timeout.ms", "request.timeout.ms", 1, 900_000),
    ("linger.ms", "linger.ms", 0, 900_000),
    ("retry.backoff.ms", "retry.backoff.ms", 1, 300_000),
    ("retry.backoff.max.ms", "retry.backoff.max.ms", 1, 300_000),
    ("reconnect.backoff.ms", "reconnect.backoff.ms", 0, 3_600_000),
    (
        "reconnect.backoff.max.ms",
        "reconnect.backoff.max.ms",
        0,
        3_600_000,
    ),
    ("metadata.max.age.ms", "metadata.max.age.ms", 1, 86_400_000),
    ("session.timeout.ms", "session.timeout.ms", 1, 3_600_000),
    (
        "heartbeat.interval.ms",
        "heartbeat.interval.ms",
        1,
        3_600_000,
    ),
    (
        "max.poll.interval.ms",
        "max.poll.interval.ms",
        1,
        86_400_000,
    ),
    ("fetch.max.wait.ms", "fetch.wait.max.ms", 0, 300_000),
    ("max.request.size", "message.max.bytes", 1000, 1_000_000_000),
];

/// Translates one Java client key and its value. Keys not in the table above come back
/// unchanged; the caller checks them against librdkafka.
pub fn translate(key: &str, value: &str) -> Result<Translation, ConfigError> {
    if let Some((_, reason)) = DROPPED.iter().find(|(java, _)| *java == key) {
        return Ok(Translation::Drop(reason));
    }
    if let Some(&(_, rdkafka, min, max)) = CLAMPED.iter().find(|(java, ..)| *java == key) {
        let number = parse_long(key, value)?;
        return Ok(Translation::one(
            rdkafka,
            number.clamp(min, max).to_string(),
        ));
    }
    let value = value.trim();
    Ok(match key {
        "security.protocol" => Translation::one(key, value.to_ascii_lowercase()),
        "sasl.mechanism" => Translation::one("sasl.mechanisms", value),
        "sasl.jaas.config" => jaas(value),
        "buffer.memory" => {
            let kbytes = (parse_long(key, value)? / 1024).clamp(1, 2_147_483_647);
            Translation::one("queue.buffering.max.kbytes", kbytes.to_string())
        }
        "send.buffer.bytes" | "receive.buffer.bytes" => {
            let bytes = parse_long(key, value)?.max(0);
            Translation::one(&format!("socket.{key}"), bytes.to_string())
        }
        "auto.offset.reset" if value.eq_ignore_ascii_case("none") => Translation::one(key, "error"),
        "partition.assignment.strategy" => assignors(value),
        "ssl.endpoint.identification.algorithm" if value.is_empty() => {
            Translation::one(key, "none")
        }
        _ => Translation::one(key, value),
    })
}

fn parse_long(key: &str, value: &str) -> Result<i64, ConfigError> {
    value
        .trim()
        .parse()
        .map_err(|_| ConfigError::invalid(key, value, "Expected value to be a 64-bit integer"))
}

/// Java assignor class names → librdkafka assignor names.
fn assignors(value: &str) -> Translation {
    let names: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|class| !class.is_empty())
        .filter_map(|class| {
            let simple = class.rsplit('.').next().unwrap_or(class);
            match simple {
                "RangeAssignor" | "range" => Some("range"),
                "RoundRobinAssignor" | "roundrobin" => Some("roundrobin"),
                "CooperativeStickyAssignor" | "cooperative-sticky" => Some("cooperative-sticky"),
                _ => None,
            }
        })
        .collect();
    if names.is_empty() {
        Translation::Drop("no assignor librdkafka supports is listed")
    } else {
        Translation::one("partition.assignment.strategy", names.join(","))
    }
}

/// `sasl.jaas.config`: the user name and password of the PLAIN and SCRAM login modules.
fn jaas(value: &str) -> Translation {
    let module = value.split_whitespace().next().unwrap_or("");
    let simple = module.rsplit('.').next().unwrap_or(module);
    if simple != "PlainLoginModule" && simple != "ScramLoginModule" {
        return Translation::Drop(
            "only the PlainLoginModule and ScramLoginModule JAAS configs map to librdkafka",
        );
    }
    let (Some(username), Some(password)) = (
        jaas_option(value, "username"),
        jaas_option(value, "password"),
    ) else {
        return Translation::Drop("the JAAS config has no username and password");
    };
    Translation::Set(vec![
        ("sasl.username".to_owned(), username),
        ("sasl.password".to_owned(), password),
    ])
}

/// The quoted value of `name="…"` in a JAAS config (`\"` and `\\` escapes honoured).
fn jaas_option(config: &str, name: &str) -> Option<String> {
    let mut rest = config;
    loop {
        let at = rest.find(name)?;
        let before_ok = at == 0
            || rest[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
        rest = &rest[at + name.len()..];
        let after = rest.trim_start();
        if before_ok && let Some(quoted) = after.strip_prefix('=') {
            let quoted = quoted.trim_start().strip_prefix('"')?;
            let mut value = String::new();
            let mut chars = quoted.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => return Some(value),
                    '\\' => value.push(chars.next()?),
                    c => value.push(c),
                }
            }
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(key: &str, value: &str) -> Translation {
        Translation::one(key, value)
    }

    #[test]
    fn serializer_classes_are_dropped() {
        for key in ["key.serializer", "value.deserializer", "max.block.ms"] {
            assert!(
                matches!(translate(key, "x"), Ok(Translation::Drop(_))),
                "{key}"
            );
        }
    }

    #[test]
    fn connect_infinite_timeouts_fit_librdkafka() {
        assert_eq!(
            translate("delivery.timeout.ms", "2147483647"),
            Ok(set("delivery.timeout.ms", "2147483647"))
        );
        assert_eq!(
            translate("request.timeout.ms", "9223372036854775807"),
            Ok(set("request.timeout.ms", "900000"))
        );
        assert_eq!(
            translate("fetch.max.wait.ms", "500"),
            Ok(set("fetch.wait.max.ms", "500"))
        );
        assert_eq!(
            translate("linger.ms", "soon").map_err(|e| e.key().map(str::to_owned)),
            Err(Some("linger.ms".to_owned()))
        );
    }

    #[test]
    fn renamed_and_rescaled_keys() {
        assert_eq!(
            translate("buffer.memory", "33554432"),
            Ok(set("queue.buffering.max.kbytes", "32768"))
        );
        assert_eq!(
            translate("max.request.size", "1048576"),
            Ok(set("message.max.bytes", "1048576"))
        );
        assert_eq!(
            translate("send.buffer.bytes", "-1"),
            Ok(set("socket.send.buffer.bytes", "0"))
        );
        assert_eq!(
            translate("sasl.mechanism", "SCRAM-SHA-512"),
            Ok(set("sasl.mechanisms", "SCRAM-SHA-512"))
        );
        assert_eq!(
            translate("security.protocol", "SASL_SSL"),
            Ok(set("security.protocol", "sasl_ssl"))
        );
        assert_eq!(
            translate("auto.offset.reset", "none"),
            Ok(set("auto.offset.reset", "error"))
        );
        assert_eq!(
            translate("acks", "all"),
            Ok(set("acks", "all")),
            "known keys pass unchanged"
        );
    }

    #[test]
    fn assignor_classes_become_librdkafka_names() {
        assert_eq!(
            translate(
                "partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            ),
            Ok(set(
                "partition.assignment.strategy",
                "range,cooperative-sticky"
            ))
        );
        assert!(matches!(
            translate(
                "partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.StickyAssignor"
            ),
            Ok(Translation::Drop(_))
        ));
    }

    #[test]
    fn plain_jaas_config_gives_username_and_password() {
        let jaas = r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3\"cret";"#;
        assert_eq!(
            translate("sasl.jaas.config", jaas),
            Ok(Translation::Set(vec![
                ("sasl.username".to_owned(), "alice".to_owned()),
                ("sasl.password".to_owned(), "s3\"cret".to_owned()),
            ]))
        );
        let oauth = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;";
        assert!(matches!(
            translate("sasl.jaas.config", oauth),
            Ok(Translation::Drop(_))
        ));
    }
}
