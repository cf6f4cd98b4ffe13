//! `MirrorSourceConnector` and its task against the real test broker (`scripts/test-broker.sh`,
//! address in `SLUICE_TEST_BOOTSTRAP`), which serves as both source and target cluster: the
//! alias prefix keeps the remote topic apart from the source topic.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_codecs::{SchemaType, Value};
use sluice_connectors::mirror::MirrorSourceConnector;
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{
    Connector, SourceConnector, SourceTask, SourceTaskContext, TopicPartition,
};
use sluice_engine::converters::ConverterRegistry;
use sluice_engine::converters::{ByteArrayConverter, Converter, HeaderConverter};
use sluice_engine::kafka::KafkaConsumer;
use sluice_engine::kafka::{
    KafkaAdmin, KafkaClientConfig, KafkaMessage, KafkaProducer, NewTopicSpec,
};
use sluice_engine::offsets::{
    MemoryOffsetBackingStore, OffsetBackingStore, StoreOffsetReader, offset_key_bytes,
    offset_value_bytes,
};
use sluice_engine::pipeline::{ActiveTopics, TaskEnvironment, TaskInstance, TaskStart, start_task};
use sluice_engine::predicates::PredicateRegistry;
use sluice_engine::record::{Origin, Record, SourceMap};
use sluice_engine::transforms::TransformRegistry;

const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECTOR: &str = "mm2-test";
const BASE_TIMESTAMP: i64 = 1_700_000_000_000;

/// The test broker's address; fails the test, saying how to start it, when nothing answers.
fn bootstrap() -> String {
    let address =
        std::env::var("SLUICE_TEST_BOOTSTRAP").unwrap_or_else(|_| "127.0.0.1:19092".to_owned());
    let first = address
        .split(',')
        .next()
        .unwrap_or(&address)
        .trim()
        .to_owned();
    let reachable = first
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok());
    assert!(
        reachable,
        "the Kafka test broker is not reachable at {address} (SLUICE_TEST_BOOTSTRAP): \
         run scripts/test-broker.sh first"
    );
    address
}

fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn client_config(bootstrap: &str) -> KafkaClientConfig {
    let mut config = KafkaClientConfig::new();
    config.set("bootstrap.servers", bootstrap);
    config
}

/// The `index`th message of `partition`: binary key and value (index 2 has a null key, index 3
/// is a tombstone), a text header, a null-valued header and a repeated header key.
fn message(topic: &str, partition: i32, index: i64) -> KafkaMessage {
    let key =
        (index != 2).then(|| Bytes::from(format!("k{partition}-{index}\u{0}\u{ff}").into_bytes()));
    let value = (index != 3).then(|| Bytes::from(vec![0xff, 0x00, partition as u8, index as u8]));
    let mut message = KafkaMessage::new(topic, key, value)
        .with_header("trace", Some(Bytes::from(format!("t-{partition}-{index}"))))
        .with_header("empty", None)
        .with_header("trace", Some(Bytes::from_static(b"\x00\x01second")));
    message.partition = Some(partition);
    message.timestamp = Some(BASE_TIMESTAMP + i64::from(partition) * 1000 + index);
    message
}

fn produce(producer: &KafkaProducer, messages: &[KafkaMessage]) {
    producer
        .send_and_wait(messages, TIMEOUT)
        .expect("the test messages are acknowledged");
}

fn bytes_of(value: &Value) -> Option<Bytes> {
    match value {
        Value::Null => None,
        Value::Bytes(bytes) => Some(bytes.clone()),
        other => panic!("expected raw bytes, got {other:?}"),
    }
}

/// Polls `task` until `count` records came (or the timeout), then polls a little more to see
/// that nothing else comes.
fn poll_records(task: &mut dyn SourceTask, count: usize) -> Vec<Record> {
    let deadline = Instant::now() + TIMEOUT;
    let mut records = Vec::new();
    while records.len() < count {
        assert!(
            Instant::now() < deadline,
            "only {} of {count} records came within {TIMEOUT:?}",
            records.len()
        );
        let started = Instant::now();
        if let Some(batch) = task.poll().expect("poll succeeds") {
            records.extend(batch.records);
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "poll blocked for long"
        );
    }
    for _ in 0..5 {
        if let Some(batch) = task.poll().expect("poll succeeds") {
            records.extend(batch.records);
        }
    }
    records
}

fn source_offset(record: &Record) -> (SourceMap, SourceMap) {
    match &record.origin {
        Origin::Source { partition, offset } => ((**partition).clone(), offset.clone()),
        Origin::Sink { .. } => panic!("a source task made a sink record"),
    }
}

fn offset_of(record: &Record) -> i64 {
    match source_offset(record).1.get("offset") {
        Some(Value::Int64(offset)) => *offset,
        other => panic!("the source offset is {other:?}"),
    }
}

/// Checks `record` is a byte-exact copy of `expected`, renamed to `remote` and in the same
/// partition, and that ByteArrayConverter writes the same bytes back without copying them.
fn assert_copied(record: &Record, expected: &KafkaMessage, remote: &str) {
    assert_eq!(record.topic.as_str(), remote);
    assert_eq!(record.partition, expected.partition);
    assert_eq!(record.timestamp, expected.timestamp);
    for (schema, value, original) in [
        (&record.key_schema, &record.key, &expected.key),
        (&record.value_schema, &record.value, &expected.value),
    ] {
        let schema = schema.as_ref().expect("a BYTES schema");
        assert_eq!(schema.schema_type(), SchemaType::Bytes);
        assert!(schema.optional);
        assert_eq!(&bytes_of(value), original);
        let mut converter = ByteArrayConverter::default();
        let written = converter
            .to_bytes(remote, Some(schema), value)
            .expect("ByteArrayConverter takes the value");
        assert_eq!(&written, original);
        if let (Some(written), Some(Value::Bytes(read))) = (&written, Some(value)) {
            assert_eq!(
                written.as_ptr(),
                read.as_ptr(),
                "the converter copied the bytes"
            );
        }
    }
    let mut converter = ByteArrayConverter::default();
    let headers: Vec<(String, Option<Bytes>)> = record
        .headers
        .iter()
        .map(|header| {
            let written = converter
                .header_to_bytes(remote, &header.key, header.schema.as_ref(), &header.value)
                .expect("ByteArrayConverter takes the header");
            (header.key.as_str().to_owned(), written)
        })
        .collect();
    let original: Vec<(String, Option<Bytes>)> = expected
        .headers
        .iter()
        .map(|header| (header.key.as_str().to_owned(), header.value.clone()))
        .collect();
    assert_eq!(headers, original);
}

#[test]
fn mirror_source_copies_partitions_byte_exact_and_resumes_after_stored_offsets() {
    let bootstrap = bootstrap();
    let suffix = format!("{:016x}", fastrand::u64(..));
    let topic = format!("mirror-src-{suffix}");
    let remote = format!("src.{topic}");
    let admin = KafkaAdmin::new(&client_config(&bootstrap), TIMEOUT).expect("admin client");
    let mut spec = NewTopicSpec::new(topic.clone());
    spec.partitions = 2;
    admin.create_topic(&spec).expect("source topic created");
    // A topic that came from the target cluster: never copied back (cycle detection).
    admin
        .create_topic(&NewTopicSpec::new(format!("tgt.{topic}")))
        .expect("remote topic created");
    let producer = KafkaProducer::new(&client_config(&bootstrap)).expect("producer");
    let first: Vec<KafkaMessage> = (0..2)
        .flat_map(|partition| (0..5).map(move |index| (partition, index)))
        .map(|(partition, index)| message(&topic, partition, index))
        .collect();
    produce(&producer, &first);

    let config = raw(&[
        ("name", CONNECTOR),
        ("connector.class", "MirrorSourceConnector"),
        ("source.cluster.alias", "src"),
        ("target.cluster.alias", "tgt"),
        ("source.cluster.bootstrap.servers", &bootstrap),
        ("target.cluster.bootstrap.servers", &bootstrap),
        ("replication.factor", "-1"),
        ("topics", &format!(r"(tgt\.)?mirror-src-{suffix}")),
    ]);
    let mut connector = MirrorSourceConnector::default();
    connector.start(&config).expect("connector started");
    assert_eq!(
        connector.partitions(),
        &[
            TopicPartition::new(&topic, 0),
            TopicPartition::new(&topic, 1)
        ]
    );
    // The remote topic was created with the source's partition count (the broker would
    // auto-create it with 4).
    assert_eq!(
        admin.partitions(&remote).expect("described"),
        Some(vec![0, 1])
    );
    let tasks = connector.task_configs(4).expect("task configs");
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["task.assigned.partitions"], format!("{topic}-0"));
    assert_eq!(tasks[1]["task.assigned.partitions"], format!("{topic}-1"));

    let store = Arc::new(MemoryOffsetBackingStore::new());
    let context = |config: &RawConfig| SourceTaskContext {
        config: config.clone(),
        offset_reader: Arc::new(StoreOffsetReader::new(
            CONNECTOR,
            Arc::clone(&store) as Arc<dyn OffsetBackingStore>,
        )),
    };
    let mut copied = Vec::new();
    for task_config in &tasks {
        let mut task = connector.create_task();
        task.start(context(task_config)).expect("task started");
        copied.extend(poll_records(task.as_mut(), 5));
        task.stop();
    }
    assert_eq!(copied.len(), first.len(), "no record is read twice");
    for expected in &first {
        let partition = expected.partition.expect("produced to a partition");
        let index =
            expected.timestamp.expect("stamped") - BASE_TIMESTAMP - i64::from(partition) * 1000;
        let record = copied
            .iter()
            .find(|record| record.partition == Some(partition) && offset_of(record) == index)
            .unwrap_or_else(|| panic!("record {partition}/{index} was not copied"));
        assert_copied(record, expected, &remote);
    }

    // The source partition and offset are MM2's, down to the offset-store key bytes.
    let record = copied
        .iter()
        .find(|record| record.partition == Some(1) && offset_of(record) == 4)
        .expect("the last record of partition 1");
    let (partition, offset) = source_offset(record);
    let key = offset_key_bytes(CONNECTOR, &partition).expect("serialisable");
    assert_eq!(
        std::str::from_utf8(&key).expect("JSON"),
        format!(r#"["{CONNECTOR}",{{"cluster":"src","partition":1,"topic":"{topic}"}}]"#)
    );
    let value = offset_value_bytes(&offset).expect("serialisable");
    assert_eq!(&value[..], br#"{"offset":4}"#);

    // Commit everything of partition 0 and offsets 0..=2 of partition 1, add two records to
    // partition 0, and restart with one task for both partitions.
    let commits: Vec<(Bytes, Option<Bytes>)> = copied
        .iter()
        .filter(|record| record.partition == Some(0) || offset_of(record) <= 2)
        .map(|record| {
            let (partition, offset) = source_offset(record);
            (
                offset_key_bytes(CONNECTOR, &partition).expect("serialisable"),
                Some(offset_value_bytes(&offset).expect("serialisable")),
            )
        })
        .collect();
    store.set(&commits).expect("offsets stored");
    let more = [message(&topic, 0, 5), message(&topic, 0, 6)];
    produce(&producer, &more);

    let single = connector.task_configs(1).expect("task configs");
    assert_eq!(
        single[0]["task.assigned.partitions"],
        format!("{topic}-0,{topic}-1")
    );
    let mut task = connector.create_task();
    task.start(context(&single[0])).expect("task restarted");
    let resumed = poll_records(task.as_mut(), 4);
    task.stop();
    let mut positions: Vec<(i32, i64)> = resumed
        .iter()
        .map(|record| (record.partition.unwrap_or(-1), offset_of(record)))
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, vec![(0, 5), (0, 6), (1, 3), (1, 4)]);
    for expected in &more {
        let index = expected.timestamp.expect("stamped") - BASE_TIMESTAMP;
        let record = resumed
            .iter()
            .find(|record| record.partition == Some(0) && offset_of(record) == index)
            .expect("the new record was copied");
        assert_copied(record, expected, &remote);
    }
    connector.stop().expect("connector stopped");
    admin
        .delete_topics(&[
            topic.as_str(),
            remote.as_str(),
            format!("tgt.{topic}").as_str(),
        ])
        .expect("test topics deleted");
}

/// Reads `count` messages of `topic`'s partitions 0 and 1 from the beginning.
fn drain(bootstrap: &str, topic: &str, count: usize) -> Vec<KafkaMessage> {
    let consumer = KafkaConsumer::new(&client_config(bootstrap)).expect("consumer");
    consumer
        .assign(&[
            (TopicPartition::new(topic, 0), None),
            (TopicPartition::new(topic, 1), None),
        ])
        .expect("assigned");
    let deadline = Instant::now() + TIMEOUT;
    let mut messages = Vec::new();
    while messages.len() < count && Instant::now() < deadline {
        messages.extend(
            consumer
                .poll_batch(100, Duration::from_millis(200))
                .expect("consumed"),
        );
    }
    messages
}

/// The whole path a worker runs: the task's records go through ByteArrayConverter (key, value
/// and headers) and the producer to the remote topic, which then holds the source's bytes,
/// headers, timestamps and partitions unchanged.
#[test]
fn mirrored_records_reach_the_remote_topic_unchanged_through_the_worker_pipeline() {
    let bootstrap = bootstrap();
    let suffix = format!("{:016x}", fastrand::u64(..));
    let topic = format!("mirror-e2e-{suffix}");
    let remote = format!("src.{topic}");
    let admin = KafkaAdmin::new(&client_config(&bootstrap), TIMEOUT).expect("admin client");
    let mut spec = NewTopicSpec::new(topic.clone());
    spec.partitions = 2;
    admin.create_topic(&spec).expect("source topic created");
    let producer = KafkaProducer::new(&client_config(&bootstrap)).expect("producer");
    let sent: Vec<KafkaMessage> = (0..2)
        .flat_map(|partition| (0..5).map(move |index| (partition, index)))
        .map(|(partition, index)| message(&topic, partition, index))
        .collect();
    produce(&producer, &sent);

    let byte_array = "org.apache.kafka.connect.converters.ByteArrayConverter";
    let config = raw(&[
        ("name", CONNECTOR),
        (
            "connector.class",
            "org.apache.kafka.connect.mirror.MirrorSourceConnector",
        ),
        ("source.cluster.alias", "src"),
        ("source.cluster.bootstrap.servers", &bootstrap),
        ("target.cluster.bootstrap.servers", &bootstrap),
        ("replication.factor", "-1"),
        ("topics", &topic),
        ("key.converter", byte_array),
        ("value.converter", byte_array),
        ("header.converter", byte_array),
    ]);
    let mut connector = MirrorSourceConnector::default();
    connector.start(&config).expect("connector started");
    let task_config = connector
        .task_configs(1)
        .expect("task configs")
        .pop()
        .expect("one task");
    let store = Arc::new(MemoryOffsetBackingStore::new());
    let env = TaskEnvironment {
        worker: raw(&[("bootstrap.servers", &bootstrap)]),
        offset_flush_interval: Duration::from_millis(100),
        offset_flush_timeout: Duration::from_secs(5),
        converters: ConverterRegistry::builtin(),
        transforms: TransformRegistry::builtin(),
        predicates: PredicateRegistry::builtin(),
        offsets: Arc::clone(&store) as Arc<dyn OffsetBackingStore>,
        active_topics: ActiveTopics::default(),
    };
    let start = TaskStart {
        connector: CONNECTOR,
        task_id: 0,
        connector_config: &config,
        task_config,
    };
    let running = start_task(&env, start, TaskInstance::Source(connector.create_task()))
        .expect("task started");
    let copied = drain(&bootstrap, &remote, sent.len());
    // Offsets are committed after the acks; wait for the last of each partition.
    let last_offset = |partition: i32| {
        let mut source = SourceMap::new();
        source.insert("cluster".to_owned(), Value::from("src"));
        source.insert("partition".to_owned(), Value::Int32(partition));
        source.insert("topic".to_owned(), Value::from(topic.as_str()));
        let key = offset_key_bytes(CONNECTOR, &source).expect("serialisable");
        store
            .get(&[key])
            .expect("read")
            .first()
            .map(|(_, value)| value.clone())
    };
    let deadline = Instant::now() + TIMEOUT;
    while (0..2).any(|p| last_offset(p).as_deref() != Some(&br#"{"offset":4}"#[..])) {
        assert!(!running.is_finished(), "the task ended early");
        assert!(Instant::now() < deadline, "the offsets were not committed");
        std::thread::sleep(Duration::from_millis(50));
    }
    running.stop().expect("clean stop");
    connector.stop().expect("connector stopped");

    assert_eq!(copied.len(), sent.len(), "every record is copied once");
    for expected in &sent {
        let found = copied
            .iter()
            .find(|message| message.timestamp == expected.timestamp)
            .unwrap_or_else(|| panic!("{:?} was not copied", expected.timestamp));
        assert_eq!(found.topic.as_str(), remote);
        assert_eq!(found.partition, expected.partition);
        assert_eq!(found.key, expected.key);
        assert_eq!(found.value, expected.value);
        assert_eq!(found.headers, expected.headers);
    }
    admin
        .delete_topics(&[topic.as_str(), remote.as_str()])
        .expect("test topics deleted");
}

/// With `src.value.converter` (Confluent Replicator's key), the task hands on Connect data
/// read from the source bytes instead of the bytes; a record that converter cannot read fails
/// the task, naming the record, rather than being skipped.
#[test]
fn source_converters_read_the_source_bytes_as_connect_data() {
    let bootstrap = bootstrap();
    let topic = format!("mirror-json-{:016x}", fastrand::u64(..));
    let admin = KafkaAdmin::new(&client_config(&bootstrap), TIMEOUT).expect("admin client");
    admin
        .create_topic(&NewTopicSpec::new(topic.clone()))
        .expect("source topic created");
    let producer = KafkaProducer::new(&client_config(&bootstrap)).expect("producer");
    let json = |text: &'static str| {
        let mut message = KafkaMessage::new(
            topic.as_str(),
            Some(Bytes::from_static(b"key")),
            Some(Bytes::from_static(text.as_bytes())),
        )
        .with_header("origin", Some(Bytes::from_static(b"42")));
        message.partition = Some(0);
        message
    };
    produce(
        &producer,
        &[
            json(
                r#"{"schema":{"type":"struct","fields":[{"field":"id","type":"int32","optional":false}],"optional":false},"payload":{"id":7}}"#,
            ),
            json("{not json"),
        ],
    );

    let config = raw(&[
        ("name", CONNECTOR),
        ("connector.class", "MirrorSourceConnector"),
        ("source.cluster.alias", "src"),
        ("source.cluster.bootstrap.servers", &bootstrap),
        ("topics", &topic),
        (
            "src.value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("src.header.converter", "SimpleHeaderConverter"),
    ]);
    let mut connector = MirrorSourceConnector::default();
    connector.start(&config).expect("connector started");
    let tasks = connector.task_configs(1).expect("task configs");
    let mut task = connector.create_task();
    task.start(SourceTaskContext {
        config: tasks[0].clone(),
        offset_reader: Arc::new(StoreOffsetReader::new(
            CONNECTOR,
            Arc::new(MemoryOffsetBackingStore::new()) as Arc<dyn OffsetBackingStore>,
        )),
    })
    .expect("task started");

    let deadline = Instant::now() + TIMEOUT;
    let (first, error) = loop {
        assert!(Instant::now() < deadline, "no records within {TIMEOUT:?}");
        match task.poll() {
            Ok(Some(batch)) if !batch.is_empty() => {
                // The readable record comes alone or ahead of the failure in a later poll.
                let first = batch.records.into_iter().next().expect("a record");
                let error = loop {
                    assert!(Instant::now() < deadline, "the bad record never failed");
                    if let Err(error) = task.poll() {
                        break error;
                    }
                };
                break (first, error);
            }
            Ok(_) => {}
            Err(error) => panic!("the first record is readable, got {error}"),
        }
    };
    let Value::Struct(value) = &first.value else {
        panic!("expected a struct, got {:?}", first.value);
    };
    assert_eq!(value.get("id").ok(), Some(&Value::Int32(7)));
    assert_eq!(
        first
            .value_schema
            .as_ref()
            .map(|schema| schema.schema_type()),
        Some(SchemaType::Struct)
    );
    // No source key converter: the key stays bytes.
    assert_eq!(first.key, Value::Bytes(Bytes::from_static(b"key")));
    let header = first.headers.iter().next().expect("the header");
    assert_eq!(header.value, Value::Int8(42));
    let message = error.to_string();
    assert!(
        message.contains(&format!("{topic}-0@1")) && message.contains("source converter"),
        "{message}"
    );
    task.stop();
    connector.stop().expect("connector stopped");
    admin
        .delete_topics(&[topic.as_str()])
        .expect("test topic deleted");
}
