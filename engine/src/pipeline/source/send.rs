//! The source pipeline's send thread: owns the producer, sends each polled batch, collects
//! acknowledgements and commits source offsets (see the parent module).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::in_flight::{InFlight, InFlightBatch};
use super::{Ack, Outgoing, SourceClients};
use crate::errors::Tolerance;
use crate::kafka::KafkaClientError;
use crate::metrics::SourceMetrics;
use crate::offsets::{OffsetBackingStore, OffsetJsonError, offset_key_bytes, offset_value_bytes};
use crate::pipeline::PipelineError;
use crate::pipeline::active_topics::TopicTracker;
use crate::pipeline::submitted::SubmittedRecords;

/// How long the send thread waits for a batch when nothing is in flight.
const IDLE_WAIT: Duration = Duration::from_millis(20);
/// How long it waits for a batch while records are in flight, before serving their
/// acknowledgements again.
const ACK_WAIT: Duration = Duration::from_millis(1);

/// What the send thread is built from.
pub(super) struct SendSettings {
    pub(super) connector: String,
    pub(super) tolerance: Tolerance,
    /// `offset.flush.interval.ms`.
    pub(super) flush_interval: Duration,
    /// `offset.flush.timeout.ms`.
    pub(super) flush_timeout: Duration,
    pub(super) clients: SourceClients,
    pub(super) offsets: Arc<dyn OffsetBackingStore>,
    pub(super) acks: Sender<Ack>,
    pub(super) metrics: SourceMetrics,
    pub(super) topics: TopicTracker,
}

pub(super) struct SendLoop {
    settings: SendSettings,
    submitted: SubmittedRecords,
    in_flight: InFlight,
}

impl SendLoop {
    pub(super) fn new(settings: SendSettings) -> Self {
        Self {
            settings,
            submitted: SubmittedRecords::default(),
            in_flight: InFlight::default(),
        }
    }

    pub(super) fn run(mut self, batches: Receiver<Outgoing>) -> Result<(), PipelineError> {
        let result = self.send_loop(&batches);
        drop(batches);
        // Whatever happened, wait for what is in flight and commit what was acknowledged.
        let _ = self
            .settings
            .clients
            .producer
            .flush(self.settings.flush_timeout);
        let drained = self.drain_deliveries();
        self.settings.metrics.flush_acknowledged();
        self.commit_offsets();
        result.and(drained)
    }

    fn send_loop(&mut self, batches: &Receiver<Outgoing>) -> Result<(), PipelineError> {
        let mut next_commit = Instant::now() + self.settings.flush_interval;
        loop {
            // While records are in flight their acknowledgements are served at least every
            // millisecond; a batch still ends the wait at once.
            let wait = if self.in_flight.is_empty() {
                IDLE_WAIT
            } else {
                ACK_WAIT
            };
            match batches.recv_timeout(wait) {
                Ok(outgoing) => self.send(outgoing)?,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            self.settings.clients.producer.poll(Duration::ZERO)?;
            self.drain_deliveries()?;
            self.settings.metrics.flush_acknowledged();
            if Instant::now() >= next_commit {
                self.commit_offsets();
                next_commit = Instant::now() + self.settings.flush_interval;
            }
        }
    }

    /// Hands a batch's messages to the producer; records without one are done at once.
    fn send(&mut self, mut outgoing: Outgoing) -> Result<(), PipelineError> {
        let records = outgoing.originals.len();
        self.settings.metrics.submitted(records);
        let first_token = self.in_flight.reserve(records);
        self.submitted
            .submit(first_token, std::mem::take(&mut outgoing.newest));
        let mut batch = InFlightBatch::new(first_token, outgoing);
        let settings = &mut self.settings;
        let mut sent = 0;
        for (index, message) in batch.outgoing.messages.iter().enumerate() {
            let Some(message) = message else {
                continue;
            };
            let topic = message.topic.as_str();
            if let (Some(creation), Some(admin)) = (
                &mut settings.clients.topic_creation,
                &settings.clients.admin,
            ) {
                creation.maybe_create(admin, topic)?;
            }
            settings.topics.saw(topic);
            match settings.clients.producer.send(message, first_token + index) {
                Ok(()) => sent += 1,
                // With `errors.tolerance=all` Kafka skips records the producer refused.
                Err(_) if settings.tolerance == Tolerance::All => {}
                Err(error) => return Err(error.into()),
            }
        }
        batch.sent(sent);
        if batch.is_complete() {
            self.complete(batch);
        } else {
            self.in_flight.push(batch);
        }
        Ok(())
    }

    /// Every record of `batch` is acknowledged or dropped: its offsets may be committed and
    /// the task gets it back.
    fn complete(&mut self, batch: InFlightBatch) {
        self.submitted.complete(batch.first_token);
        for written in &batch.written {
            self.settings.metrics.acknowledged(written.is_some());
        }
        // The poll thread outlives this one; it is gone only if it panicked.
        let _ = self.settings.acks.send(Ack::Batch {
            outgoing: batch.outgoing,
            written: batch.written,
        });
    }

    fn drain_deliveries(&mut self) -> Result<(), PipelineError> {
        while let Ok(delivery) = self.settings.clients.producer.deliveries().try_recv() {
            let written = match delivery.result {
                Ok(written) => Some(written),
                // With `errors.tolerance=all` Kafka skips records the producer failed to send.
                Err(_) if self.settings.tolerance == Tolerance::All => None,
                Err(error) => {
                    let topic = self
                        .in_flight
                        .find(delivery.token)
                        .and_then(|(batch, index)| batch.outgoing.messages[index].as_ref())
                        .map_or("", |message| message.topic.as_str());
                    return Err(KafkaClientError::client(
                        format!("producing to topic {topic}"),
                        error,
                    )
                    .into());
                }
            };
            if let Some(batch) = self.in_flight.acknowledged(delivery.token, written) {
                self.complete(batch);
            }
        }
        Ok(())
    }

    /// Writes the committable offsets; on failure they are kept for the next try, as in Kafka.
    fn commit_offsets(&mut self) {
        let offsets = self.submitted.take_committable();
        let connector = &self.settings.connector;
        let entries: Result<Vec<_>, OffsetJsonError> = offsets
            .iter()
            .map(|(partition, offset)| {
                Ok((
                    offset_key_bytes(connector, partition)?,
                    Some(offset_value_bytes(offset)?),
                ))
            })
            .collect();
        let started = Instant::now();
        let committed = match entries {
            Ok(entries) if entries.is_empty() => true,
            Ok(entries) => self.settings.offsets.set(&entries).is_ok(),
            Err(_) => false,
        };
        self.settings
            .metrics
            .commits
            .commit(started.elapsed(), committed);
        if committed {
            let _ = self.settings.acks.send(Ack::Committed);
        } else {
            self.submitted.restore(offsets);
        }
    }
}
