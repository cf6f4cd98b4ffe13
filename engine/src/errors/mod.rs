//! Error handling for records that fail in a pipeline stage: Kafka Connect's `errors.*` keys —
//! retries with Kafka's backoff, tolerance, error logging — and the dead letter queue context
//! headers.

mod config;
mod dlq;
mod log;
mod retry;

pub use config::{ErrorHandlingConfig, Tolerance};
pub use dlq::{ErrorContext, dlq_context_headers};
pub use log::{FailedRecord, log_failure};
pub use retry::{Failure, RetryWithTolerance, StageError};

/// The pipeline stage where a record failed; the names are the values of Kafka's
/// `__connect.errors.stage` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// A source task's `poll`.
    TaskPoll,
    /// A sink task's `put`.
    TaskPut,
    /// A single message transform.
    Transformation,
    /// The key converter.
    KeyConverter,
    /// The value converter.
    ValueConverter,
    /// The header converter.
    HeaderConverter,
    /// Producing to Kafka.
    KafkaProduce,
    /// Consuming from Kafka.
    KafkaConsume,
}

impl Stage {
    /// Kafka's enum name, e.g. `VALUE_CONVERTER`.
    pub fn name(self) -> &'static str {
        match self {
            Self::TaskPoll => "TASK_POLL",
            Self::TaskPut => "TASK_PUT",
            Self::Transformation => "TRANSFORMATION",
            Self::KeyConverter => "KEY_CONVERTER",
            Self::ValueConverter => "VALUE_CONVERTER",
            Self::HeaderConverter => "HEADER_CONVERTER",
            Self::KafkaProduce => "KAFKA_PRODUCE",
            Self::KafkaConsume => "KAFKA_CONSUME",
        }
    }

    /// True for the stages where `errors.tolerance=all` skips any failure, not only retriable
    /// ones (converters and transforms; producer sends are handled by the source pipeline).
    pub fn tolerates_any_error(self) -> bool {
        matches!(
            self,
            Self::Transformation
                | Self::KeyConverter
                | Self::ValueConverter
                | Self::HeaderConverter
                | Self::KafkaProduce
        )
    }
}
