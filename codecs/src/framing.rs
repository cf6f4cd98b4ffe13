//! The Confluent Schema Registry wire prefix: magic byte `0x00`, then the schema id as a
//! big-endian `int32`, then the payload.

use bytes::Bytes;

use crate::cursor::{Cursor, CursorError};

/// The magic byte that starts every Confluent-framed message.
pub const MAGIC_BYTE: u8 = 0x00;

/// What is wrong with a Confluent-framed message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// The first byte was not the magic byte.
    #[error("unknown magic byte {0:#04x}: not a Confluent Schema Registry framed message")]
    UnknownMagicByte(u8),
    /// The message is shorter than the prefix.
    #[error("message too short for the Confluent framing: {0}")]
    Truncated(#[from] CursorError),
}

/// Appends the magic byte and `schema_id` to `out`.
pub fn write_prefix(out: &mut Vec<u8>, schema_id: i32) {
    out.push(MAGIC_BYTE);
    out.extend_from_slice(&schema_id.to_be_bytes());
}

/// Reads the prefix from `cursor`, returning the schema id; the cursor is left at the payload.
pub fn read_prefix(cursor: &mut Cursor) -> Result<i32, FramingError> {
    let magic = cursor.read_u8()?;
    if magic != MAGIC_BYTE {
        return Err(FramingError::UnknownMagicByte(magic));
    }
    Ok(i32::from_be_bytes(cursor.read_array::<4>()?))
}

/// Splits a framed message into its schema id and payload (a slice of `message`).
pub fn split(message: Bytes) -> Result<(i32, Bytes), FramingError> {
    let mut cursor = Cursor::new(message);
    let id = read_prefix(&mut cursor)?;
    Ok((id, cursor.read_rest()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_magic_then_big_endian_id() {
        let mut out = Vec::new();
        write_prefix(&mut out, 258);
        out.push(0x42);
        assert_eq!(out, [0x00, 0x00, 0x00, 0x01, 0x02, 0x42]);
        assert_eq!(
            split(Bytes::from(out)),
            Ok((258, Bytes::from_static(&[0x42])))
        );
    }

    #[test]
    fn wrong_magic_and_short_input_are_errors() {
        assert_eq!(
            split(Bytes::from_static(&[0x01, 0, 0, 0, 1])),
            Err(FramingError::UnknownMagicByte(1))
        );
        assert!(matches!(
            split(Bytes::from_static(&[0x00, 0, 0])),
            Err(FramingError::Truncated(_))
        ));
    }
}
