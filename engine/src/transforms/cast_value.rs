//! The value casts of [`Cast`](super::cast::Cast): Kafka's `Cast.castValueToType` and the
//! types it can cast to.

use sluice_codecs::{Schema, SchemaType, Type, Value};

use super::TransformError;
use super::util;
use crate::java_text;
use crate::values::convert_to_string;

const SUPPORTED_INPUTS: &str =
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";
const SUPPORTED_OUTPUTS: &str = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";

/// A type Cast can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
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
    pub(super) fn parse(text: &str) -> Result<Self, String> {
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

    pub(super) fn schema_type(self) -> Type {
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

/// Kafka's `Cast.castValueToType`: casts one value whose schema is `schema` (or, schemaless,
/// inferred from the value).
pub(super) fn cast_value(
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
