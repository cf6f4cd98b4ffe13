//! [`ConnectorActor`]: owns one connector instance and supervises its task actors. It starts the
//! connector, turns its task configs into task actors, applies target-state changes, config
//! changes (restarting only the tasks whose config changed) and restarts, and restarts failed
//! tasks with exponential backoff until `task.restart.max.attempts` runs out.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{ConnectorInstance, ConnectorPlugin};

use super::blocking;
use super::context::WorkerContext;
use super::task::{TaskActor, TaskArgs, TaskMsg};
use crate::herder::{State, TargetState};

/// A task that fails after running this long (or the longest backoff, if longer) gets a new
/// series of restart attempts.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

/// Prefixes of the connector keys a task's pipeline is built from: a change to one of them
/// restarts every task.
const PIPELINE_KEY_PREFIXES: &[&str] = &[
    "key.converter",
    "value.converter",
    "header.converter",
    "transforms",
    "predicates",
    "errors.",
    "producer.override.",
    "consumer.override.",
    "admin.override.",
    "topic.creation.",
    "topics",
    "exactly.once.",
    "transaction.",
    "offsets.storage.topic",
];

/// The keys of `config` a task's pipeline reads.
fn pipeline_keys(config: &RawConfig) -> Vec<(&String, &String)> {
    config
        .iter()
        .filter(|(key, _)| {
            PIPELINE_KEY_PREFIXES
                .iter()
                .any(|prefix| key.starts_with(prefix))
        })
        .collect()
}

/// A reply to a request that may fail with a message.
pub type Reply = RpcReplyPort<Result<(), String>>;

/// What a connector actor is told.
pub enum ConnectorMsg {
    /// Apply a new raw config.
    Reconfigure(RawConfig, Reply),
    /// Move to a target state.
    SetTarget(TargetState, Reply),
    /// Restart the connector instance and/or tasks (KIP-745).
    Restart {
        /// Also restart tasks.
        include_tasks: bool,
        /// Only instances that are FAILED.
        only_failed: bool,
        /// Answered once the restart is under way.
        reply: Reply,
    },
    /// Restart one task now.
    RestartTask(u32, Reply),
    /// A backoff expired: restart task `id` if attempt `attempt` is still the latest.
    AutoRestart {
        /// The task number.
        task: u32,
        /// The attempt the timer was set for.
        attempt: u32,
    },
    /// Stop every task and the connector (before deletion or worker shutdown).
    Shutdown(RpcReplyPort<()>),
}

/// What a connector actor starts with.
pub struct ConnectorArgs {
    /// The worker's shared context.
    pub context: Arc<WorkerContext>,
    /// The connector name.
    pub name: String,
    /// The connector's plugin.
    pub plugin: ConnectorPlugin,
    /// The raw config.
    pub config: RawConfig,
    /// The target state to start in.
    pub target: TargetState,
}

/// A task slot: its actor while it runs, and its restart bookkeeping.
#[derive(Default)]
struct TaskSlot {
    actor: Option<ActorRef<TaskMsg>>,
    /// Automatic restarts since the last manual start.
    attempts: u32,
    started: Option<Instant>,
    /// The connector config the task runs with (its converters and transforms come from it).
    connector_config: Arc<RawConfig>,
}

/// A connector actor's state.
pub struct ConnectorState {
    context: Arc<WorkerContext>,
    name: String,
    plugin: ConnectorPlugin,
    /// The running connector instance; `None` while stopped, paused or failed.
    instance: Option<ConnectorInstance>,
    raw: RawConfig,
    resolved: Arc<RawConfig>,
    target: TargetState,
    task_configs: Vec<RawConfig>,
    tasks: BTreeMap<u32, TaskSlot>,
}

/// The actor of one connector.
pub struct ConnectorActor;

impl Actor for ConnectorActor {
    type Msg = ConnectorMsg;
    type State = ConnectorState;
    type Arguments = ConnectorArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<ConnectorMsg>,
        args: ConnectorArgs,
    ) -> Result<ConnectorState, ActorProcessingErr> {
        Ok(ConnectorState {
            context: args.context,
            name: args.name,
            plugin: args.plugin,
            instance: None,
            raw: args.config,
            resolved: Arc::default(),
            target: args.target,
            task_configs: Vec::new(),
            tasks: BTreeMap::new(),
        })
    }

    async fn post_start(
        &self,
        myself: ActorRef<ConnectorMsg>,
        state: &mut ConnectorState,
    ) -> Result<(), ActorProcessingErr> {
        state.apply_target(&myself).await;
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<ConnectorMsg>,
        message: ConnectorMsg,
        state: &mut ConnectorState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            ConnectorMsg::Reconfigure(raw, reply) => {
                state.raw = raw;
                state.stop_instance().await;
                state.apply_target(&myself).await;
                let _ = reply.send(Ok(()));
            }
            ConnectorMsg::SetTarget(target, reply) => {
                state.set_target(&myself, target).await;
                let _ = reply.send(Ok(()));
            }
            ConnectorMsg::Restart {
                include_tasks,
                only_failed,
                reply,
            } => {
                state.restart(&myself, include_tasks, only_failed).await;
                let _ = reply.send(Ok(()));
            }
            ConnectorMsg::RestartTask(task, reply) => {
                let result = if (task as usize) < state.task_configs.len() {
                    state.stop_task(task).await;
                    if let Some(slot) = state.tasks.get_mut(&task) {
                        slot.attempts = 0;
                    }
                    state.start_task(&myself, task).await;
                    Ok(())
                } else {
                    Err(format!("Task {}-{task} not found", state.name))
                };
                let _ = reply.send(result);
            }
            ConnectorMsg::AutoRestart { task, attempt } => {
                let current = state.tasks.get(&task).map(|slot| slot.attempts);
                let waiting = state
                    .tasks
                    .get(&task)
                    .is_some_and(|slot| slot.actor.is_none());
                if current == Some(attempt) && waiting && state.target != TargetState::Stopped {
                    state.start_task(&myself, task).await;
                }
            }
            ConnectorMsg::Shutdown(reply) => {
                state.stop_tasks().await;
                state.stop_instance().await;
                let _ = reply.send(());
                myself.stop(None);
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<ConnectorMsg>,
        event: SupervisionEvent,
        state: &mut ConnectorState,
    ) -> Result<(), ActorProcessingErr> {
        if let SupervisionEvent::ActorFailed(cell, error) = event {
            let failed = state
                .tasks
                .iter()
                .find(|(_, slot)| {
                    slot.actor
                        .as_ref()
                        .is_some_and(|a| a.get_id() == cell.get_id())
                })
                .map(|(id, _)| *id);
            if let Some(task) = failed {
                state.task_failed(&myself, task, error.to_string());
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<ConnectorMsg>,
        state: &mut ConnectorState,
    ) -> Result<(), ActorProcessingErr> {
        state.stop_tasks().await;
        state.stop_instance().await;
        Ok(())
    }
}

impl ConnectorState {
    fn record_connector(&self, state: State, trace: Option<String>) {
        self.context
            .state
            .set_connector_state(&self.name, state, trace);
    }

    /// Brings the connector and its tasks to the target state from wherever they are.
    async fn apply_target(&mut self, myself: &ActorRef<ConnectorMsg>) {
        match self.target {
            TargetState::Stopped => {
                self.stop_tasks().await;
                self.stop_instance().await;
                self.task_configs.clear();
                self.context.state.update(&self.name, |record| {
                    record.task_configs.clear();
                    record.tasks.clear();
                });
                self.record_connector(State::Stopped, None);
            }
            TargetState::Started | TargetState::Paused => {
                if self.instance.is_none() && !self.start_instance().await {
                    return;
                }
                self.reconcile_tasks(myself).await;
                let paused = self.target == TargetState::Paused;
                for slot in self.tasks.values() {
                    if let Some(actor) = &slot.actor {
                        let _ = actor.cast(if paused {
                            TaskMsg::Pause
                        } else {
                            TaskMsg::Resume
                        });
                    }
                }
                let state = if paused {
                    State::Paused
                } else {
                    State::Running
                };
                self.record_connector(state, None);
            }
        }
    }

    async fn set_target(&mut self, myself: &ActorRef<ConnectorMsg>, target: TargetState) {
        self.target = target;
        self.context
            .state
            .update(&self.name, |record| record.target = target);
        self.apply_target(myself).await;
    }

    /// Resolves the config and starts the connector instance; false (and FAILED) on error.
    async fn start_instance(&mut self) -> bool {
        let resolved = match self.context.resolve(&self.raw) {
            Ok(resolved) => resolved,
            Err(error) => {
                self.record_connector(State::Failed, Some(error));
                return false;
            }
        };
        let mut instance = self.plugin.instantiate();
        let config = resolved.clone();
        let started = blocking(move || {
            let result = instance.as_connector_mut().start(&config);
            (instance, result)
        })
        .await;
        match started {
            Ok((instance, Ok(()))) => {
                self.instance = Some(instance);
                self.resolved = Arc::new(resolved);
                tracing::info!(connector = %self.name, "connector started");
                true
            }
            Ok((_, Err(error))) => {
                tracing::error!(connector = %self.name, %error, "connector failed to start");
                self.record_connector(State::Failed, Some(error.to_string()));
                false
            }
            Err(panic) => {
                self.record_connector(State::Failed, Some(panic.to_string()));
                false
            }
        }
    }

    async fn stop_instance(&mut self) {
        let Some(mut instance) = self.instance.take() else {
            return;
        };
        let name = self.name.clone();
        let stopped = blocking(move || instance.as_connector_mut().stop()).await;
        if let Ok(Err(error)) = stopped {
            tracing::warn!(connector = %name, %error, "connector failed while stopping");
        }
    }

    /// Asks the connector for task configs and starts, restarts or stops tasks so that exactly
    /// the tasks whose config changed are restarted.
    async fn reconcile_tasks(&mut self, myself: &ActorRef<ConnectorMsg>) {
        let max_tasks = self
            .resolved
            .get("tasks.max")
            .and_then(|text| text.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let Some(instance) = &self.instance else {
            return;
        };
        let configs = match instance.as_connector().task_configs(max_tasks) {
            Ok(configs) => configs,
            Err(error) => {
                tracing::error!(connector = %self.name, %error, "connector failed to generate task configs");
                self.record_connector(State::Failed, Some(error.to_string()));
                return;
            }
        };
        let old = std::mem::replace(&mut self.task_configs, configs);
        for task in self.task_configs.len()..old.len() {
            self.stop_task(task as u32).await;
            self.tasks.remove(&(task as u32));
            self.context.state.update(&self.name, |record| {
                record.tasks.remove(&(task as u32));
            });
        }
        let configs = self.task_configs.clone();
        self.context
            .state
            .update(&self.name, |record| record.task_configs = configs);
        for task in 0..self.task_configs.len() {
            let id = task as u32;
            let slot = self.tasks.get(&id);
            let running = slot.is_some_and(|slot| slot.actor.is_some());
            // A task is affected by a change of its own config, or of the connector keys its
            // pipeline is built from (converters, transforms, errors, clients, topics).
            let changed = old.get(task) != self.task_configs.get(task)
                || slot.is_some_and(|slot| {
                    pipeline_keys(&slot.connector_config) != pipeline_keys(&self.resolved)
                });
            if running && !changed {
                continue;
            }
            self.stop_task(id).await;
            if let Some(slot) = self.tasks.get_mut(&id) {
                slot.attempts = 0;
            }
            self.start_task(myself, id).await;
        }
    }

    async fn start_task(&mut self, myself: &ActorRef<ConnectorMsg>, task: u32) {
        let Some(task_config) = self.task_configs.get(task as usize).cloned() else {
            return;
        };
        let args = TaskArgs {
            context: Arc::clone(&self.context),
            plugin: self.plugin.clone(),
            connector: self.name.clone(),
            task_id: task,
            connector_config: Arc::clone(&self.resolved),
            task_config,
            paused: self.target == TargetState::Paused,
        };
        let name = format!("{}-{task}", self.name);
        let spawned = Actor::spawn_linked(None, TaskActor, args, myself.get_cell()).await;
        match spawned {
            Ok((actor, _)) => {
                let slot = self.tasks.entry(task).or_default();
                slot.actor = Some(actor);
                slot.started = Some(Instant::now());
                slot.connector_config = Arc::clone(&self.resolved);
            }
            Err(error) => {
                tracing::error!(task = %name, %error, "task failed to start");
                self.tasks.entry(task).or_default().actor = None;
                self.task_failed(myself, task, error.to_string());
            }
        }
    }

    async fn stop_task(&mut self, task: u32) {
        let Some(actor) = self.tasks.get_mut(&task).and_then(|slot| slot.actor.take()) else {
            return;
        };
        // Its end is reported as a termination, not a failure, so it is not restarted.
        let _ = actor.stop_and_wait(None, None).await;
        self.context
            .state
            .set_task_state(&self.name, task, State::Unassigned, None);
    }

    /// Stops every task at once and waits for them all (Kafka's
    /// `task.shutdown.graceful.timeout.ms` is a total, not a per-task, allowance).
    async fn stop_tasks(&mut self) {
        let mut stopping = Vec::new();
        for (id, slot) in &mut self.tasks {
            if let Some(actor) = slot.actor.take() {
                actor.stop(None);
                stopping.push((*id, actor));
            }
        }
        for (id, actor) in stopping {
            let _ = actor.wait(None).await;
            self.context
                .state
                .set_task_state(&self.name, id, State::Unassigned, None);
        }
    }

    /// Records a task failure and schedules its restart, or leaves it FAILED when its attempts
    /// are used up.
    fn task_failed(&mut self, myself: &ActorRef<ConnectorMsg>, task: u32, trace: String) {
        let policy = self.context.restart;
        let slot = self.tasks.entry(task).or_default();
        slot.actor = None;
        // A task that ran well for a while starts a new series of attempts.
        let healthy_run = policy.max_backoff.max(HEALTHY_RUN);
        if slot
            .started
            .is_some_and(|started| started.elapsed() > healthy_run)
        {
            slot.attempts = 0;
        }
        tracing::error!(connector = %self.name, task, error = %trace, "task failed");
        if slot.attempts >= policy.max_attempts {
            self.context
                .state
                .set_task_state(&self.name, task, State::Failed, Some(trace));
            return;
        }
        slot.attempts += 1;
        let attempt = slot.attempts;
        let wait = policy.backoff(attempt);
        tracing::warn!(
            connector = %self.name,
            task,
            attempt,
            backoff_ms = wait.as_millis() as u64,
            "restarting the failed task"
        );
        self.context
            .state
            .set_task_state(&self.name, task, State::Restarting, Some(trace));
        myself.send_after(wait, move || ConnectorMsg::AutoRestart { task, attempt });
    }

    async fn restart(
        &mut self,
        myself: &ActorRef<ConnectorMsg>,
        include_tasks: bool,
        only_failed: bool,
    ) {
        let connector_failed = self
            .context
            .state
            .get(&self.name)
            .is_some_and(|record| record.status == State::Failed);
        if !only_failed || connector_failed {
            self.stop_instance().await;
            self.record_connector(State::Restarting, None);
        }
        if include_tasks {
            let statuses = self
                .context
                .state
                .get(&self.name)
                .map(|record| record.tasks)
                .unwrap_or_default();
            let ids: Vec<u32> = self.tasks.keys().copied().collect();
            for id in ids {
                let failed = statuses
                    .get(&id)
                    .is_some_and(|(state, _)| *state == State::Failed);
                if only_failed && !failed {
                    continue;
                }
                self.stop_task(id).await;
                if let Some(slot) = self.tasks.get_mut(&id) {
                    slot.attempts = 0;
                }
                self.start_task(myself, id).await;
            }
        }
        self.apply_target(myself).await;
    }
}
