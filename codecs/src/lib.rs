//! The Kafka Connect data model and the wire formats every Sluice record passes through.
//!
//! - [`schema`]: Connect schemas ([`Schema`], [`Field`]) with the logical types Decimal, Date,
//!   Time and Timestamp.
//! - [`value`]: Connect values ([`Value`], [`Struct`]) whose strings and bytes borrow from the
//!   input buffer ([`Str`], [`bytes::Bytes`]) instead of copying it.
//! - [`header`]: ordered, repeatable record headers.
//! - [`cursor`] and [`framing`]: bounds-checked reading of untrusted bytes and the Confluent
//!   Schema Registry wire prefix, shared by the binary formats.
//!
//! This crate does no I/O and knows nothing about Kafka clients.

pub mod cursor;
pub mod decimal;
pub mod framing;
pub mod header;
pub mod protobuf;
pub mod schema;
pub mod str;
pub mod value;

pub use decimal::Decimal;
pub use header::{Header, Headers};
pub use schema::{Field, LogicalType, Schema, SchemaRef, SchemaType, Type};
pub use str::Str;
pub use value::{DataError, Struct, Value};
