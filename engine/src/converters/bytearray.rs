//! `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes pass through untouched.

use bytes::Bytes;
use sluice_codecs::{Schema, SchemaRef, SchemaType, Value};

use super::{Converter, ConverterError, SchemaAndValue, header_converter_via_converter};

/// Passes bytes through: reads `OPTIONAL_BYTES`, writes BYTES values (or null).
#[derive(Debug, Clone)]
pub struct ByteArrayConverter {
    schema: SchemaRef,
}

impl Default for ByteArrayConverter {
    fn default() -> Self {
        Self {
            schema: Schema::bytes().optional().into_ref(),
        }
    }
}

impl Converter for ByteArrayConverter {
    fn to_bytes(
        &mut self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError> {
        if let Some(schema) = schema.filter(|schema| schema.schema_type() != SchemaType::Bytes) {
            let reason = format!(
                "Invalid schema type for ByteArrayConverter: {}",
                schema.schema_type()
            );
            return Err(ConverterError::serialize(topic, reason));
        }
        match value {
            Value::Null => Ok(None),
            Value::Bytes(bytes) => Ok(Some(bytes.clone())),
            other => Err(ConverterError::serialize(
                topic,
                format!(
                    "ByteArrayConverter is not compatible with objects of type {}",
                    other.kind()
                ),
            )),
        }
    }

    fn to_connect(
        &mut self,
        _topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        let value = bytes.map_or(Value::Null, |bytes| Value::Bytes(bytes.clone()));
        Ok((Some(self.schema.clone()), value))
    }
}

header_converter_via_converter!(ByteArrayConverter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_pass_through_without_copying() {
        let mut converter = ByteArrayConverter::default();
        let input = Bytes::from_static(b"\x00\xffraw");
        let (_, value) = converter.to_connect("t", Some(&input)).expect("any bytes");
        let Value::Bytes(read) = &value else {
            panic!("expected bytes, got {value:?}")
        };
        assert_eq!(read.as_ptr(), input.as_ptr());
        assert_eq!(converter.to_bytes("t", None, &value), Ok(Some(input)));
    }

    #[test]
    fn non_bytes_are_rejected() {
        let mut converter = ByteArrayConverter::default();
        assert!(converter.to_bytes("t", None, &Value::from("text")).is_err());
        let schema = Schema::string().into_ref();
        assert!(
            converter
                .to_bytes("t", Some(&schema), &Value::Bytes(Bytes::new()))
                .is_err()
        );
    }
}
