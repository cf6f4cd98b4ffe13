//! [`ErrorHandlingConfig`]: the `errors.*` connector keys.

use std::time::Duration;

use crate::config::{
    Config, ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};

/// `errors.tolerance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tolerance {
    /// `none`: the first failure fails the task.
    #[default]
    None,
    /// `all`: failures are skipped (and reported).
    All,
}

/// The `errors.*` settings of a connector.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorHandlingConfig {
    /// `errors.retry.timeout`: total retry time; `None` means retry forever (`-1`).
    pub retry_timeout: Option<Duration>,
    /// `errors.retry.delay.max.ms`: the longest wait between attempts.
    pub retry_delay_max: Duration,
    /// `errors.tolerance`.
    pub tolerance: Tolerance,
    /// `errors.log.enable`.
    pub log_enable: bool,
    /// `errors.log.include.messages`.
    pub log_include_messages: bool,
    /// `errors.deadletterqueue.topic.name`; `None` when empty (no DLQ).
    pub dlq_topic: Option<String>,
    /// `errors.deadletterqueue.topic.replication.factor`.
    pub dlq_replication_factor: i16,
    /// `errors.deadletterqueue.context.headers.enable`.
    pub dlq_context_headers: bool,
}

impl Default for ErrorHandlingConfig {
    fn default() -> Self {
        Self {
            retry_timeout: Some(Duration::ZERO),
            retry_delay_max: Duration::from_millis(60_000),
            tolerance: Tolerance::None,
            log_enable: false,
            log_include_messages: false,
            dlq_topic: None,
            dlq_replication_factor: 3,
            dlq_context_headers: false,
        }
    }
}

const GROUP: &str = "Error Handling";

impl ErrorHandlingConfig {
    /// The `errors.*` keys with Kafka's types, defaults and documentation.
    pub fn config_def() -> ConfigDef {
        let key = |name: &str, ty, order| {
            ConfigKey::new(name, ty)
                .group(GROUP, order)
                .importance(Importance::Medium)
        };
        ConfigDef::new()
            .define(key("errors.retry.timeout", ConfigType::Long, 1).default_value("0").validator(Validator::at_least(-1)).doc(
                "The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.",
            ))
            .define(key("errors.retry.delay.max.ms", ConfigType::Long, 2).default_value("60000").validator(Validator::at_least(1)).doc(
                "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.",
            ))
            .define(key("errors.tolerance", ConfigType::String, 3).default_value("none").validator(Validator::OneOfIgnoreCase(vec!["none", "all"])).doc(
                "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
            ))
            .define(key("errors.log.enable", ConfigType::Boolean, 4).default_value("false").doc(
                "If true, write each error and the details of the failed operation and problematic record to the Connect application log.",
            ))
            .define(key("errors.log.include.messages", ConfigType::Boolean, 5).default_value("false").doc(
                "Whether to include in the log the Connect record that resulted in a failure.",
            ))
    }

    /// The sink-only dead letter queue keys.
    pub fn dlq_config_def() -> ConfigDef {
        let key = |name: &str, ty, order| {
            ConfigKey::new(name, ty)
                .group(GROUP, order)
                .importance(Importance::Medium)
        };
        ConfigDef::new()
            .define(key("errors.deadletterqueue.topic.name", ConfigType::String, 6).default_value("").doc(
                "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.",
            ))
            .define(key("errors.deadletterqueue.topic.replication.factor", ConfigType::Short, 7).default_value("3").doc(
                "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
            ))
            .define(key("errors.deadletterqueue.context.headers.enable", ConfigType::Boolean, 8).default_value("false").doc(
                "If true, add headers containing error context to the messages written to the dead letter queue.",
            ))
    }

    /// Reads the `errors.*` keys of a connector config. The DLQ keys are read for sources too:
    /// Sluice routes source-side converter and transform failures to a DLQ as well.
    pub fn from_connector_config(raw: &RawConfig) -> Result<Self, ConfigError> {
        let config = Self::config_def().parse(raw)?;
        let dlq = Self::dlq_config_def().parse(raw)?;
        Ok(Self::from_parsed(&config, &dlq))
    }

    fn from_parsed(config: &Config, dlq: &Config) -> Self {
        let defaults = Self::default();
        let millis = |key| {
            config
                .long(key)
                .map(|ms| Duration::from_millis(ms.max(0) as u64))
        };
        Self {
            retry_timeout: match config.long("errors.retry.timeout") {
                Some(-1) => None,
                _ => millis("errors.retry.timeout"),
            },
            retry_delay_max: millis("errors.retry.delay.max.ms")
                .unwrap_or(defaults.retry_delay_max),
            tolerance: match config.string("errors.tolerance") {
                Some(text) if text.eq_ignore_ascii_case("all") => Tolerance::All,
                _ => Tolerance::None,
            },
            log_enable: config.boolean("errors.log.enable").unwrap_or(false),
            log_include_messages: config
                .boolean("errors.log.include.messages")
                .unwrap_or(false),
            dlq_topic: dlq
                .string("errors.deadletterqueue.topic.name")
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            dlq_replication_factor: dlq
                .int("errors.deadletterqueue.topic.replication.factor")
                .and_then(|rf| i16::try_from(rf).ok())
                .unwrap_or(defaults.dlq_replication_factor),
            dlq_context_headers: dlq
                .boolean("errors.deadletterqueue.context.headers.enable")
                .unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    #[test]
    fn defaults_match_kafka() {
        assert_eq!(
            ErrorHandlingConfig::from_connector_config(&raw(&[])),
            Ok(ErrorHandlingConfig::default())
        );
    }

    #[test]
    fn keys_are_read() {
        let config = ErrorHandlingConfig::from_connector_config(&raw(&[
            ("errors.retry.timeout", "-1"),
            ("errors.tolerance", "ALL"),
            ("errors.log.enable", "true"),
            ("errors.deadletterqueue.topic.name", "dlq"),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"),
        ]))
        .expect("valid config");
        assert_eq!(config.retry_timeout, None);
        assert_eq!(config.tolerance, Tolerance::All);
        assert!(config.log_enable);
        assert_eq!(config.dlq_topic.as_deref(), Some("dlq"));
        assert_eq!(config.dlq_replication_factor, 1);
        assert!(config.dlq_context_headers);
    }

    #[test]
    fn bad_tolerance_names_the_key() {
        let error =
            ErrorHandlingConfig::from_connector_config(&raw(&[("errors.tolerance", "some")]))
                .expect_err("invalid tolerance");
        assert_eq!(error.key(), Some("errors.tolerance"));
    }
}
