//! [`DeadLetterQueue`]: `errors.deadletterqueue.*` — failed records written to a topic, with the
//! `__connect.errors.*` context headers when enabled.

use std::time::Duration;

use super::PipelineError;
use crate::errors::{ErrorContext, dlq_context_headers};
use crate::kafka::{KafkaAdmin, KafkaMessage, KafkaProducer, NewTopicSpec};

/// How long a DLQ write may take before the task fails.
const DLQ_TIMEOUT: Duration = Duration::from_secs(30);

/// A dead letter queue topic and its producer (`connector-dlq-producer-<id>`).
pub struct DeadLetterQueue {
    producer: KafkaProducer,
    topic: String,
    context_headers: bool,
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
        })
    }

    /// The DLQ topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Writes `message` (the failed record's bytes) to the DLQ and waits for the ack.
    pub fn report(
        &self,
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
        self.producer
            .send_and_wait(std::slice::from_ref(&message), DLQ_TIMEOUT)?;
        Ok(())
    }
}
