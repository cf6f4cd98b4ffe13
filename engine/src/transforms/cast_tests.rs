use bytes::Bytes;
use sluice_codecs::{Decimal, Schema, SchemaRef, Struct, Value};

use super::*;
use crate::transforms::test_support::{raw, sink_record};

fn cast(pairs: &[(&str, &str)], part: RecordPart) -> Box<dyn Transform> {
    build(&raw(pairs), Some(part)).expect("valid Cast config")
}

fn cast_whole(
    target: &str,
    schema: Option<SchemaRef>,
    value: Value,
) -> Result<Value, TransformError> {
    let transform = cast(&[("spec", target)], RecordPart::Value);
    let mut record = sink_record().with_value(schema, value);
    transform.apply(&mut record)?;
    Ok(record.value)
}

fn ok(target: &str, schema: Schema, value: Value) -> Value {
    cast_whole(target, Some(schema.into_ref()), value).expect("cast succeeds")
}

fn error(target: &str, schema: Option<Schema>, value: Value) -> String {
    cast_whole(target, schema.map(Schema::into_ref), value)
        .expect_err("cast fails")
        .to_string()
}

#[test]
fn whole_value_numbers_narrow_like_java() {
    assert_eq!(
        ok("int32", Schema::int64(), Value::Int64(42)),
        Value::Int32(42)
    );
    assert_eq!(
        ok("int8", Schema::int32(), Value::Int32(300)),
        Value::Int8(44)
    );
    assert_eq!(
        ok("int32", Schema::float64(), Value::Float64(3e9)),
        Value::Int32(i32::MAX)
    );
    assert_eq!(
        ok("int8", Schema::float64(), Value::Float64(3e9)),
        Value::Int8(-1)
    );
    assert_eq!(
        ok("int64", Schema::float32(), Value::Float32(-2.9)),
        Value::Int64(-2)
    );
    assert_eq!(
        ok("float32", Schema::int32(), Value::Int32(7)),
        Value::Float32(7.0)
    );
    assert_eq!(
        ok("float64", Schema::boolean(), Value::Boolean(true)),
        Value::Float64(1.0)
    );
    assert_eq!(
        ok("int16", Schema::boolean(), Value::Boolean(false)),
        Value::Int16(0)
    );
}

#[test]
fn strings_parse_like_java_number_parsers() {
    assert_eq!(
        ok("int32", Schema::string(), Value::from("-42")),
        Value::Int32(-42)
    );
    assert_eq!(
        ok("int64", Schema::string(), Value::from("+7")),
        Value::Int64(7)
    );
    assert_eq!(
        ok("float64", Schema::string(), Value::from(" 1.5d ")),
        Value::Float64(1.5)
    );
    assert_eq!(
        ok("float32", Schema::string(), Value::from("0.25")),
        Value::Float32(0.25)
    );
    assert_eq!(
        error("int8", Some(Schema::string()), Value::from("128")),
        "Value (128) was out of range for requested data type"
    );
    assert_eq!(
        error("int32", Some(Schema::string()), Value::from(" 1")),
        "Value ( 1) was out of range for requested data type"
    );
    assert_eq!(
        error("float64", Some(Schema::string()), Value::from("abc")),
        "Value (abc) was out of range for requested data type"
    );
}

#[test]
fn booleans_follow_long_value_and_parse_boolean() {
    assert_eq!(
        ok("boolean", Schema::int32(), Value::Int32(5)),
        Value::Boolean(true)
    );
    assert_eq!(
        ok("boolean", Schema::int8(), Value::Int8(0)),
        Value::Boolean(false)
    );
    assert_eq!(
        ok("boolean", Schema::float64(), Value::Float64(0.5)),
        Value::Boolean(false)
    );
    assert_eq!(
        ok("boolean", Schema::string(), Value::from("TRUE")),
        Value::Boolean(true)
    );
    assert_eq!(
        ok("boolean", Schema::string(), Value::from("yes")),
        Value::Boolean(false)
    );
    assert_eq!(
        ok("int8", Schema::boolean(), Value::Boolean(true)),
        Value::Int8(1)
    );
}

#[test]
fn strings_are_written_like_java_to_string() {
    assert_eq!(
        ok("string", Schema::float64(), Value::Float64(1e10)),
        Value::from("1.0E10")
    );
    assert_eq!(
        ok("string", Schema::float32(), Value::Float32(2.5)),
        Value::from("2.5")
    );
    assert_eq!(
        ok("string", Schema::int16(), Value::Int16(-3)),
        Value::from("-3")
    );
    assert_eq!(
        ok("string", Schema::boolean(), Value::Boolean(true)),
        Value::from("true")
    );
}

#[test]
fn bytes_cast_only_to_base64_string() {
    let hello = Value::Bytes(Bytes::from_static(b"hello"));
    assert_eq!(
        ok("string", Schema::bytes(), hello.clone()),
        Value::from("aGVsbG8=")
    );
    assert_eq!(
        error("int32", Some(Schema::bytes()), hello),
        "Unexpected type in Cast transformation: class [B"
    );
}

#[test]
fn logical_dates_cast_to_their_int_form_or_iso_text() {
    assert_eq!(
        ok("int32", Schema::date(), Value::Date(19_000)),
        Value::Int32(19_000)
    );
    assert_eq!(
        ok("string", Schema::date(), Value::Date(19_000)),
        Value::from("2022-01-08")
    );
    assert_eq!(
        ok("int32", Schema::time(), Value::Time(3_723_004)),
        Value::Int32(3_723_004)
    );
    assert_eq!(
        ok("string", Schema::time(), Value::Time(3_723_004)),
        Value::from("01:02:03.004Z")
    );
    let at = Value::Timestamp(1_700_000_000_000);
    assert_eq!(
        ok("int64", Schema::timestamp(), at.clone()),
        Value::Int64(1_700_000_000_000)
    );
    assert_eq!(
        ok("string", Schema::timestamp(), at),
        Value::from("2023-11-14T22:13:20.000Z")
    );
}

#[test]
fn logical_schema_names_do_not_survive_a_whole_value_cast() {
    let transform = cast(&[("spec", "int64")], RecordPart::Value);
    let mut record = sink_record().with_value(
        Some(Schema::timestamp().optional().into_ref()),
        Value::Timestamp(5),
    );
    transform.apply(&mut record).expect("cast succeeds");
    assert_eq!(
        record.value_schema,
        Some(Schema::int64().optional().into_ref())
    );
    assert_eq!(record.value, Value::Int64(5));
}

#[test]
fn decimals_cast_like_big_decimal() {
    let price = || Value::Decimal(Decimal::from_i128(-12_345, 2));
    assert_eq!(ok("int32", Schema::decimal(2), price()), Value::Int32(-123));
    assert_eq!(
        ok("float64", Schema::decimal(2), price()),
        Value::Float64(-123.45)
    );
    assert_eq!(
        ok("string", Schema::decimal(2), price()),
        Value::from("-123.45")
    );
    assert_eq!(
        ok("boolean", Schema::decimal(2), price()),
        Value::Boolean(true)
    );
    let tiny = Value::Decimal(Decimal::from_i128(5, 9));
    assert_eq!(ok("string", Schema::decimal(9), tiny), Value::from("5E-9"));
}

#[test]
fn unsupported_inputs_are_rejected() {
    assert_eq!(
        error("string", None, Value::Decimal(Decimal::from_i128(1, 0))),
        "Cast transformation was passed a value of type class java.math.BigDecimal which is not \
         supported by Connect's data API"
    );
    assert_eq!(
        error("string", None, Value::Array(vec![])),
        "Cast transformation does not support casting from ARRAY; supported types are [INT8, \
         INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"
    );
}

fn person_schema() -> SchemaRef {
    Schema::structure([
        ("id", Schema::int64().into_ref()),
        (
            "score",
            Schema::int32()
                .optional()
                .with_default(Value::Int32(5))
                .into_ref(),
        ),
        ("name", Schema::string().into_ref()),
    ])
    .with_name("com.example.Person")
    .into_ref()
}

fn person(score: Value) -> Value {
    let values = vec![Value::Int64(7), score, Value::from("ann")];
    Value::Struct(Struct::from_values(person_schema(), values).expect("three fields"))
}

fn cast_person(replace_null_with_default: &str, score: Value) -> Record {
    let transform = cast(
        &[
            ("spec", "id:string, score:float64"),
            ("replace.null.with.default", replace_null_with_default),
        ],
        RecordPart::Value,
    );
    let mut record = sink_record().with_value(Some(person_schema()), person(score));
    transform.apply(&mut record).expect("cast succeeds");
    record
}

#[test]
fn struct_fields_and_their_defaults_are_cast() {
    let record = cast_person("true", Value::Int32(3));
    let expected = Schema::structure([
        ("id", Schema::string().into_ref()),
        (
            "score",
            Schema::float64()
                .optional()
                .with_default(Value::Float64(5.0))
                .into_ref(),
        ),
        ("name", Schema::string().into_ref()),
    ])
    .with_name("com.example.Person")
    .into_ref();
    assert_eq!(record.value_schema.as_ref(), Some(&expected));
    let Value::Struct(value) = &record.value else {
        panic!("a struct")
    };
    assert_eq!(
        value.values(),
        [Value::from("7"), Value::Float64(3.0), Value::from("ann")]
    );
}

#[test]
fn null_fields_take_the_default_unless_told_not_to() {
    let record = cast_person("true", Value::Null);
    let Value::Struct(value) = &record.value else {
        panic!("a struct")
    };
    assert_eq!(value.values()[1], Value::Float64(5.0));
    let record = cast_person("false", Value::Null);
    let Value::Struct(value) = &record.value else {
        panic!("a struct")
    };
    assert_eq!(value.values()[1], Value::Null);
}

#[test]
fn schemaless_fields_are_cast_and_missing_ones_become_null() {
    let transform = cast(&[("spec", "a:int32,c:string")], RecordPart::Value);
    let map = Value::Map(vec![
        (Value::from("a"), Value::from("12")),
        (Value::from("b"), Value::Boolean(true)),
    ]);
    let mut record = sink_record().with_value(None, map);
    transform.apply(&mut record).expect("cast succeeds");
    assert_eq!(
        record.value,
        Value::Map(vec![
            (Value::from("a"), Value::Int32(12)),
            (Value::from("b"), Value::Boolean(true)),
            (Value::from("c"), Value::Null),
        ])
    );
}

#[test]
fn key_variant_casts_the_key_and_null_passes_through() {
    let transform = cast(&[("spec", "string")], RecordPart::Key);
    let mut record = sink_record()
        .with_key(None, Value::Int32(9))
        .with_value(None, Value::Int32(1));
    transform.apply(&mut record).expect("cast succeeds");
    assert_eq!(
        (record.key, record.value),
        (Value::from("9"), Value::Int32(1))
    );
    let mut tombstone = sink_record();
    transform.apply(&mut tombstone).expect("null passes");
    assert_eq!(tombstone.key, Value::Null);
}

#[test]
fn field_casts_need_a_struct_or_map() {
    let transform = cast(&[("spec", "a:int8")], RecordPart::Value);
    let mut record = sink_record().with_value(Some(Schema::int32().into_ref()), Value::Int32(1));
    let error = transform.apply(&mut record).expect_err("not a struct");
    assert_eq!(
        error.to_string(),
        "Only Struct objects supported for [cast types], found: java.lang.Integer"
    );
    let mut record = sink_record().with_value(None, Value::Int32(1));
    let error = transform.apply(&mut record).expect_err("not a map");
    assert_eq!(
        error.to_string(),
        "Only Map objects supported in absence of schema for [cast types], found: \
         java.lang.Integer"
    );
}

#[test]
fn one_schema_is_derived_once() {
    let transform = cast(&[("spec", "id:string")], RecordPart::Value);
    let schema = person_schema();
    let mut first = sink_record().with_value(Some(schema.clone()), person(Value::Null));
    let mut second = sink_record().with_value(Some(schema), person(Value::Null));
    transform.apply(&mut first).expect("cast succeeds");
    transform.apply(&mut second).expect("cast succeeds");
    let (first, second) = (
        first.value_schema.expect("schema"),
        second.value_schema.expect("schema"),
    );
    assert!(SchemaRef::ptr_eq(&first, &second));
}

#[test]
fn spec_errors_name_the_key_and_reason() {
    let cases = [
        ("", "Must specify at least one field to cast."),
        (
            "a:bytes",
            "Cast transformation does not support casting to BYTES; supported types are [INT8, \
             INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]",
        ),
        ("a:text", "Invalid type found in casting spec: text"),
        ("a:b:c", "Invalid rename mapping: a:b:c"),
        (
            "int8,a:int16",
            "Cast transformations that specify a type to cast the entire value to may ony \
             specify a single cast in their spec",
        ),
    ];
    for (spec, reason) in cases {
        let error = build(&raw(&[("spec", spec)]), Some(RecordPart::Value))
            .err()
            .unwrap_or_else(|| panic!("{spec} should be rejected"));
        assert_eq!(error.key(), Some("spec"), "{error}");
        assert!(error.to_string().ends_with(reason), "{error}");
    }
    let error = build(&raw(&[]), Some(RecordPart::Value))
        .err()
        .expect("spec is required");
    assert_eq!(error.key(), Some("spec"));
    let error = build(
        &raw(&[("spec", "int8"), ("replace.null.with.default", "maybe")]),
        Some(RecordPart::Value),
    )
    .err()
    .expect("not a boolean");
    assert_eq!(error.key(), Some("replace.null.with.default"));
}
