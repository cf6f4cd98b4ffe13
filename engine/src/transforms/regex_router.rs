//! `org.apache.kafka.connect.transforms.RegexRouter`: renames the topic when the whole name
//! matches a regex, with `$1`-style group references in the replacement.

use regex::Regex;
use sluice_codecs::Str;

use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::record::{Record, RecordPart};

use super::util::{valid_regex, whole_match_regex};
use super::{Outcome, Transform, TransformError};

/// Kafka's class name.
pub(crate) const CLASS: &str = "org.apache.kafka.connect.transforms.RegexRouter";
const REGEX: &str = "regex";
const REPLACEMENT: &str = "replacement";

/// Rewrites topics that match `regex` in full to `replacement`.
#[derive(Debug, Clone)]
pub struct RegexRouter {
    /// The configured regex anchored at both ends, so only whole-name matches apply.
    whole: Regex,
    /// The configured regex as given: Java's `replaceFirst` rewrites its first match, which
    /// for some alternations is shorter than the whole name (`a|ab` on `ab` gives `xb`).
    first: Regex,
    /// The replacement in the regex crate's syntax (`${1}`, `$$`).
    replacement: String,
}

/// The keys of `RegexRouter`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(REGEX, ConfigType::String)
                .validator(valid_regex())
                .importance(Importance::High)
                .doc("Regular expression to use for matching."),
        )
        .define(
            ConfigKey::new(REPLACEMENT, ConfigType::String)
                .importance(Importance::High)
                .doc("Replacement string."),
        )
}

/// Builds a `RegexRouter`, checking the replacement's group references against the regex.
pub fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    let pattern = config.string(REGEX).unwrap_or_default();
    let whole = whole_match_regex(REGEX, pattern)?;
    let java = config.string(REPLACEMENT).unwrap_or_default();
    // The anchoring group is non-capturing, so group numbers are the user's.
    let groups = whole.captures_len() - 1;
    let replacement = translate_replacement(java, groups, |name| {
        whole.capture_names().flatten().any(|n| n == name)
    })
    .map_err(|reason| ConfigError::invalid(REPLACEMENT, java, reason))?;
    let first = Regex::new(pattern)
        .map_err(|error| ConfigError::invalid(REGEX, pattern, format!("Invalid regex: {error}")))?;
    Ok(Box::new(RegexRouter {
        whole,
        first,
        replacement,
    }))
}

/// Translates a Java `Matcher` replacement (`$1`, `${name}`, `\$`) into the regex crate's
/// syntax (`${1}`, `${name}`, `$$`). Java reads as many digits after `$` as still name an
/// existing group; a reference to a missing group is an error, as in Java.
fn translate_replacement(
    java: &str,
    groups: usize,
    has_name: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let mut out = String::with_capacity(java.len() + 4);
    let mut chars = java.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(other) => out.push(other),
                None => return Err("character to be escaped is missing".to_owned()),
            },
            '$' => match chars.next() {
                Some('{') => {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    if name.is_empty() || !has_name(&name) {
                        return Err(format!("No group with name {{{name}}}"));
                    }
                    out.push_str(&format!("${{{name}}}"));
                }
                Some(first) if first.is_ascii_digit() => {
                    let mut number = first as usize - '0' as usize;
                    if number > groups {
                        return Err(format!("No group {number}"));
                    }
                    while let Some(next) = chars.peek().and_then(|c| c.to_digit(10)) {
                        let longer = number * 10 + next as usize;
                        if longer > groups {
                            break;
                        }
                        number = longer;
                        chars.next();
                    }
                    out.push_str(&format!("${{{number}}}"));
                }
                _ => return Err("Illegal group reference".to_owned()),
            },
            other => out.push(other),
        }
    }
    Ok(out)
}

impl Transform for RegexRouter {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        if self.whole.is_match(&record.topic) {
            let topic = self
                .first
                .replacen(&record.topic, 1, self.replacement.as_str())
                .into_owned();
            record.topic = Str::from(topic);
        }
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::test_support::raw;

    fn routed(regex: &str, replacement: &str, topic: &str) -> String {
        let transform =
            build(&raw(&[(REGEX, regex), (REPLACEMENT, replacement)]), None).expect("valid config");
        let mut record = Record::sink(topic, 0, 0);
        assert_eq!(transform.apply(&mut record), Ok(Outcome::Keep));
        record.topic.to_string()
    }

    #[test]
    fn whole_name_match_is_replaced_with_group_references() {
        assert_eq!(routed("(.*)", "copy-$1", "orders"), "copy-orders");
        assert_eq!(routed("(.*)-(\\d+)", "$2_$1", "orders-42"), "42_orders");
        assert_eq!(
            routed("(?<base>\\w+)\\.raw", "${base}.clean", "pay.raw"),
            "pay.clean"
        );
    }

    #[test]
    fn partial_matches_leave_the_topic_alone() {
        assert_eq!(routed("order", "x", "orders"), "orders");
        assert_eq!(routed("rders", "x", "orders"), "orders");
    }

    #[test]
    fn java_replacement_syntax_is_translated() {
        assert_eq!(routed("(a)", "\\$1 costs \\$", "a"), "$1 costs $");
        assert_eq!(
            routed("(a)", "\\x$1", "a"),
            "xa",
            "a backslash quotes any character"
        );
    }

    #[test]
    fn the_first_match_is_replaced_as_javas_replace_first() {
        assert_eq!(routed("a|ab", "x", "ab"), "xb");
    }

    #[test]
    fn multi_digit_references_stop_at_the_last_existing_group() {
        assert_eq!(routed("(a)", "$10", "a"), "a0");
    }

    #[test]
    fn invalid_regex_and_bad_references_name_their_key() {
        let error = build(&raw(&[(REGEX, "(unclosed"), (REPLACEMENT, "x")]), None)
            .err()
            .expect("bad regex");
        assert_eq!(error.key(), Some(REGEX));
        let error = build(&raw(&[(REGEX, "(a)"), (REPLACEMENT, "$2")]), None)
            .err()
            .expect("no group 2");
        assert_eq!(
            error.to_string(),
            "Invalid value $2 for configuration replacement: No group 2"
        );
        let error = build(&raw(&[(REGEX, "a"), (REPLACEMENT, "$$")]), None)
            .err()
            .expect("a dollar must start a reference");
        assert_eq!(error.key(), Some(REPLACEMENT));
        let error = build(&raw(&[(REGEX, "a")]), None)
            .err()
            .expect("no replacement");
        assert_eq!(
            error,
            ConfigError::Missing {
                key: REPLACEMENT.into()
            }
        );
    }
}
