//! [`FailureReporter`]: the one place both pipelines send a failed record — the error log
//! (`errors.log.*`) and the dead letter queue.

use std::sync::Mutex;

use super::{DeadLetterQueue, PipelineError};
use crate::errors::{ErrorContext, ErrorHandlingConfig, FailedRecord, log_failure};
use crate::kafka::KafkaMessage;
use crate::metrics::ErrorMetrics;

/// Logs failed records and writes them to the DLQ, as Kafka Connect's `LogReporter` and
/// `DeadLetterQueueReporter` do.
pub(crate) struct FailureReporter {
    errors: ErrorHandlingConfig,
    /// Behind a lock: the sink task thread (errant record reporter) and the fetch thread both
    /// write, and a producer's `send_and_wait` must not interleave with another's.
    dlq: Option<Mutex<DeadLetterQueue>>,
    metrics: ErrorMetrics,
}

impl FailureReporter {
    pub(crate) fn new(errors: ErrorHandlingConfig, dlq: Option<DeadLetterQueue>) -> Self {
        Self {
            errors,
            dlq: dlq.map(Mutex::new),
            metrics: ErrorMetrics::default(),
        }
    }

    /// The same reporter counting logged errors and DLQ writes in `metrics`.
    pub(crate) fn with_metrics(mut self, metrics: ErrorMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    fn logged(&self) {
        if self.errors.log_enable {
            self.metrics.error_logged();
        }
    }

    /// True when reports go somewhere: a DLQ or the log. Kafka hands a sink task an errant
    /// record reporter only then.
    pub(crate) fn is_enabled(&self) -> bool {
        self.dlq.is_some() || self.errors.log_enable
    }

    /// A failure that fails the task: logged only.
    pub(crate) fn log(&self, context: &ErrorContext<'_>, record: FailedRecord<'_>) {
        log_failure(&self.errors, context, record);
        self.logged();
    }

    /// A skipped or reported record: logged, then written to the DLQ (`message` builds what
    /// is written, only when there is a DLQ) and acknowledged before this returns.
    pub(crate) fn report(
        &self,
        context: &ErrorContext<'_>,
        record: FailedRecord<'_>,
        message: impl FnOnce() -> KafkaMessage,
    ) -> Result<(), PipelineError> {
        log_failure(&self.errors, context, record);
        self.logged();
        let Some(dlq) = &self.dlq else {
            return Ok(());
        };
        let dlq = dlq.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = dlq.report(message(), context);
        self.metrics.dlq_write(written.is_err());
        written
    }
}
