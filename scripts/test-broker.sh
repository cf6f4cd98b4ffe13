#!/usr/bin/env bash
# Starts the Kafka-protocol test brokers the integration tests use (nisshi; see
# shared/reference/brokers.md for why nisshi), installing nisshi first when it is not on PATH:
#
#   127.0.0.1:19092  PLAINTEXT, in-memory storage: every broker test (SLUICE_TEST_BOOTSTRAP)
#   127.0.0.1:19093  SSL, in-memory storage (SLUICE_TEST_SSL_BOOTSTRAP)
#   127.0.0.1:19094  SASL_SSL with SCRAM-SHA-512, user `sluice`, password `sluice-secret`,
#                    SQLite storage under target/test-broker/ (SLUICE_TEST_SASL_SSL_BOOTSTRAP)
#
# The TLS brokers present a certificate for 127.0.0.1 and localhost signed by the test CA in
# engine/tests/fixtures/tls (ca.pem, and the same CA in truststore.jks / truststore.p12, password
# `changeit`); it is made here with openssl on first start, in target/test-broker/tls.
#
# Idempotent: a broker whose port already answers is left alone. Concurrent runs wait for each
# other (flock). The brokers keep running in the background after this script exits; their logs
# and pids are target/test-broker/<name>.log and <name>.pid.
#
# Prints `SLUICE_TEST_BOOTSTRAP=127.0.0.1:19092` (and the two secure addresses) on success; the
# tests default to those addresses.
#
# Environment:
#   SLUICE_TEST_BROKER_WAIT_SECS  how long to wait for each port to answer (default 60)
set -euo pipefail

HOST=127.0.0.1
NISSHI_VERSION=0.8.1
WAIT_SECS="${SLUICE_TEST_BROKER_WAIT_SECS:-60}"
SCRAM_USER=sluice
SCRAM_PASSWORD=sluice-secret

cd "$(dirname "$0")/.."
STATE_DIR="$PWD/target/test-broker"
TLS_DIR="$STATE_DIR/tls"
TEST_CA="$PWD/engine/tests/fixtures/tls"
mkdir -p "$STATE_DIR"

# `cargo install` puts binaries here; a fresh login shell may not have it on PATH yet.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

log() { echo "test-broker: $*" >&2; }

port_answers() {
    # bash's /dev/tcp: a TCP connect, nothing sent.
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# start_broker NAME PORT [nisshi broker options...]: starts nisshi on PORT and waits for it.
start_broker() {
    local name=$1 port=$2
    shift 2
    local log_file="$STATE_DIR/$name.log"
    log "starting nisshi ($name) on $HOST:$port (log: $log_file)"
    # setsid + nohup: the broker outlives this script and the shell that ran it. `9>&-`: the
    # broker must not inherit the lock, or the next run would wait for it forever.
    setsid nohup nisshi broker \
        --listener-url "tcp://$HOST:$port" \
        --advertised-listener-url "tcp://$HOST:$port" \
        --group-initial-rebalance-delay 0s \
        "$@" >"$log_file" 2>&1 </dev/null 9>&- &
    local pid=$!
    echo "$pid" >"$STATE_DIR/$name.pid"
    local deadline=$(( $(date +%s) + WAIT_SECS ))
    until port_answers "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "nisshi ($name, pid $pid) exited before $HOST:$port answered; last lines of $log_file:"
            tail -n 20 "$log_file" >&2 || true
            exit 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            log "timed out after ${WAIT_SECS}s waiting for nisshi ($name, pid $pid) on $HOST:$port; last lines of $log_file:"
            tail -n 20 "$log_file" >&2 || true
            exit 1
        fi
        sleep 0.2
    done
    log "nisshi ($name, pid $pid) answers on $HOST:$port"
}

stop_broker() {
    local pid_file="$STATE_DIR/$1.pid"
    if [ -f "$pid_file" ]; then
        kill "$(cat "$pid_file")" 2>/dev/null || true
        rm -f "$pid_file"
    fi
}

# The brokers' certificate: 127.0.0.1 and localhost, signed by the test CA.
server_certificate() {
    if [ -s "$TLS_DIR/server.pem" ] && [ -s "$TLS_DIR/server.key" ]; then
        return
    fi
    mkdir -p "$TLS_DIR"
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' \
        >"$TLS_DIR/server.ext"
    openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TEST_CA/ca.pem" -CAkey "$TEST_CA/ca.key" \
        -CAcreateserial -CAserial "$TLS_DIR/ca.srl" -days 3650 -extfile "$TLS_DIR/server.ext" \
        -out "$TLS_DIR/server.pem" 2>/dev/null
}

exec 9>"$STATE_DIR/lock"
flock 9

if ! command -v nisshi >/dev/null 2>&1; then
    # nisshi needs rustc >= 1.96, hence the nightly toolchain; ~12+ minutes on 2 cores.
    log "nisshi not on PATH: installing nisshi $NISSHI_VERSION (this takes a while)"
    started=$(date +%s)
    nice -n 10 cargo +nightly install nisshi --version "$NISSHI_VERSION" --locked \
        --no-default-features --features dynostore,libsql
    log "nisshi installed in $(( $(date +%s) - started ))s"
fi

if port_answers 19092; then
    log "$HOST:19092 already answers"
else
    start_broker nisshi 19092 --storage-engine memory://nisshi/
fi

server_certificate
TLS_OPTIONS=(--cert "$TLS_DIR/server.pem" --key "$TLS_DIR/server.key")

if port_answers 19093; then
    log "$HOST:19093 already answers"
else
    start_broker nisshi-ssl 19093 --storage-engine memory://nisshi-ssl/ "${TLS_OPTIONS[@]}"
fi

if port_answers 19094; then
    log "$HOST:19094 already answers"
else
    # SCRAM users live in the storage engine (SQLite here), and are created through the
    # AlterUserScramCredentials API: first on a plaintext broker over the same database, then the
    # broker restarts requiring authentication over TLS.
    # nisshi reads the path after `sqlite://` relative to its working directory (this one).
    SCRAM_DB="sqlite://target/test-broker/nisshi-scram.db"
    start_broker nisshi-scram-setup 19094 --storage-engine "$SCRAM_DB"
    nisshi user create --broker "tcp://$HOST:19094" --mechanism scram512 \
        "$SCRAM_USER" "$SCRAM_PASSWORD" >"$STATE_DIR/nisshi-scram-user.log" 2>&1 || {
        log "creating the SCRAM user failed:"
        cat "$STATE_DIR/nisshi-scram-user.log" >&2
        exit 1
    }
    stop_broker nisshi-scram-setup
    for _ in $(seq 50); do port_answers 19094 || break; sleep 0.1; done
    start_broker nisshi-scram 19094 --storage-engine "$SCRAM_DB" --authentication "${TLS_OPTIONS[@]}"
fi

echo "SLUICE_TEST_BOOTSTRAP=$HOST:19092"
echo "SLUICE_TEST_SSL_BOOTSTRAP=$HOST:19093"
echo "SLUICE_TEST_SASL_SSL_BOOTSTRAP=$HOST:19094"
