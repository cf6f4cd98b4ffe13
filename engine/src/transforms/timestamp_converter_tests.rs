use sluice_codecs::{Schema, SchemaRef, Struct, Value};

use super::*;
use crate::transforms::test_support::raw;

// 2024-03-05T07:08:09.012Z
const MILLIS: i64 = 1_709_622_489_012;
const DAY: i32 = 19_787;
const TIME_OF_DAY: i32 = 25_689_012;

fn converter(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
    build(&raw(pairs), Some(RecordPart::Value)).expect("valid config")
}

fn whole(
    pairs: &[(&str, &str)],
    schema: Option<SchemaRef>,
    value: Value,
) -> (Option<SchemaRef>, Value) {
    let mut record = Record::sink("t", 0, 0).with_value(schema, value);
    converter(pairs).apply(&mut record).expect("converts");
    (record.value_schema, record.value)
}

#[test]
fn timestamp_to_every_target_with_schema() {
    let ts = || Some(Schema::timestamp().into_ref());
    let cases = [
        ("Timestamp", Schema::timestamp(), Value::Timestamp(MILLIS)),
        ("Date", Schema::date(), Value::Date(DAY)),
        ("Time", Schema::time(), Value::Time(TIME_OF_DAY)),
        ("unix", Schema::int64(), Value::Int64(MILLIS)),
    ];
    for (target, schema, value) in cases {
        let out = whole(&[(TARGET_TYPE, target)], ts(), Value::Timestamp(MILLIS));
        assert_eq!(out, (Some(schema.into_ref()), value), "{target}");
    }
    let out = whole(
        &[(TARGET_TYPE, "string"), (FORMAT, "yyyy-MM-dd HH:mm:ss.SSS")],
        ts(),
        Value::Timestamp(MILLIS),
    );
    assert_eq!(
        out,
        (
            Some(Schema::string().into_ref()),
            Value::from("2024-03-05 07:08:09.012")
        )
    );
}

#[test]
fn string_input_is_parsed_with_the_format_in_utc() {
    let out = whole(
        &[
            (TARGET_TYPE, "Timestamp"),
            (FORMAT, "yyyy-MM-dd'T'HH:mm:ss.SSS"),
        ],
        Some(Schema::string().optional().into_ref()),
        Value::from("2024-03-05T07:08:09.012"),
    );
    assert_eq!(
        out,
        (
            Some(Schema::timestamp().optional().into_ref()),
            Value::Timestamp(MILLIS)
        )
    );
}

#[test]
fn unix_precision_applies_to_input_and_output() {
    let int64 = || Some(Schema::int64().into_ref());
    let seconds = [(TARGET_TYPE, "Timestamp"), (UNIX_PRECISION, "seconds")];
    assert_eq!(
        whole(&seconds, int64(), Value::Int64(1_709_622_489)).1,
        Value::Timestamp(1_709_622_489_000)
    );
    let micros = [(TARGET_TYPE, "unix"), (UNIX_PRECISION, "microseconds")];
    let ts = Some(Schema::timestamp().into_ref());
    assert_eq!(
        whole(&micros, ts.clone(), Value::Timestamp(MILLIS)).1,
        Value::Int64(MILLIS * 1000)
    );
    let nanos = [(TARGET_TYPE, "Timestamp"), (UNIX_PRECISION, "nanoseconds")];
    assert_eq!(
        whole(&nanos, int64(), Value::Int64(MILLIS * 1_000_000 + 999)).1,
        Value::Timestamp(MILLIS)
    );
    let seconds_out = [(TARGET_TYPE, "unix"), (UNIX_PRECISION, "seconds")];
    assert_eq!(
        whole(&seconds_out, ts, Value::Timestamp(MILLIS)).1,
        Value::Int64(1_709_622_489)
    );
}

#[test]
fn date_and_time_inputs_convert_to_timestamps() {
    let out = whole(
        &[(TARGET_TYPE, "Timestamp")],
        Some(Schema::date().into_ref()),
        Value::Date(DAY),
    );
    assert_eq!(out.1, Value::Timestamp(1_709_596_800_000));
    let out = whole(
        &[(TARGET_TYPE, "unix")],
        Some(Schema::time().into_ref()),
        Value::Time(TIME_OF_DAY),
    );
    assert_eq!(out.1, Value::Int64(i64::from(TIME_OF_DAY)));
}

#[test]
fn schemaless_whole_values_infer_their_kind() {
    assert_eq!(
        whole(&[(TARGET_TYPE, "Date")], None, Value::Int64(MILLIS)),
        (None, Value::Date(DAY))
    );
    assert_eq!(
        whole(
            &[(TARGET_TYPE, "string"), (FORMAT, "yyyyMMdd")],
            None,
            Value::Timestamp(MILLIS)
        ),
        (None, Value::from("20240305"))
    );
    assert_eq!(
        whole(
            &[(TARGET_TYPE, "unix"), (FORMAT, "yyyyMMdd")],
            None,
            Value::from("20240305")
        ),
        (None, Value::Int64(1_709_596_800_000))
    );
}

#[test]
fn nulls_pass_through() {
    let schema = Some(Schema::timestamp().optional().into_ref());
    assert_eq!(
        whole(&[(TARGET_TYPE, "unix")], schema, Value::Null),
        (Some(Schema::int64().optional().into_ref()), Value::Null)
    );
    assert_eq!(
        whole(&[(TARGET_TYPE, "unix"), (FIELD, "ts")], None, Value::Null),
        (None, Value::Null)
    );
}

fn event_schema() -> SchemaRef {
    Schema::structure([
        ("id", Schema::int32().into_ref()),
        (
            "ts",
            Schema::int64()
                .optional()
                .with_default(Value::Int64(0))
                .into_ref(),
        ),
    ])
    .with_name("Event")
    .into_ref()
}

fn event(ts: Value) -> Value {
    let mut event = Struct::new(event_schema());
    event
        .put("id", 1)
        .and_then(|e| e.put("ts", ts))
        .expect("valid");
    Value::Struct(event)
}

#[test]
fn one_field_of_a_struct_is_converted_and_its_schema_replaced() {
    let (schema, value) = whole(
        &[(TARGET_TYPE, "Timestamp"), (FIELD, "ts")],
        Some(event_schema()),
        event(Value::Int64(MILLIS)),
    );
    let expected_schema = Schema::structure([
        ("id", Schema::int32().into_ref()),
        ("ts", Schema::timestamp().optional().into_ref()),
    ])
    .with_name("Event")
    .into_ref();
    assert_eq!(schema, Some(expected_schema));
    let Value::Struct(value) = value else {
        panic!("struct")
    };
    assert_eq!(value.values(), [Value::Int32(1), Value::Timestamp(MILLIS)]);
    assert_eq!(value.validate(), Ok(()));
}

#[test]
fn replace_null_with_default_decides_what_a_null_field_converts_from() {
    let pairs = [(TARGET_TYPE, "Timestamp"), (FIELD, "ts")];
    let (_, value) = whole(&pairs, Some(event_schema()), event(Value::Null));
    assert_eq!(
        value.as_struct().map(|s| s.values()[1].clone()),
        Some(Value::Timestamp(0))
    );
    let pairs = [
        (TARGET_TYPE, "Timestamp"),
        (FIELD, "ts"),
        (REPLACE_NULL_WITH_DEFAULT, "false"),
    ];
    let (_, value) = whole(&pairs, Some(event_schema()), event(Value::Null));
    assert_eq!(
        value.as_struct().map(|s| s.values()[1].clone()),
        Some(Value::Null)
    );
}

#[test]
fn schemaless_map_field_is_converted_in_place_or_added_as_null() {
    let map = Value::Map(vec![
        (Value::from("ts"), Value::Int64(MILLIS)),
        (Value::from("x"), Value::Int8(1)),
    ]);
    let (_, value) = whole(&[(TARGET_TYPE, "Date"), (FIELD, "ts")], None, map);
    assert_eq!(
        value,
        Value::Map(vec![
            (Value::from("ts"), Value::Date(DAY)),
            (Value::from("x"), Value::Int8(1))
        ])
    );
    let (_, value) = whole(
        &[(TARGET_TYPE, "Date"), (FIELD, "ts")],
        None,
        Value::Map(vec![]),
    );
    assert_eq!(value, Value::Map(vec![(Value::from("ts"), Value::Null)]));
}

#[test]
fn unsupported_inputs_raise_kafkas_messages() {
    let apply = |pairs: &[(&str, &str)], schema: Option<SchemaRef>, value: Value| {
        let mut record = Record::sink("t", 0, 0).with_value(schema, value);
        converter(pairs)
            .apply(&mut record)
            .expect_err("unsupported")
            .to_string()
    };
    assert_eq!(
        apply(
            &[(TARGET_TYPE, "unix")],
            Some(Schema::int32().into_ref()),
            Value::Int32(1)
        ),
        "Schema Schema{INT32} does not correspond to a known timestamp type format"
    );
    assert_eq!(
        apply(&[(TARGET_TYPE, "unix")], None, Value::Int32(1)),
        "TimestampConverter does not support class java.lang.Integer objects as timestamps"
    );
    assert_eq!(
        apply(
            &[(TARGET_TYPE, "unix"), (FORMAT, "yyyyMMdd")],
            None,
            Value::from("2024")
        ),
        "Could not parse timestamp: value (2024) does not match pattern (yyyyMMdd)"
    );
    assert_eq!(
        apply(
            &[(TARGET_TYPE, "unix"), (FIELD, "ts")],
            Some(event_schema()),
            Value::from("x")
        ),
        "Only Struct objects supported for [converting timestamp formats], found: java.lang.String"
    );
    assert_eq!(
        apply(
            &[(TARGET_TYPE, "unix"), (FIELD, "ts")],
            None,
            Value::Int64(1)
        ),
        "Only Map objects supported in absence of schema for [converting timestamp formats], found: java.lang.Long"
    );
}

#[test]
fn config_errors_name_the_key() {
    let error = build(&raw(&[(TARGET_TYPE, "string")]), None)
        .err()
        .expect("no format");
    assert_eq!(error.key(), Some(FORMAT));
    let error = build(&raw(&[(TARGET_TYPE, "epoch")]), None)
        .err()
        .expect("bad target");
    assert_eq!(
        error.to_string(),
        "Invalid value epoch for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp"
    );
    let error = build(
        &raw(&[(TARGET_TYPE, "unix"), (UNIX_PRECISION, "days")]),
        None,
    )
    .err()
    .expect("bad precision");
    assert_eq!(error.key(), Some(UNIX_PRECISION));
    let error = build(&raw(&[(TARGET_TYPE, "unix"), (FORMAT, "yyyy-bb")]), None)
        .err()
        .expect("bad pattern");
    assert_eq!(error.key(), Some(FORMAT));
    let error = build(&raw(&[]), None).err().expect("target required");
    assert_eq!(
        error,
        ConfigError::Missing {
            key: TARGET_TYPE.into()
        }
    );
}

#[test]
fn derived_struct_schemas_are_shared_across_records() {
    let transform = converter(&[(TARGET_TYPE, "Timestamp"), (FIELD, "ts")]);
    let mut first =
        Record::sink("t", 0, 0).with_value(Some(event_schema()), event(Value::Int64(1)));
    let mut second =
        Record::sink("t", 0, 1).with_value(Some(event_schema()), event(Value::Int64(2)));
    transform.apply(&mut first).expect("converts");
    transform.apply(&mut second).expect("converts");
    let (Some(a), Some(b)) = (first.value_schema, second.value_schema) else {
        panic!("schemas")
    };
    assert!(std::sync::Arc::ptr_eq(&a, &b));
}

#[test]
fn key_variant_converts_the_key_and_leaves_the_value() {
    let transform =
        build(&raw(&[(TARGET_TYPE, "Time")]), Some(RecordPart::Key)).expect("valid config");
    let mut record = Record::sink("t", 0, 0)
        .with_key(None, Value::Int64(MILLIS))
        .with_value(None, Value::Int64(MILLIS));
    transform.apply(&mut record).expect("converts");
    assert_eq!(record.key, Value::Time(TIME_OF_DAY));
    assert_eq!(record.value, Value::Int64(MILLIS));
}
