//! The Kafka Connect data model and the wire formats every Sluice record passes through.
//!
//! - [`schema`]: Connect schemas ([`Schema`], [`Field`]) with the logical types Decimal, Date,
//!   Time and Timestamp.
//! - [`value`]: Connect values ([`Value`], [`Struct`]) whose strings and bytes borrow from the
//!   input buffer ([`Str`], [`bytes::Bytes`]) instead of copying it.
//! - [`header`]: ordered, repeatable record headers.
//! - [`json`]: Connect JSON, byte-compatible with Kafka's `JsonConverter`.
//! - [`avro`]: Avro binary encoding with Confluent framing, schema resolution and the
//!   Confluent `AvroData` mapping between Connect and Avro schemas.
//! - [`protobuf`]: Protobuf dynamic messages from `.proto` text or descriptor sets, with the
//!   Confluent `ProtobufData` mapping and message-index framing.
//! - [`java_text`]: numbers as Java prints them (`Double.toString`, `Float.toString`,
//!   `BigDecimal.toString`), for every place Connect turns a number into text.
//! - [`cursor`] and [`framing`]: bounds-checked reading of untrusted bytes and the Confluent
//!   Schema Registry wire prefix, shared by the binary formats.
//!
//! This crate does no I/O and knows nothing about Kafka clients.

pub mod avro;
pub mod cursor;
pub mod decimal;
pub mod framing;
pub mod header;
pub mod java_text;
pub mod json;
pub mod protobuf;
pub mod schema;
pub mod str;
pub mod value;

pub use decimal::Decimal;
pub use header::{Header, Headers};
pub use schema::{Field, LogicalType, Schema, SchemaRef, SchemaType, Type};
pub use str::Str;
pub use value::{DataError, Struct, Value};
