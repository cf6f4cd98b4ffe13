//! Connect values → protobuf bytes, following a compiled plan.
//!
//! Nested messages are written in place after a one-byte length placeholder, which is
//! back-patched (shifting the body only when the length needs more than one byte), so there is
//! no size pass and no copy per nesting level for small messages.

use super::logical::{write_date, write_decimal, write_time};
use super::plan::{Card, FieldPlan, I32, I64, Kind, LEN, Plans, ProtobufCodec, VARINT};
use super::{MAX_DEPTH, ProtobufError};
use crate::cursor::{write_varint, zigzag_encode};
use crate::value::Value;

impl ProtobufCodec {
    /// Appends the protobuf encoding of `value`, a `STRUCT` of [`Self::schema`] (or any struct
    /// with the same fields in the same order), to `out`.
    ///
    /// Null fields are not written; proto3 fields without presence are not written when they
    /// hold their default; repeated scalars are packed unless the descriptor says otherwise.
    pub fn encode_into(&self, value: &Value, out: &mut Vec<u8>) -> Result<(), ProtobufError> {
        let encoder = Encoder { plans: &self.plans };
        encoder.message(self.root, value, out, 0)
    }

    /// The protobuf encoding of `value` in a new buffer; see [`Self::encode_into`].
    pub fn encode(&self, value: &Value) -> Result<Vec<u8>, ProtobufError> {
        let mut out = Vec::new();
        self.encode_into(value, &mut out)?;
        Ok(out)
    }
}

struct Encoder<'a> {
    plans: &'a Plans,
}

fn mismatch(field: &str, expected: &'static str, found: &Value) -> ProtobufError {
    ProtobufError::Mismatch {
        field: field.to_owned(),
        expected,
        found: found.kind(),
    }
}

#[inline]
fn write_key(out: &mut Vec<u8>, number: u32, wire: u8) {
    write_varint(out, (u64::from(number) << 3) | u64::from(wire));
}

/// Reserves one byte for a length; returns where the body starts.
#[inline]
fn begin(out: &mut Vec<u8>) -> usize {
    out.push(0);
    out.len()
}

/// Writes the body length before the body that started at `start`.
#[inline]
fn end(out: &mut Vec<u8>, start: usize) {
    let len = out.len() - start;
    if len < 0x80 {
        out[start - 1] = len as u8;
        return;
    }
    let mut prefix = Vec::with_capacity(10);
    write_varint(&mut prefix, len as u64);
    let extra = prefix.len() - 1;
    out.resize(out.len() + extra, 0);
    out.copy_within(start..start + len, start + extra);
    out[start - 1..start + extra].copy_from_slice(&prefix);
}

impl Encoder<'_> {
    fn message(
        &self,
        id: usize,
        value: &Value,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), ProtobufError> {
        let plan = &self.plans.messages[id];
        let values = match value {
            Value::Struct(record) if record.values().len() == plan.template.len() => {
                record.values()
            }
            other => return Err(mismatch(&plan.full_name, "STRUCT", other)),
        };
        for &position in &plan.encode_order {
            let field = &plan.fields[position];
            let value = match (&values[field.slot], field.member) {
                (value, None) => value,
                (Value::Null, Some(_)) => continue,
                (Value::Struct(union), Some(member)) => match union.values().get(member) {
                    Some(value) => value,
                    None => return Err(mismatch(&field.name, "oneof STRUCT", &values[field.slot])),
                },
                (other, Some(_)) => return Err(mismatch(&field.name, "oneof STRUCT", other)),
            };
            if !value.is_null() {
                self.field(field, value, out, depth)?;
            }
        }
        Ok(())
    }

    fn field(
        &self,
        field: &FieldPlan,
        value: &Value,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), ProtobufError> {
        match field.card {
            Card::Implicit if is_default(field.kind, value, self.plans) => {}
            Card::Implicit | Card::Explicit => {
                write_key(out, field.number, field.kind.wire_type());
                self.single(field, field.kind, value, out, depth)?;
            }
            Card::Repeated { packed } => {
                let Value::Array(items) = value else {
                    return Err(mismatch(&field.name, "ARRAY", value));
                };
                if packed && field.kind.packable() {
                    if !items.is_empty() {
                        write_key(out, field.number, LEN);
                        let start = begin(out);
                        for item in items {
                            self.single(field, field.kind, item, out, depth)?;
                        }
                        end(out, start);
                    }
                } else {
                    for item in items {
                        write_key(out, field.number, field.kind.wire_type());
                        self.single(field, field.kind, item, out, depth)?;
                    }
                }
            }
            Card::Map { key } => {
                let Value::Map(entries) = value else {
                    return Err(mismatch(&field.name, "MAP", value));
                };
                for (k, v) in entries {
                    write_key(out, field.number, LEN);
                    let start = begin(out);
                    write_key(out, 1, key.wire_type());
                    self.single(field, key, k, out, depth)?;
                    if !v.is_null() {
                        write_key(out, 2, field.kind.wire_type());
                        self.single(field, field.kind, v, out, depth)?;
                    }
                    end(out, start);
                }
            }
        }
        Ok(())
    }

    /// Writes one value of `kind` without its key.
    fn single(
        &self,
        field: &FieldPlan,
        kind: Kind,
        value: &Value,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), ProtobufError> {
        match (kind, value) {
            (Kind::String, Value::String(text)) => {
                write_varint(out, text.len() as u64);
                out.extend_from_slice(text.as_bytes());
            }
            (Kind::Bytes, Value::Bytes(bytes)) => {
                write_varint(out, bytes.len() as u64);
                out.extend_from_slice(bytes);
            }
            (Kind::Message(id), _) => {
                if depth + 1 >= MAX_DEPTH {
                    return Err(ProtobufError::TooDeep);
                }
                let start = begin(out);
                self.message(id, value, out, depth + 1)?;
                end(out, start);
            }
            (Kind::Timestamp, Value::Timestamp(millis) | Value::Int64(millis)) => {
                let start = begin(out);
                write_timestamp(out, *millis);
                end(out, start);
            }
            (Kind::Decimal { .. }, Value::Decimal(decimal)) => {
                let start = begin(out);
                write_decimal(out, decimal);
                end(out, start);
            }
            (Kind::Date, Value::Date(days) | Value::Int32(days)) => {
                let start = begin(out);
                write_date(out, *days);
                end(out, start);
            }
            (Kind::Time, Value::Time(millis) | Value::Int32(millis)) => {
                let start = begin(out);
                write_time(out, *millis)?;
                end(out, start);
            }
            (Kind::Wrapper(wrapped), _) => {
                // The value is checked even when it is the default, which is not written.
                let inner = wrapped.kind();
                let start = begin(out);
                let mark = out.len();
                write_key(out, 1, inner.wire_type());
                self.single(field, inner, value, out, depth)?;
                if is_default(inner, value, self.plans) {
                    out.truncate(mark);
                }
                end(out, start);
            }
            (Kind::Enum(e), Value::String(symbol)) => {
                let number = self.plans.enums[e].number(symbol).ok_or_else(|| {
                    ProtobufError::UnknownEnumSymbol {
                        field: field.name.clone(),
                        symbol: symbol.to_string(),
                    }
                })?;
                write_varint(out, i64::from(number) as u64);
            }
            _ => scalar(field, kind, value, out)?,
        }
        Ok(())
    }
}

/// Writes a varint or fixed-width value.
fn scalar(
    field: &FieldPlan,
    kind: Kind,
    value: &Value,
    out: &mut Vec<u8>,
) -> Result<(), ProtobufError> {
    if let Kind::Narrow { wire, .. } = kind {
        return scalar(field, wire.kind(), value, out);
    }
    let wrong = |expected| mismatch(&field.name, expected, value);
    match kind.wire_type() {
        VARINT => {
            let raw = match (kind, value) {
                (Kind::Bool, Value::Boolean(b)) => u64::from(*b),
                (Kind::Int32 | Kind::Enum(_), _) => {
                    as_i32(value).ok_or_else(|| wrong("INT32"))? as i64 as u64
                }
                (Kind::Sint32, _) => {
                    zigzag_encode(i64::from(as_i32(value).ok_or_else(|| wrong("INT32"))?))
                }
                (Kind::Sint64, _) => zigzag_encode(as_i64(value).ok_or_else(|| wrong("INT64"))?),
                (Kind::Uint32, _) => {
                    u64::from(as_u32(value).ok_or_else(|| wrong("INT64 in 0..=4294967295"))?)
                }
                (Kind::Int64 | Kind::Uint64, _) => {
                    as_i64(value).ok_or_else(|| wrong("INT64"))? as u64
                }
                _ => return Err(wrong(expected_name(kind))),
            };
            write_varint(out, raw);
        }
        I64 => {
            let bits = match (kind, value) {
                (Kind::Double, Value::Float64(x)) => x.to_bits(),
                (Kind::Double, Value::Float32(x)) => f64::from(*x).to_bits(),
                (Kind::Fixed64 | Kind::Sfixed64, _) => {
                    as_i64(value).ok_or_else(|| wrong("INT64"))? as u64
                }
                _ => return Err(wrong(expected_name(kind))),
            };
            out.extend_from_slice(&bits.to_le_bytes());
        }
        I32 => {
            let bits = match (kind, value) {
                (Kind::Float, Value::Float32(x)) => x.to_bits(),
                (Kind::Sfixed32, _) => as_i32(value).ok_or_else(|| wrong("INT32"))? as u32,
                (Kind::Fixed32, _) => {
                    as_u32(value).ok_or_else(|| wrong("INT64 in 0..=4294967295"))?
                }
                _ => return Err(wrong(expected_name(kind))),
            };
            out.extend_from_slice(&bits.to_le_bytes());
        }
        _ => return Err(wrong(expected_name(kind))),
    }
    Ok(())
}

fn expected_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => "INT32",
        Kind::Narrow { bits: 8, .. } => "INT8",
        Kind::Narrow { .. } => "INT16",
        Kind::Float => "FLOAT32",
        Kind::Double => "FLOAT64",
        Kind::Bool => "BOOLEAN",
        Kind::String | Kind::Enum(_) => "STRING",
        Kind::Bytes => "BYTES",
        Kind::Message(_) => "STRUCT",
        Kind::Timestamp => "Timestamp",
        Kind::Decimal { .. } => "Decimal",
        Kind::Date => "Date",
        Kind::Time => "Time",
        Kind::Wrapper(wrapped) => expected_name(wrapped.kind()),
        _ => "INT64",
    }
}

fn as_i32(value: &Value) -> Option<i32> {
    match value {
        Value::Int8(x) => Some(i32::from(*x)),
        Value::Int16(x) => Some(i32::from(*x)),
        Value::Int32(x) => Some(*x),
        _ => None,
    }
}

fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int64(x) => Some(*x),
        other => as_i32(other).map(i64::from),
    }
}

fn as_u32(value: &Value) -> Option<u32> {
    as_i64(value).and_then(|x| u32::try_from(x).ok())
}

/// The proto3 default test: zero, `false`, empty, or the enum's number 0.
fn is_default(kind: Kind, value: &Value, plans: &Plans) -> bool {
    match (kind, value) {
        (Kind::Enum(e), Value::String(symbol)) => plans.enums[e].number(symbol) == Some(0),
        (_, Value::Int8(0) | Value::Int16(0) | Value::Int32(0) | Value::Int64(0)) => true,
        (_, Value::Boolean(b)) => !b,
        (_, Value::Float32(x)) => x.to_bits() == 0,
        (_, Value::Float64(x)) => x.to_bits() == 0,
        (_, Value::String(text)) => text.is_empty(),
        (_, Value::Bytes(bytes)) => bytes.is_empty(),
        _ => false,
    }
}

/// `google.protobuf.Timestamp` from milliseconds, as protobuf-java's `Timestamps.fromMillis`.
fn write_timestamp(out: &mut Vec<u8>, millis: i64) {
    let seconds = millis.div_euclid(1000);
    let nanos = millis.rem_euclid(1000) * 1_000_000;
    if seconds != 0 {
        write_key(out, 1, VARINT);
        write_varint(out, seconds as u64);
    }
    if nanos != 0 {
        write_key(out, 2, VARINT);
        write_varint(out, nanos as u64);
    }
}
