//! `org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`: wraps the whole key or value
//! in a single-field struct (with a schema) or map (schemaless).

use sluice_codecs::{Schema, SchemaRef, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.HoistField";
const FIELD: &str = "field";

/// HoistField's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(FIELD, ConfigType::String)
            .importance(Importance::Medium)
            .doc(
                "Field name for the single field that will be created in the resulting Struct \
                 or Map.",
            ),
    )
}

/// Builds `HoistField$Key` or `HoistField$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    Ok(Box::new(HoistField {
        part,
        field: config.string(FIELD).unwrap_or_default().to_owned(),
        cache: SchemaCache::new(),
    }))
}

/// `org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`: the key or value becomes
/// the only field of a new struct or map. Null is wrapped too.
pub struct HoistField {
    part: RecordPart,
    field: String,
    cache: SchemaCache<SchemaRef>,
}

impl Transform for HoistField {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        let (schema, value) = match schema {
            None => {
                let wrapped = vec![(Value::string(self.field.as_str()), value.clone())];
                (None, Value::Map(wrapped))
            }
            Some(schema) => {
                let updated = self.cache.get_or_try_insert(schema, |_| {
                    let field = vec![(self.field.clone(), SchemaRef::clone(schema))];
                    util::struct_type(field).map(|ty| Schema::new(ty).into_ref())
                })?;
                let wrapped = util::build_struct(SchemaRef::clone(&updated), vec![value.clone()])?;
                (Some(updated), Value::Struct(wrapped))
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn hoist(part: RecordPart) -> Box<dyn Transform> {
        build(&raw(&[("field", "magic")]), Some(part)).expect("valid HoistField config")
    }

    #[test]
    fn with_schema_the_value_becomes_a_single_field_struct() {
        let transform = hoist(RecordPart::Key);
        let mut record = sink_record().with_key(Some(Schema::int32().into_ref()), Value::Int32(42));
        transform.apply(&mut record).expect("hoists");
        let expected = Schema::structure([("magic", Schema::int32().into_ref())]).into_ref();
        assert_eq!(record.key_schema.as_ref(), Some(&expected));
        let Value::Struct(key) = &record.key else {
            panic!("a struct")
        };
        assert_eq!(key.values(), [Value::Int32(42)]);
    }

    #[test]
    fn schemaless_values_and_nulls_are_wrapped_in_a_map() {
        let transform = hoist(RecordPart::Value);
        let mut record = sink_record().with_value(None, Value::Int32(42));
        transform.apply(&mut record).expect("hoists");
        assert_eq!(
            record.value,
            Value::Map(vec![(Value::from("magic"), Value::Int32(42))])
        );
        let mut record = sink_record();
        transform.apply(&mut record).expect("hoists null");
        assert_eq!(
            record.value,
            Value::Map(vec![(Value::from("magic"), Value::Null)])
        );
    }

    #[test]
    fn a_null_for_a_required_schema_is_invalid() {
        let transform = hoist(RecordPart::Value);
        let mut record = sink_record().with_value(Some(Schema::int32().into_ref()), Value::Null);
        let error = transform.apply(&mut record).expect_err("required");
        assert!(matches!(error, TransformError::Schema(_)), "{error}");
    }

    #[test]
    fn field_is_required() {
        let error = build(&raw(&[]), Some(RecordPart::Value))
            .err()
            .expect("missing field");
        assert_eq!(error.key(), Some("field"));
    }
}
