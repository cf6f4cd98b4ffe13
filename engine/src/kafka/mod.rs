//! Kafka clients for tasks: librdkafka (through rdkafka's synchronous `BaseProducer` and
//! `BaseConsumer`, driven from pipeline threads) behind thin wrappers.
//!
//! - [`client_config`]: a task client's settings with Kafka Connect's defaults and layering
//!   (§3.4), Java keys translated by [`java_keys`], Java trust and key stores read by
//!   [`tls_stores`] (JKS through [`jks`]).
//! - [`KafkaProducer`], [`KafkaConsumer`], [`KafkaAdmin`]: the clients, moving
//!   [`KafkaMessage`]s.
//! - [`TopicCreation`]: `topic.creation.*` groups, creating a source task's topics before the
//!   first send to each.

mod admin;
pub mod client_config;
mod client_events;
mod consumer;
mod embedded;
pub mod java_keys;
mod jks;
mod jks_key;
mod message;
mod producer;
mod tls_stores;
mod topic_creation;

pub use admin::{CreateOutcome, KafkaAdmin, NewTopicSpec};
pub use client_config::{
    ClientRole, DroppedKey, KafkaClientConfig, OverridePolicy, TaskClient, task_client_config,
};
pub use consumer::{KafkaConsumer, RebalanceEvent, RevokeHandler};
pub use embedded::{
    EMBEDDED_BOOTSTRAP, EMBEDDED_DEFAULT_PARTITIONS, EmbeddedBroker, is_embedded,
    resolve_embedded_bootstrap,
};
pub use message::{KafkaHeader, KafkaMessage};
pub use producer::{Delivery, KafkaProducer};
pub use topic_creation::{TopicCreation, TopicCreationGroup};

pub use rdkafka::error::KafkaError;

use crate::config::ConfigError;

/// A Kafka client operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KafkaClientError {
    /// The client config was rejected.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// librdkafka reported an error for an operation.
    #[error("{operation}: {source}")]
    Client {
        /// What was being done, e.g. `producing to topic orders`.
        operation: String,
        /// librdkafka's error.
        source: KafkaError,
    },
    /// The embedded broker could not be started or reached.
    #[error("embedded broker: {0}")]
    Embedded(String),
    /// An operation did not finish in time.
    #[error("timed out after {millis} ms {operation}")]
    Timeout {
        /// What was being done.
        operation: String,
        /// How long was waited.
        millis: u128,
    },
}

impl KafkaClientError {
    pub(crate) fn client(operation: impl Into<String>, source: KafkaError) -> Self {
        Self::Client {
            operation: operation.into(),
            source,
        }
    }

    pub(crate) fn timeout(operation: impl Into<String>, waited: std::time::Duration) -> Self {
        Self::Timeout {
            operation: operation.into(),
            millis: waited.as_millis(),
        }
    }

    /// True when retrying may succeed (librdkafka marks the error retriable, or a timeout).
    pub fn is_retriable(&self) -> bool {
        match self {
            Self::Config(_) | Self::Embedded(_) => false,
            Self::Timeout { .. } => true,
            Self::Client { source, .. } => source.rdkafka_error_code().is_some_and(retriable_code),
        }
    }
}

fn retriable_code(code: rdkafka::types::RDKafkaErrorCode) -> bool {
    use rdkafka::types::RDKafkaErrorCode as Code;
    matches!(
        code,
        Code::QueueFull
            | Code::MessageTimedOut
            | Code::OperationTimedOut
            | Code::RequestTimedOut
            | Code::BrokerTransportFailure
            | Code::AllBrokersDown
            | Code::LeaderNotAvailable
            | Code::NotLeaderForPartition
            | Code::NotEnoughReplicas
            | Code::NotEnoughReplicasAfterAppend
            | Code::NetworkException
            | Code::UnknownTopicOrPartition
            | Code::CoordinatorLoadInProgress
            | Code::CoordinatorNotAvailable
            | Code::NotCoordinator
    )
}
