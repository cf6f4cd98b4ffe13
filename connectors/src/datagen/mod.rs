//! Confluent's `io.confluent.kafka.connect.datagen.DatagenConnector`: mock records generated
//! from a bundled quickstart schema or a user-supplied Avro schema with Avro Random Generator
//! hints (`arg.properties`).

mod compile;
mod connector;
mod generator;
pub mod quickstart;
mod regex;
mod task;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_protobuf;
#[cfg(test)]
mod tests_quickstarts;

pub use connector::{DatagenConnector, config_def};
pub use task::DatagenTask;

/// Confluent's class name.
pub const CLASS: &str = "io.confluent.kafka.connect.datagen.DatagenConnector";

/// The topic to write to.
pub const KAFKA_TOPIC_CONFIG: &str = "kafka.topic";
/// Most milliseconds to wait (at random) between two records of a task.
pub const MAX_INTERVAL_CONFIG: &str = "max.interval";
/// Records each task generates; less than 1 for unlimited.
pub const ITERATIONS_CONFIG: &str = "iterations";
/// Path of an Avro schema file.
pub const SCHEMA_FILENAME_CONFIG: &str = "schema.filename";
/// An Avro schema given inline.
pub const SCHEMA_STRING_CONFIG: &str = "schema.string";
/// The field whose value (as a string) becomes the record key.
pub const SCHEMA_KEYFIELD_CONFIG: &str = "schema.keyfield";
/// The name of a bundled schema.
pub const QUICKSTART_CONFIG: &str = "quickstart";
/// Seed of the random generator, for reproducible data.
pub const RANDOM_SEED_CONFIG: &str = "random.seed";
/// Sluice's rate limit per task, in records per second.
pub const RECORDS_PER_SECOND_CONFIG: &str = "records.per.second";
/// The key the connector adds to each task config: the task's number.
pub const TASK_ID: &str = "task.id";
/// Source offset key and header: the task generation (restarts of the task).
pub const TASK_GENERATION: &str = "task.generation";
/// Source offset key and header: how many records the task has generated.
pub const CURRENT_ITERATION: &str = "current.iteration";
/// Source offset key: the random seed the next record starts from.
pub const RANDOM_SEED: &str = "random.seed";
