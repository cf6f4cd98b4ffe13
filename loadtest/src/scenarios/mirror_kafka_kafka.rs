//! `mirror_kafka_kafka`: Kafka → Kafka through MirrorSourceConnector with ByteArray converters
//! (records pass through undecoded) against a raw rdkafka consume-produce loop over the same
//! records and broker, in the same run (issue 6: ≥ 90% of the baseline's records/s). Every
//! record of the remote topic is accounted for by its sequence number.

use std::time::{Duration, Instant};

use super::{Context, Scenario, median};
use crate::accounting::compare_lines;
use crate::baseline::consume_produce;
use crate::broker::{create_topic, delete_topics, unique_name};
use crate::kafka_topics::{VALUE_BYTES, expected_lines, fill, read_values, wait_for_records};
use crate::report::{Report, Target};
use crate::worker::WorkerFiles;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "mirror_kafka_kafka",
    about: "MirrorSourceConnector (ByteArray) Kafka → Kafka vs a raw consume-produce loop (target ratio ≥ 0.9)",
    run,
};

/// Issue 6's target: Sluice's records/s over the baseline's.
const TARGET_RATIO: f64 = 0.9;
/// Rounds of (baseline, Sluice); the medians are reported.
const ROUNDS: usize = 3;
/// The source cluster alias: remote topics are `src.<topic>`.
const ALIAS: &str = "src";
const BYTE_ARRAY: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(100_000, 1_000_000);
    let timeout = ctx.pick(Duration::from_secs(30), Duration::from_secs(240));
    let source = unique_name("mirror-source");
    create_topic(&ctx.bootstrap, &source, 1)?;
    fill(&ctx.bootstrap, &source, records, timeout)?;
    let expected = expected_lines(records);

    let mut report = Report::new(SCENARIO.name);
    let (mut baseline, mut sluice, mut cpu, mut rss) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let (mut lost, mut duplicated) = (0, 0);
    for round in 0..ROUNDS {
        let target = unique_name("mirror-baseline");
        create_topic(&ctx.bootstrap, &target, 1)?;
        let elapsed = consume_produce::run(&ctx.bootstrap, &source, &target, records, timeout)?;
        baseline.push(records as f64 / elapsed.as_secs_f64());
        delete_topics(&ctx.bootstrap, &[&target]);

        let dir = ctx.scratch(&format!("mirror_kafka_kafka/{round}"))?;
        let remote = format!("{ALIAS}.{source}");
        create_topic(&ctx.bootstrap, &remote, 1)?;
        let mut files = WorkerFiles::new(
            &dir,
            &ctx.bootstrap,
            &[
                ("key.converter", BYTE_ARRAY),
                ("value.converter", BYTE_ARRAY),
                ("header.converter", BYTE_ARRAY),
                ("offset.flush.interval.ms", "1000"),
            ],
        )?;
        files.add_connector(
            "mirror",
            &[
                (
                    "connector.class",
                    "org.apache.kafka.connect.mirror.MirrorSourceConnector",
                ),
                ("source.cluster.alias", ALIAS),
                ("source.cluster.bootstrap.servers", &ctx.bootstrap),
                ("topics", &source),
                ("tasks.max", "1"),
            ],
        )?;
        let started = Instant::now();
        let process = files.start(&ctx.sluice, "worker.log")?;
        let elapsed = wait_for_records(&ctx.bootstrap, &remote, records, started, timeout)
            .map_err(|error| error.context(process.log_tail()))?;
        sluice.push(records as f64 / elapsed.as_secs_f64());
        let usage = process.usage()?;
        cpu.push(usage.cpu_seconds);
        rss = rss.max(usage.memory.hwm_bytes);
        process.stop()?;
        let accounting = compare_lines(&expected, &read_values(&ctx.bootstrap, &remote, timeout)?);
        lost += accounting.lost + accounting.unexpected;
        duplicated += accounting.duplicated;
        for failure in accounting.failures() {
            report.fail(format!("round {round}: {failure}"));
        }
        delete_topics(&ctx.bootstrap, &[&remote]);
    }
    delete_topics(&ctx.bootstrap, &[&source]);

    let rate = median(&sluice);
    let baseline_rate = median(&baseline);
    report.records_per_sec = rate;
    report.baseline_records_per_sec = baseline_rate;
    report.lost = Some(lost);
    report.duplicated = Some(duplicated);
    report.peak_rss_bytes = Some(rss);
    report.cpu_seconds = median(&cpu);
    report.set_extra("records", records);
    report.set_extra("value_bytes", VALUE_BYTES as u64);
    report.set_extra("rounds", ROUNDS);
    report.set_extra("baseline", "rdkafka consume-produce loop");
    report.set_extra("sluice_rounds_records_per_sec", sluice.clone());
    report.set_extra("baseline_rounds_records_per_sec", baseline.clone());
    if let (Some(rate), Some(baseline_rate)) = (rate, baseline_rate) {
        let ratio = rate / baseline_rate;
        report.ratio = Some(ratio);
        report.set_target(Target::at_least("ratio", TARGET_RATIO), ratio);
        report.summary = format!(
            "{records} records of {VALUE_BYTES} B, median of {ROUNDS}: sluice {rate:.0}/s, \
             consume-produce loop {baseline_rate:.0}/s (ratio {ratio:.2})"
        );
    }
    Ok(report)
}
