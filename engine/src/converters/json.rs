//! `org.apache.kafka.connect.json.JsonConverter`: Connect data as JSON, with or without the
//! schema envelope — byte-compatible with Kafka's converter.

use bytes::Bytes;
use sluice_codecs::json::{DecimalFormat, Encoded, JsonCodec, JsonOptions};
use sluice_codecs::{SchemaRef, Value};

use super::{Converter, ConverterError, SchemaAndValue, header_converter_via_converter};
use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};

/// Kafka's `JsonConverter` (also a header converter), configured by `schemas.enable`,
/// `schemas.cache.size`, `decimal.format` and `replace.null.with.default`.
#[derive(Debug)]
pub struct JsonConverter {
    codec: JsonCodec,
    buffer: Vec<u8>,
}

impl JsonConverter {
    /// The converter's keys, with Kafka's defaults and documentation.
    pub fn config_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new("schemas.enable", ConfigType::Boolean)
                    .default_value("true")
                    .importance(Importance::High)
                    .doc("Include schemas within each of the serialized values and keys.")
                    .group("Schemas", 0),
            )
            .define(
                ConfigKey::new("schemas.cache.size", ConfigType::Int)
                    .default_value("1000")
                    .validator(Validator::at_least(0))
                    .importance(Importance::High)
                    .doc("The maximum number of schemas that can be cached in this converter instance.")
                    .group("Schemas", 1),
            )
            .define(
                ConfigKey::new("decimal.format", ConfigType::String)
                    .default_value("BASE64")
                    .validator(Validator::OneOfIgnoreCase(vec!["BASE64", "NUMERIC"]))
                    .importance(Importance::Low)
                    .doc("Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'")
                    .group("Serialization", 0),
            )
            .define(
                ConfigKey::new("replace.null.with.default", ConfigType::Boolean)
                    .default_value("true")
                    .importance(Importance::Low)
                    .doc("Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.")
                    .group("Serialization", 1),
            )
    }

    /// A converter for `raw` settings (the `<key|value|header>.converter.` prefix removed).
    pub fn configure(raw: &RawConfig) -> Result<Self, ConfigError> {
        let config = Self::config_def().parse(raw)?;
        let decimal_format = config
            .string("decimal.format")
            .and_then(DecimalFormat::from_config)
            .unwrap_or_default();
        let options = JsonOptions {
            schemas_enable: config.boolean("schemas.enable").unwrap_or(true),
            decimal_format,
            replace_null_with_default: config.boolean("replace.null.with.default").unwrap_or(true),
            schemas_cache_size: config
                .int("schemas.cache.size")
                .map_or(1000, |size| size.max(0) as usize),
        };
        Ok(Self {
            codec: JsonCodec::new(options),
            buffer: Vec::new(),
        })
    }
}

impl Converter for JsonConverter {
    fn to_bytes(
        &mut self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError> {
        self.buffer.clear();
        match self.codec.encode(schema, value, &mut self.buffer) {
            Ok(Encoded::Tombstone) => Ok(None),
            Ok(Encoded::Json) => Ok(Some(Bytes::copy_from_slice(&self.buffer))),
            Err(error) => Err(ConverterError::serialize(topic, error)),
        }
    }

    fn to_connect(
        &mut self,
        topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        self.codec
            .decode(bytes)
            .map_err(|error| ConverterError::deserialize(topic, error))
    }
}

header_converter_via_converter!(JsonConverter);

#[cfg(test)]
mod tests {
    use sluice_codecs::{Decimal, Schema, Struct};

    use super::*;

    fn configured(pairs: &[(&str, &str)]) -> Result<JsonConverter, ConfigError> {
        JsonConverter::configure(&crate::config::test_support::raw(pairs))
    }

    /// The reference's JsonConverter example, byte for byte.
    const ITEM: &str = r#"{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"}],"optional":false,"name":"com.example.Item"},"payload":{"id":1,"name":"x","price":"AOY="}}"#;

    #[test]
    fn writes_and_reads_kafkas_envelope() {
        let schema = Schema::structure([
            ("id", Schema::int32().into_ref()),
            ("name", Schema::string().optional().into_ref()),
            ("price", Schema::decimal(2).into_ref()),
        ])
        .with_name("com.example.Item")
        .into_ref();
        let values = vec![
            Value::Int32(1),
            Value::from("x"),
            Value::Decimal(Decimal::from_i128(230, 2)),
        ];
        let item = Value::Struct(Struct::from_values(schema.clone(), values).expect("3 fields"));
        let mut converter = configured(&[]).expect("defaults are valid");
        let bytes = converter
            .to_bytes("t", Some(&schema), &item)
            .expect("encodable");
        assert_eq!(bytes.as_deref(), Some(ITEM.as_bytes()));
        let (read_schema, read) = converter
            .to_connect("t", bytes.as_ref())
            .expect("decodable");
        assert_eq!(
            (read_schema.as_deref(), read),
            (Some(schema.as_ref()), item)
        );
    }

    #[test]
    fn schemaless_and_tombstones_follow_the_settings() {
        let mut converter = configured(&[("schemas.enable", "false")]).expect("valid");
        let (schema, value) = converter
            .to_connect("t", Some(&Bytes::from_static(br#"{"a":1}"#)))
            .expect("json");
        assert_eq!(schema, None);
        assert_eq!(value, Value::Map(vec![(Value::from("a"), Value::Int64(1))]));
        assert_eq!(converter.to_bytes("t", None, &Value::Null), Ok(None));
        assert_eq!(converter.to_connect("t", None), Ok((None, Value::Null)));
    }

    #[test]
    fn bad_settings_and_bad_input_are_errors() {
        let error = configured(&[("decimal.format", "HEX")]).expect_err("unknown format");
        assert_eq!(error.key(), Some("decimal.format"));
        let mut converter = configured(&[]).expect("valid");
        let error = converter
            .to_connect("orders", Some(&Bytes::from_static(b"{\"a\":1}")))
            .expect_err("no envelope");
        assert!(error.to_string().contains("schemas.enable"), "{error}");
    }
}
