//! avro encode/decode groups: `sluice` (Connect value ⇄ Avro bytes through the compiled plan)
//! against `apache_avro` (`types::Value` ⇄ Avro bytes with `to_avro_datum`/`from_avro_datum`),
//! both with the Avro schema `AvroData` derives from the shared Connect schemas.

// `to_avro_datum`/`from_avro_datum` are deprecated in apache-avro 0.22 but are its datum API.
#![allow(deprecated)]

use std::collections::HashMap;
use std::hint::black_box;

use apache_avro::schema::Schema as AvroSchemaTree;
use apache_avro::types::Value as Apache;
use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput};
use sluice_benches::{flat_schema, flat_value, nested_schema, nested_value};
use sluice_codecs::avro::AvroSchema;
use sluice_codecs::{SchemaRef, Value};

/// Registers the avro groups.
pub fn benches(c: &mut Criterion) {
    bench_record(c, "flat", &flat_schema(), &flat_value());
    bench_record(c, "nested", &nested_schema(), &nested_value());
}

fn bench_record(c: &mut Criterion, shape: &str, schema: &SchemaRef, value: &Value) {
    let ours = AvroSchema::from_connect(schema).expect("bench schema maps to Avro");
    let theirs = ours.avro().clone();
    let theirs_value = to_apache(value, &theirs);
    let encoded = ours.encode(value).expect("bench value encodes");
    let reference =
        apache_avro::to_avro_datum(&theirs, theirs_value.clone()).expect("apache encodes");
    // Equal up to map entry order (apache-avro keeps maps in a HashMap).
    assert_eq!(
        encoded.len(),
        reference.len(),
        "both encoders write the same datum"
    );
    let input = Bytes::from(encoded.clone());

    let mut group = c.benchmark_group(format!("avro_encode_{shape}"));
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    let mut out = Vec::with_capacity(encoded.len());
    group.bench_function("sluice", |b| {
        b.iter(|| {
            out.clear();
            ours.encode_into(black_box(value), &mut out)
                .expect("encodes");
            black_box(out.len())
        })
    });
    group.bench_function("apache_avro", |b| {
        b.iter_batched(
            || theirs_value.clone(),
            |v| apache_avro::to_avro_datum(&theirs, v).expect("encodes"),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group(format!("avro_decode_{shape}"));
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    group.bench_function("sluice", |b| {
        b.iter(|| ours.decode(black_box(input.clone())).expect("decodes"))
    });
    group.bench_function("apache_avro", |b| {
        b.iter(|| {
            let mut reader = black_box(encoded.as_slice());
            apache_avro::from_avro_datum(&theirs, &mut reader, None).expect("decodes")
        })
    });
    group.finish();
}

/// The `apache-avro` value equal to a Connect value, for the shapes of the bench records.
fn to_apache(value: &Value, schema: &AvroSchemaTree) -> Apache {
    match (schema, value) {
        (AvroSchemaTree::Union(union), Value::Null) => {
            let null = union
                .variants()
                .iter()
                .position(|v| matches!(v, AvroSchemaTree::Null));
            Apache::Union(null.expect("nullable union") as u32, Box::new(Apache::Null))
        }
        (AvroSchemaTree::Union(union), _) => {
            let (index, branch) = union
                .variants()
                .iter()
                .enumerate()
                .find(|(_, v)| !matches!(v, AvroSchemaTree::Null))
                .expect("a non-null branch");
            Apache::Union(index as u32, Box::new(to_apache(value, branch)))
        }
        (AvroSchemaTree::Record(record), Value::Struct(fields)) => Apache::Record(
            record
                .fields
                .iter()
                .zip(fields.values())
                .map(|(field, value)| (field.name.clone(), to_apache(value, &field.schema)))
                .collect(),
        ),
        (AvroSchemaTree::Array(array), Value::Array(elements)) => Apache::Array(
            elements
                .iter()
                .map(|e| to_apache(e, &array.items))
                .collect(),
        ),
        (AvroSchemaTree::Map(map), Value::Map(entries)) => Apache::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = k.as_str().expect("string map keys").to_owned();
                    (key, to_apache(v, &map.types))
                })
                .collect::<HashMap<_, _>>(),
        ),
        (_, Value::Boolean(v)) => Apache::Boolean(*v),
        (_, Value::Int32(v)) => Apache::Int(*v),
        (_, Value::Int64(v)) => Apache::Long(*v),
        (_, Value::Float64(v)) => Apache::Double(*v),
        (_, Value::String(text)) => Apache::String(text.to_string()),
        (_, Value::Timestamp(v)) => Apache::TimestampMillis(*v),
        (schema, value) => panic!("bench value {value:?} does not fit {schema:?}"),
    }
}
