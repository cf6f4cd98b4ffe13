//! Configuration: raw key/value maps, their typed definitions ([`ConfigDef`]) and the config
//! providers that resolve `${provider:path:key}` placeholders.

mod def;
mod error;
mod files;
mod infos;
mod providers;
#[cfg(test)]
pub(crate) mod test_support;
mod types;
mod validators;

pub use def::{
    Config, ConfigDef, ConfigKey, ConfigKeyInfo, ConfigValueInfo, DefaultValue, Importance, Width,
};
pub use error::ConfigError;
pub use files::{load_connector_config, load_properties, parse_connector_json, parse_properties};
pub use infos::{ConfigInfo, ConfigInfos, PluginInfo};
pub use providers::{
    ConfigProvider, ConfigProviders, DirectoryConfigProvider, EnvVarConfigProvider,
    FileConfigProvider, ProviderError,
};
pub use types::{ConfigType, ConfigValue};
pub use validators::Validator;

/// A configuration as the user wrote it: keys and string values, in the order given.
pub type RawConfig = indexmap::IndexMap<String, String>;
