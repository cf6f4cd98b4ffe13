//! `mirror_kafka_kafka`: Kafka → Kafka through MirrorSourceConnector with ByteArray converters
//! (records pass through undecoded) against a raw rdkafka consume-produce loop over the same
//! records and broker, in the same run (issue 6: ≥ 90% of the baseline's records/s). Every
//! record of the remote topic is compared byte for byte with the value sent under its number.

use super::kafka_copy::CopyCase;
use super::{Context, Scenario};
use crate::kafka_topics::{expected_lines, value_of};
use crate::report::Report;
use crate::worker::BYTE_ARRAY_CONVERTER as BYTE_ARRAY;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "mirror_kafka_kafka",
    about: "MirrorSourceConnector (ByteArray) Kafka → Kafka vs a raw consume-produce loop (target ratio ≥ 0.9)",
    run,
};

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records = ctx.pick(100_000, 1_000_000);
    super::kafka_copy::run(
        ctx,
        &CopyCase {
            scenario: SCENARIO.name,
            records,
            rounds: ctx.pick(1, 3),
            source_value: value_of,
            worker: &[
                ("key.converter", BYTE_ARRAY),
                ("value.converter", BYTE_ARRAY),
                ("header.converter", BYTE_ARRAY),
                ("offset.flush.interval.ms", "1000"),
            ],
            connector: &[],
            expected: expected_lines(records),
            line_of: |value| value,
            target_ratio: 0.9,
            described: "100 B records, ByteArray pass-through",
        },
    )
}
