//! Source offset storage: the [`OffsetBackingStore`] trait over raw key/value bytes (the same
//! bytes Kafka Connect writes), and its memory and file implementations.
//!
//! Keys are the JSON array `["<connector>",{<source partition>}]` and values the JSON offset
//! map, both compact JSON; a `None` value is a tombstone that deletes the partition's offset.

mod file;
mod java_map;
mod memory;

pub use file::FileOffsetBackingStore;
pub use java_map::JavaMapError;
pub use memory::MemoryOffsetBackingStore;

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
