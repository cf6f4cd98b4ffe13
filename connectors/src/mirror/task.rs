//! `org.apache.kafka.connect.mirror.MirrorSourceTask`: consumes its assigned source partitions
//! and hands their records on as raw bytes, renamed for the target cluster.

use std::collections::HashMap;
use std::time::Duration;

use sluice_codecs::{Schema, SchemaRef, Str, Value};
use sluice_engine::connector::{ConnectError, SourceTask, SourceTaskContext, TopicPartition};
use sluice_engine::kafka::{KafkaConsumer, KafkaMessage};
use sluice_engine::record::{Record, RecordBatch, SourceMap};

use super::assignment::{self, TASK_TOPIC_PARTITIONS};
use super::config::MirrorSourceConfig;
use super::offsets::{unwrap_offset, wrap_offset, wrap_partition};
use super::{client_error, config_error};

/// The most records one `poll` returns.
pub const MAX_BATCH: usize = 2000;
/// How long one `poll` waits for the first record.
pub const POLL_TIMEOUT: Duration = Duration::from_millis(100);

/// `org.apache.kafka.connect.mirror.MirrorSourceTask`: copies records of the partitions listed
/// in `task.assigned.partitions`, resuming after the last offset stored for each.
///
/// Keys, values and header values are [`Value::Bytes`] with an optional BYTES schema, so
/// `ByteArrayConverter` (as key, value and header converter) writes the consumed bytes back
/// unchanged.
#[derive(Default)]
pub struct MirrorSourceTask {
    running: Option<Running>,
}

/// Where one source topic goes, and the source partitions of its assigned partitions.
struct TopicRoute {
    remote: Str,
    partitions: HashMap<i32, SourceMap>,
}

struct Running {
    consumer: KafkaConsumer,
    routes: HashMap<String, TopicRoute>,
    bytes_schema: SchemaRef,
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
                wrap_partition(partition, &config.source_alias),
            );
        }
        routes
    }
}

impl SourceTask for MirrorSourceTask {
    fn start(&mut self, context: SourceTaskContext) -> Result<(), ConnectError> {
        let config = MirrorSourceConfig::parse(&context.config).map_err(config_error)?;
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
            bytes_schema: Schema::bytes().optional().into_ref(),
        });
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        let Some(running) = &mut self.running else {
            return Err(ConnectError::fatal("MirrorSourceTask polled before start"));
        };
        let messages = running.poll_batch()?;
        if messages.is_empty() {
            return Ok(None);
        }
        let mut records = Vec::with_capacity(messages.len());
        for message in messages {
            if let Some(record) = running.convert(message) {
                records.push(record);
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
    /// task was not assigned (which the consumer does not deliver).
    fn convert(&self, message: KafkaMessage) -> Option<Record> {
        let route = self.routes.get(message.topic.as_str())?;
        let partition = message.partition?;
        let source = route.partitions.get(&partition)?.clone();
        let offset = wrap_offset(message.offset?);
        let bytes = |value: Option<bytes::Bytes>| value.map_or(Value::Null, Value::Bytes);
        let schema = Some(self.bytes_schema.clone());
        let mut record = Record::source(route.remote.clone(), source, offset)
            .with_key(schema.clone(), bytes(message.key))
            .with_value(schema.clone(), bytes(message.value))
            .with_timestamp(message.timestamp);
        record.partition = Some(partition);
        for header in message.headers {
            record
                .headers
                .add(header.key, schema.clone(), bytes(header.value));
        }
        Some(record)
    }
}
