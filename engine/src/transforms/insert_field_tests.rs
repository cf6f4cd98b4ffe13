//! InsertField against Kafka's behaviour: schema and schemaless, key and value, metadata and
//! defaults.

use sluice_codecs::Struct;

use super::*;
use crate::record::SourceMap;
use crate::transforms::test_support::{raw, sink_record};

fn insert(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
    build(&raw(pairs), Some(RecordPart::Value)).expect("valid InsertField config")
}

fn all_fields() -> Box<dyn Transform> {
    insert(&[
        ("topic.field", "topic!"),
        ("partition.field", "partition"),
        ("offset.field", "offset?"),
        ("timestamp.field", "ts"),
        ("static.field", "env"),
        ("static.value", "prod"),
    ])
}

fn value_schema() -> SchemaRef {
    Schema::structure([("id", Schema::int32().into_ref())])
        .with_name("com.example.Order")
        .into_ref()
}

fn value() -> Value {
    Value::Struct(Struct::from_values(value_schema(), vec![Value::Int32(1)]).expect("one field"))
}

#[test]
fn with_schema_metadata_fields_are_appended() {
    let mut record = sink_record()
        .with_value(Some(value_schema()), value())
        .with_timestamp(Some(1_700_000_000_000));
    all_fields().apply(&mut record).expect("inserts");
    let expected = Schema::structure([
        ("id", Schema::int32().into_ref()),
        ("topic", Schema::string().into_ref()),
        ("partition", Schema::int32().optional().into_ref()),
        ("offset", Schema::int64().optional().into_ref()),
        ("ts", Schema::timestamp().optional().into_ref()),
        ("env", Schema::string().optional().into_ref()),
    ])
    .with_name("com.example.Order")
    .into_ref();
    assert_eq!(record.value_schema, Some(expected));
    let Value::Struct(inserted) = &record.value else {
        panic!("a struct")
    };
    assert_eq!(
        inserted.values(),
        [
            Value::Int32(1),
            Value::from("orders"),
            Value::Int32(3),
            Value::Int64(42),
            Value::Timestamp(1_700_000_000_000),
            Value::from("prod"),
        ]
    );
}

#[test]
fn schemaless_timestamps_are_longs_and_missing_metadata_is_skipped() {
    let map = Value::Map(vec![(Value::from("id"), Value::Int32(1))]);
    let mut record = sink_record()
        .with_value(None, map.clone())
        .with_timestamp(Some(5));
    all_fields().apply(&mut record).expect("inserts");
    assert_eq!(
        record.value,
        Value::Map(vec![
            (Value::from("id"), Value::Int32(1)),
            (Value::from("topic"), Value::from("orders")),
            (Value::from("partition"), Value::Int32(3)),
            (Value::from("offset"), Value::Int64(42)),
            (Value::from("ts"), Value::Int64(5)),
            (Value::from("env"), Value::from("prod")),
        ])
    );
    let transform = insert(&[("timestamp.field", "ts")]);
    let mut record = sink_record().with_value(None, map.clone());
    transform.apply(&mut record).expect("inserts");
    assert_eq!(record.value, map);
}

#[test]
fn offsets_are_only_for_sink_records() {
    let transform = insert(&[("offset.field", "offset")]);
    let mut record = Record::source("t", SourceMap::new(), SourceMap::new())
        .with_value(None, Value::Map(vec![]));
    let error = transform.apply(&mut record).expect_err("source record");
    assert_eq!(
        error.to_string(),
        "Only SinkRecord supported for [field insertion], found: \
         org.apache.kafka.connect.source.SourceRecord"
    );
}

#[test]
fn tombstones_pass_and_other_values_are_rejected() {
    let transform = insert(&[("topic.field", "t")]);
    let mut record = sink_record();
    transform.apply(&mut record).expect("null passes");
    assert_eq!(record.value, Value::Null);
    let mut record = sink_record().with_value(Some(Schema::int8().into_ref()), Value::Int8(1));
    let error = transform.apply(&mut record).expect_err("not a struct");
    assert_eq!(
        error.to_string(),
        "Only Struct objects supported for [field insertion], found: java.lang.Byte"
    );
}

#[test]
fn key_variant_inserts_into_the_key() {
    let transform =
        build(&raw(&[("topic.field", "t")]), Some(RecordPart::Key)).expect("valid config");
    let mut record = sink_record().with_key(None, Value::Map(vec![]));
    transform.apply(&mut record).expect("inserts");
    assert_eq!(
        record.key,
        Value::Map(vec![(Value::from("t"), Value::from("orders"))])
    );
}

#[test]
fn config_needs_a_field_and_a_static_value() {
    let error = build(&raw(&[]), Some(RecordPart::Value))
        .err()
        .expect("nothing to insert");
    assert_eq!(error.key(), Some("topic.field"));
    let error = build(&raw(&[("static.field", "env")]), Some(RecordPart::Value))
        .err()
        .expect("no static value");
    assert_eq!(error.key(), Some("static.value"));
    assert!(
        error
            .to_string()
            .ends_with("No value specified for static field: env")
    );
}

#[test]
fn null_fields_take_the_default_unless_told_not_to() {
    let schema = Schema::structure([(
        "n",
        Schema::int32()
            .optional()
            .with_default(Value::Int32(9))
            .into_ref(),
    )])
    .into_ref();
    let value = Value::Struct(
        Struct::from_values(SchemaRef::clone(&schema), vec![Value::Null]).expect("one field"),
    );
    for (setting, expected) in [("true", Value::Int32(9)), ("false", Value::Null)] {
        let transform = insert(&[("topic.field", "t"), ("replace.null.with.default", setting)]);
        let mut record = sink_record().with_value(Some(SchemaRef::clone(&schema)), value.clone());
        transform.apply(&mut record).expect("inserts");
        let Value::Struct(inserted) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(inserted.values()[0], expected);
    }
}
