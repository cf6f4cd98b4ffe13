//! Avro default values (JSON in the schema) to Connect values, per the Avro specification's
//! table of default-value encodings: bytes and fixed are strings whose code points 0–255 are the
//! bytes, a union's default belongs to its first branch, records are objects.

use bytes::Bytes;
use serde_json::Value as Json;

use super::AvroError;
use super::node::{IntKind, Kind, LongKind, Node, UnionShape};
use crate::decimal::Decimal;
use crate::str::Str;
use crate::value::{Struct, Value};

fn invalid(node: &Node, json: &Json) -> AvroError {
    AvroError::Schema(format!(
        "default {json} is not a valid {}",
        node.kind.describe()
    ))
}

/// The Connect value of the Avro default `json` for a position of schema `node`.
pub(crate) fn value_from_json(node: &Node, json: &Json) -> Result<Value, AvroError> {
    let bad = || invalid(node, json);
    Ok(match &node.kind {
        Kind::Null => match json {
            Json::Null => Value::Null,
            _ => return Err(bad()),
        },
        Kind::Boolean => Value::Boolean(json.as_bool().ok_or_else(bad)?),
        Kind::Int(kind) => int_value(*kind, json.as_i64().ok_or_else(bad)?).ok_or_else(bad)?,
        Kind::Long(LongKind::Int64) => Value::Int64(json.as_i64().ok_or_else(bad)?),
        Kind::Long(LongKind::Timestamp) => Value::Timestamp(json.as_i64().ok_or_else(bad)?),
        Kind::Float => Value::Float32(json.as_f64().ok_or_else(bad)? as f32),
        Kind::Double => Value::Float64(json.as_f64().ok_or_else(bad)?),
        Kind::String => Value::String(Str::from(json.as_str().ok_or_else(bad)?)),
        Kind::Enum(node) => {
            let text = json.as_str().ok_or_else(bad)?;
            let symbol = node.symbols.iter().find(|s| s.as_str() == text);
            Value::String(symbol.cloned().ok_or_else(bad)?)
        }
        Kind::Bytes | Kind::Fixed(..) => Value::Bytes(latin1(json).ok_or_else(bad)?),
        Kind::Decimal { scale, .. } => {
            Value::Decimal(Decimal::new(latin1(json).ok_or_else(bad)?, *scale))
        }
        Kind::Array(items) => {
            let elements = json.as_array().ok_or_else(bad)?;
            let values = elements.iter().map(|e| value_from_json(items, e));
            Value::Array(values.collect::<Result<_, _>>()?)
        }
        Kind::Map(values) => {
            let object = json.as_object().ok_or_else(bad)?;
            let entries = object.iter().map(|(key, value)| {
                Ok((
                    Value::String(Str::from(key.as_str())),
                    value_from_json(values, value)?,
                ))
            });
            Value::Map(entries.collect::<Result<_, AvroError>>()?)
        }
        Kind::MapEntries(key, value) => {
            let entries = json.as_array().ok_or_else(bad)?;
            let pairs = entries.iter().map(|entry| {
                let (k, v) = match entry {
                    Json::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
                    Json::Object(object) => (
                        object.get("key").ok_or_else(bad)?,
                        object.get("value").ok_or_else(bad)?,
                    ),
                    _ => return Err(bad()),
                };
                Ok((value_from_json(key, k)?, value_from_json(value, v)?))
            });
            Value::Map(pairs.collect::<Result<_, AvroError>>()?)
        }
        Kind::Record(record) => {
            let object = json.as_object().ok_or_else(bad)?;
            let mut values = Vec::with_capacity(record.fields.len());
            for field in &record.fields {
                let value = object
                    .get(&field.name)
                    .or(field.default.as_ref())
                    .ok_or_else(bad)?;
                values.push(value_from_json(&field.node, value)?);
            }
            let record = Struct::from_values(node.connect.clone(), values).map_err(|_| bad())?;
            Value::Struct(record)
        }
        Kind::Union(union) => {
            let first = union.branches.first().ok_or_else(bad)?;
            let value = value_from_json(first, json)?;
            match &union.shape {
                UnionShape::Optional { .. } => value,
                UnionShape::Struct { fields } => match fields.first().copied().flatten() {
                    None => Value::Null,
                    Some(field) => wrap_union(node, field, value)?,
                },
            }
        }
        Kind::Cut(_) => return Err(bad()),
    })
}

/// The union struct of `union_node` with field `field` set to `value`.
pub(crate) fn wrap_union(
    union_node: &Node,
    field: usize,
    value: Value,
) -> Result<Value, AvroError> {
    let len = union_node.connect.fields().len();
    let mut values = vec![Value::Null; len];
    values[field] = value;
    Struct::from_values(union_node.connect.clone(), values)
        .map(Value::Struct)
        .map_err(|error| AvroError::Schema(error.to_string()))
}

/// The Connect value of an `int` for its Connect kind, when it fits.
pub(crate) fn int_value(kind: IntKind, value: i64) -> Option<Value> {
    Some(match kind {
        IntKind::Int8 => Value::Int8(i8::try_from(value).ok()?),
        IntKind::Int16 => Value::Int16(i16::try_from(value).ok()?),
        IntKind::Int32 => Value::Int32(i32::try_from(value).ok()?),
        IntKind::Date => Value::Date(i32::try_from(value).ok()?),
        IntKind::Time => Value::Time(i32::try_from(value).ok()?),
    })
}

/// Bytes from a JSON string of code points 0–255.
fn latin1(json: &Json) -> Option<Bytes> {
    let text = json.as_str()?;
    let bytes: Option<Vec<u8>> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    bytes.map(Bytes::from)
}
