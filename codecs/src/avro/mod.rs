//! Avro binary encoding of Connect values, Avro schema resolution, the Confluent Schema Registry
//! framing, and Confluent's `AvroData` mapping between Connect and Avro schemas.
//!
//! An [`AvroSchema`] is parsed once (Avro schema JSON is parsed by `apache-avro`) and compiled
//! into a plan: a tree of nodes that knows, for every position of the datum, the Avro encoding
//! and the Connect value it maps to. Encoding and decoding are tight loops over that plan;
//! decoded strings and bytes are slices of the input buffer.
//!
//! ```
//! use bytes::Bytes;
//! use sluice_codecs::avro::AvroSchema;
//! use sluice_codecs::Value;
//!
//! let schema = AvroSchema::parse(r#"{"type":"record","name":"Item","fields":[
//!     {"name":"id","type":"long"},{"name":"name","type":"string"}]}"#)?;
//! let bytes = Bytes::from_static(&[0x7f, 0x06, b'f', b'o', b'o']);
//! let value = schema.decode(bytes)?;
//! let record = value.as_struct().expect("a record decodes to a struct");
//! assert_eq!(record.get("id")?, &Value::Int64(-64));
//! assert_eq!(record.get("name")?.as_str(), Some("foo"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Submodules: [`from_connect`] (Connect → Avro schema JSON), [`to_connect`] (Avro → Connect schema
//! and plan), `encode`, `decode`, `resolve` (writer → reader resolution) and [`confluent`].

pub mod confluent;
mod decode;
mod default;
mod encode;
pub mod from_connect;
mod node;
mod resolve;
pub mod to_connect;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_mapping;
#[cfg(test)]
mod tests_resolve;

use bytes::Bytes;

use crate::cursor::{Cursor, CursorError};
use crate::framing::FramingError;
use crate::schema::SchemaRef;
use crate::value::Value;

pub use confluent::{decode_confluent, encode_confluent};
pub use from_connect::{avro_schema_json, avro_schema_text};

use node::Node;
use resolve::Read;

/// Deepest nesting of records, arrays, maps and unions a plan may have. It bounds recursion when
/// building plans, encoding and decoding, so hostile schemas or input cannot overflow the stack.
pub const MAX_DEPTH: usize = 64;

/// How many times a recursive named type is unrolled along one path of the Connect schema.
///
/// Connect schemas are finite trees, so a recursive Avro record (a linked list, a tree) maps to
/// a Connect schema unrolled this many levels deep; data nested deeper fails to decode with
/// [`AvroError::RecursionLimit`].
pub const RECURSION_UNROLL: usize = 8;

/// Most plan nodes one schema may compile to (after unrolling recursion).
pub const MAX_PLAN_NODES: usize = 1 << 16;

/// Most elements a single array or map may hold when its elements take no bytes on the wire
/// (`null`, empty records), where the input length cannot bound the count.
pub const MAX_ZERO_SIZE_ELEMENTS: u64 = 1 << 16;

/// What went wrong with an Avro schema, a value or Avro input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AvroError {
    /// `apache-avro` rejected the schema JSON.
    #[error("invalid Avro schema: {0}")]
    Schema(String),
    /// The Avro schema has no Connect equivalent (e.g. a standalone `null`).
    #[error("Avro schema not supported: {0}")]
    Unsupported(String),
    /// A Connect schema cannot be mapped to Avro.
    #[error("Connect schema cannot be mapped to Avro: {0}")]
    Mapping(String),
    /// The writer schema cannot be read with the reader schema.
    #[error(
        "writer schema {} is incompatible with reader schema {}: {}",
        .0.writer,
        .0.reader,
        .0.reason
    )]
    Incompatible(Box<Incompatibility>),
    /// The schema nests deeper than [`MAX_DEPTH`] or compiles to more than [`MAX_PLAN_NODES`].
    #[error("schema too deep or too large to compile")]
    SchemaTooLarge,
    /// The input ended early or a varint was malformed.
    #[error("malformed Avro input: {0}")]
    Input(#[from] CursorError),
    /// A string was not valid UTF-8.
    #[error("invalid UTF-8 in Avro string at byte {position}")]
    Utf8 {
        /// Offset of the string's first byte.
        position: usize,
    },
    /// An `int` value outside the 32-bit range, or a narrower Connect type's range.
    #[error("integer {value} out of range for {expected}")]
    IntOutOfRange {
        /// The decoded value.
        value: i64,
        /// The Connect type it had to fit.
        expected: &'static str,
    },
    /// A union or enum index with no branch or symbol.
    #[error("index {index} out of range for {what} with {len} entries")]
    BadIndex {
        /// The decoded index.
        index: i64,
        /// `union` or `enum`.
        what: &'static str,
        /// How many branches or symbols exist.
        len: usize,
    },
    /// A writer value that the reader schema has no place for (an unmatched union branch or an
    /// enum symbol the reader lacks and has no default for).
    #[error("cannot resolve writer data: {0}")]
    Unresolvable(String),
    /// An array or map block claims more elements than the input could hold.
    #[error("block of {count} elements cannot fit in the {remaining} remaining bytes")]
    BlockTooLarge {
        /// The claimed element count.
        count: u64,
        /// Bytes left in the input.
        remaining: usize,
    },
    /// Data nests deeper than [`MAX_DEPTH`] or than a recursive type was unrolled.
    #[error("data nests deeper than the schema allows ({0})")]
    RecursionLimit(String),
    /// Bytes were left after the datum.
    #[error("{0} bytes left after the Avro datum")]
    TrailingBytes(usize),
    /// A Connect value does not fit the Avro schema being encoded.
    #[error("cannot encode {found} as Avro {expected}")]
    ValueMismatch {
        /// The Avro type expected at this position.
        expected: Box<str>,
        /// The kind of value found.
        found: &'static str,
    },
    /// The Confluent framing was wrong.
    #[error(transparent)]
    Framing(#[from] FramingError),
    /// No schema is known for a Confluent schema id.
    #[error("no Avro schema for schema id {0}")]
    UnknownSchemaId(i32),
}

/// Where and why a writer schema does not resolve to a reader schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    /// The writer type at the point of failure.
    pub writer: String,
    /// The reader type at the point of failure.
    pub reader: String,
    /// Why they do not resolve.
    pub reason: String,
}

/// A parsed and compiled Avro schema: the `apache-avro` schema, the Connect schema it maps to
/// (Confluent `AvroData` conventions, see [`to_connect`]), and the plans that encode and decode
/// Connect values with it.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    avro: apache_avro::Schema,
    node: Node,
    decoder: Decoder,
}

impl AvroSchema {
    /// Parses Avro schema JSON text. Properties that `apache-avro` drops on primitive types
    /// (`connect.type`, `connect.name`, `connect.parameters`, …) are read from the JSON text.
    pub fn parse(json: &str) -> Result<Self, AvroError> {
        let avro = apache_avro::Schema::parse_str(json)
            .map_err(|error| AvroError::Schema(error.to_string()))?;
        let tree: serde_json::Value =
            serde_json::from_str(json).map_err(|error| AvroError::Schema(error.to_string()))?;
        Self::build(avro, Some(&tree))
    }

    /// Compiles an already parsed `apache-avro` schema. Properties on primitive types are not
    /// kept by `apache-avro`, so prefer [`AvroSchema::parse`] for schemas written by `AvroData`.
    pub fn from_avro(avro: &apache_avro::Schema) -> Result<Self, AvroError> {
        Self::build(avro.clone(), None)
    }

    /// The Avro schema `AvroData` derives from a Connect schema, compiled.
    pub fn from_connect(schema: &crate::schema::Schema) -> Result<Self, AvroError> {
        Self::parse(&avro_schema_text(schema)?)
    }

    fn build(
        avro: apache_avro::Schema,
        json: Option<&serde_json::Value>,
    ) -> Result<Self, AvroError> {
        let node = to_connect::compile(&avro, json)?;
        let decoder = Decoder::resolving_nodes(&node, &node)?;
        Ok(Self {
            avro,
            node,
            decoder,
        })
    }

    /// The `apache-avro` schema.
    pub fn avro(&self) -> &apache_avro::Schema {
        &self.avro
    }

    /// The Connect schema values decoded with this schema carry.
    pub fn connect_schema(&self) -> &SchemaRef {
        self.decoder.connect_schema()
    }

    /// The decoder for data written with this same schema.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// Appends the Avro binary encoding of `value` to `out`. Struct values are encoded by field
    /// position, so a value of the original Connect schema encodes with the derived Avro schema.
    pub fn encode_into(&self, value: &Value, out: &mut Vec<u8>) -> Result<(), AvroError> {
        encode::encode(&self.node, value, out, 0)
    }

    /// The Avro binary encoding of `value`.
    pub fn encode(&self, value: &Value) -> Result<Vec<u8>, AvroError> {
        let mut out = Vec::new();
        self.encode_into(value, &mut out)?;
        Ok(out)
    }

    /// Decodes one datum written with this schema; the whole input must be the datum.
    pub fn decode(&self, input: Bytes) -> Result<Value, AvroError> {
        self.decoder.decode(input)
    }
}

/// Decodes datums written with one Avro schema (the writer's) into Connect values of another
/// (the reader's), following Avro schema resolution. Built once per writer/reader pair.
#[derive(Debug, Clone)]
pub struct Decoder {
    read: Read,
    connect: SchemaRef,
}

impl Decoder {
    /// A decoder for data written with `writer` and read as `reader`. Incompatible schemas fail
    /// here, not per record.
    pub fn resolving(writer: &AvroSchema, reader: &AvroSchema) -> Result<Self, AvroError> {
        Self::resolving_nodes(&writer.node, &reader.node)
    }

    fn resolving_nodes(writer: &Node, reader: &Node) -> Result<Self, AvroError> {
        Ok(Self {
            read: resolve::resolve(writer, reader)?,
            connect: reader.connect.clone(),
        })
    }

    /// The Connect schema of decoded values (the reader's).
    pub fn connect_schema(&self) -> &SchemaRef {
        &self.connect
    }

    /// Decodes one datum; the whole input must be the datum.
    pub fn decode(&self, input: Bytes) -> Result<Value, AvroError> {
        let mut cursor = Cursor::new(input);
        let value = self.decode_from(&mut cursor)?;
        if !cursor.is_empty() {
            return Err(AvroError::TrailingBytes(cursor.remaining()));
        }
        Ok(value)
    }

    /// Decodes one datum from `cursor`, leaving the cursor after it.
    pub fn decode_from(&self, cursor: &mut Cursor) -> Result<Value, AvroError> {
        decode::decode(&self.read, cursor, 0)
    }
}
