//! Compiles an Avro schema's JSON, beside the Connect schema `sluice_codecs::avro` derived from
//! it, into the [`Node`] tree of [`super::generator`], reading the `arg.properties` hints and
//! rejecting what cannot be generated with a reason that names the field.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use sluice_codecs::avro::to_connect::UNION_NAME;
use sluice_codecs::{LogicalType, Schema, SchemaRef, Struct, Type, Value};

use super::generator::{DEFAULT_LENGTH, IntKind, Length, Node, Numbers};
use super::regex::Pattern;

/// Deepest nesting of named-type references followed while compiling.
const MAX_REFERENCE_DEPTH: usize = 16;

/// Walks schema JSON, remembering named types for later references.
#[derive(Default)]
pub(super) struct Compiler {
    /// Named types (records, enums, fixed) by full and short name.
    names: HashMap<String, Json>,
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "string", "bytes",
];

impl Compiler {
    /// The node for `json` at `path`, whose Connect schema is `schema`.
    pub(super) fn node(
        &mut self,
        json: &Json,
        schema: &SchemaRef,
        namespace: &str,
        path: &str,
        depth: usize,
    ) -> Result<Node, String> {
        match json {
            Json::String(name) if PRIMITIVES.contains(&name.as_str()) => {
                primitive(schema, None, path)
            }
            Json::String(name) => self.reference(name, schema, namespace, path, depth),
            Json::Array(branches) => self.union(branches, schema, namespace, path, depth),
            Json::Object(object) => self.object(object, schema, namespace, path, depth),
            other => Err(format!("{}: invalid schema {other}", shown(path))),
        }
    }

    fn reference(
        &mut self,
        name: &str,
        schema: &SchemaRef,
        namespace: &str,
        path: &str,
        depth: usize,
    ) -> Result<Node, String> {
        if depth >= MAX_REFERENCE_DEPTH {
            return Err(format!("{}: type {name} nests too deeply", shown(path)));
        }
        let qualified = format!("{namespace}.{name}");
        let definition = self
            .names
            .get(&qualified)
            .or_else(|| self.names.get(name))
            .cloned()
            .ok_or_else(|| format!("{}: unknown type {name}", shown(path)))?;
        self.node(&definition, schema, namespace, path, depth + 1)
    }

    fn union(
        &mut self,
        branches: &[Json],
        schema: &SchemaRef,
        namespace: &str,
        path: &str,
        depth: usize,
    ) -> Result<Node, String> {
        let non_null: Vec<&Json> = branches
            .iter()
            .filter(|branch| branch.as_str() != Some("null"))
            .collect();
        let nullable = non_null.len() < branches.len();
        if schema.name.as_deref() == Some(UNION_NAME) {
            let mut nodes = Vec::with_capacity(non_null.len());
            for (branch, field) in non_null.iter().zip(schema.fields()) {
                let branch_path = format!("{path}[{}]", field.name);
                nodes.push(self.node(branch, &field.schema, namespace, &branch_path, depth)?);
            }
            return Ok(Node::Union {
                schema: schema.clone(),
                branches: nodes,
                nullable,
            });
        }
        let [branch] = non_null.as_slice() else {
            return Err(format!("{}: unsupported union", shown(path)));
        };
        let inner = self.node(branch, schema, namespace, path, depth)?;
        Ok(if nullable {
            Node::Optional(Box::new(inner))
        } else {
            inner
        })
    }

    fn object(
        &mut self,
        object: &Map<String, Json>,
        schema: &SchemaRef,
        namespace: &str,
        path: &str,
        depth: usize,
    ) -> Result<Node, String> {
        let hints = object.get("arg.properties");
        let kind = match object.get("type") {
            Some(Json::String(kind)) => kind.as_str(),
            Some(nested) => return self.node(nested, schema, namespace, path, depth),
            None => return Err(format!("{}: schema without a type", shown(path))),
        };
        let own_namespace = object
            .get("namespace")
            .and_then(Json::as_str)
            .unwrap_or(namespace);
        if matches!(kind, "record" | "error" | "enum" | "fixed") {
            self.register(object, own_namespace);
        }
        if matches!(kind, "record" | "error" | "array" | "map")
            && let Some(node) = options(hints, schema, path)?
        {
            return Ok(node);
        }
        match kind {
            "record" | "error" => {
                let namespace = self.record_namespace(object, own_namespace);
                self.record(object, schema, &namespace, path, depth)
            }
            "enum" => enumeration(object, hints, schema, path),
            "array" | "map" => self.container(object, hints, schema, namespace, path, depth),
            "fixed" if schema.logical_type().is_none() => {
                let size = object.get("size").and_then(Json::as_u64).unwrap_or(0) as usize;
                if size > MAX_LENGTH {
                    return Err(format!("{}: fixed size above {MAX_LENGTH}", shown(path)));
                }
                Ok(Node::Bytes(Length {
                    min: size,
                    max: size + 1,
                }))
            }
            kind if PRIMITIVES.contains(&kind) || kind == "fixed" => primitive(schema, hints, path),
            name => self.reference(name, schema, namespace, path, depth),
        }
    }

    /// An array or a map (with random string keys).
    fn container(
        &mut self,
        object: &Map<String, Json>,
        hints: Option<&Json>,
        schema: &SchemaRef,
        namespace: &str,
        path: &str,
        depth: usize,
    ) -> Result<Node, String> {
        match (&schema.ty, object.get("items"), object.get("values")) {
            (Type::Array(items), Some(json), _) => {
                let item = self.node(json, items, namespace, &format!("{path}[]"), depth)?;
                Ok(Node::Array(Box::new(item), length(hints, path)?))
            }
            (Type::Map { value, .. }, _, Some(json)) => {
                let node = self.node(json, value, namespace, &format!("{path}{{}}"), depth)?;
                let keys = match hint(hints, "keys") {
                    Some(keys) => {
                        let key_path = format!("{path}.keys");
                        primitive(&Schema::string().into_ref(), Some(keys), &key_path)?
                    }
                    None => primitive(&Schema::string().into_ref(), None, path)?,
                };
                Ok(Node::Map {
                    keys: Box::new(keys),
                    values: Box::new(node),
                    length: length(hints, path)?,
                })
            }
            _ => Err(format!("{}: unsupported array or map", shown(path))),
        }
    }

    fn register(&mut self, object: &Map<String, Json>, namespace: &str) {
        let Some(name) = object.get("name").and_then(Json::as_str) else {
            return;
        };
        let definition = Json::Object(object.clone());
        let short = name.rsplit('.').next().unwrap_or(name).to_owned();
        let full = if name.contains('.') || namespace.is_empty() {
            name.to_owned()
        } else {
            format!("{namespace}.{name}")
        };
        self.names.insert(full, definition.clone());
        self.names.entry(short).or_insert(definition);
    }

    /// The namespace a record's fields resolve names in: that of its full name.
    fn record_namespace(&self, object: &Map<String, Json>, namespace: &str) -> String {
        match object.get("name").and_then(Json::as_str) {
            Some(name) if name.contains('.') => {
                name.rsplit_once('.').map_or("", |(ns, _)| ns).to_owned()
            }
            _ => namespace.to_owned(),
        }
    }

    fn record(
        &mut self,
        object: &Map<String, Json>,
        schema: &SchemaRef,
        namespace: &str,
        path: &str,
        depth: usize,
    ) -> Result<Node, String> {
        let fields = object
            .get("fields")
            .and_then(Json::as_array)
            .ok_or_else(|| format!("{}: record without fields", shown(path)))?;
        let mut nodes = Vec::with_capacity(fields.len());
        for field in fields {
            let name = field.get("name").and_then(Json::as_str).unwrap_or_default();
            let field_path = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            let connect = schema
                .field(name)
                .ok_or_else(|| format!("{}: no Connect field", shown(&field_path)))?;
            let json = field
                .get("type")
                .ok_or_else(|| format!("{}: field without a type", shown(&field_path)))?;
            nodes.push(self.node(json, &connect.schema, namespace, &field_path, depth)?);
        }
        Ok(Node::Record(schema.clone(), nodes))
    }
}

/// An enum: one of its symbols, or of the `options` hint.
fn enumeration(
    object: &Map<String, Json>,
    hints: Option<&Json>,
    schema: &SchemaRef,
    path: &str,
) -> Result<Node, String> {
    if let Some(node) = options(hints, schema, path)? {
        return Ok(node);
    }
    let symbols: Vec<Value> = object
        .get("symbols")
        .and_then(Json::as_array)
        .map(|symbols| {
            symbols
                .iter()
                .filter_map(Json::as_str)
                .map(Value::string)
                .collect()
        })
        .unwrap_or_default();
    if symbols.is_empty() {
        return Err(format!("{}: enum without symbols", shown(path)));
    }
    Ok(Node::Choice(symbols))
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "schema".to_owned()
    } else {
        format!("field `{path}`")
    }
}

/// The node of a primitive (or logical) type with its hints.
fn primitive(schema: &SchemaRef, hints: Option<&Json>, path: &str) -> Result<Node, String> {
    if let Some(node) = options(hints, schema, path)? {
        return Ok(node);
    }
    let int = |kind| Ok(Node::Int(kind, int_numbers(hints, path)?));
    match (schema.logical_type(), &schema.ty) {
        (Some(LogicalType::Decimal { scale }), _) => {
            let precision = schema
                .parameter("connect.decimal.precision")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(18);
            Ok(Node::Decimal {
                scale,
                digits: precision.clamp(1, 18),
            })
        }
        (Some(LogicalType::Date), _) => int(IntKind::Date),
        (Some(LogicalType::Time), _) => int(IntKind::Time),
        (Some(LogicalType::Timestamp), _) => int(IntKind::Timestamp),
        (None, Type::Int8) => int(IntKind::Int8),
        (None, Type::Int16) => int(IntKind::Int16),
        (None, Type::Int32) => int(IntKind::Int32),
        (None, Type::Int64) => int(IntKind::Int64),
        (None, Type::Float32 | Type::Float64) => Ok(Node::Float {
            double: matches!(schema.ty, Type::Float64),
            numbers: float_numbers(hints, path)?,
        }),
        (None, Type::Boolean) => boolean(hints, path),
        (None, Type::String) => {
            let regex = match hint(hints, "regex") {
                Some(Json::String(regex)) => Some(
                    Pattern::parse(regex)
                        .map_err(|reason| format!("{}: regex: {reason}", shown(path)))?,
                ),
                Some(other) => {
                    return Err(format!(
                        "{}: regex must be a string, got {other}",
                        shown(path)
                    ));
                }
                None => None,
            };
            Ok(Node::String {
                regex,
                length: length(hints, path)?,
            })
        }
        (None, Type::Bytes) => Ok(Node::Bytes(length(hints, path)?)),
        _ => Err(format!(
            "{}: unsupported type {}",
            shown(path),
            schema.ty.tag()
        )),
    }
}

/// A boolean: `odds` of true (default one half), or `iteration` alternating from `start`.
fn boolean(hints: Option<&Json>, path: &str) -> Result<Node, String> {
    if let Some(start) = hint(hint(hints, "iteration"), "start") {
        let start = start
            .as_bool()
            .ok_or_else(|| format!("{}: iteration.start must be a boolean", shown(path)))?;
        return Ok(Node::Alternate(start));
    }
    let odds = match hint(hints, "odds") {
        None => 0.5,
        Some(odds) => odds
            .as_f64()
            .filter(|odds| (0.0..=1.0).contains(odds))
            .ok_or_else(|| format!("{}: odds must be between 0.0 and 1.0", shown(path)))?,
    };
    Ok(Node::Boolean(odds))
}

fn hint<'a>(hints: Option<&'a Json>, key: &str) -> Option<&'a Json> {
    hints?.get(key)
}

/// The `options` hint: every option converted to the field's Connect type.
fn options(hints: Option<&Json>, schema: &SchemaRef, path: &str) -> Result<Option<Node>, String> {
    let Some(options) = hint(hints, "options") else {
        return Ok(None);
    };
    let list = options.as_array().ok_or_else(|| {
        format!(
            "{}: options must be a list (options from a file are not supported)",
            shown(path)
        )
    })?;
    if list.is_empty() {
        return Err(format!("{}: options must not be empty", shown(path)));
    }
    let values = list
        .iter()
        .map(|option| {
            option_value(option, schema).ok_or_else(|| {
                format!(
                    "{}: option {option} does not fit type {}",
                    shown(path),
                    schema.ty.tag()
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Node::Choice(values)))
}

fn option_value(option: &Json, schema: &SchemaRef) -> Option<Value> {
    let int = || option.as_i64();
    Some(match (schema.logical_type(), &schema.ty, option) {
        (_, _, Json::Null) if schema.optional => Value::Null,
        (Some(LogicalType::Date), _, _) => Value::Date(i32::try_from(int()?).ok()?),
        (Some(LogicalType::Time), _, _) => Value::Time(i32::try_from(int()?).ok()?),
        (Some(LogicalType::Timestamp), _, _) => Value::Timestamp(int()?),
        (Some(_), _, _) => return None,
        (None, Type::String, Json::String(text)) => Value::string(text.as_str()),
        (None, Type::Boolean, Json::Bool(b)) => Value::Boolean(*b),
        (None, Type::Int8, _) => Value::Int8(i8::try_from(int()?).ok()?),
        (None, Type::Int16, _) => Value::Int16(i16::try_from(int()?).ok()?),
        (None, Type::Int32, _) => Value::Int32(i32::try_from(int()?).ok()?),
        (None, Type::Int64, _) => Value::Int64(int()?),
        (None, Type::Float32, _) => Value::Float32(option.as_f64()? as f32),
        (None, Type::Float64, _) => Value::Float64(option.as_f64()?),
        // Avro's JSON encoding of bytes: one character per byte.
        (None, Type::Bytes, Json::String(text)) => {
            let bytes: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
            Value::Bytes(bytes?.into())
        }
        (None, Type::Array(items), Json::Array(list)) => Value::Array(
            list.iter()
                .map(|item| option_value(item, items))
                .collect::<Option<_>>()?,
        ),
        (None, Type::Map { key, value }, Json::Object(entries)) if key.ty == Type::String => {
            Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| Some((Value::string(k.as_str()), option_value(v, value)?)))
                    .collect::<Option<_>>()?,
            )
        }
        (None, Type::Struct(fields), Json::Object(entries)) => {
            let values = fields
                .iter()
                .map(|field| match entries.get(&field.name) {
                    Some(json) => option_value(json, &field.schema),
                    None if field.schema.optional || field.schema.default.is_some() => {
                        Some(Value::Null)
                    }
                    None => None,
                })
                .collect::<Option<Vec<_>>>()?;
            Value::Struct(Struct::from_values(schema.clone(), values).ok()?)
        }
        _ => return None,
    })
}

fn int_numbers(hints: Option<&Json>, path: &str) -> Result<Numbers<i64>, String> {
    let number = |json: &Json, what: &str| {
        json.as_i64()
            .ok_or_else(|| format!("{}: {what} must be an integer, got {json}", shown(path)))
    };
    if let Some(range) = hint(hints, "range") {
        let min = range
            .get("min")
            .map(|m| number(m, "range.min"))
            .transpose()?;
        let max = range
            .get("max")
            .map(|m| number(m, "range.max"))
            .transpose()?;
        let (min, max) = (
            min.unwrap_or(i64::from(i32::MIN)),
            max.unwrap_or(i64::from(i32::MAX)),
        );
        if min >= max {
            return Err(format!(
                "{}: range min {min} must be below max {max} (max is exclusive)",
                shown(path)
            ));
        }
        return Ok(Numbers::Range { min, max });
    }
    if let Some(iteration) = hint(hints, "iteration") {
        let field = |key: &str| {
            iteration
                .get(key)
                .map(|v| number(v, &format!("iteration.{key}")))
        };
        let start = field("start").transpose()?.unwrap_or(0);
        let step = field("step").transpose()?.unwrap_or(1);
        let restart = field("restart").transpose()?;
        return Ok(Numbers::Iteration {
            start,
            step,
            restart,
        });
    }
    Ok(Numbers::Random)
}

fn float_numbers(hints: Option<&Json>, path: &str) -> Result<Numbers<f64>, String> {
    let number = |json: &Json, what: &str| {
        json.as_f64()
            .ok_or_else(|| format!("{}: {what} must be a number, got {json}", shown(path)))
    };
    if let Some(range) = hint(hints, "range") {
        let min = range
            .get("min")
            .map(|m| number(m, "range.min"))
            .transpose()?;
        let max = range
            .get("max")
            .map(|m| number(m, "range.max"))
            .transpose()?;
        let (min, max) = (min.unwrap_or(0.0), max.unwrap_or(1.0));
        if min.partial_cmp(&max) != Some(std::cmp::Ordering::Less) {
            return Err(format!(
                "{}: range min {min} must be below max {max}",
                shown(path)
            ));
        }
        return Ok(Numbers::Range { min, max });
    }
    if let Some(iteration) = hint(hints, "iteration") {
        let field = |key: &str| {
            iteration
                .get(key)
                .map(|v| number(v, &format!("iteration.{key}")))
        };
        return Ok(Numbers::Iteration {
            start: field("start").transpose()?.unwrap_or(0.0),
            step: field("step").transpose()?.unwrap_or(1.0),
            restart: field("restart").transpose()?,
        });
    }
    Ok(Numbers::Random)
}

/// Longest string, bytes, array or map a `length` hint may ask for.
const MAX_LENGTH: usize = 1_000_000;

/// The `length` hint: a number, or `{min, max}` with `max` exclusive.
fn length(hints: Option<&Json>, path: &str) -> Result<Length, String> {
    let length = parse_length(hints, path)?;
    if length.max > MAX_LENGTH + 1 {
        return Err(format!("{}: length above {MAX_LENGTH}", shown(path)));
    }
    Ok(length)
}

fn parse_length(hints: Option<&Json>, path: &str) -> Result<Length, String> {
    let bad = |json: &Json| format!("{}: bad length {json}", shown(path));
    match hint(hints, "length") {
        None => Ok(DEFAULT_LENGTH),
        Some(json @ Json::Number(n)) => {
            let n = n.as_u64().ok_or_else(|| bad(json))? as usize;
            Ok(Length {
                min: n,
                max: n.saturating_add(1),
            })
        }
        Some(json @ Json::Object(bounds)) => {
            let get = |key: &str, default: u64| match bounds.get(key) {
                None => Ok(default),
                Some(value) => value.as_u64().ok_or_else(|| bad(json)),
            };
            let min = get("min", 0)? as usize;
            let max = get("max", (min as u64).saturating_add(10))? as usize;
            if max <= min {
                return Err(bad(json));
            }
            Ok(Length { min, max })
        }
        Some(other) => Err(bad(other)),
    }
}
