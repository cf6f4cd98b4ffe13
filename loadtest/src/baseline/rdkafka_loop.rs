//! The raw rdkafka produce-then-consume loop: read a file's lines, produce each to a fresh
//! one-partition topic with the producer settings a Sluice source task uses, consume them back
//! and write them to a file. It uses `rdkafka` directly (not the engine's wrappers), so it is an
//! independent baseline.
//!
//! Two shapes ([`Mode`]): produce everything, then consume everything (the issue's
//! produce-then-consume loop); or both at once on two threads, as a worker's source and sink
//! tasks run (the stricter baseline for a pipelined engine).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rdkafka::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::BaseConsumer;
use rdkafka::error::KafkaError;
use rdkafka::message::{DeliveryResult, Message};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer, ProducerContext};
use rdkafka::types::RDKafkaErrorCode;

use crate::broker::{create_topic, delete_topics, unique_name};
use crate::kafka_topics::assigned_consumer;
use crate::process;

/// How the producer and the consumer share the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Produce every line and wait for the acks, then consume them all.
    Sequential,
    /// Produce and consume at the same time, on two threads.
    Pipelined,
}

/// What the loop measured.
#[derive(Debug, Clone, Copy)]
pub struct LoopResult {
    /// From the start (topic creation included) until the last record was written and the
    /// output flushed.
    pub elapsed: Duration,
    /// From the start until every produced record was acknowledged.
    pub produce_elapsed: Duration,
    /// CPU time of this process during the loop (both clients and their librdkafka threads).
    pub cpu_seconds: f64,
    /// Produce requests that failed after librdkafka's retries.
    pub delivery_errors: u64,
}

/// The producer settings of a Sluice source task (`task_client_config` in the engine: Kafka
/// Connect's producer defaults), everything else librdkafka's defaults.
pub fn producer_config(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap)
        .set("acks", "all")
        .set("max.in.flight.requests.per.connection", "1")
        .set("enable.idempotence", "false")
        .set("delivery.timeout.ms", i32::MAX.to_string());
    config
}

/// The consumer settings of a Sluice sink task, everything else librdkafka's defaults. Like
/// every consumer of the engine, it fetches again 10 ms after its prefetch queue was full
/// (`fetch.queue.backoff.ms`; librdkafka's 1 s default stalls a consumer that catches up).
pub fn consumer_config(bootstrap: &str, group: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("fetch.queue.backoff.ms", "10");
    config
}

/// Counts delivery reports.
#[derive(Default)]
struct Deliveries {
    failed: AtomicU64,
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if result.is_err() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Moves the `records` lines of `input` through a fresh topic on `bootstrap` into `output`;
/// fails when they do not all arrive within `timeout`.
pub fn run(
    bootstrap: &str,
    input: &Path,
    output: &Path,
    records: u64,
    timeout: Duration,
    mode: Mode,
) -> anyhow::Result<LoopResult> {
    let topic = unique_name("loadtest-baseline");
    let cpu_before = process::cpu_seconds(std::process::id())?;
    let started = Instant::now();
    let deadline = started + timeout;
    create_topic(bootstrap, &topic, 1)?;
    let producer: BaseProducer<Deliveries> = producer_config(bootstrap)
        .create_with_context(Deliveries::default())
        .context("creating the baseline producer")?;
    let produce_elapsed = match mode {
        Mode::Sequential => {
            produce(&producer, &topic, input, deadline)?;
            let produce_elapsed = started.elapsed();
            // Created only now, so it cannot fetch in the background while producing.
            let consumer = assigned_consumer(bootstrap, &topic)?;
            consume(&consumer, output, records, deadline)?;
            produce_elapsed
        }
        Mode::Pipelined => {
            let consumer = assigned_consumer(bootstrap, &topic)?;
            let (produced, consumed) = std::thread::scope(|scope| {
                let consumer_thread = scope.spawn(|| consume(&consumer, output, records, deadline));
                let produced =
                    produce(&producer, &topic, input, deadline).map(|()| started.elapsed());
                let consumed = consumer_thread.join().unwrap_or_else(|_| {
                    Err(anyhow::anyhow!("the baseline consumer thread panicked"))
                });
                (produced, consumed)
            });
            consumed?;
            produced?
        }
    };
    let elapsed = started.elapsed();
    // Rounded to the millisecond: the tick counts are exact, their float difference is not.
    let cpu_seconds =
        ((process::cpu_seconds(std::process::id())? - cpu_before) * 1000.0).round() / 1000.0;
    let _ = producer.flush(Duration::from_secs(1));
    let delivery_errors = producer.context().failed.load(Ordering::Relaxed);
    drop(producer);
    delete_topics(bootstrap, &[&topic]);
    Ok(LoopResult {
        elapsed,
        produce_elapsed,
        cpu_seconds,
        delivery_errors,
    })
}

/// The raw producer alone: produces every line of `input` to partition 0 of `topic` with a
/// Sluice source task's producer settings; returns the time from creating the producer until
/// every record was acknowledged. Fails when a delivery fails.
pub fn produce_file(
    bootstrap: &str,
    topic: &str,
    input: &Path,
    timeout: Duration,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let producer: BaseProducer<Deliveries> = producer_config(bootstrap)
        .create_with_context(Deliveries::default())
        .context("creating the baseline producer")?;
    produce(&producer, topic, input, started + timeout)?;
    let elapsed = started.elapsed();
    let failed = producer.context().failed.load(Ordering::Relaxed);
    if failed > 0 {
        bail!("{failed} baseline deliveries failed");
    }
    Ok(elapsed)
}

/// The raw consumer alone: reads the first `records` records of partition 0 of `topic` and
/// writes their values, one per line, to `output`; returns the time from creating the
/// consumer until the output was flushed.
pub fn consume_to_file(
    bootstrap: &str,
    topic: &str,
    output: &Path,
    records: u64,
    timeout: Duration,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let consumer = assigned_consumer(bootstrap, topic)?;
    consume(&consumer, output, records, started + timeout)?;
    Ok(started.elapsed())
}

/// Produces every line of `input` (without its `\n`) to `topic`, then waits for every ack.
fn produce(
    producer: &BaseProducer<Deliveries>,
    topic: &str,
    input: &Path,
    deadline: Instant,
) -> anyhow::Result<()> {
    let file = File::open(input).with_context(|| format!("opening {}", input.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(256);
    let mut sent = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("reading {}", input.display()))?;
        if read == 0 {
            break;
        }
        let payload = line.strip_suffix(b"\n").unwrap_or(&line);
        let mut record = BaseRecord::<(), [u8], ()>::to(topic).payload(payload);
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    if Instant::now() >= deadline {
                        bail!("the baseline producer's queue stayed full until the timeout");
                    }
                    record = back;
                    producer.poll(Duration::from_millis(1));
                }
                Err((error, _)) => return Err(error).context("baseline produce"),
            }
        }
        sent += 1;
        if sent.is_multiple_of(1024) {
            producer.poll(Duration::ZERO);
        }
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    producer
        .flush(remaining)
        .context("waiting for the baseline producer's acks")
}

/// Consumes `records` messages and writes their values, one per line, to `output`.
fn consume(
    consumer: &BaseConsumer,
    output: &Path,
    records: u64,
    deadline: Instant,
) -> anyhow::Result<()> {
    let file = File::create(output).with_context(|| format!("creating {}", output.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut received = 0u64;
    while received < records {
        if Instant::now() >= deadline {
            bail!("the baseline consumer got {received} of {records} records before the timeout");
        }
        match consumer.poll(Duration::from_millis(100)) {
            None => {}
            Some(Ok(message)) => {
                writer
                    .write_all(message.payload().unwrap_or_default())
                    .and_then(|()| writer.write_all(b"\n"))
                    .with_context(|| format!("writing {}", output.display()))?;
                received += 1;
            }
            // Transient (e.g. a fetch error librdkafka retries by itself): keep polling.
            Some(Err(_)) => {}
        }
    }
    writer
        .flush()
        .with_context(|| format!("writing {}", output.display()))
}
