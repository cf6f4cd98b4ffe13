//! [`SinkPipeline`]: a sink task's two threads (Kafka Connect's `WorkerSinkTask`).
//!
//! - The **fetch thread** owns the consumer: polls, converts key/value/headers, applies the
//!   transforms and hands batches to the task thread over a bounded channel. While the channel
//!   is full it pauses every partition and keeps polling (so the group does not drop it), then
//!   resumes. It applies the task's pause/resume requests, seeks, and commits.
//! - The **task thread** owns the task: `open`/`close` on rebalances, `put` (a retriable
//!   failure redelivers the same batch after `context.timeout` or 100 ms), and every
//!   `offset.flush.interval.ms` or on `request_commit`: `pre_commit` of what was put, then a
//!   commit of the offsets it returns, never beyond what was consumed.
//!
//! Offset resets (`context.reset_offset`) are taken after each `put` and sent to the fetch
//! thread; records of that partition fetched before the seek are dropped (each batch carries
//! a per-partition seek epoch).
//!
//! Failed records (tolerated or reported by the task through its errant record reporter) are
//! logged per `errors.log.*` and written, as consumed, to the DLQ. A report is written before
//! it returns, so none is pending when offsets are committed; a report counts as a failure,
//! and under `errors.tolerance=none` it fails the task.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender};

use super::active_topics::TopicTracker;
use super::errant::SinkErrantReporter;
use super::report::FailureReporter;
use super::threads::PipelineThreads;
use super::{ActiveTopics, DeadLetterQueue, PipelineError};
use crate::connector::{
    ConnectError, ErrantRecordReporter, PartitionOffsets, SinkTask, SinkTaskContext, TopicPartition,
};
use crate::converters::{Converter, HeaderConverter};
use crate::errors::{ErrorContext, FailedRecord, Failure, RetryWithTolerance, Stage, StageError};
use crate::kafka::{KafkaConsumer, KafkaMessage, RebalanceEvent};
use crate::metrics::{ErrorMetrics, SinkMetrics};
use crate::record::{Origin, Record, RecordBatch};
use crate::transforms::{Outcome, TransformChain};

/// What a sink pipeline runs with, besides its task and clients.
pub struct SinkPipelineConfig {
    /// The connector name (DLQ headers).
    pub connector: String,
    /// The task number.
    pub task_id: u32,
    /// `key.converter`.
    pub key_converter: Box<dyn Converter>,
    /// `value.converter`.
    pub value_converter: Box<dyn Converter>,
    /// `header.converter`.
    pub header_converter: Box<dyn HeaderConverter>,
    /// `transforms`.
    pub transforms: TransformChain,
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
    Revoked(Vec<TopicPartition>),
    Batch {
        records: RecordBatch,
        /// Next offset per partition after everything fetched for this batch (kept, dropped
        /// or failed records alike).
        consumed: PartitionOffsets,
        epochs: BTreeMap<TopicPartition, u64>,
        /// The consumed records behind `records`, kept only for the errant record reporter.
        originals: Vec<KafkaMessage>,
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
        let mut config = config;
        config.errors = config.errors.clone().with_metrics(error_metrics.clone());
        let errors = config.errors.config();
        let reporter =
            Arc::new(FailureReporter::new(errors.clone(), clients.dlq).with_metrics(error_metrics));
        let topics = TopicTracker::new(&config.connector, config.active_topics.clone());
        let errant = reporter.is_enabled().then(|| {
            Arc::new(SinkErrantReporter::new(
                Arc::clone(&reporter),
                config.connector.clone(),
                config.task_id,
                errors.tolerance,
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
        let name = format!("{}-{}", config.connector, config.task_id);
        let runner = TaskRunner {
            task,
            context: context.clone(),
            errant: errant.clone(),
            flush_interval: config.offset_flush_interval,
            current: PartitionOffsets::new(),
            consumed: PartitionOffsets::new(),
            seen_epochs: BTreeMap::new(),
            min_epochs: BTreeMap::new(),
            controls: control_tx,
            metrics: metrics.clone(),
            stop: Arc::clone(&stop),
        };
        let task = std::thread::Builder::new()
            .name(format!("{name}-sink-task"))
            .spawn(move || runner.run(event_rx))?;
        let fetcher = Fetcher {
            consumer: clients.consumer,
            reporter,
            keep_originals: errant.is_some(),
            context,
            config,
            epochs: BTreeMap::new(),
            paused: BTreeSet::new(),
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

struct Fetcher {
    consumer: KafkaConsumer,
    reporter: Arc<FailureReporter>,
    /// True when the task has an errant record reporter, which needs the consumed records.
    keep_originals: bool,
    context: SinkTaskContext,
    config: SinkPipelineConfig,
    epochs: BTreeMap<TopicPartition, u64>,
    /// Partitions paused on the consumer (at the task's request, or all while the connector
    /// is paused).
    paused: BTreeSet<TopicPartition>,
    /// Set while the connector is PAUSED.
    connector_paused: Arc<AtomicBool>,
    metrics: SinkMetrics,
    topics: TopicTracker,
    stop: Arc<AtomicBool>,
}

impl Fetcher {
    fn run(
        mut self,
        events: Sender<Event>,
        controls: Receiver<Control>,
    ) -> Result<(), PipelineError> {
        let result = self.fetch_loop(&events, &controls);
        drop(events);
        // The task thread's final commit arrives after it saw the channel close.
        while let Ok(control) = controls.recv() {
            self.control(control);
        }
        result
    }

    fn fetch_loop(
        &mut self,
        events: &Sender<Event>,
        controls: &Receiver<Control>,
    ) -> Result<(), PipelineError> {
        while !self.stop.load(Ordering::SeqCst) {
            while let Ok(control) = controls.try_recv() {
                self.control(control);
            }
            self.apply_pauses()?;
            let messages = self
                .consumer
                .poll_batch(self.config.max_batch, Duration::from_millis(100))?;
            if !self.forward_rebalances(events) {
                return Ok(());
            }
            if messages.is_empty() {
                continue;
            }
            let event = self.batch(messages)?;
            if !self.send(events, controls, event)? {
                return Ok(());
            }
        }
        Ok(())
    }

    fn control(&mut self, control: Control) {
        match control {
            // Kafka logs a failed commit and tries again at the next one.
            Control::Commit(offsets) => {
                let started = Instant::now();
                let committed = self.consumer.commit(&offsets);
                self.metrics
                    .commits
                    .commit(started.elapsed(), committed.is_ok());
            }
            Control::Seek(offsets) => {
                for (partition, offset) in offsets {
                    *self.epochs.entry(partition.clone()).or_default() += 1;
                    let _ = self
                        .consumer
                        .seek(&partition, offset, Duration::from_secs(5));
                }
            }
        }
    }

    fn apply_pauses(&mut self) -> Result<(), PipelineError> {
        let wanted = if self.connector_paused.load(Ordering::SeqCst) {
            self.consumer.assignment()?.into_iter().collect()
        } else {
            self.context.paused()
        };
        let pause: Vec<_> = wanted.difference(&self.paused).cloned().collect();
        let resume: Vec<_> = self.paused.difference(&wanted).cloned().collect();
        if !pause.is_empty() {
            self.consumer.pause(&pause)?;
        }
        if !resume.is_empty() {
            self.consumer.resume(&resume)?;
        }
        self.paused = wanted;
        Ok(())
    }

    /// Passes rebalances on; false when the task thread is gone.
    fn forward_rebalances(&mut self, events: &Sender<Event>) -> bool {
        while let Ok(event) = self.consumer.rebalance_events().try_recv() {
            let event = match event {
                RebalanceEvent::Assigned(partitions) => Event::Assigned(partitions),
                RebalanceEvent::Revoked(partitions) => Event::Revoked(partitions),
            };
            if events.send(event).is_err() {
                return false;
            }
        }
        if let Ok(assignment) = self.consumer.assignment() {
            self.context.set_assignment(assignment);
        }
        true
    }

    /// Sends `event`, pausing every partition while the channel stays full; false when the
    /// task thread is gone or a stop was asked for.
    fn send(
        &mut self,
        events: &Sender<Event>,
        controls: &Receiver<Control>,
        mut event: Event,
    ) -> Result<bool, PipelineError> {
        let mut paused_all: Option<Vec<TopicPartition>> = None;
        loop {
            match events.send_timeout(event, Duration::from_millis(50)) {
                Ok(()) => break,
                Err(SendTimeoutError::Disconnected(_)) => return Ok(false),
                Err(SendTimeoutError::Timeout(back)) => {
                    event = back;
                    if self.stop.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                    if paused_all.is_none() {
                        let assigned = self.consumer.assignment()?;
                        self.consumer.pause(&assigned)?;
                        paused_all = Some(assigned);
                    }
                    while let Ok(control) = controls.try_recv() {
                        self.control(control);
                    }
                    // Keeps the consumer in its group; paused partitions return nothing, and
                    // a message fetched before the pause joins the waiting batch (only
                    // batches are sent through here).
                    if let Some(stray) = self.consumer.poll(Duration::ZERO)? {
                        self.append(&mut event, stray)?;
                    }
                }
            }
        }
        if let Some(assigned) = paused_all {
            let resume: Vec<_> = assigned
                .into_iter()
                .filter(|partition| !self.paused.contains(partition))
                .collect();
            self.consumer.resume(&resume)?;
        }
        Ok(true)
    }

    fn append(&mut self, event: &mut Event, message: KafkaMessage) -> Result<(), PipelineError> {
        let Event::Batch {
            records,
            consumed,
            originals,
            ..
        } = event
        else {
            return Ok(());
        };
        note_consumed(consumed, &message);
        let original = self.keep_originals.then(|| message.clone());
        if let Some(record) = self.record(message)? {
            records.records.push(record);
            originals.extend(original);
        }
        Ok(())
    }

    fn batch(&mut self, messages: Vec<KafkaMessage>) -> Result<Event, PipelineError> {
        let mut records = Vec::with_capacity(messages.len());
        let mut originals = Vec::new();
        let mut consumed = PartitionOffsets::new();
        self.metrics.read(messages.len());
        for message in messages {
            self.topics.saw(message.topic.as_str());
            note_consumed(&mut consumed, &message);
            let original = self.keep_originals.then(|| message.clone());
            if let Some(record) = self.record(message)? {
                records.push(record);
                originals.extend(original);
            }
        }
        // The batch's consumed offsets may be committed once the task has it: its DLQ writes
        // must be acknowledged first.
        self.reporter.flush()?;
        Ok(Event::Batch {
            records: RecordBatch::new(records),
            consumed,
            epochs: self.epochs.clone(),
            originals,
        })
    }

    /// Converts and transforms one message; `None` when it was dropped or skipped.
    fn record(&mut self, message: KafkaMessage) -> Result<Option<Record>, PipelineError> {
        match self.convert_and_transform(&message) {
            Ok(record) => Ok(record),
            Err(Failure::Tolerated { stage, error }) => {
                self.report(message, stage, &error)?;
                Ok(None)
            }
            Err(Failure::Fatal { stage, error }) => {
                let topic = message.topic.clone();
                let context = self.error_context(&topic, &message, stage, &error);
                self.reporter.log(&context, FailedRecord::Consumed);
                Err(PipelineError::ToleranceExceeded {
                    stage,
                    message: error,
                })
            }
        }
    }

    fn convert_and_transform(
        &mut self,
        message: &KafkaMessage,
    ) -> Result<Option<Record>, Failure<String>> {
        let config = &mut self.config;
        let topic = message.topic.as_str();
        let fatal = |error: &dyn std::fmt::Display| StageError::Fatal(error.to_string());
        let (key_schema, key) = config.errors.execute(Stage::KeyConverter, || {
            config
                .key_converter
                .to_connect(topic, message.key.as_ref())
                .map_err(|e| fatal(&e))
        })?;
        let (value_schema, value) = config.errors.execute(Stage::ValueConverter, || {
            config
                .value_converter
                .to_connect(topic, message.value.as_ref())
                .map_err(|e| fatal(&e))
        })?;
        let mut record = Record::sink(
            message.topic.clone(),
            message.partition.unwrap_or(-1),
            message.offset.unwrap_or(-1),
        )
        .with_key(key_schema, key)
        .with_value(value_schema, value)
        .with_timestamp(message.timestamp);
        if let Origin::Sink { timestamp_type, .. } = &mut record.origin {
            *timestamp_type = message.timestamp_type;
        }
        for header in &message.headers {
            let (schema, value) = config.errors.execute(Stage::HeaderConverter, || {
                config
                    .header_converter
                    .header_to_connect(topic, &header.key, header.value.as_ref())
                    .map_err(|e| fatal(&e))
            })?;
            record.headers.add(header.key.clone(), schema, value);
        }
        let outcome = config.errors.execute(Stage::Transformation, || {
            config.transforms.apply(&mut record).map_err(|e| fatal(&e))
        })?;
        Ok((outcome == Outcome::Keep).then_some(record))
    }

    /// Logs a skipped record and writes the original consumed record to the DLQ.
    fn report(
        &self,
        message: KafkaMessage,
        stage: Stage,
        error: &str,
    ) -> Result<(), PipelineError> {
        let topic = message.topic.clone();
        let context = self.error_context(&topic, &message, stage, error);
        self.reporter
            .report(&context, FailedRecord::Consumed, || message.clone())
    }

    fn error_context<'a>(
        &'a self,
        topic: &'a str,
        message: &KafkaMessage,
        stage: Stage,
        error: &'a str,
    ) -> ErrorContext<'a> {
        ErrorContext {
            topic,
            partition: message.partition,
            offset: message.offset,
            connector: &self.config.connector,
            task_id: self.config.task_id,
            stage,
            class_name: stage.name(),
            exception_class: "org.apache.kafka.connect.errors.DataException",
            message: error,
            trace: error,
        }
    }
}

fn note_consumed(consumed: &mut PartitionOffsets, message: &KafkaMessage) {
    if let (Some(partition), Some(offset)) = (message.partition, message.offset) {
        let next = consumed
            .entry(TopicPartition::new(message.topic.as_str(), partition))
            .or_insert(offset + 1);
        *next = (*next).max(offset + 1);
    }
}

struct TaskRunner {
    task: Box<dyn SinkTask>,
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
                Ok(Event::Revoked(partitions)) => {
                    self.commit();
                    self.task.close(&partitions)?;
                    for partition in &partitions {
                        self.current.remove(partition);
                        self.consumed.remove(partition);
                    }
                    self.metrics.partitions(self.context.assignment().len());
                }
                Ok(Event::Batch {
                    records,
                    consumed,
                    epochs,
                    originals,
                }) => {
                    if let Some(errant) = &self.errant {
                        errant.set_batch(originals);
                    }
                    self.put(records, consumed, epochs)?;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        Ok(())
    }

    fn put(
        &mut self,
        mut batch: RecordBatch,
        consumed: PartitionOffsets,
        epochs: BTreeMap<TopicPartition, u64>,
    ) -> Result<(), PipelineError> {
        self.seen_epochs.extend(epochs.clone());
        let stale = |partition: &TopicPartition| {
            let min = self.min_epochs.get(partition).copied().unwrap_or(0);
            epochs.get(partition).copied().unwrap_or(0) < min
        };
        batch.records.retain(|record| {
            let partition =
                TopicPartition::new(record.topic.as_str(), record.partition.unwrap_or(-1));
            !stale(&partition)
        });
        let consumed: PartitionOffsets = consumed
            .into_iter()
            .filter(|(partition, _)| !stale(partition))
            .collect();
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
                Ok(()) => break,
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
        if self.current.is_empty() {
            return;
        }
        let Ok(offsets) = self.task.pre_commit(&self.current) else {
            return;
        };
        let committable: PartitionOffsets = offsets
            .into_iter()
            .filter(|(partition, offset)| {
                self.consumed
                    .get(partition)
                    .is_some_and(|consumed| offset <= consumed)
            })
            .collect();
        if !committable.is_empty() {
            let _ = self.controls.send(Control::Commit(committable));
        }
    }
}
