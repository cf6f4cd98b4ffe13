//! [`KafkaOffsetBackingStore`]: distributed mode's `offset.storage.topic` (Kafka Connect's
//! `KafkaOffsetBackingStore`): a compacted topic read from the beginning into memory at start,
//! written with the offset key as the record key and a tombstone to delete.
//!
//! Records are partitioned by key with librdkafka's `murmur2_random` partitioner, which hashes
//! keys as Java's default partitioner does, so an offset lands on the partition a Java worker
//! would write it to (and reads it from).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use indexmap::IndexMap;

use super::memory::MemoryOffsetBackingStore;
use super::{OffsetBackingStore, OffsetStoreError};
use crate::connector::TopicPartition;
use crate::kafka::{
    KafkaAdmin, KafkaClientConfig, KafkaClientError, KafkaConsumer, KafkaMessage, KafkaProducer,
    NewTopicSpec,
};

/// Where and how the offsets topic lives.
#[derive(Debug, Clone)]
pub struct KafkaOffsetStoreConfig {
    /// Connection settings shared by the store's producer, consumer and admin client
    /// (`bootstrap.servers`, security); the store adds what each needs.
    pub client: KafkaClientConfig,
    /// `offset.storage.topic`.
    pub topic: String,
    /// `offset.storage.partitions` (Kafka's default 25); `-1` for the broker default.
    pub partitions: i32,
    /// `offset.storage.replication.factor` (Kafka's default 3); `-1` for the broker default.
    pub replication_factor: i16,
    /// Other `offset.storage.*` topic settings; `cleanup.policy=compact` is always forced.
    pub topic_configs: IndexMap<String, String>,
    /// How long a read to the end or a write may take (`offset.flush.timeout.ms`-like).
    pub timeout: Duration,
}

impl KafkaOffsetStoreConfig {
    /// The store for `topic` with Kafka's defaults (25 partitions, replication factor 3).
    pub fn new(client: KafkaClientConfig, topic: impl Into<String>) -> Self {
        Self {
            client,
            topic: topic.into(),
            partitions: 25,
            replication_factor: 3,
            topic_configs: IndexMap::new(),
            timeout: Duration::from_secs(30),
        }
    }
}

struct Reader {
    consumer: KafkaConsumer,
    partitions: Vec<TopicPartition>,
    /// Next offset to read, per partition.
    positions: BTreeMap<i32, i64>,
}

/// Source offsets in a compacted Kafka topic, cached in memory.
pub struct KafkaOffsetBackingStore {
    topic: String,
    timeout: Duration,
    producer: KafkaProducer,
    reader: Mutex<Reader>,
    data: MemoryOffsetBackingStore,
    /// One writer at a time, so acknowledgements are matched to their own batch.
    write_lock: Mutex<()>,
}

impl KafkaOffsetBackingStore {
    /// Creates the topic if it is missing (refusing an existing one that is not compacted),
    /// then reads it to the end.
    pub fn start(config: KafkaOffsetStoreConfig) -> Result<Self, OffsetStoreError> {
        let kafka = |source: KafkaClientError| OffsetStoreError::Kafka {
            topic: config.topic.clone(),
            source: Box::new(source),
        };
        let admin = KafkaAdmin::new(&config.client, config.timeout).map_err(kafka)?;
        ensure_topic(&admin, &config).map_err(|error| match error {
            TopicProblem::Kafka(source) => kafka(source),
            TopicProblem::NotCompacted(policy) => OffsetStoreError::NotCompacted {
                topic: config.topic.clone(),
                policy,
            },
        })?;

        let mut producer_config = config.client.clone();
        producer_config
            .set("acks", "all")
            .set("enable.idempotence", "false")
            .set("max.in.flight.requests.per.connection", "1")
            .set("partitioner", "murmur2_random");
        let producer = KafkaProducer::new(&producer_config).map_err(kafka)?;

        let mut consumer_config = config.client.clone();
        consumer_config
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest");
        let consumer = KafkaConsumer::new(&consumer_config).map_err(kafka)?;
        let ids = consumer
            .partitions_of(&config.topic, config.timeout)
            .map_err(kafka)?;
        let partitions: Vec<TopicPartition> = ids
            .iter()
            .map(|id| TopicPartition::new(config.topic.clone(), *id))
            .collect();
        let assignment: Vec<_> = partitions.iter().map(|tp| (tp.clone(), None)).collect();
        consumer.assign(&assignment).map_err(kafka)?;

        let store = Self {
            topic: config.topic.clone(),
            timeout: config.timeout,
            producer,
            reader: Mutex::new(Reader {
                consumer,
                partitions,
                positions: BTreeMap::new(),
            }),
            data: MemoryOffsetBackingStore::new(),
            write_lock: Mutex::new(()),
        };
        store.read_to_end()?;
        Ok(store)
    }

    /// The offsets topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Reads every partition up to its current end, so writes by other workers are seen.
    pub fn read_to_end(&self) -> Result<(), OffsetStoreError> {
        let kafka = |source| OffsetStoreError::Kafka {
            topic: self.topic.clone(),
            source: Box::new(source),
        };
        let mut reader = self
            .reader
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Reader {
            consumer,
            partitions,
            positions,
        } = &mut *reader;
        if positions.is_empty() {
            // A partition whose records were all deleted starts past offset 0.
            let beginnings = consumer
                .beginning_offsets(partitions, self.timeout)
                .map_err(kafka)?;
            positions.extend(
                beginnings
                    .iter()
                    .map(|(tp, offset)| (tp.partition, *offset)),
            );
        }
        let ends: BTreeMap<i32, i64> = consumer
            .end_offsets(partitions, self.timeout)
            .map_err(kafka)?
            .into_iter()
            .map(|(tp, offset)| (tp.partition, offset))
            .collect();
        let caught_up = |positions: &BTreeMap<i32, i64>| {
            ends.iter()
                .all(|(p, end)| positions.get(p).copied().unwrap_or(0) >= *end)
        };
        let started = Instant::now();
        while !caught_up(positions) {
            if started.elapsed() >= self.timeout {
                return Err(kafka(KafkaClientError::timeout(
                    "reading the offsets topic to its end",
                    self.timeout,
                )));
            }
            for message in consumer
                .poll_batch(1024, Duration::from_millis(100))
                .map_err(kafka)?
            {
                self.apply(&message);
                if let (Some(p), Some(offset)) = (message.partition, message.offset) {
                    positions.insert(p, offset + 1);
                }
            }
        }
        Ok(())
    }

    fn apply(&self, message: &KafkaMessage) {
        // A record without a key cannot be an offset; Kafka logs and skips it.
        let Some(key) = &message.key else {
            return;
        };
        self.data.update(key.clone(), message.value.clone());
    }
}

enum TopicProblem {
    Kafka(KafkaClientError),
    NotCompacted(String),
}

fn ensure_topic(admin: &KafkaAdmin, config: &KafkaOffsetStoreConfig) -> Result<(), TopicProblem> {
    let mut spec = NewTopicSpec::new(config.topic.clone());
    spec.partitions = config.partitions;
    spec.replication_factor = config.replication_factor;
    spec.configs = config.topic_configs.clone();
    spec.configs
        .insert("cleanup.policy".to_owned(), "compact".to_owned());
    admin.create_topic(&spec).map_err(TopicProblem::Kafka)?;
    // As in Kafka, a broker that will not describe configs skips the check.
    if let Ok(configs) = admin.topic_configs(&config.topic)
        && let Some(policy) = configs.get("cleanup.policy")
        && policy != "compact"
    {
        return Err(TopicProblem::NotCompacted(policy.clone()));
    }
    Ok(())
}

impl OffsetBackingStore for KafkaOffsetBackingStore {
    fn get(&self, keys: &[Bytes]) -> Result<Vec<(Bytes, Bytes)>, OffsetStoreError> {
        self.read_to_end()?;
        self.data.get(keys)
    }

    fn set(&self, entries: &[(Bytes, Option<Bytes>)]) -> Result<(), OffsetStoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let messages: Vec<KafkaMessage> = entries
            .iter()
            .map(|(key, value)| {
                KafkaMessage::new(self.topic.as_str(), Some(key.clone()), value.clone())
            })
            .collect();
        self.producer
            .send_and_wait(&messages, self.timeout)
            .map_err(|source| OffsetStoreError::Kafka {
                topic: self.topic.clone(),
                source: Box::new(source),
            })?;
        // The cache is updated by reading the topic back (as Kafka's `KafkaBasedLog` does), so
        // it always follows the topic's order, whoever wrote.
        Ok(())
    }

    fn keys(&self) -> Result<Vec<Bytes>, OffsetStoreError> {
        self.read_to_end()?;
        self.data.keys()
    }
}
