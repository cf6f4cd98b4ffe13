//! Subject naming strategies: which registry subject a record's schema is registered under.

use crate::config::ConfigError;

/// `key.subject.name.strategy` / `value.subject.name.strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `io.confluent.kafka.serializers.subject.TopicNameStrategy`: `<topic>-key` / `<topic>-value`.
    #[default]
    TopicName,
    /// `io.confluent.kafka.serializers.subject.RecordNameStrategy`: the record's full name.
    RecordName,
    /// `io.confluent.kafka.serializers.subject.TopicRecordNameStrategy`: `<topic>-<record name>`.
    TopicRecordName,
}

impl SubjectNameStrategy {
    /// The strategy for a class name or simple name given under `key`.
    pub fn parse(key: &str, class: &str) -> Result<Self, ConfigError> {
        match class.trim().rsplit('.').next().unwrap_or_default() {
            "TopicNameStrategy" => Ok(Self::TopicName),
            "RecordNameStrategy" => Ok(Self::RecordName),
            "TopicRecordNameStrategy" => Ok(Self::TopicRecordName),
            _ => Err(ConfigError::invalid(
                key,
                class,
                "unknown subject name strategy",
            )),
        }
    }

    /// The subject for a record of `topic`; `record_name` is the schema's full name, required
    /// by the record-name strategies.
    pub fn subject(
        self,
        topic: &str,
        is_key: bool,
        record_name: Option<&str>,
    ) -> Result<String, String> {
        let record_name = || {
            record_name
                .ok_or_else(|| format!("{self:?} needs a named schema, but the schema has no name"))
        };
        Ok(match self {
            Self::TopicName => format!("{topic}-{}", if is_key { "key" } else { "value" }),
            Self::RecordName => record_name()?.to_owned(),
            Self::TopicRecordName => format!("{topic}-{}", record_name()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_follow_confluents_strategies() {
        assert_eq!(
            SubjectNameStrategy::TopicName.subject("orders", false, None),
            Ok("orders-value".into())
        );
        assert_eq!(
            SubjectNameStrategy::TopicName.subject("orders", true, None),
            Ok("orders-key".into())
        );
        assert_eq!(
            SubjectNameStrategy::RecordName.subject("orders", false, Some("com.x.Order")),
            Ok("com.x.Order".into())
        );
        assert_eq!(
            SubjectNameStrategy::TopicRecordName.subject("orders", false, Some("com.x.Order")),
            Ok("orders-com.x.Order".into())
        );
        assert!(
            SubjectNameStrategy::RecordName
                .subject("orders", false, None)
                .is_err()
        );
    }

    #[test]
    fn class_names_parse() {
        let parsed = SubjectNameStrategy::parse(
            "k",
            "io.confluent.kafka.serializers.subject.RecordNameStrategy",
        );
        assert_eq!(parsed, Ok(SubjectNameStrategy::RecordName));
        assert!(SubjectNameStrategy::parse("value.subject.name.strategy", "Nope").is_err());
    }
}
