//! [`Validator`]: the checks a config key applies to its parsed value, with Kafka's messages.

use std::fmt;
use std::sync::Arc;

use super::types::ConfigValue;

/// A custom check: returns the reason a value is invalid.
pub type CustomCheck = Arc<dyn Fn(&ConfigValue) -> Result<(), String> + Send + Sync>;

/// A check on a parsed config value. The messages are Kafka's, so REST answers read the same.
#[derive(Clone)]
pub enum Validator {
    /// A number within bounds (Kafka's `Range.atLeast` / `Range.between`).
    Range {
        /// Smallest allowed value.
        min: Option<f64>,
        /// Largest allowed value.
        max: Option<f64>,
    },
    /// One of the given strings, exactly (Kafka's `ValidString.in`).
    OneOf(Vec<&'static str>),
    /// One of the given strings, ignoring case (Kafka's `CaseInsensitiveValidString.in`).
    OneOfIgnoreCase(Vec<&'static str>),
    /// Every list item is one of the given strings (Kafka's `ValidList.in`).
    ListOf(Vec<&'static str>),
    /// A string that is not empty (Kafka's `NonEmptyString`).
    NonEmptyString,
    /// Any other check: returns the reason a value is invalid.
    Custom(CustomCheck),
}

impl Validator {
    /// A number of at least `min`.
    pub fn at_least(min: impl Into<f64>) -> Self {
        Self::Range {
            min: Some(min.into()),
            max: None,
        }
    }

    /// A number between `min` and `max`, inclusive.
    pub fn between(min: impl Into<f64>, max: impl Into<f64>) -> Self {
        Self::Range {
            min: Some(min.into()),
            max: Some(max.into()),
        }
    }

    /// A custom check.
    pub fn custom(
        check: impl Fn(&ConfigValue) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Self::Custom(Arc::new(check))
    }

    /// Checks `value`, returning the reason it is invalid.
    pub fn check(&self, value: &ConfigValue) -> Result<(), String> {
        match self {
            Self::Range { min, max } => check_range(value, *min, *max),
            Self::OneOf(allowed) => match value {
                ConfigValue::String(text) if allowed.contains(&text.as_str()) => Ok(()),
                _ => Err(format!("String must be one of: {}", allowed.join(", "))),
            },
            Self::OneOfIgnoreCase(allowed) => match value {
                ConfigValue::String(text)
                    if allowed.iter().any(|a| a.eq_ignore_ascii_case(text)) =>
                {
                    Ok(())
                }
                _ => Err(format!(
                    "String must be one of (case insensitive): {}",
                    allowed.join(", ")
                )),
            },
            Self::ListOf(allowed) => match value {
                ConfigValue::List(items) if items.iter().all(|i| allowed.contains(&i.as_str())) => {
                    Ok(())
                }
                _ => Err(format!("String must be one of: {}", allowed.join(", "))),
            },
            Self::NonEmptyString => match value {
                ConfigValue::String(text) if text.is_empty() => {
                    Err("String may not be empty".to_owned())
                }
                _ => Ok(()),
            },
            Self::Custom(check) => check(value),
        }
    }

    /// The values a user may choose from, for the REST `recommended_values`.
    pub fn recommended_values(&self) -> Vec<String> {
        match self {
            Self::OneOf(allowed) | Self::OneOfIgnoreCase(allowed) | Self::ListOf(allowed) => {
                allowed.iter().map(|value| (*value).to_owned()).collect()
            }
            _ => Vec::new(),
        }
    }
}

fn check_range(value: &ConfigValue, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    let number = match value {
        ConfigValue::Int(n) => f64::from(*n),
        ConfigValue::Short(n) => f64::from(*n),
        ConfigValue::Long(n) => *n as f64,
        ConfigValue::Double(n) => *n,
        _ => return Ok(()),
    };
    if let Some(min) = min.filter(|min| number < *min) {
        return Err(format!("Value must be at least {}", show_bound(min)));
    }
    if let Some(max) = max.filter(|max| number > *max) {
        return Err(format!("Value must be no more than {}", show_bound(max)));
    }
    Ok(())
}

fn show_bound(bound: f64) -> String {
    if bound.fract() == 0.0 && bound.abs() < 1e15 {
        format!("{}", bound as i64)
    } else {
        bound.to_string()
    }
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Range { min, max } => write!(f, "Range({min:?}, {max:?})"),
            Self::OneOf(allowed) => write!(f, "OneOf({allowed:?})"),
            Self::OneOfIgnoreCase(allowed) => write!(f, "OneOfIgnoreCase({allowed:?})"),
            Self::ListOf(allowed) => write!(f, "ListOf({allowed:?})"),
            Self::NonEmptyString => f.write_str("NonEmptyString"),
            Self::Custom(_) => f.write_str("Custom"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_messages_match_kafka() {
        assert_eq!(
            Validator::at_least(1).check(&ConfigValue::Int(0)),
            Err("Value must be at least 1".into())
        );
        assert_eq!(
            Validator::between(0, 10).check(&ConfigValue::Long(11)),
            Err("Value must be no more than 10".into())
        );
        assert_eq!(Validator::at_least(1).check(&ConfigValue::Int(1)), Ok(()));
    }

    #[test]
    fn string_choices_list_what_is_allowed() {
        let tolerance = Validator::OneOfIgnoreCase(vec!["none", "all"]);
        assert_eq!(tolerance.check(&ConfigValue::String("ALL".into())), Ok(()));
        assert_eq!(
            tolerance.check(&ConfigValue::String("some".into())),
            Err("String must be one of (case insensitive): none, all".into())
        );
        assert_eq!(tolerance.recommended_values(), ["none", "all"]);
    }
}
