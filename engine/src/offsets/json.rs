//! The bytes of offset keys and values, as Kafka Connect writes them (§7.2): the key is the JSON
//! array `["<connector>",{<source partition>}]`, the value the JSON offset map `{<offset>}`.
//!
//! Kafka Connect writes both with its internal `JsonConverter` (`schemas.enable=false`) through
//! Jackson: compact JSON, map fields in the map's iteration order, and Java's number and string
//! forms. Lookups match on exact key bytes, so these functions reproduce Jackson's output
//! byte for byte:
//! - map fields in [`SourceMap`] (insertion) order;
//! - integers as written; `FLOAT32`/`FLOAT64` as Java's `Float.toString`/`Double.toString`
//!   (`1.0`, `0.001`, `1.0E7`, `1.0E-4`);
//! - strings with `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r` escaped and other control characters
//!   as `\u00XX` with upper-case hex, everything else (including non-ASCII) as UTF-8;
//! - `BYTES` as a base64 string, as Jackson writes binary nodes.
//!
//! Reading follows `JsonConverter`'s schemaless rules: integral numbers are `INT64`, other
//! numbers `FLOAT64`, objects maps with string keys.

use std::io;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::ser::{CharEscape, Formatter};
use sluice_codecs::Value;

use crate::record::SourceMap;

/// An offset key or value could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetJsonError {
    /// A value that Kafka Connect's offsets cannot hold (structs, logical types, NaN, …).
    #[error("offsets may only contain primitive types, but {0}")]
    Unsupported(String),
    /// The bytes are not an offset key or value.
    #[error("malformed offset {what}: {reason}")]
    Malformed {
        /// `key` or `value`.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// The offsets-topic key of `connector`'s source `partition`, e.g.
/// `["file-source",{"filename":"test.txt"}]`.
pub fn offset_key_bytes(connector: &str, partition: &SourceMap) -> Result<Bytes, OffsetJsonError> {
    write(&(connector, MapJson(partition)))
}

/// The offsets-topic value of a source offset, e.g. `{"position":1234}`.
pub fn offset_value_bytes(offset: &SourceMap) -> Result<Bytes, OffsetJsonError> {
    write(&MapJson(offset))
}

/// The connector name and source partition of an offsets-topic key. A `null` partition reads
/// as an empty map.
pub fn parse_offset_key(bytes: &[u8]) -> Result<(String, SourceMap), OffsetJsonError> {
    let malformed = |reason: &str| OffsetJsonError::Malformed {
        what: "key",
        reason: reason.to_owned(),
    };
    let json: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| malformed(&error.to_string()))?;
    let serde_json::Value::Array(items) = json else {
        return Err(malformed("not a JSON array"));
    };
    let [serde_json::Value::String(connector), partition] = items.as_slice() else {
        return Err(malformed("not a [connector, partition] pair"));
    };
    let partition = match partition {
        serde_json::Value::Null => SourceMap::new(),
        serde_json::Value::Object(fields) => to_source_map(fields),
        _ => return Err(malformed("the partition is not a JSON object")),
    };
    Ok((connector.clone(), partition))
}

/// The source offset of an offsets-topic value.
pub fn parse_offset_value(bytes: &[u8]) -> Result<SourceMap, OffsetJsonError> {
    let malformed = |reason: String| OffsetJsonError::Malformed {
        what: "value",
        reason,
    };
    match serde_json::from_slice(bytes).map_err(|error| malformed(error.to_string()))? {
        serde_json::Value::Object(fields) => Ok(to_source_map(&fields)),
        _ => Err(malformed("not a JSON object".to_owned())),
    }
}

fn write(value: &impl Serialize) -> Result<Bytes, OffsetJsonError> {
    let mut out = Vec::with_capacity(64);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, JacksonFormatter);
    value
        .serialize(&mut serializer)
        .map_err(|error| OffsetJsonError::Unsupported(error.to_string()))?;
    Ok(Bytes::from(out))
}

fn to_source_map(fields: &serde_json::Map<String, serde_json::Value>) -> SourceMap {
    fields
        .iter()
        .map(|(key, value)| (key.clone(), from_json(value)))
        .collect()
}

fn from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int64(i),
            None => Value::Float64(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(fields) => Value::Map(
            fields
                .iter()
                .map(|(k, v)| (Value::string(k.as_str()), from_json(v)))
                .collect(),
        ),
    }
}

struct MapJson<'a>(&'a SourceMap);

impl Serialize for MapJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, &ValueJson(value))?;
        }
        map.end()
    }
}

struct ValueJson<'a>(&'a Value);

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Boolean(b) => serializer.serialize_bool(*b),
            Value::Int8(n) => serializer.serialize_i8(*n),
            Value::Int16(n) => serializer.serialize_i16(*n),
            Value::Int32(n) => serializer.serialize_i32(*n),
            Value::Int64(n) => serializer.serialize_i64(*n),
            Value::Float32(n) if n.is_finite() => serializer.serialize_f32(*n),
            Value::Float64(n) if n.is_finite() => serializer.serialize_f64(*n),
            Value::String(s) => serializer.serialize_str(s.as_str()),
            Value::Bytes(b) => serializer.serialize_str(&BASE64.encode(b)),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&ValueJson(item))?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    let Value::String(key) = key else {
                        return Err(S::Error::custom(format!(
                            "a map key is a {}, not a string",
                            key.kind()
                        )));
                    };
                    map.serialize_entry(key.as_str(), &ValueJson(value))?;
                }
                map.end()
            }
            other => Err(S::Error::custom(format!(
                "a field holds a {} value",
                other.kind()
            ))),
        }
    }
}

/// serde_json's compact output with Jackson's number and escape forms.
struct JacksonFormatter;

impl Formatter for JacksonFormatter {
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(java_float_text(&format!("{value:e}")).as_bytes())
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(java_float_text(&format!("{value:e}")).as_bytes())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let short: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                let text = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(byte >> 4)],
                    HEX[usize::from(byte & 0xf)],
                ];
                return writer.write_all(&text);
            }
        };
        writer.write_all(short)
    }
}

/// Java's `Double.toString`/`Float.toString` from Rust's shortest `{:e}` form (`1.5e-4`):
/// plain decimal with at least one fractional digit for 10⁻³ ≤ |x| < 10⁷, otherwise
/// `d.dddE<exp>`.
fn java_float_text(scientific: &str) -> String {
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` output always has an exponent");
    let exponent: i32 = exponent
        .parse()
        .expect("`{:e}` output has an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if digits.bytes().all(|d| d == b'0') {
        return format!("{sign}0.0");
    }
    if (-3..7).contains(&exponent) {
        let point = exponent + 1;
        if point <= 0 {
            let zeros = "0".repeat((-point) as usize);
            return format!("{sign}0.{zeros}{digits}");
        }
        let point = point as usize;
        let (int_part, frac_part) = if digits.len() > point {
            (digits[..point].to_owned(), digits[point..].to_owned())
        } else {
            (format!("{digits:0<point$}"), String::new())
        };
        let frac_part = if frac_part.is_empty() {
            "0".to_owned()
        } else {
            frac_part
        };
        return format!("{sign}{int_part}.{frac_part}");
    }
    let (first, rest) = digits.split_at(1);
    let rest = if rest.is_empty() { "0" } else { rest };
    format!("{sign}{first}.{rest}E{exponent}")
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Value;

    use super::*;

    fn map(fields: &[(&str, Value)]) -> SourceMap {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn file_source_key_and_value_match_kafka_connect_bytes() {
        let partition = map(&[("filename", Value::string("test.txt"))]);
        assert_eq!(
            offset_key_bytes("file-source", &partition).expect("primitive"),
            Bytes::from_static(br#"["file-source",{"filename":"test.txt"}]"#)
        );
        let offset = map(&[("position", Value::Int64(1234))]);
        assert_eq!(
            offset_value_bytes(&offset).expect("primitive"),
            Bytes::from_static(br#"{"position":1234}"#)
        );
    }

    #[test]
    fn fields_keep_insertion_order() {
        let offset = map(&[
            ("z", Value::Int32(1)),
            ("a", Value::Boolean(true)),
            ("m", Value::Null),
        ]);
        assert_eq!(
            offset_value_bytes(&offset).expect("primitive"),
            Bytes::from_static(br#"{"z":1,"a":true,"m":null}"#)
        );
        assert_eq!(
            offset_key_bytes("c", &SourceMap::new()).expect("empty"),
            Bytes::from_static(br#"["c",{}]"#)
        );
    }

    #[test]
    fn floats_are_written_as_java_does() {
        let cases: &[(Value, &str)] = &[
            (Value::Float64(1.0), "1.0"),
            (Value::Float64(-0.0), "-0.0"),
            (Value::Float64(0.001), "0.001"),
            (Value::Float64(0.0001), "1.0E-4"),
            (Value::Float64(1234567.5), "1234567.5"),
            (Value::Float64(12345678.0), "1.2345678E7"),
            (Value::Float64(1e21), "1.0E21"),
            (Value::Float64(100.0), "100.0"),
            (Value::Float32(0.1), "0.1"),
            (Value::Float32(1.5e10), "1.5E10"),
        ];
        for (value, java) in cases {
            let bytes = offset_value_bytes(&map(&[("x", value.clone())])).expect("finite");
            assert_eq!(
                std::str::from_utf8(&bytes).expect("utf-8"),
                format!(r#"{{"x":{java}}}"#),
                "{value:?}"
            );
        }
        assert!(offset_value_bytes(&map(&[("x", Value::Float64(f64::NAN))])).is_err());
    }

    #[test]
    fn strings_are_escaped_as_jackson_does() {
        let partition = map(&[("f", Value::string("a\"b\\c\n\u{1f}/é"))]);
        assert_eq!(
            offset_key_bytes("c", &partition).expect("primitive"),
            Bytes::from(r#"["c",{"f":"a\"b\\c\n\u001F/é"}]"#.as_bytes().to_vec())
        );
        let bytes = map(&[("b", Value::Bytes(Bytes::from_static(b"\x00\xff")))]);
        assert_eq!(
            offset_value_bytes(&bytes).expect("primitive"),
            Bytes::from_static(br#"{"b":"AP8="}"#)
        );
    }

    #[test]
    fn keys_and_values_read_back_with_json_converter_types() {
        let (connector, partition) =
            parse_offset_key(br#"["file-source",{"filename":"test.txt","n":3}]"#)
                .expect("valid key");
        assert_eq!(connector, "file-source");
        assert_eq!(
            partition,
            map(&[
                ("filename", Value::string("test.txt")),
                ("n", Value::Int64(3))
            ])
        );
        assert_eq!(
            parse_offset_value(br#"{"position":1234,"ratio":0.5}"#).expect("valid value"),
            map(&[
                ("position", Value::Int64(1234)),
                ("ratio", Value::Float64(0.5))
            ])
        );
        assert_eq!(
            parse_offset_key(br#"["c",null]"#).expect("null partition"),
            ("c".to_owned(), SourceMap::new())
        );
        assert!(parse_offset_key(br#"{"c":1}"#).is_err());
        assert!(parse_offset_value(b"[1]").is_err());
    }

    #[test]
    fn structs_and_logical_types_are_refused() {
        let offset = map(&[("t", Value::Timestamp(5))]);
        assert!(matches!(
            offset_value_bytes(&offset),
            Err(OffsetJsonError::Unsupported(_))
        ));
    }
}
