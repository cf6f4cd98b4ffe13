//! The config side of a worker: what the runtime needs to start connectors and what the REST
//! API reports about configs and plugins.
//!
//! - [`WorkerConfig`]: the worker properties (Kafka Connect's `WorkerConfig`, standalone and
//!   distributed), plus Sluice's task restart keys.
//! - [`connector_config`]: the framework's connector keys (`ConnectorConfig`,
//!   `SinkConnectorConfig`, `SourceConnectorConfig`) and their enrichment with the keys of the
//!   configured transforms, predicates and topic creation groups.
//! - [`validate_connector_config`]: `PUT /connector-plugins/{type}/config/validate`, also run
//!   before a connector is created or updated.
//! - [`Plugins`]: the connectors, converters, transforms and predicates a worker has, for
//!   `GET /connector-plugins` and `GET /connector-plugins/{plugin}/config`.

pub mod connector_config;
mod plugins;
mod validate;
mod worker_config;
mod worker_keys;

pub use plugins::{PluginConfigError, Plugins};
pub use validate::{
    NullableConfig, ValidationError, validate_connector_config, validate_connector_config_with,
    validation_failure_message,
};
pub use worker_config::{WorkerConfig, WorkerMode};
pub use worker_keys::{
    common_config_def, distributed_config_def, sluice_config_def, standalone_config_def,
};
