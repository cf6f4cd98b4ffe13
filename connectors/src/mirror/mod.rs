//! MirrorMaker 2's `org.apache.kafka.connect.mirror.MirrorSourceConnector`: Kafka → Kafka
//! replication. Its tasks consume partitions of a source cluster and hand the records, bytes
//! untouched, to the worker's producer, which writes them to the target cluster under the names
//! the replication policy gives (`<sourceAlias>.<topic>` by default), in the same partition,
//! with the same timestamp and headers.
//!
//! Run it with `key.converter`, `value.converter` and `header.converter` set to
//! `org.apache.kafka.connect.converters.ByteArrayConverter`, as MirrorMaker 2 does. Beyond
//! MirrorMaker 2, Confluent Replicator's `src.key.converter` / `src.value.converter` /
//! `src.header.converter` read the source bytes as Connect data, so that transforms and the
//! worker's converters can reshape and re-encode them ([`source_data`]).
//!
//! - [`config`]: the keys and their parsed form.
//! - [`policy`]: `DefaultReplicationPolicy` and `IdentityReplicationPolicy`.
//! - [`filter`]: `topics` / `topics.exclude`.
//! - [`assignment`]: partitions dealt to tasks, `task.assigned.partitions`.
//! - [`offsets`]: the source partition and offset maps.
//! - [`remote_topics`]: creating the remote topics on the target cluster.
//! - [`source_data`]: the source converters, or bytes passed through.
//! - [`connector`], [`task`]: the connector and its task.

pub mod assignment;
pub mod config;
pub mod connector;
pub mod filter;
pub mod offsets;
pub mod policy;
pub mod remote_topics;
pub mod source_data;
pub mod task;

#[cfg(test)]
mod tests;

pub use connector::{CLASS, MirrorSourceConnector};
pub use policy::{PolicyKind, ReplicationPolicy};
pub use task::MirrorSourceTask;

use sluice_engine::config::ConfigError;
use sluice_engine::connector::ConnectError;
use sluice_engine::kafka::KafkaClientError;

/// A rejected config fails the connector or task.
fn config_error(error: ConfigError) -> ConnectError {
    ConnectError::fatal(error.to_string())
}

/// A client failure is retried when librdkafka says retrying may help.
fn client_error(error: KafkaClientError) -> ConnectError {
    if error.is_retriable() {
        ConnectError::retriable(error.to_string())
    } else {
        ConnectError::fatal(error.to_string())
    }
}
