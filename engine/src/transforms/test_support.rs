//! Small builders shared by the transforms' unit tests.

use crate::config::RawConfig;
use crate::record::Record;

/// A raw config from key/value pairs.
pub(crate) fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// A sink record from `orders` partition 3 at offset 42, with a null key and value.
pub(crate) fn sink_record() -> Record {
    Record::sink("orders", 3, 42)
}
