//! json encode/decode groups.

use criterion::Criterion;

/// Registers the json groups.
pub fn benches(_c: &mut Criterion) {}
