//! [`SourcePipeline`]: a source task's two threads (Kafka Connect's `WorkerSourceTask`).
//!
//! - The **poll thread** owns the task: `poll` → transforms → key/value/header converters, then
//!   hands the batch to the send thread over a bounded channel (a full channel blocks polling:
//!   back-pressure). Between polls it calls `commit_record` for each acknowledged record and
//!   `commit` after each successful offset commit.
//! - The **send thread** owns the producer: creates topics per `topic.creation.*` before the
//!   first send to each, produces, collects acknowledgements, and every
//!   `offset.flush.interval.ms` (and at stop) writes the offsets of acknowledged records — only
//!   those before which every record of the same source partition was acknowledged or dropped.
//!
//! Failures in transforms and converters go through `errors.*` (retry, tolerance) and, when a
//! dead letter queue is configured, to it; a failure not tolerated fails the task.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender};

use super::active_topics::TopicTracker;
use super::report::FailureReporter;
use super::submitted::SubmittedRecords;
use super::threads::PipelineThreads;
use super::{ActiveTopics, DeadLetterQueue, PipelineError};
use crate::connector::{ConnectError, SourceTask, SourceTaskContext, WrittenRecord};
use crate::converters::{Converter, HeaderConverter};
use crate::errors::{
    ErrorContext, FailedRecord, Failure, RetryWithTolerance, Stage, StageError, Tolerance,
};
use crate::kafka::{KafkaAdmin, KafkaHeader, KafkaMessage, KafkaProducer, TopicCreation};
use crate::metrics::{ErrorMetrics, SourceMetrics};
use crate::offsets::{OffsetBackingStore, offset_key_bytes, offset_value_bytes};
use crate::record::{Origin, Record, RecordBatch};
use crate::transforms::{Outcome, TransformChain};

/// What a source pipeline runs with, besides its task and clients.
pub struct SourcePipelineConfig {
    /// The connector name (offset keys, DLQ headers).
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
    /// `offset.flush.timeout.ms`: how long the final flush waits for acknowledgements.
    pub offset_flush_timeout: Duration,
    /// Batches that may wait between the poll and send threads.
    pub channel_capacity: usize,
    /// Where the topics the task writes to are recorded (KIP-558).
    pub active_topics: ActiveTopics,
}

/// The Kafka clients of a source task.
pub struct SourceClients {
    /// The task's producer.
    pub producer: KafkaProducer,
    /// The admin client, for topic creation.
    pub admin: Option<KafkaAdmin>,
    /// `topic.creation.*`, when enabled.
    pub topic_creation: Option<TopicCreation>,
    /// The dead letter queue, when `errors.deadletterqueue.topic.name` is set; written from the
    /// poll thread, where transform and converter failures happen.
    pub dlq: Option<DeadLetterQueue>,
}

/// A record on its way to Kafka, with the record as the task returned it.
enum Item {
    Send {
        original: Record,
        message: KafkaMessage,
    },
    /// Filtered out by a transform, or skipped by error tolerance.
    Skip { original: Record },
}

/// From the send thread back to the task.
enum Ack {
    Record {
        original: Box<Record>,
        written: Option<WrittenRecord>,
    },
    Committed,
}

/// A running source task.
pub struct SourcePipeline {
    threads: PipelineThreads,
    paused: Arc<AtomicBool>,
}

impl SourcePipeline {
    /// Starts `task` and its threads.
    pub fn start(
        task: Box<dyn SourceTask>,
        context: SourceTaskContext,
        config: SourcePipelineConfig,
        mut clients: SourceClients,
        offsets: Arc<dyn OffsetBackingStore>,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let paused = Arc::new(AtomicBool::new(false));
        let (batch_tx, batch_rx) = crossbeam_channel::bounded(config.channel_capacity.max(1));
        let (ack_tx, ack_rx) = crossbeam_channel::unbounded();
        let name = format!("{}-{}", config.connector, config.task_id);
        let tolerance = config.errors.config().tolerance;
        let metrics = SourceMetrics::new(&config.connector, config.task_id);
        let error_metrics = ErrorMetrics::new(&config.connector, config.task_id);
        let reporter = FailureReporter::new(config.errors.config().clone(), clients.dlq.take())
            .with_metrics(error_metrics.clone());
        let topics = TopicTracker::new(&config.connector, config.active_topics.clone());
        let sender = SendLoop {
            connector: config.connector.clone(),
            tolerance,
            flush_interval: config.offset_flush_interval,
            flush_timeout: config.offset_flush_timeout,
            clients,
            offsets,
            acks: ack_tx,
            submitted: SubmittedRecords::default(),
            in_flight: HashMap::new(),
            next_token: 0,
            metrics: metrics.clone(),
            topics,
        };
        let send = std::thread::Builder::new()
            .name(format!("{name}-source-send"))
            .spawn(move || sender.run(batch_rx))?;
        let poller = Poller {
            task,
            reporter,
            stages: Stages::from(config, error_metrics),
            metrics,
            stop: Arc::clone(&stop),
            paused: Arc::clone(&paused),
        };
        let poll = std::thread::Builder::new()
            .name(format!("{name}-source-poll"))
            .spawn(move || poller.run(context, batch_tx, ack_rx))?;
        Ok(Self {
            threads: PipelineThreads::new(stop, ("source poll", poll), ("source send", send)),
            paused,
        })
    }

    /// Stops calling `poll` until [`SourcePipeline::resume`]; records already polled are still
    /// sent and their offsets committed (Kafka's PAUSED source task).
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    /// Calls `poll` again after a [`SourcePipeline::pause`].
    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    /// True when a thread has ended (the task failed, or was stopped).
    pub fn is_finished(&self) -> bool {
        self.threads.is_finished()
    }

    /// Stops polling, waits for in-flight records, commits their offsets and stops the task.
    /// Returns the failure that ended the task, if any.
    pub fn stop(self) -> Result<(), PipelineError> {
        self.threads.stop()
    }
}

/// The per-record stages of the poll thread.
struct Stages {
    connector: String,
    task_id: u32,
    key_converter: Box<dyn Converter>,
    value_converter: Box<dyn Converter>,
    header_converter: Box<dyn HeaderConverter>,
    transforms: TransformChain,
    errors: RetryWithTolerance,
}

impl Stages {
    fn from(config: SourcePipelineConfig, metrics: ErrorMetrics) -> Self {
        Self {
            connector: config.connector,
            task_id: config.task_id,
            key_converter: config.key_converter,
            value_converter: config.value_converter,
            header_converter: config.header_converter,
            transforms: config.transforms,
            errors: config.errors.with_metrics(metrics),
        }
    }
}

/// A record failed in `stage` with `message`, raised by `class_name`.
struct StageFailure {
    stage: Stage,
    class_name: String,
    message: String,
}

impl Stages {
    fn process(
        &mut self,
        batch: RecordBatch,
        reporter: &FailureReporter,
    ) -> Result<Vec<Item>, PipelineError> {
        let mut items = Vec::with_capacity(batch.len());
        for record in batch.records {
            let original = record.clone();
            match self.record(record) {
                Ok(Some(message)) => items.push(Item::Send { original, message }),
                Ok(None) => items.push(Item::Skip { original }),
                Err(Failure::Tolerated { error, .. }) => {
                    self.report(reporter, &original, &error)?;
                    items.push(Item::Skip { original });
                }
                Err(Failure::Fatal { stage, error }) => {
                    let context = error_context(&self.connector, self.task_id, &original, &error);
                    reporter.log(&context, FailedRecord::Source(&original));
                    return Err(PipelineError::ToleranceExceeded {
                        stage,
                        message: error.message,
                    });
                }
            }
        }
        // Skipped records' offsets are committed once the send loop has them: their DLQ
        // writes must be acknowledged first.
        reporter.flush()?;
        Ok(items)
    }

    /// Transforms and converts one record; `Ok(None)` when a transform dropped it.
    fn record(
        &mut self,
        mut record: Record,
    ) -> Result<Option<KafkaMessage>, Failure<StageFailure>> {
        let outcome = self.errors.execute(Stage::Transformation, || {
            self.transforms.apply(&mut record).map_err(|error| {
                StageError::Fatal(StageFailure {
                    stage: Stage::Transformation,
                    class_name: error.alias.clone(),
                    message: error.to_string(),
                })
            })
        })?;
        if outcome == Outcome::Drop {
            return Ok(None);
        }
        let topic = record.topic.as_str();
        let errors = &self.errors;
        let key = convert(
            errors,
            Stage::KeyConverter,
            self.key_converter.as_mut(),
            topic,
            record.key_schema.as_ref(),
            &record.key,
        )?;
        let value = convert(
            errors,
            Stage::ValueConverter,
            self.value_converter.as_mut(),
            topic,
            record.value_schema.as_ref(),
            &record.value,
        )?;
        let mut headers = Vec::with_capacity(record.headers.len());
        for header in record.headers.iter() {
            let header_converter = &mut self.header_converter;
            let bytes = errors.execute(Stage::HeaderConverter, || {
                header_converter
                    .header_to_bytes(topic, &header.key, header.schema.as_ref(), &header.value)
                    .map_err(|error| {
                        StageError::Fatal(StageFailure {
                            stage: Stage::HeaderConverter,
                            class_name: Stage::HeaderConverter.name().to_owned(),
                            message: error.to_string(),
                        })
                    })
            })?;
            headers.push(KafkaHeader {
                key: header.key.clone(),
                value: bytes,
            });
        }
        Ok(Some(KafkaMessage {
            topic: record.topic.clone(),
            partition: record.partition,
            offset: None,
            timestamp: record.timestamp,
            timestamp_type: crate::record::TimestampType::NoTimestampType,
            key,
            value,
            headers,
        }))
    }

    /// Logs a tolerated failure and writes it to the DLQ: the record as far as it converts,
    /// with context.
    fn report(
        &mut self,
        reporter: &FailureReporter,
        original: &Record,
        failure: &StageFailure,
    ) -> Result<(), PipelineError> {
        let topic = original.topic.as_str();
        let context = error_context(&self.connector, self.task_id, original, failure);
        let key_converter = &mut self.key_converter;
        let value_converter = &mut self.value_converter;
        reporter.report(&context, FailedRecord::Source(original), || {
            let key = key_converter
                .to_bytes(topic, original.key_schema.as_ref(), &original.key)
                .ok()
                .flatten();
            let value = value_converter
                .to_bytes(topic, original.value_schema.as_ref(), &original.value)
                .ok()
                .flatten();
            KafkaMessage::new(topic, key, value)
        })
    }
}

/// What the log and the DLQ headers say about a source record that failed.
fn error_context<'a>(
    connector: &'a str,
    task_id: u32,
    original: &'a Record,
    failure: &'a StageFailure,
) -> ErrorContext<'a> {
    ErrorContext {
        topic: original.topic.as_str(),
        partition: original.partition,
        offset: None,
        connector,
        task_id,
        stage: failure.stage,
        class_name: &failure.class_name,
        exception_class: "org.apache.kafka.connect.errors.DataException",
        message: &failure.message,
        trace: &failure.message,
    }
}

/// Runs one key or value converter under `errors.*`.
fn convert(
    errors: &RetryWithTolerance,
    stage: Stage,
    converter: &mut dyn Converter,
    topic: &str,
    schema: Option<&sluice_codecs::SchemaRef>,
    value: &sluice_codecs::Value,
) -> Result<Option<bytes::Bytes>, Failure<StageFailure>> {
    errors.execute(stage, || {
        converter.to_bytes(topic, schema, value).map_err(|error| {
            StageError::Fatal(StageFailure {
                stage,
                class_name: stage.name().to_owned(),
                message: error.to_string(),
            })
        })
    })
}

struct Poller {
    task: Box<dyn SourceTask>,
    reporter: FailureReporter,
    stages: Stages,
    metrics: SourceMetrics,
    stop: Arc<AtomicBool>,
    /// Set while the connector is PAUSED: no polling, acknowledgements still served.
    paused: Arc<AtomicBool>,
}

impl Poller {
    fn run(
        mut self,
        context: SourceTaskContext,
        batches: Sender<Vec<Item>>,
        acks: Receiver<Ack>,
    ) -> Result<(), PipelineError> {
        let result = self.poll_loop(context, &batches, &acks);
        // No more batches: the send thread flushes, commits and ends, closing `acks`.
        drop(batches);
        while let Ok(ack) = acks.recv() {
            self.handle(ack);
        }
        self.task.stop();
        result
    }

    fn poll_loop(
        &mut self,
        context: SourceTaskContext,
        batches: &Sender<Vec<Item>>,
        acks: &Receiver<Ack>,
    ) -> Result<(), PipelineError> {
        self.task.start(context)?;
        while !self.stop.load(Ordering::SeqCst) {
            self.serve(acks);
            if self.paused.load(Ordering::SeqCst) {
                if let Ok(ack) = acks.recv_timeout(Duration::from_millis(50)) {
                    self.handle(ack);
                }
                continue;
            }
            let polling = Instant::now();
            let batch = match self.task.poll() {
                Ok(Some(batch)) if !batch.is_empty() => {
                    self.metrics.polled(batch.len(), polling.elapsed());
                    batch
                }
                Ok(_) => {
                    if let Ok(ack) = acks.recv_timeout(Duration::from_millis(10)) {
                        self.handle(ack);
                    }
                    continue;
                }
                // Kafka logs a retriable poll failure and polls again.
                Err(ConnectError::Retriable(_)) => continue,
                Err(error) => return Err(error.into()),
            };
            let mut items = self.stages.process(batch, &self.reporter)?;
            loop {
                match batches.send_timeout(items, Duration::from_millis(50)) {
                    Ok(()) => break,
                    Err(SendTimeoutError::Timeout(back)) => {
                        items = back;
                        self.serve(acks);
                        // Unsent records were never acknowledged, so their offsets are not
                        // committed: they are polled again after a restart.
                        if self.stop.load(Ordering::SeqCst) {
                            return Ok(());
                        }
                    }
                    // The send thread ended (it failed); its result says why.
                    Err(SendTimeoutError::Disconnected(_)) => return Ok(()),
                }
            }
        }
        Ok(())
    }

    fn serve(&mut self, acks: &Receiver<Ack>) {
        while let Ok(ack) = acks.try_recv() {
            self.handle(ack);
        }
    }

    /// Kafka logs and ignores failures of `commitRecord` and `commit`.
    fn handle(&mut self, ack: Ack) {
        let _ = match ack {
            Ack::Record { original, written } => self.task.commit_record(&original, written),
            Ack::Committed => self.task.commit(),
        };
    }
}

struct SendLoop {
    connector: String,
    tolerance: Tolerance,
    flush_interval: Duration,
    flush_timeout: Duration,
    clients: SourceClients,
    offsets: Arc<dyn OffsetBackingStore>,
    acks: crossbeam_channel::Sender<Ack>,
    submitted: SubmittedRecords,
    in_flight: HashMap<usize, Record>,
    next_token: usize,
    metrics: SourceMetrics,
    topics: TopicTracker,
}

impl SendLoop {
    fn run(mut self, batches: Receiver<Vec<Item>>) -> Result<(), PipelineError> {
        let result = self.send_loop(&batches);
        drop(batches);
        // Whatever happened, wait for what is in flight and commit what was acknowledged.
        let _ = self.clients.producer.flush(self.flush_timeout);
        let drained = self.drain_deliveries();
        self.metrics.flush_acknowledged();
        self.commit_offsets();
        result.and(drained)
    }

    fn send_loop(&mut self, batches: &Receiver<Vec<Item>>) -> Result<(), PipelineError> {
        let mut next_commit = Instant::now() + self.flush_interval;
        loop {
            match batches.recv_timeout(Duration::from_millis(20)) {
                Ok(items) => {
                    self.metrics.submitted(items.len());
                    for item in items {
                        self.send(item)?;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            self.clients.producer.poll(Duration::ZERO)?;
            self.drain_deliveries()?;
            self.metrics.flush_acknowledged();
            if Instant::now() >= next_commit {
                self.commit_offsets();
                next_commit = Instant::now() + self.flush_interval;
            }
        }
    }

    fn token(&mut self, original: &Record) -> usize {
        let token = self.next_token;
        self.next_token += 1;
        if let Origin::Source { partition, offset } = &original.origin
            && !offset.is_empty()
        {
            self.submitted.submit(token, partition, offset);
        }
        token
    }

    fn send(&mut self, item: Item) -> Result<(), PipelineError> {
        match item {
            Item::Skip { original } => {
                let token = self.token(&original);
                self.done(token, original, None);
            }
            Item::Send { original, message } => {
                if let (Some(creation), Some(admin)) =
                    (&mut self.clients.topic_creation, &self.clients.admin)
                {
                    creation.maybe_create(admin, message.topic.as_str())?;
                }
                self.topics.saw(message.topic.as_str());
                let token = self.token(&original);
                match self.clients.producer.send(&message, token) {
                    Ok(()) => {
                        self.in_flight.insert(token, original);
                    }
                    Err(_) if self.tolerance == Tolerance::All => self.done(token, original, None),
                    Err(error) => return Err(error.into()),
                }
            }
        }
        Ok(())
    }

    fn done(&mut self, token: usize, original: Record, written: Option<WrittenRecord>) {
        self.submitted.complete(token);
        self.metrics.acknowledged(written.is_some());
        // The poll thread outlives this one; it is gone only if it panicked.
        let _ = self.acks.send(Ack::Record {
            original: Box::new(original),
            written,
        });
    }

    fn drain_deliveries(&mut self) -> Result<(), PipelineError> {
        while let Ok(delivery) = self.clients.producer.deliveries().try_recv() {
            let Some(original) = self.in_flight.remove(&delivery.token) else {
                continue;
            };
            match delivery.result {
                Ok(written) => self.done(delivery.token, original, Some(written)),
                // With `errors.tolerance=all` Kafka skips records the producer failed to send.
                Err(_) if self.tolerance == Tolerance::All => {
                    self.done(delivery.token, original, None)
                }
                Err(error) => {
                    return Err(crate::kafka::KafkaClientError::client(
                        format!("producing to topic {}", original.topic),
                        error,
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Writes the committable offsets; on failure they are kept for the next try, as in Kafka.
    fn commit_offsets(&mut self) {
        let offsets = self.submitted.take_committable();
        let entries: Result<Vec<_>, _> = offsets
            .iter()
            .map(|(partition, offset)| {
                Ok::<_, crate::offsets::OffsetJsonError>((
                    offset_key_bytes(&self.connector, partition)?,
                    Some(offset_value_bytes(offset)?),
                ))
            })
            .collect();
        let started = Instant::now();
        let committed = match entries {
            Ok(entries) if entries.is_empty() => true,
            Ok(entries) => self.offsets.set(&entries).is_ok(),
            Err(_) => false,
        };
        self.metrics.commits.commit(started.elapsed(), committed);
        if committed {
            let _ = self.acks.send(Ack::Committed);
        } else {
            self.submitted.restore(offsets);
        }
    }
}
