//! [`DryRun`]: runs a connector's converters and transforms on sample records without a
//! broker — the engine behind `sluice transform`.
//!
//! Input and output are JSON lines. An input line is one sink record:
//! `{"topic","partition","offset","timestamp","key"|"key_base64","value"|"value_base64",
//! "headers":[{"key","value"}]}`; absent fields default to topic `test`, partition 0, offset 0,
//! no timestamp, null key and value, no headers. Each output line is the record after
//! converter → transforms → converter, in the same shape, or `{"dropped":true}`, or
//! `{"error":"…"}`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde_json::{Map, Value as Json, json};
use sluice_codecs::Headers;

use crate::config::{ConfigError, RawConfig};
use crate::converters::ConverterRegistry;
use crate::pipeline::RecordStages;
use crate::predicates::PredicateRegistry;
use crate::record::{Origin, Record, TimestampType};
use crate::transforms::{Outcome, TransformRegistry};

/// A connector's converters and transform chain, ready to run records through.
pub struct DryRun {
    stages: RecordStages,
}

impl DryRun {
    /// Builds the converters (`key.converter`, `value.converter`, `header.converter` and their
    /// prefixed settings; Kafka's defaults when absent) and the transform chain from a connector
    /// config. Errors name the offending key.
    pub fn from_config(
        raw: &RawConfig,
        converters: &ConverterRegistry,
        transforms: &TransformRegistry,
        predicates: &PredicateRegistry,
    ) -> Result<Self, ConfigError> {
        let no_worker = RawConfig::new();
        let stages =
            RecordStages::from_config(&no_worker, raw, converters, transforms, predicates)?;
        Ok(Self { stages })
    }

    /// Runs one input line and returns the output line (without a newline).
    pub fn run_line(&mut self, line: &str) -> String {
        let output = match self.run(line) {
            Ok(Some(record)) => record,
            Ok(None) => json!({"dropped": true}),
            Err(error) => json!({"error": error}),
        };
        output.to_string()
    }

    fn run(&mut self, line: &str) -> Result<Option<Json>, String> {
        let input: Json = serde_json::from_str(line)
            .map_err(|error| format!("input is not a JSON record: {error}"))?;
        let input = input
            .as_object()
            .ok_or("input record must be a JSON object")?;
        let mut record = self.read_record(input)?;
        match self
            .stages
            .transforms
            .apply(&mut record)
            .map_err(|error| error.to_string())?
        {
            Outcome::Drop => Ok(None),
            Outcome::Keep => self.write_record(&record).map(Some),
        }
    }

    fn read_record(&mut self, input: &Map<String, Json>) -> Result<Record, String> {
        let topic = match input.get("topic") {
            None | Some(Json::Null) => "test".to_owned(),
            Some(Json::String(topic)) => topic.clone(),
            Some(_) => return Err("`topic` must be a string".to_owned()),
        };
        let partition = integer(input, "partition")?.unwrap_or(0);
        let partition =
            i32::try_from(partition).map_err(|_| "`partition` is out of range".to_owned())?;
        let offset = integer(input, "offset")?.unwrap_or(0);
        let timestamp = integer(input, "timestamp")?;
        let key_bytes = payload(input, "key")?;
        let value_bytes = payload(input, "value")?;
        let (key_schema, key) = self
            .stages
            .key_converter
            .to_connect(&topic, key_bytes.as_ref())
            .map_err(|error| error.to_string())?;
        let (value_schema, value) = self
            .stages
            .value_converter
            .to_connect(&topic, value_bytes.as_ref())
            .map_err(|error| error.to_string())?;
        let headers = self.read_headers(&topic, input)?;
        let mut record = Record::sink(topic.as_str(), partition, offset)
            .with_key(key_schema, key)
            .with_value(value_schema, value)
            .with_timestamp(timestamp);
        record.headers = headers;
        if let (Some(_), Origin::Sink { timestamp_type, .. }) = (timestamp, &mut record.origin) {
            *timestamp_type = TimestampType::CreateTime;
        }
        Ok(record)
    }

    fn read_headers(&mut self, topic: &str, input: &Map<String, Json>) -> Result<Headers, String> {
        let mut headers = Headers::new();
        let Some(listed) = input.get("headers").filter(|h| !h.is_null()) else {
            return Ok(headers);
        };
        let listed = listed
            .as_array()
            .ok_or("`headers` must be an array of {\"key\",\"value\"}")?;
        for header in listed {
            let header = header
                .as_object()
                .ok_or("each header must be an object with `key` and `value`")?;
            let key = header
                .get("key")
                .and_then(Json::as_str)
                .ok_or("each header needs a string `key`")?;
            let bytes = payload(header, "value")?;
            let (schema, value) = self
                .stages
                .header_converter
                .header_to_connect(topic, key, bytes.as_ref())
                .map_err(|error| error.to_string())?;
            headers.add(key, schema, value);
        }
        Ok(headers)
    }

    fn write_record(&mut self, record: &Record) -> Result<Json, String> {
        let topic = record.topic.as_str();
        let key = self
            .stages
            .key_converter
            .to_bytes(topic, record.key_schema.as_ref(), &record.key)
            .map_err(|error| error.to_string())?;
        let value = self
            .stages
            .value_converter
            .to_bytes(topic, record.value_schema.as_ref(), &record.value)
            .map_err(|error| error.to_string())?;
        let mut headers = Vec::with_capacity(record.headers.len());
        for header in &record.headers {
            let bytes = self
                .stages
                .header_converter
                .header_to_bytes(topic, &header.key, header.schema.as_ref(), &header.value)
                .map_err(|error| error.to_string())?;
            let mut entry = Map::new();
            entry.insert("key".to_owned(), Json::from(header.key.as_str()));
            put_payload(&mut entry, "value", bytes);
            headers.push(Json::Object(entry));
        }
        let mut output = Map::new();
        output.insert("topic".to_owned(), Json::from(topic));
        output.insert(
            "partition".to_owned(),
            record.partition.map_or(Json::Null, Json::from),
        );
        output.insert(
            "timestamp".to_owned(),
            record.timestamp.map_or(Json::Null, Json::from),
        );
        put_payload(&mut output, "key", key);
        put_payload(&mut output, "value", value);
        output.insert("headers".to_owned(), Json::Array(headers));
        Ok(Json::Object(output))
    }
}

fn integer(input: &Map<String, Json>, field: &str) -> Result<Option<i64>, String> {
    match input.get(field) {
        None | Some(Json::Null) => Ok(None),
        Some(value) => value
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("`{field}` must be an integer")),
    }
}

/// Reads `field` (UTF-8 text) or `<field>_base64` (binary) as bytes; absent or null is `None`.
fn payload(input: &Map<String, Json>, field: &str) -> Result<Option<Bytes>, String> {
    let base64_field = format!("{field}_base64");
    match (input.get(field), input.get(&base64_field)) {
        (Some(Json::String(text)), _) => Ok(Some(Bytes::copy_from_slice(text.as_bytes()))),
        (None | Some(Json::Null), Some(Json::String(encoded))) => BASE64
            .decode(encoded)
            .map(|bytes| Some(Bytes::from(bytes)))
            .map_err(|error| format!("`{base64_field}` is not base64: {error}")),
        (None | Some(Json::Null), None | Some(Json::Null)) => Ok(None),
        _ => Err(format!(
            "`{field}` must be a string (or `{base64_field}` a base64 string)"
        )),
    }
}

/// Writes bytes as `field` when they are UTF-8 text, else as `<field>_base64`; null as `field: null`.
fn put_payload(output: &mut Map<String, Json>, field: &str, bytes: Option<Bytes>) {
    match bytes {
        None => output.insert(field.to_owned(), Json::Null),
        Some(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) => output.insert(field.to_owned(), Json::from(text)),
            Err(_) => output.insert(format!("{field}_base64"), Json::from(BASE64.encode(&bytes))),
        },
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dry_run(pairs: &[(&str, &str)]) -> Result<DryRun, ConfigError> {
        DryRun::from_config(
            &crate::config::test_support::raw(pairs),
            &ConverterRegistry::builtin(),
            &TransformRegistry::builtin(),
            &PredicateRegistry::builtin(),
        )
    }

    fn strings() -> DryRun {
        dry_run(&[
            ("key.converter", "StringConverter"),
            (
                "value.converter",
                "org.apache.kafka.connect.storage.StringConverter",
            ),
            ("header.converter", "StringConverter"),
        ])
        .expect("valid config")
    }

    fn string_keys_binary_values() -> DryRun {
        dry_run(&[
            ("key.converter", "String"),
            ("value.converter", "ByteArrayConverter"),
            ("header.converter", "StringConverter"),
        ])
        .expect("valid config")
    }

    #[test]
    fn defaults_fill_absent_fields() {
        assert_eq!(
            strings().run_line("{}"),
            r#"{"topic":"test","partition":0,"timestamp":null,"key":null,"value":null,"headers":[]}"#
        );
    }

    #[test]
    fn text_binary_and_headers_round_trip_in_order() {
        let line = r#"{"topic":"t","partition":3,"offset":9,"timestamp":1700000000000,"key":"k","value_base64":"/wA=","headers":[{"key":"a","value":"1"},{"key":"a","value":null}]}"#;
        assert_eq!(
            string_keys_binary_values().run_line(line),
            r#"{"topic":"t","partition":3,"timestamp":1700000000000,"key":"k","value_base64":"/wA=","headers":[{"key":"a","value":"1"},{"key":"a","value":null}]}"#
        );
    }

    #[test]
    fn bad_lines_give_an_error_line() {
        let mut run = strings();
        assert!(
            run.run_line("not json")
                .starts_with(r#"{"error":"input is not a JSON record"#)
        );
        assert!(
            run.run_line(r#"{"partition":"x"}"#)
                .contains("`partition` must be an integer")
        );
        assert!(
            run.run_line(r#"{"value_base64":"***"}"#)
                .contains("is not base64")
        );
    }

    #[test]
    fn invalid_config_names_the_key() {
        let error = dry_run(&[
            ("value.converter", "com.example.Nope"),
            ("key.converter", "StringConverter"),
        ])
        .err()
        .expect("unknown class");
        assert_eq!(error.key(), Some("value.converter"));
    }
}
