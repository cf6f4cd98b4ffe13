//! Shared helpers of the integration tests that need the test broker
//! (`scripts/test-broker.sh`, address in `SLUICE_TEST_BOOTSTRAP`).

#![allow(dead_code)]

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use sluice_engine::config::RawConfig;
use sluice_engine::converters::StringConverter;
use sluice_engine::kafka::KafkaClientConfig;
use sluice_engine::pipeline::RecordStages;
use sluice_engine::transforms::TransformChain;

/// The test broker's address. Fails the test, saying how to start the broker, when nothing
/// answers there: a test that needs the broker never skips silently.
pub fn bootstrap() -> String {
    broker_address("SLUICE_TEST_BOOTSTRAP", "127.0.0.1:19092")
}

/// The TLS test broker (`security.protocol=SSL`), checked like [`bootstrap`].
pub fn ssl_bootstrap() -> String {
    broker_address("SLUICE_TEST_SSL_BOOTSTRAP", "127.0.0.1:19093")
}

/// The SASL_SSL test broker (SCRAM-SHA-512, user `sluice`, password `sluice-secret`), checked
/// like [`bootstrap`].
pub fn sasl_ssl_bootstrap() -> String {
    broker_address("SLUICE_TEST_SASL_SSL_BOOTSTRAP", "127.0.0.1:19094")
}

fn broker_address(variable: &str, default: &str) -> String {
    let address = std::env::var(variable).unwrap_or_else(|_| default.to_owned());
    let first = address
        .split(',')
        .next()
        .unwrap_or(&address)
        .trim()
        .to_owned();
    let reachable = first
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok());
    assert!(
        reachable,
        "the Kafka test broker is not reachable at {address} ({variable}): \
         run scripts/test-broker.sh first"
    );
    address
}

/// A file of the test CA fixtures (`engine/tests/fixtures/tls`).
pub fn tls_fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A topic (or group) name no other test run uses.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{:016x}", fastrand::u64(..))
}

/// A raw config from pairs.
pub fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A client config that only connects to the test broker.
pub fn client_config() -> KafkaClientConfig {
    let mut config = KafkaClientConfig::new();
    config.set("bootstrap.servers", bootstrap());
    config
}

/// A worker config pointing at the test broker.
pub fn worker_config() -> RawConfig {
    raw(&[("bootstrap.servers", &bootstrap())])
}

/// StringConverter for keys, values and headers, and `transforms`.
pub fn string_stages(transforms: TransformChain) -> RecordStages {
    RecordStages {
        key_converter: Box::new(StringConverter::default()),
        value_converter: Box::new(StringConverter::default()),
        header_converter: Box::new(StringConverter::default()),
        transforms,
    }
}
