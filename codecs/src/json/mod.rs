//! Connect JSON: Kafka's `org.apache.kafka.connect.json.JsonConverter`, byte-compatible.
//!
//! [`JsonCodec`] turns a Connect schema and value into JSON bytes and back. With
//! `schemas.enable` (the default) every message is an envelope `{"schema":…,"payload":…}`;
//! without it the payload is written bare and read without a schema.
//!
//! ```
//! use bytes::Bytes;
//! use sluice_codecs::json::{Encoded, JsonCodec, JsonOptions};
//! use sluice_codecs::{Decimal, Schema, Struct, Value};
//!
//! let schema = Schema::structure([
//!     ("id", Schema::int32().into_ref()),
//!     ("price", Schema::decimal(2).into_ref()),
//! ])
//! .into_ref();
//! let mut item = Struct::new(schema.clone());
//! item.put("id", 1)?.put("price", Decimal::from_i128(230, 2))?;
//!
//! let mut codec = JsonCodec::new(JsonOptions::default());
//! let mut out = Vec::new();
//! assert_eq!(codec.encode(Some(&schema), &Value::Struct(item.clone()), &mut out)?, Encoded::Json);
//! assert!(out.ends_with(br#""payload":{"id":1,"price":"AOY="}}"#));
//!
//! let (decoded_schema, value) = codec.decode(Some(&Bytes::from(out)))?;
//! assert_eq!(decoded_schema.as_deref(), Some(&*schema));
//! assert_eq!(value, Value::Struct(item));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Where Sluice differs from Kafka (Kafka's behaviour is lax or lossy there):
//! - reading is strict: a JSON type that does not fit the schema, an integer out of the
//!   schema's range, a fraction for an integer schema, bad base64 or text after the value is an
//!   error (Jackson coerces to 0/false, truncates, or ignores trailing text);
//! - duplicate `schema`/`payload` keys in an envelope are rejected; inside payloads the last
//!   duplicate key wins, as in Jackson;
//! - a Decimal read from a JSON number is rescaled to the schema's scale (an error if that
//!   would lose digits); Kafka keeps the scale the number was written with;
//! - `"NaN"`, `"Infinity"` and `"-Infinity"` strings read back into FLOAT32/FLOAT64, as they
//!   are written (Jackson's default `QUOTE_NON_NUMERIC_NUMBERS`); Kafka reads them as 0.
//!
//! Number text follows the JVM: floats as Java 19+ `Double.toString`/`Float.toString`
//! (shortest round-trip digits, `1.0E10`), NUMERIC decimals as `BigDecimal.toString()`
//! (`2.30`, but `1E-7` and `1.23E+4`), since Kafka's serializer does not enable
//! `WRITE_BIGDECIMAL_AS_PLAIN`. Both come from [`crate::java_text`].

mod base64;
mod cache;
mod decode;
mod error;
mod plan;
mod read;
mod schema_json;
mod write;

#[cfg(test)]
mod tests;

use bytes::Bytes;

pub use error::{ENVELOPE_MESSAGE, JsonError};
pub use read::MAX_DEPTH;

use crate::schema::SchemaRef;
use crate::value::Value;
use std::sync::Arc;

use cache::{Compiled, DecodeCache, EncodeCache};
use decode::Decoder;
use read::Reader;
use write::Writer;

/// How Decimal values are written: Kafka's `decimal.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalFormat {
    /// `BASE64` (the default): a JSON string holding the base64 of the unscaled bytes.
    #[default]
    Base64,
    /// `NUMERIC`: a JSON number.
    Numeric,
}

impl DecimalFormat {
    /// Parses the config value `BASE64` or `NUMERIC`, ignoring case.
    pub fn from_config(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("BASE64") {
            Some(Self::Base64)
        } else if value.eq_ignore_ascii_case("NUMERIC") {
            Some(Self::Numeric)
        } else {
            None
        }
    }
}

/// The `JsonConverter` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonOptions {
    /// `schemas.enable` (default true): wrap every message in a schema/payload envelope.
    pub schemas_enable: bool,
    /// `decimal.format` (default BASE64).
    pub decimal_format: DecimalFormat,
    /// `replace.null.with.default` (default true): a null with a schema default is written and
    /// read as the default.
    pub replace_null_with_default: bool,
    /// `schemas.cache.size` (default 1000): schemas remembered in each direction.
    pub schemas_cache_size: usize,
}

impl Default for JsonOptions {
    fn default() -> Self {
        Self {
            schemas_enable: true,
            decimal_format: DecimalFormat::Base64,
            replace_null_with_default: true,
            schemas_cache_size: 1000,
        }
    }
}

/// What [`JsonCodec::encode`] produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoded {
    /// JSON text was appended to the output.
    Json,
    /// Nothing was appended: the record is a tombstone (a null byte array in Kafka).
    Tombstone,
}

/// Kafka Connect's `JsonConverter`: Connect data to JSON bytes and back.
///
/// It keeps schema caches, so use one codec per converter instance (one task thread); the
/// methods take `&mut self`.
#[derive(Debug)]
pub struct JsonCodec {
    options: JsonOptions,
    encode_cache: EncodeCache,
    decode_cache: DecodeCache,
}

impl JsonCodec {
    /// A codec with `options`.
    pub fn new(options: JsonOptions) -> Self {
        Self {
            encode_cache: EncodeCache::new(options.schemas_cache_size),
            decode_cache: DecodeCache::new(options.schemas_cache_size),
            options,
        }
    }

    /// The codec's settings.
    pub fn options(&self) -> &JsonOptions {
        &self.options
    }

    /// Appends the JSON of `value` (with `schema`, or schemaless) to `out`, as
    /// `JsonConverter.fromConnectData`. No schema and a null value is a tombstone: nothing is
    /// written. On error `out` is left as it was.
    pub fn encode(
        &mut self,
        schema: Option<&SchemaRef>,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<Encoded, JsonError> {
        if schema.is_none() && value.is_null() {
            return Ok(Encoded::Tombstone);
        }
        let compiled = match schema {
            Some(schema) => Some(self.encode_cache.get(schema, &self.options)?),
            None => None,
        };
        let start = out.len();
        let mut writer = Writer {
            options: &self.options,
            out,
        };
        let envelope = self.options.schemas_enable;
        if envelope {
            writer.out.extend_from_slice(b"{\"schema\":");
            match &compiled {
                Some(compiled) => writer.out.extend_from_slice(&compiled.json),
                None => writer.out.extend_from_slice(b"null"),
            }
            writer.out.extend_from_slice(b",\"payload\":");
        }
        let written = match &compiled {
            Some(compiled) => writer.value(&compiled.plan, value),
            None => writer.schemaless(value, 0),
        };
        if let Err(error) = written {
            out.truncate(start);
            return Err(error);
        }
        if envelope {
            out.push(b'}');
        }
        Ok(Encoded::Json)
    }

    /// Reads a message as `JsonConverter.toConnectData`. `None` (a tombstone) is a null value
    /// without schema. String values share `input`'s buffer.
    pub fn decode(
        &mut self,
        input: Option<&Bytes>,
    ) -> Result<(Option<SchemaRef>, Value), JsonError> {
        let Some(input) = input else {
            return Ok((None, Value::Null));
        };
        let mut reader = Reader::new(input);
        if self.options.schemas_enable {
            return self.decode_envelope(&mut reader);
        }
        // Jackson reads empty input as a missing node, which converts to null.
        if reader.peek().is_none() {
            return Ok((None, Value::Null));
        }
        let value = self.decoder(&mut reader).schemaless()?;
        reader.finish()?;
        Ok((None, value))
    }

    fn decoder<'r, 'a>(&self, reader: &'r mut Reader<'a>) -> Decoder<'r, 'a> {
        Decoder {
            reader,
            replace_null_with_default: self.options.replace_null_with_default,
        }
    }

    fn decode_envelope(
        &mut self,
        reader: &mut Reader<'_>,
    ) -> Result<(Option<SchemaRef>, Value), JsonError> {
        if reader.peek() != Some(b'{') {
            // Jackson reads empty input as a missing node: not an envelope.
            if reader.peek().is_none() {
                return Err(JsonError::Envelope);
            }
            // Malformed JSON is reported as such before the envelope rule.
            reader.skip_value()?;
            reader.finish()?;
            return Err(JsonError::Envelope);
        }
        let members = self.envelope_members(reader)?;
        reader.finish()?;
        let (Some(schema), true) = (members.schema, members.well_formed) else {
            return Err(JsonError::Envelope);
        };
        let value = match members.payload {
            Payload::Read(value) => value,
            Payload::At(at) => {
                let mut reader = Reader::at(reader.input(), at, 1);
                let mut decoder = self.decoder(&mut reader);
                match &schema {
                    Some(compiled) => decoder.value(&compiled.plan)?,
                    None => decoder.schemaless()?,
                }
            }
            Payload::Missing => return Err(JsonError::Envelope),
        };
        Ok((schema.map(|compiled| compiled.schema().clone()), value))
    }

    /// Reads the envelope object's members. The payload is read as soon as the schema is
    /// known; a payload that comes first is skipped and read afterwards.
    fn envelope_members(&mut self, reader: &mut Reader<'_>) -> Result<Envelope, JsonError> {
        reader.enter()?;
        let replace = self.options.replace_null_with_default;
        let mut members = Envelope {
            schema: None,
            payload: Payload::Missing,
            well_formed: true,
        };
        let mut more = reader.object_first()?;
        while more {
            let key = reader.key()?;
            match (key.as_bytes(), &members.schema, &members.payload) {
                (b"schema", None, _) => {
                    members.schema = Some(self.decode_cache.read(reader, replace)?);
                }
                (b"payload", Some(Some(compiled)), Payload::Missing) => {
                    let value = self.decoder(reader).value(&compiled.plan)?;
                    members.payload = Payload::Read(value);
                }
                (b"payload", Some(None), Payload::Missing) => {
                    members.payload = Payload::Read(self.decoder(reader).schemaless()?);
                }
                (b"payload", None, Payload::Missing) => {
                    reader.peek_some()?;
                    members.payload = Payload::At(reader.position());
                    reader.skip_value()?;
                }
                _ => {
                    members.well_formed = false;
                    reader.skip_value()?;
                }
            }
            more = reader.object_next()?;
        }
        Ok(members)
    }
}

/// What an envelope object held.
struct Envelope {
    /// `None` before a `schema` member; `Some(None)` for `"schema":null`.
    schema: Option<Option<Arc<Compiled>>>,
    payload: Payload,
    /// False when a member other than one `schema` and one `payload` appeared.
    well_formed: bool,
}

/// The envelope's `payload` member.
enum Payload {
    Missing,
    /// Read with the schema that came before it.
    Read(Value),
    /// Came before the schema: its position, to read once the schema is known.
    At(usize),
}
