//! Sink connectors and tasks: Kafka Connect's `SinkConnector`, `SinkTask` and
//! `SinkTaskContext`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::config::RawConfig;
use crate::record::{Record, RecordBatch};

use super::{ConnectError, Connector};

/// A Kafka topic partition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
}

impl TopicPartition {
    /// `topic`/`partition`.
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        Self {
            topic: topic.into(),
            partition,
        }
    }
}

/// Offsets per partition: the next offset to consume (Kafka's commit convention).
pub type PartitionOffsets = BTreeMap<TopicPartition, i64>;

/// A sink connector: Kafka Connect's `SinkConnector`.
pub trait SinkConnector: Connector {
    /// A new, unstarted task.
    fn create_task(&self) -> Box<dyn SinkTask>;

    /// Accepts or refuses an offsets change made through the REST API; `Ok(false)` means the
    /// connector does not check offsets.
    fn alter_offsets(
        &self,
        _config: &RawConfig,
        _offsets: &[(TopicPartition, Option<i64>)],
    ) -> Result<bool, ConnectError> {
        Ok(false)
    }
}

/// Reports a record the task could not process (KIP-610): it goes to the DLQ and/or the log,
/// and counts as a failure against `errors.tolerance`.
pub trait ErrantRecordReporter: Send + Sync {
    /// Reports `record` with `error` and returns at once with the report in flight (Kafka's
    /// `Future<Void>`): the framework waits for every pending report before it commits the
    /// offsets of the batch being put, so a task need not wait itself. An error means the task
    /// must stop: the tolerance was exceeded ("Tolerance exceeded in error handler") or the
    /// DLQ write failed; the sink pipeline fails the task either way.
    fn report(&self, record: &Record, error: &ConnectError) -> Result<ErrantReport, ConnectError>;
}

type Wait = Box<dyn FnOnce() -> Result<(), ConnectError> + Send>;

/// A report of an [`ErrantRecordReporter`], written or in flight.
pub struct ErrantReport {
    wait: Option<Wait>,
}

impl ErrantReport {
    /// A report that is already written.
    pub fn written() -> Self {
        Self { wait: None }
    }

    /// A report in flight; `wait` blocks until it is written.
    pub fn pending(wait: impl FnOnce() -> Result<(), ConnectError> + Send + 'static) -> Self {
        Self {
            wait: Some(Box::new(wait)),
        }
    }

    /// Blocks until the report (and every report made before it) is written; the error is the
    /// DLQ's (Kafka's `Future.get()`).
    pub fn wait(self) -> Result<(), ConnectError> {
        self.wait.map_or(Ok(()), |wait| wait())
    }
}

impl std::fmt::Debug for ErrantReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrantReport")
            .field("pending", &self.wait.is_some())
            .finish()
    }
}

#[derive(Default)]
struct Requests {
    paused: BTreeSet<TopicPartition>,
    offset_resets: PartitionOffsets,
    commit_requested: bool,
    retry_timeout: Option<Duration>,
    assignment: BTreeSet<TopicPartition>,
}

/// What a sink task can ask of the framework: Kafka Connect's `SinkTaskContext`. The task
/// records requests here; the sink pipeline applies them between batches.
#[derive(Clone)]
pub struct SinkTaskContext {
    /// The task's config.
    pub config: RawConfig,
    requests: Arc<Mutex<Requests>>,
    reporter: Option<Arc<dyn ErrantRecordReporter>>,
}

impl SinkTaskContext {
    /// A context for a task with `config`; `reporter` is set when a DLQ topic or error logging
    /// is configured, as in Kafka. The sink pipeline installs its own reporter (or none) with
    /// [`SinkTaskContext::with_errant_record_reporter`].
    pub fn new(config: RawConfig, reporter: Option<Arc<dyn ErrantRecordReporter>>) -> Self {
        Self {
            config,
            requests: Arc::default(),
            reporter,
        }
    }

    /// The same context with `reporter` as its errant record reporter.
    pub fn with_errant_record_reporter(
        mut self,
        reporter: Option<Arc<dyn ErrantRecordReporter>>,
    ) -> Self {
        self.reporter = reporter;
        self
    }

    fn requests(&self) -> std::sync::MutexGuard<'_, Requests> {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stops fetching from `partitions` until resumed.
    pub fn pause(&self, partitions: &[TopicPartition]) {
        self.requests().paused.extend(partitions.iter().cloned());
    }

    /// Resumes fetching from `partitions`.
    pub fn resume(&self, partitions: &[TopicPartition]) {
        let mut requests = self.requests();
        for partition in partitions {
            requests.paused.remove(partition);
        }
    }

    /// The paused partitions.
    pub fn paused(&self) -> BTreeSet<TopicPartition> {
        self.requests().paused.clone()
    }

    /// Rewinds or skips: the next records of `partition` start at `offset`.
    pub fn reset_offset(&self, partition: TopicPartition, offset: i64) {
        self.requests().offset_resets.insert(partition, offset);
    }

    /// Asks for an offset commit as soon as possible.
    pub fn request_commit(&self) {
        self.requests().commit_requested = true;
    }

    /// Sets how long to wait before redelivering a batch after a retriable `put` failure.
    pub fn timeout(&self, timeout: Duration) {
        self.requests().retry_timeout = Some(timeout);
    }

    /// The partitions currently assigned to the task.
    pub fn assignment(&self) -> BTreeSet<TopicPartition> {
        self.requests().assignment.clone()
    }

    /// The errant record reporter, when a DLQ or error logging is configured.
    pub fn errant_record_reporter(&self) -> Option<Arc<dyn ErrantRecordReporter>> {
        self.reporter.clone()
    }

    /// For the pipeline: takes the pending offset resets.
    pub fn take_offset_resets(&self) -> PartitionOffsets {
        std::mem::take(&mut self.requests().offset_resets)
    }

    /// For the pipeline: takes a pending commit request.
    pub fn take_commit_request(&self) -> bool {
        std::mem::take(&mut self.requests().commit_requested)
    }

    /// For the pipeline: takes the redelivery timeout the task set.
    pub fn take_retry_timeout(&self) -> Option<Duration> {
        self.requests().retry_timeout.take()
    }

    /// For the pipeline: records the current assignment.
    pub fn set_assignment(&self, partitions: impl IntoIterator<Item = TopicPartition>) {
        self.requests().assignment = partitions.into_iter().collect();
    }
}

/// A sink task: Kafka Connect's `SinkTask`. Receives batches of records consumed from Kafka
/// and writes them to the destination; the framework commits consumer offsets only for what
/// the task has flushed.
pub trait SinkTask: Send {
    /// Starts the task.
    fn start(&mut self, context: SinkTaskContext) -> Result<(), ConnectError>;

    /// Partitions newly assigned to the task.
    fn open(&mut self, _partitions: &[TopicPartition]) -> Result<(), ConnectError> {
        Ok(())
    }

    /// Partitions taken away from the task; it should flush what it holds for them.
    fn close(&mut self, _partitions: &[TopicPartition]) -> Result<(), ConnectError> {
        Ok(())
    }

    /// Writes (or buffers) a batch. A [`ConnectError::Retriable`] redelivers the same batch.
    /// The batch is lent, as Kafka lends its collection: a task that keeps records clones
    /// what it keeps (strings and bytes are shared, not copied).
    fn put(&mut self, batch: &RecordBatch) -> Result<(), ConnectError>;

    /// Makes everything put so far durable, up to `offsets`.
    fn flush(&mut self, _offsets: &PartitionOffsets) -> Result<(), ConnectError> {
        Ok(())
    }

    /// The offsets safe to commit; by default flushes and returns `offsets`.
    fn pre_commit(&mut self, offsets: &PartitionOffsets) -> Result<PartitionOffsets, ConnectError> {
        self.flush(offsets)?;
        Ok(offsets.clone())
    }

    /// Stops the task.
    fn stop(&mut self);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_requests_reach_the_pipeline_once() {
        let context = SinkTaskContext::new(RawConfig::new(), None);
        let a0 = TopicPartition::new("a", 0);
        context.pause(&[a0.clone(), TopicPartition::new("a", 1)]);
        context.resume(&[TopicPartition::new("a", 1)]);
        assert_eq!(context.paused(), BTreeSet::from([a0.clone()]));
        context.reset_offset(a0.clone(), 5);
        context.request_commit();
        assert_eq!(context.take_offset_resets(), BTreeMap::from([(a0, 5)]));
        assert!(context.take_offset_resets().is_empty());
        assert!(context.take_commit_request());
        assert!(!context.take_commit_request());
        assert!(context.errant_record_reporter().is_none());
    }
}
