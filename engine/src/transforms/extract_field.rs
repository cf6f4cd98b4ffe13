//! `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: replaces the key or value
//! with one of its fields, reached by a plain name (`V1`) or a dotted path (`V2`, KIP-821).

use sluice_codecs::{Schema, SchemaRef, Struct, Value};

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::util;
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.ExtractField";
const FIELD: &str = "field";
const SYNTAX_VERSION: &str = "field.syntax.version";
const PURPOSE: &str = "field extraction";
const NESTED_PURPOSE: &str = "nested field access";

/// ExtractField's keys, declared once.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELD, ConfigType::String)
                .importance(Importance::Medium)
                .doc("Field name to extract."),
        )
        .define(
            ConfigKey::new(SYNTAX_VERSION, ConfigType::String)
                .default_value("V1")
                .validator(Validator::OneOfIgnoreCase(vec!["V1", "V2"]))
                .importance(Importance::High)
                .doc(
                    "Defines the version of the syntax to access fields. If set to `V1`, then \
                     the field paths are limited to access the elements at the root level of \
                     the struct or map. If set to `V2`, the syntax will support accessing \
                     nested elements. To access nested elements, dotted notation is used. If \
                     dots are already included in the field name, then backtick pairs can be \
                     used to wrap field names containing dots. E.g. to access the subfield \
                     `baz` from a field named \"foo.bar\" in a struct/map the following format \
                     can be used to access its elements: \"`foo.bar`.baz\".",
                ),
        )
        .define(util::replace_null_with_default_key())
}

/// Builds `ExtractField$Key` or `ExtractField$Value` from its settings.
pub(crate) fn build(
    raw: &RawConfig,
    part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let part = util::operating_part(part, CLASS)?;
    let config = config_def().parse(raw)?;
    let path = config.string(FIELD).unwrap_or_default().to_owned();
    let v2 = config
        .string(SYNTAX_VERSION)
        .is_some_and(|version| version.eq_ignore_ascii_case("V2"));
    let steps = if v2 {
        parse_path_v2(&path).map_err(|reason| ConfigError::invalid(FIELD, &path, reason))?
    } else {
        vec![path.clone()]
    };
    Ok(Box::new(ExtractField {
        part,
        path,
        steps,
        replace_null_with_default: config
            .boolean(util::REPLACE_NULL_WITH_DEFAULT)
            .unwrap_or(true),
    }))
}

/// Splits a `V2` path into its steps as Kafka's `SingleFieldPath` does: dots separate steps,
/// a step in backticks may contain dots, and `` \` `` escapes a backtick before a dot.
fn parse_path_v2(path: &str) -> Result<Vec<String>, String> {
    let bytes = path.as_bytes();
    let mut steps = Vec::new();
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] != b'`' {
            match path[idx..].find('.') {
                Some(offset) => {
                    steps.push(path[idx..idx + offset].to_owned());
                    idx += offset + 1;
                }
                None => {
                    steps.push(path[idx..].to_owned());
                    idx = bytes.len();
                }
            }
        } else {
            let (step, next) = quoted_step(path, idx)?;
            steps.push(step);
            idx = next;
        }
    }
    if path.ends_with('.') || steps.is_empty() {
        steps.push(String::new());
    }
    Ok(steps)
}

/// The backtick-quoted step starting at `backtick_at`, and where the next step starts.
fn quoted_step(path: &str, backtick_at: usize) -> Result<(String, usize), String> {
    let bytes = path.as_bytes();
    let incomplete = || {
        format!(
            "Incomplete backtick pair in path: [{path}], consider adding a backslash before \
             backtick at position {backtick_at} to escape it"
        )
    };
    let mut field = String::new();
    let mut idx = backtick_at + 1;
    let mut start = idx;
    loop {
        idx += path[idx..].find('`').ok_or_else(incomplete)?;
        let escaped = bytes[idx - 1] == b'\\';
        if idx + 1 >= bytes.len() {
            if escaped {
                return Err(incomplete());
            }
            field.push_str(&path[start..idx]);
            return Ok((field, idx + 1));
        }
        if bytes[idx + 1] != b'.' {
            idx += 1;
            continue;
        }
        if escaped {
            field.push_str(&path[start..idx - 1]);
            field.push('`');
            idx += 1;
            start = idx;
            continue;
        }
        field.push_str(&path[start..idx]);
        return Ok((field, idx + 2));
    }
}

/// `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: the key or value becomes
/// one of its fields, with that field's schema.
pub struct ExtractField {
    part: RecordPart,
    path: String,
    steps: Vec<String>,
    replace_null_with_default: bool,
}

impl Transform for ExtractField {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        let (schema, value) = record.part(self.part);
        let (schema, value) = match schema {
            None => {
                let extracted = match util::require_map_or_null(value, PURPOSE)? {
                    Some(entries) => self.value_from_map(entries)?,
                    None => Value::Null,
                };
                (None, extracted)
            }
            Some(schema) => {
                let value = util::require_struct_or_null(value, PURPOSE)?;
                let field_schema = self
                    .field_from(schema)
                    .ok_or_else(|| TransformError::data(format!("Unknown field: {}", self.path)))?;
                let extracted = match value {
                    Some(value) => self.value_from_struct(value)?,
                    None => Value::Null,
                };
                (Some(field_schema), extracted)
            }
        };
        record.set_part(self.part, schema, value);
        Ok(Outcome::Keep)
    }
}

impl ExtractField {
    fn split_steps(&self) -> (&[String], &str) {
        match self.steps.split_last() {
            Some((last, parents)) => (parents, last),
            None => (&[], ""),
        }
    }

    /// The schema of the field at the path; `None` when a step is missing.
    fn field_from(&self, schema: &Schema) -> Option<SchemaRef> {
        let (parents, last) = self.split_steps();
        let mut current = schema;
        for step in parents {
            current = &current.field(step)?.schema;
        }
        current
            .field(last)
            .map(|field| SchemaRef::clone(&field.schema))
    }

    fn value_from_struct(&self, value: &Struct) -> Result<Value, TransformError> {
        let (parents, last) = self.split_steps();
        let mut current = value;
        for step in parents {
            let Some(field) = current.schema().field(step) else {
                return Ok(Value::Null);
            };
            let nested = util::field_value(current, field, self.replace_null_with_default);
            match util::require_struct_or_null(nested, NESTED_PURPOSE)? {
                Some(nested) => current = nested,
                None => return Ok(Value::Null),
            }
        }
        Ok(match current.schema().field(last) {
            Some(field) => {
                util::field_value(current, field, self.replace_null_with_default).clone()
            }
            None => Value::Null,
        })
    }

    fn value_from_map(&self, entries: &[(Value, Value)]) -> Result<Value, TransformError> {
        let (parents, last) = self.split_steps();
        let mut current = entries;
        for step in parents {
            let nested = util::map_get(current, step).unwrap_or(&Value::Null);
            match util::require_map_or_null(nested, NESTED_PURPOSE)? {
                Some(nested) => current = nested,
                None => return Ok(Value::Null),
            }
        }
        Ok(util::map_get(current, last).cloned().unwrap_or(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Struct;

    use super::*;
    use crate::transforms::test_support::{raw, sink_record};

    fn extract(pairs: &[(&str, &str)], part: RecordPart) -> Box<dyn Transform> {
        build(&raw(pairs), Some(part)).expect("valid ExtractField config")
    }

    fn address_schema() -> SchemaRef {
        Schema::structure([
            ("zip.code", Schema::string().into_ref()),
            (
                "city",
                Schema::string()
                    .optional()
                    .with_default(Value::from("Paris"))
                    .into_ref(),
            ),
        ])
        .into_ref()
    }

    fn person_schema() -> SchemaRef {
        Schema::structure([
            ("id", Schema::int32().into_ref()),
            ("address", address_schema()),
        ])
        .into_ref()
    }

    fn person(city: Value) -> Value {
        let address = Struct::from_values(address_schema(), vec![Value::from("75001"), city])
            .expect("two fields");
        let person = Struct::from_values(person_schema(), vec![Value::Int32(1), address.into()])
            .expect("two fields");
        Value::Struct(person)
    }

    #[test]
    fn v1_extracts_a_top_level_field_with_its_schema() {
        let transform = extract(&[("field", "id")], RecordPart::Value);
        let mut record = sink_record().with_value(Some(person_schema()), person(Value::Null));
        transform.apply(&mut record).expect("extracts");
        assert_eq!(record.value, Value::Int32(1));
        assert_eq!(record.value_schema, Some(Schema::int32().into_ref()));
    }

    #[test]
    fn v2_follows_dotted_paths_and_backticks() {
        let transform = extract(
            &[
                ("field", "address.`zip.code`"),
                ("field.syntax.version", "v2"),
            ],
            RecordPart::Value,
        );
        let mut record = sink_record().with_value(Some(person_schema()), person(Value::Null));
        transform.apply(&mut record).expect("extracts");
        assert_eq!(record.value, Value::from("75001"));
        assert_eq!(record.value_schema, Some(Schema::string().into_ref()));
    }

    #[test]
    fn v1_treats_dots_as_part_of_the_name() {
        let transform = extract(&[("field", "address.city")], RecordPart::Value);
        let mut record = sink_record().with_value(Some(person_schema()), person(Value::Null));
        let error = transform.apply(&mut record).expect_err("no such field");
        assert_eq!(error.to_string(), "Unknown field: address.city");
    }

    #[test]
    fn null_fields_take_the_default_unless_told_not_to() {
        let path = [("field", "address.city"), ("field.syntax.version", "V2")];
        let transform = extract(&path, RecordPart::Value);
        let mut record = sink_record().with_value(Some(person_schema()), person(Value::Null));
        transform.apply(&mut record).expect("extracts");
        assert_eq!(record.value, Value::from("Paris"));

        let mut pairs = path.to_vec();
        pairs.push(("replace.null.with.default", "false"));
        let transform = extract(&pairs, RecordPart::Value);
        let mut record = sink_record().with_value(Some(person_schema()), person(Value::Null));
        transform.apply(&mut record).expect("extracts");
        assert_eq!(record.value, Value::Null);
    }

    #[test]
    fn schemaless_missing_fields_give_null() {
        let transform = extract(
            &[("field", "a.b"), ("field.syntax.version", "V2")],
            RecordPart::Key,
        );
        let inner = Value::Map(vec![(Value::from("b"), Value::Int64(5))]);
        let mut record = sink_record().with_key(None, Value::Map(vec![(Value::from("a"), inner)]));
        transform.apply(&mut record).expect("extracts");
        assert_eq!(record.key, Value::Int64(5));

        let mut record = sink_record().with_key(None, Value::Map(vec![]));
        transform.apply(&mut record).expect("extracts");
        assert_eq!(record.key, Value::Null);
    }

    #[test]
    fn null_passes_through_and_other_values_are_rejected() {
        let transform = extract(&[("field", "id")], RecordPart::Value);
        let mut record = sink_record();
        transform.apply(&mut record).expect("null passes");
        assert_eq!(record.value, Value::Null);

        let mut record = sink_record().with_value(None, Value::from("x"));
        let error = transform.apply(&mut record).expect_err("not a map");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [field extraction], found: \
             java.lang.String"
        );
        let nested = extract(
            &[("field", "a.b"), ("field.syntax.version", "V2")],
            RecordPart::Value,
        );
        let mut record =
            sink_record().with_value(None, Value::Map(vec![(Value::from("a"), Value::Int8(1))]));
        let error = nested.apply(&mut record).expect_err("not a nested map");
        assert_eq!(
            error.to_string(),
            "Only Map objects supported in absence of schema for [nested field access], found: \
             java.lang.Byte"
        );
    }

    #[test]
    fn v2_paths_split_like_kafka() {
        let cases: [(&str, &[&str]); 6] = [
            ("a.b.c", &["a", "b", "c"]),
            ("`a.b`.c", &["a.b", "c"]),
            ("a.`b.c`", &["a", "b.c"]),
            ("`a\\`.b`", &["a`.b"]),
            ("a`b.c", &["a`b", "c"]),
            ("a.", &["a", ""]),
        ];
        for (path, expected) in cases {
            let steps = parse_path_v2(path).expect("valid path");
            assert_eq!(steps, expected, "{path}");
        }
        assert_eq!(
            parse_path_v2("`a.b"),
            Err(
                "Incomplete backtick pair in path: [`a.b], consider adding a backslash before \
                 backtick at position 0 to escape it"
                    .to_owned()
            )
        );
    }

    #[test]
    fn config_errors_name_the_key() {
        let cases = [
            (vec![], "field"),
            (
                vec![("field", "a"), ("field.syntax.version", "V3")],
                "field.syntax.version",
            ),
            (
                vec![("field", "`a"), ("field.syntax.version", "V2")],
                "field",
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
