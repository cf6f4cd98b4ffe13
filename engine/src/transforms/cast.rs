//! `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: casts top-level fields, or the whole
//! key or value, to another primitive type.

use std::sync::Arc;

use sluice_codecs::{Schema, SchemaRef, SchemaType, Type, Value};
use smallvec::SmallVec;

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, Transform, TransformError};
use crate::java_text;
use crate::values::convert_to_string;

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.Cast";
const SPEC: &str = "spec";
const PURPOSE: &str = "cast types";
const SUPPORTED_INPUTS: &str =
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";
const SUPPORTED_OUTPUTS: &str = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";

/// A type Cast can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
}

impl Target {
    /// Parses a spec type as `Schema.Type.valueOf(upper-case)` and checks it is an output type.
    fn parse(text: &str) -> Result<Self, String> {
        let upper = text.to_ascii_uppercase();
        Ok(match upper.as_str() {
            "INT8" => Self::Int8,
            "INT16" => Self::Int16,
            "INT32" => Self::Int32,
            "INT64" => Self::Int64,
            "FLOAT32" => Self::Float32,
            "FLOAT64" => Self::Float64,
            "BOOLEAN" => Self::Boolean,
            "STRING" => Self::String,
            "BYTES" | "ARRAY" | "MAP" | "STRUCT" => {
                return Err(format!(
                    "Cast transformation does not support casting to {upper}; supported types \
                     are {SUPPORTED_OUTPUTS}"
                ));
            }
            _ => return Err(format!("Invalid type found in casting spec: {text}")),
        })
    }

    fn schema_type(self) -> Type {
        match self {
            Self::Int8 => Type::Int8,
            Self::Int16 => Type::Int16,
            Self::Int32 => Type::Int32,
            Self::Int64 => Type::Int64,
            Self::Float32 => Type::Float32,
            Self::Float64 => Type::Float64,
            Self::Boolean => Type::Boolean,
            Self::String => Type::String,
        }
    }
}

/// What to cast: the whole key/value, or named top-level fields.
#[derive(Debug, Clone, PartialEq)]
enum CastSpec {
    Whole(Target),
    Fields(Vec<(String, Target)>),
}

/// Parses `spec` as Kafka's `Cast.parseFieldTypes`, with its messages.
fn parse_spec(items: &[String]) -> Result<CastSpec, String> {
    if items.is_empty() {
        return Err("Must specify at least one field to cast.".to_owned());
    }
    let mut whole = None;
    let mut fields: Vec<(String, Target)> = Vec::new();
    for mapping in items {
        match util::java_split_colon(mapping).as_slice() {
            [target] => whole = Some(Target::parse(target.trim())?),
            [name, target] => {
                let target = Target::parse(target.trim())?;
                let name = name.trim();
                fields.retain(|(known, _)| known != name);
                fields.push((name.to_owned(), target));
            }
            _ => return Err(format!("Invalid rename mapping: {mapping}")),
        }
    }
    match whole {
        Some(_) if items.len() > 1 => Err("Cast transformations that specify a type to cast the \
             entire value to may ony specify a single cast in their spec"
            .to_owned()),
        Some(target) => Ok(CastSpec::Whole(target)),
        None => Ok(CastSpec::Fields(fields)),
    }
}

/// Cast's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(SPEC, ConfigType::List)
                .validator(Validator::custom(|value| match value {
                    ConfigValue::List(items) => parse_spec(items).map(|_| ()),
                    _ => Ok(()),
                }))
                .importance(Importance::High)
                .doc(
                    "List of fields and the type to cast them to of the form field1:type,\
                     field2:type to cast fields of Maps or Structs. A single type to cast the \
                     entire value. Valid types are int8, int16, int32, int64, float32, float64, \
                     boolean, and string. Note that binary fields can only be cast to string.",
                ),
        )
        .define(util::replace_null_with_default_key())
}

/// Builds `Cast$Key` or `Cast$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let items = config.list(SPEC);
    let spec =
        parse_spec(items).map_err(|reason| ConfigError::invalid(SPEC, items.join(","), reason))?;
    Ok(Box::new(Cast {
        part,
        spec,
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    }))
}

/// What Cast derived from an input schema: the output schema, the target of each input field
/// and how each output value is checked.
struct Plan {
    schema: SchemaRef,
    targets: Box<[Option<Target>]>,
    checks: Box<[util::ValueCheck]>,
    /// The position and target of each cast field.
    cast_positions: Box<[(usize, Target)]>,
    /// Whether every input field's index is its position, so values can be cast in place.
    positional: bool,
    /// Whether a null may read as its field's default.
    defaults: bool,
}

/// Cast values of one struct, kept inline for the few fields a spec usually names.
type Casts = SmallVec<[Value; 4]>;

/// `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: casts fields, or the whole key or
/// value, to `int8`…`float64`, `boolean` or `string`.
pub struct Cast {
    part: RecordPart,
    spec: CastSpec,
    replace_null_with_default: bool,
    cache: SchemaCache<Arc<Plan>>,
}

impl Transform for Cast {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        if value.is_null() {
            return Ok(Outcome::Keep);
        }
        let (schema, value) = match schema {
            None => (None, self.cast_schemaless(value)?),
            Some(schema) => {
                let plan = self
                    .cache
                    .get_or_try_insert(schema, |schema| self.derive(schema))?;
                let fits = match value {
                    Value::Struct(original) => {
                        SchemaRef::ptr_eq(original.schema(), schema)
                            || self
                                .cache
                                .get(original.schema())
                                .is_some_and(|other| Arc::ptr_eq(&other, &plan))
                    }
                    _ => false,
                };
                // Filled in place: returning the inline values would copy them.
                let mut casts = Casts::new();
                if fits && self.checked_casts(value, &plan, &mut casts)? {
                    self.cast_in_place(record, &plan, &mut casts)?;
                    return Ok(Outcome::Keep);
                }
                let value = self.cast_with_schema(schema, value, &plan)?;
                (Some(SchemaRef::clone(&plan.schema)), value)
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }
}

impl Cast {
    fn cast_schemaless(&self, value: &Value) -> Result<Value, TransformError> {
        let fields = match &self.spec {
            CastSpec::Whole(target) => return cast_value(None, value, *target),
            CastSpec::Fields(fields) => fields,
        };
        let original = util::require_map(value, PURPOSE)?;
        let mut updated = original.to_vec();
        for (name, target) in fields {
            let field = util::map_get(original, name).unwrap_or(&Value::Null);
            util::map_put(&mut updated, name, cast_value(None, field, *target)?);
        }
        Ok(Value::Map(updated))
    }

    /// For a per-field spec: pushes the cast values of the cast fields onto `casts` in field
    /// order and tells whether they and every kept value are valid for the plan's output
    /// fields, so the struct can be rebuilt in place without re-validating it. False for a
    /// whole-value spec or when something is invalid.
    fn checked_casts(
        &self,
        value: &Value,
        plan: &Plan,
        casts: &mut Casts,
    ) -> Result<bool, TransformError> {
        if let CastSpec::Whole(_) = self.spec {
            return Ok(false);
        }
        let original = util::require_struct(value, PURPOSE)?;
        let fields = original.schema().fields();
        let outputs = plan.schema.fields();
        let values = original.values();
        if !plan.positional
            || fields.len() != outputs.len()
            || values.len() != fields.len()
            || plan.targets.len() != fields.len()
        {
            return Ok(false);
        }
        let mut valid = true;
        for (((stored, field), (output, check)), target) in values
            .iter()
            .zip(fields)
            .zip(outputs.iter().zip(plan.checks.iter()))
            .zip(plan.targets.iter())
        {
            let current = util::effective_value(stored, field, plan.defaults);
            match *target {
                Some(target) => {
                    let cast = cast_value(Some(&field.schema), current, target)?;
                    valid &= check.passes(&cast, &output.schema);
                    casts.push(cast);
                }
                None => valid &= check.passes(current, &output.schema),
            }
        }
        Ok(valid)
    }

    /// Puts `casts` (from [`Cast::checked_casts`]) in place of the cast fields' values in the
    /// record's own value vector, under the plan's output schema.
    fn cast_in_place(
        &self,
        record: &mut Record,
        plan: &Plan,
        casts: &mut Casts,
    ) -> Result<(), TransformError> {
        let (input, mut values) = util::take_struct(record, self.part);
        if !plan.defaults {
            for ((position, _), cast) in plan.cast_positions.iter().zip(casts.drain(..)) {
                if let Some(slot) = values.get_mut(*position) {
                    *slot = cast;
                }
            }
            return self.put_cast(record, plan, values);
        }
        let mut casts = casts.drain(..);
        for ((value, field), target) in values
            .iter_mut()
            .zip(input.fields())
            .zip(plan.targets.iter())
        {
            match target {
                Some(_) => {
                    if let Some(cast) = casts.next() {
                        *value = cast;
                    }
                }
                None => util::default_if_null(value, field, self.replace_null_with_default),
            }
        }
        self.put_cast(record, plan, values)
    }

    /// Puts the cast values back under the plan's output schema.
    fn put_cast(
        &self,
        record: &mut Record,
        plan: &Plan,
        values: Vec<Value>,
    ) -> Result<(), TransformError> {
        util::set_checked_struct(record, self.part, &plan.schema, values)
    }

    fn cast_with_schema(
        &self,
        schema: &Schema,
        value: &Value,
        derived: &Plan,
    ) -> Result<Value, TransformError> {
        if let CastSpec::Whole(target) = self.spec {
            return cast_value(Some(schema), value, target);
        }
        let original = util::require_struct(value, PURPOSE)?;
        let mut values = Vec::with_capacity(original.values().len());
        for field in original.schema().fields() {
            let current = util::field_value(original, field, self.replace_null_with_default);
            values.push(match derived.targets.get(field.index).copied().flatten() {
                Some(target) => cast_value(Some(&field.schema), current, target)?,
                None => current.clone(),
            });
        }
        Ok(Value::Struct(util::build_struct(
            SchemaRef::clone(&derived.schema),
            values,
        )?))
    }

    /// Kafka's `getOrBuildSchema`, called once per input schema.
    fn derive(&self, schema: &Schema) -> Result<Arc<Plan>, TransformError> {
        let (mut updated, targets) = match &self.spec {
            CastSpec::Whole(target) => {
                // A logical type's name must not label the cast value (an INT64 named
                // Timestamp would hold a plain long), so only other schemas keep their basics.
                let mut updated = if schema.logical_type().is_some() {
                    Schema::new(target.schema_type())
                } else {
                    util::copy_schema_basics(schema, target.schema_type())
                };
                updated.default = cast_default(schema, *target)?;
                (updated, Vec::new())
            }
            CastSpec::Fields(fields) => derive_fields(schema, fields)?,
        };
        updated.optional = schema.optional;
        let updated = updated.into_ref();
        Ok(Arc::new(Plan {
            checks: util::ValueCheck::of_fields(&updated),
            schema: updated,
            cast_positions: targets
                .iter()
                .enumerate()
                .filter_map(|(position, target)| Some((position, (*target)?)))
                .collect(),
            targets: targets.into(),
            positional: util::positional(schema),
            defaults: util::uses_defaults(schema, self.replace_null_with_default),
        }))
    }
}

/// The struct schema with the listed fields cast, and each field's target. A default on the
/// struct itself is dropped: Kafka cannot cast a Struct default and fails instead.
fn derive_fields(
    schema: &Schema,
    casts: &[(String, Target)],
) -> Result<(Schema, Vec<Option<Target>>), TransformError> {
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut targets = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let target = casts
            .iter()
            .find(|(name, _)| *name == field.name)
            .map(|(_, target)| *target);
        let field_schema = match target {
            Some(target) => {
                let mut cast = Schema::new(target.schema_type());
                cast.optional = field.schema.optional;
                cast.default = cast_default(&field.schema, target)?;
                cast.into_ref()
            }
            None => SchemaRef::clone(&field.schema),
        };
        fields.push((field.name.clone(), field_schema));
        targets.push(target);
    }
    let updated = util::copy_schema_basics(schema, util::struct_type(fields)?);
    Ok((updated, targets))
}

fn cast_default(schema: &Schema, target: Target) -> Result<Option<Value>, TransformError> {
    schema
        .default
        .as_ref()
        .map(|default| cast_value(Some(schema), default, target))
        .transpose()
}

/// Kafka's `Cast.castValueToType`: casts one value whose schema is `schema` (or, schemaless,
/// inferred from the value).
fn cast_value(
    schema: Option<&Schema>,
    value: &Value,
    target: Target,
) -> Result<Value, TransformError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let input = match schema {
        Some(schema) => schema.schema_type(),
        None => inferred_type(value)?,
    };
    if !input.is_primitive() {
        return Err(TransformError::data(format!(
            "Cast transformation does not support casting from {input}; supported types are \
             {SUPPORTED_INPUTS}"
        )));
    }
    let encoded = match (value, target) {
        (_, Target::String) => value.clone(),
        (Value::Date(days), _) => Value::Int32(*days),
        (Value::Time(millis), _) => Value::Int32(*millis),
        (Value::Timestamp(millis), _) => Value::Int64(*millis),
        _ => value.clone(),
    };
    match target {
        Target::Int8 | Target::Int16 | Target::Int32 | Target::Int64 => {
            cast_integer(&encoded, target)
        }
        Target::Float32 => cast_float32(&encoded).map(Value::Float32),
        Target::Float64 => cast_float64(&encoded).map(Value::Float64),
        Target::Boolean => cast_boolean(&encoded).map(Value::Boolean),
        Target::String => Ok(Value::string(cast_string(&encoded)?)),
    }
}

/// Connect's `ConnectSchema.schemaType(value.getClass())` for a schemaless value.
fn inferred_type(value: &Value) -> Result<SchemaType, TransformError> {
    Ok(match value {
        Value::Boolean(_) => SchemaType::Boolean,
        Value::Int8(_) => SchemaType::Int8,
        Value::Int16(_) => SchemaType::Int16,
        Value::Int32(_) => SchemaType::Int32,
        Value::Int64(_) => SchemaType::Int64,
        Value::Float32(_) => SchemaType::Float32,
        Value::Float64(_) => SchemaType::Float64,
        Value::String(_) => SchemaType::String,
        Value::Bytes(_) => SchemaType::Bytes,
        Value::Array(_) => SchemaType::Array,
        Value::Map(_) => SchemaType::Map,
        Value::Struct(_) => SchemaType::Struct,
        other => {
            return Err(TransformError::data(format!(
                "Cast transformation was passed a value of type {} which is not supported by \
                 Connect's data API",
                util::java_class(other)
            )));
        }
    })
}

fn unexpected(value: &Value) -> TransformError {
    TransformError::data(format!(
        "Unexpected type in Cast transformation: {}",
        util::java_class(value)
    ))
}

fn out_of_range(text: &str) -> TransformError {
    TransformError::data(format!(
        "Value ({text}) was out of range for requested data type"
    ))
}

/// `Number.byteValue()`…`longValue()`, `true`→1, or `Byte.parseByte`…`Long.parseLong`.
fn cast_integer(value: &Value, target: Target) -> Result<Value, TransformError> {
    // Java narrows a float through int (saturating) for byte/short/int, and through long for long.
    let float_wide = |float: f64| {
        if target == Target::Int64 {
            float as i64
        } else {
            i64::from(float as i32)
        }
    };
    let wide = match value {
        Value::Int8(n) => i64::from(*n),
        Value::Int16(n) => i64::from(*n),
        Value::Int32(n) => i64::from(*n),
        Value::Int64(n) => *n,
        Value::Float32(f) => float_wide(f64::from(*f)),
        Value::Float64(f) => float_wide(*f),
        Value::Decimal(decimal) => java_text::decimal_long_value(decimal),
        Value::Boolean(flag) => i64::from(*flag),
        Value::String(text) => return parse_integer(text, target),
        other => return Err(unexpected(other)),
    };
    Ok(match target {
        Target::Int8 => Value::Int8(wide as i8),
        Target::Int16 => Value::Int16(wide as i16),
        Target::Int32 => Value::Int32(wide as i32),
        _ => Value::Int64(wide),
    })
}

fn parse_integer(text: &str, target: Target) -> Result<Value, TransformError> {
    let parsed = match target {
        Target::Int8 => text.parse().map(Value::Int8).ok(),
        Target::Int16 => text.parse().map(Value::Int16).ok(),
        Target::Int32 => text.parse().map(Value::Int32).ok(),
        _ => text.parse().map(Value::Int64).ok(),
    };
    parsed.ok_or_else(|| out_of_range(text))
}

fn cast_float32(value: &Value) -> Result<f32, TransformError> {
    Ok(match value {
        Value::Int8(n) => f32::from(*n),
        Value::Int16(n) => f32::from(*n),
        Value::Int32(n) => *n as f32,
        Value::Int64(n) => *n as f32,
        Value::Float32(f) => *f,
        Value::Float64(f) => *f as f32,
        Value::Decimal(decimal) => decimal.to_string().parse().unwrap_or(f32::NAN),
        Value::Boolean(flag) => f32::from(u8::from(*flag)),
        Value::String(text) => java_text::parse_float(text).ok_or_else(|| out_of_range(text))?,
        other => return Err(unexpected(other)),
    })
}

fn cast_float64(value: &Value) -> Result<f64, TransformError> {
    Ok(match value {
        Value::Int8(n) => f64::from(*n),
        Value::Int16(n) => f64::from(*n),
        Value::Int32(n) => f64::from(*n),
        Value::Int64(n) => *n as f64,
        Value::Float32(f) => f64::from(*f),
        Value::Float64(f) => *f,
        Value::Decimal(decimal) => decimal.to_f64(),
        Value::Boolean(flag) => f64::from(u8::from(*flag)),
        Value::String(text) => java_text::parse_double(text).ok_or_else(|| out_of_range(text))?,
        other => return Err(unexpected(other)),
    })
}

/// `Number.longValue() != 0`, the boolean itself, or `Boolean.parseBoolean`.
fn cast_boolean(value: &Value) -> Result<bool, TransformError> {
    Ok(match value {
        Value::Int8(n) => *n != 0,
        Value::Int16(n) => *n != 0,
        Value::Int32(n) => *n != 0,
        Value::Int64(n) => *n != 0,
        Value::Float32(f) => *f as i64 != 0,
        Value::Float64(f) => *f as i64 != 0,
        Value::Decimal(decimal) => java_text::decimal_long_value(decimal) != 0,
        Value::Boolean(flag) => *flag,
        Value::String(text) => text.eq_ignore_ascii_case("true"),
        other => return Err(unexpected(other)),
    })
}

/// Java's `toString`, ISO patterns for dates and base64 for bytes: for the primitive and logical
/// types Cast accepts, exactly what Connect's `Values.convertToString` writes.
fn cast_string(value: &Value) -> Result<String, TransformError> {
    match value {
        Value::Array(_) | Value::Map(_) | Value::Struct(_) => Err(unexpected(value)),
        scalar => convert_to_string(None, scalar).ok_or_else(|| unexpected(scalar)),
    }
}

#[cfg(test)]
#[path = "cast_tests.rs"]
mod tests;
