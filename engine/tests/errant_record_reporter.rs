//! The sink pipeline's errant record reporter (KIP-610) against the real test broker: a task
//! reports a record it cannot write; the original consumed record reaches the DLQ with the
//! `__connect.errors.*` headers, and with `errors.tolerance=none` the task fails.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{ConnectError, SinkTask, SinkTaskContext, TopicPartition};
use sluice_engine::errors::{ErrorHandlingConfig, RetryWithTolerance, Stage, Tolerance};
use sluice_engine::kafka::{
    ClientRole, KafkaAdmin, KafkaConsumer, KafkaMessage, KafkaProducer, NewTopicSpec, TaskClient,
    task_client_config,
};
use sluice_engine::pipeline::{
    DeadLetterQueue, PipelineError, SinkClients, SinkPipeline, SinkPipelineConfig,
};
use sluice_engine::record::RecordBatch;
use sluice_engine::transforms::TransformChain;

use support::{raw, unique, worker_config};

const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Seen {
    /// Whether the context offered a reporter at start.
    had_reporter: Option<bool>,
    written: Vec<String>,
    reported: Vec<String>,
}

/// Writes every value except `bad`, which it reports through the errant record reporter.
struct ReportBad {
    context: Option<SinkTaskContext>,
    seen: Arc<Mutex<Seen>>,
}

impl SinkTask for ReportBad {
    fn start(&mut self, context: SinkTaskContext) -> Result<(), ConnectError> {
        self.seen.lock().expect("test lock").had_reporter =
            Some(context.errant_record_reporter().is_some());
        self.context = Some(context);
        Ok(())
    }

    fn put(&mut self, batch: &RecordBatch) -> Result<(), ConnectError> {
        let reporter = self
            .context
            .as_ref()
            .and_then(SinkTaskContext::errant_record_reporter);
        for record in &batch.records {
            let value = record.value.as_str().unwrap_or_default().to_owned();
            if value != "bad" {
                self.seen.lock().expect("test lock").written.push(value);
                continue;
            }
            self.seen.lock().expect("test lock").reported.push(value);
            if let Some(reporter) = &reporter {
                reporter.report(record, &ConnectError::fatal("cannot write bad"))?;
            }
        }
        Ok(())
    }

    fn stop(&mut self) {}
}

struct Setup {
    topic: String,
    connector: String,
    worker: RawConfig,
}

impl Setup {
    /// A one-partition topic holding `ok0`, `bad` (key `k1`, header `h=v`), `ok2`.
    fn new() -> Self {
        let setup = Self {
            topic: unique("errant-in"),
            connector: unique("errant"),
            worker: worker_config(),
        };
        let admin = KafkaAdmin::new(&setup.client(ClientRole::Admin), TIMEOUT).expect("admin");
        let mut spec = NewTopicSpec::new(setup.topic.clone());
        spec.partitions = 1;
        admin.create_topic(&spec).expect("created");
        let producer = KafkaProducer::new(&setup.client(ClientRole::Producer)).expect("producer");
        let topic = setup.topic.as_str();
        let messages = [
            KafkaMessage::new(topic, None, Some(Bytes::from_static(b"ok0"))),
            KafkaMessage::new(
                topic,
                Some(Bytes::from_static(b"k1")),
                Some(Bytes::from_static(b"bad")),
            )
            .with_header("h", Some(Bytes::from_static(b"v"))),
            KafkaMessage::new(topic, None, Some(Bytes::from_static(b"ok2"))),
        ];
        producer
            .send_and_wait(&messages, TIMEOUT)
            .expect("produced");
        setup
    }

    fn client(&self, role: ClientRole) -> sluice_engine::kafka::KafkaClientConfig {
        let task = TaskClient {
            connector: &self.connector,
            task: 0,
        };
        task_client_config(role, &self.worker, &raw(&[]), task).expect("valid client config")
    }

    fn start(
        &self,
        errors: ErrorHandlingConfig,
        dlq: Option<DeadLetterQueue>,
        seen: &Arc<Mutex<Seen>>,
    ) -> SinkPipeline {
        let consumer = KafkaConsumer::new(&self.client(ClientRole::Consumer)).expect("consumer");
        consumer.subscribe(&[&self.topic]).expect("subscribed");
        let config = SinkPipelineConfig {
            connector: self.connector.clone(),
            task_id: 0,
            stages: support::string_stages(TransformChain::default()),
            errors: RetryWithTolerance::new(errors),
            offset_flush_interval: Duration::from_millis(200),
            max_batch: 10,
            channel_capacity: 1,
            active_topics: Default::default(),
        };
        let task = ReportBad {
            context: None,
            seen: Arc::clone(seen),
        };
        SinkPipeline::start(
            Box::new(task),
            SinkTaskContext::new(raw(&[]), None),
            config,
            SinkClients { consumer, dlq },
        )
        .expect("started")
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn header<'a>(message: &'a KafkaMessage, key: &str) -> Option<&'a str> {
    message
        .headers
        .iter()
        .find(|header| header.key.as_str() == key)
        .and_then(|header| header.value.as_deref())
        .and_then(|value| std::str::from_utf8(value).ok())
}

#[test]
fn reported_record_goes_to_the_dlq_as_consumed_with_context_headers() {
    let setup = Setup::new();
    let dlq_topic = unique("errant-dlq");
    let admin = KafkaAdmin::new(&setup.client(ClientRole::Admin), TIMEOUT).expect("admin");
    let producer = KafkaProducer::new(&setup.client(ClientRole::Producer)).expect("producer");
    let dlq = DeadLetterQueue::new(producer, &admin, dlq_topic.clone(), 1, true).expect("dlq");
    let errors = ErrorHandlingConfig {
        tolerance: Tolerance::All,
        dlq_topic: Some(dlq_topic.clone()),
        dlq_replication_factor: 1,
        dlq_context_headers: true,
        ..Default::default()
    };
    let seen = Arc::new(Mutex::new(Seen::default()));
    let pipeline = setup.start(errors, Some(dlq), &seen);
    wait_until("all three records to be put", || {
        let seen = seen.lock().expect("test lock");
        seen.written.len() + seen.reported.len() == 3
    });
    // Let a commit run after the report.
    std::thread::sleep(Duration::from_millis(600));
    pipeline
        .stop()
        .expect("a tolerated report does not fail the task");
    {
        let seen = seen.lock().expect("test lock");
        assert_eq!(seen.had_reporter, Some(true));
        assert_eq!(seen.written, ["ok0", "ok2"]);
    }

    let reader = KafkaConsumer::new(&support::client_config()).expect("consumer");
    reader
        .assign(&[(TopicPartition::new(dlq_topic.as_str(), 0), None)])
        .expect("assigned");
    let mut dead = Vec::new();
    wait_until("the DLQ record", || {
        dead.extend(
            reader
                .poll_batch(10, Duration::from_millis(200))
                .expect("consumed"),
        );
        !dead.is_empty()
    });
    let message = &dead[0];
    assert_eq!(message.key.as_deref(), Some(&b"k1"[..]));
    assert_eq!(message.value.as_deref(), Some(&b"bad"[..]));
    let expected = [
        ("h", "v"),
        ("__connect.errors.topic", setup.topic.as_str()),
        ("__connect.errors.partition", "0"),
        ("__connect.errors.offset", "1"),
        ("__connect.errors.connector.name", setup.connector.as_str()),
        ("__connect.errors.task.id", "0"),
        ("__connect.errors.stage", "TASK_PUT"),
        (
            "__connect.errors.class.name",
            "org.apache.kafka.connect.sink.SinkTask",
        ),
        (
            "__connect.errors.exception.class.name",
            "org.apache.kafka.connect.errors.ConnectException",
        ),
        ("__connect.errors.exception.message", "cannot write bad"),
    ];
    for (key, value) in expected {
        assert_eq!(header(message, key), Some(value), "header {key}");
    }

    let committed = KafkaConsumer::new(&setup.client(ClientRole::Consumer))
        .expect("consumer")
        .committed(&[TopicPartition::new(setup.topic.as_str(), 0)], TIMEOUT)
        .expect("read");
    assert_eq!(
        committed.get(&TopicPartition::new(setup.topic.as_str(), 0)),
        Some(&3)
    );
}

#[test]
fn reported_record_fails_the_task_under_tolerance_none() {
    let setup = Setup::new();
    let errors = ErrorHandlingConfig {
        log_enable: true,
        ..Default::default()
    };
    let seen = Arc::new(Mutex::new(Seen::default()));
    let pipeline = setup.start(errors, None, &seen);
    wait_until("the task to fail", || pipeline.is_finished());
    let error = pipeline.stop().expect_err("the report fails the task");
    assert!(
        matches!(
            error,
            PipelineError::ToleranceExceeded {
                stage: Stage::TaskPut,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("Tolerance exceeded in error handler"),
        "{error}"
    );
    let seen = seen.lock().expect("test lock");
    assert_eq!(
        seen.had_reporter,
        Some(true),
        "errors.log.enable gives a reporter"
    );
    assert_eq!(seen.reported, ["bad"]);
}

#[test]
fn no_reporter_without_a_dlq_or_error_logging() {
    let setup = Setup::new();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let pipeline = setup.start(ErrorHandlingConfig::default(), None, &seen);
    wait_until("the task to start", || {
        seen.lock().expect("test lock").had_reporter.is_some()
    });
    pipeline.stop().expect("clean stop");
    assert_eq!(seen.lock().expect("test lock").had_reporter, Some(false));
}
