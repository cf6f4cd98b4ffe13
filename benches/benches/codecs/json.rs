//! json encode/decode groups: our `JsonCodec` (schemas.enable=true, the Connect envelope)
//! against `serde_json` building and writing a `serde_json::Value` tree of the same bytes.

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use sluice_benches::{flat_value, nested_value};
use sluice_codecs::Value;
use sluice_codecs::json::{JsonCodec, JsonOptions};

/// Registers the json groups.
pub fn benches(c: &mut Criterion) {
    group(c, "flat", flat_value());
    group(c, "nested", nested_value());
}

fn group(c: &mut Criterion, shape: &str, value: Value) {
    // The record carries its schema, as records built by a connector do.
    let schema = value
        .as_struct()
        .expect("bench records are structs")
        .schema()
        .clone();
    let mut codec = JsonCodec::new(JsonOptions::default());
    let mut encoded = Vec::new();
    codec
        .encode(Some(&schema), &value, &mut encoded)
        .expect("bench record fits its schema");
    let input = Bytes::from(encoded);
    let tree: serde_json::Value = serde_json::from_slice(&input).expect("our output is JSON");
    assert_eq!(
        serde_json::to_vec(&tree).expect("serde_json writes its tree"),
        input.as_ref(),
        "serde_json must write the same bytes for a fair comparison"
    );

    let mut encode = c.benchmark_group(format!("json_encode_{shape}"));
    encode.throughput(Throughput::Bytes(input.len() as u64));
    let mut out = Vec::with_capacity(input.len());
    encode.bench_function("sluice", |b| {
        b.iter(|| {
            out.clear();
            codec
                .encode(Some(&schema), std::hint::black_box(&value), &mut out)
                .expect("encodes");
            out.len()
        })
    });
    encode.bench_function("serde_json", |b| {
        b.iter(|| serde_json::to_vec(std::hint::black_box(&tree)).expect("writes"))
    });
    encode.finish();

    let mut decode = c.benchmark_group(format!("json_decode_{shape}"));
    decode.throughput(Throughput::Bytes(input.len() as u64));
    decode.bench_function("sluice", |b| {
        b.iter(|| {
            codec
                .decode(Some(std::hint::black_box(&input)))
                .expect("decodes")
        })
    });
    decode.bench_function("serde_json", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&input))
                .expect("parses")
        })
    });
    decode.finish();
}
