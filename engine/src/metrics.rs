//! Task metrics, recorded through the `metrics` facade with the meaning of Kafka Connect's
//! metric groups (§9 of the reference). Names follow what the Prometheus JMX exporter makes of
//! Kafka's MBeans — `kafka_connect_<group>_<metric>` with dashes as underscores — labelled by
//! `connector` and `task`, so existing dashboards keep working.
//!
//! Handles are registered once per task and updated per batch, never looked up per record.
//! Without an installed recorder every handle is a no-op.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};

/// The `connector` and `task` labels of a task's metrics.
fn labels(connector: &str, task: u32) -> [(&'static str, String); 2] {
    [
        ("connector", connector.to_owned()),
        ("task", task.to_string()),
    ]
}

fn millis(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

/// `task-error-metrics`: record failures, errors, skips, retries, logged errors and DLQ writes.
#[derive(Clone)]
pub struct ErrorMetrics {
    record_failures: Counter,
    record_errors: Counter,
    records_skipped: Counter,
    retries: Counter,
    errors_logged: Counter,
    dlq_requests: Counter,
    dlq_failures: Counter,
    last_error: Gauge,
}

impl Default for ErrorMetrics {
    fn default() -> Self {
        Self {
            record_failures: Counter::noop(),
            record_errors: Counter::noop(),
            records_skipped: Counter::noop(),
            retries: Counter::noop(),
            errors_logged: Counter::noop(),
            dlq_requests: Counter::noop(),
            dlq_failures: Counter::noop(),
            last_error: Gauge::noop(),
        }
    }
}

impl ErrorMetrics {
    /// The handles of task `task` of `connector`.
    pub fn new(connector: &str, task: u32) -> Self {
        let l = labels(connector, task);
        Self {
            record_failures: counter!("kafka_connect_task_error_metrics_total_record_failures", &l),
            record_errors: counter!("kafka_connect_task_error_metrics_total_record_errors", &l),
            records_skipped: counter!("kafka_connect_task_error_metrics_total_records_skipped", &l),
            retries: counter!("kafka_connect_task_error_metrics_total_retries", &l),
            errors_logged: counter!("kafka_connect_task_error_metrics_total_errors_logged", &l),
            dlq_requests: counter!(
                "kafka_connect_task_error_metrics_deadletterqueue_produce_requests",
                &l
            ),
            dlq_failures: counter!(
                "kafka_connect_task_error_metrics_deadletterqueue_produce_failures",
                &l
            ),
            last_error: gauge!("kafka_connect_task_error_metrics_last_error_timestamp", &l),
        }
    }

    /// One failed attempt at an operation (retried or not).
    pub fn record_failure(&self) {
        self.record_failures.increment(1);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.last_error.set(now.as_millis() as f64);
    }

    /// An operation about to be retried.
    pub fn retry(&self) {
        self.retries.increment(1);
    }

    /// A record that ended in an error; `skipped` when tolerance let it through.
    pub fn record_error(&self, skipped: bool) {
        self.record_errors.increment(1);
        if skipped {
            self.records_skipped.increment(1);
        }
    }

    /// An error written to the log.
    pub fn error_logged(&self) {
        self.errors_logged.increment(1);
    }

    /// A DLQ write, and whether it failed.
    pub fn dlq_write(&self, failed: bool) {
        self.dlq_requests.increment(1);
        if failed {
            self.dlq_failures.increment(1);
        }
    }

    /// A queued DLQ write turned out to have failed when the queue was flushed.
    pub fn dlq_failure(&self) {
        self.dlq_failures.increment(1);
    }
}

/// Offset commit outcomes and durations (`connector-task-metrics`).
#[derive(Clone)]
pub struct CommitMetrics {
    time_ms: Histogram,
    success: Counter,
    failure: Counter,
}

impl CommitMetrics {
    fn new(l: &[(&'static str, String); 2]) -> Self {
        Self {
            time_ms: histogram!(
                "kafka_connect_connector_task_metrics_offset_commit_time_ms",
                l
            ),
            success: counter!(
                "kafka_connect_connector_task_metrics_offset_commit_success_total",
                l
            ),
            failure: counter!(
                "kafka_connect_connector_task_metrics_offset_commit_failure_total",
                l
            ),
        }
    }

    /// A commit that took `elapsed` and succeeded or not.
    pub fn commit(&self, elapsed: Duration, succeeded: bool) {
        self.time_ms.record(millis(elapsed));
        if succeeded {
            self.success.increment(1);
        } else {
            self.failure.increment(1);
        }
    }
}

/// `source-task-metrics` and the task-level batch and commit metrics of a source task.
/// Acknowledgements are counted locally and published by
/// [`SourceMetrics::flush_acknowledged`], not one atomic update per record.
#[derive(Clone)]
pub struct SourceMetrics {
    poll_total: Counter,
    write_total: Counter,
    poll_time_ms: Histogram,
    batch_size: Histogram,
    active: Gauge,
    /// Offset commits.
    pub commits: CommitMetrics,
    acknowledged: u64,
    written: u64,
}

impl SourceMetrics {
    /// The handles of source task `task` of `connector`.
    pub fn new(connector: &str, task: u32) -> Self {
        let l = labels(connector, task);
        Self {
            poll_total: counter!(
                "kafka_connect_source_task_metrics_source_record_poll_total",
                &l
            ),
            write_total: counter!(
                "kafka_connect_source_task_metrics_source_record_write_total",
                &l
            ),
            poll_time_ms: histogram!("kafka_connect_source_task_metrics_poll_batch_time_ms", &l),
            batch_size: histogram!("kafka_connect_connector_task_metrics_batch_size", &l),
            active: gauge!(
                "kafka_connect_source_task_metrics_source_record_active_count",
                &l
            ),
            commits: CommitMetrics::new(&l),
            acknowledged: 0,
            written: 0,
        }
    }

    /// `poll()` returned `records` records after `elapsed`.
    pub fn polled(&self, records: usize, elapsed: Duration) {
        self.poll_total.increment(records as u64);
        self.poll_time_ms.record(millis(elapsed));
        self.batch_size.record(records as f64);
    }

    /// `records` records were handed to the producer.
    pub fn submitted(&self, records: usize) {
        self.active.increment(records as f64);
    }

    /// A submitted record was acknowledged (`written`) or dropped; published at the next
    /// [`SourceMetrics::flush_acknowledged`].
    pub fn acknowledged(&mut self, written: bool) {
        self.acknowledged += 1;
        self.written += u64::from(written);
    }

    /// Publishes the acknowledgements counted since the last call.
    pub fn flush_acknowledged(&mut self) {
        if self.acknowledged > 0 {
            self.active.decrement(self.acknowledged as f64);
            self.write_total.increment(self.written);
            self.acknowledged = 0;
            self.written = 0;
        }
    }
}

/// `sink-task-metrics` and the task-level batch and commit metrics of a sink task.
#[derive(Clone)]
pub struct SinkMetrics {
    read_total: Counter,
    send_total: Counter,
    put_time_ms: Histogram,
    batch_size: Histogram,
    partition_count: Gauge,
    /// Offset commits.
    pub commits: CommitMetrics,
}

impl SinkMetrics {
    /// The handles of sink task `task` of `connector`.
    pub fn new(connector: &str, task: u32) -> Self {
        let l = labels(connector, task);
        Self {
            read_total: counter!("kafka_connect_sink_task_metrics_sink_record_read_total", &l),
            send_total: counter!("kafka_connect_sink_task_metrics_sink_record_send_total", &l),
            put_time_ms: histogram!("kafka_connect_sink_task_metrics_put_batch_time_ms", &l),
            batch_size: histogram!("kafka_connect_connector_task_metrics_batch_size", &l),
            partition_count: gauge!("kafka_connect_sink_task_metrics_partition_count", &l),
            commits: CommitMetrics::new(&l),
        }
    }

    /// `records` records were consumed.
    pub fn read(&self, records: usize) {
        self.read_total.increment(records as u64);
    }

    /// `put()` took `records` records and `elapsed`.
    pub fn put(&self, records: usize, elapsed: Duration) {
        self.send_total.increment(records as u64);
        self.put_time_ms.record(millis(elapsed));
        self.batch_size.record(records as f64);
    }

    /// The task now has `partitions` partitions.
    pub fn partitions(&self, partitions: usize) {
        self.partition_count.set(partitions as f64);
    }
}
