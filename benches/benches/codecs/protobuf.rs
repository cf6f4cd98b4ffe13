//! protobuf encode/decode groups: Sluice's plan-driven codec against `prost-reflect`'s
//! `DynamicMessage` on the same descriptors.
//!
//! The `.proto` below mirrors the shared records of `sluice_benches`. Our codec's Connect
//! schema differs from the shared `flat_schema()` only in attributes (Confluent marks every
//! field optional and tags it with its number); the encoder reads struct values by position, so
//! the shared `flat_value()` and `nested_value()` are encoded as they are.

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};
use sluice_benches::{flat_value, nested_value};
use sluice_codecs::Value;
use sluice_codecs::protobuf::{ProtoSchema, ProtobufCodec};

const BENCH_PROTO: &str = r#"
syntax = "proto3";
package sluice.bench;
import "google/protobuf/timestamp.proto";

message Flat {
  int64 id = 1;
  int32 user_id = 2;
  int64 session_id = 3;
  string event_type = 4;
  string page = 5;
  string referrer = 6;
  string country = 7;
  string city = 8;
  string device = 9;
  string browser = 10;
  int32 duration_ms = 11;
  int64 bytes_sent = 12;
  int64 bytes_received = 13;
  double latitude = 14;
  double longitude = 15;
  double score = 16;
  int32 retries = 17;
  bool active = 18;
  google.protobuf.Timestamp created_at = 19;
  optional string note = 20;
}

message Address { string street = 1; string city = 2; string zip = 3; }
message LineItem { string sku = 1; int32 quantity = 2; double unit_price = 3; }

message Nested {
  int64 order_id = 1;
  string customer = 2;
  Address shipping = 3;
  repeated LineItem items = 4;
  map<string, string> attributes = 5;
  google.protobuf.Timestamp placed_at = 6;
}
"#;

struct Case {
    codec: ProtobufCodec,
    descriptor: MessageDescriptor,
    value: Value,
    bytes: Bytes,
}

fn case(schema: &ProtoSchema, pool: &DescriptorPool, name: &str, value: Value) -> Case {
    let codec = schema.codec(name).expect("bench message compiles");
    let descriptor = pool
        .get_message_by_name(name)
        .expect("bench message exists");
    let bytes = Bytes::from(codec.encode(&value).expect("shared record encodes"));
    let decoded = codec.decode(bytes.clone()).expect("our bytes decode");
    let theirs = DynamicMessage::decode(descriptor.clone(), bytes.clone()).expect("valid");
    assert_eq!(
        theirs.encoded_len(),
        bytes.len(),
        "both sides see the same message"
    );
    assert_eq!(
        decoded.as_struct().map(|s| s.values().len()),
        value.as_struct().map(|s| s.values().len())
    );
    Case {
        codec,
        descriptor,
        value,
        bytes,
    }
}

fn encode_group(c: &mut Criterion, group: &str, case: &Case) {
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Bytes(case.bytes.len() as u64));
    let mut out = Vec::with_capacity(case.bytes.len() * 2);
    group.bench_function("sluice", |b| {
        b.iter(|| {
            out.clear();
            case.codec
                .encode_into(std::hint::black_box(&case.value), &mut out)
                .expect("encodes");
            out.len()
        })
    });
    let message =
        DynamicMessage::decode(case.descriptor.clone(), case.bytes.clone()).expect("valid");
    let mut out = Vec::with_capacity(case.bytes.len() * 2);
    group.bench_function("prost_reflect", |b| {
        b.iter(|| {
            out.clear();
            std::hint::black_box(&message)
                .encode(&mut out)
                .expect("buffer grows");
            out.len()
        })
    });
    group.finish();
}

fn decode_group(c: &mut Criterion, group: &str, case: &Case) {
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Bytes(case.bytes.len() as u64));
    group.bench_function("sluice", |b| {
        b.iter(|| {
            case.codec
                .decode(std::hint::black_box(case.bytes.clone()))
                .expect("decodes")
        })
    });
    group.bench_function("prost_reflect", |b| {
        b.iter(|| {
            DynamicMessage::decode(
                case.descriptor.clone(),
                std::hint::black_box(case.bytes.clone()),
            )
            .expect("decodes")
        })
    });
    group.finish();
}

/// Registers the protobuf groups.
pub fn benches(c: &mut Criterion) {
    let schema = ProtoSchema::from_proto_text(&[("bench.proto", BENCH_PROTO)])
        .expect("bench proto compiles");
    let pool = DescriptorPool::decode(schema.descriptor_set_bytes().as_slice())
        .expect("descriptor set is valid");
    let flat = case(&schema, &pool, "sluice.bench.Flat", flat_value());
    let nested = case(&schema, &pool, "sluice.bench.Nested", nested_value());
    encode_group(c, "protobuf_encode_flat", &flat);
    decode_group(c, "protobuf_decode_flat", &flat);
    encode_group(c, "protobuf_encode_nested", &nested);
    decode_group(c, "protobuf_decode_nested", &nested);
}
