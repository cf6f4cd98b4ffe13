//! Protobuf: the protobuf binary wire format (proto2 and proto3) for Connect values, with the
//! Confluent Schema Registry framing (magic byte, schema id, message-index list).
//!
//! Descriptors come from `.proto` text (compiled in memory by `protox`, which ships the
//! well-known types such as `google/protobuf/timestamp.proto`) or from a serialized
//! `FileDescriptorSet` ([`ProtoSchema`]). Selecting a message ([`ProtoSchema::codec`],
//! [`ProtoSchema::codec_at`]) compiles a [`ProtobufCodec`]: one plan per reachable message,
//! kept in a table and referenced by index so recursive messages need no recursion at build
//! time, with field number → slot lookup, wire type and Connect schema precomputed.
//!
//! # Connect mapping
//!
//! The mapping follows Confluent's `ProtobufData` (`io.confluent.connect.protobuf`), with its
//! `enhanced.protobuf.schema.support=true` naming:
//!
//! | protobuf | Connect |
//! |---|---|
//! | message | `STRUCT` named by the message's **full** name (`pkg.Outer.Inner`) |
//! | `int32`, `sint32`, `sfixed32` | `INT32`; `INT8` / `INT16` (the value truncated, as Java's `byteValue` / `shortValue`) when the field's `(confluent.field_meta)` `connect.type` parameter is `int8` / `int16`, as Confluent writes them |
//! | `int64`, `sint64`, `sfixed64` | `INT64` |
//! | `uint32`, `fixed32` | `INT64` (0 ..= 4 294 967 295, as Confluent does) |
//! | `uint64`, `fixed64` | `INT64`, the same 64 bits (values above `i64::MAX` read negative, as Java's `long`) |
//! | `float` / `double` | `FLOAT32` / `FLOAT64` |
//! | `bool`, `string`, `bytes` | `BOOLEAN`, `STRING`, `BYTES` |
//! | enum | `STRING` of the symbol, named by the enum's simple name, with parameters `io.confluent.connect.protobuf.Enum` = enum name and `io.confluent.connect.protobuf.Enum.<SYMBOL>` = number |
//! | `repeated T` | `ARRAY` of optional `T` |
//! | `map<K, V>`, or `repeated XEntry` where `XEntry` has just the fields `key` and `value` (Confluent's reader takes both as maps; its Connect converter writes the second form) | `MAP` of optional `K` → optional `V`, named like Confluent (`AttributesEntry` → `attributes`) |
//! | `oneof o` (the i-th oneof) | a field `o_i` of an optional `STRUCT` named `io.confluent.connect.protobuf.Union.o`, one optional field per member; it comes before the message's other fields, as in Confluent |
//! | nested message field | optional `STRUCT` |
//! | `google.protobuf.Timestamp` | the Connect `Timestamp` logical type (milliseconds; sub-millisecond nanos are truncated) |
//! | `confluent.type.Decimal` | the Connect `Decimal` logical type, its `scale` (and `connect.decimal.precision`) from the field's `(confluent.field_meta)` `scale` and `precision` parameters; the value keeps the message's own scale, rounded half-up to the message's `precision` when it sets one (Confluent's `DecimalUtils`); a message without value bytes is an error, as in Confluent |
//! | `google.type.Date` | the Connect `Date` logical type (days since the epoch of that UTC day in Java's calendar: Julian before 1582-10-15); dates a strict `GregorianCalendar` rejects (year 0, month 13, 30 February, …) are errors, as in Confluent |
//! | `google.type.TimeOfDay` | the Connect `Time` logical type (milliseconds since midnight; sub-millisecond nanos are truncated); fields out of `LocalTime`'s range are errors, as in Confluent |
//!
//! Every field schema is **optional** (as Confluent marks them) and carries the parameter
//! `io.confluent.connect.protobuf.Tag` = field number.
//!
//! With [`CodecOptions::wrapper_for_nullables`] (Confluent's `wrapper.for.nullables=true`),
//! `google.protobuf.*Value` wrapper fields read as their value (`UInt32Value` as `INT64`
//! 0 ..= 4 294 967 295) with an optional schema, absent as null, and write a non-null value as a
//! wrapper message; fields that are neither messages, enums, repeated nor maps (map keys
//! included) get **required** schemas, as Confluent gives them.
//!
//! # Decoded values
//!
//! - Fields without presence (proto3 plain scalars and enums) read as their default when
//!   absent (0, `false`, `""`, empty bytes, the enum's first symbol), as Confluent's
//!   `message.getField` does. Fields with explicit presence (proto3 `optional`, proto2
//!   `optional`/`required`) read as null when absent — a deviation from Confluent, which gives
//!   them their default too; message fields read as null when absent, repeated and map fields as
//!   empty.
//! - A oneof reads as null when no member was seen, else as its union struct with only the last
//!   seen member set.
//! - An enum number without a symbol reads as `UNKNOWN_ENUM_VALUE_<Enum>_<n>` (protobuf-java's
//!   name for it, which Confluent passes through); encoding accepts that form back.
//! - A singular field seen twice keeps the last value; for message fields this is a
//!   simplification of protobuf's merge (the last occurrence wins whole).
//! - Map entries stay in wire order; a repeated key is not collapsed. A missing key or value
//!   in an entry reads as its default (null for a message value).
//! - Repeated scalars are accepted packed and unpacked whatever the descriptor says.
//! - Unknown fields are skipped, groups (wire types 3/4) included; group-typed fields in a
//!   descriptor are not supported. A known field with an unexpected wire type is skipped as
//!   unknown, as protobuf parsers do.
//! - Strings and bytes are slices of the input; invalid UTF-8 in a `string` is an error.
//! - Nesting deeper than [`MAX_DEPTH`] is an error. Recursive messages are given a Connect
//!   schema unrolled to [`MAX_RECURSIVE_DEPTH`] levels; at that level the message's struct has
//!   no fields, and input nesting a recursive message that deep is an error.
//!
//! Editions files are read as proto2 (explicit presence, unpacked unless `packed=true`).

mod calendar;
mod connect;
mod decode;
mod descriptor;
mod encode;
mod framing;
mod kind;
mod known;
mod logical;
#[cfg(test)]
mod logical_tests;
mod plan;
#[cfg(test)]
mod reflect_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wrapper_tests;

pub use descriptor::{CodecOptions, ProtoSchema};
pub use framing::{decode_framed, encode_framed, read_message_indexes, write_message_indexes};
pub use known::{DATE_FILE, DECIMAL_FILE, META_FILE, TIME_OF_DAY_FILE};
pub use plan::ProtobufCodec;

use crate::cursor::CursorError;
use crate::framing::FramingError;

/// Deepest message nesting the decoder and encoder accept, the top-level message being depth 0.
pub const MAX_DEPTH: usize = 64;

/// Deepest nesting at which a recursive message may appear. Connect schemas cannot be cyclic,
/// so a recursive message's schema is unrolled to this depth (the struct at that depth has no
/// fields and decoding into it is [`ProtobufError::TooDeep`]); the unrolled schema grows with
/// the depth, and comparing two such schemas walks every path, so the limit is kept small.
pub const MAX_RECURSIVE_DEPTH: usize = 16;

/// Connect parameter holding a field's protobuf tag number.
pub const TAG_PARAMETER: &str = "io.confluent.connect.protobuf.Tag";
/// Connect parameter naming the protobuf enum of a `STRING` schema.
pub const ENUM_PARAMETER: &str = "io.confluent.connect.protobuf.Enum";
/// Connect parameter of a Decimal schema holding its precision, as Confluent names it.
pub const DECIMAL_PRECISION_PARAMETER: &str = "connect.decimal.precision";
/// Schema name prefix of the struct that stands for a oneof.
pub const UNION_PREFIX: &str = "io.confluent.connect.protobuf.Union.";

/// What went wrong loading descriptors, decoding or encoding protobuf.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtobufError {
    /// `.proto` text did not compile.
    #[error("cannot compile .proto files: {0}")]
    Compile(String),
    /// Serialized `FileDescriptorSet` bytes did not decode.
    #[error("invalid FileDescriptorSet: {0}")]
    DescriptorSet(String),
    /// No message of that full name.
    #[error("no message named `{0}`")]
    UnknownMessage(String),
    /// No message at that Confluent message-index path.
    #[error("no message at message indexes {0:?}")]
    UnknownMessageIndexes(Vec<i32>),
    /// A descriptor this codec cannot use.
    #[error("unsupported descriptor for `{field}`: {reason}")]
    UnsupportedDescriptor {
        /// The field's full name.
        field: String,
        /// What is unsupported.
        reason: &'static str,
    },
    /// The input ended early or a length prefix claims more than remains.
    #[error("truncated protobuf input: {0}")]
    Truncated(#[from] CursorError),
    /// A field key with field number 0 or above 2^29 − 1.
    #[error("invalid field number {number} at byte {position}")]
    InvalidFieldNumber {
        /// The number read.
        number: u64,
        /// Offset of the key within its message.
        position: usize,
    },
    /// A field inside a length-delimited value (message, map entry, packed run) ran past the
    /// value's end.
    #[error("field runs past the end of its enclosing value at byte {end}")]
    PayloadOverrun {
        /// Offset where the enclosing value ends.
        end: usize,
    },
    /// Wire type 6 or 7, or an end-group without a start.
    #[error("invalid wire type {wire_type} for field {number}")]
    InvalidWireType {
        /// The wire type read.
        wire_type: u8,
        /// The field number it came with.
        number: u32,
    },
    /// A `string` field is not UTF-8.
    #[error("field {number} is not valid UTF-8")]
    InvalidUtf8 {
        /// The field number.
        number: u32,
    },
    /// Messages (or groups) nest deeper than [`MAX_DEPTH`].
    #[error("protobuf nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// A Timestamp whose milliseconds do not fit in 64 bits.
    #[error("timestamp out of range")]
    TimestampOutOfRange,
    /// A `confluent.type.Decimal`, `google.type.Date` or `google.type.TimeOfDay` message that
    /// has no Connect value, or a Connect value with no such message.
    #[error("invalid {type_name}: {reason}")]
    InvalidLogical {
        /// The message type.
        type_name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A value does not fit the message being encoded.
    #[error("cannot encode {found} as {expected} for field `{field}`")]
    Mismatch {
        /// The field (or `<message>` for the top level).
        field: String,
        /// What the field needs.
        expected: &'static str,
        /// What the value is.
        found: &'static str,
    },
    /// An enum symbol the enum does not define.
    #[error("unknown symbol `{symbol}` for enum field `{field}`")]
    UnknownEnumSymbol {
        /// The field.
        field: String,
        /// The symbol.
        symbol: String,
    },
    /// The Confluent prefix is missing or wrong.
    #[error(transparent)]
    Framing(#[from] FramingError),
    /// The caller's lookup knows no descriptor for a framed message.
    #[error("no protobuf schema for id {id} and message indexes {indexes:?}")]
    UnknownSchemaId {
        /// The schema id from the prefix.
        id: i32,
        /// The message indexes after it.
        indexes: Vec<i32>,
    },
    /// The message-index list has a negative count or claims more indexes than there are bytes.
    #[error("invalid message-index list")]
    InvalidMessageIndexes,
}
