//! [`Plan`]: a schema compiled once into what the reader and writer need per record.

use crate::schema::{LogicalType, SchemaRef, Type};

use super::write::escape_into;

/// How one schema node is read and written.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The schema this plan was compiled from (for `optional`, `default` and struct identity).
    pub schema: SchemaRef,
    /// What to do with the value.
    pub kind: Kind,
}

/// The per-type part of a [`Plan`], logical types resolved.
#[derive(Debug)]
pub(crate) enum Kind {
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    String,
    Bytes,
    Decimal(i32),
    Date,
    Time,
    Timestamp,
    Array(Box<Plan>),
    /// `object` is true when keys are STRING and the map is a JSON object.
    Map {
        key: Box<Plan>,
        value: Box<Plan>,
        object: bool,
    },
    Struct(Vec<FieldPlan>),
}

/// One struct field: its name, the JSON key written before its value, and its plan.
#[derive(Debug)]
pub(crate) struct FieldPlan {
    /// The field name as bytes, to compare with object keys.
    pub name: Box<[u8]>,
    /// `"name":`, escaped.
    pub key_json: Box<[u8]>,
    /// The field's plan.
    pub plan: Plan,
}

impl Plan {
    /// Compiles `schema` and everything it contains.
    pub fn compile(schema: &SchemaRef) -> Self {
        let kind = match schema.logical_type() {
            Some(LogicalType::Decimal { scale }) => Kind::Decimal(scale),
            Some(LogicalType::Date) => Kind::Date,
            Some(LogicalType::Time) => Kind::Time,
            Some(LogicalType::Timestamp) => Kind::Timestamp,
            None => compile_type(&schema.ty),
        };
        Self {
            schema: schema.clone(),
            kind,
        }
    }
}

fn compile_type(ty: &Type) -> Kind {
    match ty {
        Type::Boolean => Kind::Boolean,
        Type::Int8 => Kind::Int8,
        Type::Int16 => Kind::Int16,
        Type::Int32 => Kind::Int32,
        Type::Int64 => Kind::Int64,
        Type::Float32 => Kind::Float32,
        Type::Float64 => Kind::Float64,
        Type::String => Kind::String,
        Type::Bytes => Kind::Bytes,
        Type::Array(items) => Kind::Array(Box::new(Plan::compile(items))),
        Type::Map { key, value } => Kind::Map {
            object: matches!(key.ty, Type::String),
            key: Box::new(Plan::compile(key)),
            value: Box::new(Plan::compile(value)),
        },
        Type::Struct(fields) => Kind::Struct(
            fields
                .iter()
                .map(|field| {
                    let mut key_json = Vec::with_capacity(field.name.len() + 3);
                    escape_into(&field.name, &mut key_json);
                    key_json.push(b':');
                    FieldPlan {
                        name: field.name.as_bytes().into(),
                        key_json: key_json.into(),
                        plan: Plan::compile(&field.schema),
                    }
                })
                .collect(),
        ),
    }
}
