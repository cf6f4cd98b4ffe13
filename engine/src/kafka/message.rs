//! [`KafkaMessage`]: a Kafka record as bytes, as produced and consumed by the client wrappers.

use bytes::Bytes;
use rdkafka::message::{BorrowedMessage, Headers, Message, OwnedHeaders};
use sluice_codecs::Str;

use crate::record::TimestampType;

/// One Kafka record header; a `None` value is a null header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaHeader {
    /// The header key.
    pub key: Str,
    /// The value bytes.
    pub value: Option<Bytes>,
}

/// A Kafka record as bytes: what a producer sends or a consumer received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaMessage {
    /// The topic.
    pub topic: Str,
    /// The partition; `None` on send lets the partitioner choose.
    pub partition: Option<i32>,
    /// The offset of a consumed record; `None` on send.
    pub offset: Option<i64>,
    /// Milliseconds since the epoch; `None` on send lets the producer stamp it.
    pub timestamp: Option<i64>,
    /// How the timestamp of a consumed record was set.
    pub timestamp_type: TimestampType,
    /// The key; `None` for a null key.
    pub key: Option<Bytes>,
    /// The value; `None` for a tombstone.
    pub value: Option<Bytes>,
    /// The headers, in order.
    pub headers: Vec<KafkaHeader>,
}

impl KafkaMessage {
    /// A record for `topic` with `key` and `value`, partition and timestamp left to the producer.
    pub fn new(topic: impl Into<Str>, key: Option<Bytes>, value: Option<Bytes>) -> Self {
        Self {
            topic: topic.into(),
            partition: None,
            offset: None,
            timestamp: None,
            timestamp_type: TimestampType::NoTimestampType,
            key,
            value,
            headers: Vec::new(),
        }
    }

    /// Appends a header.
    pub fn with_header(mut self, key: impl Into<Str>, value: Option<Bytes>) -> Self {
        self.headers.push(KafkaHeader {
            key: key.into(),
            value,
        });
        self
    }

    /// Copies a consumed message out of librdkafka's buffer. The topic name is shared with
    /// `previous_topic` when it is the same (messages come in runs of one topic), else copied.
    pub(crate) fn from_borrowed(
        message: &BorrowedMessage<'_>,
        previous_topic: Option<&Str>,
    ) -> Self {
        let (timestamp, timestamp_type) = match message.timestamp() {
            rdkafka::Timestamp::NotAvailable => (None, TimestampType::NoTimestampType),
            rdkafka::Timestamp::CreateTime(ms) => (Some(ms), TimestampType::CreateTime),
            rdkafka::Timestamp::LogAppendTime(ms) => (Some(ms), TimestampType::LogAppendTime),
        };
        let headers = message
            .headers()
            .map(|headers| {
                headers
                    .iter()
                    .map(|header| KafkaHeader {
                        key: Str::from(header.key),
                        value: header.value.map(Bytes::copy_from_slice),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (key, value) = copy_key_and_value(message.key(), message.payload());
        Self {
            topic: match previous_topic {
                Some(previous) if previous.as_str() == message.topic() => previous.clone(),
                _ => Str::from(message.topic()),
            },
            partition: Some(message.partition()),
            offset: Some(message.offset()),
            timestamp,
            timestamp_type,
            key,
            value,
            headers,
        }
    }

    /// The headers as rdkafka sends them; `None` when there are none.
    pub(crate) fn rdkafka_headers(&self) -> Option<OwnedHeaders> {
        if self.headers.is_empty() {
            return None;
        }
        let mut headers = OwnedHeaders::new_with_capacity(self.headers.len());
        for header in &self.headers {
            headers = headers.insert(rdkafka::message::Header {
                key: header.key.as_str(),
                value: header.value.as_deref(),
            });
        }
        Some(headers)
    }
}

/// Copies a consumed record's key and value out of librdkafka's buffer into one allocation
/// they share: half the allocations of two copies, and the first clone of either (a converter
/// passing bytes through) is then a reference count, not another allocation.
fn copy_key_and_value(key: Option<&[u8]>, value: Option<&[u8]>) -> (Option<Bytes>, Option<Bytes>) {
    match (key, value) {
        (Some(key), Some(value)) => {
            let mut both = Vec::with_capacity(key.len() + value.len());
            both.extend_from_slice(key);
            both.extend_from_slice(value);
            let mut value = Bytes::from(both);
            let key = value.split_to(key.len());
            (Some(key), Some(value))
        }
        (key, value) => (
            key.map(Bytes::copy_from_slice),
            value.map(Bytes::copy_from_slice),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &'static str) -> Option<Bytes> {
        Some(Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn key_and_value_are_copied_whole_whichever_is_present() {
        let copy = |key: Option<&str>, value: Option<&str>| {
            copy_key_and_value(key.map(str::as_bytes), value.map(str::as_bytes))
        };
        assert_eq!(
            copy(Some("k1"), Some("value")),
            (bytes("k1"), bytes("value"))
        );
        assert_eq!(copy(Some(""), Some("v")), (bytes(""), bytes("v")));
        assert_eq!(copy(Some("k"), Some("")), (bytes("k"), bytes("")));
        assert_eq!(copy(None, Some("v")), (None, bytes("v")));
        assert_eq!(copy(Some("k"), None), (bytes("k"), None));
        assert_eq!(copy(None, None), (None, None));
    }
}
