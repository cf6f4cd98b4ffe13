//! `org.apache.kafka.connect.transforms.predicates.HasHeaderKey`: true when a header with the
//! given key exists.

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::record::Record;

use super::Predicate;

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.predicates.HasHeaderKey";
const NAME: &str = "name";

/// Matches records with at least one header called `name`.
#[derive(Debug, Clone)]
pub struct HasHeaderKey {
    name: String,
}

/// The keys of `HasHeaderKey`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(NAME, ConfigType::String)
            .validator(Validator::NonEmptyString)
            .importance(Importance::Medium)
            .doc("The header name."),
    )
}

/// Builds a `HasHeaderKey`.
pub fn build(raw: &RawConfig) -> Result<Box<dyn Predicate>, ConfigError> {
    let config = config_def().parse(raw)?;
    Ok(Box::new(HasHeaderKey {
        name: config.string(NAME).unwrap_or_default().to_owned(),
    }))
}

impl Predicate for HasHeaderKey {
    fn test(&self, record: &Record) -> bool {
        record.headers.all_with_name(&self.name).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Value;

    use super::*;

    fn raw(name: &str) -> RawConfig {
        [(NAME.to_owned(), name.to_owned())].into_iter().collect()
    }

    #[test]
    fn true_when_any_header_has_the_key() {
        let predicate = build(&raw("trace")).expect("valid");
        let mut record = Record::sink("t", 0, 0);
        assert!(!predicate.test(&record));
        record.headers.add("other", None, Value::Null);
        assert!(!predicate.test(&record));
        record.headers.add("trace", None, Value::Null);
        assert!(predicate.test(&record));
    }

    #[test]
    fn name_must_be_given_and_non_empty() {
        let error = build(&raw("")).err().expect("empty");
        assert_eq!(
            error.to_string(),
            "Invalid value  for configuration name: String may not be empty"
        );
        assert_eq!(
            build(&RawConfig::new()).err(),
            Some(ConfigError::Missing { key: NAME.into() })
        );
    }
}
