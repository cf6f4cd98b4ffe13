//! Avro with the Confluent Schema Registry framing: magic byte `0x00`, the schema id as a
//! big-endian `int32`, then the Avro binary datum (no container header), as written by
//! `io.confluent.connect.avro.AvroConverter`.

use bytes::Bytes;

use super::{AvroError, AvroSchema, Decoder};
use crate::cursor::Cursor;
use crate::framing;
use crate::value::Value;

/// Appends the framed encoding of `value` with `schema`, registered under `schema_id`.
pub fn encode_confluent(
    schema_id: i32,
    schema: &AvroSchema,
    value: &Value,
    out: &mut Vec<u8>,
) -> Result<(), AvroError> {
    framing::write_prefix(out, schema_id);
    schema.encode_into(value, out)
}

/// Decodes a framed message: returns the schema id and the value decoded with the decoder that
/// `lookup` gives for that id (typically the writer schema fetched for the id, resolved against
/// the reader schema, built once and cached by the caller). The whole message must be consumed.
pub fn decode_confluent<'a>(
    message: Bytes,
    lookup: impl FnOnce(i32) -> Option<&'a Decoder>,
) -> Result<(i32, Value), AvroError> {
    let mut cursor = Cursor::new(message);
    let id = framing::read_prefix(&mut cursor)?;
    let decoder = lookup(id).ok_or(AvroError::UnknownSchemaId(id))?;
    let value = decoder.decode_from(&mut cursor)?;
    if !cursor.is_empty() {
        return Err(AvroError::TrailingBytes(cursor.remaining()));
    }
    Ok((id, value))
}
