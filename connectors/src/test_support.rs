//! Test helpers: an in-memory [`OffsetReader`] and task contexts built on it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sluice_engine::config::RawConfig;
use sluice_engine::connector::{ConnectError, OffsetReader, SourceTaskContext};
use sluice_engine::record::{Origin, Record, SourceMap};

/// Committed source offsets held in memory, keyed by the partition's debug rendering (a
/// `SourceMap` is not hashable).
#[derive(Default, Clone)]
pub(crate) struct MemoryOffsets {
    offsets: Arc<Mutex<HashMap<String, SourceMap>>>,
}

impl MemoryOffsets {
    /// Stores `offset` for `partition`, as a commit would.
    pub(crate) fn put(&self, partition: &SourceMap, offset: SourceMap) {
        self.offsets
            .lock()
            .expect("test lock")
            .insert(format!("{partition:?}"), offset);
    }

    /// Commits the source offset of each record, in order.
    pub(crate) fn commit(&self, records: &[Record]) {
        for record in records {
            if let Origin::Source { partition, offset } = &record.origin {
                self.put(partition, offset.clone());
            }
        }
    }

    /// A task context with `config` reading these offsets.
    pub(crate) fn context(&self, config: RawConfig) -> SourceTaskContext {
        SourceTaskContext {
            config,
            offset_reader: Arc::new(self.clone()),
        }
    }
}

impl OffsetReader for MemoryOffsets {
    fn offset(&self, partition: &SourceMap) -> Result<Option<SourceMap>, ConnectError> {
        Ok(self
            .offsets
            .lock()
            .expect("test lock")
            .get(&format!("{partition:?}"))
            .cloned())
    }
}

/// A `RawConfig` from pairs.
pub(crate) fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}
