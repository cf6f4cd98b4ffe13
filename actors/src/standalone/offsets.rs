//! Connector offsets for the REST API (KIP-875): source offsets from the worker's offset store,
//! sink offsets from the consumer group `connect-<name>`.

use std::time::Duration;

use bytes::Bytes;
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{ConnectorType, PartitionOffsets, TopicPartition};
use sluice_engine::kafka::{ClientRole, KafkaAdmin, KafkaConsumer, TaskClient, task_client_config};
use sluice_engine::offsets::{
    OffsetBackingStore, offset_key_bytes, offset_value_bytes, parse_offset_key, parse_offset_value,
};

use crate::herder::{ConnectorOffset, ConnectorOffsets, HerderError, HerderResult, JsonMap};

/// How long reading or writing a consumer group's offsets may take.
const GROUP_TIMEOUT: Duration = Duration::from_secs(30);

fn internal(error: impl std::fmt::Display) -> HerderError {
    HerderError::Internal(error.to_string())
}

fn to_json_map(bytes: &[u8]) -> HerderResult<JsonMap> {
    match serde_json::from_slice(bytes).map_err(internal)? {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(internal("an offset is not a JSON object")),
    }
}

/// The committed source offsets of connector `name`.
pub fn source_offsets(
    store: &dyn OffsetBackingStore,
    name: &str,
) -> HerderResult<ConnectorOffsets> {
    let keys: Vec<Bytes> = store
        .keys()
        .map_err(internal)?
        .into_iter()
        .filter(|key| parse_offset_key(key).is_ok_and(|(connector, _)| connector == name))
        .collect();
    let mut offsets = Vec::new();
    for (key, value) in store.get(&keys).map_err(internal)? {
        let (_, partition) = parse_offset_key(&key).map_err(internal)?;
        let partition = to_json_map(&offset_value_bytes(&partition).map_err(internal)?)?;
        offsets.push(ConnectorOffset {
            partition,
            offset: Some(to_json_map(&value)?),
        });
    }
    Ok(ConnectorOffsets { offsets })
}

/// Writes (or, for `null` offsets, deletes) source offsets of connector `name`.
pub fn alter_source_offsets(
    store: &dyn OffsetBackingStore,
    name: &str,
    offsets: &ConnectorOffsets,
) -> HerderResult<()> {
    let mut entries = Vec::with_capacity(offsets.offsets.len());
    for entry in &offsets.offsets {
        let partition = source_map(&entry.partition, "partition")?;
        let key = offset_key_bytes(name, &partition).map_err(bad_request)?;
        let value = match &entry.offset {
            Some(offset) => {
                Some(offset_value_bytes(&source_map(offset, "offset")?).map_err(bad_request)?)
            }
            None => None,
        };
        entries.push((key, value));
    }
    store.set(&entries).map_err(internal)
}

/// Deletes every source offset of connector `name`.
pub fn reset_source_offsets(store: &dyn OffsetBackingStore, name: &str) -> HerderResult<()> {
    let deletes: Vec<(Bytes, Option<Bytes>)> = store
        .keys()
        .map_err(internal)?
        .into_iter()
        .filter(|key| parse_offset_key(key).is_ok_and(|(connector, _)| connector == name))
        .map(|key| (key, None))
        .collect();
    store.set(&deletes).map_err(internal)
}

fn bad_request(error: impl std::fmt::Display) -> HerderError {
    HerderError::BadRequest(error.to_string())
}

/// A JSON partition or offset as a source map (primitive values only, as Kafka requires).
fn source_map(map: &JsonMap, what: &str) -> HerderResult<sluice_engine::record::SourceMap> {
    for (key, value) in map {
        if value.is_object() || value.is_array() {
            return Err(bad_request(format!(
                "The {what} map may only contain primitive values, but the value of '{key}' is not"
            )));
        }
    }
    let bytes = serde_json::to_vec(map).map_err(internal)?;
    parse_offset_value(&bytes).map_err(bad_request)
}

/// The consumer of group `connect-<name>` used to read and write sink offsets.
fn group_consumer(
    worker: &RawConfig,
    connector: &RawConfig,
    name: &str,
) -> HerderResult<KafkaConsumer> {
    let who = TaskClient {
        connector: name,
        task: 0,
    };
    let config =
        task_client_config(ClientRole::Consumer, worker, connector, who).map_err(internal)?;
    KafkaConsumer::new(&config).map_err(internal)
}

/// The topics a sink connector consumes by name (`topics`).
fn sink_topics(connector: &RawConfig) -> Vec<String> {
    connector
        .get("topics")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|topic| !topic.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The committed offsets of sink connector `name`'s consumer group.
pub fn sink_offsets(
    worker: &RawConfig,
    connector: &RawConfig,
    name: &str,
) -> HerderResult<ConnectorOffsets> {
    let consumer = group_consumer(worker, connector, name)?;
    let mut partitions = Vec::new();
    for topic in sink_topics(connector) {
        for partition in consumer
            .partitions_of(&topic, GROUP_TIMEOUT)
            .map_err(internal)?
        {
            partitions.push(TopicPartition::new(topic.clone(), partition));
        }
    }
    let committed = consumer
        .committed(&partitions, GROUP_TIMEOUT)
        .map_err(internal)?;
    Ok(ConnectorOffsets {
        offsets: committed
            .into_iter()
            .map(|(partition, offset)| ConnectorOffset {
                partition: sink_partition(&partition),
                offset: Some(JsonMap::from_iter([(
                    "kafka_offset".to_owned(),
                    serde_json::Value::from(offset),
                )])),
            })
            .collect(),
    })
}

fn sink_partition(partition: &TopicPartition) -> JsonMap {
    JsonMap::from_iter([
        (
            "kafka_topic".to_owned(),
            serde_json::Value::from(partition.topic.clone()),
        ),
        (
            "kafka_partition".to_owned(),
            serde_json::Value::from(partition.partition),
        ),
    ])
}

/// A number that may be given as a JSON number or as text (Kafka accepts both).
fn number(map: &JsonMap, key: &str) -> HerderResult<i64> {
    let value = map
        .get(key)
        .ok_or_else(|| bad_request(format!("Kafka partitions and offsets must contain '{key}'")))?;
    match value {
        serde_json::Value::Number(number) => number.as_i64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| bad_request(format!("'{key}' must be an integer, but was {value}")))
}

/// Commits new offsets for sink connector `name`'s consumer group; a `null` offset (delete)
/// cannot be expressed through librdkafka and is refused.
pub fn alter_sink_offsets(
    worker: &RawConfig,
    connector: &RawConfig,
    name: &str,
    offsets: &ConnectorOffsets,
) -> HerderResult<()> {
    let mut commits = PartitionOffsets::new();
    for entry in &offsets.offsets {
        let topic = match entry.partition.get("kafka_topic") {
            Some(serde_json::Value::String(topic)) => topic.clone(),
            _ => {
                return Err(bad_request(
                    "Kafka partitions must contain a string 'kafka_topic'",
                ));
            }
        };
        let partition = i32::try_from(number(&entry.partition, "kafka_partition")?)
            .map_err(|_| bad_request("'kafka_partition' is out of range"))?;
        let Some(offset) = &entry.offset else {
            return Err(internal(
                "Deleting the committed offset of a single sink partition is not supported; \
                 use DELETE /connectors/{name}/offsets to reset them all",
            ));
        };
        let offset = number(offset, "kafka_offset")?;
        if offset < 0 {
            return Err(bad_request("'kafka_offset' must be non-negative"));
        }
        commits.insert(TopicPartition::new(topic, partition), offset);
    }
    group_consumer(worker, connector, name)?
        .commit(&commits)
        .map_err(internal)
}

/// Deletes sink connector `name`'s consumer group, and with it every committed offset.
pub fn reset_sink_offsets(
    worker: &RawConfig,
    connector: &RawConfig,
    name: &str,
) -> HerderResult<()> {
    let who = TaskClient {
        connector: name,
        task: 0,
    };
    let config = task_client_config(ClientRole::Admin, worker, connector, who).map_err(internal)?;
    let admin = KafkaAdmin::new(&config, GROUP_TIMEOUT).map_err(internal)?;
    admin
        .delete_group(&format!("connect-{name}"))
        .map_err(internal)
}

/// The connector type's offsets, for messages.
pub fn is_sink(connector_type: Option<ConnectorType>) -> bool {
    connector_type == Some(ConnectorType::Sink)
}
