//! `org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`: converts a
//! timestamp (the whole key/value or one field) between a formatted string, Unix time and the
//! Connect Date, Time and Timestamp types.

use std::sync::Arc;

use sluice_codecs::schema::LogicalType;
use sluice_codecs::{Field, Schema, SchemaRef, Struct, Type, Value};
use smallvec::SmallVec;

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::java_text::MILLIS_PER_DAY;
use crate::record::{Record, RecordPart};

use super::date_format::DateFormat;
use super::util::{
    REPLACE_NULL_WITH_DEFAULT, SchemaCache, copy_schema_basics, default_if_null, effective_value,
    field_value, java_class_name, replace_null_with_default_key, require_map,
    require_struct_or_null, set_checked_struct, take_field_value, take_struct, take_struct_values,
    uses_defaults,
};
use super::{Outcome, StructPlan, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.TimestampConverter";
const FIELD: &str = "field";
const TARGET_TYPE: &str = "target.type";
const FORMAT: &str = "format";
const UNIX_PRECISION: &str = "unix.precision";
const PURPOSE: &str = "converting timestamp formats";

/// A timestamp representation: the values of `target.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string in `format`.
    String,
    /// An INT64 count of `unix.precision` units since the epoch.
    Unix,
    /// The Connect Date logical type.
    Date,
    /// The Connect Time logical type.
    Time,
    /// The Connect Timestamp logical type.
    Timestamp,
}

impl Kind {
    fn parse(name: &str) -> Self {
        match name {
            "string" => Self::String,
            "unix" => Self::Unix,
            "Date" => Self::Date,
            "Time" => Self::Time,
            _ => Self::Timestamp,
        }
    }

    fn schema(self, optional: bool) -> SchemaRef {
        let schema = match self {
            Self::String => Schema::string(),
            Self::Unix => Schema::int64(),
            Self::Date => Schema::date(),
            Self::Time => Schema::time(),
            Self::Timestamp => Schema::timestamp(),
        };
        if optional { schema.optional() } else { schema }.into_ref()
    }

    /// Kafka's `timestampTypeFromSchema`.
    fn from_schema(schema: &Schema) -> Result<Self, TransformError> {
        match (schema.logical_type(), &schema.ty) {
            (Some(LogicalType::Timestamp), _) => Ok(Self::Timestamp),
            (Some(LogicalType::Date), _) => Ok(Self::Date),
            (Some(LogicalType::Time), _) => Ok(Self::Time),
            (_, Type::String) => Ok(Self::String),
            (_, Type::Int64) => Ok(Self::Unix),
            _ => {
                let shown = match &schema.name {
                    Some(name) => format!("Schema{{{name}:{}}}", schema.schema_type()),
                    None => format!("Schema{{{}}}", schema.schema_type()),
                };
                Err(TransformError::data(format!(
                    "Schema {shown} does not correspond to a known timestamp type format"
                )))
            }
        }
    }

    /// Kafka's `inferTimestampType`, for schemaless values.
    fn infer(value: &Value) -> Result<Self, TransformError> {
        match value {
            Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => Ok(Self::Timestamp),
            Value::Int64(_) => Ok(Self::Unix),
            Value::String(_) => Ok(Self::String),
            other => Err(TransformError::data(format!(
                "TimestampConverter does not support class {} objects as timestamps",
                java_class_name(other)
            ))),
        }
    }
}

/// The units of a Unix timestamp: the values of `unix.precision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

/// Converts timestamps between representations.
#[derive(Debug)]
pub struct TimestampConverter {
    field: String,
    target: Kind,
    format: Option<DateFormat>,
    precision: Precision,
    replace_null_with_default: bool,
    part: RecordPart,
    /// The whole-value output schemas, optional and required.
    whole_schemas: [SchemaRef; 2],
    struct_plans: SchemaCache<Arc<Plan>>,
}

/// What TimestampConverter derived from a struct schema: the updated schema and the position
/// and timestamp type of each field it converts.
#[derive(Debug)]
struct Plan {
    schema: SchemaRef,
    conversions: Box<[(usize, Kind)]>,
    /// Fields of the input schema.
    inputs: usize,
    /// Whether values can be converted in place: every field's index is its position and
    /// every converted field's schema is a timestamp type.
    in_place: bool,
    /// Whether a null may read as its field's default.
    defaults: bool,
}

/// The keys of `TimestampConverter`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELD, ConfigType::String)
                .default_value("")
                .importance(Importance::High)
                .doc("The field containing the timestamp, or empty if the entire value is a timestamp"),
        )
        .define(
            ConfigKey::new(TARGET_TYPE, ConfigType::String)
                .validator(Validator::OneOf(vec!["string", "unix", "Date", "Time", "Timestamp"]))
                .importance(Importance::High)
                .doc("The desired timestamp representation: string, unix, Date, Time, or Timestamp"),
        )
        .define(
            ConfigKey::new(FORMAT, ConfigType::String)
                .default_value("")
                .importance(Importance::Medium)
                .doc("A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string."),
        )
        .define(
            ConfigKey::new(UNIX_PRECISION, ConfigType::String)
                .default_value("milliseconds")
                .validator(Validator::OneOf(vec!["nanoseconds", "microseconds", "milliseconds", "seconds"]))
                .importance(Importance::Low)
                .doc("The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components."),
        )
        .define(replace_null_with_default_key())
}

/// Builds a `TimestampConverter` for the key or value.
pub fn build(raw: &RawConfig, part: Option<RecordPart>) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    let target = Kind::parse(config.string(TARGET_TYPE).unwrap_or_default());
    let pattern = config.string(FORMAT).unwrap_or_default();
    if target == Kind::String && pattern.trim().is_empty() {
        return Err(ConfigError::invalid(
            FORMAT,
            pattern,
            "TimestampConverter requires format option to be specified when using string timestamps",
        ));
    }
    let format = if pattern.trim().is_empty() {
        None
    } else {
        Some(DateFormat::new(pattern).map_err(|error| {
            ConfigError::invalid(
                FORMAT,
                pattern,
                format!("TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: {pattern} ({error})"),
            )
        })?)
    };
    let precision = match config.string(UNIX_PRECISION) {
        Some("seconds") => Precision::Seconds,
        Some("microseconds") => Precision::Microseconds,
        Some("nanoseconds") => Precision::Nanoseconds,
        _ => Precision::Milliseconds,
    };
    Ok(Box::new(TimestampConverter {
        field: config.string(FIELD).unwrap_or_default().to_owned(),
        target,
        format,
        precision,
        replace_null_with_default: config.boolean(REPLACE_NULL_WITH_DEFAULT).unwrap_or(true),
        part: part.unwrap_or(RecordPart::Value),
        whole_schemas: [target.schema(false), target.schema(true)],
        struct_plans: SchemaCache::new(),
    }))
}

impl Transform for TimestampConverter {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        if !self.field.is_empty()
            && let (Some(schema), Value::Struct(original)) = (schema, value)
        {
            let (plan, fits) = self
                .struct_plans
                .get_for_struct(schema, original, |schema| self.plan(schema))?;
            if fits && plan.in_place && original.values().len() == plan.inputs {
                // Filled in place: returning the inline values would copy them.
                let mut converted = SmallVec::new();
                let fields = original.schema().fields();
                self.planned_conversions(original.values(), fields, &plan, &mut converted)?;
                let (input, mut values) = take_struct(record, self.part);
                self.put_conversions(&mut values, input.fields(), &plan, &mut converted);
                set_checked_struct(record, self.part, &plan.schema, values)?;
                return Ok(Outcome::Keep);
            }
        }
        let (schema, value) = record.part(self.part);
        let (schema, value) = match schema.cloned() {
            Some(schema) if self.field.is_empty() => {
                let kind = Kind::from_schema(&schema)?;
                let converted = self.convert(value, Some(kind))?;
                (
                    Some(self.whole_schemas[usize::from(schema.optional)].clone()),
                    converted,
                )
            }
            Some(schema) => match value {
                Value::Struct(original) => {
                    let updated = self
                        .struct_plans
                        .entry_or_try_insert(&schema, |schema| self.plan(schema))?
                        .schema
                        .clone();
                    let input = SchemaRef::clone(original.schema());
                    if input.fields().len() != updated.fields().len() {
                        let converted = self.convert_struct(original, &updated)?;
                        (Some(updated), Value::Struct(converted))
                    } else {
                        let converted = self.converted_fields(original)?;
                        let stored = take_struct_values(record, self.part);
                        let values = self.moved_values(&input, stored, converted);
                        let rebuilt = Struct::from_values(SchemaRef::clone(&updated), values)?;
                        (Some(updated), Value::Struct(rebuilt))
                    }
                }
                _ => self.apply_to_struct(&schema, value)?,
            },
            None if value.is_null() || self.field.is_empty() => (None, self.convert(value, None)?),
            None => (None, self.apply_to_map(value)?),
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }

    fn struct_part(&self) -> Option<RecordPart> {
        (!self.field.is_empty()).then_some(self.part)
    }

    fn struct_plan(&self, input: &SchemaRef) -> Option<StructPlan> {
        if self.field.is_empty() {
            return None;
        }
        StructPlan::cached(
            &self.struct_plans,
            input,
            |schema| self.plan(schema),
            |plan| SchemaRef::clone(&plan.schema),
        )
    }

    fn apply_planned(
        &self,
        plan: &StructPlan,
        input: &Schema,
        values: &mut Vec<Value>,
        _record: &Record,
        valid: &mut bool,
    ) -> bool {
        let Some(plan) = plan.state::<Plan>() else {
            return false;
        };
        if self.field.is_empty() || !plan.in_place || values.len() != plan.inputs {
            return false;
        }
        let fields = input.fields();
        let mut converted = SmallVec::new();
        if self
            .planned_conversions(values, fields, plan, &mut converted)
            .is_err()
        {
            return false;
        }
        // The other fields keep their schemas; a default standing in for a null is not
        // checked here, so then nothing is known.
        let outputs = plan.schema.fields();
        *valid = *valid
            && !plan.defaults
            && plan
                .conversions
                .iter()
                .zip(converted.iter())
                .all(|((position, _), value)| {
                    outputs
                        .get(*position)
                        .is_some_and(|output| value.is_valid(&output.schema))
                });
        self.put_conversions(values, fields, plan, &mut converted);
        true
    }
}

impl TimestampConverter {
    /// Kafka's `convertTimestamp`: null stays null; `kind` is inferred from the value when the
    /// schema does not give it.
    fn convert(&self, value: &Value, kind: Option<Kind>) -> Result<Value, TransformError> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        let kind = match kind {
            Some(kind) => kind,
            None => Kind::infer(value)?,
        };
        let millis = self.to_millis(kind, value)?;
        self.to_target(millis)
    }

    fn to_millis(&self, kind: Kind, value: &Value) -> Result<i64, TransformError> {
        let found = || format!("class {}", java_class_name(value));
        let instant = match value {
            Value::Date(days) => Some(i64::from(*days) * MILLIS_PER_DAY),
            Value::Time(millis) => Some(i64::from(*millis)),
            Value::Timestamp(millis) => Some(*millis),
            _ => None,
        };
        match (kind, value) {
            (Kind::String, Value::String(text)) => {
                let format = self.format.as_ref().ok_or_else(|| {
                    TransformError::data("TimestampConverter requires format option to be specified when using string timestamps")
                })?;
                format.parse_millis(text).map_err(|_| {
                    TransformError::data(format!(
                        "Could not parse timestamp: value ({text}) does not match pattern ({})",
                        format.pattern()
                    ))
                })
            }
            (Kind::String, _) => Err(TransformError::data(format!(
                "Expected string timestamp to be a String, but found {}",
                found()
            ))),
            (Kind::Unix, Value::Int64(units)) => Ok(match self.precision {
                Precision::Seconds => units.saturating_mul(1000),
                Precision::Milliseconds => *units,
                Precision::Microseconds => units / 1000,
                Precision::Nanoseconds => units / 1_000_000,
            }),
            (Kind::Unix, _) => Err(TransformError::data(format!(
                "Expected Unix timestamp to be a Long, but found {}",
                found()
            ))),
            (_, _) => instant.ok_or_else(|| {
                let name = match kind {
                    Kind::Date => "Date",
                    Kind::Time => "Time",
                    _ => "Timestamp",
                };
                TransformError::data(format!(
                    "Expected {name} to be a java.util.Date, but found {}",
                    found()
                ))
            }),
        }
    }

    fn to_target(&self, millis: i64) -> Result<Value, TransformError> {
        Ok(match self.target {
            Kind::String => {
                let format = self.format.as_ref().ok_or_else(|| {
                    TransformError::data("TimestampConverter requires format option to be specified when using string timestamps")
                })?;
                Value::String(
                    format
                        .format_millis_str(millis)
                        .map_err(|error| TransformError::data(error.to_string()))?,
                )
            }
            Kind::Unix => Value::Int64(match self.precision {
                Precision::Seconds => millis / 1000,
                Precision::Milliseconds => millis,
                Precision::Microseconds => millis.saturating_mul(1000),
                Precision::Nanoseconds => millis.saturating_mul(1_000_000),
            }),
            Kind::Date => {
                let days = i32::try_from(millis.div_euclid(MILLIS_PER_DAY)).map_err(|_| {
                    TransformError::data(format!("timestamp {millis} is out of the Date range"))
                })?;
                Value::Date(days)
            }
            Kind::Time => Value::Time(millis.rem_euclid(MILLIS_PER_DAY) as i32),
            Kind::Timestamp => Value::Timestamp(millis),
        })
    }

    fn apply_to_struct(
        &self,
        schema: &SchemaRef,
        value: &Value,
    ) -> Result<(Option<SchemaRef>, Value), TransformError> {
        let value = require_struct_or_null(value, PURPOSE)?;
        let updated = self
            .struct_plans
            .get_or_try_insert(schema, |schema| self.plan(schema))?
            .schema
            .clone();
        let converted = match value {
            Some(value) => Value::Struct(self.convert_struct(value, &updated)?),
            None => Value::Null,
        };
        Ok((Some(updated), converted))
    }

    /// What converting structs of `schema` takes, worked out once.
    fn plan(&self, schema: &Schema) -> Result<Arc<Plan>, TransformError> {
        let mut conversions = Vec::new();
        let mut in_place = true;
        for (position, field) in schema.fields().iter().enumerate() {
            in_place &= field.index == position;
            if field.name == self.field {
                match Kind::from_schema(&field.schema) {
                    Ok(kind) => conversions.push((position, kind)),
                    // Left to the record path, which fails with Kafka's message.
                    Err(_) => in_place = false,
                }
            }
        }
        Ok(Arc::new(Plan {
            schema: self.updated_schema(schema)?.into_ref(),
            conversions: conversions.into(),
            inputs: schema.fields().len(),
            in_place,
            defaults: uses_defaults(schema, self.replace_null_with_default),
        }))
    }

    /// Pushes the converted values of the plan's fields of `values` (a struct of `fields`) onto
    /// `converted`, in field order, before anything is moved.
    fn planned_conversions(
        &self,
        values: &[Value],
        fields: &[Field],
        plan: &Plan,
        converted: &mut SmallVec<[Value; 1]>,
    ) -> Result<(), TransformError> {
        for (position, kind) in plan.conversions.iter() {
            let Some(field) = fields.get(*position) else {
                continue;
            };
            let stored = values.get(field.index).unwrap_or(&Value::Null);
            let current = effective_value(stored, field, self.replace_null_with_default);
            converted.push(self.convert(current, Some(*kind))?);
        }
        Ok(())
    }

    /// Puts the converted values in place in `values` (a struct of `fields`); the other fields
    /// keep their values (null ones become their default when asked).
    fn put_conversions(
        &self,
        values: &mut [Value],
        fields: &[Field],
        plan: &Plan,
        converted: &mut SmallVec<[Value; 1]>,
    ) {
        if plan.defaults {
            for (value, field) in values.iter_mut().zip(fields) {
                default_if_null(value, field, self.replace_null_with_default);
            }
        }
        for ((position, _), converted) in plan.conversions.iter().zip(converted.drain(..)) {
            if let Some(slot) = values.get_mut(*position) {
                *slot = converted;
            }
        }
    }

    /// The struct schema with the field's schema replaced by the target type's; a struct
    /// default is converted too.
    fn updated_schema(&self, schema: &Schema) -> Result<Schema, TransformError> {
        let fields = schema
            .fields()
            .iter()
            .map(|field| Field {
                name: field.name.clone(),
                index: field.index,
                schema: if field.name == self.field {
                    self.target.schema(field.schema.optional)
                } else {
                    field.schema.clone()
                },
            })
            .collect();
        let mut updated = copy_schema_basics(schema, Type::Struct(fields));
        updated.optional = schema.optional;
        if let Some(Value::Struct(default)) = &schema.default {
            let without_default = updated.clone().into_ref();
            updated.default = Some(Value::Struct(
                self.convert_struct(default, &without_default)?,
            ));
        }
        Ok(updated)
    }

    fn convert_struct(
        &self,
        value: &Struct,
        updated: &SchemaRef,
    ) -> Result<Struct, TransformError> {
        let mut values = Vec::with_capacity(value.values().len());
        for field in value.schema().fields() {
            let field_value = field_value(value, field, self.replace_null_with_default);
            values.push(if field.name == self.field {
                self.convert(field_value, Some(Kind::from_schema(&field.schema)?))?
            } else {
                field_value.clone()
            });
        }
        Ok(Struct::from_values(updated.clone(), values)?)
    }

    /// The converted values of the fields named `field`, by index, as `convert_struct`
    /// converts them, before anything is moved out of the record.
    fn converted_fields(&self, value: &Struct) -> Result<Vec<(usize, Value)>, TransformError> {
        let mut converted = Vec::with_capacity(1);
        for field in value.schema().fields() {
            if field.name == self.field {
                let field_value = field_value(value, field, self.replace_null_with_default);
                let kind = Kind::from_schema(&field.schema)?;
                converted.push((field.index, self.convert(field_value, Some(kind))?));
            }
        }
        Ok(converted)
    }

    /// `convert_struct`'s values, moved out of `stored` instead of cloned.
    fn moved_values(
        &self,
        input: &Schema,
        mut stored: Vec<Value>,
        converted: Vec<(usize, Value)>,
    ) -> Vec<Value> {
        let mut converted = converted.into_iter().peekable();
        let mut values = Vec::with_capacity(stored.len());
        for field in input.fields() {
            values.push(
                match converted.next_if(|(index, _)| *index == field.index) {
                    Some((_, value)) => value,
                    None => take_field_value(&mut stored, field, self.replace_null_with_default),
                },
            );
        }
        values
    }

    fn apply_to_map(&self, value: &Value) -> Result<Value, TransformError> {
        let mut entries = require_map(value, PURPOSE)?.to_vec();
        let position = entries
            .iter()
            .position(|(key, _)| key.as_str() == Some(self.field.as_str()));
        match position {
            Some(index) => entries[index].1 = self.convert(&entries[index].1, None)?,
            None => entries.push((Value::string(self.field.as_str()), Value::Null)),
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
#[path = "timestamp_converter_tests.rs"]
mod tests;
