//! Kafka's `Requirements` checks, with the `DataException` messages Kafka gives.

use sluice_codecs::{Struct, Value};

use crate::transforms::TransformError;

/// The Java class Kafka Connect would hold for `value`, as `getClass().getName()` prints it and
/// `DataException` messages show it (`java.lang.String`, `org.apache.kafka.connect.data.Struct`).
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
