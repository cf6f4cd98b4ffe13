//! A derived `.proto` file (Confluent's `MessageDefinition` and friends) and its text, rendered
//! as Confluent's `ProtobufSchemaUtils.toString` renders it (the text
//! `ProtobufSchema.canonicalString()` gives and the serializer registers): two-space
//! indentation, fields then oneofs then nested messages then nested enums, one blank line
//! between those groups.

use sluice_codecs::Schema;

/// A message being built: Confluent's `MessageDefinition`.
#[derive(Debug)]
pub(super) struct Message<'a> {
    pub name: String,
    pub fields: Vec<FieldDef>,
    pub oneofs: Vec<Oneof>,
    pub messages: Vec<Message<'a>>,
    pub enums: Vec<EnumDef>,
    /// Struct types declared in this message, with the schema each was declared for.
    pub(super) declared: Vec<(String, &'a Schema)>,
}

/// One field line.
#[derive(Debug)]
pub(super) struct FieldDef {
    pub label: Option<&'static str>,
    pub ty: String,
    pub name: String,
    pub tag: i32,
}

/// A `oneof` and its members.
#[derive(Debug)]
pub(super) struct Oneof {
    pub name: String,
    pub fields: Vec<FieldDef>,
}

/// An `enum` and its `(symbol, number)` values.
#[derive(Debug)]
pub(super) struct EnumDef {
    pub name: String,
    pub values: Vec<(String, i32)>,
}

/// A whole file: package, imports and its one top-level message.
#[derive(Debug)]
pub(super) struct ProtoFile<'a> {
    pub package: Option<String>,
    pub imports: Vec<&'static str>,
    pub message: Message<'a>,
}

impl<'a> Message<'a> {
    pub(super) fn new(name: String) -> Self {
        Self {
            name,
            fields: Vec::new(),
            oneofs: Vec::new(),
            messages: Vec::new(),
            enums: Vec::new(),
            declared: Vec::new(),
        }
    }
}

/// The file's text.
pub(super) fn render(file: &ProtoFile<'_>) -> String {
    let mut out = String::from("syntax = \"proto3\";\n");
    if let Some(package) = &file.package {
        out.push_str("package ");
        out.push_str(package);
        out.push_str(";\n");
    }
    if !file.imports.is_empty() {
        out.push('\n');
        for import in &file.imports {
            out.push_str("import \"");
            out.push_str(import);
            out.push_str("\";\n");
        }
    }
    out.push('\n');
    out.push_str(&message(&file.message));
    out
}

fn message(message: &Message<'_>) -> String {
    let mut out = format!("message {} {{", message.name);
    if !message.fields.is_empty() {
        out.push('\n');
        for field in &message.fields {
            indented(&mut out, &field_line(field));
        }
    }
    if !message.oneofs.is_empty() {
        out.push('\n');
        for oneof in &message.oneofs {
            indented(&mut out, &oneof_block(oneof));
        }
    }
    if !message.messages.is_empty() || !message.enums.is_empty() {
        out.push('\n');
        for nested in &message.messages {
            indented(&mut out, &self::message(nested));
        }
        for enumeration in &message.enums {
            indented(&mut out, &enum_block(enumeration));
        }
    }
    out.push_str("}\n");
    out
}

fn field_line(field: &FieldDef) -> String {
    match field.label {
        Some(label) => format!("{label} {} {} = {};\n", field.ty, field.name, field.tag),
        None => format!("{} {} = {};\n", field.ty, field.name, field.tag),
    }
}

fn oneof_block(oneof: &Oneof) -> String {
    let mut out = format!("oneof {} {{", oneof.name);
    if !oneof.fields.is_empty() {
        out.push('\n');
        for field in &oneof.fields {
            indented(&mut out, &field_line(field));
        }
    }
    out.push_str("}\n");
    out
}

fn enum_block(enumeration: &EnumDef) -> String {
    let mut out = format!("enum {} {{", enumeration.name);
    if !enumeration.values.is_empty() {
        out.push('\n');
        for (symbol, number) in &enumeration.values {
            indented(&mut out, &format!("{symbol} = {number};\n"));
        }
    }
    out.push_str("}\n");
    out
}

/// Confluent's `appendIndented`: every line of `text` (trailing empty lines dropped, as Java's
/// `split` drops them) prefixed with two spaces, blank ones included.
fn indented(out: &mut String, text: &str) {
    for line in text.trim_end_matches('\n').split('\n') {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
}
