//! Every quickstart's records written with Confluent's `ProtobufConverter`, which derives and
//! registers a `.proto` schema for them, and read back.

use sluice_codecs::Value;
use sluice_engine::converters::{Converter, ConverterType, ProtobufConverter};

use super::quickstart;
use super::tests::{config, poll_records, start};
use crate::test_support::{MemoryOffsets, raw};

/// The value without its schemas (decoded structs carry the decoder's Connect schema).
fn shape(value: &Value) -> Value {
    match value {
        Value::Struct(record) => Value::Array(record.values().iter().map(shape).collect()),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Map(entries) => {
            Value::Map(entries.iter().map(|(k, v)| (shape(k), shape(v))).collect())
        }
        Value::Int8(x) => Value::Int32(i32::from(*x)),
        Value::Int16(x) => Value::Int32(i32::from(*x)),
        other => other.clone(),
    }
}

fn converter(scope: &str) -> ProtobufConverter {
    // proto3 `optional` fields, so that nulls read back as nulls and values compare equal;
    // scrubbed names, so that clickstream's `_time` becomes `x_time` and no longer clashes
    // with `time`.
    let raw = raw(&[
        ("schema.registry.url", scope),
        ("optional.for.nullables", "true"),
        ("scrub.invalid.names", "true"),
    ]);
    ProtobufConverter::configure(&raw, ConverterType::Value).expect("valid converter config")
}

#[test]
fn every_quickstart_round_trips_through_the_protobuf_converter() {
    let mut failures = Vec::new();
    for name in quickstart::names() {
        let mut task = start(config(&[("quickstart", name)]), &MemoryOffsets::default());
        let records = poll_records(&mut task, 20);
        let scope = format!("mock://datagen-protobuf-{name}");
        let (mut writer, mut reader) = (converter(&scope), converter(&scope));
        for record in &records {
            let written = writer.to_bytes("t", record.value_schema.as_ref(), &record.value);
            let read = written.and_then(|bytes| reader.to_connect("t", bytes.as_ref()));
            match read {
                Ok((_, value)) if shape(&value) == shape(&record.value) => {}
                Ok((_, value)) => {
                    failures.push(format!("{name}: wrote {:?}, read {value:?}", record.value));
                    break;
                }
                Err(error) => {
                    failures.push(format!("{name}: {error}"));
                    break;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn clashing_field_names_fail_naming_both_fields_unless_scrubbed() {
    let mut task = start(
        config(&[("quickstart", "clickstream")]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 1);
    let record = records.first().expect("a clickstream record");
    let raw = raw(&[("schema.registry.url", "mock://datagen-protobuf-clash")]);
    let mut writer =
        ProtobufConverter::configure(&raw, ConverterType::Value).expect("valid converter config");
    let error = writer
        .to_bytes("t", record.value_schema.as_ref(), &record.value)
        .expect_err("time and _time clash in proto3");
    let message = error.to_string();
    assert!(
        message.contains("`_time`") && message.contains("`time`"),
        "{message}"
    );
}
