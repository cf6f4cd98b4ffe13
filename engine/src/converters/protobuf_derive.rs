//! Confluent's `ProtobufData.fromConnectSchema`: the proto3 file `ProtobufConverter` registers
//! for a Connect `STRUCT` schema when it writes a record whose schema is not registered yet.
//!
//! # Mapping (as Confluent's, with its default `ProtobufDataConfig`)
//!
//! | Connect | protobuf |
//! |---|---|
//! | the top-level `STRUCT` named `a.b.C` | `package a.b;` and `message C`; unnamed structs and maps are named `ConnectDefault1`, `ConnectDefault2`, … in the order met |
//! | a field | field number from the `io.confluent.connect.protobuf.Tag` parameter, else the next of 1, 2, … |
//! | `INT8`, `INT16` | `int32` with the field option `[(confluent.field_meta) = { params: [{ key: "connect.type", value: "int8" }] }]` (or `"int16"`) |
//! | `INT32` | `int32` (`sint32`/`sfixed32` when `io.confluent.connect.protobuf.Type` says so) |
//! | `INT64` | `int64` (or the `io.confluent.connect.protobuf.Type` parameter's `uint32`, `uint64`, `fixed32`, `fixed64`, `sint64`, `sfixed64`) |
//! | `FLOAT32`, `FLOAT64`, `BOOLEAN`, `STRING`, `BYTES` | `float`, `double`, `bool`, `string`, `bytes` |
//! | `STRING` with `io.confluent.connect.protobuf.Enum` parameters | an `enum` nested in the message |
//! | `ARRAY` of T | `repeated T` |
//! | `MAP` named `m` | `repeated MEntry f` with a nested `message MEntry { K key = 1; V value = 2; }` (`m_n` → `MN`) |
//! | nested `STRUCT` named `x.Y` | a message `Y` nested in the enclosing one (`YMessage` when a field is also called `Y`) |
//! | `STRUCT` named `io.confluent.connect.protobuf.Union.o` | `oneof o`, its members numbered by their `Tag` parameters |
//! | `Timestamp` | `google.protobuf.Timestamp` |
//! | `Date` | `google.type.Date` (year of era, month, day of the UTC day in Java's calendar, Julian before 1582-10-15) |
//! | `Time` | `google.type.TimeOfDay` (0 ..= 86 400 000 ms, as Confluent accepts) |
//! | `Decimal` | `confluent.type.Decimal` (the value's unscaled bytes, its precision in digits and its scale, as Confluent's `DecimalUtils`) with the field option `[(confluent.field_meta) = { params: [...] }]` holding `precision` (the `connect.decimal.precision` parameter, when present) and `scale` |
//! | optional field | a plain proto3 field (a null is not written and reads back as the default); with `optional.for.nullables=true`, a proto3 `optional` field (reads back as null) |
//! | optional primitive field, with `wrapper.for.nullables=true` | `google.protobuf.Int32Value` (`INT8`, `INT16`, `INT32`), `Int64Value` (`INT64`; `UInt32Value` / `UInt64Value` when the `Type` parameter is `uint32`/`fixed32` / `uint64`/`fixed64`), `FloatValue`, `DoubleValue`, `BoolValue`, `StringValue` (not enums), `BytesValue`, importing `google/protobuf/wrappers.proto`; the reader gives wrappers optional schemas and other primitive fields required ones, as Confluent's |
//!
//! The logical types' files (`google/protobuf/timestamp.proto`, `google/type/date.proto`,
//! `google/type/timeofday.proto`, `confluent/type/decimal.proto`) are imported in the order the
//! fields first use them and are not registered as references: Confluent's `ProtobufSchema` knows
//! them, and its serializer skips them (`skip.known.types=true`, the default). Like Confluent,
//! the text uses `(confluent.field_meta)` without importing `confluent/meta.proto`.
//!
//! The text is rendered as Confluent's `ProtobufSchema.canonicalString()` renders it: `syntax`,
//! `package`, imports, then the message with its fields, oneofs and nested types in that order.
//!
//! # Not reproduced (each is an error naming the field, not a silent difference)
//!
//! - A non-`STRUCT` top-level schema (Confluent writes wrapper messages such as
//!   `google.protobuf.Int32Value`).
//! - Arrays of arrays (Confluent fails too), arrays of maps, maps whose keys are not primitive
//!   (logical types included) and maps whose values are arrays or maps: Confluent writes them,
//!   but they read back as something else (a map, or an array of entry structs).
//! - Maps whose values are Decimals with a scale other than 0 or a precision: Confluent writes
//!   no `(confluent.field_meta)` on map entries, so they read back as scale 0.
//! - Decimals whose `scale` (or `connect.decimal.precision`) parameter is missing or not an
//!   int written as Java writes it: Confluent reads such a parameter back as 0 (or drops it).
//! - A union member without a `Tag` parameter (Confluent numbers it 0, which protobuf rejects), a
//!   union after a struct's other fields (the codec lays oneofs out first, as Confluent's reader
//!   does), and a nested struct sharing its enclosing message's name (Confluent turns it into a
//!   self-reference).
//!
//! Other differences, as in Confluent: `INT8`/`INT16` map keys and values, and optional ones
//! wrapped by `wrapper.for.nullables`, read back as `INT32` (map entries carry no
//! `(confluent.field_meta)`, and the reader does not narrow wrappers); Connect default values
//! and docs are not rendered (proto3 has no defaults, and Confluent drops them too).

use sluice_codecs::protobuf::{ENUM_PARAMETER, TAG_PARAMETER, UNION_PREFIX};
use sluice_codecs::{Schema, SchemaType, Type};

use super::protobuf_logical::{
    DECIMAL_TYPE, WRAPPERS_FILE, field_meta, logical_type, wrapper_type,
};
use super::protobuf_names::{
    check_json_names, check_tags, enumeration, is_identifier, map_entry_name, parse_tag, scrub,
};
use super::protobuf_render::{FieldDef, Message, Oneof, ProtoFile, render};

/// Name prefix of structs with no name, numbered from 1.
const DEFAULT_NAME: &str = "ConnectDefault";
/// Connect parameter that keeps a protobuf integer's exact type.
const TYPE_PARAMETER: &str = "io.confluent.connect.protobuf.Type";
/// The `ProtobufData` settings that change a derived schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeriveOptions {
    /// `optional.for.nullables`: optional Connect fields become proto3 `optional` fields.
    pub optional_for_nullables: bool,
    /// `scrub.invalid.names`: names that are not protobuf identifiers are rewritten.
    pub scrub_invalid_names: bool,
    /// `wrapper.for.nullables`: optional primitive fields become `google.protobuf.*Value`
    /// wrapper messages.
    pub wrapper_for_nullables: bool,
}

/// A derived `.proto` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DerivedProto {
    /// The file, as it is registered.
    pub text: String,
    /// Full name of its top-level message (`package.Name`).
    pub full_name: String,
}

/// Why no `.proto` schema can be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DeriveError {
    /// Only structs become messages.
    #[error("ProtobufConverter derives .proto schemas only for STRUCT schemas, not {0}")]
    NotAStruct(SchemaType),
    /// A name is not a protobuf identifier.
    #[error(
        "cannot derive a .proto schema: `{name}` (for {what}) is not a valid protobuf name{hint}"
    )]
    InvalidName {
        /// What the name is for.
        what: String,
        /// The name.
        name: String,
        /// What the user can do about it, if anything.
        hint: &'static str,
    },
    /// A field whose schema has no protobuf form this converter can write and read back.
    #[error("cannot derive a .proto schema for field `{field}`: {reason}")]
    Field {
        /// Dotted path of the field from the top-level struct.
        field: String,
        /// Why.
        reason: String,
    },
}

/// Derives the `.proto` file for a Connect `STRUCT` schema.
pub(crate) fn derive(schema: &Schema, options: DeriveOptions) -> Result<DerivedProto, DeriveError> {
    if !matches!(schema.ty, Type::Struct(_)) {
        return Err(DeriveError::NotAStruct(schema.schema_type()));
    }
    let mut deriver = Deriver {
        options,
        defaults: 0,
        imports: Vec::new(),
    };
    let full_name = deriver.name_or_default(schema.name.as_deref());
    let (package, name) = match full_name.rsplit_once('.') {
        Some((package, name)) => (Some(package.to_owned()), name),
        None => (None, full_name.as_str()),
    };
    if let Some(package) = &package
        && !package.split('.').all(is_identifier)
    {
        return Err(DeriveError::InvalidName {
            what: "the package of the top-level struct".into(),
            name: package.clone(),
            hint: " (scrub.invalid.names does not rewrite packages, as in Confluent)",
        });
    }
    let name = deriver.identifier(name, "the top-level struct")?;
    let message = deriver.message(name.clone(), schema, "")?;
    let file = ProtoFile {
        package,
        imports: deriver.imports,
        message,
    };
    let full_name = match &file.package {
        Some(package) => format!("{package}.{name}"),
        None => name,
    };
    Ok(DerivedProto {
        text: render(&file),
        full_name,
    })
}

struct Deriver {
    options: DeriveOptions,
    /// How many default names have been given out.
    defaults: u32,
    imports: Vec<&'static str>,
}

/// Where a field goes: Confluent's per-field context.
struct Site<'p> {
    name: String,
    tag: i32,
    path: &'p str,
}

impl Deriver {
    fn name_or_default(&mut self, name: Option<&str>) -> String {
        match name {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => {
                self.defaults += 1;
                format!("{DEFAULT_NAME}{}", self.defaults)
            }
        }
    }

    /// Confluent's `getUnqualifiedName`: the last component of the name (or a default name),
    /// scrubbed or checked.
    fn unqualified(&mut self, name: Option<&str>, what: &str) -> Result<String, DeriveError> {
        let full = self.name_or_default(name);
        let last = full.rsplit('.').next().unwrap_or_default();
        self.identifier(last, what)
    }

    /// `name` itself, or scrubbed with `scrub.invalid.names`; an error if it is not a protobuf
    /// identifier either way.
    fn identifier(&self, name: &str, what: &str) -> Result<String, DeriveError> {
        let name = if self.options.scrub_invalid_names {
            scrub(name)
        } else {
            name.to_owned()
        };
        if is_identifier(&name) {
            Ok(name)
        } else {
            Err(DeriveError::InvalidName {
                what: what.to_owned(),
                name,
                hint: if self.options.scrub_invalid_names {
                    ""
                } else {
                    "; set scrub.invalid.names=true to rewrite it"
                },
            })
        }
    }

    fn import(&mut self, file: &'static str) {
        if !self.imports.contains(&file) {
            self.imports.push(file);
        }
    }

    /// Confluent's `messageDefinitionFromConnectSchema`.
    fn message<'a>(
        &mut self,
        name: String,
        schema: &'a Schema,
        path: &str,
    ) -> Result<Message<'a>, DeriveError> {
        let mut message = Message::new(name);
        let mut next = 1;
        let mut regular_seen = false;
        for field in schema.fields() {
            let path = join(path, &field.name);
            let tag = match field.schema.parameter(TAG_PARAMETER) {
                Some(tag) => parse_tag(tag, &path)?,
                None => {
                    next += 1;
                    next - 1
                }
            };
            let union = is_union(&field.schema);
            if union && regular_seen {
                return Err(field_error(
                    &path,
                    "a union (oneof) must come before the struct's other fields, where the protobuf codec and Confluent's reader put it",
                ));
            }
            regular_seen |= !union;
            let name = self.identifier(&field.name, &format!("field `{path}`"))?;
            let site = Site {
                name,
                tag,
                path: &path,
            };
            if let Some(def) = self.field(&mut message, &field.schema, site)? {
                message.fields.push(def);
            }
        }
        check_tags(&message, path)?;
        check_json_names(&message, path)?;
        Ok(message)
    }

    /// Confluent's `fieldDefinitionFromConnectSchema`: the field's line, or `None` for a union,
    /// which becomes a oneof of `parent`; nested types are declared in `parent`.
    fn field<'a>(
        &mut self,
        parent: &mut Message<'a>,
        schema: &'a Schema,
        site: Site<'_>,
    ) -> Result<Option<FieldDef>, DeriveError> {
        let path = site.path;
        let (label, schema) = self.label(schema, path)?;
        let ty = self.data_type(schema, &site.name, path)?;
        match &schema.ty {
            Type::Struct(_) if is_union(schema) => {
                if label == Some("repeated") {
                    return Err(field_error(path, "an array of unions has no protobuf form"));
                }
                let union = schema.name.as_deref().unwrap_or_default();
                let name = union.strip_prefix(UNION_PREFIX).unwrap_or(union);
                let name = self.unqualified(Some(name), &format!("the oneof of `{path}`"))?;
                self.oneof(parent, schema, name, path)?;
                return Ok(None);
            }
            Type::Struct(_) => self.nested(parent, schema, &ty, path)?,
            Type::Map { key, value } => {
                let entry = self.map_entry(ty.clone(), key, value, path)?;
                if parent.messages.iter().any(|m| m.name == entry.name) {
                    return Err(field_error(
                        path,
                        format!("another map of {} already declares `{}`", parent.name, ty),
                    ));
                }
                parent.messages.push(entry);
            }
            _ if schema.parameter(ENUM_PARAMETER).is_some() => {
                let name =
                    self.unqualified(schema.name.as_deref(), &format!("the enum of `{path}`"))?;
                if name != ty {
                    return Err(field_error(
                        path,
                        format!(
                            "the enum schema is named `{name}` but its {ENUM_PARAMETER} parameter says `{ty}`"
                        ),
                    ));
                }
                if !parent.enums.iter().any(|e| e.name == name) {
                    parent.enums.push(enumeration(name, schema, path)?);
                }
            }
            _ => {
                if let Some((_, file)) = logical_type(schema.name.as_deref()) {
                    self.import(file);
                } else if ty.starts_with("google.protobuf.") {
                    self.import(WRAPPERS_FILE);
                }
            }
        }
        let params = field_meta(schema, &ty, path)?;
        Ok(Some(FieldDef {
            label,
            ty,
            name: site.name,
            tag: site.tag,
            params,
        }))
    }

    /// The field's label, and the schema its type comes from (an array's elements).
    fn label<'a>(
        &self,
        schema: &'a Schema,
        path: &str,
    ) -> Result<(Option<&'static str>, &'a Schema), DeriveError> {
        Ok(match &schema.ty {
            Type::Array(items) => {
                match items.ty {
                    Type::Array(_) => {
                        return Err(field_error(path, "an array of arrays has no protobuf form"));
                    }
                    Type::Map { .. } => {
                        return Err(field_error(
                            path,
                            "an array of maps would read back as a single map",
                        ));
                    }
                    _ => {}
                }
                (Some("repeated"), &**items)
            }
            Type::Map { .. } => (Some("repeated"), schema),
            _ if self.options.optional_for_nullables && schema.optional => {
                (Some("optional"), schema)
            }
            _ => (None, schema),
        })
    }

    /// Declares the message for a nested struct in `parent`, unless it is declared there.
    fn nested<'a>(
        &mut self,
        parent: &mut Message<'a>,
        schema: &'a Schema,
        ty: &str,
        path: &str,
    ) -> Result<(), DeriveError> {
        if parent.name == ty {
            return Err(field_error(
                path,
                format!(
                    "its struct has the name of the enclosing message `{ty}`; Confluent would make the field refer to that message"
                ),
            ));
        }
        match parent.declared.iter().find(|(name, _)| name == ty) {
            Some((_, declared)) if *declared == schema => Ok(()),
            Some(_) => Err(field_error(
                path,
                format!(
                    "a different struct named `{ty}` is already declared in message {}",
                    parent.name
                ),
            )),
            None => {
                parent.declared.push((ty.to_owned(), schema));
                let message = self.message(ty.to_owned(), schema, path)?;
                parent.messages.push(message);
                Ok(())
            }
        }
    }

    /// Confluent's `mapDefinitionFromConnectSchema`: the entry message of a map.
    fn map_entry<'a>(
        &mut self,
        name: String,
        key: &'a Schema,
        value: &'a Schema,
        path: &str,
    ) -> Result<Message<'a>, DeriveError> {
        if !key.ty.tag().is_primitive() || logical_type(key.name.as_deref()).is_some() {
            return Err(field_error(
                path,
                "map keys must be of a primitive type to read back as a map",
            ));
        }
        if matches!(value.ty, Type::Array(_) | Type::Map { .. }) || is_union(value) {
            return Err(field_error(
                path,
                "map values that are arrays, maps or unions would not read back as a map",
            ));
        }
        let mut entry = Message::new(name);
        for (name, schema, tag) in [("key", key, 1), ("value", value, 2)] {
            let path = join(path, name);
            let site = Site {
                name: name.to_owned(),
                tag,
                path: &path,
            };
            if let Some(mut def) = self.field(&mut entry, schema, site)? {
                // An entry's fields have no label and no field_meta in the file Confluent
                // registers, so a Decimal value reads back with scale 0 and no precision.
                if def.ty == DECIMAL_TYPE && def.params != [("scale", "0".to_owned())] {
                    return Err(field_error(
                        &path,
                        "a Decimal map value other than scale 0 without precision reads back as scale 0 (Confluent writes no field_meta for map entries)",
                    ));
                }
                def.label = None;
                def.params.clear();
                entry.fields.push(def);
            }
        }
        Ok(entry)
    }

    /// Confluent's `oneofDefinitionFromConnectSchema`.
    fn oneof<'a>(
        &mut self,
        parent: &mut Message<'a>,
        union: &'a Schema,
        name: String,
        path: &str,
    ) -> Result<(), DeriveError> {
        let mut fields = Vec::new();
        for member in union.fields() {
            let path = join(path, &member.name);
            let tag = member
                .schema
                .parameter(TAG_PARAMETER)
                .ok_or_else(|| {
                    field_error(
                        &path,
                        format!(
                            "a union member needs a {TAG_PARAMETER} parameter for its field number"
                        ),
                    )
                })
                .and_then(|tag| parse_tag(tag, &path))?;
            if matches!(member.schema.ty, Type::Array(_) | Type::Map { .. })
                || is_union(&member.schema)
            {
                return Err(field_error(
                    &path,
                    "a oneof member cannot be an array, a map or a union",
                ));
            }
            let site = Site {
                name: self.identifier(&member.name, &format!("field `{path}`"))?,
                tag,
                path: &path,
            };
            if let Some(mut def) = self.field(parent, &member.schema, site)? {
                def.label = None;
                fields.push(def);
            }
        }
        if fields.is_empty() {
            return Err(field_error(
                path,
                "a union without members has no protobuf form",
            ));
        }
        parent.oneofs.push(Oneof { name, fields });
        Ok(())
    }

    /// Confluent's `dataTypeFromConnectSchema`: the type written in the field's line.
    fn data_type(
        &mut self,
        schema: &Schema,
        field: &str,
        path: &str,
    ) -> Result<String, DeriveError> {
        if let Some((ty, _)) = logical_type(schema.name.as_deref()) {
            return Ok(ty.to_owned());
        }
        let exact = |allowed: &[&str], default: &str| match schema.parameter(TYPE_PARAMETER) {
            None => Ok(default.to_owned()),
            Some(ty) if allowed.contains(&ty) => Ok(ty.to_owned()),
            Some(ty) => Err(field_error(
                path,
                format!(
                    "{TYPE_PARAMETER}={ty} does not fit a {} schema",
                    schema.schema_type()
                ),
            )),
        };
        let primitive = match &schema.ty {
            Type::Int8 | Type::Int16 => Ok("int32".to_owned()),
            Type::Int32 => exact(&["int32", "sint32", "sfixed32"], "int32"),
            Type::Int64 => exact(
                &[
                    "int64", "uint32", "fixed32", "uint64", "fixed64", "sint64", "sfixed64",
                ],
                "int64",
            ),
            Type::Float32 => Ok("float".to_owned()),
            Type::Float64 => Ok("double".to_owned()),
            Type::Boolean => Ok("bool".to_owned()),
            Type::String => match schema.parameter(ENUM_PARAMETER) {
                Some(name) => Ok(name.to_owned()),
                None => Ok("string".to_owned()),
            },
            Type::Bytes => Ok("bytes".to_owned()),
            _ => Err(field_error(path, "not a primitive")),
        };
        if schema.ty.tag().is_primitive() {
            let ty = primitive?;
            return Ok(match wrapper_type(schema, &ty) {
                Some(wrapper) if self.options.wrapper_for_nullables && schema.optional => {
                    wrapper.to_owned()
                }
                _ => ty,
            });
        }
        match &schema.ty {
            Type::Array(_) => Err(field_error(path, "an array of arrays has no protobuf form")),
            Type::Map { .. } => {
                let name =
                    self.unqualified(schema.name.as_deref(), &format!("the map of `{path}`"))?;
                Ok(map_entry_name(&name))
            }
            Type::Struct(_) => {
                let name =
                    self.unqualified(schema.name.as_deref(), &format!("the struct of `{path}`"))?;
                Ok(if name == field {
                    // A message type and a field cannot share a name.
                    format!("{name}Message")
                } else {
                    name
                })
            }
            _ => Err(field_error(path, "not a container")),
        }
    }
}

fn is_union(schema: &Schema) -> bool {
    matches!(schema.ty, Type::Struct(_))
        && schema
            .name
            .as_deref()
            .is_some_and(|name| name.starts_with(UNION_PREFIX))
}

pub(super) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

pub(super) fn field_error(path: &str, reason: impl Into<String>) -> DeriveError {
    DeriveError::Field {
        field: path.to_owned(),
        reason: reason.into(),
    }
}

#[cfg(test)]
#[path = "protobuf_derive_tests.rs"]
mod tests;
