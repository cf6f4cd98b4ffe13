//! The Kafka offsets topic store against the real test broker.

mod support;

use std::time::Duration;

use bytes::Bytes;
use sluice_codecs::Value;
use sluice_engine::connector::TopicPartition;
use sluice_engine::kafka::KafkaConsumer;
use sluice_engine::offsets::{
    KafkaOffsetBackingStore, KafkaOffsetStoreConfig, OffsetBackingStore, offset_key_bytes,
    offset_value_bytes,
};
use sluice_engine::record::SourceMap;

use support::{client_config, unique};

fn store_config(topic: &str) -> KafkaOffsetStoreConfig {
    let mut config = KafkaOffsetStoreConfig::new(client_config(), topic);
    config.replication_factor = 1;
    config.timeout = Duration::from_secs(20);
    config
}

fn file_partition(name: &str) -> SourceMap {
    [("filename".to_owned(), Value::string(name))]
        .into_iter()
        .collect()
}

fn position(at: i64) -> SourceMap {
    [("position".to_owned(), Value::Int64(at))]
        .into_iter()
        .collect()
}

#[test]
fn offsets_survive_a_new_store_instance_and_tombstones_delete() {
    let topic = unique("connect-offsets");
    let test_key = offset_key_bytes("file-source", &file_partition("test.txt")).expect("key");
    let other_key = offset_key_bytes("file-source", &file_partition("other.txt")).expect("key");
    {
        let store = KafkaOffsetBackingStore::start(store_config(&topic)).expect("started");
        store
            .set(&[
                (
                    test_key.clone(),
                    Some(offset_value_bytes(&position(1)).expect("value")),
                ),
                (
                    other_key.clone(),
                    Some(offset_value_bytes(&position(7)).expect("value")),
                ),
            ])
            .expect("written");
        store
            .set(&[(
                test_key.clone(),
                Some(offset_value_bytes(&position(1234)).expect("value")),
            )])
            .expect("written");
        assert_eq!(
            store.get(std::slice::from_ref(&test_key)).expect("read"),
            [(
                test_key.clone(),
                Bytes::from_static(br#"{"position":1234}"#)
            )],
            "a store reads its own writes"
        );
    }

    let reopened = KafkaOffsetBackingStore::start(store_config(&topic)).expect("restarted");
    let mut found = reopened
        .get(&[test_key.clone(), other_key.clone()])
        .expect("read");
    found.sort();
    assert_eq!(
        found,
        [
            (other_key.clone(), Bytes::from_static(br#"{"position":7}"#)),
            (
                test_key.clone(),
                Bytes::from_static(br#"{"position":1234}"#)
            ),
        ]
    );

    reopened
        .set(&[(other_key.clone(), None)])
        .expect("tombstone written");
    assert!(
        reopened
            .get(std::slice::from_ref(&other_key))
            .expect("read")
            .is_empty()
    );
    let third = KafkaOffsetBackingStore::start(store_config(&topic)).expect("restarted");
    assert_eq!(third.keys().expect("listed"), [test_key]);
}

#[test]
fn offsets_land_on_the_partition_javas_murmur2_partitioner_picks() {
    let topic = unique("connect-offsets-partitioning");
    let store = KafkaOffsetBackingStore::start(store_config(&topic)).expect("started");
    let key = Bytes::from_static(br#"["file-source",{"filename":"test.txt"}]"#);
    store
        .set(&[(
            key.clone(),
            Some(Bytes::from_static(br#"{"position":1234}"#)),
        )])
        .expect("written");

    // Java: Utils.toPositive(Utils.murmur2(keyBytes)) % 25 for this key is 18.
    let consumer = KafkaConsumer::new(&client_config()).expect("consumer");
    let partition = TopicPartition::new(topic.clone(), 18);
    consumer
        .assign(&[(partition.clone(), None)])
        .expect("assigned");
    let message = consumer
        .poll(Duration::from_secs(20))
        .expect("consumed")
        .expect("the record is on partition 18");
    assert_eq!(message.partition, Some(18));
    assert_eq!(message.key, Some(key));
    assert_eq!(
        consumer
            .watermarks(&partition, Duration::from_secs(10))
            .expect("watermarks"),
        (0, 1)
    );
}
