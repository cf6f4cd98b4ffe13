//! [`KafkaConsumer`]: rdkafka's `BaseConsumer` moving [`KafkaMessage`]s, with rebalances
//! reported on a channel.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use rdkafka::TopicPartitionList as Tpl;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

use super::client_events::{ClientEvents, client_context_with_events};
use super::{KafkaClientConfig, KafkaClientError, KafkaMessage};
use crate::connector::{PartitionOffsets, TopicPartition};
use sluice_codecs::Str;

/// The `group.id` of consumers configured without one; they never join it nor commit to it.
pub const ASSIGN_ONLY_GROUP: &str = "sluice-assign-only";

/// A change of a subscribed consumer's partitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebalanceEvent {
    /// These partitions were assigned.
    Assigned(Vec<TopicPartition>),
    /// These partitions were taken away.
    Revoked(Vec<TopicPartition>),
}

/// Called on the polling thread when partitions are about to be revoked, before librdkafka
/// gives them up: returns the offsets to commit for them, which are committed synchronously
/// before the rebalance goes on (Kafka Connect's `onPartitionsRevoked`).
pub type RevokeHandler = Box<dyn FnMut(&[TopicPartition]) -> PartitionOffsets + Send>;

struct RebalanceContext {
    client: ClientEvents,
    events: Sender<RebalanceEvent>,
    /// When set, revocations go to it instead of [`RebalanceEvent::Revoked`].
    on_revoke: Mutex<Option<RevokeHandler>>,
    /// Bumped after every change of the assignment (see
    /// [`KafkaConsumer::assignment_generation`]).
    assignment_generation: AtomicU64,
}

impl RebalanceContext {
    fn on_revoke(&self) -> MutexGuard<'_, Option<RevokeHandler>> {
        self.on_revoke
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

client_context_with_events!(RebalanceContext, client);

impl ConsumerContext for RebalanceContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(list) = rebalance else {
            return;
        };
        let partitions = partition_list(list);
        if let Some(handler) = self.on_revoke().as_mut() {
            let offsets = handler(&partitions);
            if let Err(error) = commit_sync(consumer, &offsets) {
                tracing::warn!(%error, "committing the offsets of revoked partitions failed");
            }
            return;
        }
        // The receiver lives in the same `KafkaConsumer`; it is gone only while dropping.
        let _ = self.events.send(RebalanceEvent::Revoked(partitions));
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        // Every rebalance (assign, revoke or error) has changed the assignment by now.
        self.assignment_generation.fetch_add(1, Ordering::Release);
        if let Rebalance::Assign(partitions) = rebalance {
            let _ = self
                .events
                .send(RebalanceEvent::Assigned(partition_list(partitions)));
        }
    }
}

fn commit_sync(
    consumer: &BaseConsumer<RebalanceContext>,
    offsets: &PartitionOffsets,
) -> Result<(), KafkaClientError> {
    if offsets.is_empty() {
        return Ok(());
    }
    let mut list = Tpl::with_capacity(offsets.len());
    for (partition, offset) in offsets {
        list.add_partition_offset(
            &partition.topic,
            partition.partition,
            Offset::Offset(*offset),
        )
        .map_err(|error| KafkaClientError::client("committing offsets", error))?;
    }
    consumer
        .commit(&list, CommitMode::Sync)
        .map_err(|error| KafkaClientError::client("committing offsets", error))
}

/// How long librdkafka waits before fetching a partition again once its prefetch queue was
/// full (`fetch.queue.backoff.ms`, 1 s by default). Java's consumer fetches again as soon as
/// the buffered records are taken; with librdkafka's second, a consumer that drains its queue
/// faster than that sits idle for the rest of it, every time it catches up with a backlog.
const FETCH_QUEUE_BACKOFF_MS: &str = "10";

/// `config` as a consumer's librdkafka settings: a config without `group.id` gets
/// [`ASSIGN_ONLY_GROUP`], and an unset `fetch.queue.backoff.ms` [`FETCH_QUEUE_BACKOFF_MS`].
fn consumer_rdkafka_config(
    config: &KafkaClientConfig,
) -> Result<rdkafka::ClientConfig, KafkaClientError> {
    let mut rdkafka_config = config.to_rdkafka()?;
    if config.get("group.id").is_none() {
        rdkafka_config.set("group.id", ASSIGN_ONLY_GROUP);
    }
    if config.get("fetch.queue.backoff.ms").is_none() {
        rdkafka_config.set("fetch.queue.backoff.ms", FETCH_QUEUE_BACKOFF_MS);
    }
    Ok(rdkafka_config)
}

fn partition_list(list: &TopicPartitionList) -> Vec<TopicPartition> {
    list.elements()
        .iter()
        .map(|element| TopicPartition::new(element.topic(), element.partition()))
        .collect()
}

fn tpl(partitions: &[TopicPartition]) -> Tpl {
    let mut list = Tpl::with_capacity(partitions.len());
    for partition in partitions {
        list.add_partition(&partition.topic, partition.partition);
    }
    list
}

/// A consumer of [`KafkaMessage`]s: subscribed through its group, or assigned partitions.
pub struct KafkaConsumer {
    inner: BaseConsumer<RebalanceContext>,
    events: Receiver<RebalanceEvent>,
}

impl KafkaConsumer {
    /// A consumer with `config`. librdkafka refuses `assign` without a `group.id`, so a config
    /// without one (a consumer that only assigns partitions and never commits, like the
    /// offsets-topic reader) gets [`ASSIGN_ONLY_GROUP`].
    pub fn new(config: &KafkaClientConfig) -> Result<Self, KafkaClientError> {
        let (sender, events) = crossbeam_channel::unbounded();
        let inner = consumer_rdkafka_config(config)?
            .create_with_context(RebalanceContext {
                client: ClientEvents::default(),
                events: sender,
                on_revoke: Mutex::new(None),
                assignment_generation: AtomicU64::new(0),
            })
            .map_err(|error| KafkaClientError::client("creating the consumer", error))?;
        Ok(Self { inner, events })
    }

    /// Subscribes to `topics` through the consumer group (Connect's `topics`).
    pub fn subscribe(&self, topics: &[&str]) -> Result<(), KafkaClientError> {
        self.inner
            .subscribe(topics)
            .map_err(|error| KafkaClientError::client(format!("subscribing to {topics:?}"), error))
    }

    /// Subscribes to every topic matching `regex` (Connect's `topics.regex`).
    pub fn subscribe_pattern(&self, regex: &str) -> Result<(), KafkaClientError> {
        // librdkafka reads a subscription starting with `^` as a regex.
        let pattern = if regex.starts_with('^') {
            regex.to_owned()
        } else {
            format!("^{regex}")
        };
        self.inner.subscribe(&[&pattern]).map_err(|error| {
            KafkaClientError::client(format!("subscribing to pattern {regex}"), error)
        })
    }

    /// Assigns `partitions` directly, outside any group, each from its offset or, when `None`,
    /// from the beginning.
    pub fn assign(
        &self,
        partitions: &[(TopicPartition, Option<i64>)],
    ) -> Result<(), KafkaClientError> {
        let mut list = Tpl::with_capacity(partitions.len());
        for (partition, offset) in partitions {
            let offset = offset.map_or(Offset::Beginning, Offset::Offset);
            list.add_partition_offset(&partition.topic, partition.partition, offset)
                .map_err(|error| KafkaClientError::client("assigning partitions", error))?;
        }
        self.inner
            .assign(&list)
            .map_err(|error| KafkaClientError::client("assigning partitions", error))?;
        self.inner
            .context()
            .assignment_generation
            .fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// A number that changes whenever the assignment has changed (a rebalance inside `poll`,
    /// or [`KafkaConsumer::assign`]): [`KafkaConsumer::assignment`] asks librdkafka's main
    /// thread and waits for its answer, so a poll loop asks only when this moved.
    pub fn assignment_generation(&self) -> u64 {
        self.inner
            .context()
            .assignment_generation
            .load(Ordering::Acquire)
    }

    /// The next message, waiting up to `timeout`; `Ok(None)` when none came.
    pub fn poll(&self, timeout: Duration) -> Result<Option<KafkaMessage>, KafkaClientError> {
        self.poll_after(timeout, None)
    }

    /// [`KafkaConsumer::poll`], sharing `previous_topic` (the topic of the message polled
    /// before) with the message when it is of the same topic, instead of copying the name.
    fn poll_after(
        &self,
        timeout: Duration,
        previous_topic: Option<&Str>,
    ) -> Result<Option<KafkaMessage>, KafkaClientError> {
        let polled = self.inner.poll(timeout);
        self.inner.context().client.check("consuming")?;
        match polled {
            None => Ok(None),
            Some(Ok(message)) => Ok(Some(KafkaMessage::from_borrowed(&message, previous_topic))),
            // A subscribed topic that does not exist yet: Kafka's consumer waits for it.
            Some(Err(error)) if is_missing_topic(&error) => {
                tracing::debug!(%error, "a subscribed topic does not exist yet");
                Ok(None)
            }
            // A broker connection lost: librdkafka reports it and reconnects by itself, as
            // Kafka's consumer does silently; failing the task would only add a restart and
            // a group rejoin to the outage.
            Some(Err(error)) if is_connection_loss(&error) => {
                tracing::warn!(%error, "broker connection lost; the consumer reconnects");
                Ok(None)
            }
            Some(Err(error)) => Err(KafkaClientError::client("consuming", error)),
        }
    }

    /// Up to `max` messages: waits up to `timeout` for the first, then takes what is already
    /// fetched without waiting.
    pub fn poll_batch(
        &self,
        max: usize,
        timeout: Duration,
    ) -> Result<Vec<KafkaMessage>, KafkaClientError> {
        let mut batch = Vec::new();
        self.poll_batch_into(&mut batch, max, timeout)?;
        Ok(batch)
    }

    /// [`KafkaConsumer::poll_batch`] appending to `batch` (a vector to reuse), up to `max`
    /// messages in all.
    pub fn poll_batch_into(
        &self,
        batch: &mut Vec<KafkaMessage>,
        max: usize,
        timeout: Duration,
    ) -> Result<(), KafkaClientError> {
        if batch.len() >= max {
            return Ok(());
        }
        let Some(first) = self.poll(timeout)? else {
            return Ok(());
        };
        batch.push(first);
        while batch.len() < max {
            let previous_topic = batch.last().map(|message: &KafkaMessage| &message.topic);
            match self.poll_after(Duration::ZERO, previous_topic) {
                Ok(Some(message)) => batch.push(message),
                Ok(None) => break,
                // The messages already taken are returned; a lasting error comes back at the
                // next poll.
                Err(error) => {
                    tracing::warn!(%error, "consumer error after part of a batch");
                    break;
                }
            }
        }
        Ok(())
    }

    /// Rebalance events, in order; they arrive while [`KafkaConsumer::poll`] runs.
    pub fn rebalance_events(&self) -> &Receiver<RebalanceEvent> {
        &self.events
    }

    /// Sends revocations to `handler` (on the polling thread, inside `poll`), which returns the
    /// offsets to commit before the partitions are given up; `None` goes back to
    /// [`RebalanceEvent::Revoked`] events. Clear the handler before dropping what it holds
    /// on to: closing the consumer revokes its partitions too.
    pub fn set_revoke_handler(&self, handler: Option<RevokeHandler>) {
        *self.inner.context().on_revoke() = handler;
    }

    /// Commits `offsets` (the next offsets to consume) synchronously.
    pub fn commit(&self, offsets: &PartitionOffsets) -> Result<(), KafkaClientError> {
        commit_sync(&self.inner, offsets)
    }

    /// The group's committed offsets of `partitions`; partitions without one are left out.
    pub fn committed(
        &self,
        partitions: &[TopicPartition],
        timeout: Duration,
    ) -> Result<PartitionOffsets, KafkaClientError> {
        let list = self
            .inner
            .committed_offsets(tpl(partitions), timeout)
            .map_err(|error| KafkaClientError::client("reading committed offsets", error))?;
        Ok(list
            .elements()
            .iter()
            .filter_map(|element| match element.offset() {
                Offset::Offset(offset) => Some((
                    TopicPartition::new(element.topic(), element.partition()),
                    offset,
                )),
                _ => None,
            })
            .collect())
    }

    /// Stops fetching from `partitions`.
    pub fn pause(&self, partitions: &[TopicPartition]) -> Result<(), KafkaClientError> {
        self.inner
            .pause(&tpl(partitions))
            .map_err(|error| KafkaClientError::client("pausing partitions", error))
    }

    /// Resumes fetching from `partitions`.
    pub fn resume(&self, partitions: &[TopicPartition]) -> Result<(), KafkaClientError> {
        self.inner
            .resume(&tpl(partitions))
            .map_err(|error| KafkaClientError::client("resuming partitions", error))
    }

    /// Moves the fetch position of an assigned partition to `offset`.
    pub fn seek(
        &self,
        partition: &TopicPartition,
        offset: i64,
        timeout: Duration,
    ) -> Result<(), KafkaClientError> {
        self.inner
            .seek(
                &partition.topic,
                partition.partition,
                Offset::Offset(offset),
                timeout,
            )
            .map_err(|error| {
                KafkaClientError::client(
                    format!(
                        "seeking {}-{} to {offset}",
                        partition.topic, partition.partition
                    ),
                    error,
                )
            })
    }

    /// The partitions currently assigned.
    pub fn assignment(&self) -> Result<Vec<TopicPartition>, KafkaClientError> {
        self.inner
            .assignment()
            .map(|list| partition_list(&list))
            .map_err(|error| KafkaClientError::client("reading the assignment", error))
    }

    /// The low and high watermarks of a partition (the high one is the next offset written).
    pub fn watermarks(
        &self,
        partition: &TopicPartition,
        timeout: Duration,
    ) -> Result<(i64, i64), KafkaClientError> {
        self.inner
            .fetch_watermarks(&partition.topic, partition.partition, timeout)
            .map_err(|error| {
                KafkaClientError::client(
                    format!(
                        "reading the watermarks of {}-{}",
                        partition.topic, partition.partition
                    ),
                    error,
                )
            })
    }

    /// The first (`Offset::Beginning`) or next-to-write (`Offset::End`) offset of each of
    /// `partitions`, in one ListOffsets round trip per broker (a watermark query per partition
    /// is one round trip each).
    fn list_offsets(
        &self,
        partitions: &[TopicPartition],
        at: Offset,
        timeout: Duration,
    ) -> Result<PartitionOffsets, KafkaClientError> {
        let operation = "listing partition offsets";
        let mut list = Tpl::with_capacity(partitions.len());
        for partition in partitions {
            list.add_partition_offset(&partition.topic, partition.partition, at)
                .map_err(|error| KafkaClientError::client(operation, error))?;
        }
        let found = self
            .inner
            .offsets_for_times(list, timeout)
            .map_err(|error| KafkaClientError::client(operation, error))?;
        found
            .elements()
            .iter()
            .map(|element| {
                let partition = TopicPartition::new(element.topic(), element.partition());
                match (element.error(), element.offset()) {
                    (Ok(()), Offset::Offset(offset)) => Ok((partition, offset)),
                    (Err(error), _) => Err(KafkaClientError::client(operation, error)),
                    // The broker answered without an offset for the partition.
                    (Ok(()), _) => Err(KafkaClientError::client(
                        operation,
                        rdkafka::error::KafkaError::OffsetFetch(
                            rdkafka::types::RDKafkaErrorCode::InvalidArgument,
                        ),
                    )),
                }
            })
            .collect()
    }

    /// The end offsets (high watermarks) of `partitions`.
    pub fn end_offsets(
        &self,
        partitions: &[TopicPartition],
        timeout: Duration,
    ) -> Result<PartitionOffsets, KafkaClientError> {
        self.list_offsets(partitions, Offset::End, timeout)
    }

    /// The beginning offsets (low watermarks) of `partitions`.
    pub fn beginning_offsets(
        &self,
        partitions: &[TopicPartition],
        timeout: Duration,
    ) -> Result<PartitionOffsets, KafkaClientError> {
        self.list_offsets(partitions, Offset::Beginning, timeout)
    }

    /// The partitions of `topic`, waiting up to `timeout` for the topic to be known.
    pub fn partitions_of(
        &self,
        topic: &str,
        timeout: Duration,
    ) -> Result<Vec<i32>, KafkaClientError> {
        let deadline = Instant::now() + timeout;
        let operation = || format!("reading the partitions of topic {topic}");
        loop {
            let metadata = self
                .inner
                .fetch_metadata(Some(topic), timeout)
                .map_err(|error| KafkaClientError::client(operation(), error))?;
            let partitions: Vec<i32> = metadata
                .topics()
                .iter()
                .filter(|t| t.name() == topic && t.error().is_none())
                .flat_map(|t| t.partitions().iter().map(|p| p.id()))
                .collect();
            if !partitions.is_empty() {
                return Ok(partitions);
            }
            if Instant::now() >= deadline {
                return Err(KafkaClientError::timeout(operation(), timeout));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// librdkafka's informational errors for lost broker connections, which it retries itself.
fn is_connection_loss(error: &rdkafka::error::KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(
            rdkafka::types::RDKafkaErrorCode::BrokerTransportFailure
                | rdkafka::types::RDKafkaErrorCode::AllBrokersDown
        )
    )
}

fn is_missing_topic(error: &rdkafka::error::KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(
            rdkafka::types::RDKafkaErrorCode::UnknownTopicOrPartition
                | rdkafka::types::RDKafkaErrorCode::UnknownTopic
        )
    )
}

#[cfg(test)]
mod tests {
    use rdkafka::error::KafkaError;
    use rdkafka::types::RDKafkaErrorCode;

    use super::*;

    #[test]
    fn consumers_fetch_again_soon_after_a_full_queue_unless_told_otherwise() {
        let mut config = KafkaClientConfig::new();
        let rdkafka = consumer_rdkafka_config(&config).expect("valid");
        assert_eq!(rdkafka.get("fetch.queue.backoff.ms"), Some("10"));
        assert_eq!(rdkafka.get("group.id"), Some(ASSIGN_ONLY_GROUP));
        config.set("fetch.queue.backoff.ms", "250");
        config.set("group.id", "connect-sink");
        let rdkafka = consumer_rdkafka_config(&config).expect("valid");
        assert_eq!(rdkafka.get("fetch.queue.backoff.ms"), Some("250"));
        assert_eq!(rdkafka.get("group.id"), Some("connect-sink"));
    }

    #[test]
    fn lost_broker_connections_are_polled_through_and_other_errors_are_not() {
        let consuming = |code| KafkaError::MessageConsumption(code);
        assert!(is_connection_loss(&consuming(
            RDKafkaErrorCode::BrokerTransportFailure
        )));
        assert!(is_connection_loss(&consuming(
            RDKafkaErrorCode::AllBrokersDown
        )));
        assert!(!is_connection_loss(&consuming(
            RDKafkaErrorCode::TopicAuthorizationFailed
        )));
        assert!(!is_connection_loss(&consuming(
            RDKafkaErrorCode::OffsetOutOfRange
        )));
    }
}
