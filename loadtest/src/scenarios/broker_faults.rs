//! `broker_faults`: FileStreamSource → topic → FileStreamSink against librdkafka's mock cluster
//! (the engine of `bootstrap.servers=embedded`), owned by this harness so it can inject
//! faults while the worker runs: lines are appended at a steady rate to the file the source
//! tails; once records flow end to end the broker goes down for a while and comes back, then
//! answers every request with added latency for a second, then fails a burst of produce and
//! fetch requests with retriable errors. Every record must arrive.

use std::fs::OpenOptions;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rdkafka::mocking::MockCluster;
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};

use super::{Context, Scenario};
use crate::broker::read_partition;
use crate::files::{input_text, whole_lines_due};
use crate::pipeline::{Extra, FilePipeline, add_accounting, stop};
use crate::report::Report;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "broker_faults",
    about: "mock broker down mid-stream, then slow, then failing requests (librdkafka mock cluster): 0 lost",
    run,
};

/// The mock cluster's only broker.
const BROKER: i32 = 1;
/// Latency added to every request in the slow phase.
const ROUND_TRIP: Duration = Duration::from_millis(100);
/// Produce and fetch requests failed with a retriable error in the erroring phase (each
/// failed request takes one; whatever is left is cleared when the phase ends).
const REQUEST_ERRORS: usize = 30;
/// How often a chunk of lines is appended to the input.
const APPEND_EVERY: Duration = Duration::from_millis(10);

/// The broker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Healthy,
    Down,
    Slow,
    Erroring,
}

/// The phase `since` the first record arrived: healthy for 0.5 s, down for `outage`, slow
/// for 1 s, erroring for 1 s, healthy again.
fn phase_at(since: Duration, outage: Duration) -> Phase {
    let down_at = Duration::from_millis(500);
    let slow_at = down_at + outage;
    match since {
        t if t < down_at => Phase::Healthy,
        t if t < slow_at => Phase::Down,
        t if t < slow_at + Duration::from_secs(1) => Phase::Slow,
        t if t < slow_at + Duration::from_secs(2) => Phase::Erroring,
        _ => Phase::Healthy,
    }
}

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let rate: u64 = ctx.pick(3_000, 5_000);
    let append_for = ctx.pick(Duration::from_secs(6), Duration::from_secs(12));
    let outage = ctx.pick(Duration::from_secs(2), Duration::from_secs(5));
    // The mock cluster keeps ~5 MiB per partition: 18 000 and 60 000 lines of 101 B fit.
    let records = rate * append_for.as_secs();
    let timeout = append_for + ctx.pick(Duration::from_secs(40), Duration::from_secs(90));
    let cluster = MockCluster::new(1).context("starting the mock cluster")?;
    let mock_ctx = Context {
        bootstrap: cluster.bootstrap_servers(),
        ..ctx.clone()
    };
    let pipeline = FilePipeline::new(
        &mock_ctx,
        SCENARIO.name,
        Extra {
            topic_precreated: true,
            ..Extra::default()
        },
    )?;
    // The mock cluster has no CreateTopics API.
    cluster
        .create_topic(&pipeline.topic, 1, 1)
        .with_context(|| format!("creating {} on the mock cluster", pipeline.topic))?;
    let expected = input_text(records);
    std::fs::write(&pipeline.input, b"")
        .with_context(|| format!("creating {}", pipeline.input.display()))?;
    let mut follower = pipeline.follower(expected.clone())?;
    let mut report = Report::new(SCENARIO.name);

    let started = Instant::now();
    let mut process = pipeline.start(ctx, "worker.log")?;
    let mut input = OpenOptions::new()
        .append(true)
        .open(&pipeline.input)
        .with_context(|| format!("opening {}", pipeline.input.display()))?;
    let mut written = 0;
    let mut phase = Phase::Healthy;
    let mut arrived_when = Vec::new();
    let appending = Instant::now();
    let mut fault_clock = None::<Instant>;
    let faults_end = Duration::from_millis(2_500) + outage;
    // Appends at the rate until the input is written and the faults have run their course.
    while written < expected.len() || fault_clock.is_none_or(|clock| clock.elapsed() < faults_end) {
        if started.elapsed() >= timeout {
            break;
        }
        let fraction = appending.elapsed().as_secs_f64() / append_for.as_secs_f64();
        // The faults start once records flow end to end (the sink joined its group).
        if fault_clock.is_none() && follower.arrived() > 0 {
            fault_clock = Some(Instant::now());
        }
        let next = fault_clock.map_or(Phase::Healthy, |clock| phase_at(clock.elapsed(), outage));
        if next != phase {
            follower.poll()?;
            arrived_when.push(format!("{next:?} at {} lines out", follower.arrived()));
            enter(&cluster, phase, next)?;
            phase = next;
        }
        // Whole lines, as many as the steady rate has made due by now.
        let end = whole_lines_due(&expected, written, fraction);
        input
            .write_all(&expected[written..end])
            .with_context(|| format!("appending to {}", pipeline.input.display()))?;
        written = end;
        process.ensure_running()?;
        follower.poll()?;
        std::thread::sleep(APPEND_EVERY);
    }
    enter(&cluster, phase, Phase::Healthy)?;
    let complete = follower.wait_complete(&mut process, started + timeout)?;
    let elapsed = started.elapsed();
    let log_tail = process.log_tail();
    // A broker outage should be absorbed by the clients, not fail tasks: counted, not failed.
    let task_failures = process.log_text().matches("task failed").count();
    let accounting = follower.settle()?;
    let usage = process.usage()?;
    // Where records stopped: how many reached the topic tells the source side from the sink.
    let in_topic = read_partition(
        &mock_ctx.bootstrap,
        &pipeline.topic,
        records as usize,
        Duration::from_secs(5),
    )?
    .len();
    stop(&mut report, process)?;
    drop(cluster);

    add_accounting(&mut report, &follower, &accounting);
    report.dlq = Some(0);
    report.peak_rss_bytes = Some(usage.memory.hwm_bytes);
    report.cpu_seconds = Some(usage.cpu_seconds);
    report.set_extra("rate", rate);
    report.set_extra("phases", arrived_when.clone());
    report.set_extra("task_failures", task_failures);
    report.set_extra("records_in_topic", in_topic);
    if complete {
        report.set_extra("seconds", elapsed.as_secs_f64());
    } else {
        report.fail(format!(
            "not every record arrived within {timeout:?}; the log ends:\n{log_tail}"
        ));
    }
    report.summary = format!(
        "{records} lines appended at {rate}/s over {} s; once records flow: broker down {} s, \
         then +{} ms per request for 1 s, then {REQUEST_ERRORS} produce and {REQUEST_ERRORS} \
         fetch requests failing ({}): {task_failures} task failures, {in_topic} records in the \
         topic, {} lost, {} duplicated",
        append_for.as_secs(),
        outage.as_secs(),
        ROUND_TRIP.as_millis(),
        arrived_when.join(", "),
        accounting.lost,
        accounting.duplicated
    );
    Ok(report)
}

/// Moves the mock broker from phase `from` to phase `to`.
fn enter<C: rdkafka::ClientContext>(
    cluster: &MockCluster<'_, C>,
    from: Phase,
    to: Phase,
) -> anyhow::Result<()> {
    match from {
        Phase::Down => cluster
            .broker_up(BROKER)
            .context("bringing the broker up")?,
        Phase::Slow => cluster
            .broker_round_trip_time(BROKER, Duration::ZERO)
            .context("removing the added latency")?,
        Phase::Erroring => {
            cluster.clear_request_errors(RDKafkaApiKey::Produce);
            cluster.clear_request_errors(RDKafkaApiKey::Fetch);
        }
        Phase::Healthy => {}
    }
    match to {
        Phase::Down => cluster
            .broker_down(BROKER)
            .context("taking the broker down")?,
        Phase::Slow => cluster
            .broker_round_trip_time(BROKER, ROUND_TRIP)
            .context("adding latency")?,
        // Retriable: the producer retries the batch (acks=all, one in flight, so in order and
        // without loss); the consumer refreshes its metadata and fetches again.
        Phase::Erroring => {
            cluster.request_errors(
                RDKafkaApiKey::Produce,
                &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS; REQUEST_ERRORS],
            );
            cluster.request_errors(
                RDKafkaApiKey::Fetch,
                &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION; REQUEST_ERRORS],
            );
        }
        Phase::Healthy => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_goes_down_after_half_a_second_then_is_slow_then_errs_for_a_second_each() {
        let outage = Duration::from_secs(2);
        let at = |millis| phase_at(Duration::from_millis(millis), outage);
        assert_eq!(at(0), Phase::Healthy);
        assert_eq!(at(500), Phase::Down);
        assert_eq!(at(2_499), Phase::Down);
        assert_eq!(at(2_500), Phase::Slow);
        assert_eq!(at(3_500), Phase::Erroring);
        assert_eq!(at(4_500), Phase::Healthy);
    }
}
