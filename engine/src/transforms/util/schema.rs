//! Reading and rebuilding structs, their schemas and schemaless maps as Kafka's transforms do.

use sluice_codecs::{Field, Schema, SchemaRef, Struct, Type, Value};

use crate::record::{Record, RecordPart};
use crate::transforms::TransformError;

/// Sets `part` of `record` to the struct of `schema` holding `values`: the fast path of a
/// transform whose plan already checked every value against `schema`, so unlike
/// [`build_struct`] the struct is not validated again.
pub(crate) fn set_checked_struct(
    record: &mut Record,
    part: RecordPart,
    schema: &SchemaRef,
    values: Vec<Value>,
) -> Result<(), TransformError> {
    let rebuilt = Struct::from_values(SchemaRef::clone(schema), values)?;
    record.set_part(part, Some(SchemaRef::clone(schema)), Value::Struct(rebuilt));
    Ok(())
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
    effective_value(stored, field, replace_null_with_default)
}

/// `stored`, the value of `field`, as [`field_value`] reads it: with
/// `replace.null.with.default` a null becomes the field's default.
#[inline]
pub(crate) fn effective_value<'a>(
    stored: &'a Value,
    field: &'a Field,
    replace_null_with_default: bool,
) -> &'a Value {
    // The flag and the value are checked before the field's schema is read: most values are
    // not null, and per-record paths read every field.
    if replace_null_with_default
        && stored.is_null()
        && let Some(default) = &field.schema.default
    {
        return default;
    }
    stored
}

/// Whether reading `schema`'s fields can ever substitute a default: `replace.null.with.default`
/// is on and some field has a default. When not, per-record paths skip the substitution.
pub(crate) fn uses_defaults(schema: &Schema, replace_null_with_default: bool) -> bool {
    replace_null_with_default
        && schema
            .fields()
            .iter()
            .any(|field| field.schema.default.is_some())
}

/// Whether every field's index is its position, as in every schema built by `Schema::structure`
/// or a decoder, so values can be read and edited by position.
pub(crate) fn positional(schema: &Schema) -> bool {
    schema
        .fields()
        .iter()
        .enumerate()
        .all(|(position, field)| field.index == position)
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

/// Takes the values of the struct in `record`'s `part`, leaving null there. For a transform
/// that has already checked everything that can fail, so it can move values instead of
/// cloning them and then put a rebuilt struct back.
pub(crate) fn take_struct_values(record: &mut Record, part: RecordPart) -> Vec<Value> {
    let slot = match part {
        RecordPart::Key => &mut record.key,
        RecordPart::Value => &mut record.value,
    };
    match std::mem::replace(slot, Value::Null) {
        Value::Struct(taken) => taken.into_parts().1,
        _ => unreachable!("the caller checked that the part holds a struct"),
    }
}

/// The key or the value of `record`, to replace it without touching its schema.
pub(crate) fn part_value_mut(record: &mut Record, part: RecordPart) -> &mut Value {
    match part {
        RecordPart::Key => &mut record.key,
        RecordPart::Value => &mut record.value,
    }
}

/// Takes the struct in `record`'s `part` apart, leaving null there: its schema and values, for
/// a transform that has checked everything that can fail and edits the values in place.
pub(crate) fn take_struct(record: &mut Record, part: RecordPart) -> (SchemaRef, Vec<Value>) {
    match std::mem::replace(part_value_mut(record, part), Value::Null) {
        Value::Struct(taken) => taken.into_parts(),
        _ => unreachable!("the caller checked that the part holds a struct"),
    }
}

/// Moves the value of `field` out of `values` (taken by [`take_struct_values`]), as
/// [`field_value`] reads it: a null becomes the field's default when asked.
pub(crate) fn take_field_value(
    values: &mut [Value],
    field: &Field,
    replace_null_with_default: bool,
) -> Value {
    let Some(stored) = values.get_mut(field.index) else {
        return Value::Null;
    };
    match (&field.schema.default, &*stored) {
        (Some(default), Value::Null) if replace_null_with_default => default.clone(),
        _ => std::mem::replace(stored, Value::Null),
    }
}

/// With `replace.null.with.default`, turns a null `value` of `field` into the field's default
/// in place, as [`take_field_value`] reads it.
pub(crate) fn default_if_null(value: &mut Value, field: &Field, replace_null_with_default: bool) {
    if replace_null_with_default
        && value.is_null()
        && let Some(default) = &field.schema.default
    {
        *value = default.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
