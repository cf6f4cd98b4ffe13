//! `stalled_sink`: FileStreamSource → topic → FileStreamSink with the sink stalled mid-stream
//! (`PUT /connectors/<sink>/pause`) for several seconds while the source keeps producing the
//! rest of a large file, then resumed. The worker's peak RSS (`VmHWM`) must stay under
//! 256 MB (issue 6) and every record must arrive.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::{Context, Scenario};
use crate::files::{LINE_BYTES, write_input};
use crate::pipeline::{Extra, FilePipeline, add_accounting, stop};
use crate::report::{Report, Target, mebibytes};

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "stalled_sink",
    about: "sink paused for seconds while the source keeps producing: VmHWM < 256 MB, 0 lost",
    run,
};

/// Issue 6's bound on memory under a stalled sink: 256 MB (decimal: the stricter reading).
const TARGET_BYTES: f64 = 256_000_000.0;
/// How often memory is sampled during the stall.
const SAMPLE: Duration = Duration::from_millis(100);

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(300_000, 1_000_000);
    let stall = ctx.pick(Duration::from_secs(3), Duration::from_secs(10));
    let timeout = ctx.pick(Duration::from_secs(40), Duration::from_secs(180));
    let pipeline = FilePipeline::new(ctx, SCENARIO.name, Extra::default())?;
    write_input(&pipeline.input, records)?;
    let expected = std::fs::read(&pipeline.input)
        .with_context(|| format!("reading {}", pipeline.input.display()))?;
    let mut follower = pipeline.follower(expected)?;
    let mut report = Report::new(SCENARIO.name);
    let rest = pipeline.files.rest();

    let started = Instant::now();
    let deadline = started + timeout;
    let mut process = pipeline.start(ctx, "worker.log")?;
    let stall_at = records / 10;
    if !follower.wait_until(&mut process, deadline, |f| f.arrived() >= stall_at)? {
        bail!("{stall_at} records did not arrive within {timeout:?}");
    }
    let sink = &pipeline.sink;
    match rest.put(&format!("/connectors/{sink}/pause")) {
        Some(202) => {}
        other => bail!("PUT /connectors/{sink}/pause answered {other:?}"),
    }
    follower.poll()?;
    let arrived_at_pause = follower.arrived();
    let stalled = Instant::now();
    let mut stalled_rss = 0;
    while stalled.elapsed() < stall {
        process.ensure_running()?;
        stalled_rss = stalled_rss.max(process.usage()?.memory.rss_bytes);
        std::thread::sleep(SAMPLE);
    }
    follower.poll()?;
    let arrived_at_resume = follower.arrived();
    match rest.put(&format!("/connectors/{sink}/resume")) {
        Some(202) => {}
        other => bail!("PUT /connectors/{sink}/resume answered {other:?}"),
    }
    let complete = follower.wait_complete(&mut process, deadline)?;
    let elapsed = started.elapsed();
    let accounting = follower.settle()?;
    let usage = process.usage()?;
    stop(&mut report, process)?;
    pipeline.cleanup(ctx);

    add_accounting(&mut report, &follower, &accounting);
    report.dlq = Some(0);
    let peak = usage.memory.hwm_bytes;
    report.peak_rss_bytes = Some(peak);
    report.cpu_seconds = Some(usage.cpu_seconds);
    report.set_target(Target::below("peak_rss_bytes", TARGET_BYTES), peak as f64);
    if peak as f64 >= TARGET_BYTES {
        report.fail(format!(
            "peak RSS {} under a stalled sink: not under 256 MB",
            mebibytes(peak)
        ));
    }
    report.set_extra("stall_seconds", stall.as_secs_f64());
    report.set_extra("stall_method", "PUT /connectors/<sink>/pause, then /resume");
    report.set_extra("arrived_at_pause", arrived_at_pause);
    report.set_extra("arrived_at_resume", arrived_at_resume);
    report.set_extra("stalled_max_rss_bytes", stalled_rss);
    if complete {
        report.set_rate(Some(records as f64 / elapsed.as_secs_f64()), LINE_BYTES);
        report.set_extra("seconds", elapsed.as_secs_f64());
    } else {
        report.fail(format!("not every record arrived within {timeout:?}"));
    }
    report.summary = format!(
        "{records} lines, sink paused {} s at {arrived_at_pause} out ({arrived_at_resume} at \
         resume): peak RSS {}, max RSS while paused {}, {} lost, {} duplicated",
        stall.as_secs(),
        mebibytes(peak),
        mebibytes(stalled_rss),
        accounting.lost,
        accounting.duplicated
    );
    Ok(report)
}
