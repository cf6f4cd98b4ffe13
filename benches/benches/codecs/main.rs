//! `cargo bench -p sluice-benches --bench codecs`: encode and decode of the flat and nested
//! records in each format, against the format's reference crate in the same group.
//!
//! Groups are named `<format>_<encode|decode>_<flat|nested>`; the function `sluice` is ours and
//! the other function is the baseline crate (`apache_avro`, `prost_reflect`, `serde_json`).

mod avro;
mod json;
mod protobuf;

use criterion::{criterion_group, criterion_main};

criterion_group!(codecs, json::benches, avro::benches, protobuf::benches);
criterion_main!(codecs);
