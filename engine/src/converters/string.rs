//! `org.apache.kafka.connect.storage.StringConverter`: values as text.

use std::fmt::Write;

use bytes::Bytes;
use sluice_codecs::{Schema, SchemaRef, Str, Value, java_text};

use super::{Converter, ConverterError, SchemaAndValue, header_converter_via_converter};
use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};

/// Reads bytes as an `OPTIONAL_STRING`; writes a value's text (Java's `toString()` form for
/// non-strings). Only UTF-8 (`converter.encoding`, the default) is supported.
#[derive(Debug, Clone)]
pub struct StringConverter {
    schema: SchemaRef,
}

impl Default for StringConverter {
    fn default() -> Self {
        Self {
            schema: Schema::string().optional().into_ref(),
        }
    }
}

impl StringConverter {
    /// `converter.encoding`.
    pub fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new("converter.encoding", ConfigType::String)
                .default_value("UTF-8")
                .importance(Importance::High)
                .doc("The name of the Java character set to use for encoding strings as byte arrays."),
        )
    }

    /// A converter for `raw` settings; an encoding other than UTF-8 is rejected.
    pub fn configure(raw: &RawConfig) -> Result<Self, ConfigError> {
        let config = Self::config_def().parse(raw)?;
        let encoding = config.string("converter.encoding").unwrap_or("UTF-8");
        let normalized = encoding.to_ascii_uppercase().replace('_', "-");
        if normalized != "UTF-8" && normalized != "UTF8" {
            return Err(ConfigError::invalid(
                "converter.encoding",
                encoding,
                "only UTF-8 is supported",
            ));
        }
        Ok(Self::default())
    }
}

impl Converter for StringConverter {
    fn to_bytes(
        &mut self,
        _topic: &str,
        _schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError> {
        Ok(match value {
            Value::Null => None,
            Value::String(text) => Some(text.as_bytes().clone()),
            other => {
                let mut text = String::new();
                write_java_to_string(&mut text, other);
                Some(Bytes::from(text))
            }
        })
    }

    fn to_connect(
        &mut self,
        topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        let value = match bytes {
            None => Value::Null,
            Some(bytes) => Value::String(
                Str::from_utf8(bytes.clone())
                    .map_err(|error| ConverterError::deserialize(topic, error))?,
            ),
        };
        Ok((Some(self.schema.clone()), value))
    }
}

header_converter_via_converter!(StringConverter);

/// Writes `value` the way Java's `toString()` shows the Connect object holding it.
fn write_java_to_string(out: &mut String, value: &Value) {
    let _ = match value {
        Value::Null => out.write_str("null"),
        Value::Boolean(v) => write!(out, "{v}"),
        Value::Int8(v) => write!(out, "{v}"),
        Value::Int16(v) => write!(out, "{v}"),
        Value::Int32(v) | Value::Date(v) | Value::Time(v) => write!(out, "{v}"),
        Value::Int64(v) | Value::Timestamp(v) => write!(out, "{v}"),
        Value::Float32(v) => out.write_str(&java_text::float_to_string(*v)),
        Value::Float64(v) => out.write_str(&java_text::double_to_string(*v)),
        Value::String(v) => out.write_str(v),
        Value::Decimal(v) => out.write_str(&java_text::decimal_to_string(v)),
        Value::Bytes(v) => write!(out, "{v:?}"),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_java_to_string(out, item);
            }
            out.write_str("]")
        }
        Value::Map(entries) => {
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_java_to_string(out, key);
                out.push('=');
                write_java_to_string(out, item);
            }
            out.write_str("}")
        }
        Value::Struct(record) => {
            // Java's Struct.toString lists the non-null fields as name=value.
            out.push_str("Struct{");
            let fields = record
                .schema()
                .fields()
                .iter()
                .zip(record.values())
                .filter(|(_, v)| !v.is_null());
            for (index, (field, item)) in fields.enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&field.name);
                out.push('=');
                write_java_to_string(out, item);
            }
            out.write_str("}")
        }
    };
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Struct;

    use super::*;

    #[test]
    fn strings_round_trip_as_utf8() {
        let mut converter = StringConverter::default();
        let bytes = converter
            .to_bytes("t", None, &Value::from("héllo"))
            .expect("text");
        assert_eq!(bytes.as_deref(), Some("héllo".as_bytes()));
        let (schema, value) = converter.to_connect("t", bytes.as_ref()).expect("utf-8");
        assert_eq!(value, Value::from("héllo"));
        assert_eq!(schema.as_deref(), Some(&Schema::string().optional()));
    }

    #[test]
    fn non_strings_use_javas_to_string() {
        let mut converter = StringConverter::default();
        let schema = Schema::structure([
            ("a", Schema::int32().into_ref()),
            ("b", Schema::string().optional().into_ref()),
        ]);
        let record = Struct::from_values(schema.into_ref(), vec![Value::Int32(1), Value::Null])
            .expect("2 fields");
        let mut text = |value: Value| converter.to_bytes("t", None, &value).expect("any value");
        assert_eq!(text(Value::Int64(42)).as_deref(), Some(&b"42"[..]));
        assert_eq!(text(Value::Float64(1e10)).as_deref(), Some(&b"1.0E10"[..]));
        assert_eq!(
            text(Value::Struct(record)).as_deref(),
            Some(&b"Struct{a=1}"[..])
        );
        assert_eq!(
            text(Value::Array(vec![Value::Int32(1), Value::Int32(2)])).as_deref(),
            Some(&b"[1, 2]"[..])
        );
    }

    #[test]
    fn invalid_utf8_and_other_encodings_are_errors() {
        let mut converter = StringConverter::default();
        assert!(
            converter
                .to_connect("t", Some(&Bytes::from_static(&[0xff])))
                .is_err()
        );
        let raw: RawConfig = [("converter.encoding".to_owned(), "UTF-16".to_owned())]
            .into_iter()
            .collect();
        let error = StringConverter::configure(&raw).expect_err("UTF-16 unsupported");
        assert_eq!(error.key(), Some("converter.encoding"));
    }
}
