//! `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`: adds the record's topic,
//! partition, offset, timestamp and/or a static string as fields.

use std::sync::Arc;

use sluice_codecs::{Field, Schema, SchemaRef, Struct, Value};

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Origin, Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, StructPlan, Transform, TransformError};

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
                let mut inserted = no_insertions();
                let inserted = self.inserted(record, &mut inserted)?;
                let fields = original.schema().fields();
                if fits && self.all_valid(original.values(), fields, inserted, &plan, false) {
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

    fn struct_part(&self) -> Option<RecordPart> {
        Some(self.part)
    }

    fn struct_plan(&self, input: &SchemaRef) -> Option<StructPlan> {
        StructPlan::cached(
            &self.cache,
            input,
            |schema| self.derive(schema),
            |plan| SchemaRef::clone(&plan.schema),
        )
    }

    fn apply_planned(
        &self,
        plan: &StructPlan,
        input: &Schema,
        values: &mut Vec<Value>,
        record: &Record,
        valid: &mut bool,
    ) -> bool {
        let Some(plan) = plan.state::<Plan>() else {
            return false;
        };
        let mut inserted = no_insertions();
        let Ok(inserted) = self.inserted(record, &mut inserted) else {
            return false;
        };
        let fields = input.fields();
        if !self.all_valid(values, fields, inserted, plan, *valid) {
            return false;
        }
        self.append(values, fields, plan, inserted);
        *valid = true;
        true
    }
}

/// The values InsertField adds to one record, before they are moved into its struct.
type Inserted = [Value; MAX_INSERTIONS];

/// Room for the values InsertField adds to one record, all null.
fn no_insertions() -> Inserted {
    std::array::from_fn(|_| Value::Null)
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
    /// The values to insert for `record`, in schema order, written into `slots`.
    fn inserted<'s>(
        &self,
        record: &Record,
        slots: &'s mut Inserted,
    ) -> Result<&'s mut [Value], TransformError> {
        let mut count = 0;
        self.each_insertion(record, true, |_, value| {
            if let Some(slot) = slots.get_mut(count) {
                *slot = value;
                count += 1;
            }
        })?;
        Ok(&mut slots[..count])
    }

    /// Whether `values` (a struct of `fields`) followed by the inserted ones are each valid for
    /// the updated schema's field in that position, so the struct can be rebuilt in place
    /// without re-validating it. When `known_valid` (every value is valid for its field) and no
    /// default can stand in for a null, only the inserted values are checked, as the input
    /// fields keep their schemas.
    fn all_valid(
        &self,
        values: &[Value],
        fields: &[Field],
        inserted: &[Value],
        plan: &Plan,
        known_valid: bool,
    ) -> bool {
        let outputs = plan.schema.fields();
        if !plan.positional
            || fields.len() != plan.inputs
            || values.len() != fields.len()
            || fields.len() + inserted.len() != outputs.len()
        {
            return false;
        }
        if known_valid && !plan.defaults {
            let added = outputs.iter().zip(plan.checks.iter()).skip(fields.len());
            return inserted
                .iter()
                .zip(added)
                .all(|(value, (output, check))| check.passes(value, &output.schema));
        }
        values
            .iter()
            .zip(fields)
            .map(|(stored, field)| util::effective_value(stored, field, plan.defaults))
            .chain(inserted.iter())
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
        self.append(&mut values, input.fields(), plan, inserted);
        let updated = SchemaRef::clone(&plan.schema);
        let rebuilt = Struct::from_values(SchemaRef::clone(&updated), values)?;
        record.set_part(self.part, Some(updated), Value::Struct(rebuilt));
        Ok(())
    }

    /// Appends the `inserted` values to `values` (a struct of `fields`); with defaults, null
    /// values become their field's default first.
    fn append(
        &self,
        values: &mut Vec<Value>,
        fields: &[Field],
        plan: &Plan,
        inserted: &mut [Value],
    ) {
        if plan.defaults {
            for (value, field) in values.iter_mut().zip(fields) {
                util::default_if_null(value, field, self.replace_null_with_default);
            }
        }
        values.extend(
            inserted
                .iter_mut()
                .map(|value| std::mem::replace(value, Value::Null)),
        );
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
#[path = "insert_field_tests.rs"]
mod tests;
