//! The Kafka broker the scenarios run against: reachability, unique names, and topic
//! administration through rdkafka's admin client (used directly, independent of the engine).

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Context, bail};
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;

/// How long an admin request may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Fails, naming the script that starts the test broker, when nothing answers at `bootstrap`.
pub fn ensure_reachable(bootstrap: &str) -> anyhow::Result<()> {
    let first = bootstrap.split(',').next().unwrap_or(bootstrap).trim();
    let reachable = first
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok());
    if !reachable {
        bail!(
            "the Kafka broker is not reachable at {bootstrap} (--bootstrap / \
             SLUICE_TEST_BOOTSTRAP): run scripts/test-broker.sh first"
        );
    }
    Ok(())
}

/// A name no other run uses: `prefix-<pid>-<nanos>`.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}-{}-{nanos:x}", std::process::id())
}

fn admin(bootstrap: &str) -> anyhow::Result<AdminClient<DefaultClientContext>> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .context("creating the admin client")
}

fn options() -> AdminOptions {
    AdminOptions::new()
        .operation_timeout(Some(ADMIN_TIMEOUT))
        .request_timeout(Some(ADMIN_TIMEOUT))
}

/// Creates `topic` with `partitions` partitions and replication factor 1.
pub fn create_topic(bootstrap: &str, topic: &str, partitions: i32) -> anyhow::Result<()> {
    let admin = admin(bootstrap)?;
    let new = NewTopic::new(topic, partitions, TopicReplication::Fixed(1));
    let results = futures_executor::block_on(admin.create_topics([&new], &options()))
        .with_context(|| format!("creating topic {topic}"))?;
    for result in results {
        if let Err((name, code)) = result {
            bail!("creating topic {name}: {code}");
        }
    }
    Ok(())
}

/// Deletes `topics`, best effort (the broker is shared and in memory: this only frees it).
pub fn delete_topics(bootstrap: &str, topics: &[&str]) {
    let Ok(admin) = admin(bootstrap) else {
        return;
    };
    let _ = futures_executor::block_on(admin.delete_topics(topics, &options()));
}

/// A record read back from a topic: its value and the keys of its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRecord {
    /// The value's bytes (empty for a null value).
    pub value: Vec<u8>,
    /// The header keys, in order.
    pub header_keys: Vec<String>,
}

/// Reads partition 0 of `topic` from the beginning until `expected` records came and then
/// [`READ_QUIET`] passed without another (so extra copies are seen too), or until `timeout`.
pub fn read_partition(
    bootstrap: &str,
    topic: &str,
    expected: usize,
    timeout: Duration,
) -> anyhow::Result<Vec<ReadRecord>> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::{Headers, Message};
    use rdkafka::{Offset, TopicPartitionList};

    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", unique_name("loadtest-reader"))
        .set("enable.auto.commit", "false")
        .create()
        .context("creating the topic reader")?;
    let mut assignment = TopicPartitionList::new();
    assignment
        .add_partition_offset(topic, 0, Offset::Beginning)
        .with_context(|| format!("assigning {topic}-0"))?;
    consumer
        .assign(&assignment)
        .with_context(|| format!("assigning {topic}-0"))?;
    let deadline = std::time::Instant::now() + timeout;
    let mut quiet_since = None::<std::time::Instant>;
    let mut records = Vec::new();
    while std::time::Instant::now() < deadline {
        if quiet_since.is_some_and(|since| since.elapsed() >= READ_QUIET) {
            break;
        }
        // Errors are transient fetch errors librdkafka retries by itself: keep polling.
        if let Some(Ok(message)) = consumer.poll(Duration::from_millis(100)) {
            let header_keys = message
                .headers()
                .map(|headers| headers.iter().map(|h| h.key.to_owned()).collect())
                .unwrap_or_default();
            records.push(ReadRecord {
                value: message.payload().unwrap_or_default().to_vec(),
                header_keys,
            });
            quiet_since = None;
        }
        if records.len() >= expected && quiet_since.is_none() {
            quiet_since = Some(std::time::Instant::now());
        }
    }
    Ok(records)
}

/// How long [`read_partition`] keeps reading after the expected count, for extra copies.
const READ_QUIET: Duration = Duration::from_secs(1);
