//! Connect → Avro schema JSON, following Confluent's `AvroData.fromConnectSchema` with
//! `connect.meta.data=true` and `enhanced.avro.schema.support=false`:
//!
//! - INT8 and INT16 → `int` with `"connect.type":"int8"`/`"int16"`; INT32 → `int`; INT64 →
//!   `long`; FLOAT32 → `float`; FLOAT64 → `double`; BOOLEAN → `boolean`; STRING → `string`
//!   (also for Avro enums that came back as strings, as without enhanced schema support);
//!   BYTES → `bytes`.
//! - Decimal → `bytes` with `"logicalType":"decimal"`, `precision` from the parameter
//!   `connect.decimal.precision` (default 64) and `scale`; Date → `int` `date`; Time → `int`
//!   `time-millis`; Timestamp → `long` `timestamp-millis`.
//! - ARRAY → `array`; MAP with required STRING keys → `map`; any other MAP → `array` of records
//!   `io.confluent.connect.avro.MapEntry` with fields `key` and `value` (a named map uses its own
//!   name and the property `"connect.internal.type":"MapEntry"`).
//! - STRUCT → `record` named after the schema (namespace and name split at the last dot), or
//!   `io.confluent.connect.avro.ConnectDefault` when unnamed; the parameters
//!   `io.confluent.connect.avro.record.doc` and `io.confluent.connect.avro.field.doc.<field>`
//!   become the record and field docs. A struct named `io.confluent.connect.avro.Union` becomes a
//!   union of its fields' (required) schemas. A named type seen again is referenced by name.
//! - Every non-union schema gets `connect.doc`, `connect.version`, `connect.parameters`,
//!   `connect.default` and `connect.name` properties from the Connect schema, in that order, then
//!   `connect.type`, then the logical type.
//! - An optional schema becomes `["null", T]`, or `[T, "null"]` when it has a default. A record
//!   field's Avro default is the field schema's default, else `null` for an optional field.
//! - Default values: numbers and booleans as JSON, bytes and decimals as strings of code points
//!   0–255, structs as objects, string-keyed maps as objects, other maps as `[key, value]` pairs.

use std::collections::HashSet;

use serde_json::{Map, Value as Json, json};

use super::AvroError;
use super::to_connect::{
    DECIMAL_PRECISION_PARAMETER, FIELD_DEFAULT_PARAMETER, FIELD_DOC_PREFIX, NAMESPACE,
    RECORD_DOC_PARAMETER, UNION_NAME,
};
use crate::schema::{
    DATE_NAME, DECIMAL_NAME, DECIMAL_SCALE_PARAMETER, Schema, TIME_NAME, TIMESTAMP_NAME, Type,
};
use crate::value::Value;

/// The Avro schema JSON `AvroData` derives from `schema`.
pub fn avro_schema_json(schema: &Schema) -> Result<Json, AvroError> {
    Converter::default().convert(schema, None, false)
}

/// [`avro_schema_json`] as compact JSON text, as sent to Schema Registry.
pub fn avro_schema_text(schema: &Schema) -> Result<String, AvroError> {
    Ok(avro_schema_json(schema)?.to_string())
}

#[derive(Default)]
struct Converter {
    defined: HashSet<String>,
}

fn split_name(full: &str) -> (Option<&str>, &str) {
    match full.rfind('.') {
        Some(dot) => (Some(&full[..dot]), &full[dot + 1..]),
        None => (None, full),
    }
}

impl Converter {
    fn convert(
        &mut self,
        schema: &Schema,
        namespace: Option<&str>,
        ignore_optional: bool,
    ) -> Result<Json, AvroError> {
        if schema.name.as_deref() == Some(UNION_NAME) && matches!(schema.ty, Type::Struct(_)) {
            let mut branches = Vec::new();
            if schema.optional {
                branches.push(json!("null"));
            }
            for field in schema.fields() {
                let mut required = (*field.schema).clone();
                required.optional = false;
                branches.push(self.convert(&required, namespace, true)?);
            }
            return Ok(Json::Array(branches));
        }
        let (base, connect_type) = self.base(schema, namespace)?;
        let Json::Object(mut object) = base else {
            return Ok(base);
        };
        add_meta(&mut object, schema, connect_type)?;
        let base = if object.len() == 1
            && let Some(Json::String(_)) = object.get("type")
        {
            object.remove("type").unwrap_or(Json::Null)
        } else {
            Json::Object(object)
        };
        Ok(
            match (
                schema.optional && !ignore_optional,
                schema.default.is_some(),
            ) {
                (false, _) => base,
                (true, false) => json!(["null", base]),
                (true, true) => json!([base, "null"]),
            },
        )
    }

    fn base(
        &mut self,
        schema: &Schema,
        namespace: Option<&str>,
    ) -> Result<(Json, Option<&'static str>), AvroError> {
        let primitive = |name: &str| {
            let mut object = Map::new();
            object.insert("type".into(), Json::from(name));
            Json::Object(object)
        };
        Ok(match &schema.ty {
            Type::Int8 => (primitive("int"), Some("int8")),
            Type::Int16 => (primitive("int"), Some("int16")),
            Type::Int32 => (primitive("int"), None),
            Type::Int64 => (primitive("long"), None),
            Type::Float32 => (primitive("float"), None),
            Type::Float64 => (primitive("double"), None),
            Type::Boolean => (primitive("boolean"), None),
            Type::String => (primitive("string"), None),
            Type::Bytes => (decimal_props(primitive("bytes"), schema)?, None),
            Type::Array(items) => {
                let items = self.convert(items, namespace, false)?;
                (json!({"type": "array", "items": items}), None)
            }
            Type::Map { key, value } if key.ty == Type::String && !key.optional => {
                let values = self.convert(value, namespace, false)?;
                (json!({"type": "map", "values": values}), None)
            }
            Type::Map { key, value } => (self.map_entries(schema, key, value, namespace)?, None),
            Type::Struct(_) => (self.record(schema, namespace)?, None),
        })
    }

    fn map_entries(
        &mut self,
        schema: &Schema,
        key: &Schema,
        value: &Schema,
        namespace: Option<&str>,
    ) -> Result<Json, AvroError> {
        let (space, name) = match schema.name.as_deref() {
            Some(full) => split_name(full),
            None => (Some(NAMESPACE), "MapEntry"),
        };
        let full = qualify(space, name);
        if !self.defined.insert(full.clone()) {
            return Ok(json!({"type": "array", "items": reference(&full, namespace)}));
        }
        let mut record = Map::new();
        record.insert("type".into(), json!("record"));
        record.insert("name".into(), json!(name));
        if space.is_some() && space != namespace {
            record.insert("namespace".into(), json!(space));
        }
        let fields = vec![
            self.field("key", key, None, space)?,
            self.field("value", value, None, space)?,
        ];
        record.insert("fields".into(), Json::Array(fields));
        if schema.name.is_some() {
            record.insert("connect.internal.type".into(), json!("MapEntry"));
        }
        Ok(json!({"type": "array", "items": record}))
    }

    fn record(&mut self, schema: &Schema, namespace: Option<&str>) -> Result<Json, AvroError> {
        let (space, name) = match schema.name.as_deref() {
            Some(full) => split_name(full),
            None => (Some(NAMESPACE), "ConnectDefault"),
        };
        let full = qualify(space, name);
        if !self.defined.insert(full.clone()) {
            return Ok(reference(&full, namespace));
        }
        let mut record = Map::new();
        record.insert("type".into(), json!("record"));
        record.insert("name".into(), json!(name));
        if space.is_some() && space != namespace {
            record.insert("namespace".into(), json!(space));
        }
        if let Some(doc) = schema.parameter(RECORD_DOC_PARAMETER) {
            record.insert("doc".into(), json!(doc));
        }
        let mut fields = Vec::with_capacity(schema.fields().len());
        for field in schema.fields() {
            let doc = schema.parameter(&format!("{FIELD_DOC_PREFIX}{}", field.name));
            fields.push(self.field(&field.name, &field.schema, doc, space)?);
        }
        record.insert("fields".into(), Json::Array(fields));
        Ok(Json::Object(record))
    }

    fn field(
        &mut self,
        name: &str,
        schema: &Schema,
        doc: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Json, AvroError> {
        let mut field = Map::new();
        field.insert("name".into(), json!(name));
        field.insert("type".into(), self.convert(schema, namespace, false)?);
        if let Some(doc) = doc {
            field.insert("doc".into(), json!(doc));
        }
        if let Some(default) = &schema.default {
            field.insert("default".into(), default_json(schema, default)?);
        } else if schema.optional {
            field.insert("default".into(), Json::Null);
        }
        Ok(Json::Object(field))
    }
}

fn qualify(space: Option<&str>, name: &str) -> String {
    match space {
        Some(space) => format!("{space}.{name}"),
        None => name.to_owned(),
    }
}

/// How a named type defined earlier is referred to from inside `namespace`.
fn reference(full: &str, namespace: Option<&str>) -> Json {
    let (space, name) = split_name(full);
    if space.is_some() && space == namespace {
        json!(name)
    } else {
        json!(full)
    }
}

fn decimal_props(base: Json, schema: &Schema) -> Result<Json, AvroError> {
    let Json::Object(mut object) = base else {
        return Ok(base);
    };
    if schema.name.as_deref() == Some(DECIMAL_NAME) {
        let number = |key: &str, default: i64| -> Result<i64, AvroError> {
            schema.parameter(key).map_or(Ok(default), |text| {
                text.parse()
                    .map_err(|_| AvroError::Mapping(format!("parameter {key}={text}")))
            })
        };
        object.insert("scale".into(), json!(number(DECIMAL_SCALE_PARAMETER, 0)?));
        object.insert(
            "precision".into(),
            json!(number(DECIMAL_PRECISION_PARAMETER, 64)?),
        );
    }
    Ok(Json::Object(object))
}

fn add_meta(
    object: &mut Map<String, Json>,
    schema: &Schema,
    connect_type: Option<&str>,
) -> Result<(), AvroError> {
    if let Some(doc) = &schema.doc {
        object.insert("connect.doc".into(), json!(doc));
    }
    if let Some(version) = schema.version {
        object.insert("connect.version".into(), json!(version));
    }
    if let Some(parameters) = &schema.parameters {
        let kept: Map<String, Json> = parameters
            .iter()
            .filter(|(key, _)| key.as_str() != FIELD_DEFAULT_PARAMETER)
            .map(|(key, value)| (key.clone(), json!(value)))
            .collect();
        if !kept.is_empty() {
            object.insert("connect.parameters".into(), Json::Object(kept));
        }
    }
    if let Some(default) = &schema.default
        && schema.parameter(FIELD_DEFAULT_PARAMETER).is_none()
    {
        object.insert("connect.default".into(), default_json(schema, default)?);
    }
    if let Some(name) = &schema.name {
        object.insert("connect.name".into(), json!(name));
    }
    if let Some(connect_type) = connect_type {
        object.insert("connect.type".into(), json!(connect_type));
    }
    let logical = match schema.name.as_deref() {
        Some(DECIMAL_NAME) if schema.ty == Type::Bytes => Some("decimal"),
        Some(DATE_NAME) if schema.ty == Type::Int32 => Some("date"),
        Some(TIME_NAME) if schema.ty == Type::Int32 => Some("time-millis"),
        Some(TIMESTAMP_NAME) if schema.ty == Type::Int64 => Some("timestamp-millis"),
        _ => None,
    };
    if let Some(logical) = logical {
        object.insert("logicalType".into(), json!(logical));
    }
    Ok(())
}

fn latin1(bytes: &[u8]) -> Json {
    Json::String(bytes.iter().map(|&b| char::from(b)).collect())
}

/// `AvroData.defaultValueFromConnect`: the Avro JSON form of a Connect default value.
fn default_json(schema: &Schema, value: &Value) -> Result<Json, AvroError> {
    let bad = || {
        AvroError::Mapping(format!(
            "default {value:?} does not fit {}",
            schema.ty.tag()
        ))
    };
    Ok(match value {
        Value::Null => Json::Null,
        Value::Boolean(v) => json!(v),
        Value::Int8(v) => json!(v),
        Value::Int16(v) => json!(v),
        Value::Int32(v) | Value::Date(v) | Value::Time(v) => json!(v),
        Value::Int64(v) | Value::Timestamp(v) => json!(v),
        Value::Float32(v) => json!(f64::from(*v)),
        Value::Float64(v) => json!(v),
        Value::String(text) => json!(text.as_str()),
        Value::Bytes(bytes) => latin1(bytes),
        Value::Decimal(decimal) => latin1(decimal.unscaled_bytes()),
        Value::Array(elements) => {
            let Type::Array(items) = &schema.ty else {
                return Err(bad());
            };
            Json::Array(
                elements
                    .iter()
                    .map(|e| default_json(items, e))
                    .collect::<Result<_, _>>()?,
            )
        }
        Value::Map(entries) => {
            let Type::Map { key, value: values } = &schema.ty else {
                return Err(bad());
            };
            if key.ty == Type::String && !key.optional {
                let mut object = Map::new();
                for (k, v) in entries {
                    let k = k.as_str().ok_or_else(bad)?;
                    object.insert(k.to_owned(), default_json(values, v)?);
                }
                Json::Object(object)
            } else {
                let pairs = entries
                    .iter()
                    .map(|(k, v)| Ok(json!([default_json(key, k)?, default_json(values, v)?])));
                Json::Array(pairs.collect::<Result<_, AvroError>>()?)
            }
        }
        Value::Struct(record) => {
            let mut object = Map::new();
            for field in schema.fields() {
                let value = record.get(&field.name).map_err(|_| bad())?;
                object.insert(field.name.clone(), default_json(&field.schema, value)?);
            }
            Json::Object(object)
        }
    })
}
