//! The embedded broker: `bootstrap.servers=embedded` runs librdkafka's in-process mock cluster,
//! for demos, the quickstart and fault injection — never for production (it keeps only about
//! 100 k messages / 5 MiB per partition and has no transactions; see brokers.md).
//!
//! The mock cluster handle is not `Send`, so one thread owns it for the life of the process
//! and serves requests (topic creation, faults) sent over a channel.

use std::sync::OnceLock;
use std::time::Duration;

use crossbeam_channel::{Sender, bounded, unbounded};
use rdkafka::mocking::MockCluster;

use super::KafkaClientError;
use crate::config::RawConfig;

/// The `bootstrap.servers` value that asks for the embedded broker.
pub const EMBEDDED_BOOTSTRAP: &str = "embedded";

/// Brokers in the embedded cluster: three, so fault scenarios can take one down.
const BROKERS: i32 = 3;
/// Partitions of topics the embedded broker creates when none is given.
pub const EMBEDDED_DEFAULT_PARTITIONS: i32 = 4;

type Reply = Sender<Result<(), KafkaClientError>>;

enum Request {
    CreateTopic {
        topic: String,
        partitions: i32,
        reply: Reply,
    },
    BrokerDown {
        broker: i32,
        reply: Reply,
    },
    BrokerUp {
        broker: i32,
        reply: Reply,
    },
    RoundTripTime {
        broker: i32,
        delay: Duration,
        reply: Reply,
    },
}

/// The process's embedded Kafka cluster.
pub struct EmbeddedBroker {
    bootstrap_servers: String,
    requests: Sender<Request>,
}

static EMBEDDED: OnceLock<Result<EmbeddedBroker, KafkaClientError>> = OnceLock::new();

impl EmbeddedBroker {
    /// The embedded cluster, started on first use; it lives until the process exits.
    pub fn get_or_start() -> Result<&'static EmbeddedBroker, KafkaClientError> {
        EMBEDDED
            .get_or_init(Self::start)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The embedded cluster, if one was started.
    pub fn running() -> Option<&'static EmbeddedBroker> {
        EMBEDDED.get().and_then(|started| started.as_ref().ok())
    }

    fn start() -> Result<Self, KafkaClientError> {
        let (started_tx, started_rx) = bounded(1);
        let (requests, inbox) = unbounded::<Request>();
        std::thread::Builder::new()
            .name("embedded-broker".to_owned())
            .spawn(move || {
                let cluster = match MockCluster::new(BROKERS) {
                    Ok(cluster) => cluster,
                    Err(error) => {
                        let _ = started_tx.send(Err(KafkaClientError::client(
                            "starting the embedded broker",
                            error,
                        )));
                        return;
                    }
                };
                let _ = started_tx.send(Ok(cluster.bootstrap_servers()));
                for request in inbox {
                    serve(&cluster, request);
                }
            })
            .map_err(|error| {
                KafkaClientError::Embedded(format!("starting the embedded broker thread: {error}"))
            })?;
        let bootstrap_servers = started_rx.recv().map_err(|_| {
            KafkaClientError::Embedded("the embedded broker thread ended at start".to_owned())
        })??;
        tracing::warn!(
            bootstrap = %bootstrap_servers,
            "bootstrap.servers=embedded: using an in-process mock Kafka cluster for demos and \
             tests only; it keeps ~100k messages per partition and loses everything on exit"
        );
        Ok(Self {
            bootstrap_servers,
            requests,
        })
    }

    /// The cluster's real `bootstrap.servers` (random loopback ports).
    pub fn bootstrap_servers(&self) -> &str {
        &self.bootstrap_servers
    }

    /// Creates `topic` with `partitions` partitions (the mock cluster has no CreateTopics API);
    /// creating an existing topic succeeds.
    pub fn create_topic(&self, topic: &str, partitions: i32) -> Result<(), KafkaClientError> {
        let partitions = if partitions > 0 {
            partitions
        } else {
            EMBEDDED_DEFAULT_PARTITIONS
        };
        self.ask(|reply| Request::CreateTopic {
            topic: topic.to_owned(),
            partitions,
            reply,
        })
    }

    /// Takes broker `broker` (1-based) down: fault injection.
    pub fn broker_down(&self, broker: i32) -> Result<(), KafkaClientError> {
        self.ask(|reply| Request::BrokerDown { broker, reply })
    }

    /// Brings broker `broker` back up.
    pub fn broker_up(&self, broker: i32) -> Result<(), KafkaClientError> {
        self.ask(|reply| Request::BrokerUp { broker, reply })
    }

    /// Adds `delay` to every request broker `broker` answers.
    pub fn set_round_trip_time(
        &self,
        broker: i32,
        delay: Duration,
    ) -> Result<(), KafkaClientError> {
        self.ask(|reply| Request::RoundTripTime {
            broker,
            delay,
            reply,
        })
    }

    fn ask(&self, request: impl FnOnce(Reply) -> Request) -> Result<(), KafkaClientError> {
        let (reply, answer) = bounded(1);
        let gone = || KafkaClientError::Embedded("the embedded broker thread is gone".to_owned());
        self.requests.send(request(reply)).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

fn serve(
    cluster: &MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    request: Request,
) {
    let outcome = |operation: String, result: rdkafka::error::KafkaResult<()>| {
        result.map_err(|error| KafkaClientError::client(operation, error))
    };
    match request {
        Request::CreateTopic {
            topic,
            partitions,
            reply,
        } => {
            let result = match cluster.create_topic(&topic, partitions, 1) {
                Err(rdkafka::error::KafkaError::MockCluster(
                    rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists,
                )) => Ok(()),
                other => other,
            };
            let _ = reply.send(outcome(format!("creating topic {topic}"), result));
        }
        Request::BrokerDown { broker, reply } => {
            let result = cluster.broker_down(broker);
            let _ = reply.send(outcome(format!("taking broker {broker} down"), result));
        }
        Request::BrokerUp { broker, reply } => {
            let result = cluster.broker_up(broker);
            let _ = reply.send(outcome(format!("bringing broker {broker} up"), result));
        }
        Request::RoundTripTime {
            broker,
            delay,
            reply,
        } => {
            let result = cluster.broker_round_trip_time(broker, delay);
            let _ = reply.send(outcome(format!("delaying broker {broker}"), result));
        }
    }
}

/// Replaces `bootstrap.servers=embedded` in `config` (and in its `producer.`, `consumer.` and
/// `admin.` variants) by the embedded cluster's address, starting it if needed. True when the
/// config asked for it.
pub fn resolve_embedded_bootstrap(config: &mut RawConfig) -> Result<bool, KafkaClientError> {
    let mut asked = false;
    for (key, value) in config.iter_mut() {
        let is_bootstrap = key == "bootstrap.servers" || key.ends_with(".bootstrap.servers");
        if is_bootstrap && value.trim() == EMBEDDED_BOOTSTRAP {
            *value = EmbeddedBroker::get_or_start()?
                .bootstrap_servers()
                .to_owned();
            asked = true;
        }
    }
    Ok(asked)
}

/// True when `bootstrap` is the running embedded cluster's address.
pub fn is_embedded(bootstrap: &str) -> bool {
    EmbeddedBroker::running().is_some_and(|broker| broker.bootstrap_servers() == bootstrap)
}
