//! `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`: adds the record's topic,
//! partition, offset, timestamp and/or a static string as fields.

use std::sync::Arc;

use sluice_codecs::{Schema, SchemaRef, Struct, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Origin, Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.InsertField";
const TOPIC_FIELD: &str = "topic.field";
const PARTITION_FIELD: &str = "partition.field";
const OFFSET_FIELD: &str = "offset.field";
const TIMESTAMP_FIELD: &str = "timestamp.field";
const STATIC_FIELD: &str = "static.field";
const STATIC_VALUE: &str = "static.value";
const PURPOSE: &str = "field insertion";
const OPTIONALITY_DOC: &str =
    "Suffix with '!' to make this a required field, or '?' to keep it optional (the default).";

/// InsertField's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    let field = |name: &str, doc: &str| {
        ConfigKey::new(name, ConfigType::String)
            .default_null()
            .importance(Importance::Medium)
            .doc(doc)
    };
    ConfigDef::new()
        .define(field(
            TOPIC_FIELD,
            &format!("Field name for Kafka topic.\n{OPTIONALITY_DOC}"),
        ))
        .define(field(
            PARTITION_FIELD,
            &format!("Field name for Kafka partition.\n{OPTIONALITY_DOC}"),
        ))
        .define(field(
            OFFSET_FIELD,
            &format!(
                "Field name for Kafka offset - only applicable to sink connectors.\n\
                 {OPTIONALITY_DOC}"
            ),
        ))
        .define(field(
            TIMESTAMP_FIELD,
            &format!("Field name for record timestamp.\n{OPTIONALITY_DOC}"),
        ))
        .define(field(
            STATIC_FIELD,
            &format!("Field name for static data field.\n{OPTIONALITY_DOC}"),
        ))
        .define(field(
            STATIC_VALUE,
            "Static field value, if field name configured.",
        ))
        .define(util::replace_null_with_default_key())
}

/// A field to insert: its name and whether it is optional (`?` or no suffix) or required (`!`).
#[derive(Debug, Clone, PartialEq)]
struct InsertionSpec {
    name: String,
    optional: bool,
}

impl InsertionSpec {
    fn parse(spec: &str) -> Self {
        if let Some(name) = spec.strip_suffix('?') {
            return Self {
                name: name.to_owned(),
                optional: true,
            };
        }
        if let Some(name) = spec.strip_suffix('!') {
            return Self {
                name: name.to_owned(),
                optional: false,
            };
        }
        Self {
            name: spec.to_owned(),
            optional: true,
        }
    }
}

/// Builds `InsertField$Key` or `InsertField$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let spec = |key: &str| config.string(key).map(InsertionSpec::parse);
    let transform = InsertField {
        part,
        topic: spec(TOPIC_FIELD),
        partition: spec(PARTITION_FIELD),
        offset: spec(OFFSET_FIELD),
        timestamp: spec(TIMESTAMP_FIELD),
        static_field: spec(STATIC_FIELD),
        static_value: config.string(STATIC_VALUE).map(str::to_owned),
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    };
    let nothing = [
        &transform.topic,
        &transform.partition,
        &transform.offset,
        &transform.timestamp,
        &transform.static_field,
    ]
    .iter()
    .all(|spec| spec.is_none());
    if nothing {
        return Err(ConfigError::invalid(
            TOPIC_FIELD,
            "null",
            "No field insertion configured: set at least one of topic.field, partition.field, \
             offset.field, timestamp.field or static.field",
        ));
    }
    if let (Some(field), None) = (&transform.static_field, &transform.static_value) {
        return Err(ConfigError::invalid(
            STATIC_VALUE,
            "null",
            format!("No value specified for static field: {}", field.name),
        ));
    }
    Ok(Box::new(transform))
}

/// `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`: adds record metadata and a
/// static string as fields of the key or value. A null key/value passes through unchanged.
pub struct InsertField {
    part: RecordPart,
    topic: Option<InsertionSpec>,
    partition: Option<InsertionSpec>,
    offset: Option<InsertionSpec>,
    timestamp: Option<InsertionSpec>,
    static_field: Option<InsertionSpec>,
    static_value: Option<String>,
    replace_null_with_default: bool,
    cache: SchemaCache<Arc<Plan>>,
}

impl Transform for InsertField {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        if value.is_null() {
            return Ok(Outcome::Keep);
        }
        let (schema, value) = match schema {
            None => {
                let mut entries = util::require_map(value, PURPOSE)?.to_vec();
                for (spec, inserted) in self.insertions(record, false)? {
                    if !inserted.is_null() {
                        util::map_put(&mut entries, &spec.name, inserted);
                    }
                }
                (None, Value::Map(entries))
            }
            Some(schema) => {
                let original = util::require_struct(value, PURPOSE)?;
                let (plan, fits) = self
                    .cache
                    .get_for_struct(schema, original, |schema| self.derive(schema))?;
                let mut inserted: [Value; MAX_INSERTIONS] = std::array::from_fn(|_| Value::Null);
                let mut count = 0;
                self.each_insertion(record, true, |_, value| {
                    if let Some(slot) = inserted.get_mut(count) {
                        *slot = value;
                        count += 1;
                    }
                })?;
                let inserted = &mut inserted[..count];
                if fits && self.all_valid(original, inserted, &plan) {
                    self.insert_in_place(record, &plan, inserted)?;
                    return Ok(Outcome::Keep);
                }
                let mut values = Vec::with_capacity(plan.schema.fields().len());
                for field in original.schema().fields() {
                    let current =
                        util::field_value(original, field, self.replace_null_with_default);
                    values.push(current.clone());
                }
                values.extend(
                    self.insertions(record, true)?
                        .into_iter()
                        .map(|(_, value)| value),
                );
                let updated = SchemaRef::clone(&plan.schema);
                let inserted = util::build_struct(SchemaRef::clone(&updated), values)?;
                (Some(updated), Value::Struct(inserted))
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }
}

/// How many fields InsertField can add: topic, partition, offset, timestamp and static.
const MAX_INSERTIONS: usize = 5;

/// What InsertField derived from an input schema: the updated schema and how each of its
/// fields' values is checked.
struct Plan {
    schema: SchemaRef,
    checks: Box<[util::ValueCheck]>,
    /// Fields of the input schema.
    inputs: usize,
    /// Whether every input field's index is its position, so values can be moved in place.
    positional: bool,
    /// Whether a null may read as its field's default.
    defaults: bool,
}

impl InsertField {
    /// Whether the original values followed by the inserted ones are each valid for the
    /// updated schema's field in that position, so the struct can be rebuilt in place without
    /// re-validating it.
    fn all_valid(&self, original: &Struct, inserted: &[Value], plan: &Plan) -> bool {
        let fields = original.schema().fields();
        let outputs = plan.schema.fields();
        plan.positional
            && fields.len() == plan.inputs
            && original.values().len() == fields.len()
            && fields.len() + inserted.len() == outputs.len()
            && original
                .values()
                .iter()
                .zip(fields)
                .map(|(stored, field)| util::effective_value(stored, field, plan.defaults))
                .chain(inserted)
                .zip(outputs.iter().zip(plan.checks.iter()))
                .all(|(value, (output, check))| check.passes(value, &output.schema))
    }

    /// Appends the `inserted` values (checked by [`InsertField::all_valid`]) to the record's
    /// own value vector, under the plan's updated schema.
    fn insert_in_place(
        &self,
        record: &mut Record,
        plan: &Plan,
        inserted: &mut [Value],
    ) -> Result<(), TransformError> {
        let (input, mut values) = util::take_struct(record, self.part);
        if plan.defaults {
            for (value, field) in values.iter_mut().zip(input.fields()) {
                util::default_if_null(value, field, self.replace_null_with_default);
            }
        }
        values.extend(
            inserted
                .iter_mut()
                .map(|value| std::mem::replace(value, Value::Null)),
        );
        let updated = SchemaRef::clone(&plan.schema);
        let rebuilt = Struct::from_values(SchemaRef::clone(&updated), values)?;
        record.set_part(self.part, Some(updated), Value::Struct(rebuilt));
        Ok(())
    }

    /// The configured fields with their values for `record`, in schema order; null where the
    /// record has no partition or timestamp. Fails for an offset on a source record.
    fn insertions(
        &self,
        record: &Record,
        with_schema: bool,
    ) -> Result<Vec<(&InsertionSpec, Value)>, TransformError> {
        let mut inserted = Vec::with_capacity(MAX_INSERTIONS);
        self.each_insertion(record, with_schema, |spec, value| {
            inserted.push((spec, value))
        })?;
        Ok(inserted)
    }

    /// Hands each configured field with its value for `record` to `insert`, in schema order;
    /// null where the record has no partition or timestamp. Fails for an offset on a source
    /// record, before handing over anything.
    fn each_insertion<'a>(
        &'a self,
        record: &Record,
        with_schema: bool,
        mut insert: impl FnMut(&'a InsertionSpec, Value),
    ) -> Result<(), TransformError> {
        let offset = match (&self.offset, &record.origin) {
            (None, _) => None,
            (Some(spec), Origin::Sink { offset, .. }) => Some((spec, *offset)),
            (Some(_), Origin::Source { .. }) => {
                return Err(TransformError::data(format!(
                    "Only SinkRecord supported for [{PURPOSE}], found: \
                     org.apache.kafka.connect.source.SourceRecord"
                )));
            }
        };
        if let Some(spec) = &self.topic {
            insert(spec, Value::String(record.topic.clone()));
        }
        if let Some(spec) = &self.partition {
            insert(spec, record.partition.map_or(Value::Null, Value::Int32));
        }
        if let Some((spec, offset)) = offset {
            insert(spec, Value::Int64(offset));
        }
        if let Some(spec) = &self.timestamp {
            let timestamp = match record.timestamp {
                Some(millis) if with_schema => Value::Timestamp(millis),
                Some(millis) => Value::Int64(millis),
                None => Value::Null,
            };
            insert(spec, timestamp);
        }
        if let (Some(spec), Some(text)) = (&self.static_field, &self.static_value) {
            insert(spec, Value::string(text.as_str()));
        }
        Ok(())
    }

    /// Kafka's `makeUpdatedSchema`, called once per input schema.
    fn derive(&self, schema: &Schema) -> Result<Arc<Plan>, TransformError> {
        let mut fields: Vec<(String, SchemaRef)> = schema
            .fields()
            .iter()
            .map(|field| (field.name.clone(), SchemaRef::clone(&field.schema)))
            .collect();
        let added = [
            (&self.topic, Schema::string()),
            (&self.partition, Schema::int32()),
            (&self.offset, Schema::int64()),
            (&self.timestamp, Schema::timestamp()),
            (&self.static_field, Schema::string()),
        ];
        for (spec, field_schema) in added {
            if let Some(spec) = spec {
                let field_schema = if spec.optional {
                    field_schema.optional()
                } else {
                    field_schema
                };
                fields.push((spec.name.clone(), field_schema.into_ref()));
            }
        }
        let updated = util::copy_schema_basics(schema, util::struct_type(fields)?).into_ref();
        Ok(Arc::new(Plan {
            checks: util::ValueCheck::of_fields(&updated),
            schema: updated,
            inputs: schema.fields().len(),
            positional: util::positional(schema),
            defaults: util::uses_defaults(schema, self.replace_null_with_default),
        }))
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Struct;

    use super::*;
    use crate::record::SourceMap;
    use crate::transforms::test_support::{raw, sink_record};

    fn insert(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
        build(&raw(pairs), Some(RecordPart::Value)).expect("valid InsertField config")
    }

    fn all_fields() -> Box<dyn Transform> {
        insert(&[
            ("topic.field", "topic!"),
            ("partition.field", "partition"),
            ("offset.field", "offset?"),
            ("timestamp.field", "ts"),
            ("static.field", "env"),
            ("static.value", "prod"),
        ])
    }

    fn value_schema() -> SchemaRef {
        Schema::structure([("id", Schema::int32().into_ref())])
            .with_name("com.example.Order")
            .into_ref()
    }

    fn value() -> Value {
        Value::Struct(
            Struct::from_values(value_schema(), vec![Value::Int32(1)]).expect("one field"),
        )
    }

    #[test]
    fn with_schema_metadata_fields_are_appended() {
        let mut record = sink_record()
            .with_value(Some(value_schema()), value())
            .with_timestamp(Some(1_700_000_000_000));
        all_fields().apply(&mut record).expect("inserts");
        let expected = Schema::structure([
            ("id", Schema::int32().into_ref()),
            ("topic", Schema::string().into_ref()),
            ("partition", Schema::int32().optional().into_ref()),
            ("offset", Schema::int64().optional().into_ref()),
            ("ts", Schema::timestamp().optional().into_ref()),
            ("env", Schema::string().optional().into_ref()),
        ])
        .with_name("com.example.Order")
        .into_ref();
        assert_eq!(record.value_schema, Some(expected));
        let Value::Struct(inserted) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(
            inserted.values(),
            [
                Value::Int32(1),
                Value::from("orders"),
                Value::Int32(3),
                Value::Int64(42),
                Value::Timestamp(1_700_000_000_000),
                Value::from("prod"),
            ]
        );
    }

    #[test]
    fn schemaless_timestamps_are_longs_and_missing_metadata_is_skipped() {
        let map = Value::Map(vec![(Value::from("id"), Value::Int32(1))]);
        let mut record = sink_record()
            .with_value(None, map.clone())
            .with_timestamp(Some(5));
        all_fields().apply(&mut record).expect("inserts");
        assert_eq!(
            record.value,
            Value::Map(vec![
                (Value::from("id"), Value::Int32(1)),
                (Value::from("topic"), Value::from("orders")),
                (Value::from("partition"), Value::Int32(3)),
                (Value::from("offset"), Value::Int64(42)),
                (Value::from("ts"), Value::Int64(5)),
                (Value::from("env"), Value::from("prod")),
            ])
        );
        let transform = insert(&[("timestamp.field", "ts")]);
        let mut record = sink_record().with_value(None, map.clone());
        transform.apply(&mut record).expect("inserts");
        assert_eq!(record.value, map);
    }

    #[test]
    fn offsets_are_only_for_sink_records() {
        let transform = insert(&[("offset.field", "offset")]);
        let mut record = Record::source("t", SourceMap::new(), SourceMap::new())
            .with_value(None, Value::Map(vec![]));
        let error = transform.apply(&mut record).expect_err("source record");
        assert_eq!(
            error.to_string(),
            "Only SinkRecord supported for [field insertion], found: \
             org.apache.kafka.connect.source.SourceRecord"
        );
    }

    #[test]
    fn tombstones_pass_and_other_values_are_rejected() {
        let transform = insert(&[("topic.field", "t")]);
        let mut record = sink_record();
        transform.apply(&mut record).expect("null passes");
        assert_eq!(record.value, Value::Null);
        let mut record = sink_record().with_value(Some(Schema::int8().into_ref()), Value::Int8(1));
        let error = transform.apply(&mut record).expect_err("not a struct");
        assert_eq!(
            error.to_string(),
            "Only Struct objects supported for [field insertion], found: java.lang.Byte"
        );
    }

    #[test]
    fn key_variant_inserts_into_the_key() {
        let transform =
            build(&raw(&[("topic.field", "t")]), Some(RecordPart::Key)).expect("valid config");
        let mut record = sink_record().with_key(None, Value::Map(vec![]));
        transform.apply(&mut record).expect("inserts");
        assert_eq!(
            record.key,
            Value::Map(vec![(Value::from("t"), Value::from("orders"))])
        );
    }

    #[test]
    fn config_needs_a_field_and_a_static_value() {
        let error = build(&raw(&[]), Some(RecordPart::Value))
            .err()
            .expect("nothing to insert");
        assert_eq!(error.key(), Some("topic.field"));
        let error = build(&raw(&[("static.field", "env")]), Some(RecordPart::Value))
            .err()
            .expect("no static value");
        assert_eq!(error.key(), Some("static.value"));
        assert!(
            error
                .to_string()
                .ends_with("No value specified for static field: env")
        );
    }

    #[test]
    fn null_fields_take_the_default_unless_told_not_to() {
        let schema = Schema::structure([(
            "n",
            Schema::int32()
                .optional()
                .with_default(Value::Int32(9))
                .into_ref(),
        )])
        .into_ref();
        let value = Value::Struct(
            Struct::from_values(SchemaRef::clone(&schema), vec![Value::Null]).expect("one field"),
        );
        for (setting, expected) in [("true", Value::Int32(9)), ("false", Value::Null)] {
            let transform = insert(&[("topic.field", "t"), ("replace.null.with.default", setting)]);
            let mut record =
                sink_record().with_value(Some(SchemaRef::clone(&schema)), value.clone());
            transform.apply(&mut record).expect("inserts");
            let Value::Struct(inserted) = &record.value else {
                panic!("a struct")
            };
            assert_eq!(inserted.values()[0], expected);
        }
    }
}
