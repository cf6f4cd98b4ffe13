//! MirrorMaker 2's source partitions and offsets (Kafka's `MirrorUtils.wrapPartition` and
//! `wrapOffset`): partition `{"cluster", "partition", "topic"}`, offset `{"offset"}`.

use sluice_codecs::Value;
use sluice_engine::connector::TopicPartition;
use sluice_engine::record::SourceMap;

/// Source partition key: the source cluster alias.
pub const CLUSTER_KEY: &str = "cluster";
/// Source partition key: the source topic.
pub const TOPIC_KEY: &str = "topic";
/// Source partition key: the source partition.
pub const PARTITION_KEY: &str = "partition";
/// Source offset key: the offset of the last record copied.
pub const OFFSET_KEY: &str = "offset";

/// The source partition of `partition` on cluster `alias`. The fields come in the order Java's
/// `HashMap` yields them, so the offset key bytes are the same as a Java worker's.
pub fn wrap_partition(partition: &TopicPartition, alias: &str) -> SourceMap {
    let mut map = SourceMap::with_capacity(3);
    map.insert(CLUSTER_KEY.to_owned(), Value::from(alias));
    map.insert(PARTITION_KEY.to_owned(), Value::Int32(partition.partition));
    map.insert(TOPIC_KEY.to_owned(), Value::from(partition.topic.as_str()));
    map
}

/// The source offset of the record at `offset`.
pub fn wrap_offset(offset: i64) -> SourceMap {
    let mut map = SourceMap::with_capacity(1);
    map.insert(OFFSET_KEY.to_owned(), Value::Int64(offset));
    map
}

/// The offset of the last record copied, from a stored source offset; `None` when it holds
/// none (or a negative one, which Kafka treats as uncommitted).
pub fn unwrap_offset(offset: &SourceMap) -> Option<i64> {
    let offset = match offset.get(OFFSET_KEY)? {
        Value::Int8(n) => i64::from(*n),
        Value::Int16(n) => i64::from(*n),
        Value::Int32(n) => i64::from(*n),
        Value::Int64(n) => *n,
        _ => return None,
    };
    (offset >= 0).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_and_offset_have_mm2_shape() {
        let partition = wrap_partition(&TopicPartition::new("orders", 3), "us-west");
        let fields: Vec<(&str, &Value)> = partition.iter().map(|(k, v)| (k.as_str(), v)).collect();
        assert_eq!(
            fields,
            vec![
                ("cluster", &Value::from("us-west")),
                ("partition", &Value::Int32(3)),
                ("topic", &Value::from("orders")),
            ]
        );
        let offset = wrap_offset(41);
        assert_eq!(offset.get("offset"), Some(&Value::Int64(41)));
        assert_eq!(offset.len(), 1);
    }

    #[test]
    fn stored_offsets_read_back_at_any_integer_width() {
        assert_eq!(unwrap_offset(&wrap_offset(41)), Some(41));
        let mut narrow = SourceMap::new();
        narrow.insert("offset".to_owned(), Value::Int32(7));
        assert_eq!(unwrap_offset(&narrow), Some(7));
        assert_eq!(unwrap_offset(&wrap_offset(-1)), None);
        assert_eq!(unwrap_offset(&SourceMap::new()), None);
        let mut text = SourceMap::new();
        text.insert("offset".to_owned(), Value::from("7"));
        assert_eq!(unwrap_offset(&text), None);
    }
}
