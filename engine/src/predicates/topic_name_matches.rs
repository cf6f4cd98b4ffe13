//! `org.apache.kafka.connect.transforms.predicates.TopicNameMatches`: true when the whole topic
//! name matches a regex.

use regex::Regex;

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::record::Record;
use crate::transforms::util::{valid_regex, whole_match_regex};

use super::Predicate;

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches";
const PATTERN: &str = "pattern";

/// Matches records whose topic matches `pattern` in full.
#[derive(Debug, Clone)]
pub struct TopicNameMatches {
    whole: Regex,
}

/// The keys of `TopicNameMatches`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(PATTERN, ConfigType::String)
            .validator(Validator::custom(|value| {
                Validator::NonEmptyString.check(value)?;
                valid_regex().check(value)
            }))
            .importance(Importance::Medium)
            .doc("A Java regular expression for matching against the name of a record's topic."),
    )
}

/// Builds a `TopicNameMatches`.
pub fn build(raw: &RawConfig) -> Result<Box<dyn Predicate>, ConfigError> {
    let config = config_def().parse(raw)?;
    let whole = whole_match_regex(PATTERN, config.string(PATTERN).unwrap_or_default())?;
    Ok(Box::new(TopicNameMatches { whole }))
}

impl Predicate for TopicNameMatches {
    fn test(&self, record: &Record) -> bool {
        self.whole.is_match(&record.topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, topic: &str) -> bool {
        let raw = [(PATTERN.to_owned(), pattern.to_owned())]
            .into_iter()
            .collect();
        build(&raw)
            .expect("valid pattern")
            .test(&Record::sink(topic, 0, 0))
    }

    #[test]
    fn only_whole_names_match() {
        assert!(matches("orders-.*", "orders-eu"));
        assert!(!matches("orders", "orders-eu"));
        assert!(!matches("eu", "orders-eu"));
        assert!(matches("a|ab", "ab"));
    }

    #[test]
    fn invalid_or_empty_pattern_is_rejected_naming_pattern() {
        for pattern in ["(unclosed", ""] {
            let raw = [(PATTERN.to_owned(), pattern.to_owned())]
                .into_iter()
                .collect();
            let error = build(&raw).err().expect("rejected");
            assert_eq!(error.key(), Some(PATTERN), "{pattern:?}");
        }
        let error = build(&RawConfig::new()).err().expect("required");
        assert_eq!(
            error,
            ConfigError::Missing {
                key: PATTERN.into()
            }
        );
    }
}
