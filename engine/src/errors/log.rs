//! `errors.log.enable`: each failed record logged at ERROR level, worded as Kafka Connect's
//! `LogReporter` words it.

use std::fmt::Write;

use super::ErrorContext;
use super::config::ErrorHandlingConfig;
use crate::record::Record;

/// The record a failure is logged with when `errors.log.include.messages` is set.
#[derive(Debug, Clone, Copy)]
pub enum FailedRecord<'a> {
    /// A record consumed from Kafka (sinks): logged by the topic, partition and offset of the
    /// [`ErrorContext`], as Kafka logs a `ConsumerRecord`.
    Consumed,
    /// A source task's record: logged whole.
    Source(&'a Record),
}

/// Logs a record failure at ERROR when `errors.log.enable` is set:
/// `Error encountered in task <connector>-<task>. Executing stage '<STAGE>' with class
/// '<class>'[, where consumed record is {topic='…', partition=…, offset=…}].` The record part
/// appears only with `errors.log.include.messages`. Kafka logs tolerated failures and
/// failures reported through the errant record reporter; Sluice logs the failures that fail
/// the task as well, so a log reader sees the record that stopped it.
pub fn log_failure(
    config: &ErrorHandlingConfig,
    context: &ErrorContext<'_>,
    record: FailedRecord<'_>,
) {
    if !config.log_enable {
        return;
    }
    let text = failure_message(context, record, config.log_include_messages);
    tracing::error!(
        connector = context.connector,
        task = context.task_id,
        stage = context.stage.name(),
        error = context.message,
        "{text}"
    );
}

/// The log line of [`log_failure`], without the error itself (a field of the event).
fn failure_message(context: &ErrorContext<'_>, record: FailedRecord<'_>, include: bool) -> String {
    let mut text = format!(
        "Error encountered in task {}-{}. Executing stage '{}' with class '{}'",
        context.connector,
        context.task_id,
        context.stage.name(),
        context.class_name
    );
    if include {
        // Writing to a String cannot fail.
        let _ = match record {
            FailedRecord::Source(record) => write!(text, ", where source record is = {record:?}"),
            FailedRecord::Consumed => write!(
                text,
                ", where consumed record is {{topic='{}', partition={}, offset={}}}",
                context.topic,
                context.partition.unwrap_or(-1),
                context.offset.unwrap_or(-1)
            ),
        };
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record as SpanRecord};
    use tracing::{Event, Level, Metadata, Subscriber};

    use super::*;
    use crate::errors::Stage;

    /// Keeps the level and `message` field of every event.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<(Level, String)>>>);

    struct Message(String);

    impl Visit for Message {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.0 = format!("{value:?}");
            }
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &SpanRecord<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut message = Message(String::new());
            event.record(&mut message);
            self.0
                .lock()
                .expect("test lock")
                .push((*event.metadata().level(), message.0));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    fn context() -> ErrorContext<'static> {
        ErrorContext {
            topic: "orders",
            partition: Some(2),
            offset: Some(1234),
            connector: "jdbc-sink",
            task_id: 0,
            stage: Stage::ValueConverter,
            class_name: "org.apache.kafka.connect.json.JsonConverter",
            exception_class: "org.apache.kafka.connect.errors.DataException",
            message: "Converting byte[] to Kafka Connect data failed",
            trace: "Converting byte[] to Kafka Connect data failed",
        }
    }

    fn logged(config: &ErrorHandlingConfig, record: FailedRecord<'_>) -> Vec<(Level, String)> {
        let capture = Capture::default();
        tracing::subscriber::with_default(capture.clone(), || {
            log_failure(config, &context(), record);
        });
        capture.0.lock().expect("test lock").clone()
    }

    #[test]
    fn nothing_is_logged_without_errors_log_enable() {
        assert!(logged(&ErrorHandlingConfig::default(), FailedRecord::Consumed).is_empty());
    }

    #[test]
    fn enabled_log_names_task_stage_and_class_at_error_level() {
        let config = ErrorHandlingConfig {
            log_enable: true,
            ..Default::default()
        };
        assert_eq!(
            logged(&config, FailedRecord::Consumed),
            [(
                Level::ERROR,
                "Error encountered in task jdbc-sink-0. Executing stage 'VALUE_CONVERTER' with \
                 class 'org.apache.kafka.connect.json.JsonConverter'."
                    .to_owned()
            )]
        );
    }

    #[test]
    fn include_messages_adds_the_consumed_record_location() {
        let config = ErrorHandlingConfig {
            log_enable: true,
            log_include_messages: true,
            ..Default::default()
        };
        assert_eq!(
            logged(&config, FailedRecord::Consumed),
            [(
                Level::ERROR,
                "Error encountered in task jdbc-sink-0. Executing stage 'VALUE_CONVERTER' with \
                 class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is \
                 {topic='orders', partition=2, offset=1234}."
                    .to_owned()
            )]
        );
    }

    #[test]
    fn include_messages_adds_the_whole_source_record() {
        let config = ErrorHandlingConfig {
            log_enable: true,
            log_include_messages: true,
            ..Default::default()
        };
        let record = Record::sink("orders", 2, 1234);
        let events = logged(&config, FailedRecord::Source(&record));
        assert_eq!(events.len(), 1);
        let (level, text) = &events[0];
        assert_eq!(*level, Level::ERROR);
        assert!(
            text.contains(", where source record is = Record {") && text.contains("orders"),
            "{text}"
        );
    }
}
