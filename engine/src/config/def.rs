//! [`ConfigDef`]: the declared keys of a component, from which parsing, validation, defaults and
//! the REST `config/validate` answer all come.

use indexmap::IndexMap;
use serde::Serialize;

use super::RawConfig;
use super::error::ConfigError;
use super::types::{ConfigType, ConfigValue};
use super::validators::Validator;

/// How much a key matters: Kafka's `ConfigDef.Importance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Importance {
    /// `HIGH`
    High,
    /// `MEDIUM`
    Medium,
    /// `LOW`
    Low,
}

/// Display width hint: Kafka's `ConfigDef.Width`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Width {
    /// `NONE`
    None,
    /// `SHORT`
    Short,
    /// `MEDIUM`
    Medium,
    /// `LONG`
    Long,
}

/// A key's default.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// No default: the key must be given.
    Required,
    /// Defaults to null (absent).
    Null,
    /// Defaults to this text, parsed like a user value.
    Value(String),
}

/// One declared key: Kafka's `ConfigDef.ConfigKey`.
#[derive(Debug, Clone)]
pub struct ConfigKey {
    /// The key.
    pub name: String,
    /// Its type.
    pub ty: ConfigType,
    /// Its default.
    pub default: DefaultValue,
    /// Check applied to a non-null value.
    pub validator: Option<Validator>,
    /// How much it matters.
    pub importance: Importance,
    /// What it does.
    pub documentation: String,
    /// The group it is shown in.
    pub group: Option<String>,
    /// Its position in the group.
    pub order_in_group: i32,
    /// Display width hint.
    pub width: Width,
    /// Display name.
    pub display_name: String,
    /// Keys whose validity depends on this one.
    pub dependents: Vec<String>,
}

impl ConfigKey {
    /// A required key of type `ty`, medium importance, no documentation.
    pub fn new(name: impl Into<String>, ty: ConfigType) -> Self {
        let name = name.into();
        Self {
            display_name: name.clone(),
            name,
            ty,
            default: DefaultValue::Required,
            validator: None,
            importance: Importance::Medium,
            documentation: String::new(),
            group: None,
            order_in_group: -1,
            width: Width::None,
            dependents: Vec::new(),
        }
    }

    /// Sets a default value, given as config text.
    pub fn default_value(mut self, default: impl Into<String>) -> Self {
        self.default = DefaultValue::Value(default.into());
        self
    }

    /// Makes the key optional with a null default.
    pub fn default_null(mut self) -> Self {
        self.default = DefaultValue::Null;
        self
    }

    /// Sets the validator.
    pub fn validator(mut self, validator: Validator) -> Self {
        self.validator = Some(validator);
        self
    }

    /// Sets the importance.
    pub fn importance(mut self, importance: Importance) -> Self {
        self.importance = importance;
        self
    }

    /// Sets the documentation.
    pub fn doc(mut self, documentation: impl Into<String>) -> Self {
        self.documentation = documentation.into();
        self
    }

    /// Places the key in `group` at position `order`.
    pub fn group(mut self, group: impl Into<String>, order: i32) -> Self {
        self.group = Some(group.into());
        self.order_in_group = order;
        self
    }

    /// Sets the display name and width.
    pub fn display(mut self, display_name: impl Into<String>, width: Width) -> Self {
        self.display_name = display_name.into();
        self.width = width;
        self
    }

    /// Parses and validates `raw` (or the default when `raw` is `None`).
    pub fn parse(&self, raw: Option<&str>) -> Result<Option<ConfigValue>, ConfigError> {
        let text = match (raw, &self.default) {
            (Some(text), _) => text,
            (None, DefaultValue::Value(default)) => default.as_str(),
            (None, DefaultValue::Null) => return Ok(None),
            (None, DefaultValue::Required) => {
                return Err(ConfigError::Missing {
                    key: self.name.clone(),
                });
            }
        };
        let value = self.ty.parse(&self.name, text)?;
        if let Some(validator) = &self.validator {
            validator.check(&value).map_err(|reason| {
                let shown = if self.ty == ConfigType::Password {
                    "[hidden]"
                } else {
                    text
                };
                ConfigError::invalid(&self.name, shown, reason)
            })?;
        }
        Ok(Some(value))
    }

    /// The REST description of this key.
    pub fn info(&self) -> ConfigKeyInfo {
        ConfigKeyInfo {
            name: self.name.clone(),
            ty: self.ty.name(),
            required: self.default == DefaultValue::Required,
            default_value: match &self.default {
                DefaultValue::Value(_) if self.ty == ConfigType::Password => {
                    Some("[hidden]".to_owned())
                }
                DefaultValue::Value(text) => Some(text.clone()),
                _ => None,
            },
            importance: self.importance,
            documentation: self.documentation.clone(),
            group: self.group.clone(),
            order: self.order_in_group,
            width: self.width,
            display_name: self.display_name.clone(),
            dependents: self.dependents.clone(),
        }
    }
}

/// The REST `ConfigKeyInfo`: a key's definition as `config/validate` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigKeyInfo {
    /// The key.
    pub name: String,
    /// Upper-case type name.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// True when the key has no default.
    pub required: bool,
    /// The default as text; null when required or null.
    pub default_value: Option<String>,
    /// Importance.
    pub importance: Importance,
    /// Documentation.
    pub documentation: String,
    /// Group.
    pub group: Option<String>,
    /// Position in the group (serialised as `order`, as Kafka does).
    pub order: i32,
    /// Width hint.
    pub width: Width,
    /// Display name.
    pub display_name: String,
    /// Dependent keys.
    pub dependents: Vec<String>,
}

/// The REST `ConfigValueInfo`: a key's value and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigValueInfo {
    /// The key.
    pub name: String,
    /// The value as given or defaulted; null when absent.
    pub value: Option<String>,
    /// Values the user may pick from.
    pub recommended_values: Vec<String>,
    /// Reasons the value is invalid; empty when valid.
    pub errors: Vec<String>,
    /// Whether the key applies in this configuration.
    pub visible: bool,
}

/// A component's declared keys, in declaration order: Kafka's `ConfigDef`.
#[derive(Debug, Clone, Default)]
pub struct ConfigDef {
    keys: IndexMap<String, ConfigKey>,
}

impl ConfigDef {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a key, replacing an earlier one of the same name.
    pub fn define(mut self, key: ConfigKey) -> Self {
        self.keys.insert(key.name.clone(), key);
        self
    }

    /// Adds every key of `other`, each under `prefix` (e.g. `transforms.mask.`).
    pub fn embed(mut self, prefix: &str, group: Option<&str>, other: &ConfigDef) -> Self {
        for key in other.keys.values() {
            let mut key = key.clone();
            key.name = format!("{prefix}{}", key.name);
            if let Some(group) = group {
                key.group = Some(group.to_owned());
            }
            self.keys.insert(key.name.clone(), key);
        }
        self
    }

    /// The declared keys.
    pub fn keys(&self) -> impl Iterator<Item = &ConfigKey> {
        self.keys.values()
    }

    /// The key called `name`.
    pub fn key(&self, name: &str) -> Option<&ConfigKey> {
        self.keys.get(name)
    }

    /// The groups of the keys, in first-seen order.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = Vec::new();
        for group in self.keys.values().filter_map(|key| key.group.as_ref()) {
            if !groups.contains(group) {
                groups.push(group.clone());
            }
        }
        groups
    }

    /// Parses `raw` against the declared keys, failing on the first invalid or missing key.
    /// Keys that are not declared are kept in [`Config::originals`] only.
    pub fn parse(&self, raw: &RawConfig) -> Result<Config, ConfigError> {
        let mut values = IndexMap::with_capacity(self.keys.len());
        for key in self.keys.values() {
            let value = key.parse(raw.get(&key.name).map(String::as_str))?;
            values.insert(key.name.clone(), value);
        }
        Ok(Config {
            values,
            originals: raw.clone(),
        })
    }

    /// Checks every declared key of `raw`, collecting all problems, as `config/validate` does.
    pub fn validate(&self, raw: &RawConfig) -> Vec<(ConfigKeyInfo, ConfigValueInfo)> {
        self.keys
            .values()
            .map(|key| {
                let given = raw.get(&key.name);
                let errors = match key.parse(given.map(String::as_str)) {
                    Ok(_) => Vec::new(),
                    Err(error) => vec![error.to_string()],
                };
                let value = given.cloned().or_else(|| match &key.default {
                    DefaultValue::Value(text) => Some(text.clone()),
                    _ => None,
                });
                let value = if key.ty == ConfigType::Password {
                    value.map(|_| "[hidden]".to_owned())
                } else {
                    value
                };
                let recommended_values = key
                    .validator
                    .as_ref()
                    .map(Validator::recommended_values)
                    .unwrap_or_default();
                let value_info = ConfigValueInfo {
                    name: key.name.clone(),
                    value,
                    recommended_values,
                    errors,
                    visible: true,
                };
                (key.info(), value_info)
            })
            .collect()
    }
}

/// A configuration parsed against a [`ConfigDef`]: typed values for every declared key, plus
/// the original text of every key given.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    values: IndexMap<String, Option<ConfigValue>>,
    originals: RawConfig,
}

impl Config {
    /// The parsed value of a declared key; `None` when it is null or not declared.
    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.values.get(key)?.as_ref()
    }

    /// A STRING, CLASS or PASSWORD value.
    pub fn string(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            ConfigValue::String(text) | ConfigValue::Class(text) | ConfigValue::Password(text) => {
                Some(text)
            }
            _ => None,
        }
    }

    /// A BOOLEAN value.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            ConfigValue::Boolean(value) => Some(*value),
            _ => None,
        }
    }

    /// An INT, SHORT or LONG value.
    pub fn long(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            ConfigValue::Int(value) => Some(i64::from(*value)),
            ConfigValue::Short(value) => Some(i64::from(*value)),
            ConfigValue::Long(value) => Some(*value),
            _ => None,
        }
    }

    /// An INT or SHORT value.
    pub fn int(&self, key: &str) -> Option<i32> {
        match self.get(key)? {
            ConfigValue::Int(value) => Some(*value),
            ConfigValue::Short(value) => Some(i32::from(*value)),
            _ => None,
        }
    }

    /// A DOUBLE value.
    pub fn double(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            ConfigValue::Double(value) => Some(*value),
            _ => None,
        }
    }

    /// A LIST value; empty when null.
    pub fn list(&self, key: &str) -> &[String] {
        match self.get(key) {
            Some(ConfigValue::List(items)) => items,
            _ => &[],
        }
    }

    /// Every key as the user gave it, declared or not.
    pub fn originals(&self) -> &RawConfig {
        &self.originals
    }

    /// The original keys that start with `prefix`, with the prefix removed (Kafka's
    /// `originalsWithPrefix(prefix, true)`), e.g. `value.converter.` settings.
    pub fn originals_with_prefix(&self, prefix: &str) -> RawConfig {
        self.originals
            .iter()
            .filter_map(|(key, value)| Some((key.strip_prefix(prefix)?.to_owned(), value.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    fn def() -> ConfigDef {
        ConfigDef::new()
            .define(ConfigKey::new("name", ConfigType::String).validator(Validator::NonEmptyString))
            .define(
                ConfigKey::new("tasks.max", ConfigType::Int)
                    .default_value("1")
                    .validator(Validator::at_least(1)),
            )
            .define(ConfigKey::new("topics", ConfigType::List).default_value(""))
            .define(
                ConfigKey::new("key.converter", ConfigType::Class)
                    .default_null()
                    .group("Common", 4),
            )
    }

    #[test]
    fn defaults_fill_absent_keys() {
        let config = def().parse(&raw(&[("name", "c1")])).expect("valid config");
        assert_eq!(config.int("tasks.max"), Some(1));
        assert_eq!(config.list("topics"), &[] as &[String]);
        assert_eq!(config.string("key.converter"), None);
    }

    #[test]
    fn missing_required_key_is_named() {
        let error = def().parse(&raw(&[])).expect_err("name is required");
        assert_eq!(
            error.to_string(),
            "Missing required configuration \"name\" which has no default value."
        );
    }

    #[test]
    fn validator_failure_names_key_value_and_reason() {
        let error = def()
            .parse(&raw(&[("name", "c"), ("tasks.max", "0")]))
            .expect_err("below 1");
        assert_eq!(
            error.to_string(),
            "Invalid value 0 for configuration tasks.max: Value must be at least 1"
        );
    }

    #[test]
    fn validate_reports_every_key_with_rest_shapes() {
        let report = def().validate(&raw(&[("tasks.max", "x")]));
        let errors: Vec<_> = report.iter().map(|(_, value)| value.errors.len()).collect();
        assert_eq!(errors, [1, 1, 0, 0]);
        let json = serde_json::to_string(&report[1].0).expect("serialisable");
        assert_eq!(
            json,
            r#"{"name":"tasks.max","type":"INT","required":false,"default_value":"1","importance":"MEDIUM","documentation":"","group":null,"order":-1,"width":"NONE","display_name":"tasks.max","dependents":[]}"#
        );
    }

    #[test]
    fn prefixed_originals_strip_the_prefix() {
        let config = def()
            .parse(&raw(&[
                ("name", "c"),
                ("value.converter.schemas.enable", "false"),
            ]))
            .expect("valid config");
        assert_eq!(
            config.originals_with_prefix("value.converter."),
            raw(&[("schemas.enable", "false")])
        );
    }
}
