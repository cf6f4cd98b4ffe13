//! `cargo bench -p sluice-benches --bench transforms`: the 5-transform chain (ReplaceField,
//! MaskField, InsertField, Cast, TimestampConverter) over the flat 20-field record, against the
//! same work written by hand on the same values (group `smt_chain`, functions `sluice` and
//! `by_hand`).

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sluice_benches::{flat_schema, flat_value};
use sluice_codecs::{Schema, SchemaRef, Struct, Value};
use sluice_engine::config::RawConfig;
use sluice_engine::predicates::PredicateRegistry;
use sluice_engine::record::Record;
use sluice_engine::transforms::{TransformChain, TransformRegistry};

const BATCH: usize = 1000;
const TIMESTAMP_FORMAT: &str = "yyyy-MM-dd HH:mm:ss.SSS";

fn chain_config() -> RawConfig {
    [
        ("transforms", "replace,mask,insert,cast,ts"),
        (
            "transforms.replace.type",
            "org.apache.kafka.connect.transforms.ReplaceField$Value",
        ),
        ("transforms.replace.exclude", "referrer,browser"),
        ("transforms.replace.renames", "page:path"),
        (
            "transforms.mask.type",
            "org.apache.kafka.connect.transforms.MaskField$Value",
        ),
        ("transforms.mask.fields", "city"),
        (
            "transforms.insert.type",
            "org.apache.kafka.connect.transforms.InsertField$Value",
        ),
        ("transforms.insert.topic.field", "kafka_topic"),
        ("transforms.insert.offset.field", "kafka_offset"),
        (
            "transforms.cast.type",
            "org.apache.kafka.connect.transforms.Cast$Value",
        ),
        ("transforms.cast.spec", "user_id:int64,score:float32"),
        (
            "transforms.ts.type",
            "org.apache.kafka.connect.transforms.TimestampConverter$Value",
        ),
        ("transforms.ts.field", "created_at"),
        ("transforms.ts.target.type", "string"),
        ("transforms.ts.format", TIMESTAMP_FORMAT),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn input_batch() -> Vec<Record> {
    let schema = flat_schema();
    let value = flat_value();
    (0..BATCH)
        .map(|offset| {
            Record::sink("page-views", 0, offset as i64)
                .with_value(Some(schema.clone()), value.clone())
        })
        .collect()
}

/// The output schema the chain derives, built once for the hand-written baseline.
fn by_hand_schema(input: &SchemaRef) -> SchemaRef {
    let mut fields: Vec<(String, SchemaRef)> = Vec::new();
    for field in input.fields() {
        match field.name.as_str() {
            "referrer" | "browser" => {}
            "page" => fields.push(("path".to_owned(), field.schema.clone())),
            "user_id" => fields.push((field.name.clone(), Schema::int64().into_ref())),
            "score" => fields.push((field.name.clone(), Schema::float32().into_ref())),
            "created_at" => fields.push((field.name.clone(), Schema::string().into_ref())),
            _ => fields.push((field.name.clone(), field.schema.clone())),
        }
    }
    fields.push((
        "kafka_topic".to_owned(),
        Schema::string().optional().into_ref(),
    ));
    fields.push((
        "kafka_offset".to_owned(),
        Schema::int64().optional().into_ref(),
    ));
    let mut schema = Schema::structure(fields);
    schema.name = input.name.clone();
    schema.into_ref()
}

/// The chain's work on one record, written directly against the values.
fn by_hand(record: &mut Record, output: &SchemaRef) {
    let Value::Struct(input) = std::mem::replace(&mut record.value, Value::Null) else {
        return;
    };
    let (schema, values) = input.into_parts();
    let mut out = Vec::with_capacity(output.fields().len());
    for (field, value) in schema.fields().iter().zip(values) {
        match (field.name.as_str(), value) {
            ("referrer" | "browser", _) => {}
            ("city", _) => out.push(Value::from("")),
            ("user_id", Value::Int32(id)) => out.push(Value::Int64(i64::from(id))),
            ("score", Value::Float64(score)) => out.push(Value::Float32(score as f32)),
            ("created_at", Value::Timestamp(ms)) => {
                let time = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
                out.push(Value::from(
                    time.format("%Y-%m-%d %H:%M:%S%.3f").to_string().as_str(),
                ));
            }
            (_, value) => out.push(value),
        }
    }
    out.push(Value::String(record.topic.clone()));
    out.push(Value::Int64(record.kafka_offset().unwrap_or_default()));
    let rebuilt = Struct::from_values(output.clone(), out).expect("one value per output field");
    record.value_schema = Some(output.clone());
    record.value = Value::Struct(rebuilt);
}

fn smt_chain(c: &mut Criterion) {
    let chain = TransformChain::from_config(
        &chain_config(),
        &TransformRegistry::builtin(),
        &PredicateRegistry::builtin(),
    )
    .expect("valid chain");
    let output = by_hand_schema(&flat_schema());
    // Both sides must produce the same record.
    let mut expected = input_batch().remove(0);
    chain.apply(&mut expected).expect("chain applies");
    let mut manual = input_batch().remove(0);
    by_hand(&mut manual, &output);
    assert_eq!(
        manual.value, expected.value,
        "by_hand must do exactly the chain's work"
    );

    let mut group = c.benchmark_group("smt_chain");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("sluice", |b| {
        b.iter_batched_ref(
            input_batch,
            |batch| {
                for record in batch.iter_mut() {
                    chain.apply(record).expect("chain applies");
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("by_hand", |b| {
        b.iter_batched_ref(
            input_batch,
            |batch| {
                for record in batch.iter_mut() {
                    by_hand(record, &output);
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(transforms, smt_chain);
criterion_main!(transforms);
