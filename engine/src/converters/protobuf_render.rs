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
    /// `(confluent.field_meta)` `params`, in the order Confluent writes them.
    pub params: Vec<(&'static str, String)>,
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
    let mut line = match field.label {
        Some(label) => format!("{label} {} {} = {}", field.ty, field.name, field.tag),
        None => format!("{} {} = {}", field.ty, field.name, field.tag),
    };
    if !field.params.is_empty() {
        line.push(' ');
        line.push_str(&field_meta(&field.params));
    }
    line.push_str(";\n");
    line
}

/// The `[(confluent.field_meta) = { params: [...] }]` option as Confluent's
/// `ProtobufSchemaUtils` formats it (`formatOptionMap`): one entry per parameter, `value` before
/// `key` for `precision` and `scale` (which Confluent keeps for backward compatibility), `key`
/// first otherwise.
fn field_meta(params: &[(&'static str, String)]) -> String {
    let mut entries = String::new();
    for (i, (key, value)) in params.iter().enumerate() {
        let value_first = matches!(*key, "precision" | "scale");
        let key = format!("key: \"{}\"", escape(key));
        let value = format!("value: \"{}\"", escape(value));
        let (first, second) = if value_first {
            (value, key)
        } else {
            (key, value)
        };
        let mut body = String::new();
        indented(&mut body, &format!("{first},"));
        indented(&mut body, &second);
        let separator = if i + 1 < params.len() { "," } else { "" };
        indented(&mut entries, &format!("{{\n{body}}}{separator}"));
    }
    let mut map = String::new();
    indented(&mut map, &format!("params: [\n{entries}]"));
    format!("[(confluent.field_meta) = {{\n{map}}}]")
}

/// Confluent's `ProtobufSchemaUtils.escapeChars`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
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
