//! Converters between Connect data and the bytes in Kafka: the [`Converter`] and
//! [`HeaderConverter`] traits and the registry of converters by Kafka class name and alias.

mod avro;
mod bytearray;
mod json;
mod number;
mod protobuf;
mod protobuf_derive;
mod protobuf_logical;
mod protobuf_names;
mod protobuf_render;
mod registry;
mod registry_serde;
mod simple_header;
mod string;

pub use avro::AvroConverter;
pub use bytearray::ByteArrayConverter;
pub use json::JsonConverter;
pub use number::{NumberConverter, NumberKind};
pub use protobuf::ProtobufConverter;
pub use registry::{ConverterPlugin, ConverterRegistry};
pub use simple_header::SimpleHeaderConverter;
pub use string::StringConverter;

use bytes::Bytes;
use sluice_codecs::{SchemaRef, Value};

/// What a converter is configured for: Kafka's `converter.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConverterType {
    /// Record keys.
    Key,
    /// Record values.
    Value,
    /// Header values.
    Header,
}

impl ConverterType {
    /// `key`, `value` or `header`, as in `converter.type`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Value => "value",
            Self::Header => "header",
        }
    }
}

/// A conversion failed (Kafka's `DataException` / `SerializationException`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConverterError {
    /// Bytes could not be read as Connect data.
    #[error(
        "Converting byte[] to Kafka Connect data failed due to serialization error of topic {topic}: {reason}"
    )]
    Deserialize {
        /// The record's topic.
        topic: String,
        /// What was wrong.
        reason: String,
    },
    /// Connect data could not be written as bytes.
    #[error(
        "Converting Kafka Connect data to byte[] failed due to serialization error of topic {topic}: {reason}"
    )]
    Serialize {
        /// The record's topic.
        topic: String,
        /// What was wrong.
        reason: String,
    },
}

impl ConverterError {
    /// A [`ConverterError::Deserialize`].
    pub fn deserialize(topic: &str, reason: impl ToString) -> Self {
        Self::Deserialize {
            topic: topic.to_owned(),
            reason: reason.to_string(),
        }
    }

    /// A [`ConverterError::Serialize`].
    pub fn serialize(topic: &str, reason: impl ToString) -> Self {
        Self::Serialize {
            topic: topic.to_owned(),
            reason: reason.to_string(),
        }
    }
}

/// Connect data with its schema, as a converter reads it: Kafka's `SchemaAndValue`.
pub type SchemaAndValue = (Option<SchemaRef>, Value);

/// Converts record keys or values: Kafka Connect's `Converter`. Each task owns its converters
/// (they may keep caches), so the methods take `&mut self`. A `None` byte array is a
/// tombstone, which every converter maps to and from [`Value::Null`].
pub trait Converter: Send {
    /// Connect data to bytes (Kafka's `fromConnectData`); `Ok(None)` for a null value.
    fn to_bytes(
        &mut self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError>;

    /// Bytes to Connect data (Kafka's `toConnectData`); `None` bytes give a null value.
    fn to_connect(
        &mut self,
        topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError>;
}

/// Converts header values: Kafka Connect's `HeaderConverter`.
pub trait HeaderConverter: Send {
    /// A header's Connect data to bytes; `Ok(None)` for a null value.
    fn header_to_bytes(
        &mut self,
        topic: &str,
        header_key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError>;

    /// A header's bytes to Connect data.
    fn header_to_connect(
        &mut self,
        topic: &str,
        header_key: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError>;
}

/// Every key/value converter also converts headers the same way, as Kafka's built-in
/// converters that implement both interfaces do.
macro_rules! header_converter_via_converter {
    ($($ty:ty),*) => {$(
        impl $crate::converters::HeaderConverter for $ty {
            fn header_to_bytes(
                &mut self,
                topic: &str,
                _header_key: &str,
                schema: Option<&sluice_codecs::SchemaRef>,
                value: &sluice_codecs::Value,
            ) -> Result<Option<bytes::Bytes>, $crate::converters::ConverterError> {
                $crate::converters::Converter::to_bytes(self, topic, schema, value)
            }

            fn header_to_connect(
                &mut self,
                topic: &str,
                _header_key: &str,
                bytes: Option<&bytes::Bytes>,
            ) -> Result<$crate::converters::SchemaAndValue, $crate::converters::ConverterError> {
                $crate::converters::Converter::to_connect(self, topic, bytes)
            }
        }
    )*};
}
pub(crate) use header_converter_via_converter;
