//! `org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`: replaces the listed fields with
//! an "empty" value of their type, or with a replacement parsed into that type.

use std::sync::Arc;

use sluice_codecs::{Decimal, Field, Schema, SchemaRef, Str, Value};
use smallvec::SmallVec;

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, StructPlan, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.MaskField";
const FIELDS: &str = "fields";
const REPLACEMENT: &str = "replacement";
const PURPOSE: &str = "mask fields";

/// MaskField's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELDS, ConfigType::List)
                .validator(util::non_empty_list())
                .importance(Importance::High)
                .doc("Names of fields to mask."),
        )
        .define(
            ConfigKey::new(REPLACEMENT, ConfigType::String)
                .default_null()
                .validator(Validator::NonEmptyString)
                .importance(Importance::Low)
                .doc(
                    "Custom value replacement, that will be applied to all 'fields' values \
                     (numeric or non-empty string values only).",
                ),
        )
        .define(util::replace_null_with_default_key())
}

/// Builds `MaskField$Key` or `MaskField$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    Ok(Box::new(MaskField {
        part,
        fields: config.list(FIELDS).to_vec(),
        replacement: config.string(REPLACEMENT).map(str::to_owned),
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    }))
}

/// `org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`: masks the listed fields.
/// Null field values stay null; a null key/value is an error (no tombstone handling).
pub struct MaskField {
    part: RecordPart,
    fields: Vec<String>,
    replacement: Option<String>,
    replace_null_with_default: bool,
    cache: SchemaCache<Arc<Plan>>,
}

/// What MaskField derived from a struct schema: which fields it masks and how each field's
/// value is checked.
struct Plan {
    masked: Box<[bool]>,
    checks: Box<[util::ValueCheck]>,
    /// The positions of the masked fields.
    mask_positions: Box<[usize]>,
    /// Whether every field's index is its position, so values can be edited in place.
    positional: bool,
    /// Whether a null may read as its field's default.
    defaults: bool,
}

impl Transform for MaskField {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        let value = match schema {
            None => {
                let original = util::require_map(value, PURPOSE)?;
                let mut updated = original.to_vec();
                for name in &self.fields {
                    let current = util::map_get(original, name).unwrap_or(&Value::Null);
                    util::map_put(&mut updated, name, self.masked(current)?);
                }
                Value::Map(updated)
            }
            Some(_) => {
                let original = util::require_struct(value, PURPOSE)?;
                let plan = self
                    .cache
                    .get_or_try_insert::<TransformError>(original.schema(), |schema| {
                        Ok(self.derive(schema))
                    })?;
                let fields = original.schema().fields();
                if let Some(masks) = self.checked_masks(original.values(), fields, &plan, false)? {
                    let (input, mut values) = util::take_struct(record, self.part);
                    self.put_masks(&mut values, input.fields(), &plan, masks);
                    let masked = sluice_codecs::Struct::from_values(input, values)?;
                    *util::part_value_mut(record, self.part) = Value::Struct(masked);
                    return Ok(Outcome::Keep);
                }
                let mut values = Vec::with_capacity(original.values().len());
                for field in original.schema().fields() {
                    let current =
                        util::field_value(original, field, self.replace_null_with_default);
                    values.push(if self.fields.contains(&field.name) {
                        self.masked(current)?
                    } else {
                        current.clone()
                    });
                }
                Value::Struct(util::build_struct(
                    SchemaRef::clone(original.schema()),
                    values,
                )?)
            }
        };
        // The schema stays as it is, with or without one.
        *util::part_value_mut(record, self.part) = value;
        Ok(Outcome::Keep)
    }

    fn struct_part(&self) -> Option<RecordPart> {
        Some(self.part)
    }

    fn struct_plan(&self, input: &SchemaRef) -> Option<StructPlan> {
        StructPlan::cached(
            &self.cache,
            input,
            |schema| Ok::<_, TransformError>(self.derive(schema)),
            |_| SchemaRef::clone(input),
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
        let Some(plan) = plan.state::<Plan>() else {
            return false;
        };
        let fields = input.fields();
        let Ok(Some(masks)) = self.checked_masks(values, fields, plan, *valid) else {
            return false;
        };
        self.put_masks(values, fields, plan, masks);
        *valid = true;
        true
    }
}

/// The masked values of one struct's masked fields, kept inline for the few a config names.
type Masks = SmallVec<[Value; 2]>;

impl MaskField {
    /// What masking does to structs of `schema`, worked out once.
    fn derive(&self, schema: &Schema) -> Arc<Plan> {
        let fields = schema.fields();
        Arc::new(Plan {
            masked: fields
                .iter()
                .map(|field| self.fields.contains(&field.name))
                .collect(),
            checks: util::ValueCheck::of_fields(schema),
            mask_positions: fields
                .iter()
                .enumerate()
                .filter(|(_, field)| self.fields.contains(&field.name))
                .map(|(position, _)| position)
                .collect(),
            positional: util::positional(schema),
            defaults: util::uses_defaults(schema, self.replace_null_with_default),
        })
    }

    /// The masked values of the masked fields of `values` (a struct of `fields`), in field
    /// order, when they and every kept value are valid for their fields, so the struct can be
    /// edited in place without re-validating it; `None` when not. When `known_valid` (every
    /// value is valid for its field) and no default can stand in for a null, only the masked
    /// values are checked. Fails as Kafka does on a value that cannot be masked.
    fn checked_masks(
        &self,
        values: &[Value],
        fields: &[Field],
        plan: &Plan,
        known_valid: bool,
    ) -> Result<Option<Masks>, TransformError> {
        if !plan.positional || values.len() != fields.len() || plan.masked.len() != fields.len() {
            return Ok(None);
        }
        let mut masks = Masks::new();
        if known_valid && !plan.defaults {
            for position in plan.mask_positions.iter() {
                let (Some(stored), Some(field), Some(check)) = (
                    values.get(*position),
                    fields.get(*position),
                    plan.checks.get(*position),
                ) else {
                    return Ok(None);
                };
                let masked = self.masked(stored)?;
                if !check.passes(&masked, &field.schema) {
                    return Ok(None);
                }
                masks.push(masked);
            }
            return Ok(Some(masks));
        }
        let mut valid = true;
        for (((stored, field), masked), check) in values
            .iter()
            .zip(fields)
            .zip(plan.masked.iter())
            .zip(plan.checks.iter())
        {
            let current = util::effective_value(stored, field, plan.defaults);
            valid &= if *masked {
                let masked = self.masked(current)?;
                let passes = check.passes(&masked, &field.schema);
                masks.push(masked);
                passes
            } else {
                check.passes(current, &field.schema)
            };
        }
        Ok(valid.then_some(masks))
    }

    /// Puts `masks` (from [`MaskField::checked_masks`]) in place of the masked fields' values;
    /// with defaults, the other null values become their field's default.
    fn put_masks(&self, values: &mut [Value], fields: &[Field], plan: &Plan, masks: Masks) {
        if plan.defaults {
            for (value, field) in values.iter_mut().zip(fields) {
                util::default_if_null(value, field, self.replace_null_with_default);
            }
        }
        for (position, masked) in plan.mask_positions.iter().zip(masks) {
            if let Some(value) = values.get_mut(*position) {
                *value = masked;
            }
        }
    }

    fn masked(&self, value: &Value) -> Result<Value, TransformError> {
        match (value, &self.replacement) {
            (Value::Null, _) => Ok(Value::Null),
            (_, None) => empty_value(value),
            (_, Some(replacement)) => replaced(value, replacement),
        }
    }
}

/// The "empty" value of `value`'s type: `false`, 0, 0.0, "", epoch 0, a zero decimal of the same
/// scale, an empty list or map.
fn empty_value(value: &Value) -> Result<Value, TransformError> {
    Ok(match value {
        Value::Boolean(_) => Value::Boolean(false),
        Value::Int8(_) => Value::Int8(0),
        Value::Int16(_) => Value::Int16(0),
        Value::Int32(_) => Value::Int32(0),
        Value::Int64(_) => Value::Int64(0),
        Value::Float32(_) => Value::Float32(0.0),
        Value::Float64(_) => Value::Float64(0.0),
        Value::String(_) => Value::String(Str::from_static("")),
        Value::Decimal(decimal) => Value::Decimal(Decimal::from_i128(0, decimal.scale())),
        Value::Date(_) => Value::Date(0),
        Value::Time(_) => Value::Time(0),
        Value::Timestamp(_) => Value::Timestamp(0),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Map(_) => Value::Map(Vec::new()),
        other => {
            return Err(TransformError::data(format!(
                "Cannot mask value of type: {}",
                util::java_class(other)
            )));
        }
    })
}

/// `replacement` parsed into `value`'s numeric or string type, as Connect's `Values.convertTo…`.
fn replaced(value: &Value, replacement: &str) -> Result<Value, TransformError> {
    let not_a_number = || {
        TransformError::data(format!(
            "Unable to convert {replacement} (class java.lang.String) to number"
        ))
    };
    let integer = || -> Result<i64, TransformError> {
        if let Ok(parsed) = replacement.trim().parse::<i64>() {
            return Ok(parsed);
        }
        crate::java_text::parse_double(replacement)
            .filter(|parsed| parsed.is_finite())
            .map(|parsed| parsed as i64)
            .ok_or_else(not_a_number)
    };
    let float = || crate::java_text::parse_double(replacement).ok_or_else(not_a_number);
    Ok(match value {
        Value::Int8(_) => Value::Int8(integer()? as i8),
        Value::Int16(_) => Value::Int16(integer()? as i16),
        Value::Int32(_) => Value::Int32(integer()? as i32),
        Value::Int64(_) => Value::Int64(integer()?),
        Value::Float32(_) => Value::Float32(float()? as f32),
        Value::Float64(_) => Value::Float64(float()?),
        Value::String(_) => Value::string(replacement),
        Value::Decimal(decimal) => {
            let parsed = Decimal::parse(replacement).map_err(|_| not_a_number())?;
            Value::Decimal(rescale(&parsed, decimal.scale()).ok_or_else(not_a_number)?)
        }
        other => {
            return Err(TransformError::data(format!(
                "Cannot mask value of type {} with custom replacement.",
                util::java_class(other)
            )));
        }
    })
}

/// `value` at `scale` when that loses no digits, so a masked Decimal still fits its schema.
fn rescale(value: &Decimal, scale: i32) -> Option<Decimal> {
    let unscaled = value.to_i128()?;
    let shift = i64::from(scale) - i64::from(value.scale());
    let factor = 10i128.checked_pow(u32::try_from(shift.unsigned_abs()).ok()?)?;
    let rescaled = if shift >= 0 {
        unscaled.checked_mul(factor)?
    } else if unscaled % factor == 0 {
        unscaled / factor
    } else {
        return None;
    };
    Some(Decimal::from_i128(rescaled, scale))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use sluice_codecs::{Schema, Struct};

    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn mask(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
        build(&raw(pairs), Some(RecordPart::Value)).expect("valid MaskField config")
    }

    fn schema() -> SchemaRef {
        Schema::structure([
            ("id", Schema::int32().into_ref()),
            ("name", Schema::string().into_ref()),
            ("price", Schema::decimal(2).into_ref()),
            ("born", Schema::date().optional().into_ref()),
            (
                "tags",
                Schema::array(Schema::string().into_ref()).into_ref(),
            ),
            ("ok", Schema::boolean().into_ref()),
        ])
        .into_ref()
    }

    fn value() -> Value {
        let values = vec![
            Value::Int32(7),
            Value::from("ann"),
            Value::Decimal(Decimal::from_i128(1999, 2)),
            Value::Null,
            Value::Array(vec![Value::from("x")]),
            Value::Boolean(true),
        ];
        Value::Struct(Struct::from_values(schema(), values).expect("six fields"))
    }

    fn masked_values(pairs: &[(&str, &str)]) -> Result<Vec<Value>, TransformError> {
        let mut record = sink_record().with_value(Some(schema()), value());
        mask(pairs).apply(&mut record)?;
        match record.value {
            Value::Struct(masked) => Ok(masked.values().to_vec()),
            other => panic!("a struct, not {other:?}"),
        }
    }

    #[test]
    fn fields_get_the_empty_value_of_their_type() {
        let values = masked_values(&[("fields", "id,name,price,born,tags,ok")]).expect("masks");
        assert_eq!(
            values,
            [
                Value::Int32(0),
                Value::from(""),
                Value::Decimal(Decimal::from_i128(0, 2)),
                Value::Null,
                Value::Array(vec![]),
                Value::Boolean(false),
            ]
        );
    }

    #[test]
    fn replacement_is_parsed_into_the_field_type() {
        let values =
            masked_values(&[("fields", "id,name,price"), ("replacement", "12")]).expect("masks");
        assert_eq!(
            values[..3],
            [
                Value::Int32(12),
                Value::from("12"),
                Value::Decimal(Decimal::from_i128(1200, 2))
            ]
        );
        let error =
            masked_values(&[("fields", "id"), ("replacement", "abc")]).expect_err("not a number");
        assert_eq!(
            error.to_string(),
            "Unable to convert abc (class java.lang.String) to number"
        );
        let error = masked_values(&[("fields", "ok"), ("replacement", "x")])
            .expect_err("booleans have no replacement");
        assert_eq!(
            error.to_string(),
            "Cannot mask value of type class java.lang.Boolean with custom replacement."
        );
    }

    #[test]
    fn schemaless_fields_are_masked_and_missing_ones_become_null() {
        let transform = mask(&[("fields", "a,b,c"), ("replacement", "2.5")]);
        let map = Value::Map(vec![
            (Value::from("a"), Value::Float64(9.0)),
            (Value::from("b"), Value::Int64(9)),
        ]);
        let mut record = sink_record().with_value(None, map);
        transform.apply(&mut record).expect("masks");
        assert_eq!(
            record.value,
            Value::Map(vec![
                (Value::from("a"), Value::Float64(2.5)),
                (Value::from("b"), Value::Int64(2)),
                (Value::from("c"), Value::Null),
            ])
        );
    }

    #[test]
    fn null_record_parts_and_bytes_are_errors() {
        let transform = mask(&[("fields", "a")]);
        let mut record = sink_record();
        let error = transform.apply(&mut record).expect_err("null value");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [mask fields], found: null"
        );
        let mut record = sink_record().with_value(Some(schema()), Value::Null);
        let error = transform.apply(&mut record).expect_err("null value");
        assert_eq!(
            error.to_string(),
            "Only Struct objects supported for [mask fields], found: null"
        );
        let bytes = Value::Map(vec![(
            Value::from("a"),
            Value::Bytes(Bytes::from_static(b"x")),
        )]);
        let mut record = sink_record().with_value(None, bytes);
        let error = transform.apply(&mut record).expect_err("bytes");
        assert_eq!(error.to_string(), "Cannot mask value of type: class [B");
    }

    #[test]
    fn config_errors_name_the_key() {
        let cases = [
            (vec![], "fields"),
            (vec![("fields", "")], "fields"),
            (vec![("fields", "a"), ("replacement", "")], "replacement"),
            (
                vec![("fields", "a"), ("replace.null.with.default", "x")],
                "replace.null.with.default",
            ),
        ];
        for (pairs, key) in cases {
            let error = build(&raw(&pairs), Some(RecordPart::Value))
                .err()
                .unwrap_or_else(|| panic!("{pairs:?} should be rejected"));
            assert_eq!(error.key(), Some(key), "{error}");
        }
    }
}
