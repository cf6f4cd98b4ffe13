//! `org.apache.kafka.connect.transforms.InsertHeader`: adds a header whose value is a literal
//! parsed with Connect's `Values.parseString` rules.

use sluice_codecs::{SchemaRef, Str, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};
use crate::values::parse_string;

use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.InsertHeader";
const HEADER: &str = "header";
const VALUE_LITERAL: &str = "value.literal";

/// Adds one header with a fixed, typed value to every record.
#[derive(Debug, Clone)]
pub struct InsertHeader {
    header: Str,
    schema: Option<SchemaRef>,
    value: Value,
}

/// The keys of `InsertHeader`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(HEADER, ConfigType::String)
                .importance(Importance::High)
                .doc("The name of the header."),
        )
        .define(
            ConfigKey::new(VALUE_LITERAL, ConfigType::String)
                .importance(Importance::High)
                .doc("The literal value that is to be set as the header value on all records."),
        )
}

/// Builds an `InsertHeader`; the literal is parsed once, here.
pub fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    let header = config.string(HEADER).unwrap_or_default();
    let (schema, value) = parse_string(config.string(VALUE_LITERAL).unwrap_or_default());
    Ok(Box::new(InsertHeader {
        header: Str::from(header),
        schema,
        value,
    }))
}

impl Transform for InsertHeader {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        record
            .headers
            .add(self.header.clone(), self.schema.clone(), self.value.clone());
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::{Schema, SchemaType};

    use super::*;
    use crate::transforms::test_support::raw;

    fn inserted(literal: &str) -> (Option<SchemaType>, Value) {
        let transform =
            build(&raw(&[(HEADER, "h"), (VALUE_LITERAL, literal)]), None).expect("valid config");
        let mut record = Record::sink("t", 0, 0);
        record.headers.add("h", None, Value::from("earlier"));
        assert_eq!(transform.apply(&mut record), Ok(Outcome::Keep));
        assert_eq!(
            record.headers.len(),
            2,
            "headers are appended, not replaced"
        );
        let header = record.headers.last_with_name("h").expect("added");
        (
            header.schema.as_ref().map(|s| s.schema_type()),
            header.value.clone(),
        )
    }

    #[test]
    fn literals_are_typed_as_values_parse_string_does() {
        assert_eq!(inserted("42"), (Some(SchemaType::Int8), Value::Int8(42)));
        assert_eq!(
            inserted("true"),
            (Some(SchemaType::Boolean), Value::Boolean(true))
        );
        assert_eq!(
            inserted("hello"),
            (Some(SchemaType::String), Value::from("hello"))
        );
        assert_eq!(
            inserted("[1,2]"),
            (
                Some(SchemaType::Array),
                Value::Array(vec![Value::Int8(1), Value::Int8(2)])
            )
        );
    }

    #[test]
    fn date_literal_gets_the_date_schema() {
        let transform = build(&raw(&[(HEADER, "d"), (VALUE_LITERAL, "2024-03-05")]), None)
            .expect("valid config");
        let mut record = Record::sink("t", 0, 0);
        transform.apply(&mut record).expect("applies");
        let header = record.headers.last_with_name("d").expect("added");
        assert_eq!(header.schema, Some(Schema::date().into_ref()));
        assert_eq!(header.value, Value::Date(19_787));
    }

    #[test]
    fn both_keys_are_required() {
        let error = build(&raw(&[(VALUE_LITERAL, "1")]), None)
            .err()
            .expect("no header");
        assert_eq!(error.key(), Some(HEADER));
        let error = build(&raw(&[(HEADER, "h")]), None)
            .err()
            .expect("no literal");
        assert_eq!(error.key(), Some(VALUE_LITERAL));
    }
}
