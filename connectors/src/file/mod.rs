//! Kafka's FileStream connectors (`org.apache.kafka.connect.file`): a source that tails a text
//! file (or stdin) line by line, and a sink that appends each record's value to a file (or
//! stdout).

pub mod sink;
pub mod source;

#[cfg(test)]
mod source_tests;

pub use sink::{FileStreamSinkConnector, FileStreamSinkTask};
pub use source::{FileStreamSourceConnector, FileStreamSourceTask};

/// The `file` key both connectors share: the path, or null/empty for stdin/stdout.
pub const FILE_CONFIG: &str = "file";

/// The file named by `file`, or `None` (stdin/stdout) when it is absent or empty, as Kafka's
/// `filename == null || filename.isEmpty()` check does.
fn configured_file(config: &sluice_engine::config::Config) -> Option<String> {
    config
        .string(FILE_CONFIG)
        .filter(|file| !file.is_empty())
        .map(str::to_owned)
}
