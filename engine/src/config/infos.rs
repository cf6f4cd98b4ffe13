//! What the REST API reports about configs and plugins: `ConfigInfos` (the answer of
//! `config/validate`) and `PluginInfo` (the entries of `GET /connector-plugins`).

use serde::Serialize;

use super::{ConfigKeyInfo, ConfigValueInfo};

/// One key of a validation answer: `{"definition":ConfigKeyInfo|null,"value":ConfigValueInfo}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigInfo {
    /// The key's definition, when one matches.
    pub definition: Option<ConfigKeyInfo>,
    /// The value and its errors.
    pub value: ConfigValueInfo,
}

/// `ConfigInfos`: the answer of `config/validate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigInfos {
    /// The `connector.class` value.
    pub name: String,
    /// How many values have errors.
    pub error_count: usize,
    /// The groups of the keys, in order.
    pub groups: Vec<String>,
    /// One entry per key.
    pub configs: Vec<ConfigInfo>,
}

/// A plugin a worker has: `{"class","type","version"?}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PluginInfo {
    /// Its class name.
    #[serde(rename = "class")]
    pub class_name: String,
    /// `source`, `sink`, `converter`, `header_converter`, `transformation` or `predicate`.
    #[serde(rename = "type")]
    pub plugin_type: String,
    /// Its version; left out when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}
