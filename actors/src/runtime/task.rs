//! [`TaskActor`]: owns one task's pipeline. It starts the pipeline, relays pause and resume,
//! watches the pipeline's threads, and fails (so its connector actor restarts it) when the
//! pipeline ends with an error. Record batches never pass through it.

use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{ConnectorInstance, ConnectorPlugin};
use sluice_engine::pipeline::{RunningTask, TaskInstance, TaskStart, start_task};

use super::blocking;
use super::context::WorkerContext;
use crate::herder::State;

/// How often a task actor checks that its pipeline threads still run.
const WATCH_INTERVAL: Duration = Duration::from_millis(100);

/// What a task actor is told.
#[derive(Debug)]
pub enum TaskMsg {
    /// Stop moving records.
    Pause,
    /// Move records again.
    Resume,
    /// Check the pipeline (sent by the actor's own timer).
    Watch,
}

/// What a task actor starts with.
pub struct TaskArgs {
    /// The worker's shared context.
    pub context: Arc<WorkerContext>,
    /// The connector's plugin, to create the task instance.
    pub plugin: ConnectorPlugin,
    /// The connector name.
    pub connector: String,
    /// The task number.
    pub task_id: u32,
    /// The connector config, placeholders resolved.
    pub connector_config: Arc<RawConfig>,
    /// The task config, raw (resolved when the task starts, as Kafka does).
    pub task_config: RawConfig,
    /// True to start paused.
    pub paused: bool,
}

/// A running task: its pipeline (taken out while it stops).
pub struct TaskState {
    context: Arc<WorkerContext>,
    connector: String,
    task_id: u32,
    pipeline: Option<RunningTask>,
}

/// The actor of one task.
pub struct TaskActor;

impl Actor for TaskActor {
    type Msg = TaskMsg;
    type State = TaskState;
    type Arguments = TaskArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<TaskMsg>,
        args: TaskArgs,
    ) -> Result<TaskState, ActorProcessingErr> {
        let context = Arc::clone(&args.context);
        let (connector, task_id, paused) = (args.connector.clone(), args.task_id, args.paused);
        let pipeline = blocking(move || start(args)).await??;
        if paused {
            pipeline.pause();
        }
        let state = if paused {
            State::Paused
        } else {
            State::Running
        };
        context
            .state
            .set_task_state(&connector, task_id, state, None);
        tracing::info!(connector, task = task_id, "task started");
        myself.send_interval(WATCH_INTERVAL, || TaskMsg::Watch);
        Ok(TaskState {
            context,
            connector,
            task_id,
            pipeline: Some(pipeline),
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<TaskMsg>,
        message: TaskMsg,
        state: &mut TaskState,
    ) -> Result<(), ActorProcessingErr> {
        let Some(pipeline) = &state.pipeline else {
            return Ok(());
        };
        let (connector, task) = (&state.connector, state.task_id);
        match message {
            TaskMsg::Pause => {
                pipeline.pause();
                state
                    .context
                    .state
                    .set_task_state(connector, task, State::Paused, None);
            }
            TaskMsg::Resume => {
                pipeline.resume();
                state
                    .context
                    .state
                    .set_task_state(connector, task, State::Running, None);
            }
            TaskMsg::Watch if pipeline.is_finished() => {
                let Some(pipeline) = state.pipeline.take() else {
                    return Ok(());
                };
                let outcome = blocking(move || pipeline.stop()).await?;
                let reason = match outcome {
                    Err(error) => error.to_string(),
                    Ok(()) => "the task's pipeline ended without being stopped".to_owned(),
                };
                return Err(reason.into());
            }
            TaskMsg::Watch => {}
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<TaskMsg>,
        state: &mut TaskState,
    ) -> Result<(), ActorProcessingErr> {
        let Some(pipeline) = state.pipeline.take() else {
            return Ok(());
        };
        let (connector, task) = (state.connector.clone(), state.task_id);
        let timeout = state.context.shutdown_timeout;
        let stopping = blocking(move || pipeline.stop());
        match tokio::time::timeout(timeout, stopping).await {
            Ok(Ok(Ok(()))) => tracing::info!(connector, task, "task stopped"),
            Ok(Ok(Err(error))) => {
                tracing::warn!(connector, task, %error, "task failed while stopping")
            }
            Ok(Err(error)) => tracing::warn!(connector, task, %error, "task stop panicked"),
            Err(_) => tracing::error!(
                connector,
                task,
                timeout_ms = timeout.as_millis() as u64,
                "task did not stop within task.shutdown.graceful.timeout.ms; abandoning it"
            ),
        }
        Ok(())
    }
}

/// Resolves the task config, creates the task instance and starts its pipeline.
fn start(args: TaskArgs) -> Result<RunningTask, ActorProcessingErr> {
    let task_config = args.context.resolve(&args.task_config)?;
    let instance = match args.plugin.instantiate() {
        ConnectorInstance::Source(connector) => TaskInstance::Source(connector.create_task()),
        ConnectorInstance::Sink(connector) => TaskInstance::Sink(connector.create_task()),
    };
    let start = TaskStart {
        connector: &args.connector,
        task_id: args.task_id,
        connector_config: &args.connector_config,
        task_config,
    };
    Ok(start_task(&args.context.tasks, start, instance)?)
}
