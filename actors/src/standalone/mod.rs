//! [`StandaloneHerder`]: the herder of `sluice standalone` (Kafka's `StandaloneHerder`). Configs
//! and statuses live in memory; source offsets in the worker's offset file; nothing is
//! forwarded. Changes go through the actor tree; reads are answered from [`WorkerState`].

mod offsets;
mod worker;

pub use worker::{StandaloneWorker, WorkerOptions, WorkerStartError};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use ractor::{Actor, ActorRef};
use sluice_engine::config::{ConfigKeyInfo, RawConfig};

use crate::herder::{
    ConfigInfos, ConfigPatch, ConnectorInfo, ConnectorOffsets, ConnectorStateInfo, Created, Herder,
    HerderError, HerderResult, PluginInfo, ServerInfo, State, TargetState, TaskId, TaskInfo,
    TaskStatus,
};
use crate::runtime::connector::{ConnectorMsg, Reply};
use crate::runtime::context::WorkerContext;
use crate::runtime::state::{ConnectorRecord, WorkerState};
use crate::runtime::worker::{WorkerActor, WorkerMsg};

/// Checks connector configs before they are applied, and answers the plugin endpoints.
pub trait ConfigValidator: Send + Sync + 'static {
    /// The validation answer for `config` (placeholders unresolved), or why it cannot be
    /// validated at all.
    fn validate(&self, config: &RawConfig) -> HerderResult<ConfigInfos>;

    /// The text of the 400 answer when `infos` has errors.
    fn failure_message(&self, infos: &ConfigInfos) -> String;

    /// The installed plugins.
    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo>;

    /// A plugin's config definition.
    fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>>;
}

/// Worker settings the herder applies itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HerderOptions {
    /// `topic.tracking.enable`.
    pub topic_tracking: bool,
    /// `topic.tracking.allow.reset`.
    pub topic_tracking_reset: bool,
}

/// The standalone herder.
pub struct StandaloneHerder {
    context: Arc<WorkerContext>,
    worker: ActorRef<WorkerMsg>,
    validator: Arc<dyn ConfigValidator>,
    info: ServerInfo,
    options: HerderOptions,
    ready: AtomicBool,
}

fn not_found(name: &str) -> HerderError {
    HerderError::NotFound(format!("Connector {name} not found"))
}

fn actor_failed(error: impl std::fmt::Display) -> HerderError {
    HerderError::Internal(error.to_string())
}

impl StandaloneHerder {
    /// Starts the worker supervisor. The herder reports ready once [`StandaloneHerder::ready`]
    /// is called (after the command-line connectors were created).
    pub async fn start(
        context: Arc<WorkerContext>,
        validator: Arc<dyn ConfigValidator>,
        info: ServerInfo,
        options: HerderOptions,
    ) -> Result<Self, HerderError> {
        let (worker, _) = Actor::spawn(None, WorkerActor, Arc::clone(&context))
            .await
            .map_err(actor_failed)?;
        Ok(Self {
            context,
            worker,
            validator,
            info,
            options,
            ready: AtomicBool::new(false),
        })
    }

    /// Marks the worker as started (`GET /health` answers healthy from now on).
    pub fn ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    /// The configs and statuses.
    pub fn state(&self) -> &Arc<WorkerState> {
        &self.context.state
    }

    /// Stops every connector and task gracefully, then the supervisor.
    pub async fn shutdown(&self) {
        let _ = ractor::call!(self.worker, WorkerMsg::Shutdown);
        let _ = self.worker.stop_and_wait(None, None).await;
    }

    fn record(&self, name: &str) -> HerderResult<ConnectorRecord> {
        self.context.state.get(name).ok_or_else(|| not_found(name))
    }

    async fn connector_actor(&self, name: &str) -> HerderResult<ActorRef<ConnectorMsg>> {
        let found =
            ractor::call!(self.worker, WorkerMsg::Lookup, name.to_owned()).map_err(actor_failed)?;
        found.ok_or_else(|| not_found(name))
    }

    async fn tell(
        &self,
        name: &str,
        message: impl FnOnce(Reply) -> ConnectorMsg,
    ) -> HerderResult<()> {
        let actor = self.connector_actor(name).await?;
        let reply = actor.call(message, None).await.map_err(actor_failed)?;
        match reply {
            ractor::rpc::CallResult::Success(result) => result.map_err(HerderError::NotFound),
            _ => Err(HerderError::Internal(format!(
                "connector {name} did not answer"
            ))),
        }
    }

    fn info_of(name: &str, record: &ConnectorRecord) -> ConnectorInfo {
        ConnectorInfo {
            name: name.to_owned(),
            config: record.config.clone(),
            tasks: (0..record.task_configs.len() as u32)
                .map(|task| TaskId {
                    connector: name.to_owned(),
                    task,
                })
                .collect(),
            connector_type: record.type_name().to_owned(),
        }
    }

    fn check_valid(&self, config: &RawConfig) -> HerderResult<()> {
        let infos = self.validator.validate(config)?;
        if infos.error_count > 0 {
            return Err(HerderError::BadRequest(
                self.validator.failure_message(&infos),
            ));
        }
        Ok(())
    }

    /// Offsets may change only while the connector is STOPPED with no tasks.
    fn check_stopped(&self, name: &str) -> HerderResult<ConnectorRecord> {
        let record = self.record(name)?;
        if record.target != TargetState::Stopped || !record.task_configs.is_empty() {
            return Err(HerderError::BadRequest(format!(
                "Connectors must be in the STOPPED state before their offsets can be modified. \
                 This can be done for the specified connector by issuing a 'PUT' request to the \
                 '/connectors/{name}/stop' endpoint"
            )));
        }
        Ok(record)
    }

    fn resolved(&self, record: &ConnectorRecord) -> HerderResult<RawConfig> {
        self.context
            .resolve(&record.config)
            .map_err(HerderError::Internal)
    }
}

/// Kafka's answers to offset changes of connectors that do not manage offsets themselves.
const OFFSETS_ALTERED: &str = "The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.";
const OFFSETS_RESET: &str = "The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.";

#[async_trait]
impl Herder for StandaloneHerder {
    async fn server_info(&self) -> ServerInfo {
        self.info.clone()
    }

    async fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    async fn connectors(&self) -> Vec<String> {
        self.context.state.names()
    }

    async fn connector_info(&self, name: &str) -> HerderResult<ConnectorInfo> {
        Ok(Self::info_of(name, &self.record(name)?))
    }

    async fn connector_config(&self, name: &str) -> HerderResult<RawConfig> {
        Ok(self.record(name)?.config)
    }

    async fn connector_status(&self, name: &str) -> HerderResult<ConnectorStateInfo> {
        self.context
            .state
            .status(name)
            .ok_or_else(|| HerderError::NotFound(format!("No status found for connector {name}")))
    }

    async fn put_connector_config(
        &self,
        name: &str,
        config: RawConfig,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created> {
        let exists = self.context.state.contains(name);
        if exists && !allow_replace {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        self.check_valid(&config)?;
        if exists {
            let previous = self.record(name)?;
            let same_class =
                previous.config.get("connector.class") == config.get("connector.class");
            if same_class {
                self.context
                    .state
                    .update(name, |record| record.config = config.clone());
                let update = config.clone();
                self.tell(name, move |reply| ConnectorMsg::Reconfigure(update, reply))
                    .await?;
            } else {
                // A new class is a new connector under the old name.
                ractor::call!(self.worker, WorkerMsg::Delete, name.to_owned())
                    .map_err(actor_failed)??;
                ractor::call!(self.worker, |reply| WorkerMsg::Create {
                    name: name.to_owned(),
                    config: config.clone(),
                    target: previous.target,
                    reply,
                })
                .map_err(actor_failed)??;
            }
        } else {
            ractor::call!(self.worker, |reply| WorkerMsg::Create {
                name: name.to_owned(),
                config,
                target: initial_state.unwrap_or_default(),
                reply,
            })
            .map_err(actor_failed)??;
        }
        Ok(Created {
            created: !exists,
            info: Self::info_of(name, &self.record(name)?),
        })
    }

    async fn patch_connector_config(
        &self,
        name: &str,
        patch: ConfigPatch,
    ) -> HerderResult<ConnectorInfo> {
        let mut config = self.record(name)?.config;
        for (key, value) in patch {
            match value {
                Some(value) => {
                    config.insert(key, value);
                }
                None => {
                    config.shift_remove(&key);
                }
            }
        }
        Ok(self
            .put_connector_config(name, config, true, None)
            .await?
            .info)
    }

    async fn delete_connector(&self, name: &str) -> HerderResult<()> {
        ractor::call!(self.worker, WorkerMsg::Delete, name.to_owned()).map_err(actor_failed)??;
        self.context.tasks.active_topics.reset(name);
        Ok(())
    }

    async fn task_configs(&self, name: &str) -> HerderResult<Vec<TaskInfo>> {
        let record = self.record(name)?;
        Ok(record
            .task_configs
            .into_iter()
            .enumerate()
            .map(|(task, config)| TaskInfo {
                id: TaskId {
                    connector: name.to_owned(),
                    task: task as u32,
                },
                config,
            })
            .collect())
    }

    async fn task_status(&self, name: &str, task: u32) -> HerderResult<TaskStatus> {
        self.context
            .state
            .status(name)
            .and_then(|status| status.tasks.into_iter().find(|t| t.id == task))
            .ok_or_else(|| HerderError::NotFound(format!("No status found for task {name}-{task}")))
    }

    async fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> HerderResult<Option<ConnectorStateInfo>> {
        let mut planned = self.connector_status(name).await?;
        let restart = move |reply| ConnectorMsg::Restart {
            include_tasks,
            only_failed,
            reply,
        };
        if !include_tasks && !only_failed {
            self.tell(name, restart).await?;
            return Ok(None);
        }
        if !only_failed || planned.connector.state == State::Failed {
            planned.connector.state = State::Restarting;
        }
        if include_tasks {
            for task in &mut planned.tasks {
                if !only_failed || task.state == State::Failed {
                    task.state = State::Restarting;
                }
            }
        }
        self.tell(name, restart).await?;
        Ok(Some(planned))
    }

    async fn restart_task(&self, name: &str, task: u32) -> HerderResult<()> {
        self.record(name)?;
        self.tell(name, move |reply| ConnectorMsg::RestartTask(task, reply))
            .await
    }

    async fn pause_connector(&self, name: &str) -> HerderResult<()> {
        self.tell(name, |reply| {
            ConnectorMsg::SetTarget(TargetState::Paused, reply)
        })
        .await
    }

    async fn resume_connector(&self, name: &str) -> HerderResult<()> {
        self.tell(name, |reply| {
            ConnectorMsg::SetTarget(TargetState::Started, reply)
        })
        .await
    }

    async fn stop_connector(&self, name: &str) -> HerderResult<()> {
        self.tell(name, |reply| {
            ConnectorMsg::SetTarget(TargetState::Stopped, reply)
        })
        .await
    }

    async fn connector_topics(&self, name: &str) -> HerderResult<Vec<String>> {
        if !self.options.topic_tracking {
            return Err(HerderError::Forbidden(
                "Topic tracking is disabled.".to_owned(),
            ));
        }
        self.record(name)?;
        Ok(self.context.tasks.active_topics.topics(name))
    }

    async fn reset_connector_topics(&self, name: &str) -> HerderResult<()> {
        if !self.options.topic_tracking {
            return Err(HerderError::Forbidden(
                "Topic tracking is disabled.".to_owned(),
            ));
        }
        if !self.options.topic_tracking_reset {
            return Err(HerderError::Forbidden(
                "Topic tracking reset is disabled.".to_owned(),
            ));
        }
        self.record(name)?;
        self.context.tasks.active_topics.reset(name);
        Ok(())
    }

    async fn connector_offsets(&self, name: &str) -> HerderResult<ConnectorOffsets> {
        let record = self.record(name)?;
        let worker = self.context.tasks.worker.clone();
        let store = Arc::clone(&self.context.tasks.offsets);
        let name = name.to_owned();
        if offsets::is_sink(record.connector_type) {
            let connector = self.resolved(&record)?;
            run_blocking(move || offsets::sink_offsets(&worker, &connector, &name)).await
        } else {
            run_blocking(move || offsets::source_offsets(store.as_ref(), &name)).await
        }
    }

    async fn alter_connector_offsets(
        &self,
        name: &str,
        changes: ConnectorOffsets,
    ) -> HerderResult<String> {
        let record = self.check_stopped(name)?;
        let worker = self.context.tasks.worker.clone();
        let store = Arc::clone(&self.context.tasks.offsets);
        let owned = name.to_owned();
        if offsets::is_sink(record.connector_type) {
            let connector = self.resolved(&record)?;
            run_blocking(move || {
                offsets::alter_sink_offsets(&worker, &connector, &owned, &changes)
            })
            .await?;
        } else {
            run_blocking(move || offsets::alter_source_offsets(store.as_ref(), &owned, &changes))
                .await?;
        }
        Ok(OFFSETS_ALTERED.to_owned())
    }

    async fn reset_connector_offsets(&self, name: &str) -> HerderResult<String> {
        let record = self.check_stopped(name)?;
        let worker = self.context.tasks.worker.clone();
        let store = Arc::clone(&self.context.tasks.offsets);
        let owned = name.to_owned();
        if offsets::is_sink(record.connector_type) {
            let connector = self.resolved(&record)?;
            run_blocking(move || offsets::reset_sink_offsets(&worker, &connector, &owned)).await?;
        } else {
            run_blocking(move || offsets::reset_source_offsets(store.as_ref(), &owned)).await?;
        }
        Ok(OFFSETS_RESET.to_owned())
    }

    async fn connector_plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        self.validator.plugins(connectors_only)
    }

    async fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>> {
        self.validator.plugin_config(plugin)
    }

    async fn validate_connector_config(&self, config: RawConfig) -> HerderResult<ConfigInfos> {
        self.validator.validate(&config)
    }
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> HerderResult<T> + Send + 'static,
) -> HerderResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(actor_failed)?
}
