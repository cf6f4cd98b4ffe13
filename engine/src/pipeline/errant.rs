//! [`SinkErrantReporter`]: the errant record reporter a sink task gets from its context
//! (Kafka Connect's `WorkerErrantRecordReporter`, KIP-610).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::PipelineError;
use super::report::FailureReporter;
use crate::connector::{ConnectError, ErrantRecordReporter, ErrantReport};
use crate::errors::{ErrorContext, FailedRecord, Stage, Tolerance};
use crate::kafka::KafkaMessage;
use crate::record::{Origin, Record};

/// Where a consumed record came from: topic, partition, offset.
type Location = (String, i32, i64);

/// Reports records a sink task could not write. Each report is logged and queued for the DLQ
/// (the original consumed record) and `report` returns at once; the pipeline waits for the
/// queued writes ([`SinkErrantReporter::flush`]) after each `put`, before that batch's offsets
/// can be committed. Each report is a failure: with `errors.tolerance=none` it fails the task.
pub(crate) struct SinkErrantReporter {
    reporter: Arc<FailureReporter>,
    connector: String,
    task_id: u32,
    tolerance: Tolerance,
    /// The consumed records of the batch being put, by location.
    originals: Mutex<HashMap<Location, KafkaMessage>>,
    /// The failure that must end the task, taken by the task thread after `put`.
    failure: Mutex<Option<String>>,
}

impl SinkErrantReporter {
    pub(crate) fn new(
        reporter: Arc<FailureReporter>,
        connector: String,
        task_id: u32,
        tolerance: Tolerance,
    ) -> Self {
        Self {
            reporter,
            connector,
            task_id,
            tolerance,
            originals: Mutex::default(),
            failure: Mutex::default(),
        }
    }

    /// Keeps the consumed records of the next batch for the reports made while it is put.
    /// Reports of a record from an earlier batch write it without key and value.
    pub(crate) fn set_batch(&self, originals: Vec<KafkaMessage>) {
        let mut map = lock(&self.originals);
        map.clear();
        for message in originals {
            if let (Some(partition), Some(offset)) = (message.partition, message.offset) {
                map.insert((message.topic.to_string(), partition, offset), message);
            }
        }
    }

    /// Waits until every report made so far is written to the DLQ.
    pub(crate) fn flush(&self) -> Result<(), PipelineError> {
        self.reporter.flush()
    }

    /// The failure a report caused that ends the task, if any.
    pub(crate) fn take_failure(&self) -> Option<String> {
        lock(&self.failure).take()
    }

    /// Records `message` as the task's failure; the task sees Kafka's wording.
    fn fail(&self, message: String) -> ConnectError {
        let error = ConnectError::Fatal(format!("Tolerance exceeded in error handler: {message}"));
        *lock(&self.failure) = Some(message);
        error
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The consumed location of a sink record, before any transform rewrote it.
fn location(record: &Record) -> Location {
    match &record.origin {
        Origin::Sink {
            original_topic,
            original_partition,
            original_offset,
            ..
        } => (
            original_topic.to_string(),
            *original_partition,
            *original_offset,
        ),
        Origin::Source { .. } => (record.topic.to_string(), record.partition.unwrap_or(-1), -1),
    }
}

impl ErrantRecordReporter for SinkErrantReporter {
    fn report(&self, record: &Record, error: &ConnectError) -> Result<ErrantReport, ConnectError> {
        let (topic, partition, offset) = location(record);
        let (exception_class, message) = match error {
            ConnectError::Retriable(message) => (
                "org.apache.kafka.connect.errors.RetriableException",
                message,
            ),
            ConnectError::Fatal(message) => {
                ("org.apache.kafka.connect.errors.ConnectException", message)
            }
        };
        let trace = error.to_string();
        let context = ErrorContext {
            topic: &topic,
            partition: Some(partition),
            offset: Some(offset),
            connector: &self.connector,
            task_id: self.task_id,
            stage: Stage::TaskPut,
            class_name: "org.apache.kafka.connect.sink.SinkTask",
            exception_class,
            message,
            trace: &trace,
        };
        let original = || {
            lock(&self.originals)
                .get(&(topic.clone(), partition, offset))
                .cloned()
                .unwrap_or_else(|| KafkaMessage::new(topic.as_str(), None, None))
        };
        if let Err(failure) = self
            .reporter
            .report(&context, FailedRecord::Consumed, original)
        {
            return Err(self.fail(format!("writing a reported record to the DLQ: {failure}")));
        }
        if self.tolerance == Tolerance::None {
            return Err(self.fail(format!("reported record: {error}")));
        }
        let reporter = Arc::clone(&self.reporter);
        Ok(ErrantReport::pending(move || {
            reporter.flush().map_err(|failure| {
                ConnectError::fatal(format!("writing a reported record to the DLQ: {failure}"))
            })
        }))
    }
}
