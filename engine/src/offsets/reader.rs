//! [`StoreOffsetReader`]: a task's [`OffsetReader`] over an [`OffsetBackingStore`] (Kafka
//! Connect's `OffsetStorageReaderImpl`): source partitions become offset keys of the task's
//! connector, stored values are parsed back into offsets.

use std::sync::Arc;

use super::OffsetBackingStore;
use super::json::{offset_key_bytes, parse_offset_value};
use crate::connector::{ConnectError, OffsetReader};
use crate::record::SourceMap;

/// Reads a connector's committed source offsets from a store.
#[derive(Clone)]
pub struct StoreOffsetReader {
    connector: String,
    store: Arc<dyn OffsetBackingStore>,
}

impl StoreOffsetReader {
    /// A reader of `connector`'s offsets in `store`.
    pub fn new(connector: impl Into<String>, store: Arc<dyn OffsetBackingStore>) -> Self {
        Self {
            connector: connector.into(),
            store,
        }
    }
}

impl OffsetReader for StoreOffsetReader {
    fn offset(&self, partition: &SourceMap) -> Result<Option<SourceMap>, ConnectError> {
        let key = offset_key_bytes(&self.connector, partition)
            .map_err(|error| ConnectError::fatal(error.to_string()))?;
        let found = self
            .store
            .get(std::slice::from_ref(&key))
            .map_err(|error| ConnectError::retriable(error.to_string()))?;
        match found.first() {
            None => Ok(None),
            // A value that is not an offset map is logged and ignored in Kafka.
            Some((_, value)) => Ok(parse_offset_value(value).ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use sluice_codecs::Value;

    use super::*;
    use crate::offsets::MemoryOffsetBackingStore;

    #[test]
    fn reads_the_offset_stored_under_the_connectors_key() {
        let store = Arc::new(MemoryOffsetBackingStore::new());
        store
            .set(&[(
                Bytes::from_static(br#"["file-source",{"filename":"test.txt"}]"#),
                Some(Bytes::from_static(br#"{"position":1234}"#)),
            )])
            .expect("memory set");
        let reader = StoreOffsetReader::new("file-source", store);
        let partition: SourceMap = [("filename".to_owned(), Value::string("test.txt"))]
            .into_iter()
            .collect();
        let offset = reader.offset(&partition).expect("read");
        assert_eq!(
            offset,
            Some(
                [("position".to_owned(), Value::Int64(1234))]
                    .into_iter()
                    .collect()
            )
        );
        let other: SourceMap = [("filename".to_owned(), Value::string("x"))]
            .into_iter()
            .collect();
        assert_eq!(reader.offset(&other).expect("read"), None);
    }
}
