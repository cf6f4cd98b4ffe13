//! An in-memory [`Herder`] that backs the HTTP tests: connectors are a map of configs, every
//! connector has one RUNNING task, and a few names behave specially.
//!
//! - `slow`: every call on it hangs (request timeouts).
//! - `ghost`: listed, but gone when looked up (connectors vanishing mid-listing).
//! - `untracked`: topic tracking disabled (403).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use sluice_actors::herder::*;
use sluice_engine::config::{ConfigKeyInfo, ConfigValueInfo, Importance, RawConfig, Width};

pub const WORKER: &str = "127.0.0.1:8083";

#[derive(Default)]
pub struct FakeHerder {
    pub connectors: Mutex<BTreeMap<String, RawConfig>>,
    pub initial_states: Mutex<BTreeMap<String, Option<TargetState>>>,
    pub altered_offsets: Mutex<Option<ConnectorOffsets>>,
    pub validated: Mutex<Option<RawConfig>>,
    pub ready: AtomicBool,
    pub hang_readiness: AtomicBool,
    pub ghost: AtomicBool,
}

impl FakeHerder {
    /// A ready herder with connector `file-source` (config `{"name","connector.class"}`).
    pub fn with_one_connector() -> Self {
        let herder = Self::default();
        herder.ready.store(true, Ordering::SeqCst);
        herder.connectors.lock().unwrap().insert(
            "file-source".into(),
            raw(&[
                ("connector.class", "FileStreamSource"),
                ("name", "file-source"),
            ]),
        );
        herder
    }

    async fn known(&self, name: &str) -> HerderResult<RawConfig> {
        if name == "slow" {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        self.connectors
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .ok_or_else(|| HerderError::NotFound(format!("Connector {name} not found")))
    }

    fn info(name: &str, config: RawConfig) -> ConnectorInfo {
        ConnectorInfo {
            name: name.into(),
            config,
            tasks: vec![TaskId {
                connector: name.into(),
                task: 0,
            }],
            connector_type: "source".into(),
        }
    }

    fn state_info(name: &str, state: State) -> ConnectorStateInfo {
        ConnectorStateInfo {
            name: name.into(),
            connector: ConnectorStatus {
                state,
                worker_id: WORKER.into(),
                trace: None,
            },
            tasks: vec![TaskStatus {
                id: 0,
                state,
                worker_id: WORKER.into(),
                trace: None,
            }],
            connector_type: "source".into(),
        }
    }
}

pub fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

pub fn key_info(name: &str) -> ConfigKeyInfo {
    ConfigKeyInfo {
        name: name.into(),
        ty: "STRING",
        required: true,
        default_value: None,
        importance: Importance::High,
        documentation: "The file.".into(),
        group: None,
        order: -1,
        width: Width::None,
        display_name: name.into(),
        dependents: vec![],
    }
}

#[async_trait]
impl Herder for FakeHerder {
    async fn server_info(&self) -> ServerInfo {
        ServerInfo {
            version: "0.1.0".into(),
            commit: "abc123".into(),
            kafka_cluster_id: Some("cluster-1".into()),
        }
    }

    async fn is_ready(&self) -> bool {
        if self.hang_readiness.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        self.ready.load(Ordering::SeqCst)
    }

    async fn connectors(&self) -> Vec<String> {
        let mut names: Vec<String> = self.connectors.lock().unwrap().keys().cloned().collect();
        if self.ghost.load(Ordering::SeqCst) {
            names.push("ghost".into());
            names.sort();
        }
        names
    }

    async fn connector_info(&self, name: &str) -> HerderResult<ConnectorInfo> {
        Ok(Self::info(name, self.known(name).await?))
    }

    async fn connector_config(&self, name: &str) -> HerderResult<RawConfig> {
        self.known(name).await
    }

    async fn connector_status(&self, name: &str) -> HerderResult<ConnectorStateInfo> {
        self.known(name)
            .await
            .map_err(|_| HerderError::NotFound(format!("No status found for connector {name}")))?;
        Ok(Self::state_info(name, State::Running))
    }

    async fn put_connector_config(
        &self,
        name: &str,
        config: RawConfig,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created> {
        if config.get("connector.class").map(String::as_str) == Some("Nope") {
            return Err(HerderError::BadRequest(
                "Connector configuration is invalid and contains the following 1 error(s):\nInvalid value Nope for configuration connector.class".into(),
            ));
        }
        let mut connectors = self.connectors.lock().unwrap();
        let exists = connectors.contains_key(name);
        if exists && !allow_replace {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        connectors.insert(name.into(), config.clone());
        self.initial_states
            .lock()
            .unwrap()
            .insert(name.into(), initial_state);
        Ok(Created {
            created: !exists,
            info: Self::info(name, config),
        })
    }

    async fn patch_connector_config(
        &self,
        name: &str,
        patch: ConfigPatch,
    ) -> HerderResult<ConnectorInfo> {
        let mut config = self.known(name).await?;
        for (key, value) in patch {
            match value {
                Some(value) => config.insert(key, value),
                None => config.shift_remove(&key),
            };
        }
        self.connectors
            .lock()
            .unwrap()
            .insert(name.into(), config.clone());
        Ok(Self::info(name, config))
    }

    async fn delete_connector(&self, name: &str) -> HerderResult<()> {
        self.known(name).await?;
        self.connectors.lock().unwrap().remove(name);
        Ok(())
    }

    async fn task_configs(&self, name: &str) -> HerderResult<Vec<TaskInfo>> {
        self.known(name).await?;
        Ok(vec![TaskInfo {
            id: TaskId {
                connector: name.into(),
                task: 0,
            },
            config: raw(&[("task.class", "FileStreamSourceTask"), ("file", "/tmp/in")]),
        }])
    }

    async fn task_status(&self, name: &str, task: u32) -> HerderResult<TaskStatus> {
        if task != 0 || self.known(name).await.is_err() {
            return Err(HerderError::NotFound(format!(
                "No status found for task {name}-{task}"
            )));
        }
        Ok(TaskStatus {
            id: 0,
            state: State::Failed,
            worker_id: WORKER.into(),
            trace: Some("java.lang.RuntimeException: boom".into()),
        })
    }

    async fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> HerderResult<Option<ConnectorStateInfo>> {
        self.known(name).await?;
        Ok((include_tasks || only_failed).then(|| Self::state_info(name, State::Restarting)))
    }

    async fn restart_task(&self, name: &str, task: u32) -> HerderResult<()> {
        self.known(name).await?;
        if task != 0 {
            return Err(HerderError::NotFound(format!(
                "Task {name}-{task} not found"
            )));
        }
        Ok(())
    }

    async fn pause_connector(&self, name: &str) -> HerderResult<()> {
        self.known(name).await.map(drop)
    }

    async fn resume_connector(&self, name: &str) -> HerderResult<()> {
        self.known(name).await.map(drop)
    }

    async fn stop_connector(&self, name: &str) -> HerderResult<()> {
        self.known(name).await.map(drop)
    }

    async fn connector_topics(&self, name: &str) -> HerderResult<Vec<String>> {
        if name == "untracked" {
            return Err(HerderError::Forbidden("Topic tracking is disabled.".into()));
        }
        self.known(name).await?;
        Ok(vec!["t1".into(), "t2".into()])
    }

    async fn reset_connector_topics(&self, name: &str) -> HerderResult<()> {
        if name == "untracked" {
            return Err(HerderError::Forbidden("Topic tracking is disabled.".into()));
        }
        self.known(name).await.map(drop)
    }

    async fn connector_offsets(&self, name: &str) -> HerderResult<ConnectorOffsets> {
        self.known(name).await?;
        let offsets = serde_json::json!({"offsets": [
            {"partition": {"filename": "/tmp/in"}, "offset": {"position": 42}}
        ]});
        Ok(serde_json::from_value(offsets).unwrap())
    }

    async fn alter_connector_offsets(
        &self,
        name: &str,
        offsets: ConnectorOffsets,
    ) -> HerderResult<String> {
        self.known(name).await?;
        *self.altered_offsets.lock().unwrap() = Some(offsets);
        Ok("The offsets for this connector have been altered successfully".into())
    }

    async fn reset_connector_offsets(&self, name: &str) -> HerderResult<String> {
        self.known(name).await?;
        Ok("The offsets for this connector have been reset successfully".into())
    }

    async fn connector_plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        let mut plugins = vec![PluginInfo {
            class_name: "org.apache.kafka.connect.file.FileStreamSinkConnector".into(),
            plugin_type: "sink".into(),
            version: Some("4.0.0".into()),
        }];
        if !connectors_only {
            plugins.push(PluginInfo {
                class_name: "org.apache.kafka.connect.json.JsonConverter".into(),
                plugin_type: "converter".into(),
                version: None,
            });
        }
        plugins
    }

    async fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>> {
        if plugin != "FileStreamSink" {
            return Err(HerderError::NotFound(format!("Unknown plugin {plugin}.")));
        }
        Ok(vec![key_info("file")])
    }

    async fn validate_connector_config(&self, config: RawConfig) -> HerderResult<ConfigInfos> {
        let class = config.get("connector.class").cloned().unwrap_or_default();
        *self.validated.lock().unwrap() = Some(config);
        Ok(ConfigInfos {
            name: class,
            error_count: 1,
            groups: vec!["Common".into()],
            configs: vec![ConfigInfo {
                definition: Some(key_info("file")),
                value: ConfigValueInfo {
                    name: "file".into(),
                    value: None,
                    recommended_values: vec![],
                    errors: vec![
                        "Missing required configuration \"file\" which has no default value."
                            .into(),
                    ],
                    visible: true,
                },
            }],
        })
    }
}
