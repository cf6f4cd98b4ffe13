//! Reading: envelopes, schema JSON, payloads and malformed input.

use super::*;
use crate::json::{ENVELOPE_MESSAGE, MAX_DEPTH};

fn schemaless(text: &str) -> Result<Value, JsonError> {
    decode_with(schemaless_options(), text).map(|(schema, value)| {
        assert_eq!(schema, None);
        value
    })
}

fn int_map(entries: &[(&str, i64)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (string(k), Value::Int64(*v)))
            .collect(),
    )
}

#[test]
fn reference_item_example_decodes_to_its_struct() {
    let (schema, value) = decode(ITEM_JSON);
    let expected = item_schema();
    assert_eq!(schema.as_deref(), Some(&*expected));
    assert_eq!(value, item_value(&expected));
}

#[test]
fn tombstone_decodes_to_null_without_schema() {
    let mut codec = JsonCodec::new(options());
    assert_eq!(codec.decode(None), Ok((None, Value::Null)));
}

#[test]
fn envelope_needs_exactly_schema_and_payload() {
    for text in [
        r#"{"payload":1}"#,
        r#"{"schema":null}"#,
        r#"{"schema":null,"payload":1,"extra":2}"#,
        r#"{"schema":null,"payload":1,"payload":2}"#,
        r#"[1]"#,
        "1",
        "",
        r#"{}"#,
    ] {
        let error = decode_with(options(), text).expect_err(text);
        assert_eq!(error, JsonError::Envelope, "{text}");
    }
    assert_eq!(
        JsonError::Envelope.to_string(),
        "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not \
         contain additional fields. If you are trying to deserialize plain JSON data, set \
         schemas.enable=false in your converter configuration."
    );
    assert_eq!(JsonError::Envelope.to_string(), ENVELOPE_MESSAGE);
}

#[test]
fn malformed_json_is_a_syntax_error_not_an_envelope_error() {
    assert_eq!(
        decode_with(options(), r#"{"schema":null,"payload":1"#),
        Err(JsonError::Eof { position: 26 })
    );
    assert!(matches!(
        decode_with(options(), "[1,]"),
        Err(JsonError::Unexpected { position: 3, .. })
    ));
}

#[test]
fn envelope_members_come_in_any_order_with_whitespace() {
    let text = " { \"payload\" : { \"id\" : 1 , \"price\" : \"AOY=\" } ,\n\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"field\":\"name\",\"optional\":true,\"type\":\"string\"},{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"},\"field\":\"price\"}],\"name\":\"com.example.Item\"} }\n";
    let (schema, value) = decode(text);
    let expected = item_schema();
    assert_eq!(schema.as_deref(), Some(&*expected));
    let mut item = Struct::new(expected);
    item.put("id", 1).expect("int32");
    item.put("price", Decimal::from_i128(230, 2))
        .expect("decimal");
    assert_eq!(value, Value::Struct(item));
}

#[test]
fn null_schema_reads_the_payload_schemaless() {
    let (schema, value) = decode(r#"{"schema":null,"payload":{"a":1,"b":[true,2.5,"s",null]}}"#);
    assert_eq!(schema, None);
    let list = Value::Array(vec![
        Value::Boolean(true),
        Value::Float64(2.5),
        string("s"),
        Value::Null,
    ]);
    assert_eq!(
        value,
        Value::Map(vec![(string("a"), Value::Int64(1)), (string("b"), list)])
    );
}

#[test]
fn schemaless_numbers_are_int64_or_float64_and_objects_keep_order() {
    assert_eq!(schemaless("42"), Ok(Value::Int64(42)));
    assert_eq!(
        schemaless("-9223372036854775808"),
        Ok(Value::Int64(i64::MIN))
    );
    assert_eq!(schemaless("1.0"), Ok(Value::Float64(1.0)));
    assert_eq!(schemaless("1e2"), Ok(Value::Float64(100.0)));
    assert_eq!(
        schemaless(r#"{"z":1,"a":2}"#),
        Ok(int_map(&[("z", 1), ("a", 2)]))
    );
    assert_eq!(schemaless(" null "), Ok(Value::Null));
    assert_eq!(schemaless(""), Ok(Value::Null));
    assert!(matches!(
        schemaless("9223372036854775808"),
        Err(JsonError::Payload { position: 0, .. })
    ));
}

#[test]
fn schema_json_defaults_and_attributes_are_read() {
    let text = r#"{"schema":{"type":"int32","optional":true,"name":"n","version":3,"doc":"d","parameters":{"b":"2","a":"1"},"default":7},"payload":null}"#;
    let (schema, value) = decode(text);
    let expected = Schema::int32()
        .optional()
        .with_name("n")
        .with_version(3)
        .with_doc("d")
        .with_parameter("b", "2")
        .with_parameter("a", "1")
        .with_default(Value::Int32(7));
    assert_eq!(schema.as_deref(), Some(&expected));
    assert_eq!(value, Value::Int32(7));
    let keep_null = JsonOptions {
        replace_null_with_default: false,
        ..options()
    };
    assert_eq!(
        decode_with(keep_null, text).map(|(_, v)| v),
        Ok(Value::Null)
    );
}

#[test]
fn missing_optional_means_required() {
    let (schema, _) = decode(r#"{"schema":{"type":"string"},"payload":"x"}"#);
    assert_eq!(schema.as_deref(), Some(&Schema::string()));
    let error = decode_with(options(), r#"{"schema":{"type":"string"},"payload":null}"#);
    assert_eq!(
        error,
        Err(JsonError::Payload {
            position: 38,
            message: "Invalid null value for required STRING field".into()
        })
    );
}

#[test]
fn bad_schema_json_is_rejected_with_kafka_messages() {
    let cases = [
        (
            r#"{"type":"int32","parameters":{"a":1}}"#,
            "Schema parameters must have string values.",
        ),
        (r#"{"type":"uint8"}"#, "Unknown schema type: uint8"),
        (r#"{"optional":true}"#, "Schema must contain 'type' field"),
        (
            r#"{"type":"array"}"#,
            "Array schema did not specify the element type",
        ),
        (
            r#"{"type":"map","keys":{"type":"string"}}"#,
            "Map schema did not specify the value type",
        ),
        (
            r#"{"type":"struct","fields":{}}"#,
            "Struct schema's \"fields\" argument is not an array.",
        ),
        (
            r#"{"type":"struct","fields":[{"type":"int8"}]}"#,
            "Struct schema's field name not specified properly",
        ),
        ("1", "Schema must contain 'type' field"),
    ];
    for (schema, message) in cases {
        let text = format!(r#"{{"schema":{schema},"payload":null}}"#);
        assert_eq!(
            decode_with(options(), &text),
            Err(JsonError::Schema(message.into())),
            "{schema}"
        );
    }
}

#[test]
fn struct_fields_missing_from_the_payload_read_as_null() {
    let schema = r#"{"type":"struct","fields":[{"type":"int32","optional":false,"default":1,"field":"qty"},{"type":"string","optional":true,"field":"tag"},{"type":"int8","optional":false,"field":"must"}],"optional":false}"#;
    let (decoded, value) = decode(&format!(
        r#"{{"schema":{schema},"payload":{{"must":3,"extra":[1]}}}}"#
    ));
    let decoded = decoded.expect("a schema");
    let expected = Struct::from_values(decoded, vec![Value::Int32(1), Value::Null, Value::Int8(3)]);
    assert_eq!(Some(value), expected.ok().map(Value::Struct));
    let missing_required = decode_with(
        options(),
        &format!(r#"{{"schema":{schema},"payload":{{}}}}"#),
    );
    assert!(
        matches!(missing_required, Err(JsonError::Payload { message, .. }) if message == "Invalid null value for required INT8 field")
    );
}

#[test]
fn numbers_are_range_checked_against_the_schema() {
    let int8 = |payload: &str| {
        decode_with(
            options(),
            &format!(r#"{{"schema":{{"type":"int8"}},"payload":{payload}}}"#),
        )
        .map(|(_, v)| v)
    };
    assert_eq!(int8("-128"), Ok(Value::Int8(-128)));
    assert!(matches!(int8("128"), Err(JsonError::Payload { .. })));
    assert!(matches!(int8("1.5"), Err(JsonError::Payload { .. })));
    assert!(matches!(int8("\"1\""), Err(JsonError::Payload { .. })));
    let float = |payload: &str| {
        decode_with(
            options(),
            &format!(r#"{{"schema":{{"type":"float"}},"payload":{payload}}}"#),
        )
        .map(|(_, v)| v)
    };
    assert_eq!(float("3"), Ok(Value::Float32(3.0)));
    assert_eq!(float("0.1"), Ok(Value::Float32(0.1)));
    assert!(matches!(float("\"NaN\""), Ok(Value::Float32(x)) if x.is_nan()));
}

#[test]
fn logical_types_decode_to_their_variants() {
    let date = r#"{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1}"#;
    let time = r#"{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1}"#;
    let ts = r#"{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1}"#;
    let dec = r#"{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}"#;
    let cases = [
        (date, "19000", Value::Date(19_000)),
        (time, "3600000", Value::Time(3_600_000)),
        (ts, "1732550400123", Value::Timestamp(1_732_550_400_123)),
        (dec, r#""AOY=""#, Value::Decimal(Decimal::from_i128(230, 2))),
        (dec, "2.3", Value::Decimal(Decimal::from_i128(230, 2))),
        (dec, "-7", Value::Decimal(Decimal::from_i128(-700, 2))),
    ];
    for (schema, payload, expected) in cases {
        let (_, value) = decode(&format!(r#"{{"schema":{schema},"payload":{payload}}}"#));
        assert_eq!(value, expected, "{payload}");
    }
    let rejected = [
        (dec, "2.345"),
        (dec, r#""""#),
        (time, "-1"),
        (time, "86400001"),
    ];
    for (schema, payload) in rejected {
        let result = decode_with(
            options(),
            &format!(r#"{{"schema":{schema},"payload":{payload}}}"#),
        );
        assert!(
            matches!(result, Err(JsonError::Payload { .. })),
            "{payload}"
        );
    }
    let (_, end_of_day) = decode(&format!(r#"{{"schema":{time},"payload":86400000}}"#));
    assert_eq!(end_of_day, Value::Time(86_400_000));
}

#[test]
fn huge_decimal_exponent_fails_fast() {
    let dec = r#"{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}"#;
    let result = decode_with(
        options(),
        &format!(r#"{{"schema":{dec},"payload":1e2147483647}}"#),
    );
    assert!(matches!(result, Err(JsonError::Payload { .. })));
}

#[test]
fn maps_read_objects_or_arrays_of_pairs() {
    let schema = r#"{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}}"#;
    let (_, value) = decode(&format!(
        r#"{{"schema":{schema},"payload":[[1,"x"],[2,"y"]]}}"#
    ));
    assert_eq!(
        value,
        Value::Map(vec![
            (Value::Int32(1), string("x")),
            (Value::Int32(2), string("y"))
        ])
    );
    let bad = decode_with(
        options(),
        &format!(r#"{{"schema":{schema},"payload":[[1,"x",3]]}}"#),
    );
    assert!(matches!(bad, Err(JsonError::Unexpected { .. })));
    let object = decode_with(
        options(),
        &format!(r#"{{"schema":{schema},"payload":{{"1":"x"}}}}"#),
    );
    assert!(matches!(object, Err(JsonError::Payload { .. })));
}

#[test]
fn strings_without_escapes_share_the_input_buffer() {
    let input = Bytes::from_static(br#"{"schema":{"type":"string"},"payload":"shared"}"#);
    let (_, value) = JsonCodec::new(options())
        .decode(Some(&input))
        .expect("valid");
    let Value::String(text) = value else {
        panic!("expected a string, got {value:?}");
    };
    assert_eq!(text, "shared");
    assert_eq!(text.as_bytes().as_ptr(), input[39..].as_ptr());
}

#[test]
fn escapes_and_surrogate_pairs_are_decoded() {
    assert_eq!(
        schemaless(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00\u001F""#),
        Ok(string("a\"b\\c/d\u{8}\u{c}\n\r\té😀\u{1f}"))
    );
    assert_eq!(schemaless(r#"{"k\u0041":1}"#), Ok(int_map(&[("kA", 1)])));
}

#[test]
fn malformed_text_gives_typed_errors_with_positions() {
    let cases: [(&[u8], JsonError); 10] = [
        (br#""\uD83D""#, JsonError::InvalidEscape { position: 1 }),
        (br#""\uDE00x""#, JsonError::InvalidEscape { position: 1 }),
        (br#""\x""#, JsonError::InvalidEscape { position: 1 }),
        (b"\"\xff\"", JsonError::InvalidUtf8 { position: 0 }),
        (b"\"\xc3\"", JsonError::InvalidUtf8 { position: 0 }),
        (b"01", JsonError::InvalidNumber { position: 0 }),
        (b"1.", JsonError::InvalidNumber { position: 0 }),
        (b"-", JsonError::InvalidNumber { position: 0 }),
        (b"1 2", JsonError::TrailingCharacters { position: 2 }),
        (b"\"abc", JsonError::Eof { position: 4 }),
    ];
    for (text, expected) in cases {
        let result = JsonCodec::new(schemaless_options()).decode(Some(&Bytes::from_static(text)));
        assert_eq!(result, Err(expected), "{:?}", String::from_utf8_lossy(text));
    }
    assert!(matches!(
        schemaless("\"a\nb\""),
        Err(JsonError::Unexpected { position: 2, .. })
    ));
    assert!(matches!(
        schemaless("tru"),
        Err(JsonError::Unexpected { position: 0, .. })
    ));
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let deep = "[".repeat(MAX_DEPTH + 1);
    assert_eq!(
        schemaless(&deep),
        Err(JsonError::TooDeep {
            position: MAX_DEPTH,
            limit: MAX_DEPTH
        })
    );
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(schemaless(&ok).is_ok());
    let deep_schema = format!(
        r#"{{"schema":{}{{"type":"int8"}}{},"payload":null}}"#,
        r#"{"type":"array","items":"#.repeat(MAX_DEPTH),
        "}".repeat(MAX_DEPTH)
    );
    assert!(matches!(
        decode_with(options(), &deep_schema),
        Err(JsonError::TooDeep { .. })
    ));
}

#[test]
fn repeated_schema_text_is_parsed_once() {
    let mut codec = JsonCodec::new(options());
    let first = Bytes::from_static(ITEM_JSON.as_bytes());
    let second = Bytes::copy_from_slice(ITEM_JSON.as_bytes());
    let (a, _) = codec.decode(Some(&first)).expect("valid");
    let (b, _) = codec.decode(Some(&second)).expect("valid");
    let (a, b) = (a.expect("schema"), b.expect("schema"));
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    let other = Bytes::from_static(br#"{"schema":{"type":"int8"},"payload":1}"#);
    codec.decode(Some(&other)).expect("valid");
    let (c, _) = codec.decode(Some(&first)).expect("valid");
    assert!(std::sync::Arc::ptr_eq(&a, &c.expect("schema")));
}

#[test]
fn nested_arrays_up_to_the_limit_decode_with_a_schema() {
    let levels = MAX_DEPTH - 2;
    let schema = format!(
        r#"{}{{"type":"int8"}}{}"#,
        r#"{"type":"array","items":"#.repeat(levels),
        "}".repeat(levels)
    );
    let payload = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
    let (_, value) = decode(&format!(r#"{{"schema":{schema},"payload":{payload}}}"#));
    let mut expected = Value::Int8(1);
    for _ in 0..levels {
        expected = Value::Array(vec![expected]);
    }
    assert_eq!(value, expected);
}

#[test]
fn codec_can_move_to_a_task_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<JsonCodec>();
}

#[test]
fn wide_structs_fill_missing_fields_too() {
    let fields = (0..70)
        .map(|i| format!(r#"{{"type":"int32","optional":true,"default":{i},"field":"f{i}"}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let text = format!(
        r#"{{"schema":{{"type":"struct","fields":[{fields}]}},"payload":{{"f69":-1,"f0":null}}}}"#
    );
    let (_, value) = decode(&text);
    let record = value.as_struct().expect("a struct");
    assert_eq!(record.values()[0], Value::Int32(0));
    assert_eq!(record.values()[5], Value::Int32(5));
    assert_eq!(record.values()[69], Value::Int32(-1));
}
