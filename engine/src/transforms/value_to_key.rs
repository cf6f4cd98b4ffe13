//! `org.apache.kafka.connect.transforms.ValueToKey`: replaces the key with a struct (with a
//! schema) or map (schemaless) of fields copied from the value.

use std::sync::Arc;

use sluice_codecs::{Schema, SchemaRef, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.ValueToKey";
const FIELDS: &str = "fields";
const PURPOSE: &str = "copying fields from value to key";

/// ValueToKey's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELDS, ConfigType::List)
                .validator(util::non_empty_list())
                .importance(Importance::High)
                .doc("Field names on the record value to extract as the record key."),
        )
        .define(util::replace_null_with_default_key())
}

/// Builds `ValueToKey` from its settings; it always reads the value and writes the key.
pub(crate) fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    Ok(Box::new(ValueToKey {
        fields: config.list(FIELDS).to_vec(),
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    }))
}

/// The key schema derived from a value schema, and the value field index of each key field.
#[derive(Clone)]
struct Derived {
    schema: SchemaRef,
    sources: Arc<[usize]>,
}

/// `org.apache.kafka.connect.transforms.ValueToKey`: the new key holds the listed value fields.
/// A null value is an error.
pub struct ValueToKey {
    fields: Vec<String>,
    replace_null_with_default: bool,
    cache: SchemaCache<Derived>,
}

impl Transform for ValueToKey {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, key) = match &record.value_schema {
            None => {
                let entries = util::require_map(&record.value, PURPOSE)?;
                let mut key = Vec::with_capacity(self.fields.len());
                for name in &self.fields {
                    let value = util::map_get(entries, name).cloned().unwrap_or(Value::Null);
                    util::map_put(&mut key, name, value);
                }
                (None, Value::Map(key))
            }
            Some(schema) => {
                let value = util::require_struct(&record.value, PURPOSE)?;
                let derived = self
                    .cache
                    .get_or_try_insert(schema, |schema| self.derive(schema))?;
                let fields = value.schema().fields();
                let mut values = Vec::with_capacity(derived.sources.len());
                for source in derived.sources.iter() {
                    values.push(match fields.get(*source) {
                        Some(field) => {
                            util::field_value(value, field, self.replace_null_with_default).clone()
                        }
                        None => Value::Null,
                    });
                }
                let key = util::build_struct(SchemaRef::clone(&derived.schema), values)?;
                (Some(derived.schema), Value::Struct(key))
            }
        };
        record.key_schema = schema;
        record.key = key;
        Ok(Outcome::Keep)
    }
}

impl ValueToKey {
    /// The key schema for a value schema, called once per value schema.
    fn derive(&self, schema: &Schema) -> Result<Derived, TransformError> {
        let mut fields = Vec::with_capacity(self.fields.len());
        let mut sources = Vec::with_capacity(self.fields.len());
        for name in &self.fields {
            let field = schema
                .field(name)
                .ok_or_else(|| TransformError::data(format!("Field does not exist: {name}")))?;
            fields.push((name.clone(), SchemaRef::clone(&field.schema)));
            sources.push(field.index);
        }
        Ok(Derived {
            schema: Schema::new(util::struct_type(fields)?).into_ref(),
            sources: sources.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Struct;

    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn value_to_key(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
        build(&raw(pairs), None).expect("valid ValueToKey config")
    }

    fn schema() -> SchemaRef {
        Schema::structure([
            ("a", Schema::int32().into_ref()),
            ("b", Schema::string().into_ref()),
            (
                "c",
                Schema::int64()
                    .optional()
                    .with_default(Value::Int64(8))
                    .into_ref(),
            ),
        ])
        .into_ref()
    }

    fn value() -> Value {
        let values = vec![Value::Int32(1), Value::from("bee"), Value::Null];
        Value::Struct(Struct::from_values(schema(), values).expect("three fields"))
    }

    #[test]
    fn with_schema_the_key_is_a_struct_of_the_fields() {
        let transform = value_to_key(&[("fields", "c,a")]);
        let mut record = sink_record().with_value(Some(schema()), value());
        transform.apply(&mut record).expect("copies");
        let expected = Schema::structure([
            (
                "c",
                Schema::int64()
                    .optional()
                    .with_default(Value::Int64(8))
                    .into_ref(),
            ),
            ("a", Schema::int32().into_ref()),
        ])
        .into_ref();
        assert_eq!(record.key_schema, Some(expected));
        let Value::Struct(key) = &record.key else {
            panic!("a struct")
        };
        assert_eq!(key.values(), [Value::Int64(8), Value::Int32(1)]);
        assert_eq!(record.value, value());
    }

    #[test]
    fn null_fields_stay_null_when_told_to() {
        let transform = value_to_key(&[("fields", "c"), ("replace.null.with.default", "false")]);
        let mut record = sink_record().with_value(Some(schema()), value());
        transform.apply(&mut record).expect("copies");
        let Value::Struct(key) = &record.key else {
            panic!("a struct")
        };
        assert_eq!(key.values(), [Value::Null]);
    }

    #[test]
    fn schemaless_the_key_is_a_map_with_nulls_for_missing_fields() {
        let transform = value_to_key(&[("fields", "a,z")]);
        let map = Value::Map(vec![(Value::from("a"), Value::Int8(1))]);
        let mut record = sink_record().with_value(None, map);
        transform.apply(&mut record).expect("copies");
        assert_eq!(record.key_schema, None);
        assert_eq!(
            record.key,
            Value::Map(vec![
                (Value::from("a"), Value::Int8(1)),
                (Value::from("z"), Value::Null),
            ])
        );
    }

    #[test]
    fn missing_fields_and_null_values_are_errors() {
        let transform = value_to_key(&[("fields", "nope")]);
        let mut record = sink_record().with_value(Some(schema()), value());
        let error = transform.apply(&mut record).expect_err("no such field");
        assert_eq!(error.to_string(), "Field does not exist: nope");
        let mut record = sink_record();
        let error = transform.apply(&mut record).expect_err("null value");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [copying fields from value to \
             key], found: null"
        );
    }

    #[test]
    fn fields_must_be_listed() {
        for pairs in [vec![], vec![("fields", "")]] {
            let error = build(&raw(&pairs), None).err().expect("no fields");
            assert_eq!(error.key(), Some("fields"));
        }
    }
}
