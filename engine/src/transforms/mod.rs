//! Single message transforms: the [`Transform`] trait, the registry of built-in and custom
//! transforms by Kafka class name and alias, and the configured [`TransformChain`].

mod cast;
mod cast_value;
mod chain;
pub mod date_format;
mod drop_headers;
mod extract_field;
mod filter;
mod flatten;
mod fusion;
mod header_from;
mod hoist_field;
mod inject_fault;
mod insert_field;
mod insert_header;
mod mask_field;
mod regex_router;
mod registry;
mod replace_field;
mod set_schema_metadata;
#[cfg(test)]
mod test_support;
mod timestamp_converter;
mod timestamp_router;
pub(crate) mod util;
mod value_to_key;

pub use chain::{ChainError, TransformChain};
pub use fusion::StructPlan;
pub use registry::{TransformFactory, TransformPlugin, TransformRegistry};

use sluice_codecs::{DataError, Schema, SchemaRef, Value};

use crate::record::{Record, RecordPart};

/// What a transform decided for a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Pass the (possibly changed) record on.
    Keep,
    /// Drop the record; the rest of the chain does not see it.
    Drop,
}

/// A transform failed on a record: a `TRANSFORMATION`-stage error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransformError {
    /// The record does not have the shape the transform needs (Kafka's `DataException`).
    #[error("{0}")]
    Data(String),
    /// A value does not fit a schema.
    #[error(transparent)]
    Schema(#[from] DataError),
}

impl TransformError {
    /// A [`TransformError::Data`] with `message`.
    pub fn data(message: impl Into<String>) -> Self {
        Self::Data(message.into())
    }
}

/// A single message transform: Kafka Connect's `Transformation`. Implementations are built from
/// their config by a [`TransformPlugin`] and applied to one record at a time, in place.
pub trait Transform: Send + Sync {
    /// Transforms `record` in place, or asks for it to be dropped. On error the record may have
    /// been left partly changed; the caller reports it as failed.
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError>;

    /// The part whose struct this transform can edit through a [`StructPlan`], so a chain may
    /// fuse it with its neighbours; `None` (the default) when it has no plans.
    fn struct_part(&self) -> Option<RecordPart> {
        None
    }

    /// The plan this transform follows for structs of `input` in its [`struct_part`], or
    /// `None` (the default) when it has none for that schema: the chain then uses
    /// [`Transform::apply`].
    ///
    /// [`struct_part`]: Transform::struct_part
    fn struct_plan(&self, _input: &SchemaRef) -> Option<StructPlan> {
        None
    }

    /// Does to `values`, the values of a struct of `input` taken out of `record`'s part
    /// (which meanwhile holds null), what [`Transform::apply`] would do to the record, following
    /// `plan` (from [`Transform::struct_plan`] for `input`): afterwards `values` are those of a
    /// struct of the plan's output schema. Returns false, leaving `values` untouched, whenever
    /// `apply` might do anything else (fail, drop the record, take another path); the chain
    /// then calls `apply`. `valid` says whether every value is known to be valid for its field
    /// of `input`; on success it must say whether the same holds for the output schema.
    fn apply_planned(
        &self,
        _plan: &StructPlan,
        _input: &Schema,
        _values: &mut Vec<Value>,
        _record: &Record,
        _valid: &mut bool,
    ) -> bool {
        false
    }
}
