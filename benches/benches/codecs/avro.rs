//! avro encode/decode groups.

use criterion::Criterion;

/// Registers the avro groups.
pub fn benches(_c: &mut Criterion) {}
