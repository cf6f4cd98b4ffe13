//! Creating the remote topics on the target cluster before the tasks write to them (Kafka's
//! `MirrorSourceConnector.computeAndCreateTopicPartitions`), so that every source partition has
//! a remote partition of the same number.

use std::collections::BTreeMap;

use sluice_engine::connector::TopicPartition;
use sluice_engine::kafka::{CreateOutcome, KafkaAdmin, NewTopicSpec};

use super::config::MirrorSourceConfig;

/// The remote topic of each source topic in `partitions`, with the partition count it needs
/// (the highest source partition id + 1).
pub fn remote_topic_specs(
    config: &MirrorSourceConfig,
    partitions: &[TopicPartition],
) -> Vec<NewTopicSpec> {
    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
    for partition in partitions {
        let count = counts.entry(partition.topic.as_str()).or_default();
        *count = (*count).max(partition.partition.saturating_add(1));
    }
    counts
        .into_iter()
        .map(|(topic, count)| {
            let mut spec = NewTopicSpec::new(config.remote_topic(topic));
            spec.partitions = count;
            spec.replication_factor = config.replication_factor;
            spec
        })
        .collect()
}

/// Creates the remote topics the target cluster lacks. Like Kafka, a topic that cannot be
/// created is logged and skipped: the tasks still run, and writes to it fail or go to an
/// auto-created topic.
pub fn create_remote_topics(admin: &KafkaAdmin, specs: &[NewTopicSpec]) {
    for spec in specs {
        match admin.create_topic(spec) {
            Ok(CreateOutcome::Created) => tracing::info!(
                topic = %spec.name,
                partitions = spec.partitions,
                "created remote topic"
            ),
            Ok(CreateOutcome::AlreadyExists) => warn_if_smaller(admin, spec),
            Err(error) => {
                tracing::warn!(topic = %spec.name, %error, "could not create remote topic")
            }
        }
    }
}

/// Kafka adds partitions to a remote topic that has fewer than its source; Sluice's admin
/// client cannot, so it says which partitions will have nowhere to go.
fn warn_if_smaller(admin: &KafkaAdmin, spec: &NewTopicSpec) {
    match admin.partitions(&spec.name) {
        Ok(Some(existing)) if (existing.len() as i64) < i64::from(spec.partitions) => {
            tracing::warn!(
                topic = %spec.name,
                existing = existing.len(),
                needed = spec.partitions,
                "remote topic has fewer partitions than its source; add partitions to it"
            );
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(topic = %spec.name, %error, "could not describe remote topic"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::raw;

    #[test]
    fn each_remote_topic_gets_its_source_partition_count() {
        let config = MirrorSourceConfig::parse(&raw(&[
            ("source.cluster.bootstrap.servers", "a:9092"),
            ("source.cluster.alias", "east"),
            ("replication.factor", "3"),
        ]))
        .expect("valid");
        let partitions = [
            TopicPartition::new("orders", 0),
            TopicPartition::new("orders", 1),
            TopicPartition::new("orders", 2),
            TopicPartition::new("audit", 0),
        ];
        let specs: Vec<(String, i32, i16)> = remote_topic_specs(&config, &partitions)
            .into_iter()
            .map(|spec| (spec.name, spec.partitions, spec.replication_factor))
            .collect();
        assert_eq!(
            specs,
            vec![
                ("east.audit".to_owned(), 1, 3),
                ("east.orders".to_owned(), 3, 3),
            ]
        );
    }
}
