//! Task pipelines: threads that move [`RecordBatch`](crate::record::RecordBatch)es between a
//! task and Kafka over bounded channels, so a slow stage slows the ones before it.
//!
//! - [`SourcePipeline`]: poll → transforms → converters → produce → source offsets committed
//!   only for acknowledged records.
//! - [`SinkPipeline`]: consume → converters → transforms → put → pre_commit → commit of what
//!   the task flushed.

mod active_topics;
mod dlq;
mod errant;
mod report;
mod sink;
mod source;
mod stages;
mod submitted;
mod task;
mod threads;

pub use active_topics::ActiveTopics;
pub use dlq::DeadLetterQueue;
pub use sink::{SinkClients, SinkPipeline, SinkPipelineConfig};
pub use source::{SourceClients, SourcePipeline, SourcePipelineConfig};
pub use stages::{DEFAULT_CONVERTER, DEFAULT_HEADER_CONVERTER, RecordStages};
pub use task::{RunningTask, TaskEnvironment, TaskInstance, TaskStart, TaskStartError, start_task};

use crate::connector::ConnectError;
use crate::errors::Stage;
use crate::kafka::KafkaClientError;
use crate::offsets::OffsetStoreError;

/// Why a pipeline stopped with a failure (the task is FAILED).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The task itself failed.
    #[error("task failed: {0}")]
    Task(#[from] ConnectError),
    /// A record failed in a stage and `errors.tolerance` does not allow skipping it.
    #[error("Tolerance exceeded in error handler: {stage:?} failed: {message}")]
    ToleranceExceeded {
        /// Where it failed.
        stage: Stage,
        /// What went wrong.
        message: String,
    },
    /// A Kafka client failed.
    #[error(transparent)]
    Kafka(#[from] KafkaClientError),
    /// The offset store failed.
    #[error(transparent)]
    Offsets(#[from] OffsetStoreError),
    /// A pipeline thread panicked.
    #[error("pipeline thread {0} panicked")]
    Panicked(&'static str),
}
