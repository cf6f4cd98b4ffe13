//! Small builders shared by the transforms' unit tests.

pub(crate) use crate::config::test_support::raw;
use crate::record::Record;

/// A sink record from `orders` partition 3 at offset 42, with a null key and value.
pub(crate) fn sink_record() -> Record {
    Record::sink("orders", 3, 42)
}
