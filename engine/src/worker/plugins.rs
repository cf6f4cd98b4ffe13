//! [`Plugins`]: every plugin a worker has — connectors, converters, transforms, predicates — as
//! `GET /connector-plugins` and `GET /connector-plugins/{plugin}/config` report them.

use crate::config::{ConfigKeyInfo, PluginInfo};
use crate::connector::{ConnectorRegistry, ConnectorType};
use crate::converters::ConverterRegistry;
use crate::predicates::PredicateRegistry;
use crate::transforms::TransformRegistry;

use super::connector_config;

/// The version Kafka reports for plugins bundled with the worker; Sluice's own version here.
const BUNDLED_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A plugin's config could not be described.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PluginConfigError {
    /// No plugin has that class name or alias (REST 404).
    #[error("Unknown plugin {name}.")]
    NotFound {
        /// The name asked for.
        name: String,
    },
}

/// Every plugin a worker can use, by kind.
#[derive(Clone)]
pub struct Plugins {
    /// Source and sink connectors.
    pub connectors: ConnectorRegistry,
    /// Key, value and header converters.
    pub converters: ConverterRegistry,
    /// Single message transforms.
    pub transforms: TransformRegistry,
    /// Predicates for transforms.
    pub predicates: PredicateRegistry,
}

impl Plugins {
    /// `connectors` with the engine's built-in converters, transforms and predicates.
    pub fn builtin(connectors: ConnectorRegistry) -> Self {
        Self {
            connectors,
            converters: ConverterRegistry::builtin(),
            transforms: TransformRegistry::builtin(),
            predicates: PredicateRegistry::builtin(),
        }
    }

    /// Source or sink, for the connector `class` names (class name or alias); `None` when no
    /// connector has that name (the REST API's `unknown`).
    pub fn connector_type(&self, class: &str) -> Option<ConnectorType> {
        self.connectors
            .find(class)
            .map(|plugin| plugin.connector_type())
    }

    /// The plugins of `GET /connector-plugins`, in Kafka's order: sinks, sources, then (unless
    /// `connectors_only`) transformations, predicates, converters and header converters, each
    /// kind sorted by class name. `$Key`/`$Value` transforms are listed once per variant, and a
    /// converter that also converts headers is listed in both kinds, as Kafka lists them.
    pub fn list(&self, connectors_only: bool) -> Vec<PluginInfo> {
        let mut plugins = Vec::new();
        for kind in [ConnectorType::Sink, ConnectorType::Source] {
            let mut connectors: Vec<PluginInfo> = self
                .connectors
                .plugins()
                .iter()
                .filter(|plugin| plugin.connector_type() == kind)
                .map(|plugin| {
                    let version = plugin.instantiate().as_connector().version();
                    info(plugin.class_name, kind.as_str(), Some(version))
                })
                .collect();
            sort(&mut connectors);
            plugins.extend(connectors);
        }
        if connectors_only {
            return plugins;
        }
        let mut transforms = Vec::new();
        for plugin in self.transforms.plugins() {
            if plugin.key_value {
                for suffix in ["$Key", "$Value"] {
                    let class = format!("{}{suffix}", plugin.class_name);
                    transforms.push(bundled(&class, "transformation"));
                }
            } else {
                transforms.push(bundled(plugin.class_name, "transformation"));
            }
        }
        sort(&mut transforms);
        plugins.extend(transforms);
        let mut predicates: Vec<_> = self
            .predicates
            .plugins()
            .iter()
            .map(|plugin| bundled(plugin.class_name, "predicate"))
            .collect();
        sort(&mut predicates);
        plugins.extend(predicates);
        for (kind, header) in [("converter", false), ("header_converter", true)] {
            let mut converters: Vec<_> = self
                .converters
                .plugins()
                .iter()
                .filter(|plugin| {
                    if header {
                        plugin.header_converter.is_some()
                    } else {
                        plugin.converter.is_some()
                    }
                })
                .map(|plugin| bundled(plugin.class_name, kind))
                .collect();
            sort(&mut converters);
            plugins.extend(converters);
        }
        plugins
    }

    /// The keys of the plugin `name` (class name or alias), for
    /// `GET /connector-plugins/{plugin}/config`. A connector's own keys come first, then the
    /// framework's source or sink keys it does not define itself; converters, transforms and
    /// predicates give their own keys.
    pub fn plugin_config(&self, name: &str) -> Result<Vec<ConfigKeyInfo>, PluginConfigError> {
        if let Some(plugin) = self.connectors.find(name) {
            let own = plugin.instantiate().as_connector().config_def();
            let framework = connector_config::base_config_def(self, plugin.connector_type());
            let mut keys: Vec<ConfigKeyInfo> = own.keys().map(|key| key.info()).collect();
            keys.extend(
                framework
                    .keys()
                    .filter(|key| own.key(&key.name).is_none())
                    .map(|key| key.info()),
            );
            return Ok(keys);
        }
        let def = if let Some(plugin) = self.converters.lookup(name) {
            (plugin.config_def)()
        } else if let Some((plugin, _)) = self.transforms.lookup(name) {
            (plugin.config_def)()
        } else if let Some(plugin) = self.predicates.lookup(name) {
            (plugin.config_def)()
        } else {
            return Err(PluginConfigError::NotFound {
                name: name.to_owned(),
            });
        };
        Ok(def.keys().map(|key| key.info()).collect())
    }
}

fn info(class: &str, plugin_type: &str, version: Option<String>) -> PluginInfo {
    PluginInfo {
        class_name: class.to_owned(),
        plugin_type: plugin_type.to_owned(),
        // Kafka leaves the version out when the plugin says it is "undefined".
        version: version.filter(|version| version != "undefined"),
    }
}

fn bundled(class: &str, plugin_type: &str) -> PluginInfo {
    info(class, plugin_type, Some(BUNDLED_VERSION.to_owned()))
}

fn sort(plugins: &mut [PluginInfo]) {
    plugins.sort_by(|a, b| a.class_name.cmp(&b.class_name));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::{
        ConfigDef, ConfigKey, ConfigKeyInfo, ConfigType, ConfigValueInfo, Importance, RawConfig,
        Validator,
    };
    use crate::connector::{
        ConnectError, Connector, ConnectorPlugin, SinkConnector, SinkTask, SourceConnector,
        SourceTask,
    };

    /// A source connector with one required key, `file`.
    pub(crate) struct TestSource;

    impl Connector for TestSource {
        fn version(&self) -> String {
            "1.2.3".to_owned()
        }

        fn config_def(&self) -> ConfigDef {
            ConfigDef::new().define(
                ConfigKey::new("file", ConfigType::String)
                    .validator(Validator::NonEmptyString)
                    .importance(Importance::High)
                    .doc("The file to read."),
            )
        }

        fn start(&mut self, _config: &RawConfig) -> Result<(), ConnectError> {
            Ok(())
        }

        fn task_configs(&self, _max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
            Ok(Vec::new())
        }

        fn stop(&mut self) -> Result<(), ConnectError> {
            Ok(())
        }
    }

    impl SourceConnector for TestSource {
        fn create_task(&self) -> Box<dyn SourceTask> {
            unimplemented!("validation never starts tasks")
        }
    }

    /// A sink connector without keys of its own that redefines `topics` and reports a custom
    /// error on `batch.size` when it is `0`.
    pub(crate) struct TestSink;

    impl Connector for TestSink {
        fn version(&self) -> String {
            "undefined".to_owned()
        }

        fn config_def(&self) -> ConfigDef {
            ConfigDef::new()
                .define(
                    ConfigKey::new("topics", ConfigType::List)
                        .default_value("")
                        .doc("Topics to write out."),
                )
                .define(
                    ConfigKey::new("batch.size", ConfigType::Int)
                        .default_value("100")
                        .group("Sink", 1),
                )
        }

        fn validate(&self, config: &RawConfig) -> Vec<(ConfigKeyInfo, ConfigValueInfo)> {
            let mut entries = self.config_def().validate(config);
            for (_, value) in &mut entries {
                if value.name == "batch.size" && value.value.as_deref() == Some("0") {
                    value.errors.push("batch.size must not be 0".to_owned());
                }
            }
            entries
        }

        fn start(&mut self, _config: &RawConfig) -> Result<(), ConnectError> {
            Ok(())
        }

        fn task_configs(&self, _max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
            Ok(Vec::new())
        }

        fn stop(&mut self) -> Result<(), ConnectError> {
            Ok(())
        }
    }

    impl SinkConnector for TestSink {
        fn create_task(&self) -> Box<dyn SinkTask> {
            unimplemented!("validation never starts tasks")
        }
    }

    /// The source class name of the test plugins.
    pub(crate) const SOURCE: &str = "com.example.TestSourceConnector";
    /// The sink class name of the test plugins.
    pub(crate) const SINK: &str = "com.example.TestSinkConnector";

    /// The built-in plugins plus [`TestSource`] and [`TestSink`].
    pub(crate) fn test_plugins() -> Plugins {
        let mut connectors = ConnectorRegistry::new();
        connectors
            .register(ConnectorPlugin::source(SOURCE, || Box::new(TestSource)))
            .register(ConnectorPlugin::sink(SINK, || Box::new(TestSink)));
        Plugins::builtin(connectors)
    }

    fn listed(plugins: &[PluginInfo]) -> Vec<(&str, &str)> {
        plugins
            .iter()
            .map(|p| (p.class_name.as_str(), p.plugin_type.as_str()))
            .collect()
    }

    #[test]
    fn connectors_only_lists_sinks_then_sources_with_their_versions() {
        let plugins = test_plugins().list(true);
        assert_eq!(
            serde_json::to_value(&plugins).expect("serialisable"),
            serde_json::json!([
                {"class": "com.example.TestSinkConnector", "type": "sink"},
                {"class": "com.example.TestSourceConnector", "type": "source", "version": "1.2.3"},
            ])
        );
    }

    #[test]
    fn all_plugins_follow_kafkas_kind_order_sorted_by_class() {
        let plugins = test_plugins().list(false);
        let listed = listed(&plugins);
        let kinds: Vec<&str> =
            listed
                .iter()
                .map(|(_, kind)| *kind)
                .fold(Vec::new(), |mut kinds, kind| {
                    if kinds.last() != Some(&kind) {
                        kinds.push(kind);
                    }
                    kinds
                });
        assert_eq!(
            kinds,
            [
                "sink",
                "source",
                "transformation",
                "predicate",
                "converter",
                "header_converter"
            ]
        );
        assert!(listed.contains(&(
            "org.apache.kafka.connect.transforms.Cast$Key",
            "transformation"
        )));
        assert!(listed.contains(&(
            "org.apache.kafka.connect.transforms.Cast$Value",
            "transformation"
        )));
        assert!(listed.contains(&(
            "org.apache.kafka.connect.transforms.RegexRouter",
            "transformation"
        )));
        assert!(listed.contains(&(
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            "header_converter"
        )));
        assert!(!listed.contains(&(
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            "converter"
        )));
        assert!(listed.contains(&(
            "org.apache.kafka.connect.json.JsonConverter",
            "header_converter"
        )));
        assert!(!listed.contains(&(
            "io.confluent.connect.avro.AvroConverter",
            "header_converter"
        )));
        for kind in ["transformation", "converter"] {
            let classes: Vec<&str> = listed
                .iter()
                .filter(|(_, k)| *k == kind)
                .map(|(class, _)| *class)
                .collect();
            let mut sorted = classes.clone();
            sorted.sort_unstable();
            assert_eq!(classes, sorted, "{kind}s are sorted by class name");
        }
        let cast = plugins
            .iter()
            .find(|p| p.class_name.ends_with("Cast$Value"))
            .expect("listed");
        assert_eq!(cast.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn connector_plugin_config_puts_its_own_keys_first_and_wins_on_duplicates() {
        let plugins = test_plugins();
        let keys = plugins.plugin_config("TestSink").expect("known by alias");
        let names: Vec<&str> = keys.iter().map(|key| key.name.as_str()).collect();
        assert_eq!(&names[..3], ["topics", "batch.size", "name"]);
        assert_eq!(names.iter().filter(|name| **name == "topics").count(), 1);
        assert_eq!(keys[0].documentation, "Topics to write out.");
        assert!(names.contains(&"errors.deadletterqueue.topic.name"));
        let source = plugins.plugin_config(SOURCE).expect("known");
        let names: Vec<&str> = source.iter().map(|key| key.name.as_str()).collect();
        assert_eq!(names[0], "file");
        assert!(names.contains(&"exactly.once.support"));
        assert!(!names.contains(&"topics"));
    }

    #[test]
    fn other_plugins_give_their_own_keys_and_unknown_ones_are_not_found() {
        let plugins = test_plugins();
        let json = plugins
            .plugin_config("JsonConverter")
            .expect("converter alias");
        assert_eq!(json[0].name, "schemas.enable");
        let cast = plugins
            .plugin_config("org.apache.kafka.connect.transforms.Cast$Value")
            .expect("transform");
        assert_eq!(cast[0].name, "spec");
        plugins
            .plugin_config("TopicNameMatches")
            .expect("predicate alias");
        let error = plugins
            .plugin_config("com.example.Nope")
            .expect_err("unknown");
        assert_eq!(error.to_string(), "Unknown plugin com.example.Nope.");
    }

    #[test]
    fn connector_type_follows_the_class() {
        let plugins = test_plugins();
        assert_eq!(plugins.connector_type(SOURCE), Some(ConnectorType::Source));
        assert_eq!(
            plugins.connector_type("TestSink"),
            Some(ConnectorType::Sink)
        );
        assert_eq!(plugins.connector_type("Nope"), None);
    }
}
