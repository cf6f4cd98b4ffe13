//! The raw rdkafka consume-produce loop: read every record of a topic and produce it, key,
//! value and headers unchanged, to another topic with the producer settings a Sluice source
//! task uses — what a replication engine does, without an engine. It uses `rdkafka` directly,
//! so it is an independent baseline for MirrorSourceConnector.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rdkafka::Message;
use rdkafka::consumer::BaseConsumer;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

use super::rdkafka_loop::producer_config;
use crate::kafka_topics::assigned_consumer;

/// How long one consumer poll waits.
const POLL: Duration = Duration::from_millis(100);

/// Copies the first `records` records of partition 0 of `source` into partition 0 of
/// `target`; returns the time from start until every copy was acknowledged.
pub fn run(
    bootstrap: &str,
    source: &str,
    target: &str,
    records: u64,
    timeout: Duration,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let deadline = started + timeout;
    let consumer: BaseConsumer = assigned_consumer(bootstrap, source)?;
    let producer: BaseProducer = producer_config(bootstrap)
        .create()
        .context("creating the baseline producer")?;
    let mut copied = 0u64;
    while copied < records {
        if Instant::now() >= deadline {
            bail!("the consume-produce loop copied {copied} of {records} records in {timeout:?}");
        }
        let Some(message) = consumer.poll(POLL) else {
            continue;
        };
        let message = message.context("consuming in the baseline loop")?;
        let mut record = BaseRecord::<[u8], [u8]>::to(target).partition(0);
        if let Some(key) = message.key() {
            record = record.key(key);
        }
        if let Some(value) = message.payload() {
            record = record.payload(value);
        }
        if let Some(headers) = message.headers() {
            record = record.headers(headers.detach());
        }
        let mut pending = record;
        loop {
            match producer.send(pending) {
                Ok(()) => break,
                Err((_, back)) => {
                    // The local queue is full: serve delivery reports, then try again.
                    producer.poll(Duration::from_millis(1));
                    pending = back;
                }
            }
        }
        producer.poll(Duration::ZERO);
        copied += 1;
    }
    producer
        .flush(deadline.saturating_duration_since(Instant::now()))
        .context("flushing the baseline producer")?;
    Ok(started.elapsed())
}
