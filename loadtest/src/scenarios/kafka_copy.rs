//! The Kafka → Kafka copy scenarios' shared run: fill a one-partition topic with numbered
//! records, then in interleaved rounds copy it (a) with the raw rdkafka consume-produce loop and
//! (b) with `sluice standalone` running `MirrorSourceConnector` under the case's worker and
//! connector keys; account for every record of each copy by its sequence number and report the
//! median rates and their ratio.

use std::time::{Duration, Instant};

use super::Context;
use super::throughput::Rounds;
use crate::accounting::compare_lines;
use crate::baseline::consume_produce;
use crate::broker::{create_topic, delete_topics, unique_name};
use crate::kafka_topics::{fill, read_values, wait_for_records};
use crate::report::{Report, Target};
use crate::worker::WorkerFiles;

/// The source cluster alias: remote topics are `src.<topic>`.
pub const ALIAS: &str = "src";
/// `MirrorSourceConnector`'s class.
const MIRROR_SOURCE: &str = "org.apache.kafka.connect.mirror.MirrorSourceConnector";

/// One Kafka → Kafka copy scenario.
pub struct CopyCase<'a> {
    /// The scenario's name (scratch directories, topic names, the report).
    pub scenario: &'static str,
    /// Records in the source topic.
    pub records: u64,
    /// Interleaved rounds of (baseline, Sluice); the medians are reported.
    pub rounds: usize,
    /// The value of source record `seq`.
    pub source_value: fn(u64) -> Vec<u8>,
    /// Worker keys besides the bootstrap servers, REST listener and offsets file.
    pub worker: &'a [(&'a str, &'a str)],
    /// Connector keys besides the class, cluster alias, bootstrap servers and topic.
    pub connector: &'a [(&'a str, &'a str)],
    /// What the accounting expects: one line per source record.
    pub expected: Vec<u8>,
    /// The accounting line of a value in the copy Sluice made.
    pub line_of: fn(&[u8]) -> &[u8],
    /// The target for `ratio`.
    pub target_ratio: f64,
    /// What the summary calls a record, e.g. `100 B ByteArray records`.
    pub described: &'a str,
}

/// Runs `case`; the report carries rates, ratio, CPU, peak RSS and the accounting.
pub fn run(ctx: &Context, case: &CopyCase<'_>) -> anyhow::Result<Report> {
    let records = case.records;
    let timeout = ctx.pick(Duration::from_secs(30), Duration::from_secs(240));
    let source = unique_name(&case.scenario.replace('_', "-"));
    create_topic(&ctx.bootstrap, &source, 1)?;
    fill(&ctx.bootstrap, &source, records, case.source_value, timeout)?;
    let value_bytes = (case.source_value)(0).len();

    let mut report = Report::new(case.scenario);
    let mut rounds = Rounds::default();
    for round in 0..case.rounds {
        let target = unique_name("copy-baseline");
        create_topic(&ctx.bootstrap, &target, 1)?;
        let elapsed = consume_produce::run(&ctx.bootstrap, &source, &target, records, timeout)?;
        rounds.baseline(records, elapsed);
        delete_topics(&ctx.bootstrap, &[&target]);

        let dir = ctx.scratch(&format!("{}/{round}", case.scenario))?;
        let remote = format!("{ALIAS}.{source}");
        create_topic(&ctx.bootstrap, &remote, 1)?;
        let mut files = WorkerFiles::new(&dir, &ctx.bootstrap, case.worker)?;
        let mut connector = vec![
            ("connector.class", MIRROR_SOURCE),
            ("source.cluster.alias", ALIAS),
            ("source.cluster.bootstrap.servers", ctx.bootstrap.as_str()),
            ("topics", source.as_str()),
            ("tasks.max", "1"),
        ];
        connector.extend_from_slice(case.connector);
        files.add_connector("copy", &connector)?;
        let started = Instant::now();
        let process = files.start(&ctx.sluice, "worker.log")?;
        let elapsed = wait_for_records(&ctx.bootstrap, &remote, records, started, timeout)
            .map_err(|error| error.context(process.log_tail()))?;
        rounds.sluice(records, elapsed, &process.usage()?);
        process.stop()?;
        let copied = read_values(&ctx.bootstrap, &remote, case.line_of, timeout)?;
        rounds.account(&mut report, round, &compare_lines(&case.expected, &copied));
        delete_topics(&ctx.bootstrap, &[&remote]);
    }
    delete_topics(&ctx.bootstrap, &[&source]);

    let medians = rounds.finish(
        &mut report,
        records,
        value_bytes,
        "rdkafka consume-produce loop",
    );
    if let Some(medians) = medians {
        report.set_target(Target::at_least("ratio", case.target_ratio), medians.ratio);
        report.summary = format!(
            "{records} {}, median of {}: sluice {:.0}/s, consume-produce loop {:.0}/s (ratio \
             {:.2})",
            case.described, case.rounds, medians.rate, medians.baseline, medians.ratio
        );
    }
    Ok(report)
}
