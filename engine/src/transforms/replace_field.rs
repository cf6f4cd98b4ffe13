//! `org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`: keeps, drops and renames
//! top-level fields.

use std::sync::Arc;

use sluice_codecs::{Schema, SchemaRef, Value};

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{Outcome, StructPlan, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.ReplaceField";
const EXCLUDE: &str = "exclude";
const INCLUDE: &str = "include";
const RENAMES: &str = "renames";
const PURPOSE: &str = "field replacement";

/// ReplaceField's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(EXCLUDE, ConfigType::List)
                .default_value("")
                .importance(Importance::Medium)
                .doc("Fields to exclude. This takes precedence over the fields to include."),
        )
        .define(
            ConfigKey::new(INCLUDE, ConfigType::List)
                .default_value("")
                .importance(Importance::Medium)
                .doc("Fields to include. If specified, only these fields will be used."),
        )
        .define(
            ConfigKey::new(RENAMES, ConfigType::List)
                .default_value("")
                .validator(Validator::custom(|value| match value {
                    ConfigValue::List(items) => parse_renames(items).map(|_| ()),
                    _ => Ok(()),
                }))
                .importance(Importance::Medium)
                .doc("Field rename mappings."),
        )
        .define(util::replace_null_with_default_key())
}

/// Kafka's `parseRenameMappings`: each item is exactly `old:new`.
fn parse_renames(items: &[String]) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|mapping| match util::java_split_colon(mapping).as_slice() {
            [old, new] => Ok(((*old).to_owned(), (*new).to_owned())),
            _ => Err(format!("Invalid rename mapping: {mapping}")),
        })
        .collect()
}

/// Builds `ReplaceField$Key` or `ReplaceField$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let renames = parse_renames(config.list(RENAMES))
        .map_err(|reason| ConfigError::invalid(RENAMES, config.list(RENAMES).join(","), reason))?;
    Ok(Box::new(ReplaceField {
        part,
        exclude: config.list(EXCLUDE).to_vec(),
        include: config.list(INCLUDE).to_vec(),
        renames,
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
        cache: SchemaCache::new(),
    }))
}

/// What ReplaceField derived from an input schema: the output schema, the input position of
/// each output field (ascending) and how each output value is checked.
struct Plan {
    input: SchemaRef,
    schema: SchemaRef,
    sources: Box<[usize]>,
    /// Per input position: whether its value is kept.
    kept: Box<[bool]>,
    checks: Box<[util::ValueCheck]>,
    /// Whether the sources ascend within the input, as they do unless a schema's field indexes
    /// disagree with the fields' positions.
    in_place: bool,
    /// Whether a null may read as its field's default.
    defaults: bool,
}

/// `org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`: keeps a field when it is
/// not excluded and `include` is empty or lists it, then applies `renames`. Null passes through.
pub struct ReplaceField {
    part: RecordPart,
    exclude: Vec<String>,
    include: Vec<String>,
    renames: Vec<(String, String)>,
    replace_null_with_default: bool,
    cache: SchemaCache<Arc<Plan>>,
}

impl Transform for ReplaceField {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        if value.is_null() {
            return Ok(Outcome::Keep);
        }
        let (schema, value) = match schema {
            None => (None, Value::Map(self.replace_in_map(value)?)),
            Some(schema) => {
                let original = util::require_struct(value, PURPOSE)?;
                let (plan, fits) = self
                    .cache
                    .get_for_struct(schema, original, |schema| self.derive(schema))?;
                if fits && self.all_valid(original.values(), &plan, false) {
                    self.replace_in_place(record, &plan)?;
                    return Ok(Outcome::Keep);
                }
                let fields = original.schema().fields();
                let mut values = Vec::with_capacity(plan.sources.len());
                for source in plan.sources.iter() {
                    values.push(match fields.get(*source) {
                        Some(field) => {
                            util::field_value(original, field, self.replace_null_with_default)
                                .clone()
                        }
                        None => Value::Null,
                    });
                }
                let replaced = util::build_struct(SchemaRef::clone(&plan.schema), values)?;
                (
                    Some(SchemaRef::clone(&plan.schema)),
                    Value::Struct(replaced),
                )
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }

    fn struct_part(&self) -> Option<RecordPart> {
        Some(self.part)
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
        _input: &Schema,
        values: &mut Vec<Value>,
        _record: &Record,
        valid: &mut bool,
    ) -> bool {
        let Some(plan) = plan.state::<Plan>() else {
            return false;
        };
        if !self.all_valid(values, plan, *valid) {
            return false;
        }
        self.keep_in_place(values, plan);
        *valid = true;
        true
    }
}

impl ReplaceField {
    fn keeps(&self, name: &str) -> bool {
        !self.exclude.iter().any(|excluded| excluded == name)
            && (self.include.is_empty() || self.include.iter().any(|included| included == name))
    }

    /// Whether `values` have the plan's input layout and every value the output struct would
    /// hold is valid for its output field, so the values can be moved in place without
    /// re-validating the rebuilt struct. When `known_valid` (every value is valid for its input
    /// field) and no default can stand in for a null, that holds as the kept fields keep their
    /// schemas.
    fn all_valid(&self, values: &[Value], plan: &Plan, known_valid: bool) -> bool {
        let fields = plan.input.fields();
        if !plan.in_place || values.len() != fields.len() {
            return false;
        }
        if known_valid && !plan.defaults {
            return true;
        }
        plan.sources
            .iter()
            .zip(plan.checks.iter())
            .zip(plan.schema.fields())
            .all(
                |((source, check), output)| match (values.get(*source), fields.get(*source)) {
                    (Some(stored), Some(field)) => check.passes(
                        util::effective_value(stored, field, plan.defaults),
                        &output.schema,
                    ),
                    _ => false,
                },
            )
    }

    /// Rebuilds the struct in the record's own value vector: the kept values stay in order
    /// (sources ascend), each moved once, and the rest are dropped where they are.
    fn replace_in_place(&self, record: &mut Record, plan: &Plan) -> Result<(), TransformError> {
        let mut values = util::take_struct_values(record, self.part);
        self.keep_in_place(&mut values, plan);
        util::set_checked_struct(record, self.part, &plan.schema, values)
    }

    /// Keeps the kept values of `values` (checked by [`ReplaceField::all_valid`]) in order,
    /// each moved once, and drops the rest where they are.
    fn keep_in_place(&self, values: &mut Vec<Value>, plan: &Plan) {
        let fields = plan.input.fields();
        let mut position = 0;
        values.retain_mut(|value| {
            let kept = plan.kept.get(position).copied().unwrap_or(false);
            if kept
                && plan.defaults
                && let Some(field) = fields.get(position)
            {
                util::default_if_null(value, field, self.replace_null_with_default);
            }
            position += 1;
            kept
        });
    }

    fn renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames
            .iter()
            .rev()
            .find(|(old, _)| old == name)
            .map_or(name, |(_, new)| new.as_str())
    }

    fn replace_in_map(&self, value: &Value) -> Result<Vec<(Value, Value)>, TransformError> {
        let entries = util::require_map(value, PURPOSE)?;
        let mut replaced = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                return Err(TransformError::data(format!(
                    "Only Map objects with String keys supported for [{PURPOSE}], found a key of \
                     {}",
                    util::java_class(key)
                )));
            };
            if self.keeps(name) {
                util::map_put(&mut replaced, self.renamed(name), value.clone());
            }
        }
        Ok(replaced)
    }

    /// Kafka's `makeUpdatedSchema`, called once per input schema.
    fn derive(&self, schema: &Schema) -> Result<Arc<Plan>, TransformError> {
        let mut fields = Vec::new();
        let mut sources = Vec::new();
        for field in schema.fields() {
            if self.keeps(&field.name) {
                let name = self.renamed(&field.name).to_owned();
                fields.push((name, SchemaRef::clone(&field.schema)));
                sources.push(field.index);
            }
        }
        let in_place = sources
            .iter()
            .enumerate()
            .all(|(position, source)| position <= *source && *source < schema.fields().len())
            && sources.windows(2).all(|pair| pair[0] < pair[1]);
        let updated = util::copy_schema_basics(schema, util::struct_type(fields)?).into_ref();
        Ok(Arc::new(Plan {
            input: schema.clone().into_ref(),
            checks: util::ValueCheck::of_fields(&updated),
            schema: updated,
            kept: (0..schema.fields().len())
                .map(|position| sources.contains(&position))
                .collect(),
            sources: sources.into(),
            in_place: in_place && util::positional(schema),
            defaults: util::uses_defaults(schema, self.replace_null_with_default),
        }))
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Struct;

    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn replace(pairs: &[(&str, &str)]) -> Box<dyn Transform> {
        build(&raw(pairs), Some(RecordPart::Value)).expect("valid ReplaceField config")
    }

    fn schema() -> SchemaRef {
        Schema::structure([
            ("dont", Schema::string().into_ref()),
            ("abc", Schema::int32().into_ref()),
            (
                "foo",
                Schema::boolean()
                    .optional()
                    .with_default(Value::Boolean(true))
                    .into_ref(),
            ),
            ("etc", Schema::string().into_ref()),
        ])
        .with_name("com.example.Thing")
        .into_ref()
    }

    fn value(foo: Value) -> Value {
        let values = vec![Value::from("x"), Value::Int32(42), foo, Value::from("etc")];
        Value::Struct(Struct::from_values(schema(), values).expect("four fields"))
    }

    #[test]
    fn with_schema_fields_are_filtered_and_renamed() {
        let transform = replace(&[("exclude", "dont"), ("renames", "abc:xyz,foo:bar")]);
        let mut record = sink_record().with_value(Some(schema()), value(Value::Null));
        transform.apply(&mut record).expect("replaces");
        let expected = Schema::structure([
            ("xyz", Schema::int32().into_ref()),
            (
                "bar",
                Schema::boolean()
                    .optional()
                    .with_default(Value::Boolean(true))
                    .into_ref(),
            ),
            ("etc", Schema::string().into_ref()),
        ])
        .with_name("com.example.Thing")
        .into_ref();
        assert_eq!(record.value_schema, Some(expected));
        let Value::Struct(replaced) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(
            replaced.values(),
            [Value::Int32(42), Value::Boolean(true), Value::from("etc")]
        );
    }

    #[test]
    fn exclude_wins_over_include_and_null_defaults_are_optional() {
        let transform = replace(&[
            ("include", "abc,foo"),
            ("exclude", "abc"),
            ("replace.null.with.default", "false"),
        ]);
        let mut record = sink_record().with_value(Some(schema()), value(Value::Null));
        transform.apply(&mut record).expect("replaces");
        let Value::Struct(replaced) = &record.value else {
            panic!("a struct")
        };
        assert_eq!(replaced.schema().fields()[0].name, "foo");
        assert_eq!(replaced.values(), [Value::Null]);
    }

    #[test]
    fn schemaless_maps_are_filtered_and_renamed() {
        let transform = replace(&[("include", "a,b"), ("renames", "a:z")]);
        let map = Value::Map(vec![
            (Value::from("a"), Value::Int8(1)),
            (Value::from("b"), Value::Int8(2)),
            (Value::from("c"), Value::Int8(3)),
        ]);
        let mut record = sink_record().with_value(None, map);
        transform.apply(&mut record).expect("replaces");
        assert_eq!(
            record.value,
            Value::Map(vec![
                (Value::from("z"), Value::Int8(1)),
                (Value::from("b"), Value::Int8(2)),
            ])
        );
    }

    #[test]
    fn null_passes_and_other_values_are_rejected() {
        let transform = replace(&[("exclude", "a")]);
        let mut record = sink_record();
        transform.apply(&mut record).expect("null passes");
        assert_eq!(record.value, Value::Null);
        let mut record = sink_record().with_value(None, Value::from("x"));
        let error = transform.apply(&mut record).expect_err("not a map");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [field replacement], found: \
             java.lang.String"
        );
    }

    #[test]
    fn renames_must_be_pairs() {
        for renames in ["a", "a:b:c", "a:"] {
            let error = build(&raw(&[("renames", renames)]), Some(RecordPart::Value))
                .err()
                .unwrap_or_else(|| panic!("{renames} should be rejected"));
            assert_eq!(error.key(), Some("renames"), "{error}");
            assert!(
                error
                    .to_string()
                    .ends_with(&format!("Invalid rename mapping: {renames}"))
            );
        }
    }
}
