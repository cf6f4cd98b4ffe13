//! `worker_kill_restart`: FileStreamSource → a one-partition topic → FileStreamSink in a
//! standalone worker killed with SIGKILL mid-stream and restarted on the same configs and
//! offsets file, until every record arrived. The input is appended at a steady rate while the
//! workers run (as a log a source tails), so each kill lands with records in flight however
//! fast the pipeline is. Sequence numbers account for every record: a loss fails,
//! at-least-once duplicates are reported.

use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::{Context, Scenario};
use crate::files::{LINE_BYTES, SteadyFeed, input_text};
use crate::pipeline::{Extra, FilePipeline, add_accounting, stop};
use crate::report::Report;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "worker_kill_restart",
    about: "kill -9 the standalone worker mid-stream, restart it on the same offsets: 0 lost",
    run,
};

/// Worker keys: progress committed every 100 ms, so a kill redelivers only what followed the
/// last commit; the sink consumer's session shortened from Kafka's 45 s so that the killed
/// worker's group member is expired (and its partition handed to the restarted one) quickly.
const WORKER: &[(&str, &str)] = &[
    ("offset.flush.interval.ms", "100"),
    ("consumer.session.timeout.ms", "6000"),
    ("consumer.heartbeat.interval.ms", "1000"),
];

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(100_000, 500_000);
    let kills: u64 = ctx.pick(1, 3);
    let timeout = ctx.pick(Duration::from_secs(40), Duration::from_secs(120));
    // Far below what the pipeline moves, so the output keeps up with the input.
    let feed_for = ctx.pick(Duration::from_secs(4), Duration::from_secs(12));
    let pipeline = FilePipeline::new(
        ctx,
        SCENARIO.name,
        Extra {
            worker: WORKER,
            ..Extra::default()
        },
    )?;
    let expected = input_text(records);
    std::fs::write(&pipeline.input, b"")
        .with_context(|| format!("creating {}", pipeline.input.display()))?;
    let mut follower = pipeline.follower(expected.clone())?;
    let mut report = Report::new(SCENARIO.name);

    let started = Instant::now();
    let deadline = started + timeout;
    let mut process = pipeline.start(ctx, "worker-0.log")?;
    let feed = SteadyFeed::start(&pipeline.input, expected, feed_for)?;
    let mut peak_rss = 0;
    let mut arrived_at_kill = Vec::new();
    for kill in 1..=kills {
        // Kill points spread over the stream: after 1/(kills+1), 2/(kills+1), … of it.
        let kill_at = records * kill / (kills + 1);
        if !follower.wait_until(&mut process, deadline, |f| f.arrived() >= kill_at)? {
            break;
        }
        peak_rss = peak_rss.max(process.usage()?.memory.hwm_bytes);
        process.kill_9()?;
        follower.poll()?;
        arrived_at_kill.push(follower.arrived());
        process = pipeline.start(ctx, &format!("worker-{kill}.log"))?;
    }
    feed.finish()?;
    let complete = follower.wait_complete(&mut process, deadline)?;
    let elapsed = started.elapsed();
    let log_tail = process.log_tail();
    let accounting = follower.settle()?;
    let usage = process.usage()?;
    peak_rss = peak_rss.max(usage.memory.hwm_bytes);
    stop(&mut report, process)?;
    pipeline.cleanup(ctx);

    add_accounting(&mut report, &follower, &accounting);
    report.dlq = Some(0);
    report.peak_rss_bytes = Some(peak_rss);
    report.set_extra("kills", kills);
    report.set_extra("arrived_at_kill", arrived_at_kill.clone());
    if arrived_at_kill.len() < kills as usize {
        report.fail(format!(
            "only {} of {kills} kills happened within {timeout:?}",
            arrived_at_kill.len()
        ));
    }
    if arrived_at_kill.iter().any(|arrived| *arrived >= records) {
        report.fail("a kill came after the last record arrived: nothing was tested");
    }
    if complete {
        report.set_rate(Some(records as f64 / elapsed.as_secs_f64()), LINE_BYTES);
        report.set_extra("seconds", elapsed.as_secs_f64());
    } else {
        report.fail(format!(
            "not every record arrived within {timeout:?}; the log ends:\n{log_tail}"
        ));
    }
    report.summary = format!(
        "{records} lines appended over {} s, {kills} kill(s) -9 at {arrived_at_kill:?} distinct \
         lines out, restarted each time: {} lost, {} duplicated",
        feed_for.as_secs(),
        accounting.lost,
        accounting.duplicated
    );
    Ok(report)
}
