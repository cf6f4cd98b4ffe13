//! Helpers shared by the transforms: Kafka's `Requirements` checks with their messages, the
//! schema-copy helper and a lock-free cache of schemas derived from input schemas.

use std::sync::{Arc, OnceLock};

use regex::Regex;
use sluice_codecs::{Schema, SchemaRef, Struct, Type, Value};

use crate::config::{ConfigError, ConfigValue, Validator};

use super::TransformError;

/// The Java class Connect would report for a value, as in `DataException` messages
/// (`java.lang.String`, `org.apache.kafka.connect.data.Struct`, …).
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

/// Kafka's `Requirements.requireStruct`: the value as a struct, or a `DataException`.
pub(crate) fn require_struct<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<&'a Struct, TransformError> {
    match value {
        Value::Struct(record) => Ok(record),
        other => Err(TransformError::data(format!(
            "Only Struct objects supported for [{purpose}], found: {}",
            java_class_name(other)
        ))),
    }
}

/// Kafka's `Requirements.requireStructOrNull`: `None` for null, else as [`require_struct`].
pub(crate) fn require_struct_or_null<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<Option<&'a Struct>, TransformError> {
    match value {
        Value::Null => Ok(None),
        other => require_struct(other, purpose).map(Some),
    }
}

/// Kafka's `Requirements.requireMap`: the entries of a schemaless map, or a `DataException`.
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

/// Kafka's `SchemaUtil.copySchemaBasics`: a schema of type `ty` with the name, version, doc and
/// parameters of `source` (not its optionality or default).
pub(crate) fn copy_schema_basics(source: &Schema, ty: Type) -> Schema {
    let mut schema = Schema::new(ty);
    schema.name = source.name.clone();
    schema.version = source.version;
    schema.doc = source.doc.clone();
    schema.parameters = source.parameters.clone();
    schema
}

/// A Java regex the regex crate accepts, as a config validator naming the key.
pub(crate) fn valid_regex() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::String(pattern) => Regex::new(pattern)
            .map(|_| ())
            .map_err(|error| format!("Invalid regex: {error}")),
        _ => Ok(()),
    })
}

/// Compiles `pattern` so that it only matches a whole string, like Java's `Matcher.matches`.
pub(crate) fn whole_match_regex(key: &str, pattern: &str) -> Result<Regex, ConfigError> {
    Regex::new(&format!(r"\A(?:{pattern})\z"))
        .map_err(|error| ConfigError::invalid(key, pattern, format!("Invalid regex: {error}")))
}

/// Kafka's `NonEmptyListValidator`.
pub(crate) fn non_empty_list() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(items) if items.is_empty() => Err("Empty list".to_owned()),
        _ => Ok(()),
    })
}

/// How many input schemas a [`SchemaCache`] remembers; Kafka's transforms keep 16 too.
const CACHE_SLOTS: usize = 16;

/// Schemas derived from input schemas, so a batch sharing one schema derives it once. Lookups
/// are lock-free (one atomic load per filled slot); once all slots are filled, further schemas
/// are derived on every use instead of evicting, since pipelines rarely see that many.
#[derive(Debug, Default)]
pub(crate) struct SchemaCache {
    slots: [OnceLock<(SchemaRef, SchemaRef)>; CACHE_SLOTS],
}

impl SchemaCache {
    /// The schema derived from `input`, deriving and remembering it on first sight.
    pub(crate) fn get_or_derive<E>(
        &self,
        input: &SchemaRef,
        derive: impl FnOnce(&Schema) -> Result<Schema, E>,
    ) -> Result<SchemaRef, E> {
        for slot in &self.slots {
            match slot.get() {
                Some((known, derived)) if Arc::ptr_eq(known, input) || **known == **input => {
                    return Ok(derived.clone());
                }
                Some(_) => {}
                None => {
                    let derived = derive(input)?.into_ref();
                    // Another thread may have filled the slot meanwhile; either result is valid.
                    let _ = slot.set((input.clone(), derived.clone()));
                    return Ok(derived);
                }
            }
        }
        derive(input).map(Schema::into_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_messages_match_kafka() {
        let error = require_struct(&Value::from("x"), "header copy").expect_err("not a struct");
        assert_eq!(
            error.to_string(),
            "Only Struct objects supported for [header copy], found: java.lang.String"
        );
        let error = require_map(&Value::Null, "header move").expect_err("not a map");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [header move], found: null"
        );
        assert_eq!(require_struct_or_null(&Value::Null, "p"), Ok(None));
    }

    #[test]
    fn cache_derives_once_per_schema() {
        let cache = SchemaCache::default();
        let input = Schema::int32().into_ref();
        let mut calls = 0;
        for _ in 0..3 {
            let derived = cache
                .get_or_derive::<()>(&input, |schema| {
                    calls += 1;
                    Ok(schema.clone().optional())
                })
                .expect("derivable");
            assert!(derived.optional);
        }
        assert_eq!(calls, 1);
        let equal_copy = Schema::int32().into_ref();
        cache
            .get_or_derive::<()>(&equal_copy, |_| panic!("equal schema is cached"))
            .expect("cached");
    }
}
