//! The dead letter queue context headers (`__connect.errors.*`), exactly as Kafka Connect's
//! `DeadLetterQueueReporter` writes them: UTF-8 strings.

use bytes::Bytes;

use super::Stage;

/// What is known about a failed record, for the DLQ headers and the error log.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorContext<'a> {
    /// Topic the record was consumed from (or is produced to, for sources).
    pub topic: &'a str,
    /// Its partition, when known.
    pub partition: Option<i32>,
    /// Its offset, when known.
    pub offset: Option<i64>,
    /// The connector name.
    pub connector: &'a str,
    /// The task number.
    pub task_id: u32,
    /// Where it failed.
    pub stage: Stage,
    /// The component that was running (a converter or transform class name).
    pub class_name: &'a str,
    /// The error's kind, standing in for Java's exception class name.
    pub exception_class: &'a str,
    /// The error message.
    pub message: &'a str,
    /// The error with its causes, standing in for Java's stack trace.
    pub trace: &'a str,
}

/// The `__connect.errors.*` headers for `context`, in the order Kafka writes them.
pub fn dlq_context_headers(context: &ErrorContext<'_>) -> Vec<(&'static str, Bytes)> {
    let text = |value: &str| Bytes::copy_from_slice(value.as_bytes());
    let mut headers = vec![("__connect.errors.topic", text(context.topic))];
    if let Some(partition) = context.partition {
        headers.push(("__connect.errors.partition", text(&partition.to_string())));
    }
    if let Some(offset) = context.offset {
        headers.push(("__connect.errors.offset", text(&offset.to_string())));
    }
    headers.extend([
        ("__connect.errors.connector.name", text(context.connector)),
        (
            "__connect.errors.task.id",
            text(&context.task_id.to_string()),
        ),
        ("__connect.errors.stage", text(context.stage.name())),
        ("__connect.errors.class.name", text(context.class_name)),
        (
            "__connect.errors.exception.class.name",
            text(context.exception_class),
        ),
        ("__connect.errors.exception.message", text(context.message)),
        ("__connect.errors.exception.stacktrace", text(context.trace)),
    ]);
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_kafkas_names_and_string_values() {
        let context = ErrorContext {
            topic: "orders",
            partition: Some(2),
            offset: Some(1234),
            connector: "jdbc-sink",
            task_id: 0,
            stage: Stage::ValueConverter,
            class_name: "org.apache.kafka.connect.json.JsonConverter",
            exception_class: "DataException",
            message: "Converting byte[] to Kafka Connect data failed",
            trace: "DataException: Converting byte[] to Kafka Connect data failed",
        };
        let headers: Vec<_> = dlq_context_headers(&context)
            .into_iter()
            .map(|(key, value)| format!("{key}={}", String::from_utf8_lossy(&value)))
            .collect();
        assert_eq!(
            headers,
            [
                "__connect.errors.topic=orders",
                "__connect.errors.partition=2",
                "__connect.errors.offset=1234",
                "__connect.errors.connector.name=jdbc-sink",
                "__connect.errors.task.id=0",
                "__connect.errors.stage=VALUE_CONVERTER",
                "__connect.errors.class.name=org.apache.kafka.connect.json.JsonConverter",
                "__connect.errors.exception.class.name=DataException",
                "__connect.errors.exception.message=Converting byte[] to Kafka Connect data failed",
                "__connect.errors.exception.stacktrace=DataException: Converting byte[] to Kafka Connect data failed",
            ]
        );
    }
}
