//! Splitting source partitions over tasks, and the `task.assigned.partitions` entries that carry
//! them in task configs (Kafka's `MirrorSourceConnector.taskConfigs` and
//! `MirrorUtils.encodeTopicPartition`).

use sluice_engine::connector::TopicPartition;

/// The task config key listing a task's partitions, comma-separated `topic-partition` entries.
pub const TASK_TOPIC_PARTITIONS: &str = "task.assigned.partitions";
/// The task config key holding the task's index.
pub const TASK_INDEX: &str = "task.index";

/// Deals `partitions` round-robin to at most `max_tasks` tasks, so each task gets a share of
/// every busy topic; there are never more tasks than partitions, and none when there is none.
pub fn round_robin(partitions: &[TopicPartition], max_tasks: usize) -> Vec<Vec<TopicPartition>> {
    let tasks = max_tasks.min(partitions.len());
    let mut assigned = vec![Vec::new(); tasks];
    for (index, partition) in partitions.iter().enumerate() {
        assigned[index % tasks].push(partition.clone());
    }
    assigned
}

/// `topic-partition`, as Java's `TopicPartition.toString`.
pub fn encode(partition: &TopicPartition) -> String {
    format!("{}-{}", partition.topic, partition.partition)
}

/// The partitions joined with commas, as `task.assigned.partitions` holds them.
pub fn encode_list(partitions: &[TopicPartition]) -> String {
    partitions.iter().map(encode).collect::<Vec<_>>().join(",")
}

/// Reads one `topic-partition` entry: the topic is everything before the last `-`.
pub fn decode(entry: &str) -> Option<TopicPartition> {
    let (topic, partition) = entry.trim().rsplit_once('-')?;
    let partition = partition.parse().ok()?;
    (!topic.is_empty()).then(|| TopicPartition::new(topic, partition))
}

/// Reads a `task.assigned.partitions` value; `Err` holds the first entry that is malformed.
pub fn decode_list(value: &str) -> Result<Vec<TopicPartition>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| decode(entry).ok_or_else(|| entry.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    #[test]
    fn partitions_are_dealt_round_robin_like_mm2() {
        // Kafka's example: 3 tasks, topics with 8, 2 and 2 partitions.
        let mut partitions: Vec<TopicPartition> = (0..8).map(|p| tp("t0", p)).collect();
        partitions.extend([tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)]);
        let tasks = round_robin(&partitions, 3);
        assert_eq!(
            tasks,
            vec![
                vec![tp("t0", 0), tp("t0", 3), tp("t0", 6), tp("t1", 1)],
                vec![tp("t0", 1), tp("t0", 4), tp("t0", 7), tp("t2", 0)],
                vec![tp("t0", 2), tp("t0", 5), tp("t1", 0), tp("t2", 1)],
            ]
        );
    }

    #[test]
    fn there_are_never_more_tasks_than_partitions() {
        let partitions = [tp("a", 0), tp("a", 1)];
        assert_eq!(round_robin(&partitions, 5).len(), 2);
        assert!(round_robin(&[], 5).is_empty());
        assert_eq!(round_robin(&partitions, 1), vec![partitions.to_vec()]);
    }

    #[test]
    fn entries_are_topic_dash_partition() {
        let partitions = [tp("orders", 0), tp("my-topic", 12)];
        assert_eq!(encode_list(&partitions), "orders-0,my-topic-12");
        assert_eq!(decode_list("orders-0,my-topic-12"), Ok(partitions.to_vec()));
        assert_eq!(decode_list(""), Ok(Vec::new()));
    }

    #[test]
    fn malformed_entries_are_reported() {
        assert_eq!(decode_list("orders-0,orders"), Err("orders".to_owned()));
        assert_eq!(decode_list("orders-x"), Err("orders-x".to_owned()));
        assert_eq!(decode_list("-3"), Err("-3".to_owned()));
    }
}
