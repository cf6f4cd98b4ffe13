//! `poison_records_dlq`: numbered lines, most of them JSON strings and every Nth not JSON at
//! all, go through a topic with `StringConverter`; the FileStreamSink reads them with a
//! schemaless `JsonConverter`, `errors.tolerance=all` and a dead letter queue. Every valid
//! line must reach the output and every poison line the DLQ exactly once.

use std::time::{Duration, Instant};

use super::{Context, Scenario};
use crate::accounting::SequenceTally;
use crate::broker::{delete_topics, read_partition, unique_name};
use crate::pipeline::{Extra, FilePipeline, add_accounting, stop};
use crate::report::Report;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "poison_records_dlq",
    about: "non-JSON lines among JSON ones: each valid one in the output, each poison one in the DLQ",
    run,
};

/// Kafka's `JsonConverter`.
const JSON_CONVERTER: &str = "org.apache.kafka.connect.json.JsonConverter";
/// The header every DLQ record carries when context headers are enabled.
const CONTEXT_HEADER: &str = "__connect.errors.exception.class.name";
/// How long the DLQ may take to hold every poison record after the output is complete.
const DLQ_TIMEOUT: Duration = Duration::from_secs(15);

/// The source's input, what the sink must write and what the DLQ must hold.
struct Input {
    text: Vec<u8>,
    valid_out: Vec<u8>,
    poison: Vec<u8>,
    poison_count: u64,
}

/// `records` lines, every `poison_every`th one poison: `0000000042 poison {not json`
/// (leading zeros and trailing text: never JSON); the others JSON strings such as
/// `"0000000001 valid"`, which the sink writes without their quotes.
fn input(records: u64, poison_every: u64) -> Input {
    let mut input = Input {
        text: Vec::new(),
        valid_out: Vec::new(),
        poison: Vec::new(),
        poison_count: 0,
    };
    for seq in 0..records {
        if seq % poison_every == poison_every - 1 {
            let line = format!("{seq:010} poison {{not json\n");
            input.text.extend_from_slice(line.as_bytes());
            input.poison.extend_from_slice(line.as_bytes());
            input.poison_count += 1;
        } else {
            let value = format!("{seq:010} valid record of the poison scenario");
            input
                .text
                .extend_from_slice(format!("\"{value}\"\n").as_bytes());
            input
                .valid_out
                .extend_from_slice(format!("{value}\n").as_bytes());
        }
    }
    input
}

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(20_000, 200_000);
    let poison_every: u64 = 100;
    let timeout = ctx.pick(Duration::from_secs(30), Duration::from_secs(120));
    let dlq_topic = unique_name("loadtest-dlq");
    let sink_keys = [
        ("value.converter", JSON_CONVERTER),
        ("value.converter.schemas.enable", "false"),
        ("errors.tolerance", "all"),
        ("errors.deadletterqueue.topic.name", dlq_topic.as_str()),
        ("errors.deadletterqueue.topic.replication.factor", "-1"),
        ("errors.deadletterqueue.context.headers.enable", "true"),
    ];
    let pipeline = FilePipeline::new(
        ctx,
        SCENARIO.name,
        Extra {
            sink: &sink_keys,
            ..Extra::default()
        },
    )?;
    let input = input(records, poison_every);
    std::fs::write(&pipeline.input, &input.text)?;
    let mut follower = pipeline.follower(input.valid_out)?;
    let mut report = Report::new(SCENARIO.name);

    let started = Instant::now();
    let mut process = pipeline.start(ctx, "worker.log")?;
    let complete = follower.wait_complete(&mut process, started + timeout)?;
    let elapsed = started.elapsed();
    let accounting = follower.settle()?;
    let dlq = read_partition(
        &ctx.bootstrap,
        &dlq_topic,
        input.poison_count as usize,
        DLQ_TIMEOUT,
    )?;
    let usage = process.usage()?;
    stop(&mut report, process)?;
    pipeline.cleanup(ctx);
    delete_topics(&ctx.bootstrap, &[&dlq_topic]);

    add_accounting(&mut report, &follower, &accounting);
    let mut poison = SequenceTally::new(input.poison)?;
    for record in &dlq {
        poison.observe(&record.value);
    }
    let dlq_accounting = poison.accounting();
    let with_headers = dlq
        .iter()
        .filter(|record| record.header_keys.iter().any(|key| key == CONTEXT_HEADER))
        .count();
    report.dlq = Some(dlq.len() as u64);
    report.peak_rss_bytes = Some(usage.memory.hwm_bytes);
    report.cpu_seconds = Some(usage.cpu_seconds);
    report.set_extra("poison_records", input.poison_count);
    report.set_extra("dlq_lost", dlq_accounting.lost);
    report.set_extra("dlq_duplicated", dlq_accounting.duplicated);
    report.set_extra("dlq_unexpected", dlq_accounting.unexpected);
    report.set_extra("dlq_with_context_headers", with_headers);
    if dlq.len() as u64 != input.poison_count {
        report.fail(format!(
            "{} records in the DLQ, {} poison records sent",
            dlq.len(),
            input.poison_count
        ));
    }
    for failure in dlq_accounting.failures() {
        report.fail(format!("DLQ: {failure}"));
    }
    if with_headers != dlq.len() {
        report.fail(format!(
            "{} of {} DLQ records lack the {CONTEXT_HEADER} header",
            dlq.len() - with_headers,
            dlq.len()
        ));
    }
    if complete {
        let line_bytes = input.text.len() / records.max(1) as usize;
        report.set_rate(Some(records as f64 / elapsed.as_secs_f64()), line_bytes);
        report.set_extra("seconds", elapsed.as_secs_f64());
    } else {
        report.fail(format!("not every valid record arrived within {timeout:?}"));
    }
    report.summary = format!(
        "{records} lines, {} poison: {} valid lost, {} in the DLQ ({} with context headers)",
        input.poison_count,
        accounting.lost,
        dlq.len(),
        with_headers
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_line_is_poison_and_the_rest_are_json_strings() {
        let input = input(6, 3);
        assert_eq!(input.poison_count, 2);
        assert_eq!(
            String::from_utf8(input.text).unwrap(),
            "\"0000000000 valid record of the poison scenario\"\n\
             \"0000000001 valid record of the poison scenario\"\n\
             0000000002 poison {not json\n\
             \"0000000003 valid record of the poison scenario\"\n\
             \"0000000004 valid record of the poison scenario\"\n\
             0000000005 poison {not json\n"
        );
        assert_eq!(
            String::from_utf8(input.poison).unwrap(),
            "0000000002 poison {not json\n0000000005 poison {not json\n"
        );
        assert!(input.valid_out.starts_with(b"0000000000 valid record"));
    }
}
