//! Compiled per-message plans: for each message reachable from the selected one, its fields by
//! number with slot, wire type and Connect schema, in a table indexed by message.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use prost_types::field_descriptor_proto::{Label, Type as ProtoType};
use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

use super::ProtobufError;
use super::connect::{SchemaBuilder, recursive_messages};
use super::descriptor::{Index, Syntax};
pub(super) use super::kind::{
    Card, EGROUP, I32, I64, Int32Wire, Kind, LEN, SGROUP, VARINT, Wrapped,
};
use crate::schema::SchemaRef;
use crate::str::Str;
use crate::value::Value;

const TIMESTAMP_MESSAGE: &str = "google.protobuf.Timestamp";
const DECIMAL_MESSAGE: &str = "confluent.type.Decimal";
const DATE_MESSAGE: &str = "google.type.Date";
const TIME_MESSAGE: &str = "google.type.TimeOfDay";
/// The `(confluent.field_meta)` parameters of a Decimal field.
const DECIMAL_SCALE_META: &str = "scale";
const DECIMAL_PRECISION_META: &str = "precision";
/// The `(confluent.field_meta)` parameter that marks a Connect `INT8` or `INT16` field.
const CONNECT_TYPE_META: &str = "connect.type";
const DENSE_LOOKUP_LIMIT: u32 = 2048;

/// One field of a message plan.
#[derive(Debug, Clone)]
pub(super) struct FieldPlan {
    pub number: u32,
    pub name: String,
    pub kind: Kind,
    pub card: Card,
    /// Position in the Connect struct; for a oneof member, the union's position.
    pub slot: usize,
    /// For a oneof member, its position in the union struct.
    pub member: Option<usize>,
}

/// A message's fields, by number.
#[derive(Debug)]
pub(super) struct MessagePlan {
    pub full_name: String,
    pub fields: Vec<FieldPlan>,
    /// Field positions sorted by number: the encoder's order.
    pub encode_order: Vec<usize>,
    dense: Vec<u32>,
    sparse: Vec<(u32, u32)>,
    /// What a decoded struct holds before any field is read.
    pub template: Vec<Value>,
}

impl MessagePlan {
    /// The field with `number`, if the message declares one.
    #[inline]
    pub(super) fn field(&self, number: u32) -> Option<&FieldPlan> {
        let position = if let Some(&entry) = self.dense.get(number as usize) {
            entry.checked_sub(1)?
        } else {
            let at = self.sparse.binary_search_by_key(&number, |e| e.0).ok()?;
            self.sparse[at].1
        };
        self.fields.get(position as usize)
    }
}

/// An enum's symbols.
#[derive(Debug)]
pub(super) struct EnumPlan {
    pub name: String,
    /// `(number, symbol)` sorted by number; the first declared symbol of a number wins.
    pub by_number: Vec<(i32, Str)>,
    pub by_symbol: HashMap<String, i32>,
    /// `(symbol, number)` in declaration order.
    pub declared: Vec<(String, i32)>,
    pub default: Str,
}

impl EnumPlan {
    /// The symbol of `number`, or protobuf-java's name for an unknown number.
    pub(super) fn symbol(&self, number: i32) -> Str {
        match self.by_number.binary_search_by_key(&number, |e| e.0) {
            Ok(at) => self.by_number[at].1.clone(),
            Err(_) => Str::from(format!("UNKNOWN_ENUM_VALUE_{}_{number}", self.name)),
        }
    }

    /// The number of `symbol`, accepting the unknown-number form [`Self::symbol`] produces.
    pub(super) fn number(&self, symbol: &str) -> Option<i32> {
        if let Some(&number) = self.by_symbol.get(symbol) {
            return Some(number);
        }
        let rest = symbol.strip_prefix("UNKNOWN_ENUM_VALUE_")?;
        rest.strip_prefix(self.name.as_str())?
            .strip_prefix('_')?
            .parse()
            .ok()
    }
}

/// Every plan a codec needs.
#[derive(Debug)]
pub(super) struct Plans {
    pub messages: Vec<MessagePlan>,
    pub enums: Vec<EnumPlan>,
}

/// Decodes and encodes one protobuf message type as Connect values. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ProtobufCodec {
    pub(super) plans: Arc<Plans>,
    pub(super) root: usize,
    pub(super) schema: SchemaRef,
}

impl ProtobufCodec {
    /// The Connect schema of decoded values: a `STRUCT` named by the message's full name.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The message's full name.
    pub fn full_name(&self) -> &str {
        &self.plans.messages[self.root].full_name
    }
}

struct Builder<'a> {
    index: &'a Index<'a>,
    message_ids: HashMap<String, usize>,
    pending: Vec<(&'a DescriptorProto, Syntax)>,
    enum_ids: HashMap<String, usize>,
    enums: Vec<EnumPlan>,
    /// Per message: its real oneofs' names.
    oneofs: Vec<Vec<String>>,
}

/// Compiles the plans for the message `full_name` and everything it reaches.
pub(super) fn compile(index: &Index<'_>, full_name: &str) -> Result<ProtobufCodec, ProtobufError> {
    let mut builder = Builder {
        index,
        message_ids: HashMap::new(),
        pending: Vec::new(),
        enum_ids: HashMap::new(),
        enums: Vec::new(),
        oneofs: Vec::new(),
    };
    builder.message_id(full_name)?;
    let mut messages = Vec::new();
    while messages.len() < builder.pending.len() {
        let (descriptor, syntax) = builder.pending[messages.len()];
        let name = builder
            .message_ids
            .iter()
            .find(|(_, id)| **id == messages.len())
            .map(|(name, _)| name.clone())
            .unwrap_or_default();
        messages.push(builder.message(name, descriptor, syntax)?);
    }
    let plans = Plans {
        messages,
        enums: builder.enums,
    };
    let mut schemas = SchemaBuilder {
        plans: &plans,
        oneofs: &builder.oneofs,
        recursive: recursive_messages(&plans),
        memo: HashMap::new(),
        wrappers: index.options.wrapper_for_nullables,
    };
    let schema = schemas.message(0, 0);
    Ok(ProtobufCodec {
        plans: Arc::new(plans),
        root: 0,
        schema,
    })
}

impl<'a> Builder<'a> {
    fn message_id(&mut self, full_name: &str) -> Result<usize, ProtobufError> {
        if let Some(&id) = self.message_ids.get(full_name) {
            return Ok(id);
        }
        let &entry = self
            .index
            .messages
            .get(full_name)
            .ok_or_else(|| ProtobufError::UnknownMessage(full_name.to_owned()))?;
        let id = self.pending.len();
        self.pending.push(entry);
        self.message_ids.insert(full_name.to_owned(), id);
        Ok(id)
    }

    fn enum_id(&mut self, full_name: &str) -> Result<usize, ProtobufError> {
        if let Some(&id) = self.enum_ids.get(full_name) {
            return Ok(id);
        }
        let descriptor = *self
            .index
            .enums
            .get(full_name)
            .ok_or_else(|| ProtobufError::UnknownMessage(full_name.to_owned()))?;
        let id = self.enums.len();
        self.enums.push(enum_plan(descriptor));
        self.enum_ids.insert(full_name.to_owned(), id);
        Ok(id)
    }

    fn message(
        &mut self,
        full_name: String,
        descriptor: &'a DescriptorProto,
        syntax: Syntax,
    ) -> Result<MessagePlan, ProtobufError> {
        // Real oneofs are those with a member that is not proto3 `optional`.
        let mut real: Vec<Option<usize>> = vec![None; descriptor.oneof_decl.len()];
        let mut names = Vec::new();
        for field in &descriptor.field {
            if let Some(i) = field.oneof_index.and_then(|i| usize::try_from(i).ok())
                && !field.proto3_optional()
                && let Some(slot @ None) = real.get_mut(i)
            {
                *slot = Some(names.len());
                names.push(format!("{}_{i}", descriptor.oneof_decl[i].name()));
            }
        }
        let mut members = vec![0usize; names.len()];
        let mut next_slot = names.len();
        let mut fields = Vec::with_capacity(descriptor.field.len());
        for field in &descriptor.field {
            let union = field
                .oneof_index
                .filter(|_| !field.proto3_optional())
                .and_then(|i| real.get(usize::try_from(i).ok()?).copied().flatten());
            let (slot, member) = match union {
                Some(u) => {
                    members[u] += 1;
                    (u, Some(members[u] - 1))
                }
                None => {
                    next_slot += 1;
                    (next_slot - 1, None)
                }
            };
            fields.push(self.field(&full_name, field, syntax, slot, member)?);
        }
        self.oneofs.push(names);
        Ok(finish_message(full_name, fields, next_slot, &self.enums))
    }

    fn field(
        &mut self,
        message: &str,
        field: &FieldDescriptorProto,
        syntax: Syntax,
        slot: usize,
        member: Option<usize>,
    ) -> Result<FieldPlan, ProtobufError> {
        let unsupported = |reason| ProtobufError::UnsupportedDescriptor {
            field: format!("{message}.{}", field.name()),
            reason,
        };
        let number = u32::try_from(field.number())
            .ok()
            .filter(|n| (1..1 << 29).contains(n))
            .ok_or_else(|| unsupported("field number out of range"))?;
        let repeated = field.label() == Label::Repeated;
        let mut card = if repeated {
            let packed = match field.options.as_ref().and_then(|o| o.packed) {
                Some(packed) => packed,
                None => syntax == Syntax::Proto3,
            };
            Card::Repeated { packed }
        } else if syntax == Syntax::Proto3 && !field.proto3_optional() && member.is_none() {
            Card::Implicit
        } else {
            Card::Explicit
        };
        let kind = match field.r#type() {
            ProtoType::Message if repeated => {
                let name = type_name(field).ok_or_else(|| unsupported("no type name"))?;
                match self.map_entry(name)? {
                    Some((key, value)) => {
                        card = Card::Map { key };
                        value
                    }
                    None => self.message_kind(name, message, number)?,
                }
            }
            ProtoType::Group => return Err(unsupported("group fields are not supported")),
            _ => self.kind(message, field).map_err(unsupported)?,
        };
        if kind.is_message() && card == Card::Implicit {
            card = Card::Explicit;
        }
        Ok(FieldPlan {
            number,
            name: field.name().to_owned(),
            kind,
            card,
            slot,
            member,
        })
    }

    /// The kind of `field` of the message called `message`.
    fn kind(&mut self, message: &str, field: &FieldDescriptorProto) -> Result<Kind, &'static str> {
        Ok(match field.r#type() {
            ProtoType::Double => Kind::Double,
            ProtoType::Float => Kind::Float,
            ProtoType::Int64 => Kind::Int64,
            ProtoType::Uint64 => Kind::Uint64,
            ProtoType::Int32 => self.narrowed(message, field, Int32Wire::Int32),
            ProtoType::Fixed64 => Kind::Fixed64,
            ProtoType::Fixed32 => Kind::Fixed32,
            ProtoType::Bool => Kind::Bool,
            ProtoType::String => Kind::String,
            ProtoType::Bytes => Kind::Bytes,
            ProtoType::Uint32 => Kind::Uint32,
            ProtoType::Sfixed32 => self.narrowed(message, field, Int32Wire::Sfixed32),
            ProtoType::Sfixed64 => Kind::Sfixed64,
            ProtoType::Sint32 => self.narrowed(message, field, Int32Wire::Sint32),
            ProtoType::Sint64 => Kind::Sint64,
            ProtoType::Enum => {
                let name = type_name(field).ok_or("no type name")?;
                Kind::Enum(self.enum_id(name).map_err(|_| "unknown enum type")?)
            }
            ProtoType::Message => {
                let name = type_name(field).ok_or("no type name")?;
                let number = u32::try_from(field.number()).unwrap_or_default();
                self.message_kind(name, message, number)
                    .map_err(|_| "unknown message type")?
            }
            ProtoType::Group => return Err("group fields are not supported"),
        })
    }

    /// The kind of a 32-bit integer field: Connect `INT8` / `INT16` when its
    /// `(confluent.field_meta)` `connect.type` parameter says so, as Confluent reads it.
    fn narrowed(&self, message: &str, field: &FieldDescriptorProto, wire: Int32Wire) -> Kind {
        let number = u32::try_from(field.number()).unwrap_or_default();
        match self.index.meta.param(message, number, CONNECT_TYPE_META) {
            Some("int8") => Kind::Narrow { wire, bits: 8 },
            Some("int16") => Kind::Narrow { wire, bits: 16 },
            _ => wire.kind(),
        }
    }

    /// The kind of field `number` of `message`, whose type is the message `name`: the logical
    /// types by the message's full name, as Confluent's `ProtobufData` tells them.
    fn message_kind(
        &mut self,
        name: &str,
        message: &str,
        number: u32,
    ) -> Result<Kind, ProtobufError> {
        Ok(match name {
            TIMESTAMP_MESSAGE => Kind::Timestamp,
            DECIMAL_MESSAGE => {
                // Confluent ignores a parameter that is not an int (the scale is then 0).
                let param = |key| {
                    self.index
                        .meta
                        .param(message, number, key)
                        .and_then(|value| value.parse().ok())
                };
                Kind::Decimal {
                    scale: param(DECIMAL_SCALE_META).unwrap_or(0),
                    precision: param(DECIMAL_PRECISION_META),
                }
            }
            DATE_MESSAGE => Kind::Date,
            TIME_MESSAGE => Kind::Time,
            _ => match Wrapped::of_message(name) {
                Some(wrapped) if self.index.options.wrapper_for_nullables => Kind::Wrapper(wrapped),
                _ => Kind::Message(self.message_id(name)?),
            },
        })
    }

    /// For a map entry message, its key and value kinds.
    fn map_entry(&mut self, name: &str) -> Result<Option<(Kind, Kind)>, ProtobufError> {
        let Some(&(entry, _)) = self.index.messages.get(name) else {
            return Err(ProtobufError::UnknownMessage(name.to_owned()));
        };
        if !entry.options.as_ref().is_some_and(|o| o.map_entry()) && !confluent_map_entry(entry) {
            return Ok(None);
        }
        let bad = |reason| ProtobufError::UnsupportedDescriptor {
            field: name.to_owned(),
            reason,
        };
        let find = |number| entry.field.iter().find(|f| f.number() == number);
        let key = find(1).ok_or_else(|| bad("map entry without key"))?;
        let value = find(2).ok_or_else(|| bad("map entry without value"))?;
        let key = self.kind(name, key).map_err(bad)?;
        let value = self.kind(name, value).map_err(bad)?;
        Ok(Some((key, value)))
    }
}

/// Confluent's test for a map entry written without `map_entry` (as `ProtobufData` derives
/// them from Connect maps): a message named `…Entry` with exactly the fields `key` and `value`,
/// in that order, neither repeated.
fn confluent_map_entry(entry: &DescriptorProto) -> bool {
    let single = |field: &FieldDescriptorProto, name: &str| {
        field.name() == name && field.label() != Label::Repeated
    };
    entry.name().ends_with("Entry")
        && matches!(entry.field.as_slice(), [key, value] if single(key, "key") && single(value, "value"))
}

fn type_name(field: &FieldDescriptorProto) -> Option<&str> {
    field.type_name.as_deref()?.strip_prefix('.')
}

fn enum_plan(descriptor: &EnumDescriptorProto) -> EnumPlan {
    let mut by_number: Vec<(i32, Str)> = Vec::new();
    let mut by_symbol = HashMap::new();
    let mut declared = Vec::new();
    for value in &descriptor.value {
        declared.push((value.name().to_owned(), value.number()));
        by_symbol.insert(value.name().to_owned(), value.number());
        if !by_number.iter().any(|(n, _)| *n == value.number()) {
            by_number.push((value.number(), Str::from(value.name())));
        }
    }
    let default = by_number.first().map(|e| e.1.clone()).unwrap_or_default();
    by_number.sort_by_key(|e| e.0);
    EnumPlan {
        name: descriptor.name().to_owned(),
        by_number,
        by_symbol,
        declared,
        default,
    }
}

fn finish_message(
    full_name: String,
    fields: Vec<FieldPlan>,
    slots: usize,
    enums: &[EnumPlan],
) -> MessagePlan {
    let mut encode_order: Vec<usize> = (0..fields.len()).collect();
    encode_order.sort_by_key(|&i| fields[i].number);
    let max = fields.iter().map(|f| f.number).max().unwrap_or(0);
    let mut dense = Vec::new();
    let mut sparse = Vec::new();
    if max < DENSE_LOOKUP_LIMIT {
        dense = vec![0u32; max as usize + 1];
        for (i, field) in fields.iter().enumerate() {
            dense[field.number as usize] = i as u32 + 1;
        }
    } else {
        sparse = encode_order
            .iter()
            .map(|&i| (fields[i].number, i as u32))
            .collect();
    }
    let mut template = vec![Value::Null; slots];
    for field in fields.iter().filter(|f| f.member.is_none()) {
        template[field.slot] = match field.card {
            Card::Implicit => default_value(field.kind, enums),
            Card::Explicit => Value::Null,
            Card::Repeated { .. } => Value::Array(Vec::new()),
            Card::Map { .. } => Value::Map(Vec::new()),
        };
    }
    MessagePlan {
        full_name,
        fields,
        encode_order,
        dense,
        sparse,
        template,
    }
}

/// The value an absent field of `kind` without presence reads as.
pub(super) fn default_value(kind: Kind, enums: &[EnumPlan]) -> Value {
    match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::Int32(0),
        Kind::Narrow { bits: 8, .. } => Value::Int8(0),
        Kind::Narrow { .. } => Value::Int16(0),
        Kind::Int64
        | Kind::Uint64
        | Kind::Fixed64
        | Kind::Sint64
        | Kind::Sfixed64
        | Kind::Uint32
        | Kind::Fixed32 => Value::Int64(0),
        Kind::Float => Value::Float32(0.0),
        Kind::Double => Value::Float64(0.0),
        Kind::Bool => Value::Boolean(false),
        Kind::String => Value::String(Str::default()),
        Kind::Bytes => Value::Bytes(Bytes::new()),
        Kind::Enum(e) => Value::String(enums[e].default.clone()),
        Kind::Message(_)
        | Kind::Timestamp
        | Kind::Decimal { .. }
        | Kind::Date
        | Kind::Time
        | Kind::Wrapper(_) => Value::Null,
    }
}
