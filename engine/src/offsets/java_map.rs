//! Java object serialisation of a `java.util.HashMap<byte[], byte[]>`: the format of Kafka
//! Connect's standalone offset file (`FileOffsetBackingStore`), so files written by Java
//! workers can be read and Java workers can read ours.
//!
//! Only what that file holds is supported: one `HashMap` whose keys are `byte[]` and whose
//! values are `byte[]` or null. Anything else is rejected with an error, never a panic; every
//! length is checked against the remaining input before it is used.

use bytes::Bytes;
use sluice_codecs::cursor::{Cursor, CursorError};

const STREAM_MAGIC: [u8; 2] = [0xac, 0xed];
const STREAM_VERSION: [u8; 2] = [0x00, 0x05];
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_ARRAY: u8 = 0x75;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const BASE_HANDLE: u32 = 0x007e_0000;
const HASHMAP_CLASS: &str = "java.util.HashMap";
const HASHMAP_UID: u64 = 0x0507_dac1_c316_60d1;
const BYTE_ARRAY_CLASS: &str = "[B";
const BYTE_ARRAY_UID: u64 = 0xacf3_17f8_0608_54e0;

/// One entry: a key and its value, `None` standing for a Java null.
pub type Entry = (Bytes, Option<Bytes>);

/// The input is not a serialised `HashMap<byte[], byte[]>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JavaMapError {
    /// The input ended early.
    #[error("truncated Java serialisation stream: {0}")]
    Truncated(#[from] CursorError),
    /// The stream holds something this reader does not support.
    #[error("unsupported Java serialisation stream at byte {position}: {reason}")]
    Unsupported {
        /// Offset of the problem.
        position: usize,
        /// What was found.
        reason: String,
    },
}

/// Serialises `entries` exactly as `ObjectOutputStream.writeObject(HashMap<byte[],byte[]>)`.
pub fn write(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        64 + entries
            .iter()
            .map(|(k, v)| k.len() + v.as_ref().map_or(0, Bytes::len) + 20)
            .sum::<usize>(),
    );
    out.extend_from_slice(&STREAM_MAGIC);
    out.extend_from_slice(&STREAM_VERSION);
    out.push(TC_OBJECT);
    write_class_desc(
        &mut out,
        HASHMAP_CLASS,
        HASHMAP_UID,
        0x03,
        &[(b'F', "loadFactor"), (b'I', "threshold")],
    );
    let capacity = table_capacity(entries.len());
    out.extend_from_slice(&0.75f32.to_be_bytes());
    // A map that never held an entry has not allocated its table: its threshold is still 0.
    let threshold = if entries.is_empty() {
        0
    } else {
        (capacity as f32 * 0.75) as i32
    };
    out.extend_from_slice(&threshold.to_be_bytes());
    out.push(TC_BLOCKDATA);
    out.push(8);
    out.extend_from_slice(&(capacity as i32).to_be_bytes());
    out.extend_from_slice(&(entries.len() as i32).to_be_bytes());
    // Handles: 0 = HashMap class, 1 = the map, 2 = the byte[] class, then one per array.
    let mut byte_array_class_written = false;
    for (key, value) in entries {
        write_byte_array(&mut out, key, &mut byte_array_class_written);
        match value {
            Some(value) => write_byte_array(&mut out, value, &mut byte_array_class_written),
            None => out.push(TC_NULL),
        }
    }
    out.push(TC_ENDBLOCKDATA);
    out
}

/// The bucket count `HashMap` would have after `putAll` of `len` entries (a power of two with
/// load factor 0.75, at least 16).
fn table_capacity(len: usize) -> usize {
    let needed = ((len as f64 / 0.75).ceil() as usize).max(16);
    needed.next_power_of_two()
}

fn write_utf(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u16).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn write_class_desc(out: &mut Vec<u8>, name: &str, uid: u64, flags: u8, fields: &[(u8, &str)]) {
    out.push(TC_CLASSDESC);
    write_utf(out, name);
    out.extend_from_slice(&uid.to_be_bytes());
    out.push(flags);
    out.extend_from_slice(&(fields.len() as u16).to_be_bytes());
    for (type_code, field) in fields {
        out.push(*type_code);
        write_utf(out, field);
    }
    out.push(TC_ENDBLOCKDATA);
    out.push(TC_NULL);
}

fn write_byte_array(out: &mut Vec<u8>, bytes: &[u8], class_written: &mut bool) {
    out.push(TC_ARRAY);
    if *class_written {
        out.push(TC_REFERENCE);
        out.extend_from_slice(&(BASE_HANDLE + 2).to_be_bytes());
    } else {
        write_class_desc(out, BYTE_ARRAY_CLASS, BYTE_ARRAY_UID, 0x02, &[]);
        *class_written = true;
    }
    out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Reads a serialised `HashMap<byte[], byte[]>`, returning its entries in stream order.
pub fn read(input: Bytes) -> Result<Vec<Entry>, JavaMapError> {
    let mut reader = Reader {
        cursor: Cursor::new(input),
        handles: Vec::new(),
    };
    reader.expect(&STREAM_MAGIC, "stream magic")?;
    reader.expect(&STREAM_VERSION, "stream version 5")?;
    reader.expect(&[TC_OBJECT], "an object")?;
    let class = reader.class_desc()?;
    if class != Handle::Class(HASHMAP_CLASS.to_owned()) {
        return Err(reader.unsupported(format!("expected {HASHMAP_CLASS}, found {class:?}")));
    }
    reader.handles.push(Handle::Object);
    reader.cursor.skip(8)?; // loadFactor (float) and threshold (int)
    reader.expect(&[TC_BLOCKDATA, 8], "the HashMap capacity block")?;
    reader.cursor.skip(4)?; // bucket count
    let size = i32::from_be_bytes(reader.cursor.read_array()?);
    // Each entry takes at least two bytes, so a size beyond that is a lie.
    let size = usize::try_from(size)
        .ok()
        .filter(|size| size * 2 <= reader.cursor.remaining());
    let size =
        size.ok_or_else(|| reader.unsupported("entry count exceeds the input".to_owned()))?;
    let mut entries = Vec::with_capacity(size);
    for _ in 0..size {
        let key = reader
            .byte_array()?
            .ok_or_else(|| reader.unsupported("null key".to_owned()))?;
        let value = reader.byte_array()?;
        entries.push((key, value));
    }
    reader.expect(&[TC_ENDBLOCKDATA], "the end of the HashMap data")?;
    Ok(entries)
}

#[derive(Debug, Clone, PartialEq)]
enum Handle {
    Class(String),
    Object,
    Array(Bytes),
}

struct Reader {
    cursor: Cursor,
    handles: Vec<Handle>,
}

impl Reader {
    fn unsupported(&self, reason: String) -> JavaMapError {
        JavaMapError::Unsupported {
            position: self.cursor.position(),
            reason,
        }
    }

    fn expect(&mut self, expected: &[u8], what: &str) -> Result<(), JavaMapError> {
        let found = self.cursor.read_slice(expected.len() as u64)?;
        if found != expected {
            return Err(self.unsupported(format!("expected {what}")));
        }
        Ok(())
    }

    fn utf(&mut self) -> Result<String, JavaMapError> {
        let len = u16::from_be_bytes(self.cursor.read_array()?);
        let bytes = self.cursor.read_slice(u64::from(len))?.to_vec();
        String::from_utf8(bytes).map_err(|_| self.unsupported("class name is not UTF-8".to_owned()))
    }

    fn reference(&mut self) -> Result<&Handle, JavaMapError> {
        let handle = u32::from_be_bytes(self.cursor.read_array()?);
        let index = handle.checked_sub(BASE_HANDLE).map(|index| index as usize);
        match index {
            Some(index) if index < self.handles.len() => Ok(&self.handles[index]),
            _ => Err(self.unsupported(format!("dangling handle {handle:#x}"))),
        }
    }

    /// Reads a class descriptor (new or a back reference) and returns it.
    fn class_desc(&mut self) -> Result<Handle, JavaMapError> {
        match self.cursor.read_u8()? {
            TC_REFERENCE => self.reference().cloned(),
            TC_CLASSDESC => {
                let name = self.utf()?;
                self.cursor.skip(8)?; // serialVersionUID
                let _flags = self.cursor.read_u8()?;
                let handle = Handle::Class(name);
                self.handles.push(handle.clone());
                let fields = u16::from_be_bytes(self.cursor.read_array()?);
                for _ in 0..fields {
                    let type_code = self.cursor.read_u8()?;
                    self.utf()?;
                    if matches!(type_code, b'L' | b'[') {
                        return Err(self.unsupported("object-typed fields".to_owned()));
                    }
                }
                self.expect(&[TC_ENDBLOCKDATA], "the end of class annotations")?;
                self.expect(&[TC_NULL], "no superclass")?;
                Ok(handle)
            }
            other => {
                Err(self.unsupported(format!("expected a class descriptor, found {other:#04x}")))
            }
        }
    }

    /// Reads a `byte[]` (new or a back reference) or a null.
    fn byte_array(&mut self) -> Result<Option<Bytes>, JavaMapError> {
        match self.cursor.read_u8()? {
            TC_NULL => Ok(None),
            TC_REFERENCE => match self.reference()?.clone() {
                Handle::Array(bytes) => Ok(Some(bytes)),
                other => {
                    Err(self.unsupported(format!("expected a byte[] reference, found {other:?}")))
                }
            },
            TC_ARRAY => {
                let class = self.class_desc()?;
                if class != Handle::Class(BYTE_ARRAY_CLASS.to_owned()) {
                    return Err(self.unsupported(format!("expected byte[], found {class:?}")));
                }
                let len = i32::from_be_bytes(self.cursor.read_array()?);
                let len = u64::try_from(len)
                    .map_err(|_| self.unsupported("negative array length".to_owned()))?;
                let bytes = self.cursor.read_bytes(len)?;
                self.handles.push(Handle::Array(bytes.clone()));
                Ok(Some(bytes))
            }
            other => {
                Err(self.unsupported(format!("expected a byte[] or null, found {other:#04x}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `new HashMap<byte[],byte[]>()` with `{"k" -> "v"}`, as Java 17's ObjectOutputStream wrote it.
    const ONE_ENTRY: &[u8] = &[
        0xac, 0xed, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11, b'j', b'a', b'v', b'a', b'.', b'u', b't',
        b'i', b'l', b'.', b'H', b'a', b's', b'h', b'M', b'a', b'p', 0x05, 0x07, 0xda, 0xc1, 0xc3,
        0x16, 0x60, 0xd1, 0x03, 0x00, 0x02, 0x46, 0x00, 0x0a, b'l', b'o', b'a', b'd', b'F', b'a',
        b'c', b't', b'o', b'r', 0x49, 0x00, 0x09, b't', b'h', b'r', b'e', b's', b'h', b'o', b'l',
        b'd', 0x78, 0x70, 0x3f, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x77, 0x08, 0x00, 0x00,
        0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x75, 0x72, 0x00, 0x02, b'[', b'B', 0xac, 0xf3, 0x17,
        0xf8, 0x06, 0x08, 0x54, 0xe0, 0x02, 0x00, 0x00, 0x78, 0x70, 0x00, 0x00, 0x00, 0x01, b'k',
        0x75, 0x71, 0x00, 0x7e, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, b'v', 0x78,
    ];

    #[test]
    fn writes_the_bytes_java_writes() {
        let entries = vec![(Bytes::from_static(b"k"), Some(Bytes::from_static(b"v")))];
        assert_eq!(write(&entries), ONE_ENTRY);
    }

    #[test]
    fn empty_map_matches_java() {
        // `new HashMap<byte[],byte[]>()` from Java 17: threshold 0, 16 buckets, size 0.
        let mut expected = ONE_ENTRY[..63].to_vec();
        expected.extend_from_slice(&[
            0x3f, 0x40, 0, 0, 0, 0, 0, 0, 0x77, 0x08, 0, 0, 0, 0x10, 0, 0, 0, 0, 0x78,
        ]);
        assert_eq!(write(&[]), expected);
        assert_eq!(read(Bytes::from(expected)), Ok(vec![]));
    }

    #[test]
    fn reads_what_java_writes() {
        let entries = read(Bytes::from_static(ONE_ENTRY)).expect("valid stream");
        assert_eq!(
            entries,
            [(Bytes::from_static(b"k"), Some(Bytes::from_static(b"v")))]
        );
    }

    #[test]
    fn round_trips_null_values_and_many_entries() {
        let entries: Vec<Entry> = (0..100)
            .map(|i| {
                let key = Bytes::from(format!(r#"["conn",{{"p":{i}}}]"#));
                let value = (i % 3 != 0).then(|| Bytes::from(format!(r#"{{"offset":{i}}}"#)));
                (key, value)
            })
            .collect();
        assert_eq!(read(Bytes::from(write(&entries))), Ok(entries));
    }

    #[test]
    fn truncated_or_hostile_input_is_an_error() {
        for len in 0..ONE_ENTRY.len() {
            assert!(
                read(Bytes::copy_from_slice(&ONE_ENTRY[..len])).is_err(),
                "prefix of {len} bytes"
            );
        }
        let mut huge = ONE_ENTRY.to_vec();
        huge[77..81].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(read(Bytes::from(huge)).is_err());
    }
}
