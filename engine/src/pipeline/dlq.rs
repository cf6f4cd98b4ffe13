//! [`DeadLetterQueue`]: `errors.deadletterqueue.*` — failed records written to a topic, with the
//! `__connect.errors.*` context headers when enabled.

use std::time::Duration;

use super::PipelineError;
use crate::errors::{ErrorContext, dlq_context_headers};
use crate::kafka::{KafkaAdmin, KafkaClientError, KafkaMessage, KafkaProducer, NewTopicSpec};

/// How long a DLQ write may take before the task fails.
const DLQ_TIMEOUT: Duration = Duration::from_secs(30);

/// A dead letter queue topic and its producer (`connector-dlq-producer-<id>`). Writes are
/// queued ([`DeadLetterQueue::write`]) and acknowledged together ([`DeadLetterQueue::flush`]),
/// so a batch with many failed records waits for the broker once, not once per record.
pub struct DeadLetterQueue {
    producer: KafkaProducer,
    topic: String,
    context_headers: bool,
    /// Writes queued since the last flush.
    queued: usize,
}

impl DeadLetterQueue {
    /// A DLQ writing to `topic`, created (1 partition, `replication_factor`) if missing.
    pub fn new(
        producer: KafkaProducer,
        admin: &KafkaAdmin,
        topic: impl Into<String>,
        replication_factor: i16,
        context_headers: bool,
    ) -> Result<Self, PipelineError> {
        let topic = topic.into();
        let mut spec = NewTopicSpec::new(topic.clone());
        spec.partitions = 1;
        spec.replication_factor = replication_factor;
        admin.create_topic(&spec)?;
        Ok(Self {
            producer,
            topic,
            context_headers,
            queued: 0,
        })
    }

    /// The DLQ topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Queues `message` (the failed record's bytes) for the DLQ; [`DeadLetterQueue::flush`]
    /// waits for its acknowledgement. A write that already failed is the error.
    pub fn write(
        &mut self,
        mut message: KafkaMessage,
        context: &ErrorContext<'_>,
    ) -> Result<(), PipelineError> {
        message.topic = self.topic.as_str().into();
        message.partition = None;
        message.offset = None;
        if self.context_headers {
            for (key, value) in dlq_context_headers(context) {
                message = message.with_header(key, Some(value));
            }
        }
        self.producer.send(&message, 0)?;
        self.queued += 1;
        self.producer.poll(Duration::ZERO)?;
        self.take_failure()
    }

    /// Waits until every queued write is acknowledged; the first failed write is the error.
    pub fn flush(&mut self) -> Result<(), PipelineError> {
        if self.queued == 0 {
            return Ok(());
        }
        self.producer.flush(DLQ_TIMEOUT)?;
        self.queued = 0;
        self.take_failure()
    }

    /// The first failed delivery reported so far, as an error.
    fn take_failure(&self) -> Result<(), PipelineError> {
        let mut failure = None;
        while let Ok(delivery) = self.producer.deliveries().try_recv() {
            if let Err(error) = delivery.result {
                failure.get_or_insert(error);
            }
        }
        match failure {
            None => Ok(()),
            Some(error) => Err(KafkaClientError::client(
                format!("writing to the dead letter queue topic {}", self.topic),
                error,
            )
            .into()),
        }
    }
}
