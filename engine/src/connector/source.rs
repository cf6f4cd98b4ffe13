//! Source connectors and tasks: Kafka Connect's `SourceConnector` and `SourceTask`.

use std::sync::Arc;

use crate::config::RawConfig;
use crate::record::{Record, RecordBatch, SourceMap};

use super::{ConnectError, Connector};

/// Whether a source connector can give exactly-once delivery (KIP-618).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExactlyOnceSupport {
    /// It can.
    Supported,
    /// It cannot (the default).
    #[default]
    Unsupported,
}

/// Whether a source connector can define its own transaction boundaries (KIP-618).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectorTransactionBoundaries {
    /// It can.
    Supported,
    /// It cannot (the default).
    #[default]
    Unsupported,
}

/// A source connector: Kafka Connect's `SourceConnector`.
pub trait SourceConnector: Connector {
    /// A new, unstarted task.
    fn create_task(&self) -> Box<dyn SourceTask>;

    /// Exactly-once support for `config`.
    fn exactly_once_support(&self, _config: &RawConfig) -> ExactlyOnceSupport {
        ExactlyOnceSupport::Unsupported
    }

    /// Transaction boundary support for `config`.
    fn can_define_transaction_boundaries(
        &self,
        _config: &RawConfig,
    ) -> ConnectorTransactionBoundaries {
        ConnectorTransactionBoundaries::Unsupported
    }

    /// Accepts or refuses an offsets change made through the REST API; `Ok(false)` means the
    /// connector does not check offsets (Kafka's default).
    fn alter_offsets(
        &self,
        _config: &RawConfig,
        _offsets: &[(SourceMap, Option<SourceMap>)],
    ) -> Result<bool, ConnectError> {
        Ok(false)
    }
}

/// Reads the committed offsets of a task's source partitions: Kafka Connect's
/// `OffsetStorageReader`.
pub trait OffsetReader: Send + Sync {
    /// The committed offset of `partition`, if any.
    fn offset(&self, partition: &SourceMap) -> Result<Option<SourceMap>, ConnectError>;

    /// The committed offsets of several partitions; partitions without one are left out.
    fn offsets(
        &self,
        partitions: &[SourceMap],
    ) -> Result<Vec<(SourceMap, SourceMap)>, ConnectError> {
        let mut found = Vec::new();
        for partition in partitions {
            if let Some(offset) = self.offset(partition)? {
                found.push((partition.clone(), offset));
            }
        }
        Ok(found)
    }
}

/// What a source task can reach of the framework: Kafka Connect's `SourceTaskContext`.
#[derive(Clone)]
pub struct SourceTaskContext {
    /// The task's config.
    pub config: RawConfig,
    /// Committed offsets of the task's partitions.
    pub offset_reader: Arc<dyn OffsetReader>,
}

/// Where a produced record landed, passed to [`SourceTask::commit_record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenRecord {
    /// The Kafka partition.
    pub partition: i32,
    /// The Kafka offset.
    pub offset: i64,
}

/// A source task: Kafka Connect's `SourceTask`. Polls batches of records from the source
/// system; the framework converts and produces them, then commits their offsets once acked.
pub trait SourceTask: Send {
    /// Starts the task.
    fn start(&mut self, context: SourceTaskContext) -> Result<(), ConnectError>;

    /// The next batch, or `None` when nothing is available now. Should not block for long: the
    /// framework stops a task between polls.
    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError>;

    /// Called after offsets up to the last acknowledged record were committed.
    fn commit(&mut self) -> Result<(), ConnectError> {
        Ok(())
    }

    /// Called for each record once Kafka acknowledged it (`written` is `None` when the record
    /// was filtered out or skipped by error tolerance).
    fn commit_record(
        &mut self,
        _record: &Record,
        _written: Option<WrittenRecord>,
    ) -> Result<(), ConnectError> {
        Ok(())
    }

    /// Stops the task; `poll` is not called afterwards.
    fn stop(&mut self);
}
