//! Sluice's data plane and connector SPI.
//!
//! - [`config`]: connector and worker configuration as Kafka Connect reads it — `.properties` and
//!   JSON files, typed config definitions that drive validation and the REST `config/validate`
//!   answer, and config providers (`${env:…}`, `${file:…}`, `${directory:…}`).
//! - [`connector`]: the connector SPI — connectors, source and sink tasks, their contexts.
//! - [`converters`]: Connect data ⇄ bytes, by Kafka class name and alias.
//! - [`dry_run`]: a connector's converters and transforms run on sample records, for
//!   `sluice transform`.
//! - [`errors`]: `errors.*` retries, tolerance and the dead letter queue context headers.
//! - [`kafka`]: the Kafka clients of tasks (librdkafka): client configs with Kafka Connect's
//!   defaults and overrides, producer, consumer, admin, and `topic.creation.*`.
//! - [`metrics`]: task metrics with Kafka Connect's meanings, through the `metrics` facade.
//! - [`offsets`]: source offset stores (memory; the standalone file, byte-compatible with
//!   Kafka Connect's).
//! - [`pipeline`]: the task pipelines moving batches between tasks and Kafka over bounded
//!   channels (source and sink).
//! - [`record`]: source and sink records and the [`record::RecordBatch`] that crosses every
//!   pipeline boundary.
//! - [`schema_registry`]: Confluent Schema Registry clients (memory, HTTP, cached).
//! - [`transforms`] and [`predicates`]: single message transforms and the predicates that gate
//!   them, by Kafka class name and alias.
//! - [`values`]: Connect's `Values` rules for writing values as text and inferring them back.
//! - [`worker`]: the config side of a worker — worker config, the framework's connector keys,
//!   connector config validation and the plugin listing the REST API reports.

pub mod config;
pub mod connector;
pub mod converters;
pub mod dry_run;
pub mod errors;
mod java_text;
pub mod kafka;
pub mod metrics;
pub mod offsets;
pub mod pipeline;
pub mod predicates;
pub mod record;
pub mod schema_registry;
pub mod transforms;
pub mod values;
pub mod worker;
