//! Config declarations and parsing rules that several transforms share.

use regex::Regex;

use crate::config::{ConfigError, ConfigKey, ConfigType, ConfigValue, Importance, Validator};
use crate::record::RecordPart;

/// The `replace.null.with.default` key many transforms declare.
pub(crate) const REPLACE_NULL_WITH_DEFAULT: &str = "replace.null.with.default";

/// Kafka's declaration of `replace.null.with.default` (BOOLEAN, default true).
pub(crate) fn replace_null_with_default_key() -> ConfigKey {
    ConfigKey::new(REPLACE_NULL_WITH_DEFAULT, ConfigType::Boolean)
        .default_value("true")
        .importance(Importance::Medium)
        .doc(
            "Whether to replace fields that have a default value and that are null to the \
             default value. When set to true, the default value is used, otherwise null is used.",
        )
}

/// Java's `String.split(":")`: trailing empty pieces are dropped.
pub(crate) fn java_split_colon(text: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(':').collect();
    while parts.len() > 1 && parts.last().is_some_and(|part| part.is_empty()) {
        parts.pop();
    }
    if !text.is_empty() && parts.iter().all(|part| part.is_empty()) {
        parts.clear();
    }
    parts
}

/// Kafka's `NonEmptyListValidator`: a LIST with at least one item.
pub(crate) fn non_empty_list() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::List(items) if items.is_empty() => Err("Empty list".to_owned()),
        _ => Ok(()),
    })
}

/// The part a `$Key`/`$Value` transform works on; the registry always passes one, so its absence
/// means the class was named without its `$Key`/`$Value` suffix.
pub(crate) fn operating_part(
    part: Option<RecordPart>,
    class: &str,
) -> Result<RecordPart, ConfigError> {
    part.ok_or_else(|| {
        ConfigError::invalid("type", class, format!("use {class}$Key or {class}$Value"))
    })
}

/// A Java regex the regex crate accepts, as a config validator naming the key.
pub(crate) fn valid_regex() -> Validator {
    Validator::custom(|value| match value {
        ConfigValue::String(pattern) => Regex::new(pattern)
            .map(|_| ())
            .map_err(|error| format!("Invalid regex: {error}")),
        _ => Ok(()),
    })
}

/// Compiles `pattern` so that it only matches a whole string, like Java's `Matcher.matches`.
pub(crate) fn whole_match_regex(key: &str, pattern: &str) -> Result<Regex, ConfigError> {
    Regex::new(&format!(r"\A(?:{pattern})\z"))
        .map_err(|error| ConfigError::invalid(key, pattern, format!("Invalid regex: {error}")))
}
