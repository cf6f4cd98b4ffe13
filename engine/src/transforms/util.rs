//! Helpers shared by the field-level transforms (Cast, ExtractField, Flatten, HoistField,
//! InsertField, MaskField, ReplaceField, SetSchemaMetadata, ValueToKey): Kafka's
//! `Requirements` checks with its messages, struct and schemaless-map access, schema rebuilding
//! and the small cache of schemas derived from an input schema.

use std::sync::{Mutex, PoisonError};

use sluice_codecs::{Field, Schema, SchemaRef, Struct, Type, Value};

use crate::config::{ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, Validator};
use crate::record::RecordPart;

use super::TransformError;

/// The `replace.null.with.default` key many transforms declare.
pub(crate) const REPLACE_NULL_WITH_DEFAULT: &str = "replace.null.with.default";

/// Kafka's declaration of `replace.null.with.default` (BOOLEAN, default true).
pub(crate) fn replace_null_with_default_key() -> ConfigKey {
    ConfigKey::new(REPLACE_NULL_WITH_DEFAULT, ConfigType::Boolean)
        .default_value("true")
        .importance(Importance::Medium)
        .doc(
            "Whether to replace fields that have a default value and that are null to the \
             default value. When set to true, the default value is used, otherwise null is used.",
        )
}

/// Java's `String.split(":")`: trailing empty pieces are dropped.
pub(crate) fn java_split_colon(text: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(':').collect();
    while parts.len() > 1 && parts.last().is_some_and(|part| part.is_empty()) {
        parts.pop();
    }
    if !text.is_empty() && parts.iter().all(|part| part.is_empty()) {
        parts.clear();
    }
    parts
}

/// Kafka's `NonEmptyListValidator`: a LIST with at least one item.
pub(crate) fn non_empty_list() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(items) if items.is_empty() => Err("Empty list".to_owned()),
        _ => Ok(()),
    })
}

/// The part a `$Key`/`$Value` transform works on; the registry always passes one, so its absence
/// means the class was named without its `$Key`/`$Value` suffix.
pub(crate) fn operating_part(
    part: Option<RecordPart>,
    class: &str,
) -> Result<RecordPart, ConfigError> {
    part.ok_or_else(|| {
        ConfigError::invalid("type", class, format!("use {class}$Key or {class}$Value"))
    })
}

/// The Java class Kafka Connect would hold for `value`, as `getClass().getName()` prints it.
pub(crate) fn java_class_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Boolean(_) => "java.lang.Boolean",
        Value::Int8(_) => "java.lang.Byte",
        Value::Int16(_) => "java.lang.Short",
        Value::Int32(_) => "java.lang.Integer",
        Value::Int64(_) => "java.lang.Long",
        Value::Float32(_) => "java.lang.Float",
        Value::Float64(_) => "java.lang.Double",
        Value::String(_) => "java.lang.String",
        Value::Bytes(_) => "[B",
        Value::Array(_) => "java.util.ArrayList",
        Value::Map(_) => "java.util.HashMap",
        Value::Struct(_) => "org.apache.kafka.connect.data.Struct",
        Value::Decimal(_) => "java.math.BigDecimal",
        Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => "java.util.Date",
    }
}

/// `value.getClass()` as Java prints it: `class java.lang.String`.
pub(crate) fn java_class(value: &Value) -> String {
    format!("class {}", java_class_name(value))
}

/// Kafka's `requireStruct`: the value as a Struct, or a DataException naming `purpose`.
pub(crate) fn require_struct<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<&'a Struct, TransformError> {
    match value {
        Value::Struct(inner) => Ok(inner),
        other => Err(TransformError::data(format!(
            "Only Struct objects supported for [{purpose}], found: {}",
            java_class_name(other)
        ))),
    }
}

/// Kafka's `requireStructOrNull`: like [`require_struct`] but null is allowed.
pub(crate) fn require_struct_or_null<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<Option<&'a Struct>, TransformError> {
    match value {
        Value::Null => Ok(None),
        other => require_struct(other, purpose).map(Some),
    }
}

/// Kafka's `requireMap`: the entries of a schemaless map, or a DataException naming `purpose`.
pub(crate) fn require_map<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<&'a [(Value, Value)], TransformError> {
    match value {
        Value::Map(entries) => Ok(entries),
        other => Err(TransformError::data(format!(
            "Only Map objects supported in absence of schema for [{purpose}], found: {}",
            java_class_name(other)
        ))),
    }
}

/// Kafka's `requireMapOrNull`: like [`require_map`] but null is allowed.
pub(crate) fn require_map_or_null<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<Option<&'a [(Value, Value)]>, TransformError> {
    match value {
        Value::Null => Ok(None),
        other => require_map(other, purpose).map(Some),
    }
}

/// The value under string key `key` in schemaless map entries.
pub(crate) fn map_get<'a>(entries: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    entries
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

/// Sets `key` in schemaless map entries: replaces the value in place, or appends the entry, as
/// `Map.put` does.
pub(crate) fn map_put(entries: &mut Vec<(Value, Value)>, key: &str, value: Value) {
    match entries.iter_mut().find(|(k, _)| k.as_str() == Some(key)) {
        Some((_, slot)) => *slot = value,
        None => entries.push((Value::string(key), value)),
    }
}

/// The value of `field` in `value`: with `replace.null.with.default` a null becomes the
/// field's default (`Struct.get`), otherwise it stays null (`Struct.getWithoutDefault`).
pub(crate) fn field_value<'a>(
    value: &'a Struct,
    field: &'a Field,
    replace_null_with_default: bool,
) -> &'a Value {
    let stored = value.values().get(field.index).unwrap_or(&Value::Null);
    match (&field.schema.default, stored) {
        (Some(default), Value::Null) if replace_null_with_default => default,
        _ => stored,
    }
}

/// Kafka's `SchemaUtil.copySchemaBasics`: a schema of type `ty` with the name, version, doc and
/// parameters of `source` (not its optionality or default).
pub(crate) fn copy_schema_basics(source: &Schema, ty: Type) -> Schema {
    let mut copy = Schema::new(ty);
    copy.name.clone_from(&source.name);
    copy.version = source.version;
    copy.doc.clone_from(&source.doc);
    copy.parameters.clone_from(&source.parameters);
    copy
}

/// The STRUCT type with `fields` in order, failing like Kafka's `SchemaBuilder.field` when a
/// name repeats.
pub(crate) fn struct_type(fields: Vec<(String, SchemaRef)>) -> Result<Type, TransformError> {
    let mut built: Vec<Field> = Vec::with_capacity(fields.len());
    for (index, (name, schema)) in fields.into_iter().enumerate() {
        if built.iter().any(|field| field.name == name) {
            return Err(TransformError::data(format!(
                "Cannot create field because of field name duplication {name}"
            )));
        }
        built.push(Field {
            name,
            index,
            schema,
        });
    }
    Ok(Type::Struct(built))
}

/// A struct of `schema` holding `values` in field order, validated as Kafka's `Struct.put`
/// validates each value.
pub(crate) fn build_struct(
    schema: SchemaRef,
    values: Vec<Value>,
) -> Result<Struct, TransformError> {
    let built = Struct::from_values(schema, values)?;
    built.validate()?;
    Ok(built)
}

/// How many derived schemas a transform keeps, as Kafka's `LRUCache(16)`.
const SCHEMA_CACHE_CAPACITY: usize = 16;

/// What a transform derived from an input schema, kept for the next records with that schema
/// (Kafka's `SynchronizedCache<>(new LRUCache<>(16))`). Looked up by pointer first, then by
/// schema equality; a batch with one schema derives once.
pub(crate) struct SchemaCache<T> {
    entries: Mutex<Vec<(SchemaRef, T)>>,
}

impl<T: Clone> SchemaCache<T> {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self {
            entries: Mutex::new(Vec::with_capacity(SCHEMA_CACHE_CAPACITY)),
        }
    }

    /// The value derived from `schema`, deriving and remembering it on a miss. The most recently
    /// used entry is kept first; the least recently used is evicted when the cache is full.
    pub(crate) fn get_or_try_insert<E>(
        &self,
        schema: &SchemaRef,
        derive: impl FnOnce(&Schema) -> Result<T, E>,
    ) -> Result<T, E> {
        // A panic while holding the lock cannot leave the Vec inconsistent, so poison is ignored.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let hit = entries
            .iter()
            .position(|(key, _)| SchemaRef::ptr_eq(key, schema))
            .or_else(|| entries.iter().position(|(key, _)| key == schema));
        if let Some(at) = hit {
            if at > 0 {
                entries[..=at].rotate_right(1);
            }
            return Ok(entries[0].1.clone());
        }
        drop(entries);
        let derived = derive(schema)?;
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.truncate(SCHEMA_CACHE_CAPACITY - 1);
        entries.insert(0, (SchemaRef::clone(schema), derived.clone()));
        Ok(derived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn requirement_messages_match_kafka() {
        let error = require_struct(&Value::from("x"), "mask fields").expect_err("not a struct");
        assert_eq!(
            error.to_string(),
            "Only Struct objects supported for [mask fields], found: java.lang.String"
        );
        let error = require_map(&Value::Null, "mask fields").expect_err("null");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [mask fields], found: null"
        );
        assert_eq!(require_map_or_null(&Value::Null, "x"), Ok(None));
    }

    #[test]
    fn map_put_replaces_in_place_or_appends() {
        let mut entries = vec![(Value::from("a"), Value::Int32(1))];
        map_put(&mut entries, "a", Value::Int32(2));
        map_put(&mut entries, "b", Value::Int32(3));
        assert_eq!(
            entries,
            [
                (Value::from("a"), Value::Int32(2)),
                (Value::from("b"), Value::Int32(3))
            ]
        );
        assert_eq!(map_get(&entries, "b"), Some(&Value::Int32(3)));
    }

    #[test]
    fn cache_derives_once_per_schema_and_evicts_the_least_recent() {
        let cache = SchemaCache::<i32>::new();
        let calls = Cell::new(0);
        let derive = |_: &Schema| -> Result<i32, ()> {
            calls.set(calls.get() + 1);
            Ok(calls.get())
        };
        let first = Schema::int8().into_ref();
        let equal = Schema::int8().into_ref();
        assert_eq!(cache.get_or_try_insert(&first, derive), Ok(1));
        assert_eq!(cache.get_or_try_insert(&equal, derive), Ok(1));
        for version in 0..16 {
            let other = Schema::int8().with_version(version).into_ref();
            cache.get_or_try_insert(&other, derive).expect("derives");
        }
        assert_eq!(calls.get(), 17);
        assert_eq!(cache.get_or_try_insert(&first, derive), Ok(18));
    }

    #[test]
    fn duplicate_field_names_are_rejected() {
        let fields = vec![
            ("a".to_owned(), Schema::int8().into_ref()),
            ("a".to_owned(), Schema::int8().into_ref()),
        ];
        let error = struct_type(fields).expect_err("duplicate");
        assert_eq!(
            error.to_string(),
            "Cannot create field because of field name duplication a"
        );
    }
}
