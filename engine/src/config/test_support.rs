//! Builders shared by the engine's unit tests.

use super::RawConfig;

/// A raw config from key/value pairs, in the order given.
pub(crate) fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}
