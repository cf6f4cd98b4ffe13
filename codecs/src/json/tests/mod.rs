//! Tests of the JSON converter. Expected JSON is written by hand from Kafka's `JsonConverter`
//! behaviour (reference §6.1), never produced by the code under test.

mod decode;
mod encode;
mod props;

use bytes::Bytes;

use super::{Encoded, JsonCodec, JsonError, JsonOptions};
use crate::schema::{Schema, SchemaRef};
use crate::value::{Struct, Value};
use crate::{Decimal, Str};

fn options() -> JsonOptions {
    JsonOptions::default()
}

fn schemaless_options() -> JsonOptions {
    JsonOptions {
        schemas_enable: false,
        ..JsonOptions::default()
    }
}

/// Encodes with `options`, returning the JSON text.
fn encode_with(
    options: JsonOptions,
    schema: Option<&SchemaRef>,
    value: &Value,
) -> Result<String, JsonError> {
    let mut out = Vec::new();
    let encoded = JsonCodec::new(options).encode(schema, value, &mut out)?;
    assert_eq!(encoded, Encoded::Json, "expected JSON, got a tombstone");
    Ok(String::from_utf8(out).expect("JSON output is UTF-8"))
}

/// Encodes in an envelope with default options.
fn encode(schema: &SchemaRef, value: &Value) -> String {
    encode_with(options(), Some(schema), value).expect("value fits its schema")
}

/// Decodes `text` with `options`.
fn decode_with(options: JsonOptions, text: &str) -> Result<(Option<SchemaRef>, Value), JsonError> {
    JsonCodec::new(options).decode(Some(&Bytes::copy_from_slice(text.as_bytes())))
}

/// Decodes an envelope with default options.
fn decode(text: &str) -> (Option<SchemaRef>, Value) {
    decode_with(options(), text).expect("valid envelope")
}

fn item_schema() -> SchemaRef {
    Schema::structure([
        ("id", Schema::int32().into_ref()),
        ("name", Schema::string().optional().into_ref()),
        ("price", Schema::decimal(2).into_ref()),
    ])
    .with_name("com.example.Item")
    .into_ref()
}

fn item_value(schema: &SchemaRef) -> Value {
    let item = Struct::from_values(
        schema.clone(),
        vec![
            Value::Int32(1),
            Value::string("x"),
            Value::Decimal(Decimal::from_i128(230, 2)),
        ],
    )
    .expect("three fields");
    Value::Struct(item)
}

/// The §6.1 example, byte for byte.
const ITEM_JSON: &str = concat!(
    r#"{"schema":{"type":"struct","fields":["#,
    r#"{"type":"int32","optional":false,"field":"id"},"#,
    r#"{"type":"string","optional":true,"field":"name"},"#,
    r#"{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"}],"#,
    r#""optional":false,"name":"com.example.Item"},"#,
    r#""payload":{"id":1,"name":"x","price":"AOY="}}"#
);

fn string(text: &str) -> Value {
    Value::String(Str::from(text))
}
