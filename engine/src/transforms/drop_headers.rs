//! `org.apache.kafka.connect.transforms.DropHeaders`: removes the headers with the listed keys.

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};

use super::util::non_empty_list;
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.DropHeaders";
const HEADERS: &str = "headers";

/// Removes every header whose key is in `headers`.
#[derive(Debug, Clone)]
pub struct DropHeaders {
    headers: Vec<String>,
}

/// The keys of `DropHeaders`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(HEADERS, ConfigType::List)
            .validator(non_empty_list())
            .importance(Importance::High)
            .doc("The name of the headers to be removed."),
    )
}

/// Builds a `DropHeaders` from its settings.
pub fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    Ok(Box::new(DropHeaders {
        headers: config.list(HEADERS).to_vec(),
    }))
}

impl Transform for DropHeaders {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let drops = |key: &str| self.headers.iter().any(|name| name == key);
        if record.headers.iter().any(|header| drops(&header.key)) {
            record
                .headers
                .apply(|header| (!drops(&header.key)).then_some(header));
        }
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Value;

    use super::*;
    use crate::transforms::test_support::raw;

    #[test]
    fn removes_every_header_with_a_listed_key() {
        let transform = build(&raw(&[(HEADERS, "a, c")]), None).expect("valid config");
        let mut record = Record::sink("t", 0, 0);
        record
            .headers
            .add("a", None, Value::Int8(1))
            .add("b", None, Value::Int8(2))
            .add("a", None, Value::Int8(3))
            .add("c", None, Value::Int8(4));
        assert_eq!(transform.apply(&mut record), Ok(Outcome::Keep));
        let keys: Vec<_> = record.headers.iter().map(|h| h.key.to_string()).collect();
        assert_eq!(keys, ["b"]);
    }

    #[test]
    fn records_without_those_headers_are_unchanged() {
        let transform = build(&raw(&[(HEADERS, "x")]), None).expect("valid config");
        let mut record = Record::sink("t", 0, 0);
        record.headers.add("a", None, Value::Null);
        let before = record.clone();
        transform.apply(&mut record).expect("applies");
        assert_eq!(record, before);
    }

    #[test]
    fn headers_is_required_and_non_empty() {
        let error = build(&raw(&[]), None).err().expect("missing");
        assert_eq!(
            error,
            ConfigError::Missing {
                key: HEADERS.into()
            }
        );
        let error = build(&raw(&[(HEADERS, "")]), None).err().expect("empty");
        assert_eq!(
            error.to_string(),
            "Invalid value  for configuration headers: Empty list"
        );
    }
}
