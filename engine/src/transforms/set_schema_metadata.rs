//! `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`: sets the name and/or
//! version of the key or value schema.

use sluice_codecs::{Schema, SchemaRef, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.SetSchemaMetadata";
const SCHEMA_NAME: &str = "schema.name";
const SCHEMA_VERSION: &str = "schema.version";
const PURPOSE: &str = "updating schema metadata";

/// SetSchemaMetadata's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(SCHEMA_NAME, ConfigType::String)
                .default_null()
                .importance(Importance::High)
                .doc("Schema name to set."),
        )
        .define(
            ConfigKey::new(SCHEMA_VERSION, ConfigType::Int)
                .default_null()
                .importance(Importance::High)
                .doc("Schema version to set."),
        )
        .define(util::replace_null_with_default_key())
}

/// Builds `SetSchemaMetadata$Key` or `SetSchemaMetadata$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let name = config.string(SCHEMA_NAME).map(str::to_owned);
    let version = config.int(SCHEMA_VERSION);
    if name.is_none() && version.is_none() {
        return Err(ConfigError::invalid(
            SCHEMA_NAME,
            "null",
            "Neither schema name nor version configured",
        ));
    }
    Ok(Box::new(SetSchemaMetadata {
        part,
        name,
        version,
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    }))
}

/// `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`: the schema keeps its
/// type, fields and attributes but takes the configured name and/or version; a struct value is
/// rebuilt against it. A schema is required unless the key/value is null.
pub struct SetSchemaMetadata {
    part: RecordPart,
    name: Option<String>,
    version: Option<i32>,
    replace_null_with_default: bool,
    cache: SchemaCache<SchemaRef>,
}

impl Transform for SetSchemaMetadata {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        let Some(schema) = schema else {
            if value.is_null() {
                return Ok(Outcome::Keep);
            }
            return Err(TransformError::data(format!(
                "Schema required for [{PURPOSE}]"
            )));
        };
        let updated = self.cache.get_or_try_insert(schema, |schema| {
            Ok::<_, TransformError>(self.derive(schema))
        })?;
        let value = match value {
            Value::Struct(original) => {
                let values = original
                    .schema()
                    .fields()
                    .iter()
                    .map(|field| {
                        util::field_value(original, field, self.replace_null_with_default).clone()
                    })
                    .collect();
                Value::Struct(util::build_struct(SchemaRef::clone(&updated), values)?)
            }
            other => other.clone(),
        };
        record.set_part(self.part, Some(updated), value);
        Ok(Outcome::Keep)
    }
}

impl SetSchemaMetadata {
    fn derive(&self, schema: &Schema) -> SchemaRef {
        let mut updated = schema.clone();
        if let Some(name) = &self.name {
            updated.name = Some(name.clone());
        }
        if let Some(version) = self.version {
            updated.version = Some(version);
        }
        updated.into_ref()
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Struct;

    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn set(pairs: &[(&str, &str)], part: RecordPart) -> Box<dyn Transform> {
        build(&raw(pairs), Some(part)).expect("valid SetSchemaMetadata config")
    }

    fn schema() -> SchemaRef {
        Schema::structure([(
            "n",
            Schema::int32()
                .optional()
                .with_default(Value::Int32(4))
                .into_ref(),
        )])
        .with_name("old")
        .with_version(1)
        .with_doc("a doc")
        .into_ref()
    }

    fn value() -> Value {
        Value::Struct(Struct::from_values(schema(), vec![Value::Null]).expect("one field"))
    }

    #[test]
    fn name_and_version_are_set_and_the_struct_rebuilt() {
        let transform = set(
            &[("schema.name", "com.example.New"), ("schema.version", "7")],
            RecordPart::Value,
        );
        let mut record = sink_record().with_value(Some(schema()), value());
        transform.apply(&mut record).expect("sets");
        let expected = Schema::structure([(
            "n",
            Schema::int32()
                .optional()
                .with_default(Value::Int32(4))
                .into_ref(),
        )])
        .with_name("com.example.New")
        .with_version(7)
        .with_doc("a doc")
        .into_ref();
        assert_eq!(record.value_schema.as_ref(), Some(&expected));
        let Value::Struct(rebuilt) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(rebuilt.schema(), &expected);
        assert_eq!(rebuilt.values(), [Value::Int32(4)]);
    }

    #[test]
    fn version_alone_keeps_the_name_and_nulls_can_stay_null() {
        let transform = set(
            &[
                ("schema.version", "2"),
                ("replace.null.with.default", "false"),
            ],
            RecordPart::Key,
        );
        let mut record = sink_record().with_key(Some(schema()), value());
        transform.apply(&mut record).expect("sets");
        let key_schema = record.key_schema.expect("a schema");
        assert_eq!(
            (key_schema.name.as_deref(), key_schema.version),
            (Some("old"), Some(2))
        );
        let Value::Struct(rebuilt) = &record.key else {
            panic!("a struct")
        };
        assert_eq!(rebuilt.values(), [Value::Null]);
    }

    #[test]
    fn primitive_values_keep_their_value() {
        let transform = set(&[("schema.name", "n")], RecordPart::Value);
        let mut record =
            sink_record().with_value(Some(Schema::int64().into_ref()), Value::Int64(3));
        transform.apply(&mut record).expect("sets");
        assert_eq!(
            record.value_schema,
            Some(Schema::int64().with_name("n").into_ref())
        );
        assert_eq!(record.value, Value::Int64(3));
    }

    #[test]
    fn a_schema_is_required_unless_the_value_is_null() {
        let transform = set(&[("schema.name", "n")], RecordPart::Value);
        let mut record = sink_record();
        transform.apply(&mut record).expect("null passes");
        let mut record = sink_record().with_value(None, Value::Int64(3));
        let error = transform.apply(&mut record).expect_err("no schema");
        assert_eq!(
            error.to_string(),
            "Schema required for [updating schema metadata]"
        );
    }

    #[test]
    fn config_needs_a_name_or_version() {
        let error = build(&raw(&[]), Some(RecordPart::Value))
            .err()
            .expect("nothing to set");
        assert_eq!(error.key(), Some("schema.name"));
        let error = build(&raw(&[("schema.version", "x")]), Some(RecordPart::Value))
            .err()
            .expect("not an int");
        assert_eq!(error.key(), Some("schema.version"));
    }
}
