//! [`ConfigType`] and typed [`ConfigValue`]s, parsed the way Kafka's `ConfigDef.parseType` does.

use std::fmt;

use super::error::ConfigError;

/// The type of a config key: Kafka's `ConfigDef.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigType {
    /// `BOOLEAN`: `true` or `false`, any case.
    Boolean,
    /// `STRING`
    String,
    /// `INT`: 32-bit.
    Int,
    /// `SHORT`: 16-bit.
    Short,
    /// `LONG`: 64-bit.
    Long,
    /// `DOUBLE`
    Double,
    /// `LIST`: comma-separated.
    List,
    /// `CLASS`: a class name or alias.
    Class,
    /// `PASSWORD`: a string never shown in logs or REST answers.
    Password,
}

impl ConfigType {
    /// The upper-case name used in REST answers (`STRING`, `INT`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Boolean => "BOOLEAN",
            Self::String => "STRING",
            Self::Int => "INT",
            Self::Short => "SHORT",
            Self::Long => "LONG",
            Self::Double => "DOUBLE",
            Self::List => "LIST",
            Self::Class => "CLASS",
            Self::Password => "PASSWORD",
        }
    }

    /// Parses `raw` as this type for `key`. Values are trimmed first, as Kafka does.
    pub fn parse(self, key: &str, raw: &str) -> Result<ConfigValue, ConfigError> {
        let trimmed = raw.trim();
        let shown = || {
            if self == Self::Password {
                "[hidden]".to_owned()
            } else {
                raw.to_owned()
            }
        };
        let invalid = |expected: &str| {
            ConfigError::invalid(key, shown(), format!("Expected value to be {expected}"))
        };
        Ok(match self {
            Self::Boolean => match trimmed.to_ascii_lowercase().as_str() {
                "true" => ConfigValue::Boolean(true),
                "false" => ConfigValue::Boolean(false),
                _ => return Err(invalid("either true or false")),
            },
            Self::String => ConfigValue::String(trimmed.to_owned()),
            Self::Int => {
                ConfigValue::Int(trimmed.parse().map_err(|_| invalid("a 32-bit integer"))?)
            }
            Self::Short => {
                ConfigValue::Short(trimmed.parse().map_err(|_| invalid("a 16-bit integer"))?)
            }
            Self::Long => {
                ConfigValue::Long(trimmed.parse().map_err(|_| invalid("a 64-bit integer"))?)
            }
            Self::Double => ConfigValue::Double(trimmed.parse().map_err(|_| invalid("a double"))?),
            Self::List => ConfigValue::List(split_list(trimmed)),
            Self::Class => ConfigValue::Class(trimmed.to_owned()),
            Self::Password => ConfigValue::Password(trimmed.to_owned()),
        })
    }
}

impl fmt::Display for ConfigType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Splits a LIST value on commas, trimming each item; an empty value is an empty list.
pub(crate) fn split_list(value: &str) -> Vec<String> {
    let value = value.trim();
    if value.is_empty() {
        return Vec::new();
    }
    value
        .split(',')
        .map(|item| item.trim().to_owned())
        .collect()
}

/// A parsed config value.
#[derive(Clone, PartialEq)]
pub enum ConfigValue {
    /// `BOOLEAN`
    Boolean(bool),
    /// `STRING`
    String(String),
    /// `INT`
    Int(i32),
    /// `SHORT`
    Short(i16),
    /// `LONG`
    Long(i64),
    /// `DOUBLE`
    Double(f64),
    /// `LIST`
    List(Vec<String>),
    /// `CLASS`
    Class(String),
    /// `PASSWORD`
    Password(String),
}

impl ConfigValue {
    /// The value written back as config text (lists comma-joined; passwords in clear, so
    /// never log this for a password).
    pub fn to_config_string(&self) -> String {
        match self {
            Self::Boolean(value) => value.to_string(),
            Self::String(value) | Self::Class(value) | Self::Password(value) => value.clone(),
            Self::Int(value) => value.to_string(),
            Self::Short(value) => value.to_string(),
            Self::Long(value) => value.to_string(),
            Self::Double(value) => value.to_string(),
            Self::List(items) => items.join(","),
        }
    }
}

impl fmt::Debug for ConfigValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Password(_) => f.write_str("Password([hidden])"),
            Self::Boolean(value) => write!(f, "Boolean({value})"),
            Self::String(value) => write!(f, "String({value:?})"),
            Self::Int(value) => write!(f, "Int({value})"),
            Self::Short(value) => write!(f, "Short({value})"),
            Self::Long(value) => write!(f, "Long({value})"),
            Self::Double(value) => write!(f, "Double({value})"),
            Self::List(items) => write!(f, "List({items:?})"),
            Self::Class(value) => write!(f, "Class({value:?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_trimmed_and_typed() {
        assert_eq!(ConfigType::Int.parse("k", " 42 "), Ok(ConfigValue::Int(42)));
        assert_eq!(
            ConfigType::Boolean.parse("k", "TRUE"),
            Ok(ConfigValue::Boolean(true))
        );
        assert_eq!(
            ConfigType::List.parse("k", " a , b,c "),
            Ok(ConfigValue::List(vec!["a".into(), "b".into(), "c".into()]))
        );
        assert_eq!(
            ConfigType::List.parse("k", " "),
            Ok(ConfigValue::List(vec![]))
        );
    }

    #[test]
    fn bad_numbers_name_the_key_and_the_expectation() {
        let error = ConfigType::Int
            .parse("tasks.max", "many")
            .expect_err("not a number");
        assert_eq!(
            error.to_string(),
            "Invalid value many for configuration tasks.max: Expected value to be a 32-bit integer"
        );
        let error = ConfigType::Short
            .parse("rf", "70000")
            .expect_err("out of i16 range");
        assert_eq!(error.key(), Some("rf"));
    }

    #[test]
    fn passwords_are_never_shown() {
        let value = ConfigType::Password
            .parse("p", "secret")
            .expect("any text is a password");
        assert_eq!(format!("{value:?}"), "Password([hidden])");
    }
}
