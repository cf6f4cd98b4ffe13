//! The Connect schemas of compiled plans, following Confluent's `ProtobufData` (see the
//! mapping table in the module docs of [`super`]).

use std::collections::HashMap;

use super::plan::{Card, FieldPlan, Kind, Plans};
use super::{
    DECIMAL_PRECISION_PARAMETER, ENUM_PARAMETER, MAX_DEPTH, MAX_RECURSIVE_DEPTH, TAG_PARAMETER,
    UNION_PREFIX,
};
use crate::schema::{Schema, SchemaRef};

/// Builds Connect schemas; a message's schema depends on its depth only when recursion is cut.
pub(super) struct SchemaBuilder<'a> {
    pub plans: &'a Plans,
    pub oneofs: &'a [Vec<String>],
    pub recursive: Vec<bool>,
    pub memo: HashMap<(usize, usize), SchemaRef>,
    /// `wrapper.for.nullables`: only message, enum, repeated and map fields are optional.
    pub wrappers: bool,
}

/// Per message, whether it can contain itself.
pub(super) fn recursive_messages(plans: &Plans) -> Vec<bool> {
    let children = |id: usize| {
        plans.messages[id]
            .fields
            .iter()
            .filter_map(|f| match f.kind {
                Kind::Message(child) => Some(child),
                _ => None,
            })
    };
    (0..plans.messages.len())
        .map(|start| {
            let mut seen = vec![false; plans.messages.len()];
            let mut stack: Vec<usize> = children(start).collect();
            while let Some(id) = stack.pop() {
                if id == start {
                    return true;
                }
                if !std::mem::replace(&mut seen[id], true) {
                    stack.extend(children(id));
                }
            }
            false
        })
        .collect()
}

impl SchemaBuilder<'_> {
    /// The struct schema of message `id` at nesting `depth`.
    pub(super) fn message(&mut self, id: usize, depth: usize) -> SchemaRef {
        if let Some(schema) = self.memo.get(&(id, depth)) {
            return schema.clone();
        }
        let plan = &self.plans.messages[id];
        let oneofs = &self.oneofs[id];
        let mut slots: Vec<Option<(String, Schema)>> = vec![None; plan.template.len()];
        let limit = if self.recursive[id] {
            MAX_RECURSIVE_DEPTH
        } else {
            MAX_DEPTH
        };
        if depth < limit {
            let mut unions: Vec<Vec<(String, SchemaRef)>> = vec![Vec::new(); oneofs.len()];
            for field in &plan.fields {
                let schema = self.field(field, depth);
                match field.member {
                    Some(_) => unions[field.slot].push((field.name.clone(), schema.into_ref())),
                    None => slots[field.slot] = Some((field.name.clone(), schema)),
                }
            }
            for ((name, members), slot) in oneofs.iter().zip(unions).zip(&mut slots) {
                let oneof = name.rsplit_once('_').map_or(name.as_str(), |(n, _)| n);
                let union = Schema::structure(members)
                    .with_name(format!("{UNION_PREFIX}{oneof}"))
                    .optional();
                *slot = Some((name.clone(), union));
            }
        }
        let fields = slots.into_iter().flatten().map(|(n, s)| (n, s.into_ref()));
        let schema = Schema::structure(fields)
            .with_name(plan.full_name.clone())
            .into_ref();
        self.memo.insert((id, depth), schema.clone());
        schema
    }

    fn field(&mut self, field: &FieldPlan, depth: usize) -> Schema {
        // Confluent marks message and enum schemas optional; other fields too unless
        // wrapper.for.nullables is set.
        let wrappers = self.wrappers;
        let tagged = |schema: Schema, kind: Option<Kind>, tag: u32| {
            let optional = match kind {
                Some(kind) => !wrappers || kind.is_message() || matches!(kind, Kind::Enum(_)),
                None => true,
            };
            let schema = if optional { schema.optional() } else { schema };
            schema.with_parameter(TAG_PARAMETER, tag.to_string())
        };
        let base = self.kind(field.kind, depth);
        let (schema, kind) = match field.card {
            Card::Implicit | Card::Explicit => (base, Some(field.kind)),
            Card::Repeated { .. } => (Schema::array(base.optional().into_ref()), None),
            Card::Map { key } => (
                Schema::map(
                    tagged(self.kind(key, depth), Some(key), 1).into_ref(),
                    tagged(base, Some(field.kind), 2).into_ref(),
                )
                .with_name(map_name(&field.name)),
                None,
            ),
        };
        tagged(schema, kind, field.number)
    }

    fn kind(&mut self, kind: Kind, depth: usize) -> Schema {
        match kind {
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Schema::int32(),
            Kind::Narrow { bits: 8, .. } => Schema::int8(),
            Kind::Narrow { .. } => Schema::int16(),
            Kind::Int64
            | Kind::Uint64
            | Kind::Fixed64
            | Kind::Sint64
            | Kind::Sfixed64
            | Kind::Uint32
            | Kind::Fixed32 => Schema::int64(),
            Kind::Float => Schema::float32(),
            Kind::Double => Schema::float64(),
            Kind::Bool => Schema::boolean(),
            Kind::String => Schema::string(),
            Kind::Bytes => Schema::bytes(),
            Kind::Timestamp => Schema::timestamp(),
            Kind::Decimal { scale, precision } => {
                let schema = Schema::decimal(scale);
                match precision {
                    Some(precision) => {
                        schema.with_parameter(DECIMAL_PRECISION_PARAMETER, precision.to_string())
                    }
                    None => schema,
                }
            }
            Kind::Date => Schema::date(),
            Kind::Time => Schema::time(),
            Kind::Wrapper(wrapped) => self.kind(wrapped.kind(), depth),
            Kind::Enum(e) => {
                let plan = &self.plans.enums[e];
                let mut schema = Schema::string()
                    .with_name(plan.name.clone())
                    .with_parameter(ENUM_PARAMETER, plan.name.clone());
                for (symbol, number) in &plan.declared {
                    schema = schema
                        .with_parameter(format!("{ENUM_PARAMETER}.{symbol}"), number.to_string());
                }
                schema
            }
            Kind::Message(id) => (*self.message(id, depth + 1)).clone(),
        }
    }
}

/// Confluent's name for a map schema: the entry message's name without `Entry`, in
/// lower_underscore (`AttributesEntry` → `attributes`); here derived from the field name.
fn map_name(field: &str) -> String {
    let mut name = String::with_capacity(field.len() + 4);
    for (i, c) in field.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}
