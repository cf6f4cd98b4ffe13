//! Connect schemas as JSON, in `JsonConverter.asJsonSchema` / `asConnectSchema` form.

use std::sync::Arc;

use bytes::Bytes;
use indexmap::IndexMap;

use super::JsonOptions;
use super::decode::Decoder;
use super::error::JsonError;
use super::plan::{Kind, Plan};
use super::read::Reader;
use super::write::{Writer, escape_into};
use crate::schema::{Field, Schema, SchemaRef, Type};

type Result<T> = std::result::Result<T, JsonError>;

/// Appends the schema JSON of `plan`'s schema: type-specific keys, then `optional`, `name`,
/// `version`, `doc`, `parameters` and `default`.
pub(crate) fn write_schema(plan: &Plan, options: &JsonOptions, out: &mut Vec<u8>) -> Result<()> {
    out.push(b'{');
    write_members(plan, options, out)?;
    out.push(b'}');
    Ok(())
}

fn write_members(plan: &Plan, options: &JsonOptions, out: &mut Vec<u8>) -> Result<()> {
    let schema = &plan.schema;
    out.extend_from_slice(b"\"type\":\"");
    out.extend_from_slice(type_name(&schema.ty).as_bytes());
    out.push(b'"');
    match &plan.kind {
        Kind::Array(items) => {
            out.extend_from_slice(b",\"items\":");
            write_schema(items, options, out)?;
        }
        Kind::Map { key, value, .. } => {
            out.extend_from_slice(b",\"keys\":");
            write_schema(key, options, out)?;
            out.extend_from_slice(b",\"values\":");
            write_schema(value, options, out)?;
        }
        Kind::Struct(fields) => {
            out.extend_from_slice(b",\"fields\":[");
            for (index, field) in fields.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                out.push(b'{');
                write_members(&field.plan, options, out)?;
                out.extend_from_slice(b",\"field\":");
                out.extend_from_slice(&field.key_json[..field.key_json.len() - 1]);
                out.push(b'}');
            }
            out.push(b']');
        }
        _ => {}
    }
    out.extend_from_slice(if schema.optional {
        b",\"optional\":true"
    } else {
        b",\"optional\":false"
    });
    write_attributes(plan, options, out)
}

fn write_attributes(plan: &Plan, options: &JsonOptions, out: &mut Vec<u8>) -> Result<()> {
    let schema = &plan.schema;
    if let Some(name) = &schema.name {
        out.extend_from_slice(b",\"name\":");
        escape_into(name, out);
    }
    if let Some(version) = schema.version {
        out.extend_from_slice(b",\"version\":");
        out.extend_from_slice(itoa::Buffer::new().format(version).as_bytes());
    }
    if let Some(doc) = &schema.doc {
        out.extend_from_slice(b",\"doc\":");
        escape_into(doc, out);
    }
    if let Some(parameters) = &schema.parameters {
        out.extend_from_slice(b",\"parameters\":{");
        for (index, (key, value)) in parameters.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            escape_into(key, out);
            out.push(b':');
            escape_into(value, out);
        }
        out.push(b'}');
    }
    if let Some(default) = schema.default.as_ref().filter(|d| !d.is_null()) {
        out.extend_from_slice(b",\"default\":");
        Writer { options, out }.value(plan, default)?;
    }
    Ok(())
}

/// The JSON `"type"` name of a Connect type.
fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Boolean => "boolean",
        Type::Int8 => "int8",
        Type::Int16 => "int16",
        Type::Int32 => "int32",
        Type::Int64 => "int64",
        Type::Float32 => "float",
        Type::Float64 => "double",
        Type::String => "string",
        Type::Bytes => "bytes",
        Type::Array(_) => "array",
        Type::Map { .. } => "map",
        Type::Struct(_) => "struct",
    }
}

fn schema_error(message: impl Into<String>) -> JsonError {
    JsonError::Schema(message.into())
}

/// What one schema JSON object holds. Nested schemas and the default are kept as positions and
/// read once the type is known, since JSON members come in any order.
#[derive(Default)]
struct Parts {
    ty: Option<String>,
    optional: bool,
    name: Option<String>,
    version: Option<i32>,
    doc: Option<String>,
    parameters: Option<IndexMap<String, String>>,
    field: Option<String>,
    items: Option<usize>,
    keys: Option<usize>,
    values: Option<usize>,
    fields: Option<usize>,
    default: Option<usize>,
    /// Nesting depth inside the object, for the readers of the nested positions.
    depth: usize,
}

/// Reads one schema JSON object into a schema, as `JsonConverter.asConnectSchema`.
pub(crate) fn parse_schema(reader: &mut Reader<'_>, replace_null: bool) -> Result<SchemaRef> {
    let parts = read_parts(reader)?;
    build(parts, reader.input(), replace_null)
}

fn read_parts(reader: &mut Reader<'_>) -> Result<Parts> {
    if reader.peek_some()? != b'{' {
        reader.skip_value()?;
        return Err(schema_error("Schema must contain 'type' field"));
    }
    reader.enter()?;
    let mut parts = Parts {
        depth: reader.depth(),
        ..Parts::default()
    };
    let mut more = reader.object_first()?;
    while more {
        let key = reader.key()?;
        match key.as_bytes() {
            b"type" => parts.ty = text(reader)?,
            b"optional" => parts.optional = boolean(reader)?,
            b"name" => parts.name = text(reader)?,
            b"version" => parts.version = int(reader)?,
            b"doc" => parts.doc = text(reader)?,
            b"parameters" => parts.parameters = parameters(reader)?,
            b"field" => parts.field = text(reader)?,
            b"items" => parts.items = Some(position(reader)?),
            b"keys" => parts.keys = Some(position(reader)?),
            b"values" => parts.values = Some(position(reader)?),
            b"fields" => parts.fields = Some(position(reader)?),
            b"default" => parts.default = Some(position(reader)?),
            _ => reader.skip_value()?,
        }
        more = reader.object_next()?;
    }
    Ok(parts)
}

/// The position of the next value, which is skipped.
fn position(reader: &mut Reader<'_>) -> Result<usize> {
    reader.peek_some()?;
    let at = reader.position();
    reader.skip_value()?;
    Ok(at)
}

/// True only for the JSON literal `true`, as Kafka's `isBoolean() && booleanValue()`.
fn boolean(reader: &mut Reader<'_>) -> Result<bool> {
    if reader.peek_some()? == b't' {
        reader.literal(b"true")?;
        Ok(true)
    } else {
        reader.skip_value().map(|()| false)
    }
}

/// A string member; other JSON types are ignored as Kafka ignores them.
fn text(reader: &mut Reader<'_>) -> Result<Option<String>> {
    if reader.peek_some()? == b'"' {
        Ok(Some(reader.string()?.as_str().to_owned()))
    } else {
        reader.skip_value().map(|()| None)
    }
}

/// An integral member, truncated to `int` as Jackson's `intValue()` does.
fn int(reader: &mut Reader<'_>) -> Result<Option<i32>> {
    if matches!(reader.peek_some()?, b'-' | b'0'..=b'9') {
        let number = reader.number()?;
        Ok(number.int.map(|n| n as i32))
    } else {
        reader.skip_value().map(|()| None)
    }
}

fn parameters(reader: &mut Reader<'_>) -> Result<Option<IndexMap<String, String>>> {
    if reader.peek_some()? != b'{' {
        return reader.skip_value().map(|()| None);
    }
    reader.enter()?;
    let mut parameters = IndexMap::new();
    let mut more = reader.object_first()?;
    while more {
        let key = reader.string()?.as_str().to_owned();
        reader.expect(b':', "':'")?;
        let value = text(reader)?
            .ok_or_else(|| schema_error("Schema parameters must have string values."))?;
        parameters.insert(key, value);
        more = reader.object_next()?;
    }
    Ok(Some(parameters))
}

fn build(parts: Parts, input: &Bytes, replace_null: bool) -> Result<SchemaRef> {
    let nested = |at: Option<usize>, missing: &str| -> Result<SchemaRef> {
        let at = at.ok_or_else(|| schema_error(missing))?;
        let mut reader = Reader::at(input, at, parts.depth);
        if reader.peek() == Some(b'n') {
            return Err(schema_error(missing));
        }
        parse_schema(&mut reader, replace_null)
    };
    let ty_name = parts
        .ty
        .as_deref()
        .ok_or_else(|| schema_error("Schema must contain 'type' field"))?;
    let ty = match ty_name {
        "boolean" => Type::Boolean,
        "int8" => Type::Int8,
        "int16" => Type::Int16,
        "int32" => Type::Int32,
        "int64" => Type::Int64,
        "float" => Type::Float32,
        "double" => Type::Float64,
        "string" => Type::String,
        "bytes" => Type::Bytes,
        "array" => Type::Array(nested(
            parts.items,
            "Array schema did not specify the element type",
        )?),
        "map" => Type::Map {
            key: nested(parts.keys, "Map schema did not specify the key type")?,
            value: nested(parts.values, "Map schema did not specify the value type")?,
        },
        "struct" => Type::Struct(fields(input, parts.fields, parts.depth, replace_null)?),
        other => return Err(schema_error(format!("Unknown schema type: {other}"))),
    };
    let mut schema = Schema {
        ty,
        optional: parts.optional,
        default: None,
        name: parts.name,
        version: parts.version,
        doc: parts.doc,
        parameters: parts.parameters,
    };
    if let Some(at) = parts.default {
        let without_default = Arc::new(schema.clone());
        let plan = Plan::compile(&without_default);
        let mut reader = Reader::at(input, at, parts.depth);
        let default = Decoder {
            reader: &mut reader,
            replace_null_with_default: replace_null,
        }
        .value(&plan)?;
        schema.default = Some(default).filter(|d| !d.is_null());
    }
    Ok(Arc::new(schema))
}

fn fields(input: &Bytes, at: Option<usize>, depth: usize, replace: bool) -> Result<Vec<Field>> {
    let not_array = || schema_error("Struct schema's \"fields\" argument is not an array.");
    let mut reader = Reader::at(input, at.ok_or_else(not_array)?, depth);
    if reader.peek_some()? != b'[' {
        return Err(not_array());
    }
    reader.enter()?;
    let mut fields: Vec<Field> = Vec::new();
    let mut more = reader.array_first()?;
    while more {
        let mut parts = read_parts(&mut reader)?;
        let name = parts
            .field
            .take()
            .ok_or_else(|| schema_error("Struct schema's field name not specified properly"))?;
        if fields.iter().any(|field| field.name == name) {
            return Err(schema_error(format!(
                "Cannot create field because of field name duplication {name}"
            )));
        }
        let schema = build(parts, input, replace)?;
        fields.push(Field {
            name,
            index: fields.len(),
            schema,
        });
        more = reader.array_next()?;
    }
    Ok(fields)
}
