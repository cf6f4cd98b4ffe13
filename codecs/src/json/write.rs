//! Writing Connect values as JSON text, byte for byte as Kafka's `JsonConverter` (Jackson)
//! writes them: compact, strings escaped like Jackson, floats like Java's `toString`.

use super::base64;
use super::decode::MILLIS_PER_DAY;
use super::error::JsonError;
use std::sync::Arc;

use super::plan::{FieldPlan, Kind, Plan};
use super::{DecimalFormat, JsonOptions};
use crate::decimal::Decimal;
use crate::java_text;
use crate::value::{DataError, Struct, Value};

/// Deepest nesting of schemaless values the writer accepts, as for reading.
const MAX_DEPTH: usize = super::read::MAX_DEPTH;

type Result<T> = std::result::Result<T, JsonError>;

/// What Jackson writes for each ASCII byte: 0 = as is, `u` = `\u00XX`, else `\` + that byte.
static ESCAPE: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `text` as a quoted JSON string: `"` and `\` escaped, control characters as `\n`,
/// `\t`, `\r`, `\b`, `\f` or `\u00XX` (upper-case hex), everything else (including non-ASCII)
/// as raw UTF-8.
pub(crate) fn escape_into(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape = if byte < 0x80 {
            ESCAPE[usize::from(byte)]
        } else {
            0
        };
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..index]);
        start = index + 1;
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Writes values for one call of the converter.
pub(crate) struct Writer<'a> {
    pub options: &'a JsonOptions,
    pub out: &'a mut Vec<u8>,
}

impl Writer<'_> {
    /// Writes `value` for the schema of `plan`; a null becomes the default, JSON null or an
    /// error, as in `JsonConverter.convertToJson`.
    pub fn value(&mut self, plan: &Plan, value: &Value) -> Result<()> {
        if value.is_null() {
            return self.null(plan);
        }
        match (&plan.kind, value) {
            (Kind::Boolean, Value::Boolean(b)) => self.raw(if *b { b"true" } else { b"false" }),
            (Kind::Int8, Value::Int8(n)) => self.int(*n),
            (Kind::Int16, Value::Int16(n)) => self.int(*n),
            (Kind::Int32, Value::Int32(n)) | (Kind::Date, Value::Date(n)) => self.int(*n),
            // `Time.fromLogical` rejects a time with date fields: outside [0, 1 day).
            (Kind::Time, Value::Time(n)) if (0..MILLIS_PER_DAY).contains(&i64::from(*n)) => {
                self.int(*n)
            }
            (Kind::Int64, Value::Int64(n)) | (Kind::Timestamp, Value::Timestamp(n)) => self.int(*n),
            (Kind::Float32, Value::Float32(x)) => write_f32(*x, self.out),
            (Kind::Float64, Value::Float64(x)) => write_f64(*x, self.out),
            (Kind::String, Value::String(text)) => escape_into(text, self.out),
            (Kind::Bytes, Value::Bytes(data)) => self.bytes(data),
            (Kind::Decimal(scale), Value::Decimal(decimal)) => {
                return self.decimal(*scale, decimal);
            }
            (Kind::Array(items), Value::Array(elements)) => return self.array(items, elements),
            (
                Kind::Map {
                    key,
                    value: val,
                    object,
                },
                Value::Map(entries),
            ) => {
                return if *object {
                    self.object_map(key, val, entries)
                } else {
                    self.pair_map(key, val, entries)
                };
            }
            (Kind::Struct(fields), Value::Struct(record)) => {
                return self.structure(plan, fields, record);
            }
            _ => return Err(mismatch(plan, value)),
        }
        Ok(())
    }

    fn decimal(&mut self, scale: i32, decimal: &Decimal) -> Result<()> {
        if decimal.scale() != scale {
            return Err(JsonError::Data(DataError::DecimalScale {
                expected: scale,
                found: decimal.scale(),
                path: String::new(),
            }));
        }
        match self.options.decimal_format {
            DecimalFormat::Base64 => self.bytes(decimal.unscaled_bytes()),
            // Kafka's serializer does not enable `WRITE_BIGDECIMAL_AS_PLAIN`.
            DecimalFormat::Numeric => java_text::write_decimal(decimal, self.out),
        }
        Ok(())
    }

    /// A struct's fields in schema order; its schema must equal the declared one.
    fn structure(&mut self, plan: &Plan, fields: &[FieldPlan], record: &Struct) -> Result<()> {
        let schema = record.schema();
        if !Arc::ptr_eq(schema, &plan.schema) && **schema != *plan.schema {
            return Err(JsonError::Data(DataError::MismatchingSchema {
                path: String::new(),
            }));
        }
        self.out.push(b'{');
        for (index, (field, value)) in fields.iter().zip(record.values()).enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&field.key_json);
            self.value(&field.plan, value)?;
        }
        self.out.push(b'}');
        Ok(())
    }

    fn null(&mut self, plan: &Plan) -> Result<()> {
        let schema = &plan.schema;
        match &schema.default {
            Some(default) if self.options.replace_null_with_default && !default.is_null() => {
                self.value(plan, default)
            }
            _ if schema.optional => {
                self.raw(b"null");
                Ok(())
            }
            _ => Err(JsonError::Data(DataError::NullForRequired {
                path: String::new(),
            })),
        }
    }

    fn array(&mut self, items: &Plan, elements: &[Value]) -> Result<()> {
        self.out.push(b'[');
        for (index, element) in elements.iter().enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            self.value(items, element)?;
        }
        self.out.push(b']');
        Ok(())
    }

    fn object_map(&mut self, key: &Plan, value: &Plan, entries: &[(Value, Value)]) -> Result<()> {
        self.out.push(b'{');
        for (index, (k, v)) in entries.iter().enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            match k {
                Value::String(text) => escape_into(text, self.out),
                // Jackson's `asText()` of the null node a null key converts to.
                Value::Null if key.schema.optional => self.raw(b"\"null\""),
                _ => return Err(mismatch(key, k)),
            }
            self.out.push(b':');
            self.value(value, v)?;
        }
        self.out.push(b'}');
        Ok(())
    }

    fn pair_map(&mut self, key: &Plan, value: &Plan, entries: &[(Value, Value)]) -> Result<()> {
        self.out.push(b'[');
        for (index, (k, v)) in entries.iter().enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            self.out.push(b'[');
            self.value(key, k)?;
            self.out.push(b',');
            self.value(value, v)?;
            self.out.push(b']');
        }
        self.out.push(b']');
        Ok(())
    }

    /// Writes `value` with no schema: the JSON type follows the value's kind.
    pub fn schemaless(&mut self, value: &Value, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(JsonError::Unsupported(format!(
                "value nested deeper than {MAX_DEPTH} levels"
            )));
        }
        match value {
            Value::Null => self.raw(b"null"),
            Value::Boolean(b) => self.raw(if *b { b"true" } else { b"false" }),
            Value::Int8(n) => self.int(*n),
            Value::Int16(n) => self.int(*n),
            Value::Int32(n) => self.int(*n),
            Value::Int64(n) => self.int(*n),
            Value::Float32(x) => write_f32(*x, self.out),
            Value::Float64(x) => write_f64(*x, self.out),
            Value::String(text) => escape_into(text, self.out),
            Value::Bytes(data) => self.bytes(data),
            Value::Array(elements) => {
                self.out.push(b'[');
                for (index, element) in elements.iter().enumerate() {
                    if index > 0 {
                        self.out.push(b',');
                    }
                    self.schemaless(element, depth + 1)?;
                }
                self.out.push(b']');
            }
            Value::Map(entries) => self.schemaless_map(entries, depth)?,
            // Kafka compares the struct's schema with the (absent) declared one.
            Value::Struct(_) => {
                return Err(JsonError::Data(DataError::MismatchingSchema {
                    path: String::new(),
                }));
            }
            Value::Decimal(_) | Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => {
                return Err(JsonError::Unsupported(format!(
                    "a {} value needs a schema to be written as JSON",
                    value.kind()
                )));
            }
        }
        Ok(())
    }

    fn schemaless_map(&mut self, entries: &[(Value, Value)], depth: usize) -> Result<()> {
        let object = entries.iter().all(|(k, _)| matches!(k, Value::String(_)));
        self.out.push(if object { b'{' } else { b'[' });
        for (index, (k, v)) in entries.iter().enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            if object {
                self.schemaless(k, depth + 1)?;
                self.out.push(b':');
                self.schemaless(v, depth + 1)?;
            } else {
                self.out.push(b'[');
                self.schemaless(k, depth + 1)?;
                self.out.push(b',');
                self.schemaless(v, depth + 1)?;
                self.out.push(b']');
            }
        }
        self.out.push(if object { b'}' } else { b']' });
        Ok(())
    }

    fn raw(&mut self, text: &[u8]) {
        self.out.extend_from_slice(text);
    }

    fn int(&mut self, n: impl itoa::Integer) {
        let mut buffer = itoa::Buffer::new();
        self.out.extend_from_slice(buffer.format(n).as_bytes());
    }

    fn bytes(&mut self, data: &[u8]) {
        self.out.push(b'"');
        base64::encode_into(data, self.out);
        self.out.push(b'"');
    }
}

/// Appends a double as Jackson writes it: Java's `Double.toString`, non-finite values quoted.
fn write_f64(value: f64, out: &mut Vec<u8>) {
    quote_non_finite(value.is_finite(), out, |out| {
        java_text::write_double(value, out)
    });
}

/// Appends a float as Jackson writes it: Java's `Float.toString`, non-finite values quoted.
fn write_f32(value: f32, out: &mut Vec<u8>) {
    quote_non_finite(value.is_finite(), out, |out| {
        java_text::write_float(value, out)
    });
}

/// Runs `write`, in quotes when the number is not finite: Jackson's default
/// `QUOTE_NON_NUMERIC_NUMBERS` writes NaN and the infinities as the JSON strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"`.
fn quote_non_finite(finite: bool, out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    if finite {
        return write(out);
    }
    out.push(b'"');
    write(out);
    out.push(b'"');
}

fn mismatch(plan: &Plan, value: &Value) -> JsonError {
    let expected = match plan.schema.logical_type() {
        Some(logical) => format!("{logical:?}"),
        None => plan.schema.schema_type().name().to_owned(),
    };
    JsonError::Data(DataError::TypeMismatch {
        expected,
        found: value.kind(),
        path: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64_text(value: f64) -> String {
        let mut out = Vec::new();
        write_f64(value, &mut out);
        String::from_utf8(out).expect("ascii")
    }

    fn f32_text(value: f32) -> String {
        let mut out = Vec::new();
        write_f32(value, &mut out);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn non_finite_values_are_quoted_strings() {
        assert_eq!(f64_text(f64::NAN), "\"NaN\"");
        assert_eq!(f64_text(f64::INFINITY), "\"Infinity\"");
        assert_eq!(f64_text(f64::NEG_INFINITY), "\"-Infinity\"");
        assert_eq!(f32_text(f32::NAN), "\"NaN\"");
    }

    #[test]
    fn finite_values_are_bare_java_text() {
        assert_eq!(f64_text(-0.0), "-0.0");
        assert_eq!(f64_text(1.0e7), "1.0E7");
        assert_eq!(f32_text(0.1), "0.1");
    }
}
