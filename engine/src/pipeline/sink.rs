//! [`SinkPipeline`]: a sink task's two threads (Kafka Connect's `WorkerSinkTask`).
//!
//! - The **fetch thread** owns the consumer: polls and hands batches of consumed messages to
//!   the task thread over a bounded channel. When the channel stays full for a second it
//!   pauses every partition and keeps polling (so the group does not drop it), then resumes.
//!   It takes back the batches put (freeing their messages on the thread that made them),
//!   and applies the task's pause/resume requests, seeks, and commits.
//! - The **task thread** owns the task: converts key/value/headers and applies the transforms
//!   (as Kafka Connect's `WorkerSinkTask` does, on the task's thread), `open`/`close` on
//!   rebalances, `put` (a retriable failure redelivers the same batch after `context.timeout`
//!   or 100 ms), and every `offset.flush.interval.ms` or on `request_commit`: `pre_commit` of
//!   what was put, then a commit of the offsets it returns that were consumed from partitions
//!   still assigned.
//!
//! A revocation is handled as Kafka Connect's `onPartitionsRevoked`: inside the consumer's
//! poll, the fetch thread hands it to the task thread (after the batches already queued) and
//! waits; the task thread answers with `pre_commit`'s offsets for the revoked partitions, which
//! the consumer commits synchronously before giving the partitions up, then closes them. The
//! next owner starts where this task stopped.
//!
//! Offset resets (`context.reset_offset`) are taken after each `put` and sent to the fetch
//! thread; records of that partition fetched before the seek are dropped (each batch carries
//! a per-partition seek epoch).
//!
//! Failed records (tolerated or reported by the task through its errant record reporter) are
//! logged per `errors.log.*` and written, as consumed, to the DLQ. A task's report returns at
//! once with the write in flight; the task thread waits for every write after each `put`,
//! before that batch's offsets can be committed. A report counts as a failure, and under
//! `errors.tolerance=none` it fails the task.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::active_topics::TopicTracker;
use super::errant::SinkErrantReporter;
use super::report::FailureReporter;
use super::threads::PipelineThreads;
use super::{ActiveTopics, DeadLetterQueue, PipelineError, RecordStages};
use crate::connector::{
    ConnectError, ErrantRecordReporter, PartitionOffsets, SinkTask, SinkTaskContext, TopicPartition,
};
use crate::errors::{RetryWithTolerance, Stage};
use crate::kafka::{KafkaConsumer, KafkaMessage};
use crate::metrics::{ErrorMetrics, SinkMetrics};
use convert::SinkStages;
use fetch::Fetcher;
use topic_name::TopicNames;

mod convert;
mod fetch;
mod topic_name;

/// What a sink pipeline runs with, besides its task and clients.
pub struct SinkPipelineConfig {
    /// The connector name (DLQ headers).
    pub connector: String,
    /// The task number.
    pub task_id: u32,
    /// The converters and transforms.
    pub stages: RecordStages,
    /// `errors.*`.
    pub errors: RetryWithTolerance,
    /// `offset.flush.interval.ms`.
    pub offset_flush_interval: Duration,
    /// Most records per batch.
    pub max_batch: usize,
    /// Batches that may wait between the fetch and task threads.
    pub channel_capacity: usize,
    /// Where the topics the task reads from are recorded (KIP-558).
    pub active_topics: ActiveTopics,
}

/// The Kafka clients of a sink task: a consumer already subscribed to `topics` or
/// `topics.regex`, and the DLQ.
pub struct SinkClients {
    /// The consumer of group `connect-<connector>`.
    pub consumer: KafkaConsumer,
    /// The dead letter queue, when `errors.deadletterqueue.topic.name` is set.
    pub dlq: Option<DeadLetterQueue>,
}

enum Event {
    Assigned(Vec<TopicPartition>),
    Revoked {
        partitions: Vec<TopicPartition>,
        /// Where the fetch thread waits for the offsets to commit before the partitions go;
        /// `None` when the revocation was already complete.
        reply: Option<Sender<PartitionOffsets>>,
    },
    Batch {
        messages: Vec<KafkaMessage>,
        /// Next offset per partition after the messages.
        consumed: PartitionOffsets,
        /// The fetch thread's seek epoch per partition when it polled them.
        epochs: BTreeMap<TopicPartition, u64>,
    },
}

enum Control {
    Commit(PartitionOffsets),
    Seek(PartitionOffsets),
}

/// A running sink task.
pub struct SinkPipeline {
    threads: PipelineThreads,
    paused: Arc<AtomicBool>,
}

impl SinkPipeline {
    /// Starts `task` and its threads. The task's context gets the pipeline's errant record
    /// reporter when a DLQ topic or `errors.log.enable` is set, and none otherwise, as in
    /// Kafka.
    pub fn start(
        task: Box<dyn SinkTask>,
        context: SinkTaskContext,
        config: SinkPipelineConfig,
        clients: SinkClients,
    ) -> std::io::Result<Self> {
        let metrics = SinkMetrics::new(&config.connector, config.task_id);
        let error_metrics = ErrorMetrics::new(&config.connector, config.task_id);
        let errors = config.errors.with_metrics(error_metrics.clone());
        let reporter = Arc::new(
            FailureReporter::new(errors.config().clone(), clients.dlq).with_metrics(error_metrics),
        );
        let topics = TopicTracker::new(&config.connector, config.active_topics.clone());
        let errant = reporter.is_enabled().then(|| {
            Arc::new(SinkErrantReporter::new(
                Arc::clone(&reporter),
                config.connector.clone(),
                config.task_id,
                errors.config().tolerance,
            ))
        });
        let context = context.with_errant_record_reporter(
            errant
                .clone()
                .map(|errant| errant as Arc<dyn ErrantRecordReporter>),
        );
        let stop = Arc::new(AtomicBool::new(false));
        let paused = Arc::new(AtomicBool::new(false));
        let (event_tx, event_rx) = crossbeam_channel::bounded(config.channel_capacity.max(1));
        let (control_tx, control_rx) = crossbeam_channel::unbounded();
        let (spent_tx, spent_rx) = crossbeam_channel::bounded(config.channel_capacity.max(1) + 1);
        let name = format!("{}-{}", config.connector, config.task_id);
        let runner = TaskRunner {
            task,
            stages: SinkStages {
                connector: config.connector,
                task_id: config.task_id,
                stages: config.stages,
                errors,
                reporter,
                topic_names: TopicNames::default(),
            },
            context: context.clone(),
            errant,
            flush_interval: config.offset_flush_interval,
            current: PartitionOffsets::new(),
            consumed: PartitionOffsets::new(),
            seen_epochs: BTreeMap::new(),
            min_epochs: BTreeMap::new(),
            controls: control_tx,
            spent: spent_tx,
            metrics: metrics.clone(),
            stop: Arc::clone(&stop),
        };
        let task = std::thread::Builder::new()
            .name(format!("{name}-sink-task"))
            .spawn(move || runner.run(event_rx))?;
        let fetcher = Fetcher {
            consumer: clients.consumer,
            context,
            max_batch: config.max_batch,
            epochs: BTreeMap::new(),
            paused: BTreeSet::new(),
            assignment_seen: None,
            spent: spent_rx,
            reusable: Vec::new(),
            connector_paused: Arc::clone(&paused),
            metrics,
            topics,
            stop: Arc::clone(&stop),
        };
        let fetch = std::thread::Builder::new()
            .name(format!("{name}-sink-fetch"))
            .spawn(move || fetcher.run(event_tx, control_rx))?;
        Ok(Self {
            threads: PipelineThreads::new(stop, ("sink task", task), ("sink fetch", fetch)),
            paused,
        })
    }

    /// Pauses every assigned partition until [`SinkPipeline::resume`]; the consumer keeps
    /// polling so it stays in its group (Kafka's PAUSED sink task). Pauses the task asked for
    /// are remembered and applied again on resume.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    /// Fetches again after a [`SinkPipeline::pause`].
    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    /// True when a thread has ended (the task failed, or was stopped).
    pub fn is_finished(&self) -> bool {
        self.threads.is_finished()
    }

    /// Stops fetching, commits what the task flushed and stops the task. Returns the failure
    /// that ended the task, if any.
    pub fn stop(self) -> Result<(), PipelineError> {
        self.threads.stop()
    }
}

struct TaskRunner {
    task: Box<dyn SinkTask>,
    stages: SinkStages,
    context: SinkTaskContext,
    errant: Option<Arc<SinkErrantReporter>>,
    flush_interval: Duration,
    /// Next offset per partition of what was put.
    current: PartitionOffsets,
    /// Next offset per partition of what was fetched (commits never go beyond it).
    consumed: PartitionOffsets,
    seen_epochs: BTreeMap<TopicPartition, u64>,
    min_epochs: BTreeMap<TopicPartition, u64>,
    controls: Sender<Control>,
    /// Batches put, back to the fetch thread (see [`Fetcher::empty_batch`]).
    spent: Sender<Vec<KafkaMessage>>,
    metrics: SinkMetrics,
    stop: Arc<AtomicBool>,
}

impl TaskRunner {
    fn run(mut self, events: Receiver<Event>) -> Result<(), PipelineError> {
        let result = self.task_loop(&events);
        if result.is_ok() {
            self.commit();
        }
        self.task.stop();
        result
    }

    fn task_loop(&mut self, events: &Receiver<Event>) -> Result<(), PipelineError> {
        self.task.start(self.context.clone())?;
        let mut next_commit = Instant::now() + self.flush_interval;
        while !self.stop.load(Ordering::SeqCst) {
            if Instant::now() >= next_commit || self.context.take_commit_request() {
                self.commit();
                next_commit = Instant::now() + self.flush_interval;
            }
            let wait = next_commit
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(100));
            match events.recv_timeout(wait) {
                Ok(Event::Assigned(partitions)) => {
                    self.task.open(&partitions)?;
                    self.metrics.partitions(self.context.assignment().len());
                }
                Ok(Event::Revoked { partitions, reply }) => {
                    let revoked: PartitionOffsets = self
                        .committable()
                        .into_iter()
                        .filter(|(partition, _)| partitions.contains(partition))
                        .collect();
                    match reply {
                        // The fetch thread may have given up waiting (stopping): then the
                        // offsets are committed the usual way.
                        Some(reply) => {
                            if let Err(unsent) = reply.send(revoked) {
                                let _ = self.controls.send(Control::Commit(unsent.into_inner()));
                            }
                        }
                        None if !revoked.is_empty() => {
                            let _ = self.controls.send(Control::Commit(revoked));
                        }
                        None => {}
                    }
                    self.task.close(&partitions)?;
                    for partition in &partitions {
                        self.current.remove(partition);
                        self.consumed.remove(partition);
                    }
                    self.metrics.partitions(self.context.assignment().len());
                }
                Ok(Event::Batch {
                    messages,
                    consumed,
                    epochs,
                }) => self.put(messages, consumed, epochs)?,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        Ok(())
    }

    /// Converts what the fetch thread consumed, puts it, and notes its offsets as put.
    fn put(
        &mut self,
        mut messages: Vec<KafkaMessage>,
        mut consumed: PartitionOffsets,
        epochs: BTreeMap<TopicPartition, u64>,
    ) -> Result<(), PipelineError> {
        // Partitions the task reset whose messages in this batch were fetched before the seek.
        let stale: Vec<TopicPartition> = self
            .min_epochs
            .iter()
            .filter(|(partition, min)| epochs.get(*partition).copied().unwrap_or(0) < **min)
            .map(|(partition, _)| partition.clone())
            .collect();
        self.seen_epochs.extend(epochs);
        if !stale.is_empty() {
            let is_stale = |topic: &str, partition: Option<i32>| {
                stale
                    .iter()
                    .any(|stale| Some(stale.partition) == partition && stale.topic == topic)
            };
            messages.retain(|message| !is_stale(message.topic.as_str(), message.partition));
            consumed.retain(|partition, _| !is_stale(&partition.topic, Some(partition.partition)));
        }
        let batch = self.stages.convert(&messages)?;
        let spent = match &self.errant {
            Some(errant) => {
                errant.set_batch(messages);
                None
            }
            None => Some(messages),
        };
        // `put` borrows the batch, so it is still here for redelivery after a retriable failure.
        loop {
            let putting = Instant::now();
            let records = batch.len();
            let outcome = self.task.put(&batch);
            self.metrics.put(records, putting.elapsed());
            // A report the tolerance does not allow fails the task, whatever `put` returned.
            if let Some(message) = self.errant.as_ref().and_then(|e| e.take_failure()) {
                return Err(PipelineError::ToleranceExceeded {
                    stage: Stage::TaskPut,
                    message,
                });
            }
            match outcome {
                Ok(()) => {
                    if let Some(errant) = &self.errant {
                        errant.flush()?;
                    }
                    break;
                }
                Err(ConnectError::Retriable(_)) => {
                    let wait = self
                        .context
                        .take_retry_timeout()
                        .unwrap_or(Duration::from_millis(100));
                    std::thread::sleep(wait);
                    if self.stop.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                }
                Err(error) => return Err(error.into()),
            }
        }
        drop(batch);
        if let Some(spent) = spent {
            // When the fetch thread is behind on taking them back, they are freed here.
            let _ = self.spent.try_send(spent);
        }
        for (partition, next) in consumed {
            self.current.insert(partition.clone(), next);
            self.consumed.insert(partition, next);
        }
        let resets = self.context.take_offset_resets();
        if !resets.is_empty() {
            for (partition, offset) in &resets {
                let seen = self.seen_epochs.get(partition).copied().unwrap_or(0);
                self.min_epochs.insert(partition.clone(), seen + 1);
                self.current.insert(partition.clone(), *offset);
            }
            let _ = self.controls.send(Control::Seek(resets));
        }
        Ok(())
    }

    /// `pre_commit`, then a commit of what it returns that was consumed and is assigned.
    fn commit(&mut self) {
        let assigned = self.context.assignment();
        let committable: PartitionOffsets = self
            .committable()
            .into_iter()
            .filter(|(partition, _)| assigned.contains(partition))
            .collect();
        if !committable.is_empty() {
            let _ = self.controls.send(Control::Commit(committable));
        }
    }

    /// What `pre_commit` returns of what was put, never beyond what was consumed.
    fn committable(&mut self) -> PartitionOffsets {
        if self.current.is_empty() {
            return PartitionOffsets::new();
        }
        let Ok(offsets) = self.task.pre_commit(&self.current) else {
            return PartitionOffsets::new();
        };
        offsets
            .into_iter()
            .filter(|(partition, offset)| {
                self.consumed
                    .get(partition)
                    .is_some_and(|consumed| offset <= consumed)
            })
            .collect()
    }
}
