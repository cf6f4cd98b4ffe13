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
//! Batches cross both threads whole: the send thread tracks a polled batch until every record
//! of it is acknowledged (or dropped), then hands it back, and the task's `commit_record` runs
//! for each of its records on the poll thread, where the batch is freed.
//!
//! Failures in transforms and converters go through `errors.*` (retry, tolerance) and, when a
//! dead letter queue is configured, to it; a failure not tolerated fails the task.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, SendTimeoutError, Sender};

use super::active_topics::TopicTracker;
use super::report::FailureReporter;
use super::stages::RecordStages;
use super::submitted::newest_offsets;
use super::threads::PipelineThreads;
use super::{ActiveTopics, DeadLetterQueue, PipelineError};
use crate::connector::{ConnectError, SourceTask, SourceTaskContext, WrittenRecord};
use crate::converters::Converter;
use crate::errors::{ErrorContext, FailedRecord, Failure, RetryWithTolerance, Stage, StageError};
use crate::kafka::{KafkaAdmin, KafkaHeader, KafkaMessage, KafkaProducer, TopicCreation};
use crate::metrics::{ErrorMetrics, SourceMetrics};
use crate::offsets::OffsetBackingStore;
use crate::record::{Record, RecordBatch, SourceMap, SourcePartition};
use crate::transforms::Outcome;
use send::SendLoop;

mod in_flight;
mod send;

/// What a source pipeline runs with, besides its task and clients.
pub struct SourcePipelineConfig {
    /// The connector name (offset keys, DLQ headers).
    pub connector: String,
    /// The task number.
    pub task_id: u32,
    /// The converters and transforms.
    pub stages: RecordStages,
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

/// A polled batch on its way to Kafka: the records as the task returned them and, for each,
/// the message to produce, or `None` when a transform dropped it or error tolerance skipped it.
struct Outgoing {
    originals: Vec<Record>,
    messages: Vec<Option<KafkaMessage>>,
    /// The offset of each source partition's last record in the batch (worked out here, on
    /// the poll thread, to spare the send thread).
    newest: Vec<(SourcePartition, SourceMap)>,
}

/// From the send thread back to the task.
enum Ack {
    /// A batch whose every record was acknowledged or dropped: `written[i]` says where
    /// `originals[i]` landed (`None`: dropped, or failed under `errors.tolerance=all`).
    Batch {
        outgoing: Outgoing,
        written: Vec<Option<WrittenRecord>>,
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
        let sender = SendLoop::new(send::SendSettings {
            connector: config.connector.clone(),
            tolerance,
            flush_interval: config.offset_flush_interval,
            flush_timeout: config.offset_flush_timeout,
            clients,
            offsets,
            acks: ack_tx,
            metrics: metrics.clone(),
            topics,
        });
        let send = std::thread::Builder::new()
            .name(format!("{name}-source-send"))
            .spawn(move || sender.run(batch_rx))?;
        let poller = Poller {
            task,
            reporter,
            stages: PollStages::from(config, error_metrics),
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
struct PollStages {
    connector: String,
    task_id: u32,
    stages: RecordStages,
    errors: RetryWithTolerance,
}

impl PollStages {
    fn from(config: SourcePipelineConfig, metrics: ErrorMetrics) -> Self {
        Self {
            connector: config.connector,
            task_id: config.task_id,
            stages: config.stages,
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

impl PollStages {
    fn process(
        &mut self,
        batch: RecordBatch,
        reporter: &FailureReporter,
    ) -> Result<Outgoing, PipelineError> {
        let mut messages = Vec::with_capacity(batch.len());
        for original in &batch.records {
            match self.record(original) {
                Ok(message) => messages.push(message),
                Err(Failure::Tolerated { error, .. }) => {
                    self.report(reporter, original, &error)?;
                    messages.push(None);
                }
                Err(Failure::Fatal { stage, error }) => {
                    let context = error_context(&self.connector, self.task_id, original, &error);
                    reporter.log(&context, FailedRecord::Source(original));
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
        Ok(Outgoing {
            newest: newest_offsets(&batch.records),
            originals: batch.records,
            messages,
        })
    }

    /// Transforms and converts one record; `Ok(None)` when a transform dropped it. The task
    /// gets `original` back as it returned it, so transforms work on a copy; without
    /// transforms the original is converted as it is.
    fn record(&mut self, original: &Record) -> Result<Option<KafkaMessage>, Failure<StageFailure>> {
        if self.stages.transforms.is_empty() {
            return self.convert(original).map(Some);
        }
        let mut record = original.clone();
        let outcome = self.errors.execute(Stage::Transformation, || {
            self.stages.transforms.apply(&mut record).map_err(|error| {
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
        self.convert(&record).map(Some)
    }

    /// Runs the key, value and header converters on a (transformed) record.
    fn convert(&mut self, record: &Record) -> Result<KafkaMessage, Failure<StageFailure>> {
        let topic = record.topic.as_str();
        let errors = &self.errors;
        let key = convert(
            errors,
            Stage::KeyConverter,
            self.stages.key_converter.as_mut(),
            topic,
            record.key_schema.as_ref(),
            &record.key,
        )?;
        let value = convert(
            errors,
            Stage::ValueConverter,
            self.stages.value_converter.as_mut(),
            topic,
            record.value_schema.as_ref(),
            &record.value,
        )?;
        let mut headers = Vec::with_capacity(record.headers.len());
        for header in record.headers.iter() {
            let header_converter = &mut self.stages.header_converter;
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
        Ok(KafkaMessage {
            topic: record.topic.clone(),
            partition: record.partition,
            offset: None,
            timestamp: record.timestamp,
            timestamp_type: crate::record::TimestampType::NoTimestampType,
            key,
            value,
            headers,
        })
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
        let key_converter = &mut self.stages.key_converter;
        let value_converter = &mut self.stages.value_converter;
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
    stages: PollStages,
    metrics: SourceMetrics,
    stop: Arc<AtomicBool>,
    /// Set while the connector is PAUSED: no polling, acknowledgements still served.
    paused: Arc<AtomicBool>,
}

impl Poller {
    fn run(
        mut self,
        context: SourceTaskContext,
        batches: Sender<Outgoing>,
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
        batches: &Sender<Outgoing>,
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
            let mut outgoing = self.stages.process(batch, &self.reporter)?;
            loop {
                match batches.send_timeout(outgoing, Duration::from_millis(50)) {
                    Ok(()) => break,
                    Err(SendTimeoutError::Timeout(back)) => {
                        outgoing = back;
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
        match ack {
            Ack::Batch { outgoing, written } => {
                for (original, written) in outgoing.originals.iter().zip(written) {
                    let _ = self.task.commit_record(original, written);
                }
            }
            Ack::Committed => {
                let _ = self.task.commit();
            }
        }
    }
}
