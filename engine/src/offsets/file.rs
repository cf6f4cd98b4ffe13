//! [`FileOffsetBackingStore`]: standalone mode's `offset.storage.file.filename`, in the format
//! Kafka Connect's `FileOffsetBackingStore` uses (a Java-serialised `HashMap<byte[],byte[]>`),
//! rewritten atomically on every write so a crash never leaves a torn file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;

use super::memory::MemoryOffsetBackingStore;
use super::{OffsetBackingStore, OffsetStoreError, java_map};

/// Offsets kept in memory and saved to a file after every [`OffsetBackingStore::set`].
#[derive(Debug)]
pub struct FileOffsetBackingStore {
    path: PathBuf,
    memory: MemoryOffsetBackingStore,
    /// Serialises saves so two writers never interleave their renames.
    save_lock: Mutex<()>,
}

impl FileOffsetBackingStore {
    /// Opens the store at `path`. A missing or empty file is an empty store, as in Kafka; a
    /// file that cannot be parsed is an error rather than silently lost offsets.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, OffsetStoreError> {
        let path = path.into();
        let entries = match std::fs::read(&path) {
            Ok(bytes) if bytes.is_empty() => Vec::new(),
            Ok(bytes) => {
                java_map::read(Bytes::from(bytes)).map_err(|source| OffsetStoreError::Corrupt {
                    path: path.display().to_string(),
                    source,
                })?
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(OffsetStoreError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let live = entries
            .into_iter()
            .filter_map(|(key, value)| Some((key, value?)));
        Ok(Self {
            memory: MemoryOffsetBackingStore::with_entries(live),
            path,
            save_lock: Mutex::new(()),
        })
    }

    /// The file the offsets are saved to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn save(&self, entries: &[(Bytes, Bytes)]) -> Result<(), OffsetStoreError> {
        let io = |source| OffsetStoreError::Io {
            path: self.path.display().to_string(),
            source,
        };
        let serialised: Vec<java_map::Entry> = entries
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        let bytes = java_map::write(&serialised);
        let mut temp = self.path.clone().into_os_string();
        temp.push(".tmp");
        let temp = PathBuf::from(temp);
        let mut file = std::fs::File::create(&temp).map_err(io)?;
        file.write_all(&bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&temp, &self.path).map_err(io)
    }
}

impl OffsetBackingStore for FileOffsetBackingStore {
    fn get(&self, keys: &[Bytes]) -> Result<Vec<(Bytes, Bytes)>, OffsetStoreError> {
        self.memory.get(keys)
    }

    fn set(&self, entries: &[(Bytes, Option<Bytes>)]) -> Result<(), OffsetStoreError> {
        let _guard = self
            .save_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let snapshot = self.memory.apply(entries);
        self.save(&snapshot)
    }

    fn keys(&self) -> Result<Vec<Bytes>, OffsetStoreError> {
        self.memory.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_survive_reopening() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("connect.offsets");
        let key = Bytes::from_static(br#"["file-source",{"filename":"a.txt"}]"#);
        let gone = Bytes::from_static(br#"["file-source",{"filename":"b.txt"}]"#);
        {
            let store = FileOffsetBackingStore::open(&path).expect("missing file is empty");
            store
                .set(&[
                    (key.clone(), Some(Bytes::from_static(br#"{"position":42}"#))),
                    (gone.clone(), Some(Bytes::from_static(br#"{"position":1}"#))),
                ])
                .expect("saved");
            store.set(&[(gone.clone(), None)]).expect("saved");
        }
        let reopened = FileOffsetBackingStore::open(&path).expect("readable file");
        assert_eq!(
            reopened.get(&[key.clone(), gone]).expect("get"),
            [(key, Bytes::from_static(br#"{"position":42}"#))]
        );
    }

    #[test]
    fn corrupt_file_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("connect.offsets");
        std::fs::write(&path, b"not java").expect("write");
        assert!(matches!(
            FileOffsetBackingStore::open(&path),
            Err(OffsetStoreError::Corrupt { .. })
        ));
    }
}
