//! [`StandaloneWorker`]: a whole standalone worker — actor tree, herder, REST API and metrics —
//! built from a parsed worker config, as `connect-standalone` assembles its parts.

use std::net::SocketAddr;
use std::sync::Arc;

use sluice_engine::config::{ConfigKeyInfo, RawConfig};
use sluice_engine::connector::ConnectorRegistry;
use sluice_engine::offsets::{
    FileOffsetBackingStore, MemoryOffsetBackingStore, OffsetBackingStore,
};
use sluice_engine::pipeline::{ActiveTopics, TaskEnvironment};
use sluice_engine::worker::{
    Plugins, WorkerConfig, validate_connector_config_with, validation_failure_message,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::{ConfigValidator, HerderOptions, StandaloneHerder};
use crate::herder::{
    ConfigInfos, Created, Herder, HerderError, HerderResult, PluginInfo, ServerInfo, State,
    TargetState,
};
use crate::logging::LogLevels;
use crate::rest::{MetricsRenderer, RestExtras, RestServer};
use crate::runtime::context::{RestartPolicy, WorkerContext};
use crate::runtime::state::WorkerState;

/// Why a worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum WorkerStartError {
    /// `offset.storage.file.filename` could not be opened.
    #[error("offset.storage.file.filename: {0}")]
    OffsetFile(String),
    /// The REST listener could not be bound.
    #[error("listeners: {0}")]
    Listener(String),
    /// The actor tree could not start.
    #[error("starting the worker: {0}")]
    Herder(String),
}

/// What a standalone worker is built from.
pub struct WorkerOptions {
    /// The parsed worker config (`bootstrap.servers=embedded` already replaced).
    pub config: WorkerConfig,
    /// The connectors it can run.
    pub connectors: ConnectorRegistry,
    /// The log levels `/admin/loggers` changes.
    pub log_levels: LogLevels,
    /// Renders the process's metrics for `GET /metrics`, when a recorder is installed.
    pub metrics: Option<MetricsRenderer>,
}

/// A running standalone worker.
pub struct StandaloneWorker {
    herder: Arc<StandaloneHerder>,
    rest_addr: SocketAddr,
    rest: JoinHandle<std::io::Result<()>>,
    stop_rest: oneshot::Sender<()>,
}

/// Validates configs and describes plugins with the engine's rules.
struct PluginValidator {
    plugins: Plugins,
    worker: WorkerConfig,
}

impl ConfigValidator for PluginValidator {
    fn validate(&self, config: &RawConfig) -> HerderResult<ConfigInfos> {
        let nullable = config
            .iter()
            .map(|(key, value)| (key.clone(), Some(value.clone())))
            .collect();
        validate_connector_config_with(
            &self.plugins,
            &nullable,
            self.worker.config_providers(),
            self.worker.raw(),
        )
        .map_err(|error| HerderError::BadRequest(error.to_string()))
    }

    fn failure_message(&self, infos: &ConfigInfos) -> String {
        validation_failure_message(infos)
    }

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        self.plugins.list(connectors_only)
    }

    fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>> {
        self.plugins
            .plugin_config(plugin)
            .map_err(|error| HerderError::NotFound(error.to_string()))
    }
}

/// The worker id: the advertised `host:port` of the REST listener.
fn worker_id(config: &WorkerConfig, bound: SocketAddr) -> String {
    let host = config
        .rest_advertised_host_name()
        .map(str::to_owned)
        .unwrap_or_else(|| match bound.ip() {
            ip if ip.is_unspecified() => "localhost".to_owned(),
            ip => ip.to_string(),
        });
    let port = config.rest_advertised_port().unwrap_or(bound.port());
    format!("{host}:{port}")
}

impl StandaloneWorker {
    /// Starts the worker: offset store, actor tree, REST API. It has no connectors yet; add
    /// them with [`StandaloneWorker::create_connector`], then call
    /// [`StandaloneWorker::ready`].
    pub async fn start(options: WorkerOptions) -> Result<Self, WorkerStartError> {
        let config = options.config;
        let offsets: Arc<dyn OffsetBackingStore> = match config.offset_storage_file() {
            Some(path) => Arc::new(
                FileOffsetBackingStore::open(path)
                    .map_err(|error| WorkerStartError::OffsetFile(error.to_string()))?,
            ),
            None => Arc::new(MemoryOffsetBackingStore::new()),
        };
        let listeners = config.listeners().join(",");
        let server = RestServer::bind(&listeners)
            .await
            .map_err(|error| WorkerStartError::Listener(format!("{listeners}: {error}")))?;
        let rest_addr = server
            .local_addr()
            .map_err(|error| WorkerStartError::Listener(error.to_string()))?;
        let plugins = Plugins::builtin(options.connectors);
        let state = Arc::new(WorkerState::new(worker_id(&config, rest_addr)));
        let context = Arc::new(WorkerContext {
            tasks: TaskEnvironment {
                worker: config.raw().clone(),
                offset_flush_interval: config.offset_flush_interval(),
                offset_flush_timeout: config.offset_flush_timeout(),
                converters: plugins.converters.clone(),
                transforms: plugins.transforms.clone(),
                predicates: plugins.predicates.clone(),
                offsets,
                active_topics: ActiveTopics::default(),
            },
            connectors: plugins.connectors.clone(),
            providers: config.config_providers().clone(),
            restart: RestartPolicy {
                max_attempts: config.task_restart_max_attempts(),
                initial_backoff: config.task_restart_backoff_initial(),
                max_backoff: config.task_restart_backoff_max(),
            },
            shutdown_timeout: config.task_shutdown_graceful_timeout(),
            state: Arc::clone(&state),
        });
        let herder_options = HerderOptions {
            topic_tracking: config.topic_tracking_enable(),
            topic_tracking_reset: config.topic_tracking_allow_reset(),
        };
        let admin_enabled = config
            .admin_listeners()
            .is_none_or(|admin| !admin.is_empty());
        let validator = Arc::new(PluginValidator {
            plugins,
            worker: config,
        });
        let info = ServerInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            commit: option_env!("SLUICE_GIT_COMMIT")
                .unwrap_or("unknown")
                .to_owned(),
            kafka_cluster_id: None,
        };
        let herder = Arc::new(
            StandaloneHerder::start(context, validator, info, herder_options)
                .await
                .map_err(|error| WorkerStartError::Herder(error.to_string()))?,
        );
        let mut extras = RestExtras::new(options.log_levels);
        extras.admin_enabled = admin_enabled;
        if let Some(render) = options.metrics {
            let state = Arc::clone(&state);
            extras = extras.with_metrics(Arc::new(move || {
                record_worker_metrics(&state);
                render()
            }));
        }
        let (stop_rest, stopped) = oneshot::channel::<()>();
        let served: Arc<dyn Herder> = herder.clone();
        let rest = tokio::spawn(server.serve_with_shutdown(served, extras, async move {
            let _ = stopped.await;
        }));
        tracing::info!(rest = %rest_addr, worker_id = %state.worker_id(), "standalone worker started");
        Ok(Self {
            herder,
            rest_addr,
            rest,
            stop_rest,
        })
    }

    /// Creates a connector from its config (which holds `name`), create-only as
    /// `connect-standalone` does for the connectors on its command line.
    pub async fn create_connector(
        &self,
        config: RawConfig,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created> {
        let name = config
            .get("name")
            .filter(|name| !name.trim().is_empty())
            .cloned()
            .ok_or_else(|| HerderError::BadRequest("Connector config has no name".to_owned()))?;
        self.herder
            .put_connector_config(&name, config, false, initial_state)
            .await
    }

    /// Marks the worker ready: `GET /health` answers healthy.
    pub fn ready(&self) {
        self.herder.ready();
    }

    /// The herder, for status and control.
    pub fn herder(&self) -> &Arc<StandaloneHerder> {
        &self.herder
    }

    /// The address the REST API listens on.
    pub fn rest_addr(&self) -> SocketAddr {
        self.rest_addr
    }

    /// Stops every task gracefully (flushing and committing what was acknowledged), then the
    /// REST API.
    pub async fn stop(self) {
        self.herder.shutdown().await;
        let _ = self.stop_rest.send(());
        let _ = self.rest.await;
    }
}

/// `connect-worker-metrics`: connector and task counts, and task counts by state.
fn record_worker_metrics(state: &WorkerState) {
    let names = state.names();
    metrics::gauge!("kafka_connect_connect_worker_metrics_connector_count").set(names.len() as f64);
    let counts = state.task_counts();
    let total: usize = counts.values().sum();
    metrics::gauge!("kafka_connect_connect_worker_metrics_task_count").set(total as f64);
    let by_state = [
        (State::Running, "running"),
        (State::Paused, "paused"),
        (State::Failed, "failed"),
        (State::Unassigned, "unassigned"),
        (State::Restarting, "restarting"),
    ];
    for name in names {
        let count = |wanted: State| {
            counts
                .get(&(name.clone(), wanted))
                .copied()
                .unwrap_or_default() as f64
        };
        let connector_total: f64 = by_state.iter().map(|(s, _)| count(*s)).sum();
        metrics::gauge!("kafka_connect_connect_worker_metrics_connector_total_task_count", "connector" => name.clone())
            .set(connector_total);
        for (wanted, label) in by_state {
            metrics::gauge!(
                format!("kafka_connect_connect_worker_metrics_connector_{label}_task_count"),
                "connector" => name.clone()
            )
            .set(count(wanted));
        }
        if let Some(status) = state.status(&name) {
            for (candidate, label) in [
                (State::Running, "running"),
                (State::Paused, "paused"),
                (State::Stopped, "stopped"),
                (State::Failed, "failed"),
                (State::Unassigned, "unassigned"),
                (State::Restarting, "restarting"),
            ] {
                let value = if status.connector.state == candidate {
                    1.0
                } else {
                    0.0
                };
                metrics::gauge!(
                    "kafka_connect_connector_metrics_status",
                    "connector" => name.clone(),
                    "status" => label
                )
                .set(value);
            }
        }
    }
}
