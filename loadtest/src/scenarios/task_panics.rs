//! `task_panics`: the FileStreamSource → topic → FileStreamSink pipeline with the `InjectFault`
//! SMT on both tasks, so each source incarnation panics after N records and each sink
//! incarnation after M, a fixed number of times; supervision restarts them (short backoff,
//! offsets committed often). Every record must arrive: a loss fails, duplicates are reported,
//! and the panics and restarts are counted from the worker's log.

use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::{Context, Scenario};
use crate::files::{LINE_BYTES, write_input};
use crate::pipeline::{Extra, FilePipeline, add_accounting, stop};
use crate::report::Report;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "task_panics",
    about: "source and sink tasks panic every N records (InjectFault), are restarted: 0 lost",
    run,
};

/// Sluice's fault-injection SMT.
const INJECT_FAULT: &str = "io.sluice.connect.transforms.InjectFault";
/// Panics allowed per side.
const SOURCE_PANICS: u64 = 3;
const SINK_PANICS: u64 = 2;
/// What the panic hook and the supervisor write to the log.
const PANIC_LINE: &str = "InjectFault: panicking after";
const RESTART_LINE: &str = "restarting the failed task";

/// Quick restarts and frequent commits, so every incarnation makes progress.
const WORKER: &[(&str, &str)] = &[
    ("task.restart.backoff.initial.ms", "50"),
    ("task.restart.backoff.max.ms", "500"),
    ("offset.flush.interval.ms", "200"),
];

/// The keys of an `InjectFault` SMT panicking after `after` records, `times` times.
fn fault_keys<'a>(after: &'a str, times: &'a str, id: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("transforms", "fault"),
        ("transforms.fault.type", INJECT_FAULT),
        ("transforms.fault.panic.after.records", after),
        ("transforms.fault.panic.times", times),
        ("transforms.fault.fault.id", id),
    ]
}

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(100_000, 500_000);
    let timeout = ctx.pick(Duration::from_secs(40), Duration::from_secs(180));
    let source_after = (records / 5).to_string();
    let sink_after = (records / 4).to_string();
    let source_times = SOURCE_PANICS.to_string();
    let sink_times = SINK_PANICS.to_string();
    let source_keys = fault_keys(&source_after, &source_times, "loadtest-source");
    let sink_keys = fault_keys(&sink_after, &sink_times, "loadtest-sink");
    let pipeline = FilePipeline::new(
        ctx,
        SCENARIO.name,
        Extra {
            worker: WORKER,
            source: &source_keys,
            sink: &sink_keys,
            ..Extra::default()
        },
    )?;
    write_input(&pipeline.input, records)?;
    let expected = std::fs::read(&pipeline.input)
        .with_context(|| format!("reading {}", pipeline.input.display()))?;
    let mut follower = pipeline.follower(expected)?;
    let mut report = Report::new(SCENARIO.name);

    let started = Instant::now();
    let mut process = pipeline.start(ctx, "worker.log")?;
    let complete = follower.wait_complete(&mut process, started + timeout)?;
    let elapsed = started.elapsed();
    let accounting = follower.settle()?;
    let usage = process.usage()?;
    let log = process.log_text();
    stop(&mut report, process)?;
    pipeline.cleanup(ctx);

    add_accounting(&mut report, &follower, &accounting);
    report.dlq = Some(0);
    report.peak_rss_bytes = Some(usage.memory.hwm_bytes);
    report.cpu_seconds = Some(usage.cpu_seconds);
    let panics = log.matches(PANIC_LINE).count() as u64;
    let restarts = log.matches(RESTART_LINE).count() as u64;
    report.set_extra("panics", panics);
    report.set_extra("restarts", restarts);
    report.set_extra("panics_configured", SOURCE_PANICS + SINK_PANICS);
    if panics != SOURCE_PANICS + SINK_PANICS {
        report.fail(format!(
            "{panics} panics in the log, {} configured: the fault was not injected as planned",
            SOURCE_PANICS + SINK_PANICS
        ));
    }
    if restarts < panics {
        report.fail(format!("{panics} panics but only {restarts} restarts"));
    }
    if complete {
        report.set_rate(Some(records as f64 / elapsed.as_secs_f64()), LINE_BYTES);
        report.set_extra("seconds", elapsed.as_secs_f64());
    } else {
        report.fail(format!("not every record arrived within {timeout:?}"));
    }
    report.summary = format!(
        "{records} lines; source panics every {source_after}, sink every {sink_after} records: \
         {panics} panics, {restarts} restarts, {} lost, {} duplicated",
        accounting.lost, accounting.duplicated
    );
    Ok(report)
}
