//! `idle_rss`: resident memory of a standalone worker with one FileStreamSource connector,
//! RUNNING and idle for 2 s (issue 5: < 20 MB).

use std::time::Duration;

use super::{Context, Scenario, write_small_input};
use crate::broker::{delete_topics, unique_name};
use crate::report::{Report, Target, mebibytes};
use crate::worker::{WorkerFiles, file_source_pairs, wait_running};

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "idle_rss",
    about: "VmRSS of a worker with one connector, idle 2 s after RUNNING (target < 20 MB)",
    run,
};

/// Issue 5's target: 20 MB, in bytes (decimal megabytes: the stricter reading).
const TARGET_BYTES: f64 = 20_000_000.0;
/// How long the worker idles before its memory is read.
const IDLE: Duration = Duration::from_secs(2);
/// How long the start may take before the scenario fails.
const RUNNING_TIMEOUT: Duration = Duration::from_secs(30);

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let dir = ctx.scratch("idle_rss")?;
    let input = dir.join("input.txt");
    write_small_input(&input, 10)?;
    let topic = unique_name("loadtest-idle");
    let mut files = WorkerFiles::new(&dir, &ctx.bootstrap, &[])?;
    let input = input.display().to_string();
    files.add_connector("source", &file_source_pairs(&input, &topic))?;
    let mut process = files.start(&ctx.sluice, "worker.log")?;
    let startup = wait_running(&mut process, &files.rest(), &["source"], RUNNING_TIMEOUT)?;
    std::thread::sleep(IDLE);
    process.ensure_running()?;
    let usage = process.usage()?;
    let mut report = Report::new(SCENARIO.name);
    if process.stop()? != Some(0) {
        report.fail("sluice did not exit 0 on SIGTERM");
    }
    delete_topics(&ctx.bootstrap, &[&topic]);

    let idle = usage.memory.rss_bytes;
    report.peak_rss_bytes = Some(usage.memory.hwm_bytes);
    report.cpu_seconds = Some(usage.cpu_seconds);
    report.set_target(Target::below("idle_rss_bytes", TARGET_BYTES), idle as f64);
    report.set_extra("idle_rss_bytes", idle);
    report.set_extra("startup_ms", startup.as_secs_f64() * 1000.0);
    report.summary = format!(
        "idle VmRSS {} (VmHWM {}) after {} s RUNNING",
        mebibytes(idle),
        mebibytes(usage.memory.hwm_bytes),
        IDLE.as_secs()
    );
    Ok(report)
}
