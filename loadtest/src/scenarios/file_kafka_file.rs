//! `file_kafka_file`: the standalone file → Kafka → file path (FileStreamSource → a
//! one-partition topic → FileStreamSink) against the raw rdkafka loop over the same file and
//! broker, in the same run (issue 5: ≥ 80% of the baseline's records/s). Every line is
//! accounted for: loss fails, at-least-once duplicates are reported.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::{Context, Scenario};
use crate::accounting::{Accounting, compare_lines};
use crate::baseline::rdkafka_loop::{self, LoopResult, Mode};
use crate::broker::{delete_topics, unique_name};
use crate::process::Usage;
use crate::report::{Report, Target};
use crate::worker::{STRING_CONVERTER, WorkerFiles, file_source_pairs};

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "file_kafka_file",
    about: "FileStreamSource → topic → FileStreamSink vs a raw rdkafka loop (target ratio ≥ 0.8)",
    run,
};

/// Issue 5's target: Sluice's records/s over the baseline's.
const TARGET_RATIO: f64 = 0.8;
/// Bytes per input line, newline included.
const LINE_BYTES: usize = 101;
/// How often the output file is checked for new lines.
const OUTPUT_POLL: Duration = Duration::from_millis(10);
/// How long late records may keep arriving after the count is reached, before accounting.
const SETTLE: Duration = Duration::from_millis(500);
/// How long to wait for missing records before calling them lost.
const LOSS_GRACE: Duration = Duration::from_secs(10);

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(200_000, 1_000_000);
    let timeout = ctx.pick(Duration::from_secs(30), Duration::from_secs(240));
    let dir = ctx.scratch("file_kafka_file")?;
    let input = dir.join("input.txt");
    write_input(&input, records)?;
    let expected = fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let run = Run {
        ctx,
        dir: &dir,
        input: &input,
        expected: &expected,
        records,
        timeout,
    };
    let sequential = run.baseline(Mode::Sequential)?;
    let pipelined = run.baseline(Mode::Pipelined)?;
    let sluice = run.sluice()?;

    let mut report = Report::new(SCENARIO.name);
    let input_bytes = expected.len() as u64;
    report.set_extra("records", records);
    report.set_extra("input_bytes", input_bytes);
    report.baseline_records_per_sec = Some(sequential.records_per_sec(records));
    report.set_extra("baseline", "rdkafka produce-then-consume (sequential)");
    sequential.add_to(&mut report, "baseline", records, input_bytes);
    pipelined.add_to(&mut report, "pipelined_baseline", records, input_bytes);
    sluice.add_to(&mut report, records, input_bytes, timeout);
    if let Some(rate) = report.records_per_sec {
        let ratio = rate / sequential.records_per_sec(records);
        report.ratio = Some(ratio);
        report.set_target(Target::at_least("ratio", TARGET_RATIO), ratio);
        report.set_extra(
            "ratio_vs_pipelined",
            rate / pipelined.records_per_sec(records),
        );
        report.summary = format!(
            "{records} lines of {LINE_BYTES} B: sluice {:.2} s; rdkafka produce-then-consume \
             {:.2} s (ratio {ratio:.2}), pipelined {:.2} s (ratio {:.2}); output identical: {}",
            sluice.elapsed.map_or(f64::NAN, |e| e.as_secs_f64()),
            sequential.result.elapsed.as_secs_f64(),
            pipelined.result.elapsed.as_secs_f64(),
            rate / pipelined.records_per_sec(records),
            sluice.identical
        );
    }
    Ok(report)
}

/// One run of the scenario: where its files are and how much to move.
struct Run<'a> {
    ctx: &'a Context,
    dir: &'a Path,
    input: &'a Path,
    expected: &'a [u8],
    records: u64,
    timeout: Duration,
}

/// What a baseline measured, with its own accounting.
struct BaselineRun {
    result: LoopResult,
    accounting: Accounting,
}

impl BaselineRun {
    fn records_per_sec(&self, records: u64) -> f64 {
        records as f64 / self.result.elapsed.as_secs_f64()
    }

    /// Adds `<prefix>_records_per_sec`, `_seconds`, `_produce_seconds`, `_cpu_seconds`,
    /// `_mb_per_sec`, `_lost`, `_delivery_errors` to the report.
    fn add_to(&self, report: &mut Report, prefix: &str, records: u64, input_bytes: u64) {
        let seconds = self.result.elapsed.as_secs_f64();
        let mut set = |name: &str, value: serde_json::Value| {
            report.set_extra(&format!("{prefix}_{name}"), value);
        };
        set("records_per_sec", self.records_per_sec(records).into());
        set("seconds", seconds.into());
        set(
            "produce_seconds",
            self.result.produce_elapsed.as_secs_f64().into(),
        );
        set("cpu_seconds", self.result.cpu_seconds.into());
        set("mb_per_sec", (input_bytes as f64 / 1e6 / seconds).into());
        set("lost", self.accounting.lost.into());
        set("delivery_errors", self.result.delivery_errors.into());
    }
}

impl Run<'_> {
    fn baseline(&self, mode: Mode) -> anyhow::Result<BaselineRun> {
        let name = match mode {
            Mode::Sequential => "baseline-sequential.txt",
            Mode::Pipelined => "baseline-pipelined.txt",
        };
        let output = self.dir.join(name);
        let result = rdkafka_loop::run(
            &self.ctx.bootstrap,
            self.input,
            &output,
            self.records,
            self.timeout,
            mode,
        )?;
        let accounting = compare_lines(self.expected, &read(&output)?);
        Ok(BaselineRun { result, accounting })
    }
}

/// What the Sluice run measured.
struct SluiceRun {
    /// From process start until the output held `records` lines; `None` on timeout.
    elapsed: Option<Duration>,
    accounting: Accounting,
    /// The output is the input, byte for byte.
    identical: bool,
    usage: Usage,
    /// Why stopping the worker was not clean, if it was not.
    stop_problem: Option<String>,
}

impl Run<'_> {
    /// Runs `sluice standalone` with the FileStreamSource → topic → FileStreamSink pair until
    /// the output holds every line (or the timeout), then accounts for every line.
    fn sluice(&self) -> anyhow::Result<SluiceRun> {
        let topic = unique_name("loadtest-file-kafka-file");
        let output = self.dir.join("sluice-output.txt");
        let files = self.sluice_files(&topic, &output)?;
        let mut process = files.start(&self.ctx.sluice, "worker.log")?;
        let deadline = process.started() + self.timeout;
        let mut counter = LineCounter::new(&output);
        let elapsed = loop {
            if counter.poll()? >= self.records {
                break Some(process.started().elapsed());
            }
            process.ensure_running()?;
            if Instant::now() >= deadline {
                break None;
            }
            std::thread::sleep(OUTPUT_POLL);
        };
        let accounting = settle(self.expected, &output, elapsed.is_some())?;
        let identical = read(&output)? == self.expected;
        let usage = process.usage()?;
        let stop_problem = match process.stop()? {
            Some(0) => None,
            code => Some(format!(
                "sluice did not exit 0 on SIGTERM (exit code {code:?})"
            )),
        };
        delete_topics(&self.ctx.bootstrap, &[&topic]);
        Ok(SluiceRun {
            elapsed,
            accounting,
            identical,
            usage,
            stop_problem,
        })
    }

    /// The worker (ByteArray keys, String values) and the two connectors.
    fn sluice_files(&self, topic: &str, output: &Path) -> anyhow::Result<WorkerFiles> {
        let mut files = WorkerFiles::new(
            &self.dir.join("sluice"),
            &self.ctx.bootstrap,
            &[
                (
                    "key.converter",
                    "org.apache.kafka.connect.converters.ByteArrayConverter",
                ),
                ("value.converter", STRING_CONVERTER),
            ],
        )?;
        let input = self.input.display().to_string();
        files.add_connector("file-source", &file_source_pairs(&input, topic))?;
        let output = output.display().to_string();
        files.add_connector(
            "file-sink",
            &[
                (
                    "connector.class",
                    "org.apache.kafka.connect.file.FileStreamSinkConnector",
                ),
                ("topics", topic),
                ("file", &output),
            ],
        )?;
        Ok(files)
    }
}

impl SluiceRun {
    /// Adds the Sluice figures and the loss verdict to the report.
    fn add_to(&self, report: &mut Report, records: u64, input_bytes: u64, timeout: Duration) {
        report.lost = Some(self.accounting.lost);
        report.duplicated = Some(self.accounting.duplicated);
        report.set_extra("unexpected", self.accounting.unexpected);
        report.set_extra("identical", self.identical);
        report.peak_rss_bytes = Some(self.usage.memory.hwm_bytes);
        report.cpu_seconds = Some(self.usage.cpu_seconds);
        for failure in self.accounting.failures() {
            report.fail(failure);
        }
        if let Some(reason) = &self.stop_problem {
            report.fail(reason.clone());
        }
        match self.elapsed {
            Some(elapsed) => {
                let seconds = elapsed.as_secs_f64();
                report.records_per_sec = Some(records as f64 / seconds);
                report.set_extra("seconds", seconds);
                report.set_extra("mb_per_sec", input_bytes as f64 / 1e6 / seconds);
            }
            None => {
                report.fail(format!(
                    "only {} of {records} lines arrived within {timeout:?}",
                    self.accounting.delivered
                ));
                report.summary = format!("timed out after {timeout:?}");
            }
        }
    }
}

/// Lets late and redelivered records land, then accounts; records still missing get
/// [`LOSS_GRACE`] to arrive (a duplicate can make the count reach the total early).
fn settle(expected: &[u8], output: &Path, complete: bool) -> anyhow::Result<Accounting> {
    if complete {
        std::thread::sleep(SETTLE);
    }
    let grace_end = Instant::now() + LOSS_GRACE;
    loop {
        let accounting = compare_lines(expected, &read(output)?);
        if !complete || accounting.is_complete() || Instant::now() >= grace_end {
            return Ok(accounting);
        }
        std::thread::sleep(SETTLE);
    }
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

/// Writes `records` distinct lines of [`LINE_BYTES`] bytes: a sequence number and
/// pseudo-random letters.
fn write_input(path: &Path, records: u64) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut line = Vec::with_capacity(LINE_BYTES);
    for seq in 0..records {
        line.clear();
        line.extend_from_slice(format!("{seq:010} ").as_bytes());
        while line.len() < LINE_BYTES - 1 {
            // xorshift64: cheap, deterministic filler.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            line.push(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
        }
        line.push(b'\n');
        writer
            .write_all(&line)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    writer
        .flush()
        .with_context(|| format!("writing {}", path.display()))
}

/// Counts the lines of a file that is being appended to, reading only what is new.
struct LineCounter {
    path: PathBuf,
    file: Option<File>,
    lines: u64,
    buffer: Vec<u8>,
}

impl LineCounter {
    fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: None,
            lines: 0,
            buffer: vec![0; 1 << 20],
        }
    }

    /// The number of complete lines so far.
    fn poll(&mut self) -> anyhow::Result<u64> {
        if self.file.is_none() {
            match File::open(&self.path) {
                Ok(file) => self.file = Some(file),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
                Err(error) => {
                    return Err(error).with_context(|| format!("opening {}", self.path.display()));
                }
            }
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(self.lines);
        };
        loop {
            let read = file
                .read(&mut self.buffer)
                .with_context(|| format!("reading {}", self.path.display()))?;
            if read == 0 {
                return Ok(self.lines);
            }
            self.lines += self.buffer[..read].iter().filter(|b| **b == b'\n').count() as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_are_distinct_and_of_the_stated_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.txt");
        write_input(&path, 1000).unwrap();
        let text = fs::read(&path).unwrap();
        assert_eq!(text.len(), 1000 * LINE_BYTES);
        let lines: std::collections::HashSet<&[u8]> = text.split(|b| *b == b'\n').collect();
        assert_eq!(lines.len(), 1001, "1000 distinct lines and the empty tail");
        assert!(text.starts_with(b"0000000000 "));
    }

    #[test]
    fn the_line_counter_reads_only_what_was_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let mut counter = LineCounter::new(&path);
        assert_eq!(counter.poll().unwrap(), 0);
        let mut file = File::create(&path).unwrap();
        file.write_all(b"a\nb\nc").unwrap();
        assert_eq!(counter.poll().unwrap(), 2);
        file.write_all(b"\nd\n").unwrap();
        assert_eq!(counter.poll().unwrap(), 4);
    }
}
