//! [`WorkerConfig`]: the worker properties file (Kafka Connect's `WorkerConfig`,
//! `StandaloneConfig` and `DistributedConfig`, §2 of the reference) plus Sluice's task restart
//! keys.

use std::path::Path;
use std::time::Duration;

use crate::config::{Config, ConfigDef, ConfigError, ConfigProviders, ConfigValue, RawConfig};
use crate::kafka::OverridePolicy;

use super::worker_keys::{
    PLUGIN_PATH, common_config_def, distributed_config_def, sluice_config_def,
    standalone_config_def,
};

/// Keys Kafka removed in 3.0; a worker that still sets them gets a warning and JSON.
const REMOVED_INTERNAL_CONVERTERS: [&str; 2] =
    ["internal.key.converter", "internal.value.converter"];

/// How a worker runs: alone, or in a Connect cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerMode {
    /// `connect-standalone`: configs in memory, offsets in a local file.
    Standalone,
    /// `connect-distributed`: configs, offsets and statuses in Kafka topics.
    Distributed,
}

/// A parsed worker config: Kafka Connect's `StandaloneConfig`/`DistributedConfig`, with
/// config-provider placeholders resolved. Unknown keys are kept (they reach task clients).
#[derive(Clone)]
pub struct WorkerConfig {
    mode: WorkerMode,
    config: Config,
    resolved: RawConfig,
    providers: ConfigProviders,
}

impl std::fmt::Debug for WorkerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerConfig")
            .field("mode", &self.mode)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl WorkerConfig {
    /// Parses a standalone worker's properties (common, standalone and Sluice keys).
    pub fn standalone(raw: RawConfig) -> Result<Self, ConfigError> {
        let def = common_config_def()
            .embed("", None, &standalone_config_def())
            .embed("", None, &sluice_config_def());
        Self::parse(WorkerMode::Standalone, &def, raw)
    }

    /// Parses a distributed worker's properties (common, distributed and Sluice keys).
    pub fn distributed(raw: RawConfig) -> Result<Self, ConfigError> {
        let def = common_config_def()
            .embed("", None, &distributed_config_def())
            .embed("", None, &sluice_config_def());
        Self::parse(WorkerMode::Distributed, &def, raw)
    }

    fn parse(mode: WorkerMode, def: &ConfigDef, raw: RawConfig) -> Result<Self, ConfigError> {
        let providers = ConfigProviders::from_worker_config(&raw)?;
        let mut resolved = RawConfig::with_capacity(raw.len());
        for (key, value) in raw {
            if REMOVED_INTERNAL_CONVERTERS
                .iter()
                .any(|removed| key == *removed || key.starts_with(&format!("{removed}.")))
            {
                tracing::warn!(
                    key = %key,
                    "the worker config key {key} was removed in Kafka 3.0 and is ignored; internal data is always JSON without schemas"
                );
                continue;
            }
            let value = if key == PLUGIN_PATH {
                value
            } else {
                providers.resolve_value(&key, &value)?
            };
            resolved.insert(key, value);
        }
        let config = def.parse(&resolved)?;
        Ok(Self {
            mode,
            config,
            resolved,
            providers,
        })
    }

    /// Standalone or distributed.
    pub fn mode(&self) -> WorkerMode {
        self.mode
    }

    /// Every key as given, with placeholders resolved (except `plugin.path`) and the removed
    /// `internal.*.converter` keys left out: the `worker` map task clients are built from
    /// ([`crate::kafka::task_client_config`]).
    pub fn raw(&self) -> &RawConfig {
        &self.resolved
    }

    /// The parsed values of the declared keys, for keys without a dedicated accessor.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The config providers of `config.providers`, which resolve connector configs too.
    pub fn config_providers(&self) -> &ConfigProviders {
        &self.providers
    }

    /// `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> &[String] {
        self.config.list("bootstrap.servers")
    }

    /// `key.converter`: the class name or alias.
    pub fn key_converter(&self) -> &str {
        self.config.string("key.converter").unwrap_or_default()
    }

    /// The `key.converter.` settings, prefix removed.
    pub fn key_converter_settings(&self) -> RawConfig {
        self.config.originals_with_prefix("key.converter.")
    }

    /// `value.converter`: the class name or alias.
    pub fn value_converter(&self) -> &str {
        self.config.string("value.converter").unwrap_or_default()
    }

    /// The `value.converter.` settings, prefix removed.
    pub fn value_converter_settings(&self) -> RawConfig {
        self.config.originals_with_prefix("value.converter.")
    }

    /// `header.converter`: the class name or alias.
    pub fn header_converter(&self) -> &str {
        self.config.string("header.converter").unwrap_or_default()
    }

    /// The `header.converter.` settings, prefix removed.
    pub fn header_converter_settings(&self) -> RawConfig {
        self.config.originals_with_prefix("header.converter.")
    }

    fn millis(&self, key: &str) -> Duration {
        Duration::from_millis(self.config.long(key).unwrap_or(0).max(0) as u64)
    }

    /// `offset.flush.interval.ms`.
    pub fn offset_flush_interval(&self) -> Duration {
        self.millis("offset.flush.interval.ms")
    }

    /// `offset.flush.timeout.ms`.
    pub fn offset_flush_timeout(&self) -> Duration {
        self.millis("offset.flush.timeout.ms")
    }

    /// `task.shutdown.graceful.timeout.ms`: the total time to wait for tasks to stop.
    pub fn task_shutdown_graceful_timeout(&self) -> Duration {
        self.millis("task.shutdown.graceful.timeout.ms")
    }

    /// `listeners`: at least one URL.
    pub fn listeners(&self) -> &[String] {
        self.config.list("listeners")
    }

    /// `rest.advertised.host.name`.
    pub fn rest_advertised_host_name(&self) -> Option<&str> {
        self.config.string("rest.advertised.host.name")
    }

    /// `rest.advertised.port`.
    pub fn rest_advertised_port(&self) -> Option<u16> {
        self.config
            .int("rest.advertised.port")
            .and_then(|port| u16::try_from(port).ok())
    }

    /// `rest.advertised.listener`: `http` or `https`.
    pub fn rest_advertised_listener(&self) -> Option<&str> {
        self.config.string("rest.advertised.listener")
    }

    /// `admin.listeners`: `None` serves the admin API on the regular listeners; an empty list
    /// disables it.
    pub fn admin_listeners(&self) -> Option<&[String]> {
        match self.config.get("admin.listeners") {
            Some(ConfigValue::List(items)) => Some(items),
            _ => None,
        }
    }

    /// `topic.tracking.enable`.
    pub fn topic_tracking_enable(&self) -> bool {
        self.config.boolean("topic.tracking.enable").unwrap_or(true)
    }

    /// `topic.tracking.allow.reset`.
    pub fn topic_tracking_allow_reset(&self) -> bool {
        self.config
            .boolean("topic.tracking.allow.reset")
            .unwrap_or(true)
    }

    /// `topic.creation.enable`.
    pub fn topic_creation_enable(&self) -> bool {
        self.config.boolean("topic.creation.enable").unwrap_or(true)
    }

    /// `connector.client.config.override.policy`.
    pub fn override_policy(&self) -> OverridePolicy {
        self.config
            .string(OverridePolicy::KEY)
            .and_then(OverridePolicy::from_name)
            .unwrap_or_default()
    }

    /// `offset.storage.file.filename`; `None` for a distributed worker.
    pub fn offset_storage_file(&self) -> Option<&Path> {
        self.config
            .string("offset.storage.file.filename")
            .map(Path::new)
    }

    /// `group.id`; `None` for a standalone worker.
    pub fn group_id(&self) -> Option<&str> {
        self.config.string("group.id")
    }

    /// `task.restart.max.attempts`: restarts of a failed task before it stays FAILED.
    pub fn task_restart_max_attempts(&self) -> u32 {
        self.config
            .int("task.restart.max.attempts")
            .map_or(0, |n| n.max(0) as u32)
    }

    /// `task.restart.backoff.initial.ms`.
    pub fn task_restart_backoff_initial(&self) -> Duration {
        self.millis("task.restart.backoff.initial.ms")
    }

    /// `task.restart.backoff.max.ms`.
    pub fn task_restart_backoff_max(&self) -> Duration {
        self.millis("task.restart.backoff.max.ms")
    }
}

#[cfg(test)]
#[path = "worker_config_tests.rs"]
mod tests;
