//! The sink pipeline against the real test broker, with a tiny in-test sink task.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{ConnectError, SinkTask, SinkTaskContext, TopicPartition};
use sluice_engine::errors::{ErrorHandlingConfig, RetryWithTolerance};
use sluice_engine::kafka::{
    ClientRole, KafkaAdmin, KafkaClientConfig, KafkaConsumer, KafkaMessage, KafkaProducer,
    NewTopicSpec, TaskClient, task_client_config,
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

/// A topic on the test broker holding `v0`, `v1`, … (value `i` on partition `i % partitions`)
/// and the sink connector that reads it.
struct Setup {
    worker: RawConfig,
    topic: String,
    connector: String,
    values: Vec<String>,
}

impl Setup {
    fn new(prefix: &str, partitions: i32, records: usize) -> Self {
        let setup = Self {
            worker: worker_config(),
            topic: unique(&format!("{prefix}-in")),
            connector: unique(prefix),
            values: (0..records).map(|i| format!("v{i}")).collect(),
        };
        let admin = KafkaAdmin::new(&setup.client(ClientRole::Admin), TIMEOUT).expect("admin");
        let mut spec = NewTopicSpec::new(setup.topic.clone());
        spec.partitions = partitions;
        admin.create_topic(&spec).expect("created");
        let producer = KafkaProducer::new(&setup.client(ClientRole::Producer)).expect("producer");
        let messages: Vec<_> = (0..partitions)
            .cycle()
            .zip(&setup.values)
            .map(|(partition, value)| {
                let mut message =
                    KafkaMessage::new(setup.topic.as_str(), None, Some(Bytes::from(value.clone())));
                message.partition = Some(partition);
                message
            })
            .collect();
        producer
            .send_and_wait(&messages, TIMEOUT)
            .expect("produced");
        setup
    }

    /// The connector's client of `role` (consumers are in group `connect-<connector>`).
    fn client(&self, role: ClientRole) -> KafkaClientConfig {
        let task = TaskClient {
            connector: &self.connector,
            task: 0,
        };
        task_client_config(role, &self.worker, &raw(&[]), task).expect("valid")
    }

    fn partitions(&self, count: i32) -> Vec<TopicPartition> {
        (0..count)
            .map(|partition| TopicPartition::new(self.topic.clone(), partition))
            .collect()
    }

    /// Starts the pipeline with a [`Collect`] task and waits until every value was put.
    fn run_until_all_put(
        &self,
        seen: &Arc<Mutex<Seen>>,
        fail_first: bool,
        offset_flush_interval: Duration,
    ) -> SinkPipeline {
        let consumer = KafkaConsumer::new(&self.client(ClientRole::Consumer)).expect("consumer");
        consumer.subscribe(&[&self.topic]).expect("subscribed");
        let config = SinkPipelineConfig {
            connector: self.connector.clone(),
            task_id: 0,
            stages: support::string_stages(TransformChain::default()),
            errors: RetryWithTolerance::new(ErrorHandlingConfig::default()),
            offset_flush_interval,
            max_batch: 4,
            channel_capacity: 1,
            active_topics: Default::default(),
        };
        let pipeline = SinkPipeline::start(
            Box::new(Collect {
                seen: Arc::clone(seen),
                fail_first,
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
        while seen.lock().expect("test lock").values.len() < self.values.len() {
            assert!(!pipeline.is_finished(), "the pipeline ended early");
            assert!(Instant::now() < deadline, "not every record was put");
            std::thread::sleep(Duration::from_millis(20));
        }
        pipeline
    }
}

#[test]
fn sink_pipeline_puts_redelivers_after_retriable_failure_and_commits_what_was_put() {
    let setup = Setup::new("sink", 1, 10);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let pipeline = setup.run_until_all_put(&seen, true, Duration::from_millis(200));
    pipeline.stop().expect("clean stop");

    let seen = seen.lock().expect("test lock");
    assert_eq!(
        seen.values, setup.values,
        "the failed batch was redelivered, in order"
    );
    assert!(seen.puts >= 2);

    let reader = KafkaConsumer::new(&setup.client(ClientRole::Consumer)).expect("consumer");
    let partitions = setup.partitions(1);
    assert_eq!(
        reader.committed(&partitions, TIMEOUT).expect("read"),
        partitions.into_iter().map(|p| (p, 10)).collect()
    );
}

#[test]
fn revoked_partitions_are_committed_before_the_next_owner_takes_them() {
    let setup = Setup::new("sink-revoke", 2, 20);
    let seen = Arc::new(Mutex::new(Seen::default()));
    // No periodic commit during the test: only the revocation can commit.
    let pipeline = setup.run_until_all_put(&seen, false, Duration::from_secs(3600));

    // A second member of the connector's group: the rebalance revokes the task's partitions.
    let newcomer = KafkaConsumer::new(&setup.client(ClientRole::Consumer)).expect("consumer");
    newcomer.subscribe(&[&setup.topic]).expect("subscribed");
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
    let partitions = setup.partitions(2);
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
