//! `startup`: process start of `sluice standalone` with one FileStreamSource connector to the
//! connector and its task RUNNING (issue 5: < 200 ms). Median of 5 runs (3 with `--quick`).

use std::time::Duration;

use super::{Context, Scenario, median, write_small_input};
use crate::broker::{delete_topics, unique_name};
use crate::report::{Report, Target};
use crate::worker::{WorkerFiles, file_source_pairs, wait_running};

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "startup",
    about: "process start to connector and task RUNNING (target < 200 ms)",
    run,
};

/// Issue 5's target, in milliseconds.
const TARGET_MS: f64 = 200.0;
/// How long one start may take before the scenario fails.
const RUNNING_TIMEOUT: Duration = Duration::from_secs(30);

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let runs = ctx.pick(3, 5);
    let mut topics = Vec::with_capacity(runs);
    let mut startups_ms = Vec::with_capacity(runs);
    let mut report = Report::new(SCENARIO.name);
    let mut peak_rss = 0u64;
    let mut cpu_seconds = Vec::with_capacity(runs);
    for attempt in 0..runs {
        let dir = ctx.scratch(&format!("startup-{attempt}"))?;
        let input = dir.join("input.txt");
        write_small_input(&input, 10)?;
        let mut files = WorkerFiles::new(&dir, &ctx.bootstrap, &[])?;
        let input = input.display().to_string();
        // A fresh topic each run, so every run does the same work (the first creates it).
        let topic = unique_name("loadtest-startup");
        files.add_connector("source", &file_source_pairs(&input, &topic))?;
        let mut process = files.start(&ctx.sluice, "worker.log")?;
        let startup = wait_running(&mut process, &files.rest(), &["source"], RUNNING_TIMEOUT)?;
        startups_ms.push(startup.as_secs_f64() * 1000.0);
        let usage = process.usage()?;
        peak_rss = peak_rss.max(usage.memory.hwm_bytes);
        cpu_seconds.push(usage.cpu_seconds);
        if process.stop()? != Some(0) {
            report.fail(format!("run {attempt}: sluice did not exit 0 on SIGTERM"));
        }
        topics.push(topic);
    }
    let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
    delete_topics(&ctx.bootstrap, &topics);
    let startup_ms = median(&startups_ms).unwrap_or(f64::NAN);
    report.peak_rss_bytes = Some(peak_rss);
    report.cpu_seconds = median(&cpu_seconds);
    report.set_target(Target::below("startup_ms", TARGET_MS), startup_ms);
    report.set_extra("startup_ms", startup_ms);
    report.set_extra("startup_ms_runs", startups_ms.clone());
    report.summary = format!(
        "start → RUNNING: median {startup_ms:.1} ms of {runs} runs ({})",
        startups_ms
            .iter()
            .map(|ms| format!("{ms:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(report)
}
