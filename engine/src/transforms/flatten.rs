//! `org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`: flattens nested structs (with a
//! schema) or maps (schemaless) into one level, joining field names with a delimiter.

use sluice_codecs::{Schema, SchemaRef, Struct, Type, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.Flatten";
const DELIMITER: &str = "delimiter";
const PURPOSE: &str = "flattening";

/// Flatten's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(DELIMITER, ConfigType::String)
            .default_value(".")
            .importance(Importance::Medium)
            .doc(
                "Delimiter to insert between field names from the input record when generating \
                 field names for the output record",
            ),
    )
}

/// Builds `Flatten$Key` or `Flatten$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let delimiter = config.string(DELIMITER).unwrap_or(".").to_owned();
    Ok(Box::new(Flatten {
        part,
        delimiter,
        cache: SchemaCache::new(),
    }))
}

/// `org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`: nested fields become top-level
/// fields named `parent<delimiter>child`; arrays are kept as they are.
pub struct Flatten {
    part: RecordPart,
    delimiter: String,
    cache: SchemaCache<SchemaRef>,
}

impl Transform for Flatten {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        if value.is_null() {
            return Ok(Outcome::Keep);
        }
        let (schema, value) = match schema {
            None => {
                let mut flat = Vec::new();
                self.flatten_map(util::require_map(value, PURPOSE)?, "", &mut flat)?;
                (None, Value::Map(flat))
            }
            Some(schema) => {
                let updated = self
                    .cache
                    .get_or_try_insert(schema, |schema| self.derive(schema))?;
                let value = util::require_struct(value, PURPOSE)?;
                let mut values = Vec::with_capacity(updated.fields().len());
                collect_leaves(Some(value), value.schema(), &mut values);
                let flat = util::build_struct(SchemaRef::clone(&updated), values)?;
                (Some(updated), Value::Struct(flat))
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }
}

impl Flatten {
    fn name(&self, prefix: &str, name: &str) -> String {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}{}{name}", self.delimiter)
        }
    }

    fn flatten_map(
        &self,
        entries: &[(Value, Value)],
        prefix: &str,
        flat: &mut Vec<(Value, Value)>,
    ) -> Result<(), TransformError> {
        for (key, value) in entries {
            let key = key.as_str().ok_or_else(|| {
                TransformError::data(format!(
                    "Flatten transformation does not support map keys of {} for record without \
                     schemas (in field {prefix}).",
                    util::java_class(key)
                ))
            })?;
            let name = self.name(prefix, key);
            match value {
                Value::Map(nested) => self.flatten_map(nested, &name, flat)?,
                Value::Null
                | Value::Boolean(_)
                | Value::Int8(_)
                | Value::Int16(_)
                | Value::Int32(_)
                | Value::Int64(_)
                | Value::Float32(_)
                | Value::Float64(_)
                | Value::String(_)
                | Value::Bytes(_)
                | Value::Array(_) => util::map_put(flat, &name, value.clone()),
                Value::Decimal(_) | Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => {
                    return Err(TransformError::data(format!(
                        "Flatten transformation was passed a value of type {} which is not \
                         supported by Connect's data API",
                        util::java_class(value)
                    )));
                }
                other => {
                    return Err(TransformError::data(format!(
                        "Flatten transformation does not support {} for record without schemas \
                         (for field {name}).",
                        util::java_class(other)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Kafka's `buildUpdatedSchema`, called once per input schema.
    fn derive(&self, schema: &Schema) -> Result<SchemaRef, TransformError> {
        let mut fields = Vec::new();
        let parent_default = schema.default.as_ref().and_then(Value::as_struct);
        self.flat_fields(schema, "", schema.optional, parent_default, &mut fields)?;
        Ok(util::copy_schema_basics(schema, util::struct_type(fields)?).into_ref())
    }

    /// Adds the leaf fields of `schema`, with optionality and defaults from their parents.
    fn flat_fields(
        &self,
        schema: &Schema,
        prefix: &str,
        optional: bool,
        parent_default: Option<&Struct>,
        fields: &mut Vec<(String, SchemaRef)>,
    ) -> Result<(), TransformError> {
        for field in schema.fields() {
            let name = self.name(prefix, &field.name);
            let optional = optional || field.schema.optional;
            let default = field.schema.default.clone().or_else(|| {
                parent_default
                    .map(|parent| util::field_value(parent, field, true).clone())
                    .filter(|value| !value.is_null())
            });
            match &field.schema.ty {
                Type::Struct(_) => {
                    let nested = default.as_ref().and_then(Value::as_struct);
                    self.flat_fields(&field.schema, &name, optional, nested, fields)?;
                }
                Type::Map { .. } => {
                    return Err(TransformError::data(format!(
                        "Flatten transformation does not support MAP for record with schemas \
                         (for field {name})."
                    )));
                }
                ty => {
                    let mut leaf = util::copy_schema_basics(&field.schema, ty.clone());
                    leaf.optional = optional;
                    leaf.default = default;
                    fields.push((name, leaf.into_ref()));
                }
            }
        }
        Ok(())
    }
}

/// The leaf values of `value` (of `schema`) in the order [`Flatten::flat_fields`] lists them;
/// the leaves of a null struct are null.
fn collect_leaves(value: Option<&Struct>, schema: &Schema, values: &mut Vec<Value>) {
    for field in schema.fields() {
        let current = value.map(|value| util::field_value(value, field, true));
        if let Type::Struct(_) = field.schema.ty {
            let nested = current.and_then(Value::as_struct);
            collect_leaves(nested, &field.schema, values);
        } else {
            values.push(current.cloned().unwrap_or(Value::Null));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn flatten(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
        build(&raw(pairs), Some(RecordPart::Value)).expect("valid Flatten config")
    }

    fn address_schema() -> SchemaRef {
        Schema::structure([
            ("city", Schema::string().into_ref()),
            (
                "zip",
                Schema::int32()
                    .with_default(Value::Int32(75_000))
                    .into_ref(),
            ),
        ])
        .optional()
        .into_ref()
    }

    fn person_schema() -> SchemaRef {
        Schema::structure([
            ("id", Schema::int64().into_ref()),
            ("address", address_schema()),
            (
                "tags",
                Schema::array(Schema::string().into_ref()).into_ref(),
            ),
        ])
        .with_name("com.example.Person")
        .into_ref()
    }

    fn person(address: Value) -> Value {
        let tags = Value::Array(vec![Value::from("a")]);
        let values = vec![Value::Int64(1), address, tags];
        Value::Struct(Struct::from_values(person_schema(), values).expect("three fields"))
    }

    fn address() -> Value {
        let values = vec![Value::from("Paris"), Value::Int32(75_001)];
        Value::Struct(Struct::from_values(address_schema(), values).expect("two fields"))
    }

    #[test]
    fn nested_structs_become_delimited_fields_with_propagated_optionality() {
        let transform = flatten(&[("delimiter", "_")]);
        let mut record = sink_record().with_value(Some(person_schema()), person(address()));
        transform.apply(&mut record).expect("flattens");
        let expected = Schema::structure([
            ("id", Schema::int64().into_ref()),
            ("address_city", Schema::string().optional().into_ref()),
            (
                "address_zip",
                Schema::int32()
                    .optional()
                    .with_default(Value::Int32(75_000))
                    .into_ref(),
            ),
            (
                "tags",
                Schema::array(Schema::string().into_ref()).into_ref(),
            ),
        ])
        .with_name("com.example.Person")
        .into_ref();
        assert_eq!(record.value_schema, Some(expected));
        let Value::Struct(flat) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(
            flat.values(),
            [
                Value::Int64(1),
                Value::from("Paris"),
                Value::Int32(75_001),
                Value::Array(vec![Value::from("a")])
            ]
        );
    }

    #[test]
    fn a_null_nested_struct_gives_null_leaves() {
        let transform = flatten(&[]);
        let mut record = sink_record().with_value(Some(person_schema()), person(Value::Null));
        transform.apply(&mut record).expect("flattens");
        let Value::Struct(flat) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(flat.values()[1..3], [Value::Null, Value::Null]);
        assert_eq!(flat.schema().fields()[1].name, "address.city");
    }

    #[test]
    fn parent_defaults_become_leaf_defaults() {
        let default = Struct::from_values(
            Schema::structure([("x", Schema::int8().into_ref())]).into_ref(),
            vec![Value::Int8(3)],
        )
        .expect("one field");
        let inner = Schema::structure([("x", Schema::int8().into_ref())])
            .with_default(Value::Struct(default))
            .into_ref();
        let outer = Schema::structure([("inner", inner)]).into_ref();
        let transform = flatten(&[]);
        let derived = transform_schema(&*transform, outer);
        assert_eq!(
            derived.fields()[0].schema,
            Schema::int8().with_default(Value::Int8(3)).into_ref()
        );
    }

    fn transform_schema(transform: &dyn Transform, schema: SchemaRef) -> SchemaRef {
        let value =
            Struct::from_values(SchemaRef::clone(&schema), vec![Value::Null]).expect("one field");
        let mut record = sink_record().with_value(Some(schema), Value::Struct(value));
        transform.apply(&mut record).expect("flattens");
        record.value_schema.expect("a schema")
    }

    #[test]
    fn schemaless_maps_flatten_and_keep_arrays() {
        let transform = flatten(&[]);
        let nested = Value::Map(vec![
            (Value::from("b"), Value::Int32(1)),
            (Value::from("c"), Value::Null),
        ]);
        let map = Value::Map(vec![
            (Value::from("a"), nested),
            (Value::from("d"), Value::Array(vec![Value::Int8(1)])),
        ]);
        let mut record = sink_record().with_value(None, map);
        transform.apply(&mut record).expect("flattens");
        assert_eq!(
            record.value,
            Value::Map(vec![
                (Value::from("a.b"), Value::Int32(1)),
                (Value::from("a.c"), Value::Null),
                (Value::from("d"), Value::Array(vec![Value::Int8(1)])),
            ])
        );
    }

    #[test]
    fn unsupported_shapes_are_rejected_and_null_passes() {
        let transform = flatten(&[]);
        let schema = Schema::structure([(
            "m",
            Schema::map(Schema::string().into_ref(), Schema::string().into_ref()).into_ref(),
        )])
        .into_ref();
        let value = Struct::from_values(SchemaRef::clone(&schema), vec![Value::Map(vec![])])
            .expect("one field");
        let mut record = sink_record().with_value(Some(schema), Value::Struct(value));
        let error = transform.apply(&mut record).expect_err("maps with schema");
        assert_eq!(
            error.to_string(),
            "Flatten transformation does not support MAP for record with schemas (for field m)."
        );
        let decimal = Value::Decimal(sluice_codecs::Decimal::from_i128(1, 0));
        let map = Value::Map(vec![(Value::from("d"), decimal)]);
        let mut record = sink_record().with_value(None, map);
        let error = transform
            .apply(&mut record)
            .expect_err("no schemaless decimals");
        assert_eq!(
            error.to_string(),
            "Flatten transformation was passed a value of type class java.math.BigDecimal which \
             is not supported by Connect's data API"
        );
        let mut record = sink_record().with_value(None, Value::Int32(1));
        let error = transform.apply(&mut record).expect_err("not a map");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [flattening], found: \
             java.lang.Integer"
        );
        let mut record = sink_record().with_value(Some(person_schema()), Value::Null);
        transform.apply(&mut record).expect("null passes");
        assert_eq!(record.value_schema, Some(person_schema()));
    }

    #[test]
    fn one_schema_is_derived_once() {
        let transform = flatten(&[]);
        let mut first = sink_record().with_value(Some(person_schema()), person(address()));
        let mut second = sink_record().with_value(Some(person_schema()), person(Value::Null));
        transform.apply(&mut first).expect("flattens");
        transform.apply(&mut second).expect("flattens");
        let first = first.value_schema.expect("a schema");
        let second = second.value_schema.expect("a schema");
        assert!(SchemaRef::ptr_eq(&first, &second));
    }
}
