//! How a mirror task reads the bytes it consumes: untouched by default (MirrorMaker 2), or
//! through the source-side converters `src.key.converter`, `src.value.converter` and
//! `src.header.converter` — the keys Confluent Replicator uses for the same job, each with its
//! settings under its own prefix (e.g. `src.value.converter.schemas.enable=false`).
//!
//! With a source converter the task hands the worker Connect data instead of bytes, so the
//! connector's transforms see fields and the worker's converters re-encode the records: JSON
//! in the source cluster can arrive as Avro in the target, say.

use bytes::Bytes;
use sluice_codecs::{Schema, SchemaRef, Value};
use sluice_engine::config::{ConfigError, RawConfig};
use sluice_engine::converters::{
    Converter, ConverterError, ConverterRegistry, ConverterType, HeaderConverter, SchemaAndValue,
};

/// The converter of source record keys.
pub const SRC_KEY_CONVERTER: &str = "src.key.converter";
/// The converter of source record values.
pub const SRC_VALUE_CONVERTER: &str = "src.value.converter";
/// The converter of source header values.
pub const SRC_HEADER_CONVERTER: &str = "src.header.converter";

/// Reads consumed keys, values and header values: each through its source converter when one
/// is set, else as raw bytes with an optional BYTES schema (which `ByteArrayConverter` writes
/// back unchanged).
pub struct SourceDecoding {
    key: Option<Box<dyn Converter>>,
    value: Option<Box<dyn Converter>>,
    header: Option<Box<dyn HeaderConverter>>,
    bytes_schema: SchemaRef,
}

impl SourceDecoding {
    /// The converters set in `raw` (none set: bytes pass through). Errors name the key.
    pub fn from_config(raw: &RawConfig) -> Result<Self, ConfigError> {
        let registry = ConverterRegistry::builtin();
        Ok(Self {
            key: registry.key_value_converter(raw, SRC_KEY_CONVERTER, ConverterType::Key)?,
            value: registry.key_value_converter(raw, SRC_VALUE_CONVERTER, ConverterType::Value)?,
            header: registry.header_converter(raw, SRC_HEADER_CONVERTER)?,
            bytes_schema: Schema::bytes().optional().into_ref(),
        })
    }

    /// True when every part passes through as bytes (MirrorMaker 2's behaviour).
    pub fn is_pass_through(&self) -> bool {
        self.key.is_none() && self.value.is_none() && self.header.is_none()
    }

    /// A consumed key of source topic `topic`.
    pub fn key(
        &mut self,
        topic: &str,
        bytes: Option<Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        match &mut self.key {
            Some(converter) => converter.to_connect(topic, bytes.as_ref()),
            None => Ok(raw(&self.bytes_schema, bytes)),
        }
    }

    /// A consumed value of source topic `topic`.
    pub fn value(
        &mut self,
        topic: &str,
        bytes: Option<Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        match &mut self.value {
            Some(converter) => converter.to_connect(topic, bytes.as_ref()),
            None => Ok(raw(&self.bytes_schema, bytes)),
        }
    }

    /// A consumed header value.
    pub fn header(
        &mut self,
        topic: &str,
        header_key: &str,
        bytes: Option<Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        match &mut self.header {
            Some(converter) => converter.header_to_connect(topic, header_key, bytes.as_ref()),
            None => Ok(raw(&self.bytes_schema, bytes)),
        }
    }
}

fn raw(schema: &SchemaRef, bytes: Option<Bytes>) -> SchemaAndValue {
    (
        Some(schema.clone()),
        bytes.map_or(Value::Null, Value::Bytes),
    )
}

#[cfg(test)]
mod tests {
    use sluice_codecs::SchemaType;

    use super::*;

    fn raw_config(pairs: &[(&str, &str)]) -> RawConfig {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn without_source_converters_bytes_pass_through() {
        let mut decoding = SourceDecoding::from_config(&raw_config(&[])).expect("config");
        assert!(decoding.is_pass_through());
        let (schema, value) = decoding
            .value("t", Some(Bytes::from_static(b"{\"a\":1}")))
            .expect("value");
        assert_eq!(
            schema.map(|schema| schema.schema_type()),
            Some(SchemaType::Bytes)
        );
        assert_eq!(value, Value::Bytes(Bytes::from_static(b"{\"a\":1}")));
        assert_eq!(decoding.key("t", None).expect("key").1, Value::Null);
    }

    #[test]
    fn a_source_value_converter_reads_connect_data() {
        let mut decoding = SourceDecoding::from_config(&raw_config(&[
            (
                "src.value.converter",
                "org.apache.kafka.connect.json.JsonConverter",
            ),
            ("src.value.converter.schemas.enable", "false"),
            ("src.header.converter", "StringConverter"),
        ]))
        .expect("config");
        assert!(!decoding.is_pass_through());
        let (_, value) = decoding
            .value("t", Some(Bytes::from_static(b"{\"a\":1}")))
            .expect("value");
        let Value::Map(entries) = value else {
            panic!("a schemaless JSON object is a map, got {value:?}");
        };
        assert_eq!(entries.len(), 1);
        let (_, header) = decoding
            .header("t", "h", Some(Bytes::from_static(b"text")))
            .expect("header");
        assert_eq!(header, Value::String("text".into()));
        // The key has no source converter: bytes.
        let (_, key) = decoding
            .key("t", Some(Bytes::from_static(b"k")))
            .expect("key");
        assert_eq!(key, Value::Bytes(Bytes::from_static(b"k")));
    }

    #[test]
    fn bad_source_data_is_a_converter_error() {
        let mut decoding =
            SourceDecoding::from_config(&raw_config(&[("src.value.converter", "JsonConverter")]))
                .expect("config");
        let error = decoding
            .value("orders", Some(Bytes::from_static(b"{not json")))
            .expect_err("not JSON");
        assert!(error.to_string().contains("orders"), "{error}");
    }

    #[test]
    fn an_unknown_source_converter_names_its_key() {
        let error = SourceDecoding::from_config(&raw_config(&[(
            "src.value.converter",
            "com.example.Nope",
        )]))
        .err()
        .expect("unknown class");
        assert!(error.to_string().contains("src.value.converter"), "{error}");
    }
}
