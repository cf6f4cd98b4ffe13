//! The [`Herder`]: what the REST API asks of a worker, and the JSON entities it answers with
//! (Kafka Connect's `Herder` and `rest/entities`, §1.3–1.4 of the reference).
//!
//! The standalone herder implements it over in-memory config and status stores; the REST layer
//! only translates HTTP to these calls and [`HerderError`]s to status codes.

use async_trait::async_trait;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
pub use sluice_engine::config::{ConfigInfo, ConfigInfos, PluginInfo};
use sluice_engine::config::{ConfigKeyInfo, RawConfig};

/// A connector's or task's reported state (§10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    /// Not started yet, or shut down.
    Unassigned,
    /// Running.
    Running,
    /// Paused.
    Paused,
    /// Stopped (connectors only).
    Stopped,
    /// Failed; the status carries the trace.
    Failed,
    /// Being restarted.
    Restarting,
}

impl State {
    /// The upper-case name, as the REST API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unassigned => "UNASSIGNED",
            Self::Running => "RUNNING",
            Self::Paused => "PAUSED",
            Self::Stopped => "STOPPED",
            Self::Failed => "FAILED",
            Self::Restarting => "RESTARTING",
        }
    }
}

/// The state a connector is asked to be in (§10.1); the REST `initial_state` calls
/// [`TargetState::Started`] `RUNNING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TargetState {
    /// Running (the default).
    #[default]
    Started,
    /// Paused: tasks stay allocated but move nothing.
    Paused,
    /// Stopped: no tasks.
    Stopped,
}

impl TargetState {
    /// Parses a REST `initial_state` (`RUNNING`, `PAUSED`, `STOPPED`, any case).
    pub fn from_initial_state(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "RUNNING" => Some(Self::Started),
            "PAUSED" => Some(Self::Paused),
            "STOPPED" => Some(Self::Stopped),
            _ => None,
        }
    }
}

/// A task's id: `{"connector":"x","task":0}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TaskId {
    /// The connector name.
    pub connector: String,
    /// The task number.
    pub task: u32,
}

/// `ConnectorInfo`: `{"name","config","tasks","type"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorInfo {
    /// The connector name.
    pub name: String,
    /// Its raw config (placeholders unresolved).
    pub config: RawConfig,
    /// Its tasks.
    pub tasks: Vec<TaskId>,
    /// `source`, `sink` or `unknown`.
    #[serde(rename = "type")]
    pub connector_type: String,
}

/// The state of a connector instance: `{"state","worker_id","trace"?}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorStatus {
    /// Its state.
    pub state: State,
    /// The worker running it (`host:port`).
    pub worker_id: String,
    /// Why it failed; left out when empty.
    #[serde(skip_serializing_if = "trace_is_empty")]
    pub trace: Option<String>,
}

/// The state of a task: `{"id","state","worker_id","trace"?}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskStatus {
    /// The task number.
    pub id: u32,
    /// Its state.
    pub state: State,
    /// The worker running it.
    pub worker_id: String,
    /// Why it failed; left out when empty.
    #[serde(skip_serializing_if = "trace_is_empty")]
    pub trace: Option<String>,
}

fn trace_is_empty(trace: &Option<String>) -> bool {
    trace.as_deref().is_none_or(str::is_empty)
}

/// `ConnectorStateInfo`: a connector's status and its tasks', sorted by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorStateInfo {
    /// The connector name.
    pub name: String,
    /// The connector instance.
    pub connector: ConnectorStatus,
    /// Its tasks, by id.
    pub tasks: Vec<TaskStatus>,
    /// `source`, `sink` or `unknown`.
    #[serde(rename = "type")]
    pub connector_type: String,
}

/// A task's config: `{"id":{…},"config":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskInfo {
    /// The task id.
    pub id: TaskId,
    /// Its raw config.
    pub config: RawConfig,
}

/// A JSON object, as offsets partitions and offsets are.
pub type JsonMap = serde_json::Map<String, serde_json::Value>;

/// One partition's offset: `{"partition":{…},"offset":{…}|null}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorOffset {
    /// The source partition map, or `{"kafka_topic","kafka_partition"}` for sinks.
    pub partition: JsonMap,
    /// The offset map, or `{"kafka_offset"}` for sinks; `null` deletes it in a PATCH.
    pub offset: Option<JsonMap>,
}

/// `{"offsets":[…]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectorOffsets {
    /// One entry per partition.
    pub offsets: Vec<ConnectorOffset>,
}

/// `GET /`: `{"version","commit","kafka_cluster_id"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerInfo {
    /// Sluice's version.
    pub version: String,
    /// The git commit it was built from, or `unknown`.
    pub commit: String,
    /// The Kafka cluster id, when known.
    pub kafka_cluster_id: Option<String>,
}

/// What `PUT /connectors/{name}/config` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    /// True when the connector did not exist before (201), false when it was updated (200).
    pub created: bool,
    /// The connector as it now is.
    pub info: ConnectorInfo,
}

/// Why a herder request failed; each maps to one HTTP status (§1.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HerderError {
    /// 404: no such connector, task or plugin.
    #[error("{0}")]
    NotFound(String),
    /// 409: the connector exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// 400: the request or the config is invalid.
    #[error("{0}")]
    BadRequest(String),
    /// 409: a conflicting operation is under way.
    #[error("{0}")]
    Conflict(String),
    /// 403: the operation is disabled by the worker config.
    #[error("{0}")]
    Forbidden(String),
    /// 500: the worker failed to do it.
    #[error("{0}")]
    Internal(String),
}

impl HerderError {
    /// The HTTP status (and `error_code`) of this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::AlreadyExists(_) | Self::Conflict(_) => 409,
            Self::BadRequest(_) => 400,
            Self::Forbidden(_) => 403,
            Self::Internal(_) => 500,
        }
    }
}

/// A herder call's result.
pub type HerderResult<T> = Result<T, HerderError>;

/// A config change of `PATCH /connectors/{name}/config`: `None` removes the key.
pub type ConfigPatch = IndexMap<String, Option<String>>;

/// What the REST API asks of a worker (Kafka Connect's `Herder`). Connector names and task ids
/// the worker does not know give [`HerderError::NotFound`] with Kafka's wording.
#[async_trait]
pub trait Herder: Send + Sync + 'static {
    /// `GET /`.
    async fn server_info(&self) -> ServerInfo;

    /// True once the worker has started and can serve requests (`GET /health`).
    async fn is_ready(&self) -> bool;

    /// The connector names, sorted.
    async fn connectors(&self) -> Vec<String>;

    /// A connector's name, raw config, tasks and type.
    async fn connector_info(&self, name: &str) -> HerderResult<ConnectorInfo>;

    /// A connector's raw config.
    async fn connector_config(&self, name: &str) -> HerderResult<RawConfig>;

    /// A connector's status and its tasks' ("No status found for connector X" when unknown).
    async fn connector_status(&self, name: &str) -> HerderResult<ConnectorStateInfo>;

    /// Creates a connector, or replaces its config when `allow_replace`. The config holds
    /// `name`; it is validated first ([`HerderError::BadRequest`] listing the errors).
    /// `initial_state` applies only on creation.
    async fn put_connector_config(
        &self,
        name: &str,
        config: RawConfig,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created>;

    /// Merges `patch` into a connector's config, validates and applies it.
    async fn patch_connector_config(
        &self,
        name: &str,
        patch: ConfigPatch,
    ) -> HerderResult<ConnectorInfo>;

    /// Stops and deletes a connector.
    async fn delete_connector(&self, name: &str) -> HerderResult<()>;

    /// A connector's task configs.
    async fn task_configs(&self, name: &str) -> HerderResult<Vec<TaskInfo>>;

    /// One task's status ("No status found for task x-0" when unknown).
    async fn task_status(&self, name: &str, task: u32) -> HerderResult<TaskStatus>;

    /// Restarts a connector. With both flags false only the connector instance restarts and
    /// the answer is `None` (204); otherwise the answer is the status with every instance that
    /// will restart shown RESTARTING (202).
    async fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> HerderResult<Option<ConnectorStateInfo>>;

    /// Restarts one task.
    async fn restart_task(&self, name: &str, task: u32) -> HerderResult<()>;

    /// Sets the target state to PAUSED.
    async fn pause_connector(&self, name: &str) -> HerderResult<()>;

    /// Sets the target state to STARTED (also for a STOPPED connector).
    async fn resume_connector(&self, name: &str) -> HerderResult<()>;

    /// Removes the tasks and sets the target state to STOPPED.
    async fn stop_connector(&self, name: &str) -> HerderResult<()>;

    /// The topics a connector has used (KIP-558).
    async fn connector_topics(&self, name: &str) -> HerderResult<Vec<String>>;

    /// Forgets the topics a connector has used.
    async fn reset_connector_topics(&self, name: &str) -> HerderResult<()>;

    /// A connector's committed offsets.
    async fn connector_offsets(&self, name: &str) -> HerderResult<ConnectorOffsets>;

    /// Changes a STOPPED connector's offsets; the answer is the success message.
    async fn alter_connector_offsets(
        &self,
        name: &str,
        offsets: ConnectorOffsets,
    ) -> HerderResult<String>;

    /// Removes a STOPPED connector's offsets; the answer is the success message.
    async fn reset_connector_offsets(&self, name: &str) -> HerderResult<String>;

    /// The installed plugins: connectors only, or also converters, header converters,
    /// transformations and predicates.
    async fn connector_plugins(&self, connectors_only: bool) -> Vec<PluginInfo>;

    /// A plugin's config definition, by class name or alias.
    async fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>>;

    /// Validates a connector config (which names its `connector.class`).
    async fn validate_connector_config(&self, config: RawConfig) -> HerderResult<ConfigInfos>;
}
