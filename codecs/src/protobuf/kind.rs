//! What a planned field holds on the wire ([`Kind`]) and how many values it holds ([`Card`]).

/// Wire type 0: varint.
pub(super) const VARINT: u8 = 0;
/// Wire type 1: 8 bytes.
pub(super) const I64: u8 = 1;
/// Wire type 2: length-delimited.
pub(super) const LEN: u8 = 2;
/// Wire type 3: start group.
pub(super) const SGROUP: u8 = 3;
/// Wire type 4: end group.
pub(super) const EGROUP: u8 = 4;
/// Wire type 5: 4 bytes.
pub(super) const I32: u8 = 5;

/// What a field holds on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Double,
    Float,
    Int64,
    Uint64,
    Int32,
    Fixed64,
    Fixed32,
    Bool,
    String,
    Bytes,
    Uint32,
    Sfixed32,
    Sfixed64,
    Sint32,
    Sint64,
    /// An enum: index into [`Plans::enums`](super::plan::Plans::enums).
    Enum(usize),
    /// A message: index into [`Plans::messages`](super::plan::Plans::messages).
    Message(usize),
    /// `google.protobuf.Timestamp`, read as Connect Timestamp.
    Timestamp,
    /// `confluent.type.Decimal`, read as Connect Decimal with the field's
    /// `(confluent.field_meta)` scale and precision.
    Decimal {
        /// The `scale` parameter (0 when absent or not an int, as in Confluent).
        scale: i32,
        /// The `precision` parameter, when it is an int.
        precision: Option<i32>,
    },
    /// `google.type.Date`, read as Connect Date.
    Date,
    /// An `int32`, `sint32` or `sfixed32` field whose `(confluent.field_meta)` `connect.type`
    /// parameter is `int8` (`bits` 8) or `int16` (`bits` 16), read as Connect `INT8` / `INT16`
    /// (truncated, as Java's `byteValue` / `shortValue`).
    Narrow {
        /// How the value is held on the wire.
        wire: Int32Wire,
        /// 8 or 16.
        bits: u8,
    },
    /// A `google.protobuf.*Value` wrapper read as its value (`wrapper.for.nullables=true`).
    Wrapper(Wrapped),
    /// `google.type.TimeOfDay`, read as Connect Time.
    Time,
}

/// The value type of a `google.protobuf.*Value` wrapper message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wrapped {
    Double,
    Float,
    Int64,
    Uint64,
    Int32,
    Uint32,
    Bool,
    String,
    Bytes,
}

impl Wrapped {
    /// The wrapper message of this full name, if it is one.
    pub(super) fn of_message(name: &str) -> Option<Self> {
        Some(match name {
            "google.protobuf.DoubleValue" => Self::Double,
            "google.protobuf.FloatValue" => Self::Float,
            "google.protobuf.Int64Value" => Self::Int64,
            "google.protobuf.UInt64Value" => Self::Uint64,
            "google.protobuf.Int32Value" => Self::Int32,
            "google.protobuf.UInt32Value" => Self::Uint32,
            "google.protobuf.BoolValue" => Self::Bool,
            "google.protobuf.StringValue" => Self::String,
            "google.protobuf.BytesValue" => Self::Bytes,
            _ => return None,
        })
    }

    /// The kind of the wrapped `value` field.
    pub(super) fn kind(self) -> Kind {
        match self {
            Self::Double => Kind::Double,
            Self::Float => Kind::Float,
            Self::Int64 => Kind::Int64,
            Self::Uint64 => Kind::Uint64,
            Self::Int32 => Kind::Int32,
            Self::Uint32 => Kind::Uint32,
            Self::Bool => Kind::Bool,
            Self::String => Kind::String,
            Self::Bytes => Kind::Bytes,
        }
    }
}

/// How a Connect `INT8` or `INT16` value is held on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Int32Wire {
    Int32,
    Sint32,
    Sfixed32,
}

impl Int32Wire {
    /// The kind of the wire value.
    pub(super) fn kind(self) -> Kind {
        match self {
            Self::Int32 => Kind::Int32,
            Self::Sint32 => Kind::Sint32,
            Self::Sfixed32 => Kind::Sfixed32,
        }
    }
}

impl Kind {
    /// The wire type of one (unpacked) value.
    pub(super) fn wire_type(self) -> u8 {
        match self {
            Self::Narrow { wire, .. } => wire.kind().wire_type(),
            Self::Int64
            | Self::Uint64
            | Self::Int32
            | Self::Bool
            | Self::Uint32
            | Self::Sint32
            | Self::Sint64
            | Self::Enum(_) => VARINT,
            Self::Double | Self::Fixed64 | Self::Sfixed64 => I64,
            Self::Float | Self::Fixed32 | Self::Sfixed32 => I32,
            Self::String
            | Self::Bytes
            | Self::Message(_)
            | Self::Timestamp
            | Self::Decimal { .. }
            | Self::Date
            | Self::Time
            | Self::Wrapper(_) => LEN,
        }
    }

    /// True for kinds held in a message of their own (Confluent marks their Connect schemas
    /// optional even with `wrapper.for.nullables=true`).
    pub(super) fn is_message(self) -> bool {
        self.wire_type() == LEN && !matches!(self, Self::String | Self::Bytes)
    }

    /// True for kinds a repeated field may pack.
    pub(super) fn packable(self) -> bool {
        self.wire_type() != LEN
    }
}

/// How many values a field holds and whether absence is observable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Card {
    /// No presence: absent reads as the default; the default is not written.
    Implicit,
    /// Explicit presence: absent reads as null.
    Explicit,
    /// `repeated`; `packed` is how the encoder writes packable kinds.
    Repeated { packed: bool },
    /// `map<key, kind>`.
    Map { key: Kind },
}
