//! `org.apache.kafka.connect.mirror.MirrorSourceTask`: consumes its assigned source partitions
//! and hands their records on, renamed for the target cluster: as raw bytes, or as Connect data
//! read by the source converters of [`super::source_data`].

use std::collections::HashMap;
use std::time::Duration;

use sluice_codecs::Str;
use sluice_engine::connector::{ConnectError, SourceTask, SourceTaskContext, TopicPartition};
use sluice_engine::kafka::{KafkaConsumer, KafkaMessage};
use sluice_engine::record::{Record, RecordBatch, SourcePartition};

use super::assignment::{self, TASK_TOPIC_PARTITIONS};
use super::config::MirrorSourceConfig;
use super::offsets::{unwrap_offset, wrap_offset, wrap_partition};
use super::source_data::SourceDecoding;
use super::{client_error, config_error};

/// The most records one `poll` returns.
pub const MAX_BATCH: usize = 2000;
/// How long one `poll` waits for the first record.
pub const POLL_TIMEOUT: Duration = Duration::from_millis(100);

/// `org.apache.kafka.connect.mirror.MirrorSourceTask`: copies records of the partitions listed
/// in `task.assigned.partitions`, resuming after the last offset stored for each.
///
/// Without source converters, keys, values and header values are [`sluice_codecs::Value::Bytes`]
/// with an optional BYTES schema, so `ByteArrayConverter` (as key, value and header converter)
/// writes the consumed bytes back unchanged. A record a source converter cannot read fails the
/// task, naming the record; its offset is not committed, so nothing is skipped.
#[derive(Default)]
pub struct MirrorSourceTask {
    running: Option<Running>,
}

/// Where one source topic goes, and the source partitions of its assigned partitions.
struct TopicRoute {
    remote: Str,
    partitions: HashMap<i32, SourcePartition>,
}

struct Running {
    consumer: KafkaConsumer,
    routes: HashMap<String, TopicRoute>,
    decoding: SourceDecoding,
    /// A record a source converter could not read, reported by the next `poll` after the
    /// records before it were handed on.
    unreadable: Option<ConnectError>,
}

impl MirrorSourceTask {
    /// The partitions this task copies, with the next offset to read (`None`: the earliest):
    /// one past the stored offset of the last record copied (Kafka's `MirrorSourceTask.start`).
    fn start_positions(
        partitions: &[TopicPartition],
        alias: &str,
        context: &SourceTaskContext,
    ) -> Result<Vec<(TopicPartition, Option<i64>)>, ConnectError> {
        partitions
            .iter()
            .map(|partition| {
                let stored = context
                    .offset_reader
                    .offset(&wrap_partition(partition, alias))?;
                let last = stored.as_ref().and_then(unwrap_offset);
                Ok((partition.clone(), last.map(|offset| offset + 1)))
            })
            .collect()
    }

    /// Where each assigned source topic goes, with the source partition map of each of its
    /// partitions, built once so that converting a record only clones them.
    fn routes(
        partitions: &[TopicPartition],
        config: &MirrorSourceConfig,
    ) -> HashMap<String, TopicRoute> {
        let mut routes: HashMap<String, TopicRoute> = HashMap::new();
        for partition in partitions {
            let route = routes
                .entry(partition.topic.clone())
                .or_insert_with(|| TopicRoute {
                    remote: Str::from(config.remote_topic(&partition.topic)),
                    partitions: HashMap::new(),
                });
            route.partitions.insert(
                partition.partition,
                SourcePartition::new(wrap_partition(partition, &config.source_alias)),
            );
        }
        routes
    }
}

impl SourceTask for MirrorSourceTask {
    fn start(&mut self, context: SourceTaskContext) -> Result<(), ConnectError> {
        let config = MirrorSourceConfig::parse(&context.config).map_err(config_error)?;
        let decoding = SourceDecoding::from_config(&context.config).map_err(config_error)?;
        let assigned = context.config.get(TASK_TOPIC_PARTITIONS).ok_or_else(|| {
            ConnectError::fatal(format!("the task config has no {TASK_TOPIC_PARTITIONS}"))
        })?;
        let partitions = assignment::decode_list(assigned).map_err(|entry| {
            ConnectError::fatal(format!(
                "{TASK_TOPIC_PARTITIONS}: `{entry}` is not a topic-partition entry"
            ))
        })?;
        let positions = Self::start_positions(&partitions, &config.source_alias, &context)?;
        let consumer_config = config.source_consumer_config().map_err(config_error)?;
        let consumer = KafkaConsumer::new(&consumer_config).map_err(client_error)?;
        // Assigning at the position is `assign` + `seek` in one step; librdkafka refuses a seek
        // on a partition it has not started fetching yet.
        consumer.assign(&positions).map_err(client_error)?;
        let resumed = positions.iter().filter(|(_, at)| at.is_some()).count();
        tracing::info!(
            partitions = positions.len(),
            resumed,
            "MirrorSourceTask assigned its partitions"
        );
        self.running = Some(Running {
            consumer,
            routes: Self::routes(&partitions, &config),
            decoding,
            unreadable: None,
        });
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        let Some(running) = &mut self.running else {
            return Err(ConnectError::fatal("MirrorSourceTask polled before start"));
        };
        if let Some(error) = running.unreadable.take() {
            return Err(error);
        }
        let messages = running.poll_batch()?;
        if messages.is_empty() {
            return Ok(None);
        }
        let mut records = Vec::with_capacity(messages.len());
        for message in messages {
            match running.convert(message) {
                Ok(Some(record)) => records.push(record),
                Ok(None) => {}
                // The records before it go on; the task fails at the next poll, and the
                // unreadable record's offset is never committed.
                Err(error) if !records.is_empty() => {
                    running.unreadable = Some(error);
                    break;
                }
                Err(error) => return Err(error),
            }
        }
        Ok(Some(RecordBatch::new(records)))
    }

    fn stop(&mut self) {
        self.running = None;
    }
}

impl Running {
    /// Up to [`MAX_BATCH`] messages: waits up to [`POLL_TIMEOUT`] for the first, then takes what
    /// is already fetched. A client error after the first message ends the batch instead of
    /// failing it: the messages taken are past the consumer's position and would be lost.
    fn poll_batch(&self) -> Result<Vec<KafkaMessage>, ConnectError> {
        let Some(first) = self.consumer.poll(POLL_TIMEOUT).map_err(client_error)? else {
            return Ok(Vec::new());
        };
        let mut batch = Vec::with_capacity(64);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match self.consumer.poll(Duration::ZERO) {
                Ok(Some(message)) => batch.push(message),
                Ok(None) => break,
                Err(error) => {
                    // librdkafka reports a lasting failure again on the next poll.
                    tracing::warn!(%error, "source consumer error; returning the batch so far");
                    break;
                }
            }
        }
        Ok(batch)
    }

    /// The record to write for a consumed message; `None` for a message of a partition this
    /// task was not assigned (which the consumer does not deliver). Fails when a source
    /// converter cannot read it.
    fn convert(&mut self, message: KafkaMessage) -> Result<Option<Record>, ConnectError> {
        let Some(route) = self.routes.get(message.topic.as_str()) else {
            return Ok(None);
        };
        let (Some(partition), Some(offset)) = (message.partition, message.offset) else {
            return Ok(None);
        };
        let Some(source) = route.partitions.get(&partition) else {
            return Ok(None);
        };
        let topic = message.topic.as_str();
        let unreadable = |error: sluice_engine::converters::ConverterError| {
            ConnectError::fatal(format!(
                "record {topic}-{partition}@{offset} could not be read by its source converter: {error}"
            ))
        };
        let decoding = &mut self.decoding;
        let (key_schema, key) = decoding.key(topic, message.key).map_err(unreadable)?;
        let (value_schema, value) = decoding.value(topic, message.value).map_err(unreadable)?;
        let mut record = Record::source(route.remote.clone(), source.clone(), wrap_offset(offset))
            .with_key(key_schema, key)
            .with_value(value_schema, value)
            .with_timestamp(message.timestamp);
        record.partition = Some(partition);
        for header in message.headers {
            let (schema, value) = decoding
                .header(topic, &header.key, header.value)
                .map_err(unreadable)?;
            record.headers.add(header.key, schema, value);
        }
        Ok(Some(record))
    }
}
