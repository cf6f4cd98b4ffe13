//! `kafka_file`: Kafka → FileStreamSink against a raw rdkafka consumer writing the same file,
//! in the same run. A one-partition topic is filled with numbered 100-byte records once; each
//! round the baseline (an assigned consumer, clock from its creation until the file is
//! flushed) and Sluice (a sink connector, `StringConverter` values, clock from process spawn
//! until the file holds every line, the group join included) write it to a file, which is
//! compared with the sent values line for line.

use std::time::{Duration, Instant};

use anyhow::bail;

use super::throughput::Rounds;
use super::{Context, Scenario};
use crate::accounting::compare_lines;
use crate::baseline::rdkafka_loop::consume_to_file;
use crate::broker::{create_topic, delete_topics, unique_name};
use crate::files::{LineCounter, read};
use crate::kafka_topics::{VALUE_BYTES, expected_lines, fill, value_of};
use crate::report::Report;
use crate::worker::{BYTE_ARRAY_CONVERTER as BYTE_ARRAY, STRING_CONVERTER, WorkerFiles};

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "kafka_file",
    about: "Kafka → FileStreamSink vs a raw rdkafka consumer writing the same file",
    run,
};

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(100_000, 1_000_000);
    let rounds = ctx.pick(1, 3);
    let timeout = ctx.pick(Duration::from_secs(30), Duration::from_secs(240));
    let topic = unique_name("kafka-file");
    create_topic(&ctx.bootstrap, &topic, 1)?;
    fill(&ctx.bootstrap, &topic, records, value_of, timeout)?;
    let expected = expected_lines(records);

    let mut report = Report::new(SCENARIO.name);
    let mut measured = Rounds::default();
    for round in 0..rounds {
        let dir = ctx.scratch(&format!("{}/{round}", SCENARIO.name))?;
        let baseline_output = dir.join("baseline.txt");
        let elapsed = consume_to_file(&ctx.bootstrap, &topic, &baseline_output, records, timeout)?;
        measured.baseline(records, elapsed);

        let output = dir.join("sink.txt");
        let mut files = WorkerFiles::new(
            &dir,
            &ctx.bootstrap,
            &[
                ("key.converter", BYTE_ARRAY),
                ("value.converter", STRING_CONVERTER),
                ("header.converter", BYTE_ARRAY),
                ("offset.flush.interval.ms", "1000"),
            ],
        )?;
        let output_text = output.display().to_string();
        // A connector (so a consumer group) per round: each round reads the topic from the
        // beginning, which a group that committed in an earlier round would not.
        files.add_connector(
            &format!("sink-{round}"),
            &[
                ("connector.class", "FileStreamSink"),
                ("topics", &topic),
                ("file", &output_text),
                ("tasks.max", "1"),
            ],
        )?;
        let started = Instant::now();
        let mut process = files.start(&ctx.sluice, "worker.log")?;
        let mut counter = LineCounter::new(&output);
        while counter.poll()? < records {
            if started.elapsed() > timeout {
                bail!(
                    "{} of {records} lines in the sink's file after {timeout:?}\n{}",
                    counter.poll()?,
                    process.log_tail()
                );
            }
            process.ensure_running()?;
            std::thread::sleep(Duration::from_millis(2));
        }
        measured.sluice(records, started.elapsed(), &process.usage()?);
        process.stop()?;
        measured.account(
            &mut report,
            round,
            &compare_lines(&expected, &read(&output)?),
        );
    }
    delete_topics(&ctx.bootstrap, &[&topic]);

    let medians = measured.finish(
        &mut report,
        records,
        VALUE_BYTES,
        "rdkafka consumer writing the file",
    );
    if let Some(medians) = medians {
        report.summary = format!(
            "{records} records of {VALUE_BYTES} B, median of {rounds}: sluice {:.0}/s (group \
             join included), raw consumer {:.0}/s (ratio {:.2})",
            medians.rate, medians.baseline, medians.ratio
        );
    }
    Ok(report)
}
