//! `datagen_kafka`: DatagenConnector → Kafka (schemaless `JsonConverter` values) against a raw
//! rdkafka producer of the same bytes, in the same run. Each round Sluice generates `records`
//! numbered records into a fresh one-partition topic (clock: process spawn → the topic holds
//! them all); the baseline then produces exactly the values Sluice wrote to another fresh topic
//! (clock: producer creation → every ack). Every generated record is accounted for by its
//! `seq` field (an `iteration` hint counting from 0).

use std::io::Write as _;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::throughput::Rounds;
use super::{Context, Scenario};
use crate::accounting::compare_lines;
use crate::baseline::rdkafka_loop::produce_file;
use crate::broker::{create_topic, delete_topics, unique_name};
use crate::kafka_topics::{read_values, wait_for_records};
use crate::report::Report;
use crate::worker::WorkerFiles;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "datagen_kafka",
    about: "DatagenConnector → Kafka (JSON values) vs a raw rdkafka producer of the same bytes",
    run,
};

/// The generated records: a sequence number and four fields of random data.
const SCHEMA: &str = r#"{"type":"record","name":"reading","namespace":"loadtest","fields":[{"name":"seq","type":{"type":"long","arg.properties":{"iteration":{"start":0}}}},{"name":"sensor","type":{"type":"string","arg.properties":{"regex":"sensor_[0-9]{3}"}}},{"name":"reading","type":{"type":"double","arg.properties":{"range":{"min":0,"max":100}}}},{"name":"unit","type":{"type":"string","arg.properties":{"options":["celsius","fahrenheit","kelvin"]}}},{"name":"site","type":{"type":"string","arg.properties":{"regex":"[a-z]{12}"}}}]}"#;

/// The accounting line of a generated value: the digits of its `seq` field (`{"seq":42,…`).
fn sequence_digits(value: &[u8]) -> &[u8] {
    const PREFIX: &[u8] = b"{\"seq\":";
    let Some(rest) = value.strip_prefix(PREFIX) else {
        return b"<no seq field>";
    };
    let end = rest
        .iter()
        .position(|byte| !byte.is_ascii_digit())
        .unwrap_or(rest.len());
    &rest[..end]
}

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records: u64 = ctx.pick(50_000, 500_000);
    let rounds = ctx.pick(1, 3);
    let timeout = ctx.pick(Duration::from_secs(30), Duration::from_secs(240));
    let expected: Vec<u8> = (0..records)
        .flat_map(|seq| format!("{seq}\n").into_bytes())
        .collect();

    let mut report = Report::new(SCENARIO.name);
    let mut measured = Rounds::default();
    let mut value_bytes = 0;
    for round in 0..rounds {
        let dir = ctx.scratch(&format!("{}/{round}", SCENARIO.name))?;
        let topic = unique_name("datagen");
        create_topic(&ctx.bootstrap, &topic, 1)?;
        let iterations = records.to_string();
        let mut files = WorkerFiles::new(
            &dir,
            &ctx.bootstrap,
            &[
                (
                    "value.converter",
                    "org.apache.kafka.connect.json.JsonConverter",
                ),
                ("value.converter.schemas.enable", "false"),
                ("offset.flush.interval.ms", "1000"),
            ],
        )?;
        files.add_connector(
            "datagen",
            &[
                (
                    "connector.class",
                    "io.confluent.kafka.connect.datagen.DatagenConnector",
                ),
                ("kafka.topic", &topic),
                ("schema.string", SCHEMA),
                ("iterations", &iterations),
                ("max.interval", "0"),
                ("tasks.max", "1"),
            ],
        )?;
        let started = Instant::now();
        let process = files.start(&ctx.sluice, "worker.log")?;
        let elapsed = wait_for_records(&ctx.bootstrap, &topic, records, started, timeout)
            .map_err(|error| error.context(process.log_tail()))?;
        measured.sluice(records, elapsed, &process.usage()?);
        process.stop()?;

        let values = read_values(&ctx.bootstrap, &topic, |value| value, timeout)?;
        value_bytes = values.len() / records.max(1) as usize;
        let digits: Vec<u8> = crate::accounting::lines(&values)
            .flat_map(|value| sequence_digits(value).iter().copied().chain([b'\n']))
            .collect();
        measured.account(&mut report, round, &compare_lines(&expected, &digits));

        // The baseline produces the very values Sluice wrote, from a file of them.
        let input = dir.join("generated.jsonl");
        std::fs::File::create(&input)
            .and_then(|mut file| file.write_all(&values))
            .with_context(|| format!("writing {}", input.display()))?;
        let target = unique_name("datagen-baseline");
        create_topic(&ctx.bootstrap, &target, 1)?;
        let elapsed = produce_file(&ctx.bootstrap, &target, &input, timeout)?;
        measured.baseline(records, elapsed);
        delete_topics(&ctx.bootstrap, &[&topic, &target]);
    }

    let medians = measured.finish(
        &mut report,
        records,
        value_bytes,
        "rdkafka producer of the same values",
    );
    if let Some(medians) = medians {
        report.summary = format!(
            "{records} generated JSON records of ~{value_bytes} B, median of {rounds}: sluice \
             {:.0}/s (generation included), raw producer {:.0}/s (ratio {:.2})",
            medians.rate, medians.baseline, medians.ratio
        );
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_read_from_the_leading_seq_field() {
        assert_eq!(
            sequence_digits(br#"{"seq":42,"sensor":"sensor_001"}"#),
            b"42"
        );
        assert_eq!(sequence_digits(br#"{"seq":7}"#), b"7");
        assert_eq!(sequence_digits(br#"{"sensor":"x"}"#), b"<no seq field>");
    }

    #[test]
    fn the_schema_is_one_line_of_json() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("JSON");
        assert_eq!(schema["fields"][0]["name"], "seq");
        assert!(!SCHEMA.contains('\n'));
    }
}
