//! `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: casts top-level fields, or the whole
//! key or value, to another primitive type.

use std::sync::Arc;

use sluice_codecs::{Field, Schema, SchemaRef, Value};
use smallvec::SmallVec;

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::cast_value::{Target, cast_value};
use super::util::{self, SchemaCache};
use super::{Outcome, StructPlan, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.Cast";
const SPEC: &str = "spec";
const PURPOSE: &str = "cast types";

/// What to cast: the whole key/value, or named top-level fields.
#[derive(Debug, Clone, PartialEq)]
enum CastSpec {
    Whole(Target),
    Fields(Vec<(String, Target)>),
}

/// Parses `spec` as Kafka's `Cast.parseFieldTypes`, with its messages.
fn parse_spec(items: &[String]) -> Result<CastSpec, String> {
    if items.is_empty() {
        return Err("Must specify at least one field to cast.".to_owned());
    }
    let mut whole = None;
    let mut fields: Vec<(String, Target)> = Vec::new();
    for mapping in items {
        match util::java_split_colon(mapping).as_slice() {
            [target] => whole = Some(Target::parse(target.trim())?),
            [name, target] => {
                let target = Target::parse(target.trim())?;
                let name = name.trim();
                fields.retain(|(known, _)| known != name);
                fields.push((name.to_owned(), target));
            }
            _ => return Err(format!("Invalid rename mapping: {mapping}")),
        }
    }
    match whole {
        Some(_) if items.len() > 1 => Err("Cast transformations that specify a type to cast the \
             entire value to may ony specify a single cast in their spec"
            .to_owned()),
        Some(target) => Ok(CastSpec::Whole(target)),
        None => Ok(CastSpec::Fields(fields)),
    }
}

/// Cast's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(SPEC, ConfigType::List)
                .validator(Validator::custom(|value| match value {
                    ConfigValue::List(items) => parse_spec(items).map(|_| ()),
                    _ => Ok(()),
                }))
                .importance(Importance::High)
                .doc(
                    "List of fields and the type to cast them to of the form field1:type,\
                     field2:type to cast fields of Maps or Structs. A single type to cast the \
                     entire value. Valid types are int8, int16, int32, int64, float32, float64, \
                     boolean, and string. Note that binary fields can only be cast to string.",
                ),
        )
        .define(util::replace_null_with_default_key())
}

/// Builds `Cast$Key` or `Cast$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let items = config.list(SPEC);
    let spec =
        parse_spec(items).map_err(|reason| ConfigError::invalid(SPEC, items.join(","), reason))?;
    Ok(Box::new(Cast {
        part,
        spec,
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    }))
}

/// What Cast derived from an input schema: the output schema, the target of each input field
/// and how each output value is checked.
struct Plan {
    schema: SchemaRef,
    targets: Box<[Option<Target>]>,
    checks: Box<[util::ValueCheck]>,
    /// The position and target of each cast field.
    cast_positions: Box<[(usize, Target)]>,
    /// Whether every input field's index is its position, so values can be cast in place.
    positional: bool,
    /// Whether a null may read as its field's default.
    defaults: bool,
}

/// Cast values of one struct, kept inline for the few fields a spec usually names.
type Casts = SmallVec<[Value; 4]>;

/// `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: casts fields, or the whole key or
/// value, to `int8`…`float64`, `boolean` or `string`.
pub struct Cast {
    part: RecordPart,
    spec: CastSpec,
    replace_null_with_default: bool,
    cache: SchemaCache<Arc<Plan>>,
}

impl Transform for Cast {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        if value.is_null() {
            return Ok(Outcome::Keep);
        }
        let (schema, value) = match schema {
            None => (None, self.cast_schemaless(value)?),
            Some(schema) => {
                let plan = self
                    .cache
                    .get_or_try_insert(schema, |schema| self.derive(schema))?;
                let fits = match value {
                    Value::Struct(original) => {
                        SchemaRef::ptr_eq(original.schema(), schema)
                            || self
                                .cache
                                .get(original.schema())
                                .is_some_and(|other| Arc::ptr_eq(&other, &plan))
                    }
                    _ => false,
                };
                // Filled in place: returning the inline values would copy them.
                let mut casts = Casts::new();
                if fits && let CastSpec::Fields(_) = self.spec {
                    let original = util::require_struct(value, PURPOSE)?;
                    let fields = original.schema().fields();
                    if self.checked_casts(original.values(), fields, &plan, false, &mut casts)? {
                        let (input, mut values) = util::take_struct(record, self.part);
                        self.put_casts(&mut values, input.fields(), &plan, &mut casts);
                        util::set_checked_struct(record, self.part, &plan.schema, values)?;
                        return Ok(Outcome::Keep);
                    }
                }
                let value = self.cast_with_schema(schema, value, &plan)?;
                (Some(SchemaRef::clone(&plan.schema)), value)
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }

    fn struct_part(&self) -> Option<RecordPart> {
        match self.spec {
            CastSpec::Fields(_) => Some(self.part),
            CastSpec::Whole(_) => None,
        }
    }

    fn struct_plan(&self, input: &SchemaRef) -> Option<StructPlan> {
        StructPlan::cached(
            &self.cache,
            input,
            |schema| self.derive(schema),
            |plan| SchemaRef::clone(&plan.schema),
        )
    }

    fn apply_planned(
        &self,
        plan: &StructPlan,
        input: &Schema,
        values: &mut Vec<Value>,
        _record: &Record,
        valid: &mut bool,
    ) -> bool {
        let (Some(plan), CastSpec::Fields(_)) = (plan.state::<Plan>(), &self.spec) else {
            return false;
        };
        let fields = input.fields();
        let mut casts = Casts::new();
        if !matches!(
            self.checked_casts(values, fields, plan, *valid, &mut casts),
            Ok(true)
        ) {
            return false;
        }
        self.put_casts(values, fields, plan, &mut casts);
        *valid = true;
        true
    }
}

impl Cast {
    fn cast_schemaless(&self, value: &Value) -> Result<Value, TransformError> {
        let fields = match &self.spec {
            CastSpec::Whole(target) => return cast_value(None, value, *target),
            CastSpec::Fields(fields) => fields,
        };
        let original = util::require_map(value, PURPOSE)?;
        let mut updated = original.to_vec();
        for (name, target) in fields {
            let field = util::map_get(original, name).unwrap_or(&Value::Null);
            util::map_put(&mut updated, name, cast_value(None, field, *target)?);
        }
        Ok(Value::Map(updated))
    }

    /// For a per-field spec: pushes the cast values of the cast fields of `values` (a struct
    /// of `fields`) onto `casts` in field order and tells whether they and every kept value are
    /// valid for the plan's output fields, so the struct can be rebuilt in place without
    /// re-validating it. When `known_valid` (every value is valid for its field) and no default
    /// can stand in for a null, only the cast values are checked, as the other fields keep
    /// their schemas.
    fn checked_casts(
        &self,
        values: &[Value],
        fields: &[Field],
        plan: &Plan,
        known_valid: bool,
        casts: &mut Casts,
    ) -> Result<bool, TransformError> {
        let outputs = plan.schema.fields();
        if !plan.positional
            || fields.len() != outputs.len()
            || values.len() != fields.len()
            || plan.targets.len() != fields.len()
        {
            return Ok(false);
        }
        if known_valid && !plan.defaults {
            for (position, target) in plan.cast_positions.iter() {
                let (Some(stored), Some(field), Some(output), Some(check)) = (
                    values.get(*position),
                    fields.get(*position),
                    outputs.get(*position),
                    plan.checks.get(*position),
                ) else {
                    return Ok(false);
                };
                let cast = cast_value(Some(&field.schema), stored, *target)?;
                if !check.passes(&cast, &output.schema) {
                    return Ok(false);
                }
                casts.push(cast);
            }
            return Ok(true);
        }
        let mut valid = true;
        for (((stored, field), (output, check)), target) in values
            .iter()
            .zip(fields)
            .zip(outputs.iter().zip(plan.checks.iter()))
            .zip(plan.targets.iter())
        {
            let current = util::effective_value(stored, field, plan.defaults);
            match *target {
                Some(target) => {
                    let cast = cast_value(Some(&field.schema), current, target)?;
                    valid &= check.passes(&cast, &output.schema);
                    casts.push(cast);
                }
                None => valid &= check.passes(current, &output.schema),
            }
        }
        Ok(valid)
    }

    /// Puts `casts` (from [`Cast::checked_casts`]) in place of the cast fields' values in
    /// `values` (a struct of `fields`); with defaults, the other null values become their
    /// field's default.
    fn put_casts(&self, values: &mut [Value], fields: &[Field], plan: &Plan, casts: &mut Casts) {
        if !plan.defaults {
            for ((position, _), cast) in plan.cast_positions.iter().zip(casts.drain(..)) {
                if let Some(slot) = values.get_mut(*position) {
                    *slot = cast;
                }
            }
            return;
        }
        let mut casts = casts.drain(..);
        for ((value, field), target) in values.iter_mut().zip(fields).zip(plan.targets.iter()) {
            match target {
                Some(_) => {
                    if let Some(cast) = casts.next() {
                        *value = cast;
                    }
                }
                None => util::default_if_null(value, field, self.replace_null_with_default),
            }
        }
    }

    fn cast_with_schema(
        &self,
        schema: &Schema,
        value: &Value,
        derived: &Plan,
    ) -> Result<Value, TransformError> {
        if let CastSpec::Whole(target) = self.spec {
            return cast_value(Some(schema), value, target);
        }
        let original = util::require_struct(value, PURPOSE)?;
        let mut values = Vec::with_capacity(original.values().len());
        for field in original.schema().fields() {
            let current = util::field_value(original, field, self.replace_null_with_default);
            values.push(match derived.targets.get(field.index).copied().flatten() {
                Some(target) => cast_value(Some(&field.schema), current, target)?,
                None => current.clone(),
            });
        }
        Ok(Value::Struct(util::build_struct(
            SchemaRef::clone(&derived.schema),
            values,
        )?))
    }

    /// Kafka's `getOrBuildSchema`, called once per input schema.
    fn derive(&self, schema: &Schema) -> Result<Arc<Plan>, TransformError> {
        let (mut updated, targets) = match &self.spec {
            CastSpec::Whole(target) => {
                // A logical type's name must not label the cast value (an INT64 named
                // Timestamp would hold a plain long), so only other schemas keep their basics.
                let mut updated = if schema.logical_type().is_some() {
                    Schema::new(target.schema_type())
                } else {
                    util::copy_schema_basics(schema, target.schema_type())
                };
                updated.default = cast_default(schema, *target)?;
                (updated, Vec::new())
            }
            CastSpec::Fields(fields) => derive_fields(schema, fields)?,
        };
        updated.optional = schema.optional;
        let updated = updated.into_ref();
        Ok(Arc::new(Plan {
            checks: util::ValueCheck::of_fields(&updated),
            schema: updated,
            cast_positions: targets
                .iter()
                .enumerate()
                .filter_map(|(position, target)| Some((position, (*target)?)))
                .collect(),
            targets: targets.into(),
            positional: util::positional(schema),
            defaults: util::uses_defaults(schema, self.replace_null_with_default),
        }))
    }
}

/// The struct schema with the listed fields cast, and each field's target. A default on the
/// struct itself is dropped: Kafka cannot cast a Struct default and fails instead.
fn derive_fields(
    schema: &Schema,
    casts: &[(String, Target)],
) -> Result<(Schema, Vec<Option<Target>>), TransformError> {
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut targets = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let target = casts
            .iter()
            .find(|(name, _)| *name == field.name)
            .map(|(_, target)| *target);
        let field_schema = match target {
            Some(target) => {
                let mut cast = Schema::new(target.schema_type());
                cast.optional = field.schema.optional;
                cast.default = cast_default(&field.schema, target)?;
                cast.into_ref()
            }
            None => SchemaRef::clone(&field.schema),
        };
        fields.push((field.name.clone(), field_schema));
        targets.push(target);
    }
    let updated = util::copy_schema_basics(schema, util::struct_type(fields)?);
    Ok((updated, targets))
}

fn cast_default(schema: &Schema, target: Target) -> Result<Option<Value>, TransformError> {
    schema
        .default
        .as_ref()
        .map(|default| cast_value(Some(schema), default, target))
        .transpose()
}

#[cfg(test)]
#[path = "cast_tests.rs"]
mod tests;
