//! The sink pipeline's fetch thread: owns the consumer and hands what it polls, with the
//! offsets consumed, to the task thread (see the parent module).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender};

use super::{Control, Event};
use crate::connector::{PartitionOffsets, SinkTaskContext, TopicPartition};
use crate::kafka::{KafkaConsumer, KafkaMessage, RebalanceEvent, RevokeHandler};
use crate::metrics::SinkMetrics;
use crate::pipeline::PipelineError;
use crate::pipeline::active_topics::TopicTracker;

/// How often a fetch thread waiting on a full channel looks at stop requests and controls.
const SEND_TICK: Duration = Duration::from_millis(50);

/// How long the task thread may keep the channel full before the fetch thread pauses every
/// partition and polls (so that the group keeps it): long enough that a task's ordinary
/// hiccups — a slow `put`, a busy machine — cost nothing, since pausing and resuming restarts
/// the partitions' fetching; the consumer's prefetch stays bounded by its own settings
/// meanwhile.
const PAUSE_AFTER_FULL: Duration = Duration::from_secs(1);

pub(super) struct Fetcher {
    pub(super) consumer: KafkaConsumer,
    pub(super) context: SinkTaskContext,
    /// Most messages per batch.
    pub(super) max_batch: usize,
    pub(super) epochs: BTreeMap<TopicPartition, u64>,
    /// Partitions paused on the consumer (at the task's request, or all while the connector
    /// is paused).
    pub(super) paused: BTreeSet<TopicPartition>,
    /// The consumer's assignment generation last copied into the task context.
    pub(super) assignment_seen: Option<u64>,
    /// Batches the task thread has put, handed back.
    pub(super) spent: Receiver<Vec<KafkaMessage>>,
    /// An empty batch vector to poll into next.
    pub(super) reusable: Vec<KafkaMessage>,
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
            let mut messages = self.empty_batch();
            self.consumer.poll_batch_into(
                &mut messages,
                self.max_batch,
                Duration::from_millis(100),
            )?;
            if !self.forward_rebalances(events) {
                return Ok(());
            }
            if messages.is_empty() {
                self.reusable = messages;
                continue;
            }
            let event = self.batch(messages);
            if !self.send(events, controls, event)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// A vector to poll into: the largest the task thread handed back, emptied here, so that
    /// the messages are freed by the thread that allocated them (instead of both threads
    /// updating the reference counts and free lists they share) and the vector is reused.
    fn empty_batch(&mut self) -> Vec<KafkaMessage> {
        let mut batch = std::mem::take(&mut self.reusable);
        while let Ok(mut spent) = self.spent.try_recv() {
            spent.clear();
            if spent.capacity() > batch.capacity() {
                batch = spent;
            }
        }
        batch
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
        let generation = self.consumer.assignment_generation();
        if self.assignment_seen != Some(generation)
            && let Ok(assignment) = self.consumer.assignment()
        {
            self.context.set_assignment(assignment);
            self.assignment_seen = Some(generation);
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
        let full_since = Instant::now();
        loop {
            match events.send_timeout(event, SEND_TICK) {
                Ok(()) => break,
                Err(SendTimeoutError::Disconnected(_)) => return Ok(false),
                Err(SendTimeoutError::Timeout(back)) => {
                    event = back;
                    if self.stop.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                    while let Ok(control) = controls.try_recv() {
                        self.control(control);
                    }
                    if paused_all.is_none() {
                        if full_since.elapsed() < PAUSE_AFTER_FULL {
                            continue;
                        }
                        let assigned = self.consumer.assignment()?;
                        self.consumer.pause(&assigned)?;
                        paused_all = Some(assigned);
                    }
                    // Keeps the consumer in its group; paused partitions return nothing, and
                    // a message fetched before the pause joins the waiting batch (only
                    // batches are sent through here).
                    if let Some(stray) = self.consumer.poll(Duration::ZERO)?
                        && let Event::Batch {
                            messages, consumed, ..
                        } = &mut event
                    {
                        self.metrics.read(1);
                        self.note_run(consumed, &stray);
                        messages.push(stray);
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

    /// Notes a run of consumed messages of one partition by its `newest`: the topic as
    /// active, and the partition's next offset in `consumed`.
    fn note_run(&mut self, consumed: &mut PartitionOffsets, newest: &KafkaMessage) {
        self.topics.saw(newest.topic.as_str());
        note_consumed(consumed, newest);
    }

    fn batch(&mut self, messages: Vec<KafkaMessage>) -> Event {
        let mut consumed = PartitionOffsets::new();
        self.metrics.read(messages.len());
        // A poll returns runs of messages from one partition: the bookkeeping is per run.
        for run in messages.chunk_by(|a, b| a.partition == b.partition && a.topic == b.topic) {
            if let Some(newest) = run.iter().max_by_key(|message| message.offset) {
                self.note_run(&mut consumed, newest);
            }
        }
        Event::Batch {
            messages,
            consumed,
            epochs: self.epochs.clone(),
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

fn note_consumed(consumed: &mut PartitionOffsets, message: &KafkaMessage) {
    if let (Some(partition), Some(offset)) = (message.partition, message.offset) {
        let next = consumed
            .entry(TopicPartition::new(message.topic.as_str(), partition))
            .or_insert(offset + 1);
        *next = (*next).max(offset + 1);
    }
}
