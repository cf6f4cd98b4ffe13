//! Source offset storage: the [`OffsetBackingStore`] trait over raw key/value bytes (the same
//! bytes Kafka Connect writes), its memory, file and Kafka-topic implementations, and the JSON
//! encoding of those bytes ([`json`]).
//!
//! Keys are the JSON array `["<connector>",{<source partition>}]` and values the JSON offset
//! map, both compact JSON; a `None` value is a tombstone that deletes the partition's offset.

mod file;
mod java_map;
pub mod json;
mod kafka;
mod memory;
mod reader;

pub use file::FileOffsetBackingStore;
pub use java_map::JavaMapError;
pub use json::{
    OffsetJsonError, offset_key_bytes, offset_value_bytes, parse_offset_key, parse_offset_value,
};
pub use kafka::{KafkaOffsetBackingStore, KafkaOffsetStoreConfig};
pub use memory::MemoryOffsetBackingStore;
pub use reader::StoreOffsetReader;

use bytes::Bytes;

/// Offset storage failed.
#[derive(Debug, thiserror::Error)]
pub enum OffsetStoreError {
    /// Reading or writing the offset file failed.
    #[error("offset file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The offset file is not a serialised `HashMap<byte[],byte[]>`.
    #[error("offset file {path} is corrupt: {source}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        source: JavaMapError,
    },
    /// Reading or writing the offsets topic failed.
    #[error("offsets topic {topic}: {source}")]
    Kafka {
        /// The topic.
        topic: String,
        /// The client error.
        source: Box<crate::kafka::KafkaClientError>,
    },
    /// The offsets topic exists but is not compacted, so offsets could be lost.
    #[error(
        "offsets topic {topic} must be compacted (cleanup.policy=compact), but its cleanup.policy is {policy}"
    )]
    NotCompacted {
        /// The topic.
        topic: String,
        /// Its cleanup policy.
        policy: String,
    },
}

/// Where source offsets live: Kafka Connect's `OffsetBackingStore`, over raw bytes.
pub trait OffsetBackingStore: Send + Sync {
    /// The stored values of `keys`; keys without a value are left out.
    fn get(&self, keys: &[Bytes]) -> Result<Vec<(Bytes, Bytes)>, OffsetStoreError>;

    /// Stores `entries` durably before returning; a `None` value deletes the key.
    fn set(&self, entries: &[(Bytes, Option<Bytes>)]) -> Result<(), OffsetStoreError>;

    /// Every stored key, for listing a connector's partitions.
    fn keys(&self) -> Result<Vec<Bytes>, OffsetStoreError>;
}
