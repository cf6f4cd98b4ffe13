//! `org.apache.kafka.connect.transforms.TimestampRouter`: rewrites the topic from a template
//! holding the original topic and the record timestamp, e.g. `orders-20240305`.

use sluice_codecs::Str;

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::date_format::DateFormat;
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.TimestampRouter";
const TOPIC_FORMAT: &str = "topic.format";
const TIMESTAMP_FORMAT: &str = "timestamp.format";

/// Routes each record to `topic.format` with `${topic}` and `${timestamp}` filled in.
#[derive(Debug, Clone)]
pub struct TimestampRouter {
    topic_format: String,
    timestamp_format: DateFormat,
}

/// A `SimpleDateFormat` pattern Sluice can translate, as a config validator.
pub(crate) fn valid_date_format() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::String(pattern) => DateFormat::new(pattern)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        _ => Ok(()),
    })
}

/// The keys of `TimestampRouter`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(TOPIC_FORMAT, ConfigType::String)
                .default_value("${topic}-${timestamp}")
                .importance(Importance::High)
                .doc("Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively."),
        )
        .define(
            ConfigKey::new(TIMESTAMP_FORMAT, ConfigType::String)
                .default_value("yyyyMMdd")
                .validator(valid_date_format())
                .importance(Importance::High)
                .doc("Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>."),
        )
}

/// Builds a `TimestampRouter`.
pub fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    let pattern = config.string(TIMESTAMP_FORMAT).unwrap_or_default();
    let timestamp_format = DateFormat::new(pattern)
        .map_err(|error| ConfigError::invalid(TIMESTAMP_FORMAT, pattern, error.to_string()))?;
    Ok(Box::new(TimestampRouter {
        topic_format: config.string(TOPIC_FORMAT).unwrap_or_default().to_owned(),
        timestamp_format,
    }))
}

impl Transform for TimestampRouter {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let timestamp = record.timestamp.ok_or_else(|| {
            TransformError::data(format!(
                "Timestamp missing on record: topic {}",
                record.topic
            ))
        })?;
        let formatted = self
            .timestamp_format
            .format_millis(timestamp)
            .map_err(|error| TransformError::data(error.to_string()))?;
        // Same order as Kafka: `${topic}` first, then `${timestamp}` in the result.
        let topic = self
            .topic_format
            .replace("${topic}", &record.topic)
            .replace("${timestamp}", &formatted);
        record.topic = Str::from(topic);
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::test_support::raw;

    // 2024-03-05T07:08:09.012Z
    const MILLIS: i64 = 1_709_622_489_012;

    fn routed(pairs: &[(&str, &str)], timestamp: Option<i64>) -> Result<String, TransformError> {
        let transform = build(&raw(pairs), None).expect("valid config");
        let mut record = Record::sink("orders", 0, 0).with_timestamp(timestamp);
        transform.apply(&mut record)?;
        Ok(record.topic.to_string())
    }

    #[test]
    fn defaults_append_the_utc_day() {
        assert_eq!(routed(&[], Some(MILLIS)), Ok("orders-20240305".into()));
    }

    #[test]
    fn custom_topic_and_timestamp_formats() {
        let pairs = [
            (TOPIC_FORMAT, "${timestamp}/${topic}"),
            (TIMESTAMP_FORMAT, "yyyy-MM-dd'T'HH"),
        ];
        assert_eq!(
            routed(&pairs, Some(MILLIS)),
            Ok("2024-03-05T07/orders".into())
        );
    }

    #[test]
    fn missing_timestamp_is_an_error() {
        let error = routed(&[], None).expect_err("no timestamp");
        assert_eq!(
            error.to_string(),
            "Timestamp missing on record: topic orders"
        );
    }

    #[test]
    fn bad_timestamp_format_names_the_key() {
        let error = build(&raw(&[(TIMESTAMP_FORMAT, "yyyy-bb")]), None)
            .err()
            .expect("bad pattern");
        assert_eq!(
            error.to_string(),
            "Invalid value yyyy-bb for configuration timestamp.format: Illegal pattern character 'b'"
        );
    }
}
