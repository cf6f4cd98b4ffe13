//! Writing: schema JSON and payloads, byte for byte.

use super::*;
use crate::json::DecimalFormat;
use crate::value::DataError;

fn envelope(schema: &str, payload: &str) -> String {
    format!(r#"{{"schema":{schema},"payload":{payload}}}"#)
}

#[test]
fn reference_item_example_is_byte_exact() {
    let schema = item_schema();
    assert_eq!(encode(&schema, &item_value(&schema)), ITEM_JSON);
}

#[test]
fn every_primitive_type_has_its_json_name_and_payload() {
    let cases: Vec<(Schema, Value, &str, &str)> = vec![
        (Schema::boolean(), Value::Boolean(true), "boolean", "true"),
        (Schema::int8(), Value::Int8(-8), "int8", "-8"),
        (Schema::int16(), Value::Int16(300), "int16", "300"),
        (
            Schema::int32(),
            Value::Int32(-2_147_483_648),
            "int32",
            "-2147483648",
        ),
        (
            Schema::int64(),
            Value::Int64(9_007_199_254_740_993),
            "int64",
            "9007199254740993",
        ),
        (Schema::float32(), Value::Float32(1.5), "float", "1.5"),
        (
            Schema::float64(),
            Value::Float64(1.0e10),
            "double",
            "1.0E10",
        ),
        (Schema::string(), string("héllo"), "string", r#""héllo""#),
        (
            Schema::bytes(),
            Value::Bytes(Bytes::from_static(b"foo")),
            "bytes",
            r#""Zm9v""#,
        ),
    ];
    for (schema, value, name, payload) in cases {
        let expected = envelope(&format!(r#"{{"type":"{name}","optional":false}}"#), payload);
        assert_eq!(encode(&schema.into_ref(), &value), expected);
    }
}

#[test]
fn floats_use_java_to_string_forms() {
    let cases = [
        (0.5, "0.5"),
        (1.0, "1.0"),
        (1.0e-5, "1.0E-5"),
        (123_456_789.0, "1.23456789E8"),
        (-0.001, "-0.001"),
    ];
    for (value, text) in cases {
        let json = encode_with(schemaless_options(), None, &Value::Float64(value));
        assert_eq!(json.as_deref(), Ok(text));
    }
    let json = encode_with(schemaless_options(), None, &Value::Float32(0.1));
    assert_eq!(json.as_deref(), Ok("0.1"));
}

#[test]
fn non_finite_doubles_are_quoted_like_jackson() {
    let schema = Schema::float64().into_ref();
    let expected = envelope(r#"{"type":"double","optional":false}"#, r#""NaN""#);
    assert_eq!(encode(&schema, &Value::Float64(f64::NAN)), expected);
    let json = encode_with(
        schemaless_options(),
        None,
        &Value::Float64(f64::NEG_INFINITY),
    );
    assert_eq!(json.as_deref(), Ok(r#""-Infinity""#));
}

#[test]
fn logical_types_carry_name_and_version() {
    let date = r#"{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1}"#;
    assert_eq!(
        encode(&Schema::date().into_ref(), &Value::Date(19_000)),
        envelope(date, "19000")
    );
    let time = r#"{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1}"#;
    assert_eq!(
        encode(&Schema::time().into_ref(), &Value::Time(3_600_000)),
        envelope(time, "3600000")
    );
    let timestamp = r#"{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1}"#;
    assert_eq!(
        encode(
            &Schema::timestamp().into_ref(),
            &Value::Timestamp(1_732_550_400_123)
        ),
        envelope(timestamp, "1732550400123")
    );
    let decimal = r#"{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"3"}}"#;
    assert_eq!(
        encode(
            &Schema::decimal(3).into_ref(),
            &Value::Decimal(Decimal::from_i128(-1, 3))
        ),
        envelope(decimal, r#""/w==""#)
    );
}

#[test]
fn numeric_decimal_format_writes_java_big_decimal_text() {
    let options = JsonOptions {
        decimal_format: DecimalFormat::Numeric,
        ..JsonOptions::default()
    };
    let schema = Schema::decimal(2).optional().into_ref();
    let decimal = r#"{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}"#;
    let cases = [
        (230, "2.30"),
        (-5, "-0.05"),
        (0, "0.00"),
        (123_456_789_012, "1234567890.12"),
    ];
    for (unscaled, payload) in cases {
        let value = Value::Decimal(Decimal::from_i128(unscaled, 2));
        let json = encode_with(options.clone(), Some(&schema), &value);
        assert_eq!(json, Ok(envelope(decimal, payload)));
    }
}

#[test]
fn arrays_and_maps_name_their_element_schemas() {
    let array = Schema::array(Schema::int32().into_ref()).into_ref();
    assert_eq!(
        encode(
            &array,
            &Value::Array(vec![Value::Int32(1), Value::Int32(2)])
        ),
        envelope(
            r#"{"type":"array","items":{"type":"int32","optional":false},"optional":false}"#,
            "[1,2]"
        )
    );
    let map = Schema::map(
        Schema::string().into_ref(),
        Schema::int64().optional().into_ref(),
    )
    .into_ref();
    let value = Value::Map(vec![
        (string("a"), Value::Int64(1)),
        (string("b"), Value::Null),
    ]);
    assert_eq!(
        encode(&map, &value),
        envelope(
            r#"{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int64","optional":true},"optional":false}"#,
            r#"{"a":1,"b":null}"#
        )
    );
}

#[test]
fn maps_with_non_string_keys_are_arrays_of_pairs() {
    let map = Schema::map(Schema::int32().into_ref(), Schema::string().into_ref()).into_ref();
    let value = Value::Map(vec![
        (Value::Int32(1), string("x")),
        (Value::Int32(2), string("y")),
    ]);
    assert_eq!(
        encode(&map, &value),
        envelope(
            r#"{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":false},"optional":false}"#,
            r#"[[1,"x"],[2,"y"]]"#
        )
    );
    let schemaless = Value::Map(vec![(Value::Int64(1), Value::Int64(2))]);
    assert_eq!(
        encode_with(options(), None, &schemaless),
        Ok(envelope("null", "[[1,2]]"))
    );
    let string_keys = Value::Map(vec![(string("k"), Value::Boolean(false))]);
    assert_eq!(
        encode_with(options(), None, &string_keys),
        Ok(envelope("null", r#"{"k":false}"#))
    );
}

#[test]
fn schema_attributes_follow_the_type_in_kafka_order() {
    let schema = Schema::int32()
        .optional()
        .with_default(Value::Int32(7))
        .with_parameter("b", "2")
        .with_parameter("a", "1")
        .with_doc("the \"doc\"")
        .with_version(3)
        .with_name("com.example.N")
        .into_ref();
    assert_eq!(
        encode(&schema, &Value::Int32(5)),
        envelope(
            r#"{"type":"int32","optional":true,"name":"com.example.N","version":3,"doc":"the \"doc\"","parameters":{"b":"2","a":"1"},"default":7}"#,
            "5"
        )
    );
}

#[test]
fn struct_fields_end_with_the_field_name_after_the_default() {
    let field = Schema::string()
        .with_default(string("n/a"))
        .with_doc("d")
        .into_ref();
    let schema = Schema::structure([("note", field)]).optional().into_ref();
    let value =
        Value::Struct(Struct::from_values(schema.clone(), vec![string("hi")]).expect("one field"));
    assert_eq!(
        encode(&schema, &value),
        envelope(
            r#"{"type":"struct","fields":[{"type":"string","optional":false,"doc":"d","default":"n/a","field":"note"}],"optional":true}"#,
            r#"{"note":"hi"}"#
        )
    );
}

fn defaulted() -> SchemaRef {
    Schema::structure([
        (
            "qty",
            Schema::int32().with_default(Value::Int32(1)).into_ref(),
        ),
        (
            "tag",
            Schema::string()
                .optional()
                .with_default(string("none"))
                .into_ref(),
        ),
    ])
    .into_ref()
}

#[test]
fn null_with_default_writes_the_default_when_replacing() {
    let schema = defaulted();
    let value = Value::Struct(Struct::new(schema.clone()));
    let json = encode(&schema, &value);
    assert!(
        json.ends_with(r#""payload":{"qty":1,"tag":"none"}}"#),
        "{json}"
    );
}

#[test]
fn null_with_default_stays_null_or_fails_without_replacing() {
    let options = JsonOptions {
        replace_null_with_default: false,
        ..JsonOptions::default()
    };
    let schema = defaulted();
    let mut record = Struct::new(schema.clone());
    record.put("qty", 4).expect("int32");
    let json = encode_with(options.clone(), Some(&schema), &Value::Struct(record))
        .expect("tag is optional");
    assert!(
        json.ends_with(r#""payload":{"qty":4,"tag":null}}"#),
        "{json}"
    );
    let required = encode_with(
        options,
        Some(&schema),
        &Value::Struct(Struct::new(schema.clone())),
    );
    assert!(matches!(
        required,
        Err(JsonError::Data(DataError::NullForRequired { .. }))
    ));
}

#[test]
fn null_for_required_schema_without_default_is_an_error() {
    let result = encode_with(options(), Some(&Schema::int32().into_ref()), &Value::Null);
    assert!(matches!(
        result,
        Err(JsonError::Data(DataError::NullForRequired { .. }))
    ));
}

#[test]
fn null_without_schema_is_a_tombstone_in_both_modes() {
    for options in [options(), schemaless_options()] {
        let mut out = b"keep".to_vec();
        let encoded = JsonCodec::new(options).encode(None, &Value::Null, &mut out);
        assert_eq!(encoded, Ok(Encoded::Tombstone));
        assert_eq!(out, b"keep");
    }
}

#[test]
fn null_with_optional_schema_is_written_not_a_tombstone() {
    let schema = Schema::string().optional().into_ref();
    assert_eq!(
        encode(&schema, &Value::Null),
        r#"{"schema":{"type":"string","optional":true},"payload":null}"#
    );
    assert_eq!(
        encode_with(schemaless_options(), Some(&schema), &Value::Null),
        Ok("null".into())
    );
}

#[test]
fn schemas_disabled_writes_the_bare_payload() {
    let schema = item_schema();
    let json = encode_with(schemaless_options(), Some(&schema), &item_value(&schema));
    assert_eq!(json.as_deref(), Ok(r#"{"id":1,"name":"x","price":"AOY="}"#));
    let list = Value::Array(vec![Value::Int64(1), string("two"), Value::Null]);
    assert_eq!(
        encode_with(schemaless_options(), None, &list).as_deref(),
        Ok(r#"[1,"two",null]"#)
    );
}

#[test]
fn strings_are_escaped_like_jackson() {
    let text = "q\"b\\s/\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}é€😀\u{2028}";
    let json = encode_with(schemaless_options(), None, &string(text));
    let expected = "\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001F\u{7f}é€😀\u{2028}\"";
    assert_eq!(json.as_deref(), Ok(expected));
}

#[test]
fn struct_with_another_schema_is_a_mismatch() {
    let other = Schema::structure([("id", Schema::int32().into_ref())]).into_ref();
    let value =
        Value::Struct(Struct::from_values(other, vec![Value::Int32(1)]).expect("one field"));
    let result = encode_with(options(), Some(&item_schema()), &value);
    assert!(matches!(
        result,
        Err(JsonError::Data(DataError::MismatchingSchema { .. }))
    ));
    let schemaless = encode_with(options(), None, &value);
    assert!(matches!(
        schemaless,
        Err(JsonError::Data(DataError::MismatchingSchema { .. }))
    ));
}

#[test]
fn equal_schema_in_another_allocation_is_accepted() {
    let value = item_value(&item_schema());
    assert_eq!(encode(&item_schema(), &value), ITEM_JSON);
}

#[test]
fn wrong_value_kind_or_decimal_scale_fails_and_leaves_output_alone() {
    let mut codec = JsonCodec::new(options());
    let mut out = b"prefix".to_vec();
    let result = codec.encode(Some(&Schema::int32().into_ref()), &string("1"), &mut out);
    assert!(matches!(
        result,
        Err(JsonError::Data(DataError::TypeMismatch { .. }))
    ));
    assert_eq!(out, b"prefix");
    let wrong_scale = Value::Decimal(Decimal::from_i128(1, 3));
    let result = codec.encode(Some(&Schema::decimal(2).into_ref()), &wrong_scale, &mut out);
    assert!(matches!(
        result,
        Err(JsonError::Data(DataError::DecimalScale {
            expected: 2,
            found: 3,
            ..
        }))
    ));
    let time_with_date = codec.encode(
        Some(&Schema::time().into_ref()),
        &Value::Time(86_400_000),
        &mut out,
    );
    assert!(matches!(
        time_with_date,
        Err(JsonError::Data(DataError::TypeMismatch { .. }))
    ));
    let schemaless_date = codec.encode(None, &Value::Date(1), &mut out);
    assert!(matches!(schemaless_date, Err(JsonError::Unsupported(_))));
}

#[test]
fn encode_appends_to_the_reused_buffer() {
    let mut codec = JsonCodec::new(schemaless_options());
    let mut out = Vec::new();
    for n in [1, 2] {
        codec
            .encode(
                Some(&Schema::int64().into_ref()),
                &Value::Int64(n),
                &mut out,
            )
            .expect("int64");
    }
    assert_eq!(out, b"12");
}
