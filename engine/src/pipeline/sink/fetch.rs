//! The sink pipeline's fetch thread: owns the consumer, converts and transforms what it polls
//! and hands batches to the task thread (see the parent module).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender};

use super::{Control, Event, SinkPipelineConfig};
use crate::connector::{PartitionOffsets, SinkTaskContext, TopicPartition};
use crate::errors::{ErrorContext, FailedRecord, Failure, Stage, StageError};
use crate::kafka::{KafkaConsumer, KafkaMessage, RebalanceEvent, RevokeHandler};
use crate::metrics::SinkMetrics;
use crate::pipeline::PipelineError;
use crate::pipeline::active_topics::TopicTracker;
use crate::pipeline::report::FailureReporter;
use crate::record::{Origin, Record, RecordBatch};
use crate::transforms::Outcome;

pub(super) struct Fetcher {
    pub(super) consumer: KafkaConsumer,
    pub(super) reporter: Arc<FailureReporter>,
    /// True when the task has an errant record reporter, which needs the consumed records.
    pub(super) keep_originals: bool,
    pub(super) context: SinkTaskContext,
    pub(super) config: SinkPipelineConfig,
    pub(super) epochs: BTreeMap<TopicPartition, u64>,
    /// Partitions paused on the consumer (at the task's request, or all while the connector
    /// is paused).
    pub(super) paused: BTreeSet<TopicPartition>,
    /// Set while the connector is PAUSED.
    pub(super) connector_paused: Arc<AtomicBool>,
    pub(super) metrics: SinkMetrics,
    pub(super) topics: TopicTracker,
    pub(super) stop: Arc<AtomicBool>,
}

impl Fetcher {
    pub(super) fn run(
        mut self,
        events: Sender<Event>,
        controls: Receiver<Control>,
    ) -> Result<(), PipelineError> {
        self.consumer.set_revoke_handler(Some(revoke_through_task(
            events.clone(),
            Arc::clone(&self.stop),
        )));
        let result = self.fetch_loop(&events, &controls);
        // The handler holds a sender: the task thread sees the channel close only without it.
        self.consumer.set_revoke_handler(None);
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
                RebalanceEvent::Revoked(partitions) => Event::Revoked {
                    partitions,
                    reply: None,
                },
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
        // A poll returns runs of messages from one partition: the bookkeeping is per run.
        for run in messages.chunk_by(|a, b| a.partition == b.partition && a.topic == b.topic) {
            self.topics.saw(run[0].topic.as_str());
            if let Some(newest) = run.iter().max_by_key(|message| message.offset) {
                note_consumed(&mut consumed, newest);
            }
        }
        for message in messages {
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

/// The consumer's revoke handler: hands the revocation to the task thread, behind the batches
/// already queued, and waits for the offsets to commit. Gives up (committing nothing here)
/// when the pipeline stops or the task thread is gone.
fn revoke_through_task(events: Sender<Event>, stop: Arc<AtomicBool>) -> RevokeHandler {
    const WAIT: Duration = Duration::from_millis(100);
    Box::new(move |partitions: &[TopicPartition]| {
        let (reply, offsets) = crossbeam_channel::bounded(1);
        let mut event = Event::Revoked {
            partitions: partitions.to_vec(),
            reply: Some(reply),
        };
        loop {
            match events.send_timeout(event, WAIT) {
                Ok(()) => break,
                Err(SendTimeoutError::Timeout(back)) if !stop.load(Ordering::SeqCst) => {
                    event = back;
                }
                Err(_) => return PartitionOffsets::new(),
            }
        }
        loop {
            match offsets.recv_timeout(WAIT) {
                Ok(offsets) => return offsets,
                Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::SeqCst) => {}
                Err(_) => return PartitionOffsets::new(),
            }
        }
    })
}

pub(super) fn note_consumed(consumed: &mut PartitionOffsets, message: &KafkaMessage) {
    if let (Some(partition), Some(offset)) = (message.partition, message.offset) {
        let next = consumed
            .entry(TopicPartition::new(message.topic.as_str(), partition))
            .or_insert(offset + 1);
        *next = (*next).max(offset + 1);
    }
}
