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
