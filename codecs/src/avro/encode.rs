//! Connect value → Avro binary, driven by the compiled [`Node`] plan.
//!
//! Encoding is lenient where no information is lost: any Connect integer variant that fits is
//! accepted for `int`/`long`, FLOAT32 for `double`, and struct values are matched by field
//! position (their Connect schema is not compared, so values of the original Connect schema
//! encode with the Avro schema derived from it).

use crate::cursor::write_zigzag;
use crate::value::Value;

use super::node::{Kind, Node, UnionShape};
use super::{AvroError, MAX_DEPTH};

fn mismatch(node: &Node, value: &Value) -> AvroError {
    AvroError::ValueMismatch {
        expected: node.kind.describe().into_boxed_str(),
        found: value.kind(),
    }
}

fn as_i64(value: &Value) -> Option<i64> {
    Some(match value {
        Value::Int8(v) => i64::from(*v),
        Value::Int16(v) => i64::from(*v),
        Value::Int32(v) | Value::Date(v) | Value::Time(v) => i64::from(*v),
        Value::Int64(v) | Value::Timestamp(v) => *v,
        _ => return None,
    })
}

fn write_len(out: &mut Vec<u8>, len: usize) {
    write_zigzag(out, len as i64);
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// Appends the encoding of `value` at position `node`.
pub(crate) fn encode(
    node: &Node,
    value: &Value,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), AvroError> {
    match (&node.kind, value) {
        (Kind::Null, Value::Null) => {}
        (Kind::Boolean, Value::Boolean(b)) => out.push(u8::from(*b)),
        (Kind::Int(_), _) => {
            let wide = as_i64(value).ok_or_else(|| mismatch(node, value))?;
            let narrow = i32::try_from(wide).map_err(|_| AvroError::IntOutOfRange {
                value: wide,
                expected: "int",
            })?;
            write_zigzag(out, i64::from(narrow));
        }
        (Kind::Long(_), _) => {
            write_zigzag(out, as_i64(value).ok_or_else(|| mismatch(node, value))?)
        }
        (Kind::Float, Value::Float32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Double, Value::Float64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Double, Value::Float32(v)) => out.extend_from_slice(&f64::from(*v).to_le_bytes()),
        (Kind::String, Value::String(text)) => write_bytes(out, text.as_bytes()),
        (Kind::Bytes, Value::Bytes(bytes)) => write_bytes(out, bytes),
        (Kind::Fixed(_, size), Value::Bytes(bytes)) if bytes.len() == *size => {
            out.extend_from_slice(bytes)
        }
        (Kind::Decimal { scale, fixed }, Value::Decimal(decimal)) if decimal.scale() == *scale => {
            let unscaled = decimal.unscaled_bytes();
            match fixed {
                None => write_bytes(out, unscaled),
                Some(size) => {
                    sign_extend(out, unscaled, *size).ok_or_else(|| mismatch(node, value))?
                }
            }
        }
        (Kind::Enum(node_enum), Value::String(text)) => {
            let index = node_enum
                .symbols
                .iter()
                .position(|s| s.as_str() == text.as_str());
            write_len(out, index.ok_or_else(|| mismatch(node, value))?);
        }
        _ => return encode_container(node, value, out, depth),
    }
    Ok(())
}

fn encode_container(
    node: &Node,
    value: &Value,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), AvroError> {
    if depth >= MAX_DEPTH {
        return Err(AvroError::RecursionLimit(format!(
            "more than {MAX_DEPTH} levels"
        )));
    }
    let depth = depth + 1;
    match (&node.kind, value) {
        (Kind::Array(items), Value::Array(elements)) => {
            if !elements.is_empty() {
                write_len(out, elements.len());
                for element in elements {
                    encode(items, element, out, depth)?;
                }
            }
            out.push(0);
        }
        (Kind::Map(values), Value::Map(entries)) => {
            if !entries.is_empty() {
                write_len(out, entries.len());
                for (key, entry) in entries {
                    let Value::String(key) = key else {
                        return Err(mismatch(node, key));
                    };
                    write_bytes(out, key.as_bytes());
                    encode(values, entry, out, depth)?;
                }
            }
            out.push(0);
        }
        (Kind::MapEntries(key_node, value_node), Value::Map(entries)) => {
            if !entries.is_empty() {
                write_len(out, entries.len());
                for (key, entry) in entries {
                    encode(key_node, key, out, depth)?;
                    encode(value_node, entry, out, depth)?;
                }
            }
            out.push(0);
        }
        (Kind::Record(record), Value::Struct(value)) => {
            let values = value.values();
            if values.len() != record.fields.len() {
                return Err(mismatch(node, &Value::Struct(value.clone())));
            }
            for (field, value) in record.fields.iter().zip(values) {
                encode(&field.node, value, out, depth)?;
            }
        }
        (Kind::Union(union), _) => {
            encode_union(node, &union.branches, &union.shape, value, out, depth)?
        }
        (Kind::Cut(name), _) => {
            return Err(AvroError::RecursionLimit(format!("recursive type {name}")));
        }
        _ => return Err(mismatch(node, value)),
    }
    Ok(())
}

fn encode_union(
    node: &Node,
    branches: &[Node],
    shape: &UnionShape,
    value: &Value,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), AvroError> {
    match shape {
        UnionShape::Optional { null } => {
            if value.is_null() {
                write_len(out, *null);
            } else {
                let other = 1 - *null;
                write_len(out, other);
                encode(&branches[other], value, out, depth)?;
            }
        }
        UnionShape::Struct { fields } => {
            let set = match value {
                Value::Null => None,
                Value::Struct(record) => record.values().iter().position(|v| !v.is_null()),
                _ => return Err(mismatch(node, value)),
            };
            let branch = fields.iter().position(|field| *field == set);
            let branch = branch.ok_or_else(|| mismatch(node, value))?;
            write_len(out, branch);
            if let (Some(field), Value::Struct(record)) = (set, value) {
                encode(&branches[branch], &record.values()[field], out, depth)?;
            }
        }
    }
    Ok(())
}

/// Writes `unscaled` sign-extended to `size` bytes; `None` when it does not fit.
fn sign_extend(out: &mut Vec<u8>, unscaled: &[u8], size: usize) -> Option<()> {
    let pad = size.checked_sub(unscaled.len())?;
    let fill = if unscaled.first().is_some_and(|b| b & 0x80 != 0) {
        0xff
    } else {
        0x00
    };
    out.extend(std::iter::repeat_n(fill, pad));
    out.extend_from_slice(unscaled);
    Some(())
}
