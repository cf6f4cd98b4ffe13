//! Task clients over TLS and SASL against the secure test brokers (`scripts/test-broker.sh`):
//! Java worker keys — `security.protocol`, JKS / PKCS#12 / PEM trust stores, `sasl.mechanism`
//! and a SCRAM `sasl.jaas.config` — configure librdkafka as they configure the Java clients.

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use sluice_engine::config::RawConfig;
use sluice_engine::kafka::{
    ClientRole, CreateOutcome, KafkaAdmin, KafkaConsumer, KafkaMessage, KafkaProducer,
    NewTopicSpec, TaskClient, task_client_config,
};

use support::{raw, sasl_ssl_bootstrap, ssl_bootstrap, tls_fixture, unique};

const TIMEOUT: Duration = Duration::from_secs(20);
const TASK: TaskClient<'static> = TaskClient {
    connector: "secure",
    task: 0,
};
const SCRAM_JAAS: &str = r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="sluice" password="sluice-secret";"#;

/// A worker config as a Kafka Connect user writes it for a TLS cluster: unprefixed keys (the
/// admin client's), and `producer.`/`consumer.` keys, each client with its own trust store
/// format.
fn tls_worker(bootstrap: &str, protocol: &str, sasl: &[(&str, &str)]) -> RawConfig {
    let jks = tls_fixture("truststore.jks");
    let p12 = tls_fixture("truststore.p12");
    let pem = tls_fixture("ca.pem");
    let mut worker = raw(&[
        ("bootstrap.servers", bootstrap),
        ("security.protocol", protocol),
        ("ssl.truststore.type", "PEM"),
        ("ssl.truststore.location", &pem),
        ("producer.security.protocol", protocol),
        ("producer.ssl.truststore.location", &jks),
        ("producer.ssl.truststore.password", "changeit"),
        ("consumer.security.protocol", protocol),
        ("consumer.ssl.truststore.type", "PKCS12"),
        ("consumer.ssl.truststore.location", &p12),
        ("consumer.ssl.truststore.password", "changeit"),
    ]);
    for prefix in ["", "producer.", "consumer."] {
        for (key, value) in sasl {
            worker.insert(format!("{prefix}{key}"), (*value).to_owned());
        }
    }
    worker
}

/// Creates a topic with the admin client, sends three records and reads them back, every
/// client built from `worker`.
fn round_trip(worker: &RawConfig) {
    let admin_config =
        task_client_config(ClientRole::Admin, worker, &raw(&[]), TASK).expect("valid admin config");
    let admin = KafkaAdmin::new(&admin_config, TIMEOUT).expect("admin client");
    let topic = unique("secure");
    let mut spec = NewTopicSpec::new(topic.clone());
    spec.partitions = 1;
    assert_eq!(
        admin
            .create_topic(&spec)
            .expect("created over the secure listener"),
        CreateOutcome::Created
    );

    let producer_config = task_client_config(ClientRole::Producer, worker, &raw(&[]), TASK)
        .expect("valid producer config");
    let producer = KafkaProducer::new(&producer_config).expect("producer");
    let sent: Vec<KafkaMessage> = (0..3)
        .map(|n| {
            KafkaMessage::new(
                topic.as_str(),
                Some(Bytes::from(format!("k{n}"))),
                Some(Bytes::from(format!("v{n}"))),
            )
        })
        .collect();
    producer
        .send_and_wait(&sent, TIMEOUT)
        .expect("acknowledged over the secure listener");

    let group = unique("secure-group");
    let connector = raw(&[("consumer.override.group.id", group.as_str())]);
    let consumer_config = task_client_config(ClientRole::Consumer, worker, &connector, TASK)
        .expect("valid consumer config");
    let consumer = KafkaConsumer::new(&consumer_config).expect("consumer");
    consumer.subscribe(&[&topic]).expect("subscribed");
    let deadline = Instant::now() + TIMEOUT;
    let mut received = Vec::new();
    while received.len() < sent.len() {
        assert!(
            Instant::now() < deadline,
            "only {} of {} records consumed",
            received.len(),
            sent.len()
        );
        received.extend(
            consumer
                .poll_batch(sent.len(), Duration::from_millis(200))
                .expect("consumed"),
        );
    }
    let values: Vec<_> = received.iter().map(|m| m.value.clone()).collect();
    let expected: Vec<_> = sent.iter().map(|m| m.value.clone()).collect();
    assert_eq!(values, expected);
}

/// The error a consumer built from `worker` reports when it polls (it is expected to fail to
/// connect); fails the test when none comes within a few seconds.
fn connection_error(worker: &RawConfig) -> String {
    let group = unique("refused");
    let connector = raw(&[("consumer.override.group.id", group.as_str())]);
    let config = task_client_config(ClientRole::Consumer, worker, &connector, TASK)
        .expect("valid consumer config");
    let consumer = KafkaConsumer::new(&config).expect("consumer");
    consumer
        .subscribe(&[&unique("refused")])
        .expect("subscribed");
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(200)) {
            Ok(None) => {}
            Ok(Some(message)) => panic!("the broker served the client: {message:?}"),
            Err(error) => return error.to_string(),
        }
    }
    panic!("no connection error within 15 s")
}

#[test]
fn ssl_clients_trust_the_broker_through_jks_pkcs12_and_pem_trust_stores() {
    round_trip(&tls_worker(&ssl_bootstrap(), "SSL", &[]));
}

#[test]
fn sasl_ssl_clients_authenticate_with_a_scram_jaas_config() {
    let sasl = [
        ("sasl.mechanism", "SCRAM-SHA-512"),
        ("sasl.jaas.config", SCRAM_JAAS),
    ];
    round_trip(&tls_worker(&sasl_ssl_bootstrap(), "SASL_SSL", &sasl));
}

#[test]
fn a_wrong_scram_password_is_refused() {
    let wrong = SCRAM_JAAS.replace("sluice-secret", "not-the-password");
    let sasl = [
        ("sasl.mechanism", "SCRAM-SHA-512"),
        ("sasl.jaas.config", wrong.as_str()),
    ];
    let error = connection_error(&tls_worker(&sasl_ssl_bootstrap(), "SASL_SSL", &sasl));
    eprintln!("DEBUG {error}");
    assert!(
        !error.contains("not-the-password"),
        "the password leaked: {error}"
    );
}

/// The Java clients fail `poll` with `SslAuthenticationException`; librdkafka would retry
/// forever, so the consumer fails its next poll with librdkafka's reason.
#[test]
fn a_client_without_the_ca_fails_naming_the_certificate_check() {
    let mut worker = tls_worker(&ssl_bootstrap(), "SSL", &[]);
    worker.retain(|key, _| !key.starts_with("consumer.ssl.truststore."));
    let error = connection_error(&worker);
    assert!(error.contains("certificate verify failed"), "{error}");
}
