//! `org.apache.kafka.connect.transforms.HeaderFrom$Key` / `$Value`: copies or moves fields of
//! the key or value into headers, each header carrying its field's schema.

use sluice_codecs::{Schema, SchemaRef, Str, Struct, Type, Value};

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::util::{
    REPLACE_NULL_WITH_DEFAULT, SchemaCache, copy_schema_basics, map_get, non_empty_list,
    replace_null_with_default_key, require_map, require_struct,
};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.HeaderFrom";
const FIELDS: &str = "fields";
const HEADERS: &str = "headers";
const OPERATION: &str = "operation";

/// Copies (`copy`) or moves (`move`) fields into headers.
#[derive(Debug)]
pub struct HeaderFrom {
    fields: Vec<String>,
    headers: Vec<Str>,
    moving: bool,
    replace_null_with_default: bool,
    part: RecordPart,
    /// The `purpose` in Kafka's error messages: `header move` or `header copy`.
    purpose: &'static str,
    moved_schemas: SchemaCache<SchemaRef>,
}

/// The keys of `HeaderFrom`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELDS, ConfigType::List)
                .validator(non_empty_list())
                .importance(Importance::High)
                .doc("Field names in the record whose values are to be copied or moved to headers."),
        )
        .define(
            ConfigKey::new(HEADERS, ConfigType::List)
                .validator(non_empty_list())
                .importance(Importance::High)
                .doc("Header names, in the same order as the field names listed in the fields configuration property."),
        )
        .define(
            ConfigKey::new(OPERATION, ConfigType::String)
                .validator(Validator::OneOf(vec!["move", "copy"]))
                .importance(Importance::High)
                .doc("Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value)."),
        )
        .define(replace_null_with_default_key())
}

/// Builds a `HeaderFrom` for the key or value.
pub fn build(raw: &RawConfig, part: Option<RecordPart>) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    let fields = config.list(FIELDS).to_vec();
    let headers = config.list(HEADERS);
    if headers.len() != fields.len() {
        return Err(ConfigError::invalid(
            HEADERS,
            headers.join(","),
            format!(
                "'{FIELDS}' config must have the same number of elements as '{HEADERS}' config."
            ),
        ));
    }
    let moving = config.string(OPERATION) == Some("move");
    Ok(Box::new(HeaderFrom {
        fields,
        headers: headers.iter().map(|h| Str::from(h.as_str())).collect(),
        moving,
        replace_null_with_default: config.boolean(REPLACE_NULL_WITH_DEFAULT).unwrap_or(true),
        part: part.unwrap_or(RecordPart::Value),
        purpose: if moving { "header move" } else { "header copy" },
        moved_schemas: SchemaCache::new(),
    }))
}

impl Transform for HeaderFrom {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        match record.part(self.part).0.cloned() {
            Some(schema) => self.apply_with_schema(record, &schema)?,
            None => self.apply_schemaless(record)?,
        }
        Ok(Outcome::Keep)
    }
}

impl HeaderFrom {
    fn field_value<'a>(&self, value: &'a Struct, name: &str) -> Result<&'a Value, TransformError> {
        Ok(if self.replace_null_with_default {
            value.get(name)?
        } else {
            value.get_without_default(name)?
        })
    }

    fn apply_with_schema(
        &self,
        record: &mut Record,
        schema: &SchemaRef,
    ) -> Result<(), TransformError> {
        let value = require_struct(record.part(self.part).1, self.purpose)?;
        let mut added = Vec::with_capacity(self.fields.len());
        for (field, header) in self.fields.iter().zip(&self.headers) {
            let field_value = self.field_value(value, field)?.clone();
            let field_schema = value.schema().field(field).map(|f| f.schema.clone());
            added.push((header.clone(), field_schema, field_value));
        }
        let moved = if self.moving {
            let moved_schema = self
                .moved_schemas
                .get_or_try_insert::<TransformError>(schema, |schema| {
                    Ok(self.moved_schema(schema).into_ref())
                })?;
            let kept = moved_schema
                .fields()
                .iter()
                .map(|field| self.field_value(value, &field.name).cloned())
                .collect::<Result<Vec<_>, _>>()?;
            Some((
                moved_schema.clone(),
                Struct::from_values(moved_schema, kept)?,
            ))
        } else {
            None
        };
        for (header, field_schema, field_value) in added {
            record.headers.add(header, field_schema, field_value);
        }
        if let Some((moved_schema, moved)) = moved {
            record.set_part(self.part, Some(moved_schema), Value::Struct(moved));
        }
        Ok(())
    }

    /// Kafka's `moveSchema`: the basics of the schema and every field not moved.
    fn moved_schema(&self, schema: &Schema) -> Schema {
        let kept = schema
            .fields()
            .iter()
            .filter(|field| !self.fields.contains(&field.name))
            .enumerate()
            .map(|(index, field)| sluice_codecs::Field {
                name: field.name.clone(),
                index,
                schema: field.schema.clone(),
            })
            .collect();
        copy_schema_basics(schema, Type::Struct(kept))
    }

    fn apply_schemaless(&self, record: &mut Record) -> Result<(), TransformError> {
        let entries = require_map(record.part(self.part).1, self.purpose)?;
        let added: Vec<Value> = self
            .fields
            .iter()
            .map(|field| map_get(entries, field).cloned().unwrap_or(Value::Null))
            .collect();
        let remaining = self.moving.then(|| {
            entries
                .iter()
                .filter(|(key, _)| {
                    !key.as_str()
                        .is_some_and(|k| self.fields.iter().any(|f| f == k))
                })
                .cloned()
                .collect::<Vec<_>>()
        });
        for (header, value) in self.headers.iter().zip(added) {
            record.headers.add(header.clone(), None, value);
        }
        if let Some(remaining) = remaining {
            record.set_part(self.part, None, Value::Map(remaining));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "header_from_tests.rs"]
mod tests;
