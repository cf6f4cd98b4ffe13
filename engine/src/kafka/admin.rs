//! [`KafkaAdmin`]: rdkafka's admin client for creating and inspecting topics, with its
//! futures driven to completion on the calling thread.

use std::time::Duration;

use indexmap::IndexMap;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::types::RDKafkaErrorCode;

use super::client_events::{ClientEvents, client_context_with_events};
use super::{EmbeddedBroker, KafkaClientConfig, KafkaClientError, is_embedded};

#[derive(Default)]
struct AdminContext {
    client: ClientEvents,
}

client_context_with_events!(AdminContext, client);

/// A topic to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopicSpec {
    /// The topic name.
    pub name: String,
    /// Partitions; `-1` for the broker default.
    pub partitions: i32,
    /// Replication factor; `-1` for the broker default.
    pub replication_factor: i16,
    /// Topic-level configs, e.g. `cleanup.policy=compact`.
    pub configs: IndexMap<String, String>,
}

impl NewTopicSpec {
    /// A topic with broker-default partitions and replication, and no configs.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            partitions: -1,
            replication_factor: -1,
            configs: IndexMap::new(),
        }
    }
}

/// What creating a topic did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    /// The topic was created.
    Created,
    /// The topic existed already (Connect treats this as success).
    AlreadyExists,
}

/// An admin client.
pub struct KafkaAdmin {
    inner: AdminClient<AdminContext>,
    timeout: Duration,
    /// Set when the client talks to the embedded broker, which has no CreateTopics API.
    embedded: Option<&'static EmbeddedBroker>,
}

impl KafkaAdmin {
    /// An admin client with `config`; each operation waits up to `timeout`.
    pub fn new(config: &KafkaClientConfig, timeout: Duration) -> Result<Self, KafkaClientError> {
        let inner = config
            .to_rdkafka()?
            .create_with_context(AdminContext::default())
            .map_err(|error| KafkaClientError::client("creating the admin client", error))?;
        let embedded = config
            .get("bootstrap.servers")
            .filter(|bootstrap| is_embedded(bootstrap))
            .and_then(|_| EmbeddedBroker::running());
        Ok(Self {
            inner,
            timeout,
            embedded,
        })
    }

    /// `operation` failed with `error` — or, when librdkafka reported a TLS or SASL failure
    /// meanwhile (the usual cause of a timeout here), with that.
    fn failed(&self, operation: String, error: rdkafka::error::KafkaError) -> KafkaClientError {
        match self.inner.inner().context().client.check(&operation) {
            Err(security) => security,
            Ok(()) => KafkaClientError::client(operation, error),
        }
    }

    fn options(&self) -> AdminOptions {
        AdminOptions::new()
            .request_timeout(Some(self.timeout))
            .operation_timeout(Some(self.timeout))
    }

    /// Creates `spec`, or finds that it exists.
    pub fn create_topic(&self, spec: &NewTopicSpec) -> Result<CreateOutcome, KafkaClientError> {
        let operation = || format!("creating topic {}", spec.name);
        if let Some(embedded) = self.embedded {
            let exists = self.partitions(&spec.name)?.is_some();
            embedded.create_topic(&spec.name, spec.partitions)?;
            return Ok(if exists {
                CreateOutcome::AlreadyExists
            } else {
                CreateOutcome::Created
            });
        }
        let mut topic = NewTopic::new(
            &spec.name,
            spec.partitions,
            TopicReplication::Fixed(i32::from(spec.replication_factor)),
        );
        for (key, value) in &spec.configs {
            topic = topic.set(key, value);
        }
        let results =
            futures_executor::block_on(self.inner.create_topics([&topic], &self.options()))
                .map_err(|error| self.failed(operation(), error))?;
        match results.into_iter().next() {
            Some(Ok(_)) => Ok(CreateOutcome::Created),
            Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) => {
                Ok(CreateOutcome::AlreadyExists)
            }
            Some(Err((_, code))) => Err(KafkaClientError::client(
                operation(),
                rdkafka::error::KafkaError::AdminOp(code),
            )),
            None => Err(KafkaClientError::client(
                operation(),
                rdkafka::error::KafkaError::AdminOpCreation("no result for the topic".into()),
            )),
        }
    }

    /// Deletes `topics`; a topic that does not exist is not an error.
    pub fn delete_topics(&self, topics: &[&str]) -> Result<(), KafkaClientError> {
        let operation = || format!("deleting topics {topics:?}");
        let results = futures_executor::block_on(self.inner.delete_topics(topics, &self.options()))
            .map_err(|error| self.failed(operation(), error))?;
        for result in results {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::UnknownTopicOrPartition)) => {}
                Err((_, code)) => {
                    return Err(KafkaClientError::client(
                        operation(),
                        rdkafka::error::KafkaError::AdminOp(code),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Deletes consumer group `group` with its committed offsets; a group that does not exist
    /// is not an error.
    pub fn delete_group(&self, group: &str) -> Result<(), KafkaClientError> {
        let operation = || format!("deleting consumer group {group}");
        let results =
            futures_executor::block_on(self.inner.delete_groups(&[group], &self.options()))
                .map_err(|error| self.failed(operation(), error))?;
        for result in results {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::GroupIdNotFound)) => {}
                Err((_, code)) => {
                    return Err(KafkaClientError::client(
                        operation(),
                        rdkafka::error::KafkaError::AdminOp(code),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The partition ids of `topic`, or `None` when the broker does not know the topic.
    pub fn partitions(&self, topic: &str) -> Result<Option<Vec<i32>>, KafkaClientError> {
        let metadata = self
            .inner
            .inner()
            .fetch_metadata(Some(topic), self.timeout)
            .map_err(|error| self.failed(format!("describing topic {topic}"), error))?;
        Ok(metadata
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none())
            .map(|t| t.partitions().iter().map(|p| p.id()).collect()))
    }

    /// Every topic the broker reports, with its partition ids in ascending order (Kafka's
    /// `listTopics` + `describeTopics`, in one metadata request). Topics the broker reports
    /// with an error are left out.
    pub fn topics(&self) -> Result<IndexMap<String, Vec<i32>>, KafkaClientError> {
        let metadata = self
            .inner
            .inner()
            .fetch_metadata(None, self.timeout)
            .map_err(|error| self.failed("listing topics".to_owned(), error))?;
        Ok(metadata
            .topics()
            .iter()
            .filter(|topic| topic.error().is_none())
            .map(|topic| {
                let mut partitions: Vec<i32> = topic.partitions().iter().map(|p| p.id()).collect();
                partitions.sort_unstable();
                (topic.name().to_owned(), partitions)
            })
            .collect())
    }

    /// The configs of `topic` as the broker reports them.
    pub fn topic_configs(&self, topic: &str) -> Result<IndexMap<String, String>, KafkaClientError> {
        use rdkafka::admin::ResourceSpecifier;
        let operation = || format!("describing the configs of topic {topic}");
        let results = futures_executor::block_on(
            self.inner
                .describe_configs([&ResourceSpecifier::Topic(topic)], &self.options()),
        )
        .map_err(|error| self.failed(operation(), error))?;
        let resource = results
            .into_iter()
            .next()
            .ok_or_else(|| {
                KafkaClientError::client(
                    operation(),
                    rdkafka::error::KafkaError::AdminOpCreation("no result for the topic".into()),
                )
            })?
            .map_err(|code| {
                KafkaClientError::client(operation(), rdkafka::error::KafkaError::AdminOp(code))
            })?;
        Ok(resource
            .entries
            .into_iter()
            .filter_map(|entry| Some((entry.name, entry.value?)))
            .collect())
    }
}
