//! Connect's `org.apache.kafka.connect.data.Values` string rules: how a value is written as text
//! ([`convert_to_string`]) and how text is read back with its type inferred ([`parse_string`]).
//!
//! These rules are what `SimpleHeaderConverter` (the worker's default header converter) puts on
//! the wire and what `InsertHeader` does with its `value.literal`:
//!
//! ```
//! use sluice_codecs::{SchemaType, Value};
//! use sluice_engine::values::{convert_to_string, parse_string};
//!
//! let (schema, value) = parse_string("[1, 300]");
//! assert_eq!(value, Value::Array(vec![Value::Int16(1), Value::Int16(300)]));
//! assert_eq!(convert_to_string(schema.as_deref(), &value).as_deref(), Some("[1,300]"));
//! let (schema, _) = parse_string("42");
//! assert_eq!(schema.map(|s| s.schema_type()), Some(SchemaType::Int8));
//! ```
//!
//! Dates, times and timestamps are written and read in UTC with the ISO patterns `yyyy-MM-dd`,
//! `HH:mm:ss.SSS'Z'` and `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.

mod parser;

use std::fmt::Write as _;

use base64::Engine as _;
use sluice_codecs::schema::LogicalType;
use sluice_codecs::{Schema, SchemaRef, Value};

use crate::java_text::{self, MILLIS_PER_DAY};

/// Writes `value` the way Connect's `Values.convertToString` does; `None` for a null value.
///
/// A top-level string is written bare; strings nested in arrays, maps and structs are quoted,
/// with `\` and `"` escaped by a backslash. Maps and structs are `{k:v,…}` (struct field names
/// quoted), arrays `[…]`, bytes base64, floats as Java prints them (`1.0E10`), decimals as
/// `BigDecimal.toString` (`1E+3`). A date, time or timestamp picks its ISO pattern from its
/// value as Connect does: under one day is a time, a whole number of days is a date, anything
/// else a timestamp. `schema` only matters for an integer carrying a Date, Time or Timestamp
/// logical schema, which is written as that logical type.
pub fn convert_to_string(schema: Option<&Schema>, value: &Value) -> Option<String> {
    let mut out = String::new();
    write_string(&mut out, schema, value).then_some(out)
}

/// Appends what [`convert_to_string`] returns to `out`, so a converter can reuse one buffer;
/// returns false, writing nothing, for a null value.
pub fn write_string(out: &mut String, schema: Option<&Schema>, value: &Value) -> bool {
    if value.is_null() {
        return false;
    }
    let logical = match (schema.and_then(Schema::logical_type), value) {
        (Some(LogicalType::Date), Value::Int32(days)) => Some(Value::Date(*days)),
        (Some(LogicalType::Time), Value::Int32(millis)) => Some(Value::Time(*millis)),
        (Some(LogicalType::Timestamp), Value::Int64(millis)) => Some(Value::Timestamp(*millis)),
        _ => None,
    };
    append(out, logical.as_ref().unwrap_or(value), false);
    true
}

/// Parses text the way Connect's `Values.parseString` does, inferring its schema.
///
/// - `null` gives no schema and [`Value::Null`]; the empty string is an empty STRING.
/// - `true` / `false` are BOOLEAN.
/// - Integers take the narrowest of INT8, INT16, INT32 and INT64 (`1.0` and `1e2` are
///   integers); other numbers are FLOAT32, else FLOAT64, else a Decimal when even a double
///   overflows or an integer exceeds INT64.
/// - `yyyy-MM-dd`, `HH:mm:ss.SSS'Z'` and `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (colons optionally
///   escaped as `\:`) are Date, Time and Timestamp.
/// - `[…]` is an ARRAY and `{k:v,…}` a MAP whose element, key and value schemas are the common
///   type of their entries, numbers widening (INT8 → … → FLOAT64); entries are converted to that
///   type. Nested strings must be quoted.
/// - Anything else, including a malformed array or map, is the original text as a STRING.
///
/// Where Connect would build an ARRAY or MAP schema without an element schema (empty, all-null
/// or mixed-type entries), the schema is `None` here, since Sluice schemas always have one.
/// A top-level number or temporal followed by more tokens (`1::2`, `12:30`) is a STRING, as
/// KAFKA-20892 fixes; the Kafka 4.0 snapshot kept only the leading number.
pub fn parse_string(text: &str) -> (Option<SchemaRef>, Value) {
    parser::parse_string(text)
}

fn append(out: &mut String, value: &Value, embedded: bool) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int8(n) => push_display(out, n),
        Value::Int16(n) => push_display(out, n),
        Value::Int32(n) => push_display(out, n),
        Value::Int64(n) => push_display(out, n),
        Value::Float32(n) => out.push_str(&java_text::float_to_string(*n)),
        Value::Float64(n) => out.push_str(&java_text::double_to_string(*n)),
        Value::String(text) if embedded => {
            out.push('"');
            escape_into(out, text);
            out.push('"');
        }
        Value::String(text) => out.push_str(text),
        Value::Bytes(bytes) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            if embedded {
                out.push('"');
                out.push_str(&encoded);
                out.push('"');
            } else {
                out.push_str(&encoded);
            }
        }
        Value::Array(_) | Value::Map(_) | Value::Struct(_) => append_container(out, value),
        Value::Decimal(decimal) => out.push_str(&java_text::decimal_to_string(decimal)),
        // Connect's `dateFormatFor`: the pattern follows from the instant, not the schema.
        Value::Date(days) => {
            out.push_str(&java_text::format_iso_millis(
                i64::from(*days) * MILLIS_PER_DAY,
            ));
        }
        Value::Time(millis) => out.push_str(&java_text::format_iso_millis(i64::from(*millis))),
        Value::Timestamp(millis) => out.push_str(&java_text::format_iso_millis(*millis)),
    }
}

/// Arrays as `[a,b]`, maps as `{k:v}`, structs as `{"field":v}`; every entry is embedded.
fn append_container(out: &mut String, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                append(out, item, true);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                append(out, key, true);
                out.push(':');
                append(out, item, true);
            }
            out.push('}');
        }
        Value::Struct(record) => {
            out.push('{');
            for (index, field) in record.schema().fields().iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push('"');
                escape_into(out, &field.name);
                out.push_str("\":");
                append(out, record.get(&field.name).unwrap_or(&Value::Null), true);
            }
            out.push('}');
        }
        other => append(out, other, true),
    }
}

fn push_display(out: &mut String, value: impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use sluice_codecs::{Decimal, Struct, Value};

    fn text(value: &Value) -> String {
        convert_to_string(None, value).expect("not null")
    }

    #[test]
    fn top_level_strings_are_bare_and_nested_ones_quoted_and_escaped() {
        assert_eq!(text(&Value::from("a \"b\" \\c")), "a \"b\" \\c");
        let nested = Value::Array(vec![Value::from("a \"b\" \\c"), Value::from("x")]);
        assert_eq!(text(&nested), r#"["a \"b\" \\c","x"]"#);
    }

    #[test]
    fn null_is_none_at_the_top_and_null_inside() {
        assert_eq!(convert_to_string(None, &Value::Null), None);
        let mut buffer = String::from("kept");
        assert!(!write_string(&mut buffer, None, &Value::Null));
        assert!(write_string(&mut buffer, None, &Value::Int8(1)));
        assert_eq!(buffer, "kept1");
        assert_eq!(
            text(&Value::Array(vec![Value::Null, Value::Int8(1)])),
            "[null,1]"
        );
    }

    #[test]
    fn maps_and_structs_quote_their_keys() {
        let map = Value::Map(vec![
            (Value::from("a"), Value::Int32(1)),
            (Value::from("b"), Value::Array(vec![Value::Boolean(true)])),
        ]);
        assert_eq!(text(&map), r#"{"a":1,"b":[true]}"#);
        let int_keys = Value::Map(vec![(Value::Int64(7), Value::from("x"))]);
        assert_eq!(text(&int_keys), r#"{7:"x"}"#);
        let schema = Schema::structure([
            ("id", Schema::int32().into_ref()),
            (
                "name",
                Schema::string()
                    .optional()
                    .with_default(Value::from("anon"))
                    .into_ref(),
            ),
        ])
        .into_ref();
        let mut record = Struct::new(schema);
        record.put("id", 5).expect("valid");
        assert_eq!(text(&Value::Struct(record)), r#"{"id":5,"name":"anon"}"#);
    }

    #[test]
    fn bytes_are_base64_and_quoted_when_nested() {
        let bytes = Value::Bytes(Bytes::from_static(b"hi!"));
        assert_eq!(text(&bytes), "aGkh");
        assert_eq!(text(&Value::Array(vec![bytes])), r#"["aGkh"]"#);
    }

    #[test]
    fn floats_print_as_java_does() {
        assert_eq!(text(&Value::Float64(1.0)), "1.0");
        assert_eq!(text(&Value::Float64(-2.5)), "-2.5");
        assert_eq!(text(&Value::Float64(1e7)), "1.0E7");
        assert_eq!(text(&Value::Float64(1.2345e10)), "1.2345E10");
        assert_eq!(text(&Value::Float64(0.001)), "0.001");
        assert_eq!(text(&Value::Float64(1e-4)), "1.0E-4");
        assert_eq!(text(&Value::Float64(123456.75)), "123456.75");
        assert_eq!(text(&Value::Float32(0.1)), "0.1");
        assert_eq!(text(&Value::Float32(3.0e38)), "3.0E38");
        assert_eq!(text(&Value::Float64(f64::NAN)), "NaN");
        assert_eq!(text(&Value::Float64(f64::NEG_INFINITY)), "-Infinity");
        assert_eq!(text(&Value::Float64(0.0)), "0.0");
    }

    #[test]
    fn decimals_print_as_big_decimal_to_string() {
        assert_eq!(
            text(&Value::Decimal(Decimal::from_i128(12345, 2))),
            "123.45"
        );
        assert_eq!(text(&Value::Decimal(Decimal::from_i128(-5, 0))), "-5");
        assert_eq!(
            text(&Value::Decimal(Decimal::from_i128(123, -3))),
            "1.23E+5"
        );
        assert_eq!(text(&Value::Decimal(Decimal::from_i128(1, 7))), "1E-7");
        assert_eq!(text(&Value::Decimal(Decimal::from_i128(1, 6))), "0.000001");
    }

    #[test]
    fn temporals_pick_the_pattern_from_the_instant() {
        assert_eq!(text(&Value::Date(19_787)), "2024-03-05");
        assert_eq!(text(&Value::Time(25_689_012)), "07:08:09.012Z");
        assert_eq!(
            text(&Value::Timestamp(1_709_622_489_012)),
            "2024-03-05T07:08:09.012Z"
        );
        assert_eq!(
            text(&Value::Timestamp(1_709_596_800_000)),
            "2024-03-05",
            "a timestamp at midnight reads as a date, as in Connect"
        );
        assert_eq!(
            text(&Value::Date(0)),
            "00:00:00.000Z",
            "the epoch day reads as a time"
        );
        let date_schema = Schema::date();
        assert_eq!(
            convert_to_string(Some(&date_schema), &Value::Int32(1)).as_deref(),
            Some("1970-01-02")
        );
    }
}
