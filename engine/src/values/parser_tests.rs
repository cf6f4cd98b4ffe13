use sluice_codecs::{Decimal, Schema, SchemaType, Value};

use super::parse_string;

fn typed(text: &str) -> (Option<SchemaType>, Value) {
    let (schema, value) = parse_string(text);
    (schema.map(|schema| schema.schema_type()), value)
}

fn string(text: &str) -> (Option<SchemaType>, Value) {
    (Some(SchemaType::String), Value::from(text))
}

#[test]
fn integers_take_the_narrowest_type() {
    assert_eq!(typed("42"), (Some(SchemaType::Int8), Value::Int8(42)));
    assert_eq!(typed("-128"), (Some(SchemaType::Int8), Value::Int8(-128)));
    assert_eq!(typed("300"), (Some(SchemaType::Int16), Value::Int16(300)));
    assert_eq!(
        typed("70000"),
        (Some(SchemaType::Int32), Value::Int32(70000))
    );
    assert_eq!(
        typed("9223372036854775807"),
        (Some(SchemaType::Int64), Value::Int64(i64::MAX))
    );
    assert_eq!(typed("+7"), (Some(SchemaType::Int8), Value::Int8(7)));
    assert_eq!(typed(" 42 "), (Some(SchemaType::Int8), Value::Int8(42)));
}

#[test]
fn whole_decimals_and_exponents_are_integers() {
    assert_eq!(typed("1.0"), (Some(SchemaType::Int8), Value::Int8(1)));
    assert_eq!(typed("1e2"), (Some(SchemaType::Int8), Value::Int8(100)));
    assert_eq!(typed("2.50e1"), (Some(SchemaType::Int8), Value::Int8(25)));
    assert_eq!(typed("0.000"), (Some(SchemaType::Int8), Value::Int8(0)));
}

#[test]
fn fractions_are_float32_then_float64_then_decimal() {
    assert_eq!(
        typed("1.5"),
        (Some(SchemaType::Float32), Value::Float32(1.5))
    );
    assert_eq!(
        typed("-0.25"),
        (Some(SchemaType::Float32), Value::Float32(-0.25))
    );
    assert_eq!(
        typed("1e300"),
        (Some(SchemaType::Float64), Value::Float64(1e300))
    );
    let (schema, value) = parse_string("1.5e400");
    assert_eq!(schema, Some(Schema::decimal(-399).into_ref()));
    assert_eq!(value, Value::Decimal(Decimal::from_i128(15, -399)));
}

#[test]
fn integers_beyond_int64_are_decimals_of_scale_zero() {
    let (schema, value) = parse_string("9223372036854775808");
    assert_eq!(schema, Some(Schema::decimal(0).into_ref()));
    assert_eq!(
        value,
        Value::Decimal(Decimal::from_i128(9_223_372_036_854_775_808, 0))
    );
}

#[test]
fn booleans_null_and_empty() {
    assert_eq!(
        typed("true"),
        (Some(SchemaType::Boolean), Value::Boolean(true))
    );
    assert_eq!(
        typed(" false "),
        (Some(SchemaType::Boolean), Value::Boolean(false))
    );
    assert_eq!(typed("null"), (None, Value::Null));
    assert_eq!(typed(""), string(""));
    assert_eq!(typed("   "), string("   "));
    assert_eq!(
        typed("true}"),
        string("true}"),
        "a literal must stand alone"
    );
}

#[test]
fn plain_text_is_a_string() {
    assert_eq!(typed("hello world"), string("hello world"));
    assert_eq!(typed("-abc"), string("-abc"));
    assert_eq!(typed("1.2.3"), string("1.2.3"));
    assert_eq!(typed("0x1F"), string("0x1F"));
}

#[test]
fn a_number_followed_by_more_tokens_is_a_string() {
    assert_eq!(typed("1::2"), string("1::2"));
    assert_eq!(typed("12:30"), string("12:30"));
    assert_eq!(typed("5,6"), string("5,6"));
}

#[test]
fn iso_temporals_are_recognised_by_length_and_pattern() {
    assert_eq!(
        typed("2024-03-05"),
        (Some(SchemaType::Int32), Value::Date(19_787))
    );
    assert_eq!(
        typed("07:08:09.012Z"),
        (Some(SchemaType::Int32), Value::Time(25_689_012))
    );
    assert_eq!(
        typed("2024-03-05T07:08:09.012Z"),
        (Some(SchemaType::Int64), Value::Timestamp(1_709_622_489_012))
    );
    assert_eq!(
        typed(r"07\:08\:09.012Z"),
        (Some(SchemaType::Int32), Value::Time(25_689_012)),
        "escaped colons"
    );
    let (schema, _) = parse_string("2024-03-05");
    assert_eq!(schema, Some(Schema::date().into_ref()));
    assert_eq!(typed("2024-02-30"), string("2024-02-30"));
}

#[test]
fn arrays_convert_entries_to_their_common_type() {
    let (schema, value) = parse_string("[1, 300, -2]");
    assert_eq!(
        schema,
        Some(Schema::array(Schema::int16().into_ref()).into_ref())
    );
    assert_eq!(
        value,
        Value::Array(vec![Value::Int16(1), Value::Int16(300), Value::Int16(-2)])
    );
    let (schema, value) = parse_string("[1,2.5]");
    assert_eq!(
        schema,
        Some(Schema::array(Schema::float32().into_ref()).into_ref())
    );
    assert_eq!(
        value,
        Value::Array(vec![Value::Float32(1.0), Value::Float32(2.5)])
    );
}

#[test]
fn arrays_of_quoted_strings_keep_escapes_as_written() {
    let (schema, value) = parse_string(r#"["a", "b c", "x\"y"]"#);
    assert_eq!(
        schema,
        Some(Schema::array(Schema::string().into_ref()).into_ref())
    );
    assert_eq!(
        value,
        Value::Array(vec![
            Value::from("a"),
            Value::from("b c"),
            Value::from(r#"x\"y"#)
        ])
    );
}

#[test]
fn arrays_with_nulls_mixed_types_or_nothing_have_no_schema() {
    assert_eq!(typed("[]"), (None, Value::Array(vec![])));
    assert_eq!(
        typed("[null, null]"),
        (None, Value::Array(vec![Value::Null, Value::Null]))
    );
    assert_eq!(
        typed(r#"[1, "a"]"#),
        (None, Value::Array(vec![Value::Int8(1), Value::from("a")]))
    );
    let (schema, value) = parse_string("[1, null]");
    assert_eq!(
        schema,
        Some(Schema::array(Schema::int8().into_ref()).into_ref())
    );
    assert_eq!(value, Value::Array(vec![Value::Int8(1), Value::Null]));
}

#[test]
fn maps_infer_key_and_value_schemas() {
    let (schema, value) = parse_string(r#"{"a": 1, "b": 1000}"#);
    assert_eq!(
        schema,
        Some(Schema::map(Schema::string().into_ref(), Schema::int16().into_ref()).into_ref())
    );
    assert_eq!(
        value,
        Value::Map(vec![
            (Value::from("a"), Value::Int16(1)),
            (Value::from("b"), Value::Int16(1000)),
        ])
    );
    assert_eq!(typed("{}"), (None, Value::Map(vec![])));
    let (_, value) = parse_string(r#"{"k":1,"k":2}"#);
    assert_eq!(value, Value::Map(vec![(Value::from("k"), Value::Int8(2))]));
}

#[test]
fn nested_containers_and_quoted_temporals() {
    let (schema, value) = parse_string(r#"{"xs":[1,2],"ys":[3]}"#);
    let ints = Schema::array(Schema::int8().into_ref()).into_ref();
    assert_eq!(
        schema,
        Some(Schema::map(Schema::string().into_ref(), ints).into_ref())
    );
    assert_eq!(
        value,
        Value::Map(vec![
            (
                Value::from("xs"),
                Value::Array(vec![Value::Int8(1), Value::Int8(2)])
            ),
            (Value::from("ys"), Value::Array(vec![Value::Int8(3)])),
        ])
    );
    let (_, value) = parse_string(r#"["2024-03-05"]"#);
    assert_eq!(value, Value::Array(vec![Value::Date(19_787)]));
}

#[test]
fn malformed_containers_are_strings() {
    for text in [
        "[1,2",
        "[1,,2]",
        "[a, b]",
        "{\"a\" 1}",
        "{null:1}",
        "{\"a\":1",
        "[1 2]",
    ] {
        assert_eq!(typed(text), string(text), "{text}");
    }
    assert_eq!(
        typed("[1,]"),
        (Some(SchemaType::Array), Value::Array(vec![Value::Int8(1)])),
        "Connect accepts a trailing comma before the end"
    );
}

#[test]
fn deep_nesting_is_read_as_text_without_overflowing() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let (schema, value) = parse_string(&deep);
    assert_eq!(schema.map(|s| s.schema_type()), Some(SchemaType::String));
    assert_eq!(value.as_str().map(str::len), Some(20_001));
}

#[test]
fn round_trips_through_convert_to_string() {
    for text in [
        "[1,2,3]",
        r#"{"a":true,"b":false}"#,
        "2024-03-05T07:08:09.012Z",
        "1.5",
        r#"["x","y"]"#,
    ] {
        let (schema, value) = parse_string(text);
        assert_eq!(
            super::convert_to_string(schema.as_deref(), &value).as_deref(),
            Some(text)
        );
    }
}
