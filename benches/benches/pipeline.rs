//! `cargo bench -p sluice-benches --bench pipeline`: what the source and sink pipelines cost
//! on top of the channel they are built around (issue 4: "the source and sink pipelines with
//! ByteArray converters move ≥ 90% of what the raw channel alone moves in the same bench").
//!
//! The pipelines are wired to the engine's rdkafka clients ([`KafkaProducer`],
//! [`KafkaConsumer`]), so both functions of each group run against the same Kafka: the
//! embedded broker (librdkafka's mock cluster, in process), with the same client settings
//! (`task_client_config`, Kafka Connect's producer and consumer defaults). What differs is only
//! what sits between the task end and the Kafka end:
//!
//! - group `source_pipeline`: [`RECORDS`] pre-built source records of ~100 B (a 10-byte key and
//!   a 90-byte value, `BYTES`, with a source partition and offset each), in batches of
//!   [`SOURCE_BATCH`].
//!   - `sluice`: [`SourcePipeline`] with `ByteArrayConverter` key and value, no transforms: a
//!     task returns the batches from `poll`, and the clock stops when its `commit_record` has
//!     seen every record acknowledged.
//!   - `raw_channel`: one thread takes the key and value bytes of the same records into
//!     [`KafkaMessage`]s and sends the batches over a bounded crossbeam channel of the same
//!     capacity to a second thread, which produces them with a [`KafkaProducer`] and counts
//!     delivery reports until every record is acknowledged. It serves delivery reports as
//!     the pipeline's send thread does (after each batch, and at least every millisecond
//!     while records are in flight), so the two differ by the pipeline's own work.
//! - group `sink_pipeline`: a topic of [`SINK_PARTITIONS`] partitions filled once with
//!   [`RECORDS`] such records, read from the beginning by an assigned consumer.
//!   - `sluice`: [`SinkPipeline`] with `ByteArrayConverter` key and value, no transforms; the
//!     clock stops when the task's `put` has been given every record.
//!   - `raw_channel`: one thread polls batches of the same size with a [`KafkaConsumer`] and
//!     sends them over a bounded channel of the same capacity to a second thread that counts
//!     them.
//!
//! Each iteration creates its clients untimed and connects them (one acknowledged message, or
//! the partitions' watermarks), then times from starting the threads to the last record
//! arriving; stopping (the final offset commit) is untimed. Each iteration checks that exactly
//! [`RECORDS`] records arrived, all of them written.
//!
//! Both run with the allocator of the `sluice` binary (mimalloc, `no_thp`), since the
//! pipelines allocate and free across threads and that is what they run with in production.
//!
//! With `SLUICE_BENCH_PAIRS=N` the binary then runs N pairs, raw channel and pipeline back
//! to back, and prints the median of the per-pair ratios (see [`paired`]): a steadier figure
//! than two criterion estimates taken seconds apart.
//!
//! The baseline carries the Kafka client cost too, so the ratio says how much of a Kafka-bound
//! task's throughput the pipeline keeps — its own per-record work (converters, source offsets,
//! acknowledgement bookkeeping, metrics) and its waits — not how fast the pipeline would be
//! against an in-memory client.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use sluice_codecs::Value;
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{
    ConnectError, SinkTask, SinkTaskContext, SourceTask, SourceTaskContext, TopicPartition,
    WrittenRecord,
};
use sluice_engine::converters::{ByteArrayConverter, SimpleHeaderConverter};
use sluice_engine::errors::{ErrorHandlingConfig, RetryWithTolerance};
use sluice_engine::kafka::{
    ClientRole, EmbeddedBroker, KafkaClientConfig, KafkaConsumer, KafkaMessage, KafkaProducer,
    TaskClient, resolve_embedded_bootstrap, task_client_config,
};
use sluice_engine::offsets::{MemoryOffsetBackingStore, OffsetBackingStore, StoreOffsetReader};
use sluice_engine::pipeline::{
    RecordStages, SinkClients, SinkPipeline, SinkPipelineConfig, SourceClients, SourcePipeline,
    SourcePipelineConfig,
};
use sluice_engine::record::{Record, RecordBatch, SourcePartition};
use sluice_engine::transforms::TransformChain;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Records moved per iteration.
const RECORDS: usize = 40_000;
/// Records per source `poll`.
const SOURCE_BATCH: usize = 1000;
/// Most records per sink batch (the engine's `SINK_MAX_BATCH`).
const SINK_MAX_BATCH: usize = 2000;
/// Batches waiting between the two threads (the engine's `CHANNEL_CAPACITY`).
const CHANNEL_CAPACITY: usize = 4;
/// Partitions of the sink bench's topic: the mock cluster keeps ~100 k messages or 5 MiB per
/// partition, so the records are spread to stay well under both.
const SINK_PARTITIONS: i32 = 4;
const KEY_BYTES: usize = 10;
const VALUE_BYTES: usize = 90;
const TIMEOUT: Duration = Duration::from_secs(120);
const CONNECTOR: &str = "bench";

/// The worker config: `bootstrap.servers=embedded`, resolved to the mock cluster.
fn worker() -> RawConfig {
    let mut worker: RawConfig = [("bootstrap.servers".to_owned(), "embedded".to_owned())]
        .into_iter()
        .collect();
    resolve_embedded_bootstrap(&mut worker).expect("the embedded broker starts");
    worker
}

/// A task client config with Kafka Connect's defaults for `role`, as the engine builds it.
/// ByteArray converters for keys and values, SimpleHeaderConverter, no transforms.
fn byte_array_stages() -> RecordStages {
    RecordStages {
        key_converter: Box::new(ByteArrayConverter::default()),
        value_converter: Box::new(ByteArrayConverter::default()),
        header_converter: Box::new(SimpleHeaderConverter::default()),
        transforms: TransformChain::default(),
    }
}

fn client(worker: &RawConfig, role: ClientRole) -> KafkaClientConfig {
    let task = TaskClient {
        connector: CONNECTOR,
        task: 0,
    };
    task_client_config(role, worker, &RawConfig::new(), task).expect("a valid client config")
}

fn payload(index: usize, len: usize, fill: u8) -> Bytes {
    let mut bytes = vec![fill; len];
    let digits = index.to_string();
    let tail = len.saturating_sub(digits.len());
    bytes[tail..].copy_from_slice(&digits.as_bytes()[..len - tail]);
    Bytes::from(bytes)
}

/// The bench's source records, in batches: key and value bytes, one source partition, the
/// position as offset.
fn source_batches(topic: &str) -> Vec<RecordBatch> {
    let partition = SourcePartition::new(
        [("bench".to_owned(), Value::string("pipeline"))]
            .into_iter()
            .collect(),
    );
    let records: Vec<Record> = (0..RECORDS)
        .map(|i| {
            let offset = [("position".to_owned(), Value::Int64(i as i64))]
                .into_iter()
                .collect();
            Record::source(topic, partition.clone(), offset)
                .with_key(None, Value::Bytes(payload(i, KEY_BYTES, b'k')))
                .with_value(None, Value::Bytes(payload(i, VALUE_BYTES, b'v')))
        })
        .collect();
    records
        .chunks(SOURCE_BATCH)
        .map(|chunk| RecordBatch::new(chunk.to_vec()))
        .collect()
}

/// A producer that has connected: one acknowledged message to `topic`.
fn connected_producer(config: &KafkaClientConfig, topic: &str) -> KafkaProducer {
    let producer = KafkaProducer::new(config).expect("a producer");
    let hello = KafkaMessage::new(topic, None, Some(Bytes::from_static(b"warm-up")));
    producer
        .send_and_wait(&[hello], TIMEOUT)
        .expect("the warm-up message is acknowledged");
    producer
}

/// Returns the pre-built batches from `poll`; reports the number of records acknowledged as
/// written once all of them were acknowledged.
struct BatchesTask {
    batches: std::vec::IntoIter<RecordBatch>,
    acknowledged: usize,
    written: usize,
    done: Sender<usize>,
}

impl SourceTask for BatchesTask {
    fn start(&mut self, _context: SourceTaskContext) -> Result<(), ConnectError> {
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        Ok(self.batches.next())
    }

    fn commit_record(
        &mut self,
        _record: &Record,
        written: Option<WrittenRecord>,
    ) -> Result<(), ConnectError> {
        self.acknowledged += 1;
        self.written += usize::from(written.is_some());
        if self.acknowledged == RECORDS {
            let _ = self.done.send(self.written);
        }
        Ok(())
    }

    fn stop(&mut self) {}
}

/// One timed run of the source pipeline.
fn source_sluice(worker: &RawConfig, topic: &str, batches: Vec<RecordBatch>) -> Duration {
    let producer = connected_producer(&client(worker, ClientRole::Producer), topic);
    let store: Arc<dyn OffsetBackingStore> = Arc::new(MemoryOffsetBackingStore::new());
    let context = SourceTaskContext {
        config: RawConfig::new(),
        offset_reader: Arc::new(StoreOffsetReader::new(CONNECTOR, Arc::clone(&store))),
    };
    let config = SourcePipelineConfig {
        connector: CONNECTOR.to_owned(),
        task_id: 0,
        stages: byte_array_stages(),
        errors: RetryWithTolerance::new(ErrorHandlingConfig::default()),
        offset_flush_interval: Duration::from_secs(60),
        offset_flush_timeout: Duration::from_secs(5),
        channel_capacity: CHANNEL_CAPACITY,
        active_topics: Default::default(),
    };
    let clients = SourceClients {
        producer,
        admin: None,
        topic_creation: None,
        dlq: None,
    };
    let (done, finished) = bounded(1);
    let task = BatchesTask {
        batches: batches.into_iter(),
        acknowledged: 0,
        written: 0,
        done,
    };
    let started = Instant::now();
    let pipeline = SourcePipeline::start(Box::new(task), context, config, clients, store)
        .expect("the pipeline starts");
    let written = finished
        .recv_timeout(TIMEOUT)
        .expect("every record is acknowledged");
    let elapsed = started.elapsed();
    pipeline.stop().expect("the pipeline stops cleanly");
    assert_eq!(written, RECORDS, "every record is written");
    elapsed
}

/// The minimum a task's records need to become Kafka messages with ByteArray converters.
fn message(record: Record) -> KafkaMessage {
    let bytes = |value: Value| match value {
        Value::Bytes(bytes) => Some(bytes),
        _ => None,
    };
    KafkaMessage::new(record.topic, bytes(record.key), bytes(record.value))
}

/// Produces every batch received and counts delivery reports until every record is
/// acknowledged; reports the number written. Acknowledgements are served as the pipeline's
/// send thread serves them: after each batch, and at least every millisecond while records
/// are in flight.
fn produce_all(producer: KafkaProducer, batches: Receiver<Vec<KafkaMessage>>, done: Sender<usize>) {
    let (mut token, mut acknowledged, mut written) = (0, 0, 0);
    let mut open = true;
    while open || acknowledged < token {
        let wait = if acknowledged < token {
            Duration::from_millis(1)
        } else {
            Duration::from_millis(20)
        };
        if !open {
            producer.poll(Duration::from_millis(1)).expect("polled");
        } else {
            match batches.recv_timeout(wait) {
                Ok(batch) => {
                    for message in &batch {
                        producer.send(message, token).expect("queued");
                        token += 1;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => open = false,
            }
            producer.poll(Duration::ZERO).expect("polled");
        }
        while let Ok(delivery) = producer.deliveries().try_recv() {
            acknowledged += 1;
            written += usize::from(delivery.result.is_ok());
        }
    }
    let _ = done.send(written);
}

/// Spawns a baseline thread named `name`, so that profiles tell it from the pipelines'.
fn named_thread<T: Send + 'static>(
    name: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(body)
        .expect("a baseline thread")
}

/// One timed run of the raw channel with a producer at its end.
fn source_raw(worker: &RawConfig, topic: &str, batches: Vec<RecordBatch>) -> Duration {
    let producer = connected_producer(&client(worker, ClientRole::Producer), topic);
    let (done, finished) = bounded(1);
    let started = Instant::now();
    let (to_producer, from_feeder) = bounded(CHANNEL_CAPACITY);
    let feeder = named_thread("raw-feeder", move || {
        for batch in batches {
            let messages: Vec<KafkaMessage> = batch.records.into_iter().map(message).collect();
            if to_producer.send(messages).is_err() {
                return;
            }
        }
    });
    let sender = named_thread("raw-producer", move || {
        produce_all(producer, from_feeder, done)
    });
    let written = finished
        .recv_timeout(TIMEOUT)
        .expect("every record is acknowledged");
    let elapsed = started.elapsed();
    feeder.join().expect("the feeder thread ends");
    sender.join().expect("the producer thread ends");
    assert_eq!(written, RECORDS, "every record is written");
    elapsed
}

/// The source groups' topic (one partition).
const SOURCE_TOPIC: &str = "bench-source-pipeline";

/// Creates [`SOURCE_TOPIC`] on the embedded broker; returns the records to send to it.
fn source_topic_and_batches() -> Vec<RecordBatch> {
    EmbeddedBroker::get_or_start()
        .and_then(|broker| broker.create_topic(SOURCE_TOPIC, 1))
        .expect("the source bench topic");
    source_batches(SOURCE_TOPIC)
}

fn source_pipeline(c: &mut Criterion) {
    let worker = worker();
    let topic = SOURCE_TOPIC;
    let batches = source_topic_and_batches();
    let mut group = c.benchmark_group("source_pipeline");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);
    group.bench_function("sluice", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| source_sluice(&worker, topic, batches.clone()))
                .sum()
        })
    });
    group.bench_function("raw_channel", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| source_raw(&worker, topic, batches.clone()))
                .sum()
        })
    });
    group.finish();
}

/// Fills `topic` with the bench's records, spread over its partitions.
fn fill_sink_topic(worker: &RawConfig, topic: &str) {
    EmbeddedBroker::get_or_start()
        .and_then(|broker| broker.create_topic(topic, SINK_PARTITIONS))
        .expect("the sink bench topic");
    let producer = KafkaProducer::new(&client(worker, ClientRole::Producer)).expect("a producer");
    let messages: Vec<KafkaMessage> = (0..RECORDS)
        .map(|i| {
            let mut message = KafkaMessage::new(
                topic,
                Some(payload(i, KEY_BYTES, b'k')),
                Some(payload(i, VALUE_BYTES, b'v')),
            );
            message.partition = Some(i as i32 % SINK_PARTITIONS);
            message
        })
        .collect();
    for chunk in messages.chunks(SINK_MAX_BATCH) {
        producer
            .send_and_wait(chunk, TIMEOUT)
            .expect("the sink bench records are written");
    }
}

/// A consumer of every partition of `topic` from the beginning, connected to their leaders.
fn assigned_consumer(worker: &RawConfig, topic: &str) -> KafkaConsumer {
    let consumer = KafkaConsumer::new(&client(worker, ClientRole::Consumer)).expect("a consumer");
    let partitions: Vec<(TopicPartition, Option<i64>)> = (0..SINK_PARTITIONS)
        .map(|p| (TopicPartition::new(topic, p), None))
        .collect();
    for (partition, _) in &partitions {
        consumer
            .watermarks(partition, TIMEOUT)
            .expect("the partition's leader answers");
    }
    consumer.assign(&partitions).expect("assigned");
    consumer
}

/// Counts what `put` is given; reports when every record arrived.
struct CountTask {
    records: Arc<std::sync::atomic::AtomicUsize>,
    done: Sender<()>,
}

impl SinkTask for CountTask {
    fn start(&mut self, _context: SinkTaskContext) -> Result<(), ConnectError> {
        Ok(())
    }

    fn put(&mut self, batch: &RecordBatch) -> Result<(), ConnectError> {
        let before = self.records.fetch_add(batch.len(), Ordering::Relaxed);
        if before + batch.len() >= RECORDS && before < RECORDS {
            let _ = self.done.send(());
        }
        Ok(())
    }

    fn stop(&mut self) {}
}

/// One timed run of the sink pipeline.
fn sink_sluice(worker: &RawConfig, topic: &str) -> Duration {
    let consumer = assigned_consumer(worker, topic);
    let config = SinkPipelineConfig {
        connector: CONNECTOR.to_owned(),
        task_id: 0,
        stages: byte_array_stages(),
        errors: RetryWithTolerance::new(ErrorHandlingConfig::default()),
        offset_flush_interval: Duration::from_secs(60),
        max_batch: SINK_MAX_BATCH,
        channel_capacity: CHANNEL_CAPACITY,
        active_topics: Default::default(),
    };
    let records = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (done, finished) = bounded(1);
    let task = CountTask {
        records: Arc::clone(&records),
        done,
    };
    let clients = SinkClients {
        consumer,
        dlq: None,
    };
    let started = Instant::now();
    let pipeline = SinkPipeline::start(
        Box::new(task),
        SinkTaskContext::new(RawConfig::new(), None),
        config,
        clients,
    )
    .expect("the pipeline starts");
    finished.recv_timeout(TIMEOUT).expect("every record is put");
    let elapsed = started.elapsed();
    pipeline.stop().expect("the pipeline stops cleanly");
    assert_eq!(
        records.load(Ordering::Relaxed),
        RECORDS,
        "every record once"
    );
    elapsed
}

/// One timed run of a consumer feeding the raw channel.
fn sink_raw(worker: &RawConfig, topic: &str) -> Duration {
    let consumer = assigned_consumer(worker, topic);
    let stop = Arc::new(AtomicBool::new(false));
    let (done, finished) = bounded(1);
    let started = Instant::now();
    let (to_counter, from_fetcher) = bounded::<Vec<KafkaMessage>>(CHANNEL_CAPACITY);
    let stopped = Arc::clone(&stop);
    let fetcher = named_thread("raw-fetch", move || {
        while !stopped.load(Ordering::Relaxed) {
            let batch = consumer
                .poll_batch(SINK_MAX_BATCH, Duration::from_millis(100))
                .expect("consumed");
            if !batch.is_empty() && to_counter.send(batch).is_err() {
                return;
            }
        }
    });
    let counter = named_thread("raw-count", move || {
        let mut records = 0;
        for batch in from_fetcher {
            let before = records;
            records += batch.len();
            if records >= RECORDS && before < RECORDS {
                let _ = done.send(());
            }
        }
        records
    });
    finished
        .recv_timeout(TIMEOUT)
        .expect("every record is counted");
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    fetcher.join().expect("the fetch thread ends");
    let records = counter.join().expect("the count thread ends");
    assert_eq!(records, RECORDS, "every record once");
    elapsed
}

fn sink_pipeline(c: &mut Criterion) {
    let worker = worker();
    let topic = "bench-sink-pipeline";
    fill_sink_topic(&worker, topic);
    let mut group = c.benchmark_group("sink_pipeline");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);
    group.bench_function("sluice", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| sink_sluice(&worker, topic)).sum())
    });
    group.bench_function("raw_channel", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| sink_raw(&worker, topic)).sum())
    });
    group.finish();
}

/// Pairs run by `SLUICE_BENCH_PAIRS=N`.
const PAIRS_VAR: &str = "SLUICE_BENCH_PAIRS";

/// Times `raw` and `sluice` back to back, `raw` first when `raw_first`; returns raw time
/// over pipeline time.
fn pair_ratio(
    raw_first: bool,
    raw: impl FnOnce() -> Duration,
    sluice: impl FnOnce() -> Duration,
) -> f64 {
    let (raw, sluice) = if raw_first {
        let raw = raw();
        (raw, sluice())
    } else {
        let sluice = sluice();
        (raw(), sluice)
    };
    raw.as_secs_f64() / sluice.as_secs_f64()
}

/// The median, lowest and highest of `ratios`.
fn spread(mut ratios: Vec<f64>) -> (f64, f64, f64) {
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    (median, ratios[0], ratios[ratios.len() - 1])
}

/// Paired runs: each pair times the raw channel and the pipeline back to back (in turn
/// first), so that both see the same machine, and the ratio of each pair is kept. Criterion
/// times all of one function's iterations and then all of the other's, seconds apart; on a
/// shared 2-core machine the drift between those two stretches moves a ratio by more than
/// the pipelines' own cost does, which pairing takes out.
fn paired(pairs: usize) {
    let worker = worker();
    let batches = source_topic_and_batches();
    let sink_topic = "bench-sink-pipeline-paired";
    fill_sink_topic(&worker, sink_topic);
    let (mut source, mut sink) = (Vec::new(), Vec::new());
    for pair in 0..pairs {
        let raw_first = pair % 2 == 0;
        source.push(pair_ratio(
            raw_first,
            || source_raw(&worker, SOURCE_TOPIC, batches.clone()),
            || source_sluice(&worker, SOURCE_TOPIC, batches.clone()),
        ));
        sink.push(pair_ratio(
            raw_first,
            || sink_raw(&worker, sink_topic),
            || sink_sluice(&worker, sink_topic),
        ));
    }
    for (group, ratios) in [("source_pipeline", source), ("sink_pipeline", sink)] {
        let (median, low, high) = spread(ratios);
        println!(
            "{group}: sluice moves {median:.2}x of the raw channel (median of {pairs} pairs; \
             {low:.2}-{high:.2})"
        );
    }
}

criterion_group!(benches, source_pipeline, sink_pipeline);

/// Criterion's groups; then, with `SLUICE_BENCH_PAIRS=N`, [`paired`] runs of N pairs.
fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let pairs = std::env::var(PAIRS_VAR)
        .ok()
        .and_then(|pairs| pairs.parse::<usize>().ok())
        .filter(|pairs| *pairs > 0);
    if let Some(pairs) = pairs {
        paired(pairs);
    }
}
