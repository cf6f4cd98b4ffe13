//! Avro → Connect: compiles any Avro schema into a plan whose Connect schemas follow
//! Confluent's `AvroData.toConnectSchema` (with `connect.meta.data=true`):
//!
//! - `boolean`, `int`, `long`, `float`, `double`, `string`, `bytes` map to BOOLEAN, INT32, INT64,
//!   FLOAT32, FLOAT64, STRING, BYTES; an `int` with `"connect.type":"int8"`/`"int16"` maps to
//!   INT8/INT16.
//! - `date` → Date, `time-millis` → Time, `timestamp-millis` → Timestamp. `time-micros`,
//!   `timestamp-micros`, `timestamp-nanos` and the `local-timestamp-*` types map to plain INT64
//!   (no logical name), as `AvroData` does, so no precision is lost. `uuid` over `string` maps to
//!   STRING; `uuid` over `bytes`/`fixed`, `duration` and `big-decimal` map to BYTES.
//! - `decimal` (over `bytes` or `fixed`) → Decimal with its scale; a precision other than 64 is
//!   kept in the parameter `connect.decimal.precision`.
//! - `fixed` → BYTES named after the fixed type, with parameter `connect.fixed.size`.
//! - `enum` → STRING named after the enum, with parameters `io.confluent.connect.avro.Enum` = the
//!   enum's full name and `io.confluent.connect.avro.Enum.<symbol>` = `<symbol>` per symbol (plus
//!   `io.confluent.connect.avro.enum.doc.<Name>`/`.enum.default.<Name>` when present).
//! - `record` → STRUCT named after the record (except `io.confluent.connect.avro.ConnectDefault`,
//!   which stays unnamed); the record doc goes to parameter `io.confluent.connect.avro.record.doc`
//!   and field docs to `io.confluent.connect.avro.field.doc.<field>`. A field default becomes the
//!   field schema's default, flagged by parameter `io.confluent.connect.avro.field.default`.
//! - `array` → ARRAY, except an array of `io.confluent.connect.avro.MapEntry` records (or records
//!   marked `"connect.internal.type":"MapEntry"`) with fields `key` and `value`, which maps to a
//!   MAP with those key and value schemas; `map` → MAP with STRING keys.
//! - `["null", T]` and `[T, "null"]` → optional `T` (without default). Any other union → an
//!   (optional if it has `null`) STRUCT named `io.confluent.connect.avro.Union` with one optional
//!   field per non-null branch, named by the branch's type (`int`, `string`, …, or the
//!   unqualified name of a record, enum or fixed).
//! - `connect.doc`, `connect.version`, `connect.parameters`, `connect.default` and `connect.name`
//!   properties set the Connect doc, version, parameters, default and name.
//! - A standalone `null` has no Connect equivalent and is rejected, as in `AvroData`.
//! - A recursive reference is unrolled [`RECURSION_UNROLL`] levels deep (Connect schemas are
//!   finite); the innermost reference becomes an empty struct of the same name that no data may
//!   fill.

use std::collections::{BTreeMap, HashMap};

use apache_avro::schema::{InnerDecimalSchema, Schema as Avro, UuidSchema};
use serde_json::Value as Json;

use super::default::value_from_json;
use super::node::{
    EnumNode, FieldNode, IntKind, Kind, LongKind, Named, Node, RecordNode, UnionNode, UnionShape,
};
use super::{AvroError, MAX_DEPTH, MAX_PLAN_NODES, RECURSION_UNROLL};
use crate::schema::Schema;
use crate::str::Str;

/// Namespace of the names `AvroData` invents.
pub const NAMESPACE: &str = "io.confluent.connect.avro";
/// Full name of an unnamed Connect struct's record.
pub const DEFAULT_RECORD_NAME: &str = "io.confluent.connect.avro.ConnectDefault";
/// Name of the Connect struct a general union maps to.
pub const UNION_NAME: &str = "io.confluent.connect.avro.Union";
/// Parameter naming the Avro enum a STRING came from.
pub const ENUM_PARAMETER: &str = "io.confluent.connect.avro.Enum";
/// Parameter flagging a default that came from an Avro field default.
pub const FIELD_DEFAULT_PARAMETER: &str = "io.confluent.connect.avro.field.default";
/// Parameter holding a record's doc.
pub const RECORD_DOC_PARAMETER: &str = "io.confluent.connect.avro.record.doc";
/// Prefix of the parameters holding field docs.
pub const FIELD_DOC_PREFIX: &str = "io.confluent.connect.avro.field.doc.";
/// Parameter holding a Decimal's Avro precision when it is not 64.
pub const DECIMAL_PRECISION_PARAMETER: &str = "connect.decimal.precision";
/// Parameter holding the size of an Avro `fixed`.
pub const FIXED_SIZE_PARAMETER: &str = "connect.fixed.size";
/// Record name of a map entry.
pub const MAP_ENTRY_NAME: &str = "io.confluent.connect.avro.MapEntry";

/// Compiles `schema`; `json` is its JSON text when known, to read properties `apache-avro` drops.
pub(crate) fn compile(schema: &Avro, json: Option<&Json>) -> Result<Node, AvroError> {
    Compiler::default().build(schema, json, false)
}

/// Where properties are read from: the schema's JSON object, or `apache-avro`'s attributes.
#[derive(Clone, Copy)]
enum Props<'a> {
    None,
    Object(&'a serde_json::Map<String, Json>),
    Attributes(&'a BTreeMap<String, Json>),
}

impl<'a> Props<'a> {
    fn of(json: Option<&'a Json>, attributes: Option<&'a BTreeMap<String, Json>>) -> Self {
        match (json, attributes) {
            (Some(Json::Object(object)), _) => Self::Object(object),
            (_, Some(attributes)) => Self::Attributes(attributes),
            _ => Self::None,
        }
    }

    fn get(self, key: &str) -> Option<&'a Json> {
        match self {
            Self::None => None,
            Self::Object(object) => object.get(key),
            Self::Attributes(attributes) => attributes.get(key),
        }
    }

    fn str(self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Json::as_str)
    }
}

#[derive(Default)]
struct Compiler<'a> {
    /// Named types seen so far, with their JSON when known.
    defs: HashMap<String, (&'a Avro, Option<&'a Json>)>,
    /// Names of the records being compiled, outermost first.
    path: Vec<String>,
    nodes: usize,
    depth: usize,
}

fn named(name: &apache_avro::schema::Name, aliases: &apache_avro::schema::Aliases) -> Named {
    Named {
        name: name.fullname(None),
        aliases: aliases
            .iter()
            .flatten()
            .map(|alias| alias.fullname(name.namespace()))
            .collect(),
    }
}

fn leaf(kind: Kind, schema: Schema) -> (Kind, Schema) {
    (kind, schema)
}

impl<'a> Compiler<'a> {
    fn build(
        &mut self,
        avro: &'a Avro,
        json: Option<&'a Json>,
        optional: bool,
    ) -> Result<Node, AvroError> {
        self.nodes += 1;
        if self.nodes > MAX_PLAN_NODES || self.depth >= MAX_DEPTH {
            return Err(AvroError::SchemaTooLarge);
        }
        self.depth += 1;
        let built = self.build_inner(avro, json, optional);
        self.depth -= 1;
        built
    }

    fn build_inner(
        &mut self,
        avro: &'a Avro,
        json: Option<&'a Json>,
        optional: bool,
    ) -> Result<Node, AvroError> {
        let json = self.definition_json(avro, json);
        let (kind, schema, props) = match avro {
            Avro::Union(union) => return self.union(union.variants(), json, optional),
            Avro::Ref { name } => return self.reference(&name.fullname(None), optional),
            Avro::Record(record) => {
                let (kind, schema) = self.record(avro, record, json)?;
                (kind, schema, Props::of(json, Some(&record.attributes)))
            }
            Avro::Array(array) => {
                let (kind, schema) = self.array(&array.items, json.and_then(|j| j.get("items")))?;
                (kind, schema, Props::of(json, Some(&array.attributes)))
            }
            Avro::Map(map) => {
                let values = self.build(&map.types, json.and_then(|j| j.get("values")), false)?;
                let schema = Schema::map(Schema::string().into_ref(), values.connect.clone());
                (
                    Kind::Map(Box::new(values)),
                    schema,
                    Props::of(json, Some(&map.attributes)),
                )
            }
            Avro::Enum(node) => {
                self.defs.insert(node.name.fullname(None), (avro, json));
                let (kind, schema) = enumeration(node);
                (kind, schema, Props::of(json, Some(&node.attributes)))
            }
            Avro::Fixed(fixed) | Avro::Duration(fixed) | Avro::Uuid(UuidSchema::Fixed(fixed)) => {
                self.defs.insert(fixed.name.fullname(None), (avro, json));
                let (kind, schema) = fixed_bytes(fixed);
                (kind, schema, Props::of(json, Some(&fixed.attributes)))
            }
            other => {
                let props = Props::of(json, None);
                let (kind, schema) = primitive(other, props)?;
                (kind, schema, props)
            }
        };
        let schema = self.apply_props(&kind, schema, props)?;
        let schema = if optional { schema.optional() } else { schema };
        Ok(Node {
            kind,
            connect: schema.into_ref(),
        })
    }

    /// The JSON object defining a named type, when `json` only names it.
    fn definition_json(&self, avro: &'a Avro, json: Option<&'a Json>) -> Option<&'a Json> {
        let name = match avro {
            Avro::Record(record) => &record.name,
            Avro::Enum(node) => &node.name,
            Avro::Fixed(fixed) => &fixed.name,
            _ => return json,
        };
        match json {
            Some(Json::Object(_)) => json,
            _ => self
                .defs
                .get(&name.fullname(None))
                .and_then(|(_, json)| *json),
        }
    }

    fn reference(&mut self, name: &str, optional: bool) -> Result<Node, AvroError> {
        let (avro, json) = *self
            .defs
            .get(name)
            .ok_or_else(|| AvroError::Schema(format!("unknown type {name}")))?;
        let levels = self.path.iter().filter(|seen| *seen == name).count();
        if levels >= RECURSION_UNROLL {
            let mut schema = Schema::structure(Vec::<(String, _)>::new()).with_name(name);
            schema.optional = optional;
            return Ok(Node {
                kind: Kind::Cut(name.to_owned()),
                connect: schema.into_ref(),
            });
        }
        self.build(avro, json, optional)
    }

    fn array(
        &mut self,
        items: &'a Avro,
        json: Option<&'a Json>,
    ) -> Result<(Kind, Schema), AvroError> {
        let items = self.build(items, json, false)?;
        if let Kind::Record(record) = &items.kind
            && is_map_entry(record, &items)
        {
            let [key, value] = [&record.fields[0], &record.fields[1]].map(|f| f.node.clone());
            let schema = Schema::map(key.connect.clone(), value.connect.clone());
            let kind = Kind::MapEntries(Box::new(key), Box::new(value));
            return Ok(leaf(kind, schema));
        }
        let schema = Schema::array(items.connect.clone());
        Ok(leaf(Kind::Array(Box::new(items)), schema))
    }

    fn record(
        &mut self,
        avro: &'a Avro,
        record: &'a apache_avro::schema::RecordSchema,
        json: Option<&'a Json>,
    ) -> Result<(Kind, Schema), AvroError> {
        let full = record.name.fullname(None);
        self.defs.insert(full.clone(), (avro, json));
        self.path.push(full.clone());
        let fields = self.record_fields(record, json);
        self.path.pop();
        let fields = fields?;
        let mut schema = Schema::structure(
            fields
                .iter()
                .map(|field| (field.name.clone(), field.node.connect.clone())),
        );
        if full != DEFAULT_RECORD_NAME {
            schema = schema.with_name(full);
        }
        if let Some(doc) = &record.doc {
            schema = schema.with_parameter(RECORD_DOC_PARAMETER, doc.clone());
        }
        for field in &record.fields {
            if let Some(doc) = &field.doc {
                schema =
                    schema.with_parameter(format!("{FIELD_DOC_PREFIX}{}", field.name), doc.clone());
            }
        }
        let node = RecordNode {
            named: named(&record.name, &record.aliases),
            fields,
        };
        Ok(leaf(Kind::Record(Box::new(node)), schema))
    }

    fn record_fields(
        &mut self,
        record: &'a apache_avro::schema::RecordSchema,
        json: Option<&'a Json>,
    ) -> Result<Vec<FieldNode>, AvroError> {
        let field_json = |index: usize| json?.get("fields")?.get(index)?.get("type");
        let mut fields = Vec::with_capacity(record.fields.len());
        for (index, field) in record.fields.iter().enumerate() {
            let mut node = self.build(&field.schema, field_json(index), false)?;
            let is_union = matches!(node.kind, Kind::Union(_));
            if let (Some(default), false) = (&field.default, is_union) {
                let value = value_from_json(&node, default)?;
                let mut schema = (*node.connect).clone();
                if schema.default.is_none() {
                    schema = schema.with_parameter(FIELD_DEFAULT_PARAMETER, "true");
                }
                schema.default = Some(value);
                node.connect = schema.into_ref();
            }
            fields.push(FieldNode {
                name: field.name.clone(),
                aliases: field.aliases.clone(),
                node,
                default: field.default.clone(),
            });
        }
        Ok(fields)
    }

    fn union(
        &mut self,
        variants: &'a [Avro],
        json: Option<&'a Json>,
        optional: bool,
    ) -> Result<Node, AvroError> {
        let branch_json = |index: usize| json?.get(index);
        let null = variants.iter().position(|v| matches!(v, Avro::Null));
        if let (2, Some(null)) = (variants.len(), null) {
            let other = 1 - null;
            let inner = self.build(&variants[other], branch_json(other), true)?;
            let connect = inner.connect.clone();
            let mut branches = vec![null_node(), inner];
            if null == 1 {
                branches.swap(0, 1);
            }
            let shape = UnionShape::Optional { null };
            return Ok(union_node(branches, shape, connect));
        }
        let mut branches = Vec::with_capacity(variants.len());
        let mut fields = Vec::with_capacity(variants.len());
        let mut connect_fields: Vec<(String, _)> = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            if matches!(variant, Avro::Null) {
                branches.push(null_node());
                fields.push(None);
                continue;
            }
            let node = self.build(variant, branch_json(index), true)?;
            let name = branch_field_name(variant);
            if connect_fields.iter().any(|(seen, _)| *seen == name) {
                return Err(AvroError::Unsupported(format!(
                    "union has two branches mapping to Connect field {name}"
                )));
            }
            fields.push(Some(connect_fields.len()));
            connect_fields.push((name, node.connect.clone()));
            branches.push(node);
        }
        let mut schema = Schema::structure(connect_fields).with_name(UNION_NAME);
        schema.optional = optional || null.is_some();
        let shape = UnionShape::Struct { fields };
        Ok(union_node(branches, shape, schema.into_ref()))
    }

    /// Applies the `connect.*` properties, as `AvroData` does after building the base schema.
    fn apply_props(
        &self,
        kind: &Kind,
        mut schema: Schema,
        props: Props<'_>,
    ) -> Result<Schema, AvroError> {
        if let Some(doc) = props.str("connect.doc") {
            schema.doc = Some(doc.to_owned());
        }
        if let Some(version) = props.get("connect.version") {
            let version = version
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| AvroError::Unsupported(format!("connect.version {version}")))?;
            schema.version.get_or_insert(version);
        }
        if let Some(parameters) = props.get("connect.parameters") {
            let Json::Object(parameters) = parameters else {
                return Err(AvroError::Unsupported(
                    "connect.parameters is not an object".into(),
                ));
            };
            for (key, value) in parameters {
                let value = value.as_str().ok_or_else(|| {
                    AvroError::Unsupported(format!(
                        "connect.parameters value {value} is not a string"
                    ))
                })?;
                schema = schema.with_parameter(key.clone(), value);
            }
        }
        if let Some(default) = props.get("connect.default") {
            let probe = Node {
                kind: kind.clone(),
                connect: schema.clone().into_ref(),
            };
            schema.default = Some(value_from_json(&probe, default)?);
        }
        if let Some(name) = props.str("connect.name")
            && name != DEFAULT_RECORD_NAME
            && schema.name.is_none()
        {
            schema.name = Some(name.to_owned());
        }
        Ok(schema)
    }
}

fn null_node() -> Node {
    Node {
        kind: Kind::Null,
        connect: Schema::structure(Vec::<(String, _)>::new())
            .optional()
            .into_ref(),
    }
}

fn union_node(branches: Vec<Node>, shape: UnionShape, connect: crate::schema::SchemaRef) -> Node {
    Node {
        kind: Kind::Union(Box::new(UnionNode { branches, shape })),
        connect,
    }
}

/// `AvroData.unionMemberFieldName`: the unqualified name of a named type, else the type name.
fn branch_field_name(avro: &Avro) -> String {
    match avro {
        Avro::Record(record) => record.name.name().to_owned(),
        Avro::Enum(node) => node.name.name().to_owned(),
        Avro::Fixed(fixed) | Avro::Duration(fixed) | Avro::Uuid(UuidSchema::Fixed(fixed)) => {
            fixed.name.name().to_owned()
        }
        Avro::Decimal(decimal) => match &decimal.inner {
            InnerDecimalSchema::Fixed(fixed) => fixed.name.name().to_owned(),
            InnerDecimalSchema::Bytes => "bytes".into(),
        },
        Avro::Ref { name } => name.name().to_owned(),
        Avro::Array(_) => "array".into(),
        Avro::Map(_) => "map".into(),
        Avro::Boolean => "boolean".into(),
        Avro::Int | Avro::Date | Avro::TimeMillis => "int".into(),
        Avro::Float => "float".into(),
        Avro::Double => "double".into(),
        Avro::String | Avro::Uuid(UuidSchema::String) => "string".into(),
        Avro::Bytes | Avro::BigDecimal | Avro::Uuid(UuidSchema::Bytes) => "bytes".into(),
        _ => "long".into(),
    }
}

fn is_map_entry(record: &RecordNode, node: &Node) -> bool {
    let marked = record.named.name == MAP_ENTRY_NAME
        || node.connect.parameter("connect.internal.type") == Some("MapEntry");
    marked
        && record.fields.len() == 2
        && record.fields[0].name == "key"
        && record.fields[1].name == "value"
}

fn enumeration(node: &apache_avro::schema::EnumSchema) -> (Kind, Schema) {
    let full = node.name.fullname(None);
    let short = node.name.name();
    let mut schema = Schema::string();
    if let Some(doc) = &node.doc {
        schema = schema.with_parameter(format!("{NAMESPACE}.enum.doc.{short}"), doc.clone());
    }
    if let Some(default) = &node.default {
        schema =
            schema.with_parameter(format!("{NAMESPACE}.enum.default.{short}"), default.clone());
    }
    schema = schema.with_parameter(ENUM_PARAMETER, full.clone());
    for symbol in &node.symbols {
        schema = schema.with_parameter(format!("{ENUM_PARAMETER}.{symbol}"), symbol.clone());
    }
    let default = node
        .default
        .as_ref()
        .and_then(|d| node.symbols.iter().position(|s| s == d));
    let kind = Kind::Enum(Box::new(EnumNode {
        named: named(&node.name, &node.aliases),
        symbols: node.symbols.iter().map(|s| Str::from(s.as_str())).collect(),
        default,
    }));
    (kind, schema.with_name(full))
}

fn fixed_bytes(fixed: &apache_avro::schema::FixedSchema) -> (Kind, Schema) {
    let schema = Schema::bytes()
        .with_parameter(FIXED_SIZE_PARAMETER, fixed.size.to_string())
        .with_name(fixed.name.fullname(None));
    let named = Box::new(named(&fixed.name, &fixed.aliases));
    (Kind::Fixed(named, fixed.size), schema)
}

fn primitive(avro: &Avro, props: Props<'_>) -> Result<(Kind, Schema), AvroError> {
    Ok(match avro {
        Avro::Null => {
            return Err(AvroError::Unsupported(
                "standalone null schemas have no Connect equivalent".into(),
            ));
        }
        Avro::Boolean => leaf(Kind::Boolean, Schema::boolean()),
        Avro::Int => match props.str("connect.type") {
            Some("int8") => leaf(Kind::Int(IntKind::Int8), Schema::int8()),
            Some("int16") => leaf(Kind::Int(IntKind::Int16), Schema::int16()),
            _ => leaf(Kind::Int(IntKind::Int32), Schema::int32()),
        },
        Avro::Date => leaf(Kind::Int(IntKind::Date), Schema::date()),
        Avro::TimeMillis => leaf(Kind::Int(IntKind::Time), Schema::time()),
        Avro::TimestampMillis => leaf(Kind::Long(LongKind::Timestamp), Schema::timestamp()),
        Avro::Long
        | Avro::TimeMicros
        | Avro::TimestampMicros
        | Avro::TimestampNanos
        | Avro::LocalTimestampMillis
        | Avro::LocalTimestampMicros
        | Avro::LocalTimestampNanos => leaf(Kind::Long(LongKind::Int64), Schema::int64()),
        Avro::Float => leaf(Kind::Float, Schema::float32()),
        Avro::Double => leaf(Kind::Double, Schema::float64()),
        Avro::String | Avro::Uuid(UuidSchema::String) => leaf(Kind::String, Schema::string()),
        Avro::Bytes | Avro::BigDecimal | Avro::Uuid(UuidSchema::Bytes) => {
            leaf(Kind::Bytes, Schema::bytes())
        }
        Avro::Decimal(decimal) => {
            let scale = i32::try_from(decimal.scale)
                .map_err(|_| AvroError::Unsupported(format!("decimal scale {}", decimal.scale)))?;
            let mut schema = Schema::decimal(scale);
            if decimal.precision != 64 {
                schema = schema
                    .with_parameter(DECIMAL_PRECISION_PARAMETER, decimal.precision.to_string());
            }
            let fixed = match &decimal.inner {
                InnerDecimalSchema::Bytes => None,
                InnerDecimalSchema::Fixed(fixed) => Some(fixed.size),
            };
            leaf(Kind::Decimal { scale, fixed }, schema)
        }
        other => {
            return Err(AvroError::Unsupported(format!(
                "unexpected schema {other:?}"
            )));
        }
    })
}
