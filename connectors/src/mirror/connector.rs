//! `org.apache.kafka.connect.mirror.MirrorSourceConnector`: finds the source topics to copy and
//! deals their partitions to tasks.

use sluice_codecs::Value;
use sluice_engine::config::{ConfigDef, RawConfig};
use sluice_engine::connector::{
    ConnectError, Connector, ExactlyOnceSupport, SourceConnector, SourceTask, TopicPartition,
};
use sluice_engine::kafka::KafkaAdmin;
use sluice_engine::record::SourceMap;

use super::assignment::{self, TASK_INDEX, TASK_TOPIC_PARTITIONS};
use super::config::{self, MirrorSourceConfig};
use super::offsets::{CLUSTER_KEY, OFFSET_KEY, PARTITION_KEY, TOPIC_KEY};
use super::remote_topics;
use super::task::MirrorSourceTask;
use super::{client_error, config_error};

/// Kafka's class name.
pub const CLASS: &str = "org.apache.kafka.connect.mirror.MirrorSourceConnector";

/// `org.apache.kafka.connect.mirror.MirrorSourceConnector`: copies the records of the selected
/// source-cluster topics to remote topics on the worker's (target) cluster, partition for
/// partition, bytes unchanged.
///
/// The source partitions are listed once, at start; a restart of the connector picks up new
/// topics and partitions. With `target.cluster.bootstrap.servers` set, missing remote topics
/// are created at start with their source's partition count.
#[derive(Debug, Default)]
pub struct MirrorSourceConnector {
    config: RawConfig,
    partitions: Vec<TopicPartition>,
}

impl MirrorSourceConnector {
    /// The source partitions found at start, in the order they are dealt to tasks.
    pub fn partitions(&self) -> &[TopicPartition] {
        &self.partitions
    }
}

/// The partitions of the `topics` (name → partition ids) that `config` replicates, sorted by
/// topic and partition so that task assignments are stable across restarts.
pub fn source_partitions<'a>(
    config: &MirrorSourceConfig,
    topics: impl IntoIterator<Item = (&'a String, &'a Vec<i32>)>,
) -> Vec<TopicPartition> {
    let mut partitions: Vec<TopicPartition> = topics
        .into_iter()
        .filter(|(topic, _)| config.should_replicate_topic(topic))
        .flat_map(|(topic, ids)| {
            ids.iter()
                .map(|id| TopicPartition::new(topic.as_str(), *id))
        })
        .collect();
    partitions.sort();
    partitions
}

impl Connector for MirrorSourceConnector {
    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    fn config_def(&self) -> ConfigDef {
        config::config_def()
    }

    fn start(&mut self, config: &RawConfig) -> Result<(), ConnectError> {
        let parsed = MirrorSourceConfig::parse(config).map_err(config_error)?;
        let admin_config = parsed.source_admin_config().map_err(config_error)?;
        let admin = KafkaAdmin::new(&admin_config, parsed.admin_timeout).map_err(client_error)?;
        let topics = admin.topics().map_err(client_error)?;
        self.partitions = source_partitions(&parsed, &topics);
        if let Some(target) = parsed.target_admin_config().map_err(config_error)? {
            let target = KafkaAdmin::new(&target, parsed.admin_timeout).map_err(client_error)?;
            let specs = remote_topics::remote_topic_specs(&parsed, &self.partitions);
            remote_topics::create_remote_topics(&target, &specs);
        }
        self.config = config.clone();
        tracing::info!(
            source = %parsed.source_alias,
            target = %parsed.target_alias,
            partitions = self.partitions.len(),
            "started MirrorSourceConnector"
        );
        Ok(())
    }

    fn task_configs(&self, max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
        let tasks = assignment::round_robin(&self.partitions, max_tasks);
        Ok(tasks
            .iter()
            .enumerate()
            .map(|(index, partitions)| {
                let mut task = self.config.clone();
                task.insert(
                    TASK_TOPIC_PARTITIONS.to_owned(),
                    assignment::encode_list(partitions),
                );
                task.insert(TASK_INDEX.to_owned(), index.to_string());
                task
            })
            .collect())
    }

    fn stop(&mut self) -> Result<(), ConnectError> {
        Ok(())
    }
}

impl SourceConnector for MirrorSourceConnector {
    fn create_task(&self) -> Box<dyn SourceTask> {
        Box::new(MirrorSourceTask::default())
    }

    /// Supported when the source consumer reads only committed transactions
    /// (`isolation.level=read_committed`), as in Kafka.
    fn exactly_once_support(&self, config: &RawConfig) -> ExactlyOnceSupport {
        let read_committed = MirrorSourceConfig::parse(config)
            .and_then(|parsed| parsed.source_consumer_config())
            .is_ok_and(|consumer| consumer.get("isolation.level") == Some("read_committed"));
        if read_committed {
            ExactlyOnceSupport::Supported
        } else {
            ExactlyOnceSupport::Unsupported
        }
    }

    /// Checks offsets written through the REST API have MirrorMaker 2's shape; the source
    /// consumer never commits, so nothing else needs changing.
    fn alter_offsets(
        &self,
        _config: &RawConfig,
        offsets: &[(SourceMap, Option<SourceMap>)],
    ) -> Result<bool, ConnectError> {
        for (partition, offset) in offsets {
            // Tombstones are fine for anything, so stale offsets can always be cleaned up.
            let Some(offset) = offset else { continue };
            check_partition(partition)?;
            match offset.get(OFFSET_KEY).and_then(integer) {
                Some(value) if value >= 0 => {}
                Some(_) => {
                    return Err(ConnectError::fatal(format!(
                        "Offset value for the '{OFFSET_KEY}' key must be non-negative"
                    )));
                }
                None => {
                    return Err(ConnectError::fatal(format!(
                        "Offset objects should contain the key '{OFFSET_KEY}' with an integer \
                         value"
                    )));
                }
            }
        }
        Ok(true)
    }
}

fn check_partition(partition: &SourceMap) -> Result<(), ConnectError> {
    for key in [CLUSTER_KEY, TOPIC_KEY] {
        if !matches!(partition.get(key), Some(Value::String(_))) {
            return Err(ConnectError::fatal(format!(
                "Source partitions should contain the key '{key}' with a string value"
            )));
        }
    }
    match partition.get(PARTITION_KEY).and_then(integer) {
        Some(value) if (0..=i64::from(i32::MAX)).contains(&value) => Ok(()),
        _ => Err(ConnectError::fatal(format!(
            "Source partitions should contain the key '{PARTITION_KEY}' with a non-negative \
             integer value"
        ))),
    }
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Int8(n) => Some(i64::from(*n)),
        Value::Int16(n) => Some(i64::from(*n)),
        Value::Int32(n) => Some(i64::from(*n)),
        Value::Int64(n) => Some(*n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::raw;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    fn started(partitions: Vec<TopicPartition>) -> MirrorSourceConnector {
        MirrorSourceConnector {
            config: raw(&[
                ("source.cluster.bootstrap.servers", "a:9092"),
                ("name", "mm2"),
            ]),
            partitions,
        }
    }

    #[test]
    fn source_partitions_are_filtered_and_sorted() {
        let config = MirrorSourceConfig::parse(&raw(&[
            ("source.cluster.bootstrap.servers", "a:9092"),
            ("topics", "orders|payments|target\\..*"),
        ]))
        .expect("valid");
        let topics: std::collections::BTreeMap<String, Vec<i32>> = [
            ("payments".to_owned(), vec![1, 0]),
            ("orders".to_owned(), vec![0]),
            ("target.orders".to_owned(), vec![0]),
            ("other".to_owned(), vec![0]),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            source_partitions(&config, &topics),
            vec![tp("orders", 0), tp("payments", 0), tp("payments", 1)]
        );
    }

    #[test]
    fn task_configs_list_their_partitions_and_index() {
        let connector = started(vec![tp("a", 0), tp("a", 1), tp("b", 0)]);
        let tasks = connector.task_configs(2).expect("configs");
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0]["task.assigned.partitions"], "a-0,b-0");
        assert_eq!(tasks[0]["task.index"], "0");
        assert_eq!(tasks[1]["task.assigned.partitions"], "a-1");
        assert_eq!(tasks[1]["task.index"], "1");
        assert_eq!(tasks[1]["name"], "mm2");
    }

    #[test]
    fn exactly_once_needs_a_read_committed_consumer() {
        let connector = MirrorSourceConnector::default();
        let mut config = raw(&[("source.cluster.bootstrap.servers", "a:9092")]);
        assert_eq!(
            connector.exactly_once_support(&config),
            ExactlyOnceSupport::Unsupported
        );
        config.insert(
            "source.consumer.isolation.level".to_owned(),
            "read_committed".to_owned(),
        );
        assert_eq!(
            connector.exactly_once_support(&config),
            ExactlyOnceSupport::Supported
        );
    }

    #[test]
    fn no_partitions_means_no_tasks() {
        assert!(
            started(Vec::new())
                .task_configs(4)
                .expect("configs")
                .is_empty()
        );
    }

    fn map(fields: &[(&str, Value)]) -> SourceMap {
        fields
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect()
    }

    #[test]
    fn altered_offsets_must_have_mm2_shape() {
        let connector = MirrorSourceConnector::default();
        let config = RawConfig::new();
        let partition = map(&[
            ("cluster", Value::from("a")),
            ("partition", Value::Int64(0)),
            ("topic", Value::from("t")),
        ]);
        let good = map(&[("offset", Value::Int64(5))]);
        let alter = |partition: &SourceMap, offset: Option<SourceMap>| {
            connector.alter_offsets(&config, &[(partition.clone(), offset)])
        };
        assert_eq!(alter(&partition, Some(good.clone())), Ok(true));
        assert_eq!(alter(&SourceMap::new(), None), Ok(true));
        assert!(alter(&partition, Some(map(&[("offset", Value::Int64(-2))]))).is_err());
        assert!(alter(&partition, Some(map(&[("position", Value::Int64(1))]))).is_err());
        let no_topic = map(&[
            ("cluster", Value::from("a")),
            ("partition", Value::Int32(0)),
        ]);
        assert!(alter(&no_topic, Some(good.clone())).is_err());
        let bad_partition = map(&[
            ("cluster", Value::from("a")),
            ("partition", Value::from("0")),
            ("topic", Value::from("t")),
        ]);
        assert!(alter(&bad_partition, Some(good)).is_err());
    }
}
