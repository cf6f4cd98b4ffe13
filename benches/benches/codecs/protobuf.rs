//! protobuf encode/decode groups.

use criterion::Criterion;

/// Registers the protobuf groups.
pub fn benches(_c: &mut Criterion) {}
