//! Writer → reader schema resolution (Avro 1.11 specification, "Schema Resolution"), compiled
//! once into a [`Read`] plan. Reading data with its own schema is the identity resolution.
//!
//! - Records match by unqualified name or reader alias; fields match by name or reader field
//!   alias. Writer fields the reader lacks are skipped without building values; reader fields the
//!   writer lacks take their default (no default is an error at build time).
//! - Promotions: `int` → `long`/`float`/`double`, `long` → `float`/`double`, `float` → `double`,
//!   `string` ⇄ `bytes`.
//! - Enums map writer symbols to reader symbols by name; a symbol the reader lacks takes the
//!   reader's default symbol, and without one that datum fails.
//! - Writer union: each branch is resolved against the reader; a branch that does not resolve
//!   fails only the datums that use it, but a union none of whose branches resolve is an error.
//!   Reader union (writer not a union): the first reader branch of the same type (then the first
//!   one the writer promotes to) is used.
//! - Fixed types need the same name and size; decimals the same scale.

use super::default::value_from_json;
use super::node::{EnumNode, IntKind, Kind, LongKind, Node, RecordNode, UnionNode, UnionShape};
use super::{AvroError, Incompatibility};
use crate::schema::SchemaRef;
use crate::str::Str;
use crate::value::Value;

/// One step of decoding: what to read from the writer's data and what Connect value to make.
#[derive(Debug, Clone)]
pub(crate) enum Read {
    Null,
    Boolean,
    Int(IntKind),
    Long(LongKind),
    IntAsLong(LongKind),
    IntAsFloat,
    IntAsDouble,
    LongAsFloat,
    LongAsDouble,
    Float,
    FloatAsDouble,
    Double,
    /// A `string` (or `bytes` read as a string).
    String,
    /// A `bytes` (or `string` read as bytes).
    Bytes,
    Decimal {
        scale: i32,
        fixed: Option<usize>,
    },
    Fixed(usize),
    /// Writer symbol index → reader symbol (`None`: the reader has no such symbol nor default).
    Enum(Vec<Option<Str>>),
    Array(Box<Read>),
    Map(Box<Read>),
    MapEntries(Box<Read>, Box<Read>),
    Record(Box<RecordRead>),
    /// A writer union: one read per writer branch.
    Union(Vec<Read>),
    /// Wraps the inner value as field `field` of a reader union struct.
    Wrap {
        schema: SchemaRef,
        field: usize,
        inner: Box<Read>,
    },
    /// Data here cannot be read; the message says why.
    Fail(String),
}

/// Reading a record.
#[derive(Debug, Clone)]
pub(crate) struct RecordRead {
    /// The reader's struct schema.
    pub schema: SchemaRef,
    /// One step per writer field, in writer order.
    pub steps: Vec<Step>,
    /// Reader fields the writer lacks: index and default value.
    pub defaults: Vec<(usize, Value)>,
    /// Steps read every reader field in order, so values can be pushed.
    pub in_order: bool,
}

/// What to do with one writer field.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// Read it into reader field `usize`.
    Read(usize, Read),
    /// Skip it.
    Skip(Node),
}

/// Compiles the read plan for data written with `writer` and read as `reader`.
pub(crate) fn resolve(writer: &Node, reader: &Node) -> Result<Read, AvroError> {
    match (&writer.kind, &reader.kind) {
        (Kind::Union(union), _) => {
            let branches: Vec<Read> = union
                .branches
                .iter()
                .map(|branch| resolve(branch, reader).unwrap_or_else(|e| Read::Fail(e.to_string())))
                .collect();
            if branches.iter().all(|read| matches!(read, Read::Fail(_))) {
                return Err(incompatible(
                    writer,
                    reader,
                    "no branch of the writer union resolves",
                ));
            }
            Ok(Read::Union(branches))
        }
        (_, Kind::Union(union)) => into_union(writer, reader, union),
        _ => resolve_plain(writer, reader),
    }
}

fn incompatible(writer: &Node, reader: &Node, reason: &str) -> AvroError {
    AvroError::Incompatible(Box::new(Incompatibility {
        writer: writer.kind.describe(),
        reader: reader.kind.describe(),
        reason: reason.to_owned(),
    }))
}

fn same_type(writer: &Kind, reader: &Kind) -> bool {
    match (writer, reader) {
        (Kind::Record(w), Kind::Record(r)) => r.named.accepts(&w.named),
        (Kind::Enum(w), Kind::Enum(r)) => r.named.accepts(&w.named),
        (Kind::Fixed(w, _), Kind::Fixed(r, _)) => r.accepts(w),
        _ => std::mem::discriminant(writer) == std::mem::discriminant(reader),
    }
}

fn into_union(writer: &Node, reader: &Node, union: &UnionNode) -> Result<Read, AvroError> {
    let exact = union
        .branches
        .iter()
        .position(|b| same_type(&writer.kind, &b.kind));
    let candidates = exact.into_iter().chain(0..union.branches.len());
    for index in candidates {
        let Ok(read) = resolve_plain(writer, &union.branches[index]) else {
            continue;
        };
        return Ok(match &union.shape {
            UnionShape::Optional { null } if *null == index => Read::Null,
            UnionShape::Optional { .. } => read,
            UnionShape::Struct { fields } => match fields[index] {
                None => Read::Null,
                Some(field) => Read::Wrap {
                    schema: reader.connect.clone(),
                    field,
                    inner: Box::new(read),
                },
            },
        });
    }
    Err(incompatible(
        writer,
        reader,
        "no branch of the reader union matches",
    ))
}

fn resolve_plain(writer: &Node, reader: &Node) -> Result<Read, AvroError> {
    use Kind as K;
    Ok(match (&writer.kind, &reader.kind) {
        (K::Null, K::Null) => Read::Null,
        (K::Boolean, K::Boolean) => Read::Boolean,
        (K::Int(_), K::Int(kind)) => Read::Int(*kind),
        (K::Int(_), K::Long(kind)) => Read::IntAsLong(*kind),
        (K::Int(_), K::Float) => Read::IntAsFloat,
        (K::Int(_), K::Double) => Read::IntAsDouble,
        (K::Long(_), K::Long(kind)) => Read::Long(*kind),
        (K::Long(_), K::Float) => Read::LongAsFloat,
        (K::Long(_), K::Double) => Read::LongAsDouble,
        (K::Float, K::Float) => Read::Float,
        (K::Float, K::Double) => Read::FloatAsDouble,
        (K::Double, K::Double) => Read::Double,
        (K::String | K::Bytes, K::String) => Read::String,
        (K::String | K::Bytes, K::Bytes) => Read::Bytes,
        (
            K::Decimal {
                scale: ws,
                fixed: wf,
            },
            K::Decimal { scale, fixed },
        ) if ws == scale && wf == fixed => Read::Decimal {
            scale: *scale,
            fixed: *fixed,
        },
        (K::Fixed(w, ws), K::Fixed(r, rs)) if r.accepts(w) && ws == rs => Read::Fixed(*rs),
        (K::Enum(w), K::Enum(r)) if r.named.accepts(&w.named) => enumeration(w, r),
        (K::Array(w), K::Array(r)) => Read::Array(Box::new(resolve(w, r)?)),
        (K::Map(w), K::Map(r)) => Read::Map(Box::new(resolve(w, r)?)),
        (K::MapEntries(wk, wv), K::MapEntries(rk, rv)) => {
            Read::MapEntries(Box::new(resolve(wk, rk)?), Box::new(resolve(wv, rv)?))
        }
        (K::Record(w), K::Record(r)) if r.named.accepts(&w.named) => record(w, r, reader)?,
        (K::Cut(name), _) | (_, K::Cut(name)) => {
            Read::Fail(format!("recursive type {name} nested too deeply"))
        }
        _ => return Err(incompatible(writer, reader, "types do not match")),
    })
}

fn enumeration(writer: &EnumNode, reader: &EnumNode) -> Read {
    let default = reader.default.map(|index| reader.symbols[index].clone());
    let map = writer.symbols.iter().map(|symbol| {
        let found = reader.symbols.iter().find(|s| *s == symbol);
        found.cloned().or_else(|| default.clone())
    });
    Read::Enum(map.collect())
}

fn record(writer: &RecordNode, reader: &RecordNode, reader_node: &Node) -> Result<Read, AvroError> {
    let mut matched = vec![false; reader.fields.len()];
    let mut steps = Vec::with_capacity(writer.fields.len());
    for field in &writer.fields {
        let index = reader
            .fields
            .iter()
            .position(|r| r.name == field.name || r.aliases.contains(&field.name));
        match index {
            Some(index) if !matched[index] => {
                matched[index] = true;
                steps.push(Step::Read(
                    index,
                    resolve(&field.node, &reader.fields[index].node)?,
                ));
            }
            _ => steps.push(Step::Skip(field.node.clone())),
        }
    }
    let mut defaults = Vec::new();
    for (index, field) in reader
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched[*i])
    {
        let default = field.default.as_ref().ok_or_else(|| {
            AvroError::Incompatible(Box::new(Incompatibility {
                writer: format!("record {}", writer.named.name),
                reader: format!("record {}", reader.named.name),
                reason: format!(
                    "reader field {} is missing from the writer and has no default",
                    field.name
                ),
            }))
        })?;
        defaults.push((index, value_from_json(&field.node, default)?));
    }
    let in_order = defaults.is_empty()
        && steps.len() == reader.fields.len()
        && steps
            .iter()
            .enumerate()
            .all(|(position, step)| matches!(step, Step::Read(index, _) if *index == position));
    Ok(Read::Record(Box::new(RecordRead {
        schema: reader_node.connect.clone(),
        steps,
        defaults,
        in_order,
    })))
}
