//! Kafka's primitive converters (`IntegerConverter`, `LongConverter`, `ShortConverter`,
//! `FloatConverter`, `DoubleConverter`, `BooleanConverter`): fixed-width big-endian values, as
//! Kafka's standard serializers write them.

use bytes::Bytes;
use sluice_codecs::{Schema, SchemaRef, SchemaType, Value};

use super::{Converter, ConverterError, SchemaAndValue, header_converter_via_converter};

/// Which primitive a [`NumberConverter`] reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// `IntegerConverter`: 4 bytes, `OPTIONAL_INT32`.
    Integer,
    /// `LongConverter`: 8 bytes, `OPTIONAL_INT64`.
    Long,
    /// `ShortConverter`: 2 bytes, `OPTIONAL_INT16`.
    Short,
    /// `FloatConverter`: 4 bytes IEEE-754, `OPTIONAL_FLOAT32`.
    Float,
    /// `DoubleConverter`: 8 bytes IEEE-754, `OPTIONAL_FLOAT64`.
    Double,
    /// `BooleanConverter`: one byte 0x00/0x01, `OPTIONAL_BOOLEAN`.
    Boolean,
}

impl NumberKind {
    fn width(self) -> usize {
        match self {
            Self::Integer | Self::Float => 4,
            Self::Long | Self::Double => 8,
            Self::Short => 2,
            Self::Boolean => 1,
        }
    }

    fn schema_type(self) -> SchemaType {
        match self {
            Self::Integer => SchemaType::Int32,
            Self::Long => SchemaType::Int64,
            Self::Short => SchemaType::Int16,
            Self::Float => SchemaType::Float32,
            Self::Double => SchemaType::Float64,
            Self::Boolean => SchemaType::Boolean,
        }
    }

    fn deserializer(self) -> &'static str {
        match self {
            Self::Integer => "IntegerDeserializer",
            Self::Long => "LongDeserializer",
            Self::Short => "ShortDeserializer",
            Self::Float => "FloatDeserializer",
            Self::Double => "DoubleDeserializer",
            Self::Boolean => "BooleanDeserializer",
        }
    }
}

/// One of Kafka's primitive converters; which one is its [`NumberKind`].
#[derive(Debug, Clone)]
pub struct NumberConverter {
    kind: NumberKind,
    schema: SchemaRef,
}

impl NumberConverter {
    /// The converter for `kind`.
    pub fn new(kind: NumberKind) -> Self {
        let schema = match kind {
            NumberKind::Integer => Schema::int32(),
            NumberKind::Long => Schema::int64(),
            NumberKind::Short => Schema::int16(),
            NumberKind::Float => Schema::float32(),
            NumberKind::Double => Schema::float64(),
            NumberKind::Boolean => Schema::boolean(),
        };
        Self {
            kind,
            schema: schema.optional().into_ref(),
        }
    }

    fn encode(&self, value: &Value) -> Option<Vec<u8>> {
        Some(match (self.kind, value) {
            (NumberKind::Integer, Value::Int32(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Long, Value::Int64(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Short, Value::Int16(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Float, Value::Float32(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Double, Value::Float64(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Boolean, Value::Boolean(v)) => vec![u8::from(*v)],
            _ => return None,
        })
    }

    fn decode(&self, bytes: &[u8]) -> Value {
        let mut wide = [0u8; 8];
        wide[..bytes.len()].copy_from_slice(bytes);
        match self.kind {
            NumberKind::Integer => {
                Value::Int32(i32::from_be_bytes([wide[0], wide[1], wide[2], wide[3]]))
            }
            NumberKind::Long => Value::Int64(i64::from_be_bytes(wide)),
            NumberKind::Short => Value::Int16(i16::from_be_bytes([wide[0], wide[1]])),
            NumberKind::Float => {
                Value::Float32(f32::from_be_bytes([wide[0], wide[1], wide[2], wide[3]]))
            }
            NumberKind::Double => Value::Float64(f64::from_be_bytes(wide)),
            NumberKind::Boolean => Value::Boolean(wide[0] != 0),
        }
    }
}

impl Converter for NumberConverter {
    fn to_bytes(
        &mut self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError> {
        if value.is_null() {
            return Ok(None);
        }
        let expected = self.kind.schema_type();
        if let Some(schema) = schema.filter(|schema| schema.schema_type() != expected) {
            return Err(ConverterError::serialize(
                topic,
                format!(
                    "Invalid schema type {} for a {expected} converter",
                    schema.schema_type()
                ),
            ));
        }
        let bytes = self.encode(value).ok_or_else(|| {
            ConverterError::serialize(
                topic,
                format!("Failed to serialize to {expected} (was {})", value.kind()),
            )
        })?;
        Ok(Some(Bytes::from(bytes)))
    }

    fn to_connect(
        &mut self,
        topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        let Some(bytes) = bytes else {
            return Ok((Some(self.schema.clone()), Value::Null));
        };
        let width = self.kind.width();
        if bytes.len() != width {
            let reason = format!(
                "Size of data received by {} is not {width}",
                self.kind.deserializer()
            );
            return Err(ConverterError::deserialize(topic, reason));
        }
        if self.kind == NumberKind::Boolean && bytes[0] > 1 {
            return Err(ConverterError::deserialize(
                topic,
                "Unexpected byte received by BooleanDeserializer",
            ));
        }
        Ok((Some(self.schema.clone()), self.decode(bytes)))
    }
}

header_converter_via_converter!(NumberConverter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_big_endian_fixed_width() {
        let cases = [
            (NumberKind::Integer, Value::Int32(258), vec![0, 0, 1, 2]),
            (NumberKind::Long, Value::Int64(-1), vec![0xff; 8]),
            (NumberKind::Short, Value::Int16(1), vec![0, 1]),
            (
                NumberKind::Float,
                Value::Float32(1.0),
                vec![0x3f, 0x80, 0, 0],
            ),
            (
                NumberKind::Double,
                Value::Float64(2.0),
                vec![0x40, 0, 0, 0, 0, 0, 0, 0],
            ),
            (NumberKind::Boolean, Value::Boolean(true), vec![1]),
        ];
        for (kind, value, bytes) in cases {
            let mut converter = NumberConverter::new(kind);
            let written = converter.to_bytes("t", None, &value).expect("serialisable");
            assert_eq!(written.as_deref(), Some(bytes.as_slice()), "{kind:?}");
            let (schema, read) = converter
                .to_connect("t", written.as_ref())
                .expect("readable");
            assert_eq!(read, value);
            assert!(schema.is_some_and(|schema| schema.optional));
        }
    }

    #[test]
    fn tombstones_map_to_null_both_ways() {
        let mut converter = NumberConverter::new(NumberKind::Long);
        assert_eq!(converter.to_bytes("t", None, &Value::Null), Ok(None));
        assert_eq!(
            converter.to_connect("t", None).map(|(_, v)| v),
            Ok(Value::Null)
        );
    }

    #[test]
    fn wrong_width_and_wrong_type_are_errors() {
        let mut converter = NumberConverter::new(NumberKind::Integer);
        let error = converter
            .to_connect("t", Some(&Bytes::from_static(&[1, 2])))
            .expect_err("2 bytes");
        assert!(
            error
                .to_string()
                .contains("Size of data received by IntegerDeserializer is not 4"),
            "{error}"
        );
        assert!(converter.to_bytes("t", None, &Value::from("x")).is_err());
    }
}
