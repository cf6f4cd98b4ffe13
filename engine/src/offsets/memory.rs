//! [`MemoryOffsetBackingStore`]: offsets kept in memory only (Kafka's
//! `MemoryOffsetBackingStore`), for tests and as the core of the file store.

use std::collections::HashMap;
use std::sync::RwLock;

use bytes::Bytes;

use super::{OffsetBackingStore, OffsetStoreError};

/// Offsets in a map in memory; lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryOffsetBackingStore {
    data: RwLock<HashMap<Bytes, Bytes>>,
}

impl MemoryOffsetBackingStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `entries`.
    pub fn with_entries(entries: impl IntoIterator<Item = (Bytes, Bytes)>) -> Self {
        Self {
            data: RwLock::new(entries.into_iter().collect()),
        }
    }

    /// Stores `value` under `key`, or deletes `key` when `value` is `None`.
    pub(super) fn update(&self, key: Bytes, value: Option<Bytes>) {
        let mut data = self
            .data
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match value {
            Some(value) => data.insert(key, value),
            None => data.remove(&key),
        };
    }

    /// Applies `entries` and returns a snapshot of everything stored afterwards.
    pub(super) fn apply(&self, entries: &[(Bytes, Option<Bytes>)]) -> Vec<(Bytes, Bytes)> {
        let mut data = self
            .data
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (key, value) in entries {
            match value {
                Some(value) => data.insert(key.clone(), value.clone()),
                None => data.remove(key),
            };
        }
        data.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl OffsetBackingStore for MemoryOffsetBackingStore {
    fn get(&self, keys: &[Bytes]) -> Result<Vec<(Bytes, Bytes)>, OffsetStoreError> {
        let data = self
            .data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(keys
            .iter()
            .filter_map(|key| Some((key.clone(), data.get(key)?.clone())))
            .collect())
    }

    fn set(&self, entries: &[(Bytes, Option<Bytes>)]) -> Result<(), OffsetStoreError> {
        self.apply(entries);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<Bytes>, OffsetStoreError> {
        let data = self
            .data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(data.keys().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tombstone_deletes_and_get_skips_missing_keys() {
        let store = MemoryOffsetBackingStore::new();
        let key = Bytes::from_static(br#"["c",{"p":1}]"#);
        store
            .set(&[(key.clone(), Some(Bytes::from_static(br#"{"o":5}"#)))])
            .expect("memory set");
        assert_eq!(
            store
                .get(&[key.clone(), Bytes::from_static(b"x")])
                .expect("get")
                .len(),
            1
        );
        store.set(&[(key.clone(), None)]).expect("memory set");
        assert!(store.get(&[key]).expect("get").is_empty());
    }
}
