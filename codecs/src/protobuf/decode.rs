//! Protobuf bytes → Connect values, following a compiled plan.

use bytes::Bytes;

use super::logical::{read_date, read_decimal, read_time};
use super::plan::{
    Card, EGROUP, FieldPlan, I32, I64, Kind, LEN, Plans, ProtobufCodec, SGROUP, VARINT,
    default_value,
};
use super::{MAX_DEPTH, ProtobufError};
use crate::cursor::{Cursor, zigzag_decode};
use crate::schema::{Schema, SchemaRef, Type};
use crate::str::Str;
use crate::value::{Struct, Value};

impl ProtobufCodec {
    /// Decodes one message into a `STRUCT` value of [`Self::schema`]. Strings and bytes in the
    /// result are slices of `input`.
    pub fn decode(&self, input: Bytes) -> Result<Value, ProtobufError> {
        let end = input.len();
        let mut cursor = Cursor::new(input);
        let decoder = Decoder { plans: &self.plans };
        decoder
            .message(self.root, &self.schema, &mut cursor, end, 0)
            .map(Value::Struct)
    }
}

struct Decoder<'a> {
    plans: &'a Plans,
}

/// Reads a field key, returning `(number, wire type)`.
#[inline]
pub(super) fn read_key(cursor: &mut Cursor) -> Result<(u32, u8), ProtobufError> {
    let position = cursor.position();
    let key = cursor.read_varint()?;
    let number = key >> 3;
    if number == 0 || number >= 1 << 29 {
        return Err(ProtobufError::InvalidFieldNumber { number, position });
    }
    Ok((number as u32, (key & 7) as u8))
}

/// Reads a length prefix, checks it against the remaining input and returns where the payload
/// ends. Payloads are read in place, without a cursor of their own.
#[inline]
fn payload_end(cursor: &mut Cursor) -> Result<usize, ProtobufError> {
    let len = cursor.read_varint()?;
    let len = cursor.require(len)?;
    Ok(cursor.position() + len)
}

/// Fails unless the fields of a payload ended exactly at its end.
#[inline]
pub(super) fn check_end(cursor: &Cursor, end: usize) -> Result<(), ProtobufError> {
    if cursor.position() == end {
        Ok(())
    } else {
        Err(ProtobufError::PayloadOverrun { end })
    }
}

/// The schema of a nested value: an array's element, a map's value, or the schema itself.
fn element(schema: &SchemaRef) -> &SchemaRef {
    match &schema.ty {
        Type::Array(items) => items,
        Type::Map { value, .. } => value,
        _ => schema,
    }
}

fn field_schema(schema: &Schema, slot: usize) -> Result<&SchemaRef, ProtobufError> {
    schema
        .fields()
        .get(slot)
        .map(|f| &f.schema)
        .ok_or(ProtobufError::TooDeep)
}

impl Decoder<'_> {
    fn message(
        &self,
        id: usize,
        schema: &SchemaRef,
        cursor: &mut Cursor,
        end: usize,
        depth: usize,
    ) -> Result<Struct, ProtobufError> {
        let plan = &self.plans.messages[id];
        let mut values = plan.template.clone();
        while cursor.position() < end {
            let (number, wire) = read_key(cursor)?;
            match plan.field(number) {
                Some(field) => self.field(field, wire, schema, cursor, &mut values, depth)?,
                None => skip(cursor, wire, number, depth)?,
            }
        }
        check_end(cursor, end)?;
        Struct::from_values(schema.clone(), values).map_err(|_| ProtobufError::TooDeep)
    }

    fn field(
        &self,
        field: &FieldPlan,
        wire: u8,
        schema: &Schema,
        cursor: &mut Cursor,
        values: &mut [Value],
        depth: usize,
    ) -> Result<(), ProtobufError> {
        let slot_schema = field_schema(schema, field.slot)?;
        match (field.card, &mut values[field.slot]) {
            (Card::Repeated { .. }, Value::Array(items)) => {
                if wire == LEN && field.kind.packable() {
                    let end = payload_end(cursor)?;
                    while cursor.position() < end {
                        items.push(self.scalar(field.kind, cursor)?);
                    }
                    check_end(cursor, end)?;
                } else if wire == field.kind.wire_type() {
                    let schema = element(slot_schema);
                    items.push(self.single(field, field.kind, schema, cursor, depth)?);
                } else {
                    skip(cursor, wire, field.number, depth)?;
                }
            }
            (Card::Map { key }, Value::Map(entries)) if wire == LEN => {
                let end = payload_end(cursor)?;
                entries.push(self.map_entry(field, key, slot_schema, cursor, end, depth)?);
            }
            (Card::Implicit | Card::Explicit, slot) if wire == field.kind.wire_type() => {
                *slot = match field.member {
                    None => self.single(field, field.kind, slot_schema, cursor, depth)?,
                    Some(member) => {
                        let schema = field_schema(slot_schema, member)?;
                        let value = self.single(field, field.kind, schema, cursor, depth)?;
                        let mut union = vec![Value::Null; slot_schema.fields().len()];
                        union[member] = value;
                        Value::Struct(
                            Struct::from_values(slot_schema.clone(), union)
                                .map_err(|_| ProtobufError::TooDeep)?,
                        )
                    }
                };
            }
            _ => skip(cursor, wire, field.number, depth)?,
        }
        Ok(())
    }

    fn map_entry(
        &self,
        field: &FieldPlan,
        key_kind: Kind,
        schema: &SchemaRef,
        entry: &mut Cursor,
        end: usize,
        depth: usize,
    ) -> Result<(Value, Value), ProtobufError> {
        let mut key = default_value(key_kind, &self.plans.enums);
        let mut value = default_value(field.kind, &self.plans.enums);
        while entry.position() < end {
            let (number, wire) = read_key(entry)?;
            if number == 1 && wire == key_kind.wire_type() {
                key = self.single(field, key_kind, schema, entry, depth)?;
            } else if number == 2 && wire == field.kind.wire_type() {
                value = self.single(field, field.kind, element(schema), entry, depth)?;
            } else {
                skip(entry, wire, number, depth)?;
            }
        }
        check_end(entry, end)?;
        Ok((key, value))
    }

    /// One value of `kind` whose wire type has been checked; `schema` is its Connect schema.
    #[inline]
    fn single(
        &self,
        field: &FieldPlan,
        kind: Kind,
        schema: &SchemaRef,
        cursor: &mut Cursor,
        depth: usize,
    ) -> Result<Value, ProtobufError> {
        Ok(match kind {
            Kind::String => {
                let len = cursor.read_varint()?;
                let bytes = cursor.read_bytes(len)?;
                let text = Str::from_utf8(bytes).map_err(|_| ProtobufError::InvalidUtf8 {
                    number: field.number,
                })?;
                Value::String(text)
            }
            Kind::Bytes => {
                let len = cursor.read_varint()?;
                Value::Bytes(cursor.read_bytes(len)?)
            }
            Kind::Message(id) => {
                if depth + 1 >= MAX_DEPTH {
                    return Err(ProtobufError::TooDeep);
                }
                let end = payload_end(cursor)?;
                Value::Struct(self.message(id, schema, cursor, end, depth + 1)?)
            }
            Kind::Timestamp => {
                let end = payload_end(cursor)?;
                timestamp(cursor, end, depth)?
            }
            Kind::Decimal { .. } => {
                let end = payload_end(cursor)?;
                read_decimal(cursor, end, depth)?
            }
            Kind::Date => {
                let end = payload_end(cursor)?;
                read_date(cursor, end, depth)?
            }
            Kind::Time => {
                let end = payload_end(cursor)?;
                read_time(cursor, end, depth)?
            }
            Kind::Wrapper(wrapped) => {
                let end = payload_end(cursor)?;
                let inner = wrapped.kind();
                let mut value = default_value(inner, &self.plans.enums);
                while cursor.position() < end {
                    let (number, wire) = read_key(cursor)?;
                    if number == 1 && wire == inner.wire_type() {
                        value = self.single(field, inner, schema, cursor, depth)?;
                    } else {
                        skip(cursor, wire, number, depth)?;
                    }
                }
                check_end(cursor, end)?;
                value
            }
            _ => self.scalar(kind, cursor)?,
        })
    }

    /// One varint or fixed-width value.
    #[inline]
    fn scalar(&self, kind: Kind, cursor: &mut Cursor) -> Result<Value, ProtobufError> {
        Ok(match kind {
            Kind::Int32 => Value::Int32(cursor.read_varint()? as i32),
            Kind::Narrow { wire, bits } => match self.scalar(wire.kind(), cursor)? {
                Value::Int32(x) if bits == 8 => Value::Int8(x as i8),
                Value::Int32(x) => Value::Int16(x as i16),
                other => other,
            },
            Kind::Int64 | Kind::Uint64 => Value::Int64(cursor.read_varint()? as i64),
            Kind::Uint32 => Value::Int64(i64::from(cursor.read_varint()? as u32)),
            Kind::Sint32 => Value::Int32(zigzag_decode(cursor.read_varint()?) as i32),
            Kind::Sint64 => Value::Int64(zigzag_decode(cursor.read_varint()?)),
            Kind::Bool => Value::Boolean(cursor.read_varint()? != 0),
            Kind::Enum(e) => {
                let number = cursor.read_varint()? as i32;
                Value::String(self.plans.enums[e].symbol(number))
            }
            Kind::Fixed32 => Value::Int64(i64::from(u32::from_le_bytes(cursor.read_array()?))),
            Kind::Sfixed32 => Value::Int32(i32::from_le_bytes(cursor.read_array()?)),
            Kind::Float => Value::Float32(f32::from_le_bytes(cursor.read_array()?)),
            Kind::Fixed64 | Kind::Sfixed64 => {
                Value::Int64(i64::from_le_bytes(cursor.read_array()?))
            }
            Kind::Double => Value::Float64(f64::from_le_bytes(cursor.read_array()?)),
            Kind::String
            | Kind::Bytes
            | Kind::Message(_)
            | Kind::Timestamp
            | Kind::Decimal { .. }
            | Kind::Date
            | Kind::Time
            | Kind::Wrapper(_) => {
                return Err(ProtobufError::InvalidWireType {
                    wire_type: VARINT,
                    number: 0,
                });
            }
        })
    }
}

/// Reads a `google.protobuf.Timestamp` body as Connect milliseconds (nanos truncated).
fn timestamp(cursor: &mut Cursor, end: usize, depth: usize) -> Result<Value, ProtobufError> {
    let mut seconds = 0i64;
    let mut nanos = 0i32;
    while cursor.position() < end {
        let (number, wire) = read_key(cursor)?;
        match (number, wire) {
            (1, VARINT) => seconds = cursor.read_varint()? as i64,
            (2, VARINT) => nanos = cursor.read_varint()? as i32,
            _ => skip(cursor, wire, number, depth)?,
        }
    }
    check_end(cursor, end)?;
    seconds
        .checked_mul(1000)
        .and_then(|millis| millis.checked_add(i64::from(nanos / 1_000_000)))
        .map(Value::Timestamp)
        .ok_or(ProtobufError::TimestampOutOfRange)
}

/// Skips one value of an unknown field, groups included.
pub(super) fn skip(
    cursor: &mut Cursor,
    wire: u8,
    number: u32,
    depth: usize,
) -> Result<(), ProtobufError> {
    match wire {
        VARINT => {
            cursor.read_varint()?;
        }
        I64 => cursor.skip(8)?,
        LEN => {
            let len = cursor.read_varint()?;
            cursor.skip(len)?;
        }
        I32 => cursor.skip(4)?,
        SGROUP => skip_group(cursor, number, depth + 1)?,
        _ => {
            return Err(ProtobufError::InvalidWireType {
                wire_type: wire,
                number,
            });
        }
    }
    Ok(())
}

fn skip_group(cursor: &mut Cursor, group: u32, depth: usize) -> Result<(), ProtobufError> {
    if depth >= MAX_DEPTH {
        return Err(ProtobufError::TooDeep);
    }
    loop {
        let (number, wire) = read_key(cursor)?;
        if wire == EGROUP {
            return if number == group {
                Ok(())
            } else {
                Err(ProtobufError::InvalidWireType {
                    wire_type: wire,
                    number,
                })
            };
        }
        skip(cursor, wire, number, depth)?;
    }
}
