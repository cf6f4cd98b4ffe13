//! `org.apache.kafka.connect.storage.SimpleHeaderConverter`: the worker's default header
//! converter. Header values are written as Connect's `Values` text and read back by inferring
//! the narrowest type.

use bytes::Bytes;
use sluice_codecs::{Schema, SchemaRef, Str, Value};

use super::{ConverterError, HeaderConverter, SchemaAndValue};
use crate::values;

/// Writes a header value as `Values.convertToString` UTF-8 text; reads text with
/// `Values.parseString`, falling back to BYTES when the bytes are not UTF-8.
#[derive(Debug, Clone)]
pub struct SimpleHeaderConverter {
    bytes_schema: SchemaRef,
    text: String,
}

impl Default for SimpleHeaderConverter {
    fn default() -> Self {
        Self {
            bytes_schema: Schema::bytes().into_ref(),
            text: String::new(),
        }
    }
}

impl HeaderConverter for SimpleHeaderConverter {
    fn header_to_bytes(
        &mut self,
        _topic: &str,
        _header_key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError> {
        if let Value::String(text) = value {
            return Ok(Some(text.as_bytes().clone()));
        }
        self.text.clear();
        if !values::write_string(&mut self.text, schema.map(|schema| schema.as_ref()), value) {
            return Ok(None);
        }
        Ok(Some(Bytes::copy_from_slice(self.text.as_bytes())))
    }

    fn header_to_connect(
        &mut self,
        _topic: &str,
        _header_key: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        let Some(bytes) = bytes else {
            return Ok((None, Value::Null));
        };
        match Str::from_utf8(bytes.clone()) {
            Ok(text) => Ok(values::parse_string(&text)),
            Err(_) => Ok((Some(self.bytes_schema.clone()), Value::Bytes(bytes.clone()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> (Option<SchemaRef>, Value, Option<Bytes>) {
        let mut converter = SimpleHeaderConverter::default();
        let input = Bytes::copy_from_slice(text.as_bytes());
        let (schema, value) = converter
            .header_to_connect("t", "h", Some(&input))
            .expect("any bytes");
        let written = converter
            .header_to_bytes("t", "h", schema.as_ref(), &value)
            .expect("writable");
        (schema, value, written)
    }

    #[test]
    fn text_is_typed_by_inference_and_written_back_unchanged() {
        let (schema, value, written) = round_trip("42");
        assert_eq!(
            schema.map(|s| s.schema_type()),
            Some(sluice_codecs::SchemaType::Int8)
        );
        assert_eq!(value, Value::Int8(42));
        assert_eq!(written.as_deref(), Some(&b"42"[..]));

        let (_, value, written) = round_trip("true");
        assert_eq!(
            (value, written.as_deref()),
            (Value::Boolean(true), Some(&b"true"[..]))
        );

        let (_, value, written) = round_trip("hello world");
        assert_eq!(
            (value, written.as_deref()),
            (Value::from("hello world"), Some(&b"hello world"[..]))
        );

        let (_, value, written) = round_trip("[1,2,3]");
        assert_eq!(
            value,
            Value::Array(vec![Value::Int8(1), Value::Int8(2), Value::Int8(3)])
        );
        assert_eq!(written.as_deref(), Some(&b"[1,2,3]"[..]));
    }

    #[test]
    fn non_utf8_falls_back_to_bytes_and_null_stays_null() {
        let mut converter = SimpleHeaderConverter::default();
        let raw = Bytes::from_static(&[0xff, 0x00]);
        let (schema, value) = converter
            .header_to_connect("t", "h", Some(&raw))
            .expect("any bytes");
        assert_eq!(schema.as_deref(), Some(&Schema::bytes()));
        assert_eq!(value, Value::Bytes(raw));
        assert_eq!(
            converter.header_to_connect("t", "h", None),
            Ok((None, Value::Null))
        );
        assert_eq!(
            converter.header_to_bytes("t", "h", None, &Value::Null),
            Ok(None)
        );
    }
}
