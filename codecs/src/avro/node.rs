//! The compiled plan of one Avro schema: a finite tree of [`Node`]s, each holding the Avro
//! encoding at that position and the Connect schema its values have.

use crate::schema::SchemaRef;
use crate::str::Str;

/// One position of an Avro schema.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// How the position is encoded and what Connect value it holds.
    pub kind: Kind,
    /// The Connect schema of the values at this position.
    pub connect: SchemaRef,
}

/// The Connect type an Avro `int` decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntKind {
    /// `"connect.type":"int8"`.
    Int8,
    /// `"connect.type":"int16"`.
    Int16,
    /// Plain `int`.
    Int32,
    /// `date`.
    Date,
    /// `time-millis`.
    Time,
}

/// The Connect type an Avro `long` decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LongKind {
    /// Plain `long`, and the micro/nano logical types.
    Int64,
    /// `timestamp-millis`.
    Timestamp,
}

/// The Avro encoding at one position.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Null,
    Boolean,
    Int(IntKind),
    Long(LongKind),
    Float,
    Double,
    String,
    Bytes,
    /// `decimal` over `bytes` (`fixed` is `Some(size)` for `decimal` over `fixed`).
    Decimal {
        scale: i32,
        fixed: Option<usize>,
    },
    Fixed(Box<Named>, usize),
    Enum(Box<EnumNode>),
    Array(Box<Node>),
    /// An Avro map: string keys.
    Map(Box<Node>),
    /// An array of `io.confluent.connect.avro.MapEntry` records: a Connect map with any keys.
    MapEntries(Box<Node>, Box<Node>),
    Record(Box<RecordNode>),
    Union(Box<UnionNode>),
    /// A recursive reference past [`super::RECURSION_UNROLL`] levels: any data here fails.
    Cut(String),
}

impl Kind {
    /// A short Avro type name for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Null => "null".into(),
            Self::Boolean => "boolean".into(),
            Self::Int(_) => "int".into(),
            Self::Long(_) => "long".into(),
            Self::Float => "float".into(),
            Self::Double => "double".into(),
            Self::String => "string".into(),
            Self::Bytes => "bytes".into(),
            Self::Decimal { scale, .. } => format!("decimal(scale {scale})"),
            Self::Fixed(named, size) => format!("fixed {}[{size}]", named.name),
            Self::Enum(node) => format!("enum {}", node.named.name),
            Self::Array(_) => "array".into(),
            Self::Map(_) => "map".into(),
            Self::MapEntries(..) => "array of MapEntry".into(),
            Self::Record(node) => format!("record {}", node.named.name),
            Self::Union(_) => "union".into(),
            Self::Cut(name) => format!("recursive {name}"),
        }
    }
}

/// The name and aliases of a named type (record, enum, fixed).
#[derive(Debug, Clone)]
pub(crate) struct Named {
    /// Full name.
    pub name: String,
    /// Full names of the aliases.
    pub aliases: Vec<String>,
}

impl Named {
    /// The name without its namespace.
    pub fn unqualified(&self) -> &str {
        unqualified(&self.name)
    }

    /// Whether a writer type named `writer` resolves to this (reader) type: same unqualified
    /// name, or one of this type's aliases (Avro 1.11 resolution rules).
    pub fn accepts(&self, writer: &Named) -> bool {
        self.unqualified() == writer.unqualified()
            || self.name == writer.name
            || self.aliases.iter().any(|alias| alias == &writer.name)
    }
}

/// The part of a dotted name after the last dot.
pub(crate) fn unqualified(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// A record: its fields in Avro order.
#[derive(Debug, Clone)]
pub(crate) struct RecordNode {
    pub named: Named,
    pub fields: Vec<FieldNode>,
}

/// One record field.
#[derive(Debug, Clone)]
pub(crate) struct FieldNode {
    pub name: String,
    pub aliases: Vec<String>,
    pub node: Node,
    /// The Avro default, as JSON.
    pub default: Option<serde_json::Value>,
}

/// An enum: symbols in index order.
#[derive(Debug, Clone)]
pub(crate) struct EnumNode {
    pub named: Named,
    pub symbols: Vec<Str>,
    /// Index of the default symbol.
    pub default: Option<usize>,
}

/// A union and how it maps to Connect.
#[derive(Debug, Clone)]
pub(crate) struct UnionNode {
    pub branches: Vec<Node>,
    pub shape: UnionShape,
}

/// How a union's values look in Connect.
#[derive(Debug, Clone)]
pub(crate) enum UnionShape {
    /// `["null", T]` or `[T, "null"]`: an optional `T`; `null` is at this branch index.
    Optional { null: usize },
    /// Any other union: a struct `io.confluent.connect.avro.Union` with one optional field per
    /// non-null branch; `fields[i]` is branch `i`'s field index (`None` for the null branch).
    Struct { fields: Vec<Option<usize>> },
}
