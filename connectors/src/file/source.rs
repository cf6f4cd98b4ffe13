//! `org.apache.kafka.connect.file.FileStreamSourceConnector` and its task: each line of a file
//! (or stdin) becomes a record whose value is the line.

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Buf, Bytes, BytesMut};
use sluice_codecs::{Schema, SchemaRef, Str, Value};
use sluice_engine::config::{ConfigDef, ConfigKey, ConfigType, Importance, RawConfig, Validator};
use sluice_engine::connector::{
    ConnectError, Connector, ExactlyOnceSupport, SourceConnector, SourceTask, SourceTaskContext,
};
use sluice_engine::record::{Record, RecordBatch, SourceMap, SourcePartition};

use super::{FILE_CONFIG, configured_file};

/// Kafka's class name.
pub const CLASS: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";
/// The topic to publish lines to.
pub const TOPIC_CONFIG: &str = "topic";
/// The most records one `poll` returns.
pub const TASK_BATCH_SIZE_CONFIG: &str = "batch.size";
/// Default of [`TASK_BATCH_SIZE_CONFIG`].
pub const DEFAULT_TASK_BATCH_SIZE: i32 = 2000;
/// Key of the source partition: the file name.
pub const FILENAME_FIELD: &str = "filename";
/// Key of the source offset: Java chars (UTF-16 units) read, up to the end of a line.
pub const POSITION_FIELD: &str = "position";

/// How long to wait before looking for a missing file again (Kafka waits 1 s).
const MISSING_FILE_RETRY: Duration = Duration::from_secs(1);
/// Bytes asked of the file per read.
const READ_CHUNK: usize = 64 * 1024;
/// Most bytes one `poll` reads, so that a huge unterminated line cannot hold a poll for long.
const MAX_READ_PER_POLL: usize = 16 * 1024 * 1024;

/// The keys of `FileStreamSourceConnector`, as Kafka declares them.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FILE_CONFIG, ConfigType::String)
                .default_null()
                .importance(Importance::High)
                .doc("Source filename. If not specified, the standard input will be used"),
        )
        .define(
            ConfigKey::new(TOPIC_CONFIG, ConfigType::String)
                .validator(Validator::NonEmptyString)
                .importance(Importance::High)
                .doc("The topic to publish data to"),
        )
        .define(
            ConfigKey::new(TASK_BATCH_SIZE_CONFIG, ConfigType::Int)
                .default_value(DEFAULT_TASK_BATCH_SIZE.to_string())
                .validator(Validator::at_least(1))
                .importance(Importance::Low)
                .doc(
                    "The maximum number of records the source task can read from the file each \
                     time it is polled",
                ),
        )
}

fn parse(config: &RawConfig) -> Result<sluice_engine::config::Config, ConnectError> {
    config_def()
        .parse(config)
        .map_err(|error| ConnectError::fatal(error.to_string()))
}

/// `org.apache.kafka.connect.file.FileStreamSourceConnector`: reads a file (or stdin) line by
/// line with exactly one task, whatever `tasks.max` is.
#[derive(Debug, Default)]
pub struct FileStreamSourceConnector {
    config: RawConfig,
}

impl Connector for FileStreamSourceConnector {
    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    fn config_def(&self) -> ConfigDef {
        config_def()
    }

    fn start(&mut self, config: &RawConfig) -> Result<(), ConnectError> {
        let parsed = parse(config)?;
        let source = configured_file(&parsed).unwrap_or_else(|| "standard input".to_owned());
        tracing::info!("Starting file source connector reading from {source}");
        self.config = config.clone();
        Ok(())
    }

    fn task_configs(&self, _max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
        // Only one input stream makes sense.
        Ok(vec![self.config.clone()])
    }

    fn stop(&mut self) -> Result<(), ConnectError> {
        Ok(())
    }
}

impl SourceConnector for FileStreamSourceConnector {
    fn create_task(&self) -> Box<dyn SourceTask> {
        Box::new(FileStreamSourceTask::new())
    }

    fn exactly_once_support(&self, config: &RawConfig) -> ExactlyOnceSupport {
        match parse(config).ok().as_ref().and_then(configured_file) {
            Some(_) => ExactlyOnceSupport::Supported,
            None => ExactlyOnceSupport::Unsupported,
        }
    }

    fn alter_offsets(
        &self,
        config: &RawConfig,
        offsets: &[(SourceMap, Option<SourceMap>)],
    ) -> Result<bool, ConnectError> {
        let parsed = parse(config)?;
        if configured_file(&parsed).is_none() {
            return Err(ConnectError::fatal(format!(
                "Offsets cannot be modified if the '{FILE_CONFIG}' configuration is unspecified. \
                 This is because stdin is used for input and offsets are not tracked."
            )));
        }
        for (partition, offset) in offsets {
            // Tombstones are fine for anything, so stale offsets can always be cleaned up.
            let Some(offset) = offset else { continue };
            let Some(position) = offset.get(POSITION_FIELD) else {
                return Err(ConnectError::fatal(format!(
                    "Offset objects should either be null or contain the key '{POSITION_FIELD}'"
                )));
            };
            let Some(position) = integer(position) else {
                return Err(ConnectError::fatal(format!(
                    "The value for the '{POSITION_FIELD}' key in the offset is expected to be a \
                     Long value"
                )));
            };
            if position < 0 {
                return Err(ConnectError::fatal(format!(
                    "The value for the '{POSITION_FIELD}' key in the offset should be a \
                     non-negative value"
                )));
            }
            if !partition.contains_key(FILENAME_FIELD) {
                return Err(ConnectError::fatal(format!(
                    "Partition objects should contain the key '{FILENAME_FIELD}'"
                )));
            }
        }
        Ok(true)
    }
}

/// An integer offset value of any width (offsets read back from JSON may be narrower than the
/// `Long` written).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Int8(n) => Some(i64::from(*n)),
        Value::Int16(n) => Some(i64::from(*n)),
        Value::Int32(n) => Some(i64::from(*n)),
        Value::Int64(n) => Some(*n),
        _ => None,
    }
}

/// Where the lines come from.
enum Input {
    File(File),
    /// Chunks read from stdin by a helper thread, so `poll` never blocks on the terminal.
    Stdin(Receiver<Vec<u8>>),
}

impl Input {
    fn stdin() -> Self {
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("file-source-stdin".to_owned())
            .spawn(move || {
                let mut stdin = io::stdin().lock();
                let mut chunk = vec![0; READ_CHUNK];
                // Ends at end of input, on a read error, or once the task is gone.
                while let Ok(read @ 1..) = stdin.read(&mut chunk) {
                    if sender.send(chunk[..read].to_vec()).is_err() {
                        break;
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!("cannot start the stdin reader thread: {error}");
        }
        Self::Stdin(receiver)
    }

    /// Appends what is available now to `buffer`; 0 means nothing new (end of file for now).
    fn read_into(&mut self, buffer: &mut BytesMut) -> io::Result<usize> {
        match self {
            Self::File(file) => {
                let start = buffer.len();
                buffer.resize(start + READ_CHUNK, 0);
                let read = file.read(&mut buffer[start..]);
                buffer.truncate(start + *read.as_ref().unwrap_or(&0));
                read
            }
            Self::Stdin(chunks) => match chunks.try_recv() {
                Ok(chunk) => {
                    buffer.extend_from_slice(&chunk);
                    Ok(chunk.len())
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => Ok(0),
            },
        }
    }
}

/// The task of [`FileStreamSourceConnector`]: Kafka's `FileStreamSourceTask`.
///
/// Lines end at `\n`, `\r` or `\r\n`; a line is emitted only once its terminator has been read
/// (a trailing `\r` waits for the next character, which may be a `\n`). The offset of each
/// record is the position just after its terminator, counted in Java chars (UTF-16 units) as
/// Kafka counts it. On (re)opening the file the task skips the stored position's worth of
/// UTF-16 units. Reading stdin keeps no offsets.
pub struct FileStreamSourceTask {
    topic: Str,
    batch_size: usize,
    /// `None` for stdin.
    filename: Option<String>,
    partition: SourcePartition,
    value_schema: SchemaRef,
    context: Option<SourceTaskContext>,
    input: Option<Input>,
    /// Bytes read but not yet emitted as lines.
    pending: BytesMut,
    /// UTF-16 units after the last emitted line; `None` for stdin.
    position: Option<i64>,
    /// UTF-16 units of the stored position still to skip.
    skip: u64,
    next_open: Instant,
    retry_interval: Duration,
}

impl Default for FileStreamSourceTask {
    fn default() -> Self {
        Self::new()
    }
}

impl FileStreamSourceTask {
    /// A new, unstarted task.
    pub fn new() -> Self {
        Self {
            topic: Str::default(),
            batch_size: DEFAULT_TASK_BATCH_SIZE as usize,
            filename: None,
            partition: SourcePartition::default(),
            // Kafka's `Schema.STRING_SCHEMA`: a required STRING.
            value_schema: Schema::string().into_ref(),
            context: None,
            input: None,
            pending: BytesMut::new(),
            position: None,
            skip: 0,
            next_open: Instant::now(),
            retry_interval: MISSING_FILE_RETRY,
        }
    }

    /// The same task, waiting `interval` instead of 1 s before looking again for a missing file.
    pub fn with_missing_file_retry(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// Reads stdin from `chunks` instead of the process's stdin, for tests.
    #[cfg(test)]
    pub(crate) fn use_stdin_chunks(&mut self, chunks: Receiver<Vec<u8>>) {
        self.input = Some(Input::Stdin(chunks));
    }

    /// Opens the file (or stdin); false when the file does not exist yet.
    fn open(&mut self) -> Result<bool, ConnectError> {
        let Some(filename) = &self.filename else {
            self.input = Some(Input::stdin());
            return Ok(true);
        };
        if Instant::now() < self.next_open {
            return Ok(false);
        }
        let file = match File::open(filename) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                tracing::warn!(
                    "Couldn't find file {filename} for FileStreamSourceTask, sleeping to wait for \
                     it to be created"
                );
                self.next_open = Instant::now() + self.retry_interval;
                return Ok(false);
            }
            Err(error) => {
                return Err(ConnectError::fatal(format!(
                    "Couldn't open file {filename} for FileStreamSourceTask: {error}"
                )));
            }
        };
        let stored = match &self.context {
            Some(context) => context.offset_reader.offset(&self.partition)?,
            None => None,
        };
        let position = match stored
            .as_ref()
            .and_then(|offset| offset.get(POSITION_FIELD))
        {
            None | Some(Value::Null) => 0,
            Some(value) => integer(value)
                .ok_or_else(|| ConnectError::fatal("Offset position is the incorrect type"))?,
        };
        if position > 0 {
            tracing::debug!("Found previous offset, trying to skip to file offset {position}");
        }
        self.skip = u64::try_from(position).unwrap_or(0);
        self.position = Some(position);
        self.pending.clear();
        self.input = Some(Input::File(file));
        Ok(true)
    }

    /// Drops up to `self.skip` UTF-16 units from the front of `pending`; a character cut by the
    /// end of the buffer waits for the rest of its bytes.
    fn skip_units(&mut self) {
        while self.skip > 0 && !self.pending.is_empty() {
            let limit = self
                .pending
                .len()
                .min(usize::try_from(self.skip).unwrap_or(usize::MAX));
            let ascii = self.pending[..limit]
                .iter()
                .take_while(|b| b.is_ascii())
                .count();
            if ascii > 0 {
                self.pending.advance(ascii);
                self.skip -= ascii as u64;
                continue;
            }
            let (bytes, units) = utf8_char_shape(self.pending[0]);
            if bytes > self.pending.len() {
                return;
            }
            self.pending.advance(bytes);
            self.skip = self.skip.saturating_sub(units);
        }
    }

    /// The next complete line and the length of its terminator.
    fn next_line(&mut self) -> Option<(Bytes, usize)> {
        let at = self
            .pending
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')?;
        let terminator = match (self.pending[at], self.pending.get(at + 1)) {
            (b'\n', _) => 1,
            // A `\r` at the end of what was read may be the first half of `\r\n`.
            (_, None) => return None,
            (_, Some(b'\n')) => 2,
            (_, Some(_)) => 1,
        };
        let mut line = self.pending.split_to(at + terminator).freeze();
        line.truncate(at);
        Some((line, terminator))
    }

    /// Moves complete lines from `pending` into `records`, up to the batch size.
    fn extract_lines(&mut self, records: &mut Vec<Record>, timestamp: i64) {
        self.skip_units();
        if self.skip > 0 {
            return;
        }
        while records.len() < self.batch_size {
            let Some((line, terminator)) = self.next_line() else {
                return;
            };
            let text = match Str::from_utf8(line.clone()) {
                Ok(text) => text,
                // Java's decoder replaces malformed input with U+FFFD; so does `from_utf8_lossy`.
                Err(_) => Str::from(String::from_utf8_lossy(&line).into_owned()),
            };
            let offset = match &mut self.position {
                Some(position) => {
                    *position += utf16_len(text.as_bytes()) + terminator as i64;
                    SourceMap::from_iter([(POSITION_FIELD.to_owned(), Value::Int64(*position))])
                }
                None => SourceMap::new(),
            };
            records.push(
                Record::source(self.topic.clone(), self.partition.clone(), offset)
                    .with_value(Some(self.value_schema.clone()), Value::String(text))
                    .with_timestamp(Some(timestamp)),
            );
        }
    }
}

/// Byte length of the UTF-8 sequence a lead byte starts and the UTF-16 units it decodes to; a
/// stray byte is one replacement character.
fn utf8_char_shape(lead: u8) -> (usize, u64) {
    match lead {
        0xF0..=0xF7 => (4, 2),
        0xE0..=0xEF => (3, 1),
        0xC0..=0xDF => (2, 1),
        _ => (1, 1),
    }
}

/// UTF-16 units of valid UTF-8 text: one per character, two for characters outside the BMP.
fn utf16_len(text: &[u8]) -> i64 {
    text.iter()
        .map(|&b| i64::from((b & 0xC0) != 0x80) + i64::from(b >= 0xF0))
        .sum()
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

impl SourceTask for FileStreamSourceTask {
    fn start(&mut self, context: SourceTaskContext) -> Result<(), ConnectError> {
        let config = parse(&context.config)?;
        self.topic = Str::from(config.string(TOPIC_CONFIG).unwrap_or_default().to_owned());
        let batch_size = config
            .int(TASK_BATCH_SIZE_CONFIG)
            .unwrap_or(DEFAULT_TASK_BATCH_SIZE);
        self.batch_size = usize::try_from(batch_size).unwrap_or(1).max(1);
        self.filename = configured_file(&config);
        self.partition = match &self.filename {
            Some(file) => SourcePartition::new(SourceMap::from_iter([(
                FILENAME_FIELD.to_owned(),
                Value::string(file.as_str()),
            )])),
            None => SourcePartition::default(),
        };
        self.position = None;
        self.input = None;
        self.pending.clear();
        self.next_open = Instant::now();
        self.context = Some(context);
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        if self.input.is_none() && !self.open()? {
            return Ok(None);
        }
        let timestamp = now_millis();
        let mut records = Vec::new();
        let mut read_total = 0;
        loop {
            self.extract_lines(&mut records, timestamp);
            if records.len() >= self.batch_size || read_total >= MAX_READ_PER_POLL {
                break;
            }
            let Some(input) = &mut self.input else { break };
            match input.read_into(&mut self.pending) {
                Ok(0) => break,
                Ok(read) => read_total += read,
                // Kafka gives up on this poll and tries again on the next one.
                Err(error) => {
                    tracing::warn!("error reading {:?}: {error}", self.filename);
                    break;
                }
            }
        }
        Ok((!records.is_empty()).then(|| RecordBatch::new(records)))
    }

    fn stop(&mut self) {
        self.input = None;
    }
}
