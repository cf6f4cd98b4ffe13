//! [`SinkStages`]: what the task thread does to consumed messages before `put` — key, value
//! and header converters, then the transforms (Kafka Connect's
//! `WorkerSinkTask.convertMessages`, on the task's own thread as there).

use std::sync::Arc;

use bytes::Bytes;
use sluice_codecs::Headers;

use super::topic_name::TopicNames;
use crate::converters::{Converter, SchemaAndValue};
use crate::errors::{ErrorContext, FailedRecord, Failure, RetryWithTolerance, Stage, StageError};
use crate::kafka::KafkaMessage;
use crate::pipeline::report::FailureReporter;
use crate::pipeline::{PipelineError, RecordStages};
use crate::record::{Origin, Record, RecordBatch};
use crate::transforms::Outcome;

/// A sink task's converters and transforms, under `errors.*`.
pub(super) struct SinkStages {
    pub(super) connector: String,
    pub(super) task_id: u32,
    pub(super) stages: RecordStages,
    pub(super) errors: RetryWithTolerance,
    pub(super) reporter: Arc<FailureReporter>,
    /// The records' topic names, the task thread's own (not the fetch thread's).
    pub(super) topic_names: TopicNames,
}

impl SinkStages {
    /// The records `put` gets for `messages`. A record that fails within `errors.tolerance`
    /// is logged and written, as consumed, to the DLQ, and left out; those writes are
    /// acknowledged before this returns, so the batch's offsets may be committed once it was
    /// put. A failure beyond the tolerance fails the task.
    pub(super) fn convert(
        &mut self,
        messages: &[KafkaMessage],
    ) -> Result<RecordBatch, PipelineError> {
        let mut records = Vec::with_capacity(messages.len());
        for message in messages {
            if let Some(record) = self.record(message)? {
                records.push(record);
            }
        }
        self.reporter.flush()?;
        Ok(RecordBatch::new(records))
    }

    /// Converts and transforms one message; `None` when it was dropped or skipped.
    fn record(&mut self, message: &KafkaMessage) -> Result<Option<Record>, PipelineError> {
        match self.convert_and_transform(message) {
            Ok(record) => Ok(record),
            Err(Failure::Tolerated { stage, error }) => {
                let context = self.error_context(message, stage, &error);
                self.reporter
                    .report(&context, FailedRecord::Consumed, || message.clone())?;
                Ok(None)
            }
            Err(Failure::Fatal { stage, error }) => {
                let context = self.error_context(message, stage, &error);
                self.reporter.log(&context, FailedRecord::Consumed);
                Err(PipelineError::ToleranceExceeded {
                    stage,
                    message: error,
                })
            }
        }
    }

    fn convert_and_transform(
        &mut self,
        message: &KafkaMessage,
    ) -> Result<Option<Record>, Failure<String>> {
        let topic = message.topic.as_str();
        let record_topic = self.topic_names.name(topic);
        let errors = &self.errors;
        let fatal = |error: &dyn std::fmt::Display| StageError::Fatal(error.to_string());
        let (key_schema, key) = to_connect(
            errors,
            Stage::KeyConverter,
            self.stages.key_converter.as_mut(),
            topic,
            message.key.as_ref(),
        )?;
        let (value_schema, value) = to_connect(
            errors,
            Stage::ValueConverter,
            self.stages.value_converter.as_mut(),
            topic,
            message.value.as_ref(),
        )?;
        // Built in one piece: the record is large, and a builder chain moves it at each step.
        let partition = message.partition.unwrap_or(-1);
        let offset = message.offset.unwrap_or(-1);
        let mut record = Record {
            topic: record_topic.clone(),
            partition: Some(partition),
            key_schema,
            key,
            value_schema,
            value,
            timestamp: message.timestamp,
            headers: Headers::new(),
            origin: Origin::Sink {
                offset,
                timestamp_type: message.timestamp_type,
                original_topic: record_topic,
                original_partition: partition,
                original_offset: offset,
            },
        };
        for header in &message.headers {
            let header_converter = &mut self.stages.header_converter;
            let (schema, value) = errors.execute(Stage::HeaderConverter, || {
                header_converter
                    .header_to_connect(topic, &header.key, header.value.as_ref())
                    .map_err(|e| fatal(&e))
            })?;
            record.headers.add(header.key.clone(), schema, value);
        }
        let transforms = &mut self.stages.transforms;
        let outcome = errors.execute(Stage::Transformation, || {
            transforms.apply(&mut record).map_err(|e| fatal(&e))
        })?;
        Ok((outcome == Outcome::Keep).then_some(record))
    }

    fn error_context<'a>(
        &'a self,
        message: &'a KafkaMessage,
        stage: Stage,
        error: &'a str,
    ) -> ErrorContext<'a> {
        ErrorContext {
            topic: message.topic.as_str(),
            partition: message.partition,
            offset: message.offset,
            connector: &self.connector,
            task_id: self.task_id,
            stage,
            class_name: stage.name(),
            exception_class: "org.apache.kafka.connect.errors.DataException",
            message: error,
            trace: error,
        }
    }
}

/// Runs one key or value converter under `errors.*`.
fn to_connect(
    errors: &RetryWithTolerance,
    stage: Stage,
    converter: &mut dyn Converter,
    topic: &str,
    bytes: Option<&Bytes>,
) -> Result<SchemaAndValue, Failure<String>> {
    errors.execute(stage, || {
        converter
            .to_connect(topic, bytes)
            .map_err(|error| StageError::Fatal(error.to_string()))
    })
}
