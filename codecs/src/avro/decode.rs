//! Avro binary → Connect value, driven by the compiled [`Read`] plan. Strings and bytes are
//! slices of the input; every length and block count is checked against the remaining input
//! before anything is sliced or allocated.

use crate::cursor::Cursor;
use crate::decimal::Decimal;
use crate::str::Str;
use crate::value::{Struct, Value};

use super::default::int_value;
use super::node::{IntKind, Kind, LongKind, Node};
use super::resolve::{Read, RecordRead, Step};
use super::{AvroError, MAX_DEPTH, MAX_ZERO_SIZE_ELEMENTS};

fn read_int(cursor: &mut Cursor) -> Result<i32, AvroError> {
    let value = cursor.read_zigzag()?;
    i32::try_from(value).map_err(|_| AvroError::IntOutOfRange {
        value,
        expected: "int",
    })
}

fn read_len(cursor: &mut Cursor) -> Result<u64, AvroError> {
    let len = cursor.read_zigzag()?;
    u64::try_from(len).map_err(|_| AvroError::IntOutOfRange {
        value: len,
        expected: "length",
    })
}

fn read_index(cursor: &mut Cursor, len: usize, what: &'static str) -> Result<usize, AvroError> {
    let index = cursor.read_zigzag()?;
    match usize::try_from(index) {
        Ok(i) if i < len => Ok(i),
        _ => Err(AvroError::BadIndex { index, what, len }),
    }
}

fn read_str(cursor: &mut Cursor) -> Result<Str, AvroError> {
    let len = read_len(cursor)?;
    let position = cursor.position();
    let bytes = cursor.read_bytes(len)?;
    Str::from_utf8(bytes).map_err(|_| AvroError::Utf8 { position })
}

fn long_value(kind: LongKind, value: i64) -> Value {
    match kind {
        LongKind::Int64 => Value::Int64(value),
        LongKind::Timestamp => Value::Timestamp(value),
    }
}

fn int_of(kind: IntKind, value: i32) -> Result<Value, AvroError> {
    int_value(kind, i64::from(value)).ok_or(AvroError::IntOutOfRange {
        value: i64::from(value),
        expected: match kind {
            IntKind::Int8 => "INT8",
            _ => "INT16",
        },
    })
}

/// Where decoded values go: a record's value vector, or a single slot.
trait Emit {
    fn emit(&mut self, value: Value);
}

impl Emit for Vec<Value> {
    #[inline(always)]
    fn emit(&mut self, value: Value) {
        self.push(value);
    }
}

impl Emit for Option<Value> {
    #[inline(always)]
    fn emit(&mut self, value: Value) {
        *self = Some(value);
    }
}

/// Decodes one value of plan `read`.
pub(crate) fn decode(read: &Read, cursor: &mut Cursor, depth: usize) -> Result<Value, AvroError> {
    let mut slot = None;
    decode_to(read, cursor, depth, &mut slot)?;
    Ok(slot.unwrap_or(Value::Null))
}

/// Decodes one value of plan `read` into `out`. Inlined into record and array loops; containers
/// go through [`decode_container`].
#[inline(always)]
fn decode_to<E: Emit>(
    read: &Read,
    cursor: &mut Cursor,
    depth: usize,
    out: &mut E,
) -> Result<(), AvroError> {
    match read {
        Read::Null => out.emit(Value::Null),
        Read::Boolean => match cursor.read_u8()? {
            0 => out.emit(Value::Boolean(false)),
            1 => out.emit(Value::Boolean(true)),
            other => return Err(bad_boolean(other)),
        },
        Read::Int(kind) => out.emit(int_of(*kind, read_int(cursor)?)?),
        Read::Long(kind) => out.emit(long_value(*kind, cursor.read_zigzag()?)),
        Read::IntAsLong(kind) => out.emit(long_value(*kind, i64::from(read_int(cursor)?))),
        Read::IntAsFloat => out.emit(Value::Float32(read_int(cursor)? as f32)),
        Read::IntAsDouble => out.emit(Value::Float64(f64::from(read_int(cursor)?))),
        Read::LongAsFloat => out.emit(Value::Float32(cursor.read_zigzag()? as f32)),
        Read::LongAsDouble => out.emit(Value::Float64(cursor.read_zigzag()? as f64)),
        Read::Float => out.emit(Value::Float32(f32::from_le_bytes(cursor.read_array()?))),
        Read::FloatAsDouble => {
            let narrow = f32::from_le_bytes(cursor.read_array()?);
            out.emit(Value::Float64(f64::from(narrow)));
        }
        Read::Double => out.emit(Value::Float64(f64::from_le_bytes(cursor.read_array()?))),
        Read::String => out.emit(Value::String(read_str(cursor)?)),
        Read::Bytes => {
            let len = read_len(cursor)?;
            out.emit(Value::Bytes(cursor.read_bytes(len)?));
        }
        Read::Decimal { scale, fixed } => {
            let len = match fixed {
                Some(size) => *size as u64,
                None => read_len(cursor)?,
            };
            out.emit(Value::Decimal(Decimal::new(
                cursor.read_bytes(len)?,
                *scale,
            )));
        }
        Read::Fixed(size) => out.emit(Value::Bytes(cursor.read_bytes(*size as u64)?)),
        Read::Enum(symbols) => {
            let index = read_index(cursor, symbols.len(), "enum")?;
            let symbol = symbols[index]
                .clone()
                .ok_or_else(|| unknown_symbol(index))?;
            out.emit(Value::String(symbol));
        }
        Read::Fail(reason) => return Err(AvroError::Unresolvable(reason.clone())),
        _ => out.emit(decode_container(read, cursor, depth)?),
    }
    Ok(())
}

#[cold]
fn bad_boolean(byte: u8) -> AvroError {
    AvroError::BadIndex {
        index: i64::from(byte),
        what: "boolean",
        len: 2,
    }
}

#[cold]
fn unknown_symbol(index: usize) -> AvroError {
    AvroError::Unresolvable(format!("enum symbol {index} is unknown to the reader"))
}

#[inline(never)]
fn decode_container(read: &Read, cursor: &mut Cursor, depth: usize) -> Result<Value, AvroError> {
    if depth >= MAX_DEPTH {
        return Err(AvroError::RecursionLimit(format!(
            "more than {MAX_DEPTH} levels"
        )));
    }
    let depth = depth + 1;
    Ok(match read {
        Read::Record(record) => Value::Struct(decode_record(record, cursor, depth)?),
        Read::Array(items) => {
            let mut elements = Vec::new();
            let min = || read_min_len(items);
            read_blocks(cursor, min, &mut elements, |cursor, out| {
                decode_to(items, cursor, depth, out)
            })?;
            Value::Array(elements)
        }
        Read::Map(values) => {
            let mut entries = Vec::new();
            read_blocks(
                cursor,
                || 1,
                &mut entries,
                |cursor, out| {
                    let key = Value::String(read_str(cursor)?);
                    out.push((key, decode(values, cursor, depth)?));
                    Ok(())
                },
            )?;
            Value::Map(entries)
        }
        Read::MapEntries(keys, values) => {
            let mut entries = Vec::new();
            let min = || read_min_len(keys).saturating_add(read_min_len(values));
            read_blocks(cursor, min, &mut entries, |cursor, out| {
                let key = decode(keys, cursor, depth)?;
                out.push((key, decode(values, cursor, depth)?));
                Ok(())
            })?;
            Value::Map(entries)
        }
        Read::Union(branches) => {
            let index = read_index(cursor, branches.len(), "union")?;
            decode(&branches[index], cursor, depth)?
        }
        Read::Wrap {
            schema,
            field,
            inner,
        } => {
            let mut values = vec![Value::Null; schema.fields().len()];
            values[*field] = decode(inner, cursor, depth)?;
            Value::Struct(struct_of(schema, values)?)
        }
        _ => return Err(AvroError::Unresolvable("scalar read as a container".into())),
    })
}

fn struct_of(schema: &crate::schema::SchemaRef, values: Vec<Value>) -> Result<Struct, AvroError> {
    Struct::from_values(schema.clone(), values)
        .map_err(|error| AvroError::Unresolvable(error.to_string()))
}

fn decode_record(
    record: &RecordRead,
    cursor: &mut Cursor,
    depth: usize,
) -> Result<Struct, AvroError> {
    let len = record.schema.fields().len();
    if record.in_order {
        let mut values = Vec::with_capacity(len);
        for step in &record.steps {
            if let Step::Read(_, read) = step {
                decode_to(read, cursor, depth, &mut values)?;
            }
        }
        return struct_of(&record.schema, values);
    }
    let mut values = vec![Value::Null; len];
    for step in &record.steps {
        match step {
            Step::Read(index, read) => values[*index] = decode(read, cursor, depth)?,
            Step::Skip(node) => skip(node, cursor, depth)?,
        }
    }
    for (index, default) in &record.defaults {
        values[*index] = default.clone();
    }
    struct_of(&record.schema, values)
}

/// Reads array or map blocks, calling `item` once per element to append it to `out`. `min_len`
/// is a lower bound on an element's encoded size, asked only when a block claims more elements
/// than bytes remain; capacity is reserved only for counts that passed that check.
fn read_blocks<T>(
    cursor: &mut Cursor,
    min_len: impl Fn() -> u64,
    out: &mut Vec<T>,
    mut item: impl FnMut(&mut Cursor, &mut Vec<T>) -> Result<(), AvroError>,
) -> Result<(), AvroError> {
    let mut zero_size_total = 0u64;
    loop {
        let count = block_count(cursor)?;
        if count == 0 {
            return Ok(());
        }
        check_block(cursor, count, &min_len, &mut zero_size_total)?;
        // `check_block` bounded `count` by the remaining input (or the zero-size cap).
        out.reserve(usize::try_from(count).unwrap_or(0));
        for _ in 0..count {
            item(cursor, out)?;
        }
    }
}

/// Reads a block count; a negative count is followed by the block's byte size, ignored here.
fn block_count(cursor: &mut Cursor) -> Result<u64, AvroError> {
    let count = cursor.read_zigzag()?;
    if count < 0 {
        cursor.read_zigzag()?;
    }
    Ok(count.unsigned_abs())
}

fn check_block(
    cursor: &Cursor,
    count: u64,
    min_len: &impl Fn() -> u64,
    zero_size_total: &mut u64,
) -> Result<(), AvroError> {
    let remaining = cursor.remaining();
    if count <= remaining as u64 {
        return Ok(());
    }
    let min = min_len();
    *zero_size_total = zero_size_total.saturating_add(count);
    if min > 0 || *zero_size_total > MAX_ZERO_SIZE_ELEMENTS {
        return Err(AvroError::BlockTooLarge { count, remaining });
    }
    Ok(())
}

/// A lower bound on the encoded size of a value read with `read`.
fn read_min_len(read: &Read) -> u64 {
    match read {
        Read::Null | Read::Fail(_) => 0,
        Read::Fixed(size)
        | Read::Decimal {
            fixed: Some(size), ..
        } => *size as u64,
        Read::Wrap { inner, .. } => read_min_len(inner),
        Read::Record(record) => record
            .steps
            .iter()
            .map(|step| match step {
                Step::Read(_, read) => read_min_len(read),
                Step::Skip(node) => node_min_len(node),
            })
            .fold(0, u64::saturating_add),
        _ => 1,
    }
}

/// A lower bound on the encoded size of a value of `node`.
fn node_min_len(node: &Node) -> u64 {
    match &node.kind {
        Kind::Null | Kind::Cut(_) => 0,
        Kind::Fixed(_, size)
        | Kind::Decimal {
            fixed: Some(size), ..
        } => *size as u64,
        Kind::Record(record) => record
            .fields
            .iter()
            .map(|field| node_min_len(&field.node))
            .fold(0, u64::saturating_add),
        _ => 1,
    }
}

/// Skips one value of `node` without building it.
pub(crate) fn skip(node: &Node, cursor: &mut Cursor, depth: usize) -> Result<(), AvroError> {
    match &node.kind {
        Kind::Null => {}
        Kind::Boolean => cursor.skip(1)?,
        Kind::Int(_) | Kind::Long(_) | Kind::Enum(_) => {
            cursor.read_varint()?;
        }
        Kind::Float => cursor.skip(4)?,
        Kind::Double => cursor.skip(8)?,
        Kind::String | Kind::Bytes | Kind::Decimal { fixed: None, .. } => {
            let len = read_len(cursor)?;
            cursor.skip(len)?;
        }
        Kind::Fixed(_, size)
        | Kind::Decimal {
            fixed: Some(size), ..
        } => cursor.skip(*size as u64)?,
        Kind::Cut(name) => {
            return Err(AvroError::RecursionLimit(format!("recursive type {name}")));
        }
        _ => skip_container(node, cursor, depth)?,
    }
    Ok(())
}

fn skip_container(node: &Node, cursor: &mut Cursor, depth: usize) -> Result<(), AvroError> {
    if depth >= MAX_DEPTH {
        return Err(AvroError::RecursionLimit(format!(
            "more than {MAX_DEPTH} levels"
        )));
    }
    let depth = depth + 1;
    match &node.kind {
        Kind::Record(record) => {
            for field in &record.fields {
                skip(&field.node, cursor, depth)?;
            }
        }
        Kind::Union(union) => {
            let index = read_index(cursor, union.branches.len(), "union")?;
            skip(&union.branches[index], cursor, depth)?;
        }
        Kind::Array(items) => {
            skip_blocks(cursor, || node_min_len(items), |c| skip(items, c, depth))?
        }
        Kind::Map(values) => skip_blocks(
            cursor,
            || 1,
            |c| {
                let len = read_len(c)?;
                c.skip(len)?;
                skip(values, c, depth)
            },
        )?,
        Kind::MapEntries(keys, values) => {
            let min = || node_min_len(keys).saturating_add(node_min_len(values));
            skip_blocks(cursor, min, |c| {
                skip(keys, c, depth)?;
                skip(values, c, depth)
            })?
        }
        _ => {}
    }
    Ok(())
}

/// Skips array or map blocks, jumping over blocks that carry their byte size.
fn skip_blocks(
    cursor: &mut Cursor,
    min_len: impl Fn() -> u64,
    mut item: impl FnMut(&mut Cursor) -> Result<(), AvroError>,
) -> Result<(), AvroError> {
    let mut zero_size_total = 0u64;
    loop {
        let count = cursor.read_zigzag()?;
        if count == 0 {
            return Ok(());
        }
        if count < 0 {
            let size = read_len(cursor)?;
            cursor.skip(size)?;
            continue;
        }
        let count = count.unsigned_abs();
        check_block(cursor, count, &min_len, &mut zero_size_total)?;
        for _ in 0..count {
            item(cursor)?;
        }
    }
}
