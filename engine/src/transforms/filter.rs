//! `org.apache.kafka.connect.transforms.Filter`: drops every record it sees; used with a
//! predicate to drop only some.

use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::record::{Record, RecordPart};

use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.Filter";

/// Drops the record.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter;

/// `Filter` has no keys.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
}

/// Builds a `Filter`.
pub fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    config_def().parse(raw)?;
    Ok(Box::new(Filter))
}

impl Transform for Filter {
    fn apply(&self, _record: &mut Record) -> Result<Outcome, TransformError> {
        Ok(Outcome::Drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_is_dropped() {
        let transform = build(&RawConfig::new(), None).expect("no keys needed");
        let mut record = Record::sink("t", 0, 0);
        assert_eq!(transform.apply(&mut record), Ok(Outcome::Drop));
    }
}
