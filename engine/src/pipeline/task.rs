//! [`start_task`]: builds a task's converters, transforms, error handling and Kafka clients
//! from its worker and connector configs, the way Kafka Connect's `Worker.startTask` does, and
//! starts its pipeline.

use std::sync::Arc;
use std::time::Duration;

use super::stages::RecordStages;
use super::{
    ActiveTopics, DeadLetterQueue, PipelineError, SinkClients, SinkPipeline, SinkPipelineConfig,
    SourceClients, SourcePipeline, SourcePipelineConfig,
};
use crate::config::{ConfigError, RawConfig};
use crate::connector::{SinkTask, SinkTaskContext, SourceTask, SourceTaskContext};
use crate::converters::ConverterRegistry;
use crate::errors::{ErrorHandlingConfig, RetryWithTolerance};
use crate::kafka::{
    ClientRole, KafkaAdmin, KafkaClientError, KafkaConsumer, KafkaProducer, TaskClient,
    TopicCreation, task_client_config,
};
use crate::offsets::{OffsetBackingStore, StoreOffsetReader};
use crate::predicates::PredicateRegistry;
use crate::transforms::TransformRegistry;

/// How long admin operations of a task (topic creation, DLQ creation) may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Most records a sink task gets per `put`.
const SINK_MAX_BATCH: usize = 2000;
/// Batches that may wait between a pipeline's two threads.
const CHANNEL_CAPACITY: usize = 4;

/// What every task of a worker shares: the worker's settings, the plugins and the source offset
/// store.
pub struct TaskEnvironment {
    /// The worker config, providers resolved: `bootstrap.servers`, the worker's converters and
    /// the `producer.`/`consumer.`/`admin.` client keys.
    pub worker: RawConfig,
    /// `offset.flush.interval.ms`.
    pub offset_flush_interval: Duration,
    /// `offset.flush.timeout.ms`.
    pub offset_flush_timeout: Duration,
    /// The converters configs can name.
    pub converters: ConverterRegistry,
    /// The transforms configs can name.
    pub transforms: TransformRegistry,
    /// The predicates configs can name.
    pub predicates: PredicateRegistry,
    /// Where source tasks commit their offsets.
    pub offsets: Arc<dyn OffsetBackingStore>,
    /// The topics each connector's tasks use.
    pub active_topics: ActiveTopics,
}

/// Why a task could not start.
#[derive(Debug, thiserror::Error)]
pub enum TaskStartError {
    /// Its config is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A Kafka client could not be created.
    #[error(transparent)]
    Kafka(#[from] KafkaClientError),
    /// The dead letter queue could not be set up.
    #[error("dead letter queue: {0}")]
    DeadLetterQueue(#[from] PipelineError),
    /// The pipeline threads could not be spawned.
    #[error("starting the pipeline threads: {0}")]
    Threads(#[from] std::io::Error),
    /// A sink connector names neither `topics` nor `topics.regex`.
    #[error("Must configure one of topics or topics.regex")]
    NoTopics,
}

/// A task to start: the connector's task instance with its identity and configs.
pub struct TaskStart<'a> {
    /// The connector name.
    pub connector: &'a str,
    /// The task number.
    pub task_id: u32,
    /// The connector config, providers resolved.
    pub connector_config: &'a RawConfig,
    /// The task config the connector generated, providers resolved.
    pub task_config: RawConfig,
}

/// A running task of either kind.
pub enum RunningTask {
    /// A source task's pipeline.
    Source(SourcePipeline),
    /// A sink task's pipeline.
    Sink(SinkPipeline),
}

impl RunningTask {
    /// True when the pipeline ended (it failed, or was stopped).
    pub fn is_finished(&self) -> bool {
        match self {
            Self::Source(pipeline) => pipeline.is_finished(),
            Self::Sink(pipeline) => pipeline.is_finished(),
        }
    }

    /// Stops moving records (the connector is PAUSED).
    pub fn pause(&self) {
        match self {
            Self::Source(pipeline) => pipeline.pause(),
            Self::Sink(pipeline) => pipeline.pause(),
        }
    }

    /// Moves records again after a pause.
    pub fn resume(&self) {
        match self {
            Self::Source(pipeline) => pipeline.resume(),
            Self::Sink(pipeline) => pipeline.resume(),
        }
    }

    /// Stops the task, flushing and committing what was acknowledged; the failure that ended
    /// it, if any.
    pub fn stop(self) -> Result<(), PipelineError> {
        match self {
            Self::Source(pipeline) => pipeline.stop(),
            Self::Sink(pipeline) => pipeline.stop(),
        }
    }
}

/// The task instance a connector created.
pub enum TaskInstance {
    /// A source task.
    Source(Box<dyn SourceTask>),
    /// A sink task.
    Sink(Box<dyn SinkTask>),
}

/// Builds and starts a task's pipeline.
pub fn start_task(
    env: &TaskEnvironment,
    start: TaskStart<'_>,
    task: TaskInstance,
) -> Result<RunningTask, TaskStartError> {
    match task {
        TaskInstance::Source(task) => start_source(env, start, task).map(RunningTask::Source),
        TaskInstance::Sink(task) => start_sink(env, start, task).map(RunningTask::Sink),
    }
}

/// A task's converters and transforms, and its `errors.*`.
fn stages(
    env: &TaskEnvironment,
    connector: &RawConfig,
) -> Result<(RecordStages, ErrorHandlingConfig), ConfigError> {
    let stages = RecordStages::from_config(
        &env.worker,
        connector,
        &env.converters,
        &env.transforms,
        &env.predicates,
    )?;
    Ok((
        stages,
        ErrorHandlingConfig::from_connector_config(connector)?,
    ))
}

fn start_source(
    env: &TaskEnvironment,
    start: TaskStart<'_>,
    task: Box<dyn SourceTask>,
) -> Result<SourcePipeline, TaskStartError> {
    let connector = start.connector_config;
    let (stages, errors) = stages(env, connector)?;
    let who = TaskClient {
        connector: start.connector,
        task: start.task_id,
    };
    let client = |role| task_client_config(role, &env.worker, connector, who);
    let topic_creation = TopicCreation::from_config(&env.worker, connector)?;
    let needs_admin = topic_creation.is_some() || errors.dlq_topic.is_some();
    let admin = if needs_admin {
        Some(KafkaAdmin::new(&client(ClientRole::Admin)?, ADMIN_TIMEOUT)?)
    } else {
        None
    };
    let dlq = dead_letter_queue(&errors, admin.as_ref(), &client(ClientRole::Producer)?)?;
    let clients = SourceClients {
        producer: KafkaProducer::new(&client(ClientRole::Producer)?)?,
        admin,
        topic_creation,
        dlq,
    };
    let context = SourceTaskContext {
        config: start.task_config,
        offset_reader: Arc::new(StoreOffsetReader::new(
            start.connector,
            Arc::clone(&env.offsets),
        )),
    };
    let config = SourcePipelineConfig {
        connector: start.connector.to_owned(),
        task_id: start.task_id,
        stages,
        errors: RetryWithTolerance::new(errors),
        offset_flush_interval: env.offset_flush_interval,
        offset_flush_timeout: env.offset_flush_timeout,
        channel_capacity: CHANNEL_CAPACITY,
        active_topics: env.active_topics.clone(),
    };
    Ok(SourcePipeline::start(
        task,
        context,
        config,
        clients,
        Arc::clone(&env.offsets),
    )?)
}

fn start_sink(
    env: &TaskEnvironment,
    start: TaskStart<'_>,
    task: Box<dyn SinkTask>,
) -> Result<SinkPipeline, TaskStartError> {
    let connector = start.connector_config;
    let (stages, errors) = stages(env, connector)?;
    let who = TaskClient {
        connector: start.connector,
        task: start.task_id,
    };
    let client = |role| task_client_config(role, &env.worker, connector, who);
    let consumer = KafkaConsumer::new(&client(ClientRole::Consumer)?)?;
    let topics: Vec<&str> = connector
        .get("topics")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    match connector.get("topics.regex").filter(|r| !r.is_empty()) {
        Some(regex) if topics.is_empty() => consumer.subscribe_pattern(regex)?,
        _ if !topics.is_empty() => consumer.subscribe(&topics)?,
        _ => return Err(TaskStartError::NoTopics),
    }
    let dlq = match errors.dlq_topic {
        Some(_) => {
            let admin = KafkaAdmin::new(&client(ClientRole::Admin)?, ADMIN_TIMEOUT)?;
            dead_letter_queue(&errors, Some(&admin), &client(ClientRole::Producer)?)?
        }
        None => None,
    };
    let config = SinkPipelineConfig {
        connector: start.connector.to_owned(),
        task_id: start.task_id,
        stages,
        errors: RetryWithTolerance::new(errors),
        offset_flush_interval: env.offset_flush_interval,
        max_batch: SINK_MAX_BATCH,
        channel_capacity: CHANNEL_CAPACITY,
        active_topics: env.active_topics.clone(),
    };
    let context = SinkTaskContext::new(start.task_config, None);
    Ok(SinkPipeline::start(
        task,
        context,
        config,
        SinkClients { consumer, dlq },
    )?)
}

fn dead_letter_queue(
    errors: &ErrorHandlingConfig,
    admin: Option<&KafkaAdmin>,
    producer: &crate::kafka::KafkaClientConfig,
) -> Result<Option<DeadLetterQueue>, TaskStartError> {
    let (Some(topic), Some(admin)) = (&errors.dlq_topic, admin) else {
        return Ok(None);
    };
    Ok(Some(DeadLetterQueue::new(
        KafkaProducer::new(producer)?,
        admin,
        topic.clone(),
        errors.dlq_replication_factor,
        errors.dlq_context_headers,
    )?))
}
