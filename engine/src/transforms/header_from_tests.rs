use sluice_codecs::{Header, Schema, SchemaRef, Struct, Value};

use super::*;
use crate::transforms::test_support::raw;

fn transform(operation: &str, extra: &[(&str, &str)], part: RecordPart) -> Box<dyn Transform> {
    let mut pairs = vec![
        (FIELDS, "id,name"),
        (HEADERS, "h_id,h_name"),
        (OPERATION, operation),
    ];
    pairs.extend_from_slice(extra);
    build(&raw(&pairs), Some(part)).expect("valid config")
}

fn schema() -> SchemaRef {
    Schema::structure([
        ("id", Schema::int32().into_ref()),
        (
            "name",
            Schema::string()
                .optional()
                .with_default(Value::from("anon"))
                .into_ref(),
        ),
        ("qty", Schema::int64().into_ref()),
    ])
    .with_name("Item")
    .optional()
    .into_ref()
}

fn item() -> Value {
    let mut item = Struct::new(schema());
    item.put("id", 7)
        .and_then(|s| s.put("qty", 3i64))
        .expect("valid");
    Value::Struct(item)
}

fn headers(record: &Record) -> Vec<Header> {
    record.headers.iter().cloned().collect()
}

#[test]
fn copy_with_schema_adds_headers_with_field_schemas_and_keeps_the_value() {
    let mut record = Record::sink("t", 0, 0).with_value(Some(schema()), item());
    transform("copy", &[], RecordPart::Value)
        .apply(&mut record)
        .expect("applies");
    assert_eq!(
        headers(&record),
        [
            Header {
                key: "h_id".into(),
                schema: Some(Schema::int32().into_ref()),
                value: Value::Int32(7)
            },
            Header {
                key: "h_name".into(),
                schema: Some(
                    Schema::string()
                        .optional()
                        .with_default(Value::from("anon"))
                        .into_ref()
                ),
                value: Value::from("anon"),
            },
        ]
    );
    assert_eq!(record.value, item());
    assert_eq!(record.value_schema, Some(schema()));
}

#[test]
fn move_with_schema_removes_the_fields_from_schema_and_value() {
    let mut record = Record::sink("t", 0, 0).with_key(Some(schema()), item());
    transform("move", &[], RecordPart::Key)
        .apply(&mut record)
        .expect("applies");
    let expected_schema = Schema::structure([("qty", Schema::int64().into_ref())])
        .with_name("Item")
        .into_ref();
    assert_eq!(record.key_schema, Some(expected_schema.clone()));
    let Value::Struct(moved) = &record.key else {
        panic!("struct key")
    };
    assert_eq!(moved.values(), [Value::Int64(3)]);
    assert_eq!(moved.validate(), Ok(()));
    assert_eq!(record.headers.len(), 2);
}

#[test]
fn replace_null_with_default_false_keeps_the_null() {
    let mut record = Record::sink("t", 0, 0).with_value(Some(schema()), item());
    transform(
        "copy",
        &[(REPLACE_NULL_WITH_DEFAULT, "false")],
        RecordPart::Value,
    )
    .apply(&mut record)
    .expect("applies");
    assert_eq!(
        record.headers.last_with_name("h_name").map(|h| &h.value),
        Some(&Value::Null)
    );
}

#[test]
fn schemaless_copy_and_move_use_null_schemas() {
    let map = Value::Map(vec![
        (Value::from("id"), Value::Int64(7)),
        (Value::from("other"), Value::Boolean(true)),
    ]);
    let mut record = Record::sink("t", 0, 0).with_value(None, map.clone());
    transform("copy", &[], RecordPart::Value)
        .apply(&mut record)
        .expect("applies");
    assert_eq!(record.value, map);
    assert_eq!(
        headers(&record),
        [
            Header {
                key: "h_id".into(),
                schema: None,
                value: Value::Int64(7)
            },
            Header {
                key: "h_name".into(),
                schema: None,
                value: Value::Null
            },
        ]
    );
    let mut record = Record::sink("t", 0, 0).with_value(None, map);
    transform("move", &[], RecordPart::Value)
        .apply(&mut record)
        .expect("applies");
    assert_eq!(
        record.value,
        Value::Map(vec![(Value::from("other"), Value::Boolean(true))])
    );
}

#[test]
fn wrong_shapes_raise_kafkas_messages() {
    let mut record = Record::sink("t", 0, 0).with_value(Some(schema()), Value::Null);
    let error = transform("move", &[], RecordPart::Value)
        .apply(&mut record)
        .expect_err("null");
    assert_eq!(
        error.to_string(),
        "Only Struct objects supported for [header move], found: null"
    );
    let mut record = Record::sink("t", 0, 0).with_value(None, Value::from("x"));
    let error = transform("copy", &[], RecordPart::Value)
        .apply(&mut record)
        .expect_err("string");
    assert_eq!(
        error.to_string(),
        "Only Map objects supported in absence of schema for [header copy], found: java.lang.String"
    );
}

#[test]
fn unknown_field_with_schema_is_an_error() {
    let transform = build(
        &raw(&[(FIELDS, "nope"), (HEADERS, "h"), (OPERATION, "copy")]),
        Some(RecordPart::Value),
    )
    .expect("valid config");
    let mut record = Record::sink("t", 0, 0).with_value(Some(schema()), item());
    let error = transform.apply(&mut record).expect_err("unknown field");
    assert_eq!(error.to_string(), "nope is not a valid field name");
}

#[test]
fn config_errors_name_the_key() {
    let error = build(
        &raw(&[(FIELDS, "a,b"), (HEADERS, "x"), (OPERATION, "copy")]),
        None,
    )
    .err()
    .expect("length mismatch");
    assert_eq!(
        error.to_string(),
        "Invalid value x for configuration headers: 'fields' config must have the same number of elements as 'headers' config."
    );
    let error = build(
        &raw(&[(FIELDS, "a"), (HEADERS, "x"), (OPERATION, "swap")]),
        None,
    )
    .err()
    .expect("bad operation");
    assert_eq!(error.key(), Some(OPERATION));
    let error = build(
        &raw(&[(FIELDS, ""), (HEADERS, ""), (OPERATION, "copy")]),
        None,
    )
    .err()
    .expect("empty");
    assert_eq!(error.key(), Some(FIELDS));
}
