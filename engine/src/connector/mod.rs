//! The connector SPI: what a connector author implements. A [`Connector`] validates its config
//! and splits its job into task configs; its tasks ([`SourceTask`], [`SinkTask`]) move
//! [`RecordBatch`](crate::record::RecordBatch)es. Mirrors Kafka Connect's `connector`, `source`
//! and `sink` packages.

mod plugin;
mod sink;
mod source;

pub use plugin::{
    ConnectorFactory, ConnectorInstance, ConnectorPlugin, ConnectorRegistry, ConnectorType,
    SinkFactory, SourceFactory,
};

pub use sink::{
    ErrantRecordReporter, ErrantReport, PartitionOffsets, SinkConnector, SinkTask, SinkTaskContext,
    TopicPartition,
};
pub use source::{
    ConnectorTransactionBoundaries, ExactlyOnceSupport, OffsetReader, SourceConnector, SourceTask,
    SourceTaskContext, WrittenRecord,
};

use crate::config::{ConfigDef, ConfigKeyInfo, ConfigValueInfo, RawConfig};

/// A connector or task failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// A transient failure; the framework retries per `errors.retry.*` (Kafka's
    /// `RetriableException`).
    #[error("retriable: {0}")]
    Retriable(String),
    /// A failure that fails the task or connector (Kafka's `ConnectException`).
    #[error("{0}")]
    Fatal(String),
}

impl ConnectError {
    /// A [`ConnectError::Fatal`].
    pub fn fatal(message: impl Into<String>) -> Self {
        Self::Fatal(message.into())
    }

    /// A [`ConnectError::Retriable`].
    pub fn retriable(message: impl Into<String>) -> Self {
        Self::Retriable(message.into())
    }
}

/// What both source and sink connectors implement: Kafka Connect's `Connector`.
pub trait Connector: Send {
    /// The connector's version, shown by the REST API.
    fn version(&self) -> String;

    /// The connector's own keys.
    fn config_def(&self) -> ConfigDef;

    /// Checks a config, one entry per key, as `PUT /connector-plugins/{type}/config/validate`
    /// reports it. The default checks the keys of [`Connector::config_def`].
    fn validate(&self, config: &RawConfig) -> Vec<(ConfigKeyInfo, ConfigValueInfo)> {
        self.config_def().validate(config)
    }

    /// Starts the connector with its (provider-resolved) config.
    fn start(&mut self, config: &RawConfig) -> Result<(), ConnectError>;

    /// Splits the work into at most `max_tasks` task configs.
    fn task_configs(&self, max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError>;

    /// Stops the connector.
    fn stop(&mut self) -> Result<(), ConnectError>;
}
