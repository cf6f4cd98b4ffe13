//! `file_kafka_file`: the standalone file → Kafka → file path (FileStreamSource → a
//! one-partition topic → FileStreamSink) against the raw rdkafka loop over the same file and
//! broker, in the same run (issue 5: ≥ 80% of the baseline's records/s). Every line is
//! accounted for: loss fails, at-least-once duplicates are reported.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::{Context, Scenario, median};
use crate::accounting::{Accounting, compare_lines};
use crate::baseline::rdkafka_loop::{self, LoopResult, Mode};
use crate::broker::{delete_topics, unique_name};
use crate::files::{LINE_BYTES, LineCounter, read, write_input};
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
/// Rounds of (baseline, pipelined baseline, Sluice); the medians are reported.
const ROUNDS: usize = 3;
/// Rounds in `--quick` mode.
const QUICK_ROUNDS: usize = 2;
/// How often the output file is checked for new lines.
const OUTPUT_POLL: Duration = Duration::from_millis(10);
/// How long late records may keep arriving after the count is reached, before accounting.
const SETTLE: Duration = Duration::from_millis(500);
/// How long to wait for missing records before calling them lost.
const LOSS_GRACE: Duration = Duration::from_secs(10);

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(200_000, 1_000_000);
    let rounds = ctx.pick(QUICK_ROUNDS, ROUNDS);
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
    // Interleaved rounds, medians reported: one slow moment of a shared machine then moves
    // one sample, not the ratio.
    let (mut sequential, mut pipelined, mut sluice) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        sequential.push(run.baseline(Mode::Sequential, round)?);
        pipelined.push(run.baseline(Mode::Pipelined, round)?);
        sluice.push(run.sluice(round)?);
    }

    let mut report = Report::new(SCENARIO.name);
    let input_bytes = expected.len() as u64;
    report.set_extra("records", records);
    report.set_extra("input_bytes", input_bytes);
    report.set_extra("rounds", rounds);
    report.set_extra("baseline", "rdkafka produce-then-consume (sequential)");
    let baseline_rate = add_baseline(&mut report, "baseline", &sequential, &run);
    let pipelined_rate = add_baseline(&mut report, "pipelined_baseline", &pipelined, &run);
    report.baseline_records_per_sec = baseline_rate;
    report.set_extra("pipelined_baseline_records_per_sec", pipelined_rate);
    add_sluice(&mut report, &sluice, &run);
    if let (Some(rate), Some(baseline), Some(pipelined)) =
        (report.records_per_sec, baseline_rate, pipelined_rate)
    {
        let ratio = rate / baseline;
        report.ratio = Some(ratio);
        report.set_target(Target::at_least("ratio", TARGET_RATIO), ratio);
        report.set_extra("ratio_vs_pipelined", rate / pipelined);
        report.summary = format!(
            "{records} lines of {LINE_BYTES} B, median of {rounds}: sluice {rate:.0}/s; \
             rdkafka produce-then-consume {baseline:.0}/s (ratio {ratio:.2}), pipelined \
             {pipelined:.0}/s (ratio {:.2})",
            rate / pipelined
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

impl Run<'_> {
    fn rate(&self, elapsed: Duration) -> f64 {
        self.records as f64 / elapsed.as_secs_f64()
    }

    fn megabytes_per_sec(&self, elapsed: Duration) -> f64 {
        self.expected.len() as f64 / 1e6 / elapsed.as_secs_f64()
    }
}

/// Adds the `<prefix>_…` figures of a baseline's rounds (medians, the per-round rates, the
/// summed loss) to the report; returns the median records/s.
fn add_baseline(
    report: &mut Report,
    prefix: &str,
    rounds: &[BaselineRun],
    run: &Run,
) -> Option<f64> {
    let of = |figure: &dyn Fn(&LoopResult) -> f64| {
        let values: Vec<f64> = rounds.iter().map(|round| figure(&round.result)).collect();
        median(&values)
    };
    let rates: Vec<f64> = rounds.iter().map(|r| run.rate(r.result.elapsed)).collect();
    let rate = median(&rates);
    let lost: u64 = rounds.iter().map(|round| round.accounting.lost).sum();
    let errors: u64 = rounds
        .iter()
        .map(|round| round.result.delivery_errors)
        .sum();
    let figures: [(&str, serde_json::Value); 7] = [
        ("seconds", of(&|r| r.elapsed.as_secs_f64()).into()),
        (
            "produce_seconds",
            of(&|r| r.produce_elapsed.as_secs_f64()).into(),
        ),
        ("cpu_seconds", of(&|r| r.cpu_seconds).into()),
        (
            "mb_per_sec",
            of(&|r| run.megabytes_per_sec(r.elapsed)).into(),
        ),
        ("records_per_sec_rounds", rates.into()),
        ("lost", lost.into()),
        ("delivery_errors", errors.into()),
    ];
    for (name, value) in figures {
        report.set_extra(&format!("{prefix}_{name}"), value);
    }
    rate
}

/// Adds the Sluice figures of every round (medians; loss summed; the largest peak RSS) and
/// the loss verdict to the report.
fn add_sluice(report: &mut Report, rounds: &[SluiceRun], run: &Run) {
    let sum = |count: fn(&Accounting) -> u64| -> u64 {
        rounds.iter().map(|round| count(&round.accounting)).sum()
    };
    report.lost = Some(sum(|a| a.lost));
    report.duplicated = Some(sum(|a| a.duplicated));
    report.set_extra("unexpected", sum(|a| a.unexpected));
    report.set_extra("identical", rounds.iter().all(|round| round.identical));
    report.peak_rss_bytes = rounds.iter().map(|r| r.usage.memory.hwm_bytes).max();
    let cpu: Vec<f64> = rounds.iter().map(|r| r.usage.cpu_seconds).collect();
    report.cpu_seconds = median(&cpu);
    for (round, sluice) in rounds.iter().enumerate() {
        for failure in sluice.accounting.failures() {
            report.fail(format!("round {round}: {failure}"));
        }
        if let Some(reason) = &sluice.stop_problem {
            report.fail(format!("round {round}: {reason}"));
        }
        if sluice.elapsed.is_none() {
            report.fail(format!(
                "round {round}: only {} of {} lines arrived within {:?}",
                sluice.accounting.delivered, run.records, run.timeout
            ));
        }
    }
    let finished: Vec<Duration> = rounds.iter().filter_map(|round| round.elapsed).collect();
    if finished.len() < rounds.len() {
        report.summary = format!("timed out after {:?}", run.timeout);
        return;
    }
    let rates: Vec<f64> = finished.iter().map(|elapsed| run.rate(*elapsed)).collect();
    let seconds: Vec<f64> = finished.iter().map(Duration::as_secs_f64).collect();
    let mb: Vec<f64> = finished.iter().map(|e| run.megabytes_per_sec(*e)).collect();
    report.records_per_sec = median(&rates);
    report.mb_per_sec = median(&mb);
    report.set_extra("records_per_sec_rounds", rates);
    report.set_extra("seconds", median(&seconds));
    let first: Vec<f64> = rounds
        .iter()
        .filter_map(|round| round.first_line)
        .map(|first| first.as_secs_f64() * 1000.0)
        .collect();
    report.set_extra("first_line_ms", median(&first));
}

/// What a baseline round measured, with its own accounting.
struct BaselineRun {
    result: LoopResult,
    accounting: Accounting,
}

impl Run<'_> {
    fn baseline(&self, mode: Mode, round: usize) -> anyhow::Result<BaselineRun> {
        let name = match mode {
            Mode::Sequential => "baseline-sequential",
            Mode::Pipelined => "baseline-pipelined",
        };
        let output = self.dir.join(format!("{name}-{round}.txt"));
        let result = rdkafka_loop::run(
            &self.ctx.bootstrap,
            self.input,
            &output,
            self.records,
            self.timeout,
            mode,
        )?;
        let accounting = compare_lines(self.expected, &read(&output)?);
        let _ = fs::remove_file(&output);
        Ok(BaselineRun { result, accounting })
    }
}

/// What the Sluice run measured.
struct SluiceRun {
    /// From process start until the output held `records` lines; `None` on timeout.
    elapsed: Option<Duration>,
    /// From process start until the first line reached the output (start-up, topic creation
    /// and the sink's subscription included).
    first_line: Option<Duration>,
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
    fn sluice(&self, round: usize) -> anyhow::Result<SluiceRun> {
        let topic = unique_name("loadtest-file-kafka-file");
        let output = self.dir.join(format!("sluice-output-{round}.txt"));
        // A fresh worker directory: a reused offsets file would skip the input.
        let files =
            self.sluice_files(&self.dir.join(format!("sluice-{round}")), &topic, &output)?;
        let mut process = files.start(&self.ctx.sluice, "worker.log")?;
        let deadline = process.started() + self.timeout;
        let mut counter = LineCounter::new(&output);
        let mut first_line = None;
        let elapsed = loop {
            let lines = counter.poll()?;
            if lines > 0 && first_line.is_none() {
                first_line = Some(process.started().elapsed());
            }
            if lines >= self.records {
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
        let _ = fs::remove_file(&output);
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
            first_line,
            accounting,
            identical,
            usage,
            stop_problem,
        })
    }

    /// The worker (ByteArray keys, String values) and the two connectors.
    fn sluice_files(&self, dir: &Path, topic: &str, output: &Path) -> anyhow::Result<WorkerFiles> {
        let mut files = WorkerFiles::new(
            dir,
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
