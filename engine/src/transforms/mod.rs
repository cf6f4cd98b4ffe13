//! Single message transforms: the [`Transform`] trait, the registry of built-in and custom
//! transforms by Kafka class name and alias, and the configured [`TransformChain`].

mod cast;
mod chain;
pub mod date_format;
mod drop_headers;
mod extract_field;
mod filter;
mod flatten;
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
pub use registry::{TransformFactory, TransformPlugin, TransformRegistry};

use sluice_codecs::DataError;

use crate::record::Record;

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
}
