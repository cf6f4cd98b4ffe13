//! `org.apache.kafka.connect.file.FileStreamSinkConnector` and its task: appends each record's
//! value, as Java's `toString()` writes it, plus a newline, to a file (or stdout).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;

use sluice_engine::config::{ConfigDef, ConfigKey, ConfigType, Importance, RawConfig};
use sluice_engine::connector::{
    ConnectError, Connector, PartitionOffsets, SinkConnector, SinkTask, SinkTaskContext,
    TopicPartition,
};
use sluice_engine::record::RecordBatch;

use super::{FILE_CONFIG, configured_file};
use crate::java_string::write_java_string;

/// Kafka's class name.
pub const CLASS: &str = "org.apache.kafka.connect.file.FileStreamSinkConnector";

/// The keys of `FileStreamSinkConnector`, as Kafka declares them (the framework adds `topics`
/// and `topics.regex`).
pub fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(FILE_CONFIG, ConfigType::String)
            .default_null()
            .importance(Importance::High)
            .doc("Destination filename. If not specified, the standard output will be used"),
    )
}

fn parse(config: &RawConfig) -> Result<sluice_engine::config::Config, ConnectError> {
    config_def()
        .parse(config)
        .map_err(|error| ConnectError::fatal(error.to_string()))
}

/// `org.apache.kafka.connect.file.FileStreamSinkConnector`: `tasks.max` identical tasks that
/// append values to one file (or stdout).
#[derive(Debug, Default)]
pub struct FileStreamSinkConnector {
    config: RawConfig,
}

impl Connector for FileStreamSinkConnector {
    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    fn config_def(&self) -> ConfigDef {
        config_def()
    }

    fn start(&mut self, config: &RawConfig) -> Result<(), ConnectError> {
        parse(config)?;
        self.config = config.clone();
        Ok(())
    }

    fn task_configs(&self, max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
        Ok(vec![self.config.clone(); max_tasks])
    }

    fn stop(&mut self) -> Result<(), ConnectError> {
        Ok(())
    }
}

impl SinkConnector for FileStreamSinkConnector {
    fn create_task(&self) -> Box<dyn SinkTask> {
        Box::new(FileStreamSinkTask::default())
    }

    fn alter_offsets(
        &self,
        _config: &RawConfig,
        _offsets: &[(TopicPartition, Option<i64>)],
    ) -> Result<bool, ConnectError> {
        // Connect manages the consumer offsets; nothing is stored anywhere else.
        Ok(true)
    }
}

enum Output {
    File(File),
    Stdout,
}

impl Output {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::File(file) => {
                // Held so that a sibling task opening the file never takes this write, half
                // done, for a line cut short by a kill.
                file.lock()?;
                let written = file.write_all(bytes);
                file.unlock()?;
                written
            }
            Self::Stdout => {
                let mut stdout = io::stdout().lock();
                stdout.write_all(bytes)?;
                stdout.flush()
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::File(file) => file.flush(),
            Self::Stdout => io::stdout().lock().flush(),
        }
    }
}

/// The task of [`FileStreamSinkConnector`]: Kafka's `FileStreamSinkTask`. Each batch is
/// rendered into one reused buffer and written with a single `write`, in append mode, so the
/// file holds every value once `put` returns, as with Kafka's unbuffered `PrintStream`.
///
/// A worker killed mid-`write` can leave the last line cut short. The record it belonged to
/// was never committed (its `put` did not return), so it is delivered again; the task drops
/// that partial line when it opens the file, so the file holds whole lines only.
#[derive(Default)]
pub struct FileStreamSinkTask {
    output: Option<Output>,
    filename: Option<String>,
    buffer: Vec<u8>,
}

impl SinkTask for FileStreamSinkTask {
    fn start(&mut self, context: SinkTaskContext) -> Result<(), ConnectError> {
        let config = parse(&context.config)?;
        self.filename = configured_file(&config);
        self.output = Some(match &self.filename {
            None => Output::Stdout,
            Some(filename) => Output::File(open_for_append(filename)?),
        });
        Ok(())
    }

    fn put(&mut self, batch: &RecordBatch) -> Result<(), ConnectError> {
        let Some(output) = &mut self.output else {
            return Err(ConnectError::fatal("FileStreamSinkTask was not started"));
        };
        self.buffer.clear();
        for record in &batch.records {
            write_java_string(&mut self.buffer, &record.value);
            self.buffer.push(b'\n');
        }
        output.write_all(&self.buffer).map_err(|error| {
            ConnectError::retriable(format!("cannot write to {:?}: {error}", self.filename))
        })
    }

    fn flush(&mut self, _offsets: &PartitionOffsets) -> Result<(), ConnectError> {
        match &mut self.output {
            Some(output) => output.flush().map_err(|error| {
                ConnectError::retriable(format!("cannot flush {:?}: {error}", self.filename))
            }),
            None => Ok(()),
        }
    }

    fn stop(&mut self) {
        if let Some(mut output) = self.output.take() {
            let _ = output.flush();
        }
    }
}

/// Opens (or creates) `filename` for appending, first cutting off a partial last line left by
/// an interrupted write.
fn open_for_append(filename: &str) -> Result<File, ConnectError> {
    let cannot_open = |error: io::Error| {
        ConnectError::fatal(format!(
            "Couldn't find or create file '{filename}' for FileStreamSinkTask: {error}"
        ))
    };
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(filename)
        .map_err(cannot_open)?;
    file.lock().map_err(cannot_open)?;
    let dropped = drop_partial_last_line(&file);
    file.unlock().map_err(cannot_open)?;
    match dropped.map_err(cannot_open)? {
        0 => {}
        bytes => tracing::warn!(
            "dropped the last {bytes} bytes of '{filename}': a line cut short by an \
             interrupted write, whose record is delivered again"
        ),
    }
    Ok(file)
}

/// Truncates `file` after its last newline; returns how many bytes that removed.
fn drop_partial_last_line(file: &File) -> io::Result<u64> {
    let length = file.metadata()?.len();
    let whole_lines = whole_lines_length(file, length)?;
    if whole_lines < length {
        file.set_len(whole_lines)?;
    }
    Ok(length - whole_lines)
}

/// The length of `file` up to and including its last newline (0 when it has none).
fn whole_lines_length(file: &File, length: u64) -> io::Result<u64> {
    const CHUNK: u64 = 64 * 1024;
    let mut buffer = vec![0; CHUNK.min(length) as usize];
    let mut end = length;
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let chunk = &mut buffer[..(end - start) as usize];
        file.read_exact_at(chunk, start)?;
        if let Some(newline) = chunk.iter().rposition(|byte| *byte == b'\n') {
            return Ok(start + newline as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use sluice_codecs::{Schema, Struct, Value};
    use sluice_engine::record::Record;

    use super::*;

    fn started(path: &std::path::Path) -> FileStreamSinkTask {
        let mut task = FileStreamSinkTask::default();
        let config = RawConfig::from_iter([
            ("file".to_owned(), path.display().to_string()),
            ("topics".to_owned(), "t".to_owned()),
        ]);
        task.start(SinkTaskContext::new(config, None))
            .expect("the sink opens its file");
        task
    }

    fn batch(values: Vec<Value>) -> RecordBatch {
        RecordBatch::new(
            values
                .into_iter()
                .enumerate()
                .map(|(offset, value)| Record::sink("t", 0, offset as i64).with_value(None, value))
                .collect(),
        )
    }

    #[test]
    fn values_are_written_with_to_string_and_a_newline() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.txt");
        let mut task = started(&path);
        let schema = Schema::structure([("a", Schema::int32().into_ref())]).into_ref();
        let record = Struct::from_values(schema, vec![Value::Int32(1)]).expect("one field");
        task.put(&batch(vec![
            Value::string("héllo"),
            Value::Int64(42),
            Value::Null,
            Value::Struct(record),
        ]))
        .expect("put");
        task.flush(&PartitionOffsets::new()).expect("flush");
        task.stop();
        let written = std::fs::read_to_string(&path).expect("sink file");
        assert_eq!(written, "héllo\n42\nnull\nStruct{a=1}\n");
    }

    #[test]
    fn a_restarted_task_appends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "existing\n").expect("seed file");
        let mut task = started(&path);
        task.put(&batch(vec![Value::string("one")])).expect("put");
        task.stop();
        let mut task = started(&path);
        task.put(&batch(vec![Value::string("two")])).expect("put");
        task.stop();
        let written = std::fs::read_to_string(&path).expect("sink file");
        assert_eq!(written, "existing\none\ntwo\n");
    }

    #[test]
    fn a_line_cut_short_by_a_kill_is_dropped_before_appending() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "one\ntw").expect("seed file");
        let mut task = started(&path);
        task.put(&batch(vec![Value::string("two")])).expect("put");
        task.stop();
        let written = std::fs::read_to_string(&path).expect("sink file");
        assert_eq!(written, "one\ntwo\n");
    }

    #[test]
    fn a_partial_line_longer_than_a_read_chunk_is_dropped_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.txt");
        let partial = "x".repeat(150_000);
        std::fs::write(&path, format!("one\n{partial}")).expect("seed file");
        started(&path).stop();
        assert_eq!(std::fs::read_to_string(&path).expect("sink file"), "one\n");
        std::fs::write(&path, &partial).expect("seed file without any newline");
        started(&path).stop();
        assert_eq!(std::fs::read_to_string(&path).expect("sink file"), "");
    }

    #[test]
    fn tasks_max_identical_task_configs_and_offsets_accepted() {
        let mut connector = FileStreamSinkConnector::default();
        let config = RawConfig::from_iter([("file".to_owned(), "/tmp/x".to_owned())]);
        connector.start(&config).expect("valid config");
        let tasks = connector.task_configs(3).expect("task configs");
        assert_eq!(tasks, vec![config.clone(); 3]);
        assert_eq!(
            connector.alter_offsets(&config, &[(TopicPartition::new("t", 0), Some(5))]),
            Ok(true)
        );
    }
}
