//! `org.apache.kafka.connect.transforms.predicates.RecordIsTombstone`: true for a null value.

use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::record::Record;

use super::Predicate;

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone";

/// Matches tombstones: records whose value is null.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordIsTombstone;

/// `RecordIsTombstone` has no keys.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
}

/// Builds a `RecordIsTombstone`.
pub fn build(raw: &RawConfig) -> Result<Box<dyn Predicate>, ConfigError> {
    config_def().parse(raw)?;
    Ok(Box::new(RecordIsTombstone))
}

impl Predicate for RecordIsTombstone {
    fn test(&self, record: &Record) -> bool {
        record.value.is_null()
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Value;

    use super::*;

    #[test]
    fn true_only_for_a_null_value() {
        let predicate = build(&RawConfig::new()).expect("no keys");
        let tombstone = Record::sink("t", 0, 0).with_key(None, Value::from("k"));
        assert!(predicate.test(&tombstone));
        let live = tombstone.with_value(None, Value::Int8(1));
        assert!(!predicate.test(&live));
    }
}
