//! `file_latency`: end-to-end latency of the standalone file → Kafka → file path at a steady
//! rate. Lines carrying their write time are appended to the file a FileStreamSource tails;
//! each line's latency is when it shows up in the FileStreamSink's output minus that time
//! (observed every millisecond). Every line is accounted for: loss fails.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};

use super::{Context, Scenario};
use crate::accounting::{Accounting, compare_lines};
use crate::broker::{delete_topics, unique_name};
use crate::files::{LINE_BYTES, LineTail, read};
use crate::process::{SluiceProcess, Usage};
use crate::report::Report;
use crate::worker::{STRING_CONVERTER, WorkerFiles, file_source_pairs, wait_running};

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "file_latency",
    about: "end-to-end latency p50/p99/max of file → topic → file at a steady rate",
    run,
};

/// How often lines are appended and the output is read.
const TICK: Duration = Duration::from_millis(1);
/// How long the pipeline may take to move the first (warm-up) line.
const WARM_UP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the last lines may take to arrive after the last write.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(15);

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let rate: u64 = ctx.pick(5_000, 10_000);
    let seconds: u64 = ctx.pick(3, 10);
    let total = rate * seconds;
    let dir = ctx.scratch("file_latency")?;
    let input = dir.join("input.txt");
    let output = dir.join("output.txt");
    let topic = unique_name("loadtest-latency");
    let files = worker_files(ctx, &dir, &input, &output, &topic)?;
    let mut writer = File::create(&input)
        .and_then(|_| OpenOptions::new().append(true).open(&input))
        .with_context(|| format!("opening {} for appending", input.display()))?;
    let mut process = files.start(&ctx.sluice, "worker.log")?;
    let rest = files.rest();
    wait_running(
        &mut process,
        &rest,
        &["file-source", "file-sink"],
        WARM_UP_TIMEOUT,
    )?;
    let mut tail = LineTail::new(&output);
    warm_up(&mut writer, &mut tail, &mut process)?;

    let pace = Pace {
        rate,
        total,
        seconds,
    };
    let (latencies_us, elapsed) = stream(&pace, &mut writer, &mut tail, &mut process)?;
    std::thread::sleep(Duration::from_millis(500));
    let accounting = compare_lines(&read(&input)?, &read(&output)?);
    let usage = process.usage()?;
    let exit = process.stop()?;
    delete_topics(&ctx.bootstrap, &[&topic]);

    Ok(latency_report(
        &pace,
        latencies_us,
        elapsed,
        &accounting,
        &usage,
        exit,
    ))
}

/// The report of a run: latency quantiles, throughput, accounting, resources.
fn latency_report(
    pace: &Pace,
    mut latencies_us: Vec<u64>,
    elapsed: Duration,
    accounting: &Accounting,
    usage: &Usage,
    exit: Option<i32>,
) -> Report {
    let (rate, total) = (pace.rate, pace.total);
    let mut report = Report::new(SCENARIO.name);
    latencies_us.sort_unstable();
    let ms = |quantile: f64| percentile(&latencies_us, quantile).map(|us| us as f64 / 1000.0);
    report.p50_ms = ms(0.50);
    report.p99_ms = ms(0.99);
    report.max_ms = ms(1.0);
    report.set_extra("offered_records_per_sec", rate);
    report.set_extra("records", total);
    report.set_extra("seconds", elapsed.as_secs_f64());
    report.set_rate(
        Some(latencies_us.len() as f64 / elapsed.as_secs_f64()),
        LINE_BYTES,
    );
    report.lost = Some(accounting.lost);
    report.duplicated = Some(accounting.duplicated);
    report.peak_rss_bytes = Some(usage.memory.hwm_bytes);
    report.cpu_seconds = Some(usage.cpu_seconds);
    for failure in accounting.failures() {
        report.fail(failure);
    }
    if exit != Some(0) {
        report.fail(format!(
            "sluice did not exit 0 on SIGTERM (exit code {exit:?})"
        ));
    }
    report.summary = format!(
        "{total} lines at {rate}/s: latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(0.5).unwrap_or(f64::NAN),
        ms(0.99).unwrap_or(f64::NAN),
        ms(1.0).unwrap_or(f64::NAN)
    );
    report
}

/// How many lines to append, how fast.
#[derive(Clone, Copy)]
struct Pace {
    rate: u64,
    total: u64,
    seconds: u64,
}

/// Appends `pace.total` timestamped lines at `pace.rate` while reading the output; returns
/// each line's latency in µs (in arrival order) and the time until the last arrived.
fn stream(
    pace: &Pace,
    writer: &mut File,
    tail: &mut LineTail,
    process: &mut SluiceProcess,
) -> anyhow::Result<(Vec<u64>, Duration)> {
    let Pace {
        rate,
        total,
        seconds,
    } = *pace;
    let mut latencies_us: Vec<u64> = Vec::with_capacity(total as usize);
    let started = Instant::now();
    let mut sent = 0u64;
    let mut chunk = Vec::new();
    loop {
        let due = ((started.elapsed().as_secs_f64() * rate as f64) as u64).min(total);
        if due > sent {
            chunk.clear();
            let now = now_micros();
            for seq in sent..due {
                push_line(&mut chunk, seq, now);
            }
            writer
                .write_all(&chunk)
                .context("appending to the input file")?;
            sent = due;
        }
        let now = now_micros();
        tail.poll(|line| {
            if let Some(written) = written_at(line) {
                latencies_us.push(now.saturating_sub(written));
            }
        })?;
        if sent == total && latencies_us.len() as u64 >= total {
            break;
        }
        if started.elapsed() > Duration::from_secs(seconds) + DRAIN_TIMEOUT {
            break;
        }
        process.ensure_running()?;
        std::thread::sleep(TICK);
    }
    Ok((latencies_us, started.elapsed()))
}

/// The worker and its FileStreamSource (tailing `input`) → `topic` → FileStreamSink pair.
fn worker_files(
    ctx: &Context,
    dir: &Path,
    input: &Path,
    output: &Path,
    topic: &str,
) -> anyhow::Result<WorkerFiles> {
    let mut files = WorkerFiles::new(
        &dir.join("worker"),
        &ctx.bootstrap,
        &[("value.converter", STRING_CONVERTER)],
    )?;
    let input = input.display().to_string();
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

/// Writes one line and waits until it comes out: the sink is subscribed and the pipeline
/// warm before the clock starts.
fn warm_up(
    writer: &mut File,
    tail: &mut LineTail,
    process: &mut SluiceProcess,
) -> anyhow::Result<()> {
    writer
        .write_all(b"warm-up\n")
        .context("appending the warm-up line")?;
    let deadline = Instant::now() + WARM_UP_TIMEOUT;
    let mut arrived = false;
    while !arrived {
        tail.poll(|_| arrived = true)?;
        process.ensure_running()?;
        if Instant::now() >= deadline {
            bail!("the warm-up line did not arrive within {WARM_UP_TIMEOUT:?}");
        }
        std::thread::sleep(TICK);
    }
    Ok(())
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or_default()
}

/// Appends `<seq> <written µs> <padding>\n`, [`LINE_BYTES`] bytes in all.
fn push_line(buffer: &mut Vec<u8>, seq: u64, written_us: u64) {
    let start = buffer.len();
    buffer.extend_from_slice(format!("{seq:010} {written_us:016} ").as_bytes());
    buffer.resize(start + LINE_BYTES - 1, b'x');
    buffer.push(b'\n');
}

/// The write time carried by a line of [`push_line`].
fn written_at(line: &[u8]) -> Option<u64> {
    let mut fields = line.split(|b| *b == b' ');
    fields.next()?;
    std::str::from_utf8(fields.next()?).ok()?.parse().ok()
}

/// The `quantile` (0..=1) of sorted `values`, nearest rank; `None` when empty.
fn percentile(sorted: &[u64], quantile: f64) -> Option<u64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.saturating_sub(1).min(last)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_carries_its_write_time_and_has_the_stated_length() {
        let mut buffer = Vec::new();
        push_line(&mut buffer, 42, 1_764_000_000_123_456);
        assert_eq!(buffer.len(), LINE_BYTES);
        assert!(buffer.starts_with(b"0000000042 1764000000123456 x"));
        assert_eq!(
            written_at(&buffer[..LINE_BYTES - 1]),
            Some(1_764_000_000_123_456)
        );
        assert_eq!(written_at(b"warm-up"), None);
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0.50), Some(50));
        assert_eq!(percentile(&values, 0.99), Some(99));
        assert_eq!(percentile(&values, 1.0), Some(100));
        assert_eq!(percentile(&[7], 0.99), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
