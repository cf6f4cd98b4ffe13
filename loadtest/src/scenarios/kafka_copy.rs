//! The Kafka → Kafka copy scenarios' shared run: fill a one-partition topic with numbered
//! records, then in interleaved rounds copy it (a) with the raw rdkafka consume-produce loop and
//! (b) with `sluice standalone` running `MirrorSourceConnector` under the case's worker and
//! connector keys; account for every record of each copy by its sequence number and report the
//! median rates and their ratio.

use std::time::{Duration, Instant};

use super::{Context, median};
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
    let (mut baseline, mut sluice, mut cpu, mut rss) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let (mut lost, mut duplicated) = (0, 0);
    for round in 0..case.rounds {
        let target = unique_name("copy-baseline");
        create_topic(&ctx.bootstrap, &target, 1)?;
        let elapsed = consume_produce::run(&ctx.bootstrap, &source, &target, records, timeout)?;
        baseline.push(records as f64 / elapsed.as_secs_f64());
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
        sluice.push(records as f64 / elapsed.as_secs_f64());
        let usage = process.usage()?;
        cpu.push(usage.cpu_seconds);
        rss = rss.max(usage.memory.hwm_bytes);
        process.stop()?;
        let copied = read_values(&ctx.bootstrap, &remote, case.line_of, timeout)?;
        let accounting = compare_lines(&case.expected, &copied);
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
    report.set_rate(rate, value_bytes);
    report.baseline_records_per_sec = baseline_rate;
    report.lost = Some(lost);
    report.duplicated = Some(duplicated);
    report.dlq = Some(0);
    report.peak_rss_bytes = Some(rss);
    report.cpu_seconds = median(&cpu);
    report.set_extra("records", records);
    report.set_extra("value_bytes", value_bytes as u64);
    report.set_extra("rounds", case.rounds as u64);
    report.set_extra("baseline", "rdkafka consume-produce loop");
    report.set_extra("sluice_rounds_records_per_sec", sluice.clone());
    report.set_extra("baseline_rounds_records_per_sec", baseline.clone());
    if let (Some(rate), Some(baseline_rate)) = (rate, baseline_rate) {
        let ratio = rate / baseline_rate;
        report.ratio = Some(ratio);
        report.set_target(Target::at_least("ratio", case.target_ratio), ratio);
        report.summary = format!(
            "{records} {}, median of {}: sluice {rate:.0}/s, consume-produce loop \
             {baseline_rate:.0}/s (ratio {ratio:.2})",
            case.described, case.rounds
        );
    }
    Ok(report)
}
