//! The Kafka client wrappers against the real test broker: produce/consume round trips and
//! topic creation from `topic.creation.*` groups.

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_engine::connector::TopicPartition;
use sluice_engine::kafka::{
    ClientRole, CreateOutcome, KafkaAdmin, KafkaConsumer, KafkaHeader, KafkaMessage, KafkaProducer,
    NewTopicSpec, TaskClient, TopicCreation, task_client_config,
};
use sluice_engine::record::TimestampType;

use support::{bootstrap, raw, unique, worker_config};

const TIMEOUT: Duration = Duration::from_secs(20);

fn admin() -> KafkaAdmin {
    let config = task_client_config(
        ClientRole::Admin,
        &worker_config(),
        &raw(&[]),
        TaskClient {
            connector: "test",
            task: 0,
        },
    )
    .expect("valid admin config");
    KafkaAdmin::new(&config, TIMEOUT).expect("admin client")
}

fn consume(consumer: &KafkaConsumer, count: usize) -> Vec<KafkaMessage> {
    let deadline = Instant::now() + TIMEOUT;
    let mut messages = Vec::new();
    while messages.len() < count {
        assert!(
            Instant::now() < deadline,
            "only {} of {count} messages consumed",
            messages.len()
        );
        messages.extend(
            consumer
                .poll_batch(count - messages.len(), Duration::from_millis(200))
                .expect("consumed"),
        );
    }
    messages
}

#[test]
fn produce_consume_round_trip_keeps_keys_values_headers_and_nulls() {
    bootstrap();
    let topic = unique("round-trip");
    let mut spec = NewTopicSpec::new(topic.clone());
    spec.partitions = 1;
    assert_eq!(
        admin().create_topic(&spec).expect("created"),
        CreateOutcome::Created
    );

    let task = TaskClient {
        connector: "round-trip",
        task: 0,
    };
    let producer_config =
        task_client_config(ClientRole::Producer, &worker_config(), &raw(&[]), task)
            .expect("valid producer config");
    let producer = KafkaProducer::new(&producer_config).expect("producer");
    let mut with_headers = KafkaMessage::new(
        topic.as_str(),
        Some(Bytes::from_static(b"k1")),
        Some(Bytes::from_static(b"v1")),
    )
    .with_header("trace", Some(Bytes::from_static(b"abc")))
    .with_header("empty", None)
    .with_header("trace", Some(Bytes::from_static(b"def")));
    with_headers.timestamp = Some(1_700_000_000_000);
    let sent = vec![
        with_headers,
        KafkaMessage::new(topic.as_str(), None, Some(Bytes::from_static(b"no key"))),
        KafkaMessage::new(topic.as_str(), Some(Bytes::from_static(b"gone")), None),
    ];
    let written = producer
        .send_and_wait(&sent, TIMEOUT)
        .expect("acknowledged");
    let offsets: Vec<_> = written.iter().map(|w| (w.partition, w.offset)).collect();
    assert_eq!(offsets, [(0, 0), (0, 1), (0, 2)]);

    let consumer_config = task_client_config(
        ClientRole::Consumer,
        &worker_config(),
        &raw(&[("consumer.override.group.id", &unique("round-trip-group"))]),
        task,
    )
    .expect("valid consumer config");
    let consumer = KafkaConsumer::new(&consumer_config).expect("consumer");
    consumer.subscribe(&[&topic]).expect("subscribed");
    let received = consume(&consumer, 3);

    let first = &received[0];
    assert_eq!(first.topic.as_str(), topic);
    assert_eq!((first.partition, first.offset), (Some(0), Some(0)));
    assert_eq!(first.key.as_deref(), Some(&b"k1"[..]));
    assert_eq!(first.value.as_deref(), Some(&b"v1"[..]));
    assert_eq!(first.timestamp, Some(1_700_000_000_000));
    assert_eq!(first.timestamp_type, TimestampType::CreateTime);
    assert_eq!(
        first.headers,
        [
            KafkaHeader {
                key: "trace".into(),
                value: Some(Bytes::from_static(b"abc"))
            },
            KafkaHeader {
                key: "empty".into(),
                value: None
            },
            KafkaHeader {
                key: "trace".into(),
                value: Some(Bytes::from_static(b"def"))
            },
        ]
    );
    assert_eq!(received[1].key, None);
    assert_eq!(received[1].value.as_deref(), Some(&b"no key"[..]));
    assert_eq!(received[2].key.as_deref(), Some(&b"gone"[..]));
    assert_eq!(received[2].value, None, "a tombstone stays a tombstone");

    let partition = TopicPartition::new(topic.clone(), 0);
    consumer
        .commit(&[(partition.clone(), 3)].into_iter().collect())
        .expect("committed");
    assert_eq!(
        consumer
            .committed(std::slice::from_ref(&partition), TIMEOUT)
            .expect("read"),
        [(partition, 3)].into_iter().collect()
    );
}

#[test]
fn topic_creation_groups_create_topics_with_their_partitions() {
    bootstrap();
    let admin = admin();
    let run = unique("tc");
    let compacted = format!("{run}-compacted-a");
    let plain = format!("{run}-plain");
    let connector = raw(&[
        ("topic.creation.groups", "compacted"),
        ("topic.creation.default.partitions", "2"),
        ("topic.creation.default.replication.factor", "-1"),
        (
            "topic.creation.compacted.include",
            &format!("{run}-compacted-.*"),
        ),
        ("topic.creation.compacted.partitions", "5"),
        ("topic.creation.compacted.cleanup.policy", "compact"),
    ]);
    let mut creation = TopicCreation::from_config(&worker_config(), &connector)
        .expect("valid")
        .expect("enabled");

    assert_eq!(
        creation.maybe_create(&admin, &compacted).expect("created"),
        Some(CreateOutcome::Created)
    );
    assert_eq!(
        creation.maybe_create(&admin, &compacted).expect("known"),
        None,
        "a topic is created once per task"
    );
    assert_eq!(
        creation.maybe_create(&admin, &plain).expect("created"),
        Some(CreateOutcome::Created)
    );

    let partitions = |topic: &str| {
        let mut ids = admin.partitions(topic).expect("described").expect("exists");
        ids.sort_unstable();
        ids
    };
    assert_eq!(partitions(&compacted), [0, 1, 2, 3, 4]);
    assert_eq!(partitions(&plain), [0, 1]);
    let configs = admin.topic_configs(&compacted).expect("described");
    assert_eq!(
        configs.get("cleanup.policy").map(String::as_str),
        Some("compact")
    );

    // A second task finds the topic already there.
    let mut other_task = TopicCreation::from_config(&worker_config(), &connector)
        .expect("valid")
        .expect("enabled");
    assert_eq!(
        other_task.maybe_create(&admin, &compacted).expect("exists"),
        Some(CreateOutcome::AlreadyExists)
    );
}
