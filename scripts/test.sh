#!/usr/bin/env bash
# The whole test suite, as README.md gives it and .ci/run runs it:
#   1. the test broker (scripts/test-broker.sh: installs nisshi once, starts it on :19092),
#   2. every crate's tests (`cargo test --workspace`),
#   3. the quick load run (`sluice-loadtest --quick`) for its loss verdicts: it exits non-zero
#      when any scenario lost or corrupted a record or could not run. It drives the dev-profile
#      `sluice` binary the tests just built (opt-level 1; a release build with fat LTO would
#      add ~9 minutes of compiling on a 2-core machine), so its throughput ratios are only
#      reported, never judged; `cargo run --release -p sluice-loadtest` measures those.
#
# The load run's JSON report goes to target/loadtest-quick.json.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-broker.sh
cargo test --workspace
cargo run -p sluice-loadtest -- --quick --json target/loadtest-quick.json
