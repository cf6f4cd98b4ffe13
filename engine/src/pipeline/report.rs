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
    /// write and flush.
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

    /// A skipped or reported record: logged, then queued for the DLQ (`message` builds what
    /// is written, only when there is a DLQ). [`FailureReporter::flush`] waits for the DLQ's
    /// acknowledgements: callers flush before handing on anything that lets the failed record's
    /// offset be committed.
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
        let mut dlq = dlq.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = dlq.write(message(), context);
        self.metrics.dlq_write(written.is_err());
        written
    }

    /// Waits until every DLQ write queued so far is acknowledged (nothing to do without a DLQ
    /// or queued writes); a failed write is the error.
    pub(crate) fn flush(&self) -> Result<(), PipelineError> {
        let Some(dlq) = &self.dlq else {
            return Ok(());
        };
        let mut dlq = dlq.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let flushed = dlq.flush();
        if flushed.is_err() {
            self.metrics.dlq_failure();
        }
        flushed
    }
}
