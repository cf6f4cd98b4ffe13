//! The predicates Sluice knows, by Kafka class name and alias.

use crate::config::{ConfigDef, ConfigError, RawConfig};

use super::{Predicate, has_header_key, record_is_tombstone, topic_name_matches};

/// One registry row: a predicate module's `CLASS`, `config_def` and `build`.
macro_rules! plugin {
    ($module:ident) => {
        PredicatePlugin {
            class_name: $module::CLASS,
            config_def: $module::config_def,
            build: $module::build,
        }
    };
}

/// Builds a predicate from its own settings (the `predicates.<alias>.` prefix removed).
pub type PredicateFactory = fn(&RawConfig) -> Result<Box<dyn Predicate>, ConfigError>;

/// A predicate a config can name.
#[derive(Clone)]
pub struct PredicatePlugin {
    /// Kafka's class name, e.g. `org.apache.kafka.connect.transforms.predicates.HasHeaderKey`.
    pub class_name: &'static str,
    /// The predicate's keys.
    pub config_def: fn() -> ConfigDef,
    /// Builds a configured instance.
    pub build: PredicateFactory,
}

impl PredicatePlugin {
    /// The simple class name, Kafka's alias (e.g. `HasHeaderKey`).
    pub fn alias(&self) -> &'static str {
        self.class_name
            .rsplit('.')
            .next()
            .unwrap_or(self.class_name)
    }
}

/// Every predicate a config can name: the built-in ones plus any registered.
#[derive(Clone)]
pub struct PredicateRegistry {
    plugins: Vec<PredicatePlugin>,
}

impl PredicateRegistry {
    /// The built-in predicates.
    pub fn builtin() -> Self {
        Self {
            plugins: vec![
                plugin!(has_header_key),
                plugin!(record_is_tombstone),
                plugin!(topic_name_matches),
            ],
        }
    }

    /// Every known plugin, in registration order.
    pub fn plugins(&self) -> &[PredicatePlugin] {
        &self.plugins
    }

    /// Adds a predicate; a later registration of the same class name wins.
    pub fn register(&mut self, plugin: PredicatePlugin) -> &mut Self {
        self.plugins
            .retain(|known| known.class_name != plugin.class_name);
        self.plugins.push(plugin);
        self
    }

    /// The predicate named by a full class name or its simple-name alias.
    pub fn lookup(&self, name: &str) -> Option<&PredicatePlugin> {
        let name = name.trim();
        self.plugins
            .iter()
            .find(|plugin| plugin.class_name == name || plugin.alias() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_resolve_by_full_class_name_and_alias() {
        let registry = PredicateRegistry::builtin();
        for alias in ["TopicNameMatches", "HasHeaderKey", "RecordIsTombstone"] {
            let full = format!("org.apache.kafka.connect.transforms.predicates.{alias}");
            let by_full = registry.lookup(&full).map(|p| p.class_name);
            assert_eq!(by_full, Some(full.as_str()));
            assert_eq!(registry.lookup(alias).map(|p| p.class_name), by_full);
        }
        assert!(registry.lookup("Nope").is_none());
    }
}
