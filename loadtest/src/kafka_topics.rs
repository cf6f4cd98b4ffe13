//! Filling and reading whole topics, for the Kafka → Kafka scenarios: numbered records in,
//! their values out for accounting, and the high watermark to watch progress.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Message, Offset, TopicPartitionList};

use crate::baseline::rdkafka_loop::{consumer_config, producer_config};
use crate::broker::unique_name;

/// Bytes of each record's value.
pub const VALUE_BYTES: usize = 100;

/// The value of record `seq`: its number, padded to [`VALUE_BYTES`].
pub fn value_of(seq: u64) -> Vec<u8> {
    let mut value = format!("seq-{seq:012}-").into_bytes();
    value.resize(VALUE_BYTES, b'x');
    value
}

/// The values of records `0..records`, one per line, for [`crate::accounting::compare_lines`].
pub fn expected_lines(records: u64) -> Vec<u8> {
    let mut text = Vec::with_capacity(records as usize * (VALUE_BYTES + 1));
    for seq in 0..records {
        text.extend_from_slice(&value_of(seq));
        text.push(b'\n');
    }
    text
}

/// Produces `records` numbered records (key = the number as 8 big-endian bytes, a `seq`
/// header, value `value_of(number)`) to partition 0 of `topic`, and waits for every
/// acknowledgement.
pub fn fill(
    bootstrap: &str,
    topic: &str,
    records: u64,
    value_of: fn(u64) -> Vec<u8>,
    timeout: Duration,
) -> anyhow::Result<()> {
    let producer: BaseProducer = producer_config(bootstrap)
        .set("linger.ms", "20")
        .create()
        .context("creating the filling producer")?;
    for seq in 0..records {
        let key = seq.to_be_bytes();
        let value = value_of(seq);
        let headers = OwnedHeaders::new().insert(Header {
            key: "seq",
            value: Some(&key[..]),
        });
        let mut record = BaseRecord::to(topic)
            .partition(0)
            .key(&key[..])
            .payload(&value[..])
            .headers(headers);
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((_, back)) => {
                    producer.poll(Duration::from_millis(1));
                    record = back;
                }
            }
        }
        producer.poll(Duration::ZERO);
    }
    producer
        .flush(timeout)
        .with_context(|| format!("filling {topic}"))
}

/// A consumer of partition 0 of `topic` from its beginning.
pub fn assigned_consumer(bootstrap: &str, topic: &str) -> anyhow::Result<BaseConsumer> {
    let consumer: BaseConsumer = consumer_config(bootstrap, &unique_name("loadtest-reader"))
        .create()
        .context("creating a consumer")?;
    let mut partitions = TopicPartitionList::new();
    partitions
        .add_partition_offset(topic, 0, Offset::Beginning)
        .context("assigning partition 0")?;
    consumer
        .assign(&partitions)
        .with_context(|| format!("assigning {topic}"))?;
    Ok(consumer)
}

/// The high watermark of partition 0 of `topic` (0 while the topic does not exist).
pub fn high_watermark(consumer: &BaseConsumer, topic: &str) -> i64 {
    consumer
        .fetch_watermarks(topic, 0, Duration::from_secs(5))
        .map(|(_, high)| high)
        .unwrap_or(0)
}

/// Waits until partition 0 of `topic` holds `records` records; the time it took.
pub fn wait_for_records(
    bootstrap: &str,
    topic: &str,
    records: u64,
    started: Instant,
    timeout: Duration,
) -> anyhow::Result<Duration> {
    let consumer: BaseConsumer = consumer_config(bootstrap, &unique_name("loadtest-watch"))
        .create()
        .context("creating the watermark consumer")?;
    loop {
        if high_watermark(&consumer, topic) >= records as i64 {
            return Ok(started.elapsed());
        }
        if started.elapsed() > timeout {
            bail!(
                "{topic} holds {} of {records} records after {timeout:?}",
                high_watermark(&consumer, topic)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every value of partition 0 of `topic`, each as `line_of(value)` followed by `\n`, reading
/// until the high watermark.
pub fn read_values(
    bootstrap: &str,
    topic: &str,
    line_of: fn(&[u8]) -> &[u8],
    timeout: Duration,
) -> anyhow::Result<Vec<u8>> {
    let consumer = assigned_consumer(bootstrap, topic)?;
    let end = high_watermark(&consumer, topic);
    let deadline = Instant::now() + timeout;
    let mut text = Vec::new();
    let mut next = 0i64;
    while next < end {
        if Instant::now() > deadline {
            bail!("read {next} of {end} records of {topic} in {timeout:?}");
        }
        let Some(message) = consumer.poll(Duration::from_millis(100)) else {
            continue;
        };
        let message = message.with_context(|| format!("reading {topic}"))?;
        text.extend_from_slice(line_of(message.payload().unwrap_or_default()));
        text.push(b'\n');
        next = message.offset() + 1;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_and_padded() {
        let value = value_of(42);
        assert_eq!(value.len(), VALUE_BYTES);
        assert!(value.starts_with(b"seq-000000000042-x"));
        let lines = expected_lines(3);
        assert_eq!(lines.len(), 3 * (VALUE_BYTES + 1));
        assert_eq!(lines.iter().filter(|&&b| b == b'\n').count(), 3);
    }
}
