//! [`JsonError`]: everything that can go wrong in the JSON converter.

use crate::value::DataError;

/// The message Kafka's `JsonConverter` gives when `schemas.enable` is on and the input is not a
/// `{"schema":…,"payload":…}` envelope.
pub const ENVELOPE_MESSAGE: &str = "JsonConverter with schemas.enable requires \"schema\" and \
\"payload\" fields and may not contain additional fields. If you are trying to deserialize plain \
JSON data, set schemas.enable=false in your converter configuration.";

/// An error of the JSON converter: malformed JSON text (with the byte position), a schema JSON
/// Kafka would reject, or a value that does not fit its schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonError {
    /// The input ended inside a JSON value.
    #[error("unexpected end of JSON input at byte {position}")]
    Eof {
        /// Offset where more input was needed.
        position: usize,
    },
    /// A byte that cannot appear here in JSON text.
    #[error("unexpected {found} at byte {position}: expected {expected}")]
    Unexpected {
        /// Offset of the byte.
        position: usize,
        /// What the byte is, e.g. `'x'`.
        found: String,
        /// What the grammar allows here.
        expected: &'static str,
    },
    /// JSON text after the top-level value.
    #[error("trailing characters after the JSON value at byte {position}")]
    TrailingCharacters {
        /// Offset of the first extra byte.
        position: usize,
    },
    /// A string that is not valid UTF-8.
    #[error("invalid UTF-8 in string at byte {position}")]
    InvalidUtf8 {
        /// Offset of the string.
        position: usize,
    },
    /// A bad `\` escape, or a `\u` escape that is a lone surrogate.
    #[error("invalid escape in string at byte {position}")]
    InvalidEscape {
        /// Offset of the escape.
        position: usize,
    },
    /// A number that breaks the JSON grammar (leading zeros, missing digits, …).
    #[error("invalid number at byte {position}")]
    InvalidNumber {
        /// Offset of the number.
        position: usize,
    },
    /// Objects and arrays nested deeper than the converter allows.
    #[error("JSON nested deeper than {limit} levels at byte {position}")]
    TooDeep {
        /// Offset of the opening bracket that went too deep.
        position: usize,
        /// The nesting limit.
        limit: usize,
    },
    /// `schemas.enable` is on but the input is not a two-field envelope.
    #[error("{}", ENVELOPE_MESSAGE)]
    Envelope,
    /// A schema JSON object Kafka's `JsonConverter.asConnectSchema` rejects.
    #[error("invalid schema JSON: {0}")]
    Schema(String),
    /// A JSON value that does not fit its Connect schema (wrong JSON type, out of range, bad
    /// base64, null for a required schema, …).
    #[error("{message} at byte {position}")]
    Payload {
        /// Offset of the JSON value.
        position: usize,
        /// What is wrong.
        message: String,
    },
    /// A Connect value that cannot be written for its schema.
    #[error("{0}")]
    Data(#[from] DataError),
    /// A Connect value that cannot be written without a schema (structs and logical values).
    #[error("{0}")]
    Unsupported(String),
}
