//! The Confluent Protobuf framing: magic byte, big-endian schema id, the message-index list,
//! then the message.
//!
//! The message-index list is the path of the message through the nested declarations of its
//! `.proto` file, written as a zig-zag varint count and then each index as a zig-zag varint
//! (Kafka's `ByteUtils.writeVarint`). The common `[0]` is the single byte `0x00`, and a count
//! of 0 reads as `[0]`.

use std::borrow::Borrow;

use bytes::Bytes;

use super::ProtobufError;
use super::plan::ProtobufCodec;
use crate::cursor::{Cursor, write_zigzag};
use crate::framing;
use crate::value::Value;

/// Appends the message-index list; `[0]` and `[]` are written as the single byte `0x00`.
pub fn write_message_indexes(out: &mut Vec<u8>, indexes: &[i32]) {
    if indexes.is_empty() || indexes == [0] {
        out.push(0);
        return;
    }
    write_zigzag(out, indexes.len() as i64);
    for &index in indexes {
        write_zigzag(out, i64::from(index));
    }
}

/// Reads a message-index list; a count of 0 reads as `[0]`. A negative count, a count larger
/// than the remaining bytes, or an index outside `i32` is an error.
pub fn read_message_indexes(cursor: &mut Cursor) -> Result<Vec<i32>, ProtobufError> {
    let count = cursor.read_zigzag()?;
    if count == 0 {
        return Ok(vec![0]);
    }
    let count = usize::try_from(count)
        .ok()
        .filter(|&count| count <= cursor.remaining())
        .ok_or(ProtobufError::InvalidMessageIndexes)?;
    let mut indexes = Vec::with_capacity(count);
    for _ in 0..count {
        let index = i32::try_from(cursor.read_zigzag()?)
            .map_err(|_| ProtobufError::InvalidMessageIndexes)?;
        indexes.push(index);
    }
    Ok(indexes)
}

/// Appends a Confluent-framed message: magic byte, `schema_id`, `indexes`, then `value`
/// encoded by `codec`.
pub fn encode_framed(
    codec: &ProtobufCodec,
    schema_id: i32,
    indexes: &[i32],
    value: &Value,
    out: &mut Vec<u8>,
) -> Result<(), ProtobufError> {
    framing::write_prefix(out, schema_id);
    write_message_indexes(out, indexes);
    codec.encode_into(value, out)
}

/// Decodes a Confluent-framed message, asking `lookup` for the codec of its schema id and
/// message indexes. Returns `(schema id, message indexes, value)`.
pub fn decode_framed<C, F>(
    message: Bytes,
    lookup: F,
) -> Result<(i32, Vec<i32>, Value), ProtobufError>
where
    C: Borrow<ProtobufCodec>,
    F: FnOnce(i32, &[i32]) -> Option<C>,
{
    let mut cursor = Cursor::new(message);
    let id = framing::read_prefix(&mut cursor)?;
    let indexes = read_message_indexes(&mut cursor)?;
    let Some(codec) = lookup(id, &indexes) else {
        return Err(ProtobufError::UnknownSchemaId { id, indexes });
    };
    let value = codec.borrow().decode(cursor.read_rest())?;
    Ok((id, indexes, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(indexes: &[i32]) -> Vec<u8> {
        let mut out = Vec::new();
        write_message_indexes(&mut out, indexes);
        out
    }

    fn read(bytes: &'static [u8]) -> Result<Vec<i32>, ProtobufError> {
        read_message_indexes(&mut Cursor::new(Bytes::from_static(bytes)))
    }

    #[test]
    fn first_message_is_the_single_byte_zero() {
        assert_eq!(written(&[0]), [0x00]);
        assert_eq!(written(&[]), [0x00]);
        assert_eq!(read(&[0x00]), Ok(vec![0]));
    }

    #[test]
    fn indexes_are_zig_zag_count_then_zig_zag_values() {
        // count 1 → zig-zag 2; index 1 → 2.
        assert_eq!(written(&[1]), [0x02, 0x02]);
        assert_eq!(read(&[0x02, 0x02]), Ok(vec![1]));
        // count 2 → 4; 0 → 0; 1 → 2.
        assert_eq!(written(&[0, 1]), [0x04, 0x00, 0x02]);
        assert_eq!(read(&[0x04, 0x00, 0x02]), Ok(vec![0, 1]));
        // index 64 → zig-zag 128 → 80 01.
        assert_eq!(written(&[2, 64]), [0x04, 0x04, 0x80, 0x01]);
    }

    #[test]
    fn negative_or_oversized_counts_are_errors() {
        assert_eq!(read(&[0x01]), Err(ProtobufError::InvalidMessageIndexes));
        // count 1 000 000 with two bytes left
        assert_eq!(
            read(&[0x80, 0x89, 0x7a, 0x00, 0x00]),
            Err(ProtobufError::InvalidMessageIndexes)
        );
        assert_eq!(read(&[0x02]), Err(ProtobufError::InvalidMessageIndexes));
        assert!(matches!(
            read(&[0x04, 0x02, 0x80]),
            Err(ProtobufError::Truncated(_))
        ));
    }
}
