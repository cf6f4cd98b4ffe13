//! The sink pipeline against the real test broker, with a tiny in-test sink task.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_engine::connector::{ConnectError, SinkTask, SinkTaskContext, TopicPartition};
use sluice_engine::converters::StringConverter;
use sluice_engine::errors::{ErrorHandlingConfig, RetryWithTolerance};
use sluice_engine::kafka::{
    ClientRole, KafkaAdmin, KafkaConsumer, KafkaMessage, KafkaProducer, NewTopicSpec, TaskClient,
    task_client_config,
};
use sluice_engine::pipeline::{SinkClients, SinkPipeline, SinkPipelineConfig};
use sluice_engine::record::RecordBatch;
use sluice_engine::transforms::TransformChain;

use support::{raw, unique, worker_config};

const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Seen {
    values: Vec<String>,
    puts: usize,
}

/// Keeps every value put; with `fail_first`, the first `put` fails with a retriable error.
struct Collect {
    seen: Arc<Mutex<Seen>>,
    fail_first: bool,
}

impl SinkTask for Collect {
    fn start(&mut self, _context: SinkTaskContext) -> Result<(), ConnectError> {
        Ok(())
    }

    fn put(&mut self, batch: &RecordBatch) -> Result<(), ConnectError> {
        let mut seen = self.seen.lock().expect("test lock");
        seen.puts += 1;
        if self.fail_first && seen.puts == 1 {
            return Err(ConnectError::retriable("not yet"));
        }
        seen.values.extend(
            batch
                .records
                .iter()
                .map(|r| r.value.as_str().unwrap_or_default().to_owned()),
        );
        Ok(())
    }

    fn stop(&mut self) {}
}

/// String converters, no transforms, batches of 4 with one waiting.
fn pipeline_config(connector: &str, offset_flush_interval: Duration) -> SinkPipelineConfig {
    SinkPipelineConfig {
        connector: connector.to_owned(),
        task_id: 0,
        key_converter: Box::new(StringConverter::default()),
        value_converter: Box::new(StringConverter::default()),
        header_converter: Box::new(StringConverter::default()),
        transforms: TransformChain::default(),
        errors: RetryWithTolerance::new(ErrorHandlingConfig::default()),
        offset_flush_interval,
        max_batch: 4,
        channel_capacity: 1,
        active_topics: Default::default(),
    }
}

#[test]
fn sink_pipeline_puts_redelivers_after_retriable_failure_and_commits_what_was_put() {
    let worker = worker_config();
    let topic = unique("sink-in");
    let connector_name = unique("sink");
    let task_client = TaskClient {
        connector: &connector_name,
        task: 0,
    };
    let client = |role| task_client_config(role, &worker, &raw(&[]), task_client).expect("valid");
    let admin = KafkaAdmin::new(&client(ClientRole::Admin), TIMEOUT).expect("admin");
    let mut spec = NewTopicSpec::new(topic.clone());
    spec.partitions = 1;
    admin.create_topic(&spec).expect("created");
    let producer = KafkaProducer::new(&client(ClientRole::Producer)).expect("producer");
    let values: Vec<String> = (0..10).map(|i| format!("v{i}")).collect();
    let messages: Vec<_> = values
        .iter()
        .map(|v| KafkaMessage::new(topic.as_str(), None, Some(Bytes::from(v.clone()))))
        .collect();
    producer
        .send_and_wait(&messages, TIMEOUT)
        .expect("produced");

    let consumer = KafkaConsumer::new(&client(ClientRole::Consumer)).expect("consumer");
    consumer.subscribe(&[&topic]).expect("subscribed");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let config = pipeline_config(&connector_name, Duration::from_millis(200));
    let pipeline = SinkPipeline::start(
        Box::new(Collect {
            seen: Arc::clone(&seen),
            fail_first: true,
        }),
        SinkTaskContext::new(raw(&[]), None),
        config,
        SinkClients {
            consumer,
            dlq: None,
        },
    )
    .expect("started");

    let deadline = Instant::now() + TIMEOUT;
    while seen.lock().expect("test lock").values.len() < values.len() {
        assert!(!pipeline.is_finished(), "the pipeline ended early");
        assert!(Instant::now() < deadline, "not every record was put");
        std::thread::sleep(Duration::from_millis(20));
    }
    pipeline.stop().expect("clean stop");

    let seen = seen.lock().expect("test lock");
    assert_eq!(
        seen.values, values,
        "the failed batch was redelivered, in order"
    );
    assert!(seen.puts >= 2);

    let reader = KafkaConsumer::new(&client(ClientRole::Consumer)).expect("consumer");
    let partition = TopicPartition::new(topic.clone(), 0);
    assert_eq!(
        reader
            .committed(std::slice::from_ref(&partition), TIMEOUT)
            .expect("read"),
        [(partition, 10)].into_iter().collect()
    );
}

#[test]
fn revoked_partitions_are_committed_before_the_next_owner_takes_them() {
    let worker = worker_config();
    let topic = unique("sink-revoke");
    let connector_name = unique("sink-revoke");
    let task_client = TaskClient {
        connector: &connector_name,
        task: 0,
    };
    let client = |role| task_client_config(role, &worker, &raw(&[]), task_client).expect("valid");
    let admin = KafkaAdmin::new(&client(ClientRole::Admin), TIMEOUT).expect("admin");
    let mut spec = NewTopicSpec::new(topic.clone());
    spec.partitions = 2;
    admin.create_topic(&spec).expect("created");
    let producer = KafkaProducer::new(&client(ClientRole::Producer)).expect("producer");
    let messages: Vec<_> = (0..20)
        .map(|i| {
            let mut message =
                KafkaMessage::new(topic.as_str(), None, Some(Bytes::from(format!("v{i}"))));
            message.partition = Some(i % 2);
            message
        })
        .collect();
    producer
        .send_and_wait(&messages, TIMEOUT)
        .expect("produced");

    // No periodic commit during the test: only the revocation can commit.
    let consumer = KafkaConsumer::new(&client(ClientRole::Consumer)).expect("consumer");
    consumer.subscribe(&[&topic]).expect("subscribed");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let pipeline = SinkPipeline::start(
        Box::new(Collect {
            seen: Arc::clone(&seen),
            fail_first: false,
        }),
        SinkTaskContext::new(raw(&[]), None),
        pipeline_config(&connector_name, Duration::from_secs(3600)),
        SinkClients {
            consumer,
            dlq: None,
        },
    )
    .expect("started");
    let deadline = Instant::now() + TIMEOUT;
    while seen.lock().expect("test lock").values.len() < messages.len() {
        assert!(!pipeline.is_finished(), "the pipeline ended early");
        assert!(Instant::now() < deadline, "not every record was put");
        std::thread::sleep(Duration::from_millis(20));
    }

    // A second member of the connector's group: the rebalance revokes the task's partitions.
    let newcomer = KafkaConsumer::new(&client(ClientRole::Consumer)).expect("consumer");
    newcomer.subscribe(&[&topic]).expect("subscribed");
    let mut read_again = Vec::new();
    let deadline = Instant::now() + TIMEOUT;
    while newcomer.assignment().expect("assignment").is_empty() {
        assert!(
            Instant::now() < deadline,
            "the newcomer was never assigned a partition"
        );
        read_again.extend(
            newcomer
                .poll_batch(10, Duration::from_millis(100))
                .expect("polled"),
        );
    }
    let settle = Instant::now() + Duration::from_secs(2);
    while Instant::now() < settle {
        read_again.extend(
            newcomer
                .poll_batch(10, Duration::from_millis(100))
                .expect("polled"),
        );
    }
    let partitions = [
        TopicPartition::new(topic.clone(), 0),
        TopicPartition::new(topic.clone(), 1),
    ];
    let committed = newcomer.committed(&partitions, TIMEOUT).expect("read");
    pipeline.stop().expect("clean stop");

    assert_eq!(
        committed,
        partitions.iter().map(|p| (p.clone(), 10)).collect(),
        "the revoked partitions were committed as put"
    );
    assert!(
        read_again.is_empty(),
        "the next owner started before the commit and read {} records again",
        read_again.len()
    );
}
