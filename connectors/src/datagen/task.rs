//! The datagen task: generates records at the configured pace, with Confluent's source
//! partition (`{"task.id": N}`), offsets and headers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fastrand::Rng;
use sluice_codecs::{Headers, Schema, SchemaRef, Str, Value};
use sluice_engine::connector::{ConnectError, SourceTask, SourceTaskContext};
use sluice_engine::record::{Record, RecordBatch, SourceMap, SourcePartition};

use super::connector::Settings;
use super::{CURRENT_ITERATION, RANDOM_SEED, TASK_GENERATION, TASK_ID};
use crate::java_string::java_string;

/// Most records one poll returns.
const MAX_BATCH: usize = 1000;
/// Longest a poll sleeps for the next record; a longer wait returns nothing and is picked up by
/// a later poll.
const MAX_POLL_WAIT: Duration = Duration::from_millis(50);
/// How far behind schedule the task may fall before it stops catching up (no bursts after a
/// pause).
const MAX_LAG: Duration = Duration::from_secs(1);

/// The task of [`super::DatagenConnector`]: Confluent's `DatagenTask`.
///
/// Each record's value is a struct of the schema's Connect form; its key is the key field's
/// value as a string (STRING schema; empty when there is no key field, as in Confluent). The
/// source partition is `{"task.id": N}` and the offset `{"task.generation", "current.iteration",
/// "random.seed"}` holds the state the next run resumes from, so `iterations` and the random
/// sequence carry over restarts. Headers `task.generation`, `task.id` and `current.iteration`
/// describe each record. Between records the task waits a random time below `max.interval` and
/// at least `1 / records.per.second`, without holding a poll for more than 50 ms. Once a task
/// has generated `iterations` records it returns nothing more (Confluent's task fails instead).
pub struct DatagenTask {
    settings: Option<Arc<Settings>>,
    partition: SourcePartition,
    rng: Rng,
    count: i64,
    generation: i64,
    next_due: Instant,
    key_schema: SchemaRef,
    header_schema: SchemaRef,
    done_logged: bool,
}

impl Default for DatagenTask {
    fn default() -> Self {
        Self {
            settings: None,
            partition: SourcePartition::default(),
            rng: Rng::new(),
            count: 0,
            generation: 0,
            next_due: Instant::now(),
            key_schema: Schema::string().into_ref(),
            header_schema: Schema::int64().into_ref(),
            done_logged: false,
        }
    }
}

fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Int8(n) => Some(i64::from(*n)),
        Value::Int16(n) => Some(i64::from(*n)),
        Value::Int32(n) => Some(i64::from(*n)),
        Value::Int64(n) => Some(*n),
        _ => None,
    }
}

impl DatagenTask {
    fn exhausted(&self, settings: &Settings) -> bool {
        settings.iterations.is_some_and(|limit| self.count >= limit)
    }

    /// The wait before the record after this one.
    fn pause(&self, settings: &Settings) -> Duration {
        let max_ms = u64::try_from(settings.max_interval.as_millis()).unwrap_or(u64::MAX);
        let random = if max_ms > 0 {
            Duration::from_millis(fastrand::u64(..max_ms))
        } else {
            Duration::ZERO
        };
        random.max(settings.min_gap.unwrap_or(Duration::ZERO))
    }

    fn record(&mut self, settings: &Settings) -> Record {
        let value = settings.generator.generate(&mut self.rng, self.count);
        let key = match (settings.key_field, &value) {
            (Some(index), Value::Struct(record)) => match record.values().get(index) {
                Some(Value::String(text)) => text.clone(),
                Some(other) => Str::from(java_string(other)),
                None => Str::default(),
            },
            _ => Str::default(),
        };
        // Re-seeding with a seed drawn from the generator lets the offset carry the state.
        let seed = self.rng.i64(..);
        self.rng.seed(seed as u64);
        // In the iteration order of Confluent's `HashMap`, so the stored JSON matches byte for
        // byte.
        let offset = SourceMap::from_iter([
            (
                TASK_GENERATION.to_owned(),
                Value::Int64(self.generation + 1),
            ),
            (RANDOM_SEED.to_owned(), Value::Int64(seed)),
            (CURRENT_ITERATION.to_owned(), Value::Int64(self.count + 1)),
        ]);
        let mut headers = Headers::new();
        let header = Some(self.header_schema.clone());
        headers
            .add(
                Str::from_static(TASK_GENERATION),
                header.clone(),
                Value::Int64(self.generation),
            )
            .add(
                Str::from_static(TASK_ID),
                header.clone(),
                Value::Int64(i64::from(settings.task_id)),
            )
            .add(
                Str::from_static(CURRENT_ITERATION),
                header,
                Value::Int64(self.count),
            );
        self.count += 1;
        let mut record = Record::source(settings.topic.clone(), self.partition.clone(), offset)
            .with_key(Some(self.key_schema.clone()), Value::String(key))
            .with_value(Some(settings.generator.schema().clone()), value);
        record.headers = headers;
        record
    }
}

impl SourceTask for DatagenTask {
    fn start(&mut self, context: SourceTaskContext) -> Result<(), ConnectError> {
        let settings = Settings::parse(&context.config)
            .map_err(|error| ConnectError::fatal(error.to_string()))?;
        self.partition = SourcePartition::new(SourceMap::from_iter([(
            TASK_ID.to_owned(),
            Value::Int32(settings.task_id),
        )]));
        self.rng = match settings.random_seed {
            Some(seed) => {
                let mut rng = Rng::with_seed(seed as u64);
                // Each task advances the seed by its id, so tasks generate different data.
                for _ in 0..settings.task_id {
                    let next = rng.u64(..);
                    rng.seed(next);
                }
                rng
            }
            None => Rng::new(),
        };
        self.count = 0;
        self.generation = 0;
        if let Some(offset) = context.offset_reader.offset(&self.partition)? {
            // The stored offset is the state after the last committed record: restore it as is.
            self.generation = integer(offset.get(TASK_GENERATION)).unwrap_or(0);
            self.count = integer(offset.get(CURRENT_ITERATION)).unwrap_or(0);
            if let Some(seed) = integer(offset.get(RANDOM_SEED)) {
                self.rng.seed(seed as u64);
            }
        }
        self.next_due = Instant::now();
        self.done_logged = false;
        self.settings = Some(settings);
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        let Some(settings) = self.settings.clone() else {
            return Err(ConnectError::fatal("DatagenTask was not started"));
        };
        if self.exhausted(&settings) {
            if !self.done_logged {
                tracing::info!(
                    "datagen task {} generated the configured {} records",
                    settings.task_id,
                    self.count
                );
                self.done_logged = true;
            }
            return Ok(None);
        }
        let now = Instant::now();
        if self.next_due > now {
            let wait = self.next_due - now;
            if wait > MAX_POLL_WAIT {
                return Ok(None);
            }
            std::thread::sleep(wait);
        } else if now - self.next_due > MAX_LAG {
            self.next_due = now;
        }
        let mut records = Vec::new();
        loop {
            records.push(self.record(&settings));
            self.next_due += self.pause(&settings);
            if records.len() >= MAX_BATCH
                || self.exhausted(&settings)
                || self.next_due > Instant::now()
            {
                break;
            }
        }
        Ok(Some(RecordBatch::new(records)))
    }

    fn stop(&mut self) {}
}
