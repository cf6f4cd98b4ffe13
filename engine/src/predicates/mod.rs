//! Predicates that decide whether a transform applies to a record: the [`Predicate`] trait and
//! the registry by Kafka class name and alias.

mod has_header_key;
mod record_is_tombstone;
mod registry;
mod topic_name_matches;

pub use registry::{PredicateFactory, PredicatePlugin, PredicateRegistry};

use crate::record::Record;

/// A condition on a record: Kafka Connect's `Predicate`.
pub trait Predicate: Send + Sync {
    /// True when the condition holds for `record`.
    fn test(&self, record: &Record) -> bool;
}
