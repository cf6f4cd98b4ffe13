#!/usr/bin/env bash
# Starts the Kafka-protocol test broker the integration tests use (nisshi, in-memory storage;
# see shared/reference/brokers.md for why nisshi), installing it first when it is not on PATH.
#
# Idempotent: when 127.0.0.1:19092 already answers, it only prints the address. Concurrent runs
# wait for each other (flock). The broker keeps running in the background after this script
# exits; its log is target/test-broker/nisshi.log and its pid target/test-broker/nisshi.pid.
# Its data lives in memory only and is gone when it stops.
#
# Prints `SLUICE_TEST_BOOTSTRAP=127.0.0.1:19092` on success, which the tests read (that address
# is also their default).
#
# Environment:
#   SLUICE_TEST_BROKER_WAIT_SECS  how long to wait for the port to answer (default 60)
set -euo pipefail

HOST=127.0.0.1
PORT=19092
NISSHI_VERSION=0.8.1
WAIT_SECS="${SLUICE_TEST_BROKER_WAIT_SECS:-60}"

cd "$(dirname "$0")/.."
STATE_DIR="$PWD/target/test-broker"
LOG="$STATE_DIR/nisshi.log"
PID_FILE="$STATE_DIR/nisshi.pid"
mkdir -p "$STATE_DIR"

# `cargo install` puts binaries here; a fresh login shell may not have it on PATH yet.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

log() { echo "test-broker: $*" >&2; }

port_answers() {
    # bash's /dev/tcp: a TCP connect, nothing sent.
    (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
}

exec 9>"$STATE_DIR/lock"
flock 9

if port_answers; then
    log "$HOST:$PORT already answers"
    echo "SLUICE_TEST_BOOTSTRAP=$HOST:$PORT"
    exit 0
fi

if ! command -v nisshi >/dev/null 2>&1; then
    # nisshi needs rustc >= 1.96, hence the nightly toolchain; ~12+ minutes on 2 cores.
    log "nisshi not on PATH: installing nisshi $NISSHI_VERSION (this takes a while)"
    started=$(date +%s)
    nice -n 10 cargo +nightly install nisshi --version "$NISSHI_VERSION" --locked \
        --no-default-features --features dynostore,libsql
    log "nisshi installed in $(( $(date +%s) - started ))s"
fi

log "starting nisshi on $HOST:$PORT (log: $LOG)"
# setsid + nohup: the broker outlives this script and the shell that ran it. `9>&-`: the broker
# must not inherit the lock, or the next run would wait for it forever.
setsid nohup nisshi broker \
    --listener-url "tcp://$HOST:$PORT" \
    --advertised-listener-url "tcp://$HOST:$PORT" \
    --storage-engine memory://nisshi/ \
    --group-initial-rebalance-delay 0s \
    >"$LOG" 2>&1 </dev/null 9>&- &
pid=$!
echo "$pid" >"$PID_FILE"

deadline=$(( $(date +%s) + WAIT_SECS ))
until port_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
        log "nisshi (pid $pid) exited before $HOST:$PORT answered; last lines of $LOG:"
        tail -n 20 "$LOG" >&2 || true
        exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        log "timed out after ${WAIT_SECS}s waiting for nisshi (pid $pid) on $HOST:$PORT; last lines of $LOG:"
        tail -n 20 "$LOG" >&2 || true
        exit 1
    fi
    sleep 0.2
done

log "nisshi (pid $pid) answers on $HOST:$PORT"
echo "SLUICE_TEST_BOOTSTRAP=$HOST:$PORT"
