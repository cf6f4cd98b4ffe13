//! `json_avro_smt`: Kafka → Kafka with re-encoding: records in the source topic are JSON with
//! a schema envelope (`JsonConverter`, `schemas.enable=true`); MirrorSourceConnector reads them
//! with `src.value.converter=JsonConverter`, a 3-transform chain (ReplaceField, Cast,
//! InsertField) reshapes them and the worker's `AvroConverter` (in-process `mock://` schema
//! registry) writes Confluent-framed Avro. Baseline: the raw consume-produce loop over the same
//! records (issue 6: ≥ 50% of its records/s). Each Avro value must carry the sequence number
//! of its source record.

use super::kafka_copy::CopyCase;
use super::{Context, Scenario};
use crate::report::Report;
use crate::worker::BYTE_ARRAY_CONVERTER as BYTE_ARRAY;

/// The registry entry.
pub const SCENARIO: Scenario = Scenario {
    name: "json_avro_smt",
    about: "Kafka JSON → 3 SMTs → Kafka Avro (MirrorSource + src.value.converter) vs a raw consume-produce loop (target ratio ≥ 0.5)",
    run,
};

/// The Connect schema of every source value, as `JsonConverter` writes it.
const SCHEMA: &str = r#"{"type":"struct","name":"loadtest.Order","optional":false,"fields":[{"field":"id","type":"string","optional":false},{"field":"user","type":"string","optional":false},{"field":"amount","type":"double","optional":false},{"field":"quantity","type":"int32","optional":false},{"field":"country","type":"string","optional":true},{"field":"created_at","type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},{"field":"note","type":"string","optional":true}]}"#;

/// Source record `seq`: a `JsonConverter` envelope whose `id` is `seq-<12 digits>`.
fn json_value(seq: u64) -> Vec<u8> {
    format!(
        r#"{{"schema":{SCHEMA},"payload":{{"id":"seq-{seq:012}","user":"user_{user}","amount":{amount}.25,"quantity":{quantity},"country":"DE","created_at":{created},"note":"a note the chain drops"}}}}"#,
        user = seq % 1000,
        amount = seq % 500,
        quantity = seq % 7,
        created = 1_700_000_000_000 + seq,
    )
    .into_bytes()
}

/// The accounting line of an output value: its `seq-<12 digits>` id, found in the Avro bytes
/// (Avro writes strings as plain UTF-8), or a marker that counts as corrupt.
fn sequence_token(value: &[u8]) -> &[u8] {
    if value.first() != Some(&0) {
        return b"<not Confluent-framed Avro>";
    }
    value
        .windows(16)
        .find(|window| window.starts_with(b"seq-") && window[4..].iter().all(u8::is_ascii_digit))
        .unwrap_or(b"<no sequence number>")
}

fn expected_tokens(records: u64) -> Vec<u8> {
    (0..records)
        .flat_map(|seq| format!("seq-{seq:012}\n").into_bytes())
        .collect()
}

fn run(ctx: &Context) -> anyhow::Result<Report> {
    let records = ctx.pick(30_000, 300_000);
    super::kafka_copy::run(
        ctx,
        &CopyCase {
            scenario: SCENARIO.name,
            records,
            rounds: ctx.pick(1, 3),
            source_value: json_value,
            worker: &[
                ("key.converter", BYTE_ARRAY),
                ("value.converter", "io.confluent.connect.avro.AvroConverter"),
                ("value.converter.schema.registry.url", "mock://loadtest"),
                ("header.converter", BYTE_ARRAY),
                ("offset.flush.interval.ms", "1000"),
            ],
            connector: &[
                (
                    "src.value.converter",
                    "org.apache.kafka.connect.json.JsonConverter",
                ),
                ("transforms", "replace,cast,insert"),
                (
                    "transforms.replace.type",
                    "org.apache.kafka.connect.transforms.ReplaceField$Value",
                ),
                ("transforms.replace.exclude", "note"),
                ("transforms.replace.renames", "user:customer"),
                (
                    "transforms.cast.type",
                    "org.apache.kafka.connect.transforms.Cast$Value",
                ),
                ("transforms.cast.spec", "amount:float32,quantity:int64"),
                (
                    "transforms.insert.type",
                    "org.apache.kafka.connect.transforms.InsertField$Value",
                ),
                ("transforms.insert.static.field", "pipeline"),
                ("transforms.insert.static.value", "loadtest"),
            ],
            expected: expected_tokens(records),
            line_of: sequence_token,
            target_ratio: 0.5,
            described: "JSON records re-encoded as Avro through 3 SMTs",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_values_are_json_envelopes_numbered_by_id() {
        let value: serde_json::Value = serde_json::from_slice(&json_value(42)).expect("JSON");
        assert_eq!(value["payload"]["id"], "seq-000000000042");
        assert_eq!(value["schema"]["name"], "loadtest.Order");
    }

    #[test]
    fn the_token_of_an_avro_value_is_its_id() {
        let mut avro = vec![0, 0, 0, 0, 1, 32];
        avro.extend_from_slice(b"seq-000000000042");
        avro.extend_from_slice(b"\x10customer");
        assert_eq!(sequence_token(&avro), b"seq-000000000042");
        assert_eq!(
            sequence_token(b"seq-000000000042"),
            b"<not Confluent-framed Avro>"
        );
        assert_eq!(sequence_token(&[0, 1, 2]), b"<no sequence number>");
        assert_eq!(
            expected_tokens(2),
            b"seq-000000000000\nseq-000000000001\n".to_vec()
        );
    }
}
