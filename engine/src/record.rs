//! Records as connectors and transforms see them, and the [`RecordBatch`] that crosses every
//! pipeline boundary.

use std::sync::Arc;

use indexmap::IndexMap;
use sluice_codecs::{Headers, SchemaRef, Str, Value};

/// A source partition or offset: Kafka Connect's `Map<String, ?>` with primitive values.
pub type SourceMap = IndexMap<String, Value>;

/// A source partition as records hold it: one map shared by the records of the partition, so
/// that a record's copy is a reference count (a task returns many records of few partitions).
pub type SourcePartition = Arc<SourceMap>;

/// How a sink record's timestamp was set: Kafka's `TimestampType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampType {
    /// `NO_TIMESTAMP_TYPE`
    #[default]
    NoTimestampType,
    /// `CreateTime`
    CreateTime,
    /// `LogAppendTime`
    LogAppendTime,
}

/// Where a record came from: a source connector's position, or the Kafka location a sink
/// record was consumed from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A source record: Kafka Connect's `SourceRecord` fields.
    Source {
        /// The connector-defined partition, e.g. `{"filename": "/tmp/a"}`.
        partition: SourcePartition,
        /// The connector-defined offset within it, e.g. `{"position": 42}`.
        offset: SourceMap,
    },
    /// A sink record: Kafka Connect's `SinkRecord` fields.
    Sink {
        /// Offset in the Kafka partition.
        offset: i64,
        /// How the timestamp was set.
        timestamp_type: TimestampType,
        /// Topic before any transform rewrote it (KIP-793).
        original_topic: Str,
        /// Partition before any transform rewrote it.
        original_partition: i32,
        /// Offset before any transform rewrote it.
        original_offset: i64,
    },
}

/// A record: Kafka Connect's `ConnectRecord` with its source or sink specifics.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The topic.
    pub topic: Str,
    /// The Kafka partition, when known or chosen.
    pub partition: Option<i32>,
    /// The key's schema; `None` for schemaless keys.
    pub key_schema: Option<SchemaRef>,
    /// The key; [`Value::Null`] when absent.
    pub key: Value,
    /// The value's schema; `None` for schemaless values.
    pub value_schema: Option<SchemaRef>,
    /// The value; [`Value::Null`] for a tombstone.
    pub value: Value,
    /// Milliseconds since the epoch.
    pub timestamp: Option<i64>,
    /// The headers.
    pub headers: Headers,
    /// Source position or sink location.
    pub origin: Origin,
}

impl Record {
    /// A sink record consumed from `topic`/`partition` at `offset`.
    pub fn sink(topic: impl Into<Str>, partition: i32, offset: i64) -> Self {
        let topic = topic.into();
        Self {
            origin: Origin::Sink {
                offset,
                timestamp_type: TimestampType::NoTimestampType,
                original_topic: topic.clone(),
                original_partition: partition,
                original_offset: offset,
            },
            topic,
            partition: Some(partition),
            key_schema: None,
            key: Value::Null,
            value_schema: None,
            value: Value::Null,
            timestamp: None,
            headers: Headers::new(),
        }
    }

    /// A source record for `topic` at the given source partition and offset. A task keeps
    /// each partition as a [`SourcePartition`] and hands records clones of it.
    pub fn source(
        topic: impl Into<Str>,
        partition: impl Into<SourcePartition>,
        offset: SourceMap,
    ) -> Self {
        let partition = partition.into();
        Self {
            topic: topic.into(),
            partition: None,
            key_schema: None,
            key: Value::Null,
            value_schema: None,
            value: Value::Null,
            timestamp: None,
            headers: Headers::new(),
            origin: Origin::Source { partition, offset },
        }
    }

    /// Sets the key and its schema.
    pub fn with_key(mut self, schema: Option<SchemaRef>, key: Value) -> Self {
        self.key_schema = schema;
        self.key = key;
        self
    }

    /// Sets the value and its schema.
    pub fn with_value(mut self, schema: Option<SchemaRef>, value: Value) -> Self {
        self.value_schema = schema;
        self.value = value;
        self
    }

    /// Sets the timestamp.
    pub fn with_timestamp(mut self, timestamp: Option<i64>) -> Self {
        self.timestamp = timestamp;
        self
    }

    /// The Kafka offset of a sink record; `None` for a source record.
    pub fn kafka_offset(&self) -> Option<i64> {
        match self.origin {
            Origin::Sink { offset, .. } => Some(offset),
            Origin::Source { .. } => None,
        }
    }

    /// The schema and value of the key or the value.
    pub fn part(&self, part: RecordPart) -> (Option<&SchemaRef>, &Value) {
        match part {
            RecordPart::Key => (self.key_schema.as_ref(), &self.key),
            RecordPart::Value => (self.value_schema.as_ref(), &self.value),
        }
    }

    /// Replaces the schema and value of the key or the value.
    pub fn set_part(&mut self, part: RecordPart, schema: Option<SchemaRef>, value: Value) {
        match part {
            RecordPart::Key => {
                self.key_schema = schema;
                self.key = value;
            }
            RecordPart::Value => {
                self.value_schema = schema;
                self.value = value;
            }
        }
    }
}

/// Which half of a record a `$Key`/`$Value` component works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordPart {
    /// The record key (`$Key`).
    Key,
    /// The record value (`$Value`).
    Value,
}

impl RecordPart {
    /// `key` or `value`, as in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Value => "value",
        }
    }
}

/// The unit that crosses pipeline channels: records in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordBatch {
    /// The records, in order.
    pub records: Vec<Record>,
}

impl RecordBatch {
    /// A batch of `records`.
    pub fn new(records: Vec<Record>) -> Self {
        Self { records }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the batch holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
