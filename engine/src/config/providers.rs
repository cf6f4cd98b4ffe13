//! Config providers: resolving `${provider:path:key}` placeholders, as Kafka's
//! `ConfigTransformer` does with `EnvVarConfigProvider`, `FileConfigProvider` and
//! `DirectoryConfigProvider`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use indexmap::IndexMap;
use regex::Regex;

use super::RawConfig;
use super::error::ConfigError;
use super::files::load_properties;

/// A provider could not supply values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// Reading the provider's source failed.
    #[error("config provider `{provider}` cannot read `{path}`: {reason}")]
    Read {
        /// Provider name.
        provider: String,
        /// The path asked for.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// A source of config values: Kafka's `ConfigProvider`.
pub trait ConfigProvider: Send + Sync {
    /// The values of `keys` under `path`; keys it does not have are left out.
    fn get(&self, path: &str, keys: &[&str]) -> Result<HashMap<String, String>, ProviderError>;
}

/// `org.apache.kafka.common.config.provider.EnvVarConfigProvider`: `${env:VAR}`.
#[derive(Debug, Default, Clone)]
pub struct EnvVarConfigProvider;

impl ConfigProvider for EnvVarConfigProvider {
    fn get(&self, _path: &str, keys: &[&str]) -> Result<HashMap<String, String>, ProviderError> {
        Ok(keys
            .iter()
            .filter_map(|key| Some(((*key).to_owned(), std::env::var(key).ok()?)))
            .collect())
    }
}

/// `org.apache.kafka.common.config.provider.FileConfigProvider`: `${file:path:key}` reads `key`
/// from the `.properties` file at `path`.
#[derive(Debug, Default, Clone)]
pub struct FileConfigProvider;

impl ConfigProvider for FileConfigProvider {
    fn get(&self, path: &str, keys: &[&str]) -> Result<HashMap<String, String>, ProviderError> {
        let properties = load_properties(Path::new(path)).map_err(|error| ProviderError::Read {
            provider: "file".to_owned(),
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
        Ok(keys
            .iter()
            .filter_map(|key| Some(((*key).to_owned(), properties.get(*key)?.clone())))
            .collect())
    }
}

/// `org.apache.kafka.common.config.provider.DirectoryConfigProvider`: `${directory:dir:file}`
/// is the content of the regular file `file` directly inside `dir`.
#[derive(Debug, Default, Clone)]
pub struct DirectoryConfigProvider;

impl ConfigProvider for DirectoryConfigProvider {
    fn get(&self, path: &str, keys: &[&str]) -> Result<HashMap<String, String>, ProviderError> {
        let dir = Path::new(path);
        let mut values = HashMap::new();
        for key in keys {
            // Only plain file names: a key may not climb out of the directory.
            if key.contains(['/', '\\']) || *key == ".." {
                continue;
            }
            let file = dir.join(key);
            if !file.is_file() {
                continue;
            }
            let content = std::fs::read_to_string(&file).map_err(|error| ProviderError::Read {
                provider: "directory".to_owned(),
                path: file.display().to_string(),
                reason: error.to_string(),
            })?;
            values.insert((*key).to_owned(), content);
        }
        Ok(values)
    }
}

/// Kafka's placeholder pattern: `${provider:[path:]key}`.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}").expect("the placeholder pattern is valid")
});

/// The config providers a worker has enabled, by name.
#[derive(Clone, Default)]
pub struct ConfigProviders {
    providers: IndexMap<String, Arc<dyn ConfigProvider>>,
}

impl ConfigProviders {
    /// No providers: placeholders stay as written.
    pub fn none() -> Self {
        Self::default()
    }

    /// The three built-in providers under their usual names `env`, `file` and `directory`.
    pub fn builtin() -> Self {
        Self::none()
            .with("env", Arc::new(EnvVarConfigProvider))
            .with("file", Arc::new(FileConfigProvider))
            .with("directory", Arc::new(DirectoryConfigProvider))
    }

    /// Adds a provider under `name`.
    pub fn with(mut self, name: impl Into<String>, provider: Arc<dyn ConfigProvider>) -> Self {
        self.providers.insert(name.into(), provider);
        self
    }

    /// The providers a worker config enables: `config.providers=a,b` with
    /// `config.providers.a.class=<Kafka class name>` for each.
    pub fn from_worker_config(worker: &RawConfig) -> Result<Self, ConfigError> {
        let mut providers = Self::none();
        let names = worker
            .get("config.providers")
            .map(String::as_str)
            .unwrap_or("");
        for name in super::types::split_list(names) {
            let key = format!("config.providers.{name}.class");
            let class = worker
                .get(&key)
                .ok_or_else(|| ConfigError::Missing { key: key.clone() })?;
            let provider: Arc<dyn ConfigProvider> = match class.trim() {
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
                | "EnvVarConfigProvider" => Arc::new(EnvVarConfigProvider),
                "org.apache.kafka.common.config.provider.FileConfigProvider"
                | "FileConfigProvider" => Arc::new(FileConfigProvider),
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
                | "DirectoryConfigProvider" => Arc::new(DirectoryConfigProvider),
                other => {
                    return Err(ConfigError::invalid(
                        key,
                        other,
                        "unknown config provider class",
                    ));
                }
            };
            providers = providers.with(name, provider);
        }
        Ok(providers)
    }

    /// Replaces every placeholder whose provider is known and has the key; others stay as
    /// written, as Kafka leaves them.
    pub fn resolve(&self, raw: &RawConfig) -> Result<RawConfig, ConfigError> {
        raw.iter()
            .map(|(key, value)| Ok((key.clone(), self.resolve_value(key, value)?)))
            .collect()
    }

    /// Resolves the placeholders of one value; errors name `key`.
    pub(crate) fn resolve_value(&self, key: &str, value: &str) -> Result<String, ConfigError> {
        let mut resolved = String::with_capacity(value.len());
        let mut last = 0;
        for captures in PLACEHOLDER.captures_iter(value) {
            let whole = captures.get(0).expect("group 0 is the whole match");
            let provider_name = captures.get(1).map_or("", |m| m.as_str());
            let path = captures.get(2).map_or("", |m| m.as_str());
            let wanted = captures.get(3).map_or("", |m| m.as_str());
            resolved.push_str(&value[last..whole.start()]);
            last = whole.end();
            let Some(provider) = self.providers.get(provider_name) else {
                resolved.push_str(whole.as_str());
                continue;
            };
            let found = provider
                .get(path, &[wanted])
                .map_err(|error| ConfigError::invalid(key, value, error.to_string()))?;
            resolved.push_str(found.get(wanted).map_or(whole.as_str(), String::as_str));
        }
        resolved.push_str(&value[last..]);
        Ok(resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    #[test]
    fn file_and_directory_placeholders_resolve() {
        let dir = tempfile::tempdir().expect("temp dir");
        let secrets = dir.path().join("secrets.properties");
        std::fs::write(&secrets, "db.password=hunter2\n").expect("write secrets");
        std::fs::write(dir.path().join("token"), "abc123").expect("write token");
        let config = raw(&[
            (
                "password",
                &format!("${{file:{}:db.password}}", secrets.display()),
            ),
            (
                "token",
                &format!("Bearer ${{directory:{}:token}}", dir.path().display()),
            ),
            ("absent", &format!("${{file:{}:nope}}", secrets.display())),
            ("unknown", "${vault:secret/x:y}"),
        ]);
        let resolved = ConfigProviders::builtin()
            .resolve(&config)
            .expect("resolvable");
        assert_eq!(resolved["password"], "hunter2");
        assert_eq!(resolved["token"], "Bearer abc123");
        assert_eq!(resolved["absent"], config["absent"]);
        assert_eq!(resolved["unknown"], "${vault:secret/x:y}");
    }

    #[test]
    fn env_placeholder_reads_the_environment() {
        let path = std::env::var("PATH").expect("PATH is set in tests");
        let resolved = ConfigProviders::builtin()
            .resolve(&raw(&[("p", "${env:PATH}")]))
            .expect("resolvable");
        assert_eq!(resolved["p"], path);
    }

    #[test]
    fn unreadable_file_names_the_key() {
        let error = ConfigProviders::builtin()
            .resolve(&raw(&[("password", "${file:/nonexistent/x.properties:k}")]))
            .expect_err("file is missing");
        assert_eq!(error.key(), Some("password"));
    }

    #[test]
    fn worker_config_enables_providers_by_class() {
        let worker = raw(&[
            ("config.providers", "env"),
            (
                "config.providers.env.class",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            ),
        ]);
        let providers = ConfigProviders::from_worker_config(&worker).expect("valid worker config");
        let resolved = providers
            .resolve(&raw(&[("f", "${file:/x:y}")]))
            .expect("file provider not enabled");
        assert_eq!(resolved["f"], "${file:/x:y}");
        let bad = raw(&[
            ("config.providers", "x"),
            ("config.providers.x.class", "com.Nope"),
        ]);
        assert!(ConfigProviders::from_worker_config(&bad).is_err());
    }
}
