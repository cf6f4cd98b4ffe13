//! [`Cursor`]: bounds-checked reading of untrusted binary input.
//!
//! Every read checks the remaining input first, so a length prefix that claims more bytes than
//! the input holds fails at once instead of allocating. Slices share the input buffer.

use bytes::Bytes;

/// What went wrong while reading binary input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// The input ended before a value was complete.
    #[error("input truncated at byte {position}: needed {needed} more bytes, {remaining} left")]
    Truncated {
        /// Offset of the read that failed.
        position: usize,
        /// Bytes the read needed.
        needed: u64,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A variable-length integer ran past ten bytes or past 64 bits.
    #[error("malformed varint at byte {position}")]
    MalformedVarint {
        /// Offset where the varint started.
        position: usize,
    },
}

/// A read position over shared, immutable input.
#[derive(Debug, Clone)]
pub struct Cursor {
    input: Bytes,
    position: usize,
}

impl Cursor {
    /// Starts reading at the beginning of `input`.
    pub fn new(input: Bytes) -> Self {
        Self { input, position: 0 }
    }

    /// Offset of the next byte to read.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.input.len() - self.position
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The unread bytes, without consuming them.
    pub fn rest(&self) -> &[u8] {
        &self.input[self.position..]
    }

    fn truncated(&self, needed: u64) -> CursorError {
        CursorError::Truncated {
            position: self.position,
            needed,
            remaining: self.remaining(),
        }
    }

    /// Fails unless at least `len` bytes remain; use before sizing anything by a length prefix.
    pub fn require(&self, len: u64) -> Result<usize, CursorError> {
        match usize::try_from(len) {
            Ok(len) if len <= self.remaining() => Ok(len),
            _ => Err(self.truncated(len)),
        }
    }

    /// Reads one byte.
    pub fn read_u8(&mut self) -> Result<u8, CursorError> {
        let byte = *self
            .input
            .get(self.position)
            .ok_or_else(|| self.truncated(1))?;
        self.position += 1;
        Ok(byte)
    }

    /// Reads `N` bytes into an array.
    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], CursorError> {
        let len = self.require(N as u64)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&self.input[self.position..self.position + len]);
        self.position += len;
        Ok(out)
    }

    /// Borrows the next `len` bytes without copying them.
    pub fn read_slice(&mut self, len: u64) -> Result<&[u8], CursorError> {
        let len = self.require(len)?;
        let start = self.position;
        self.position += len;
        Ok(&self.input[start..start + len])
    }

    /// Takes the next `len` bytes as a slice of the shared input buffer.
    pub fn read_bytes(&mut self, len: u64) -> Result<Bytes, CursorError> {
        let len = self.require(len)?;
        let start = self.position;
        self.position += len;
        Ok(self.input.slice(start..start + len))
    }

    /// Skips `len` bytes.
    pub fn skip(&mut self, len: u64) -> Result<(), CursorError> {
        let len = self.require(len)?;
        self.position += len;
        Ok(())
    }

    /// Takes every unread byte.
    pub fn read_rest(&mut self) -> Bytes {
        let rest = self.input.slice(self.position..);
        self.position = self.input.len();
        rest
    }

    /// Reads an unsigned LEB128 varint of at most 64 bits (protobuf's encoding).
    pub fn read_varint(&mut self) -> Result<u64, CursorError> {
        // Most varints on the wire (field keys, lengths, small numbers, indexes) are one byte.
        if let Some(&byte) = self.input.get(self.position)
            && byte < 0x80
        {
            self.position += 1;
            return Ok(u64::from(byte));
        }
        let start = self.position;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.read_u8()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(CursorError::MalformedVarint { position: start });
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(CursorError::MalformedVarint { position: start })
    }

    /// Reads a zig-zag encoded signed varint (Avro's `int`/`long`, Kafka's `writeVarint`).
    pub fn read_zigzag(&mut self) -> Result<i64, CursorError> {
        let raw = self.read_varint()?;
        Ok(zigzag_decode(raw))
    }
}

/// Maps a zig-zag encoded unsigned value back to its signed value.
pub fn zigzag_decode(raw: u64) -> i64 {
    ((raw >> 1) as i64) ^ -((raw & 1) as i64)
}

/// Maps a signed value to its zig-zag encoding.
pub fn zigzag_encode(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// Appends `value` as an unsigned LEB128 varint.
pub fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends `value` as a zig-zag varint.
pub fn write_zigzag(out: &mut Vec<u8>, value: i64) {
    write_varint(out, zigzag_encode(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_matches_avro_spec_examples() {
        // Avro spec: 0→00, -1→01, 1→02, -2→03, 2→04, -64→7f, 64→80 01.
        for (value, encoded) in [
            (0i64, vec![0x00u8]),
            (-1, vec![0x01]),
            (1, vec![0x02]),
            (-2, vec![0x03]),
            (2, vec![0x04]),
            (-64, vec![0x7f]),
            (64, vec![0x80, 0x01]),
        ] {
            let mut out = Vec::new();
            write_zigzag(&mut out, value);
            assert_eq!(out, encoded, "encoding {value}");
            assert_eq!(Cursor::new(Bytes::from(encoded)).read_zigzag(), Ok(value));
        }
    }

    #[test]
    fn extreme_varints_round_trip() {
        for value in [i64::MIN, i64::MAX, 0, -1] {
            let mut out = Vec::new();
            write_zigzag(&mut out, value);
            assert_eq!(Cursor::new(Bytes::from(out)).read_zigzag(), Ok(value));
        }
    }

    #[test]
    fn overlong_varint_is_an_error() {
        let input = Bytes::from_static(&[0xff; 11]);
        assert_eq!(
            Cursor::new(input).read_varint(),
            Err(CursorError::MalformedVarint { position: 0 })
        );
    }

    #[test]
    fn huge_length_fails_without_allocating() {
        let mut cursor = Cursor::new(Bytes::from_static(b"0123456789"));
        let error = cursor
            .read_bytes(2_000_000_000)
            .expect_err("input is only 10 bytes");
        assert!(matches!(
            error,
            CursorError::Truncated {
                needed: 2_000_000_000,
                ..
            }
        ));
    }
}
