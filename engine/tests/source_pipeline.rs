//! The source pipeline against the real test broker, with a tiny in-test source task.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_codecs::Value;
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{
    ConnectError, SourceTask, SourceTaskContext, TopicPartition, WrittenRecord,
};
use sluice_engine::errors::{ErrorHandlingConfig, RetryWithTolerance, Tolerance};
use sluice_engine::kafka::{
    ClientRole, KafkaAdmin, KafkaConsumer, KafkaMessage, KafkaProducer, TaskClient, TopicCreation,
    task_client_config,
};
use sluice_engine::offsets::{
    MemoryOffsetBackingStore, OffsetBackingStore, StoreOffsetReader, offset_key_bytes,
};
use sluice_engine::pipeline::{
    DeadLetterQueue, SourceClients, SourcePipeline, SourcePipelineConfig,
};
use sluice_engine::record::{Record, RecordBatch, SourceMap};
use sluice_engine::transforms::{Outcome, Transform, TransformChain, TransformError};

use support::{raw, unique, worker_config};

const TIMEOUT: Duration = Duration::from_secs(30);

fn file_partition() -> SourceMap {
    [("file".to_owned(), Value::string("a.txt"))]
        .into_iter()
        .collect()
}

/// The line and landing place of each record `commit_record` was called for.
type Committed = Arc<Mutex<Vec<(String, Option<WrittenRecord>)>>>;

/// Emits `lines` once, in batches of three, as records of `topic` at positions 1, 2, …
struct LinesTask {
    topic: String,
    lines: Vec<&'static str>,
    next: usize,
    committed: Committed,
}

impl SourceTask for LinesTask {
    fn start(&mut self, _context: SourceTaskContext) -> Result<(), ConnectError> {
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        if self.next >= self.lines.len() {
            std::thread::sleep(Duration::from_millis(5));
            return Ok(None);
        }
        let end = (self.next + 3).min(self.lines.len());
        let records = (self.next..end)
            .map(|i| {
                let offset = [("position".to_owned(), Value::Int64(i as i64 + 1))]
                    .into_iter()
                    .collect();
                Record::source(self.topic.as_str(), file_partition(), offset)
                    .with_value(None, Value::string(self.lines[i]))
            })
            .collect();
        self.next = end;
        Ok(Some(RecordBatch::new(records)))
    }

    fn commit_record(
        &mut self,
        record: &Record,
        written: Option<WrittenRecord>,
    ) -> Result<(), ConnectError> {
        let line = record.value.as_str().unwrap_or_default().to_owned();
        self.committed
            .lock()
            .expect("test lock")
            .push((line, written));
        Ok(())
    }

    fn stop(&mut self) {}
}

/// Fails on the value `bad`, drops the value `skip`.
struct Picky;

impl Transform for Picky {
    fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
        match record.value.as_str() {
            Some("bad") => Err(TransformError::data("bad line")),
            Some("skip") => Ok(Outcome::Drop),
            _ => Ok(Outcome::Keep),
        }
    }
}

fn drain(topic: &str, count: usize) -> Vec<KafkaMessage> {
    let consumer = KafkaConsumer::new(&support::client_config()).expect("consumer");
    consumer
        .assign(&[(TopicPartition::new(topic, 0), None)])
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

#[test]
fn source_pipeline_produces_commits_acked_offsets_and_routes_failures_to_the_dlq() {
    let worker = worker_config();
    let topic = unique("source-out");
    let dlq_topic = unique("source-dlq");
    let task_client = TaskClient {
        connector: "lines",
        task: 0,
    };
    let connector: RawConfig = raw(&[
        ("topic.creation.default.partitions", "1"),
        ("topic.creation.default.replication.factor", "-1"),
    ]);
    let client = |role| task_client_config(role, &worker, &connector, task_client).expect("valid");
    let admin = KafkaAdmin::new(&client(ClientRole::Admin), TIMEOUT).expect("admin");
    let dlq = DeadLetterQueue::new(
        KafkaProducer::new(&client(ClientRole::Producer)).expect("dlq producer"),
        &admin,
        dlq_topic.clone(),
        -1,
        true,
    )
    .expect("dlq");
    let clients = SourceClients {
        producer: KafkaProducer::new(&client(ClientRole::Producer)).expect("producer"),
        admin: Some(admin),
        topic_creation: TopicCreation::from_config(&worker, &connector).expect("valid"),
        dlq: Some(dlq),
    };
    let mut transforms = TransformChain::default();
    transforms.push("picky", Box::new(Picky));
    let config = SourcePipelineConfig {
        connector: "lines".to_owned(),
        task_id: 0,
        stages: support::string_stages(transforms),
        errors: RetryWithTolerance::new(ErrorHandlingConfig {
            tolerance: Tolerance::All,
            ..Default::default()
        }),
        offset_flush_interval: Duration::from_millis(100),
        offset_flush_timeout: Duration::from_secs(5),
        channel_capacity: 2,
        active_topics: Default::default(),
    };
    let store: Arc<dyn OffsetBackingStore> = Arc::new(MemoryOffsetBackingStore::new());
    let committed = Arc::new(Mutex::new(Vec::new()));
    let lines = vec!["one", "two", "bad", "three", "skip", "four", "five"];
    let task = LinesTask {
        topic: topic.clone(),
        lines: lines.clone(),
        next: 0,
        committed: Arc::clone(&committed),
    };
    let context = SourceTaskContext {
        config: connector.clone(),
        offset_reader: Arc::new(StoreOffsetReader::new("lines", Arc::clone(&store))),
    };
    let pipeline =
        SourcePipeline::start(Box::new(task), context, config, clients, Arc::clone(&store))
            .expect("started");

    let deadline = Instant::now() + TIMEOUT;
    while committed.lock().expect("test lock").len() < lines.len() {
        assert!(!pipeline.is_finished(), "the pipeline ended early");
        assert!(
            Instant::now() < deadline,
            "not every record was acknowledged"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pipeline.stop().expect("clean stop");

    let committed = committed.lock().expect("test lock").clone();
    // As in Kafka, a dropped record is reported at once, before earlier records are acked:
    // only each record's own outcome is fixed, not the order of the calls.
    let mut acked: Vec<_> = committed
        .iter()
        .map(|(line, written)| (line.as_str(), written.map(|w| w.offset)))
        .collect();
    acked.sort_by_key(|(line, _)| lines.iter().position(|l| l == line));
    assert_eq!(
        acked,
        [
            ("one", Some(0)),
            ("two", Some(1)),
            ("bad", None),
            ("three", Some(2)),
            ("skip", None),
            ("four", Some(3)),
            ("five", Some(4)),
        ]
    );

    let produced: Vec<_> = drain(&topic, 5)
        .into_iter()
        .map(|m| m.value.unwrap_or_default())
        .collect();
    assert_eq!(
        produced,
        ["one", "two", "three", "four", "five"].map(|line| Bytes::from_static(line.as_bytes()))
    );

    let key = offset_key_bytes("lines", &file_partition()).expect("key");
    assert_eq!(
        store.get(&[key]).expect("read")[0].1,
        Bytes::from_static(br#"{"position":7}"#)
    );

    let dead = drain(&dlq_topic, 1);
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].value.as_deref(), Some(&b"bad"[..]));
    let header = |name: &str| {
        dead[0]
            .headers
            .iter()
            .find(|h| h.key.as_str() == name)
            .and_then(|h| h.value.clone())
    };
    assert_eq!(
        header("__connect.errors.stage"),
        Some(Bytes::from_static(b"TRANSFORMATION"))
    );
    assert_eq!(
        header("__connect.errors.topic"),
        Some(Bytes::from(topic.clone()))
    );
    assert_eq!(
        header("__connect.errors.connector.name"),
        Some(Bytes::from_static(b"lines"))
    );
}
