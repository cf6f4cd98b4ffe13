//! [`ConnectorRegistry`]: the connectors a worker can run, by Kafka class name and alias.

use super::{Connector, SinkConnector, SourceConnector};

/// Builds a new, unstarted source connector.
pub type SourceFactory = fn() -> Box<dyn SourceConnector>;
/// Builds a new, unstarted sink connector.
pub type SinkFactory = fn() -> Box<dyn SinkConnector>;

/// Whether a connector reads from Kafka or writes to it: the `type` of the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectorType {
    /// Moves data from a system into Kafka.
    Source,
    /// Moves data from Kafka into a system.
    Sink,
}

impl ConnectorType {
    /// `source` or `sink`, as the REST API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Source => "source",
            Self::Sink => "sink",
        }
    }
}

/// How to build a connector of a plugin.
#[derive(Clone, Copy)]
pub enum ConnectorFactory {
    /// A source connector.
    Source(SourceFactory),
    /// A sink connector.
    Sink(SinkFactory),
}

/// A connector a config can name in `connector.class`.
#[derive(Clone)]
pub struct ConnectorPlugin {
    /// Kafka's (or Confluent's) class name, e.g.
    /// `org.apache.kafka.connect.file.FileStreamSourceConnector`.
    pub class_name: &'static str,
    /// Extra names besides the class name, its simple name and the simple name without its
    /// `Connector` suffix (e.g. `DatagenConnector` for Confluent's datagen).
    pub aliases: &'static [&'static str],
    /// How to build it.
    pub factory: ConnectorFactory,
}

impl ConnectorPlugin {
    /// A source connector plugin.
    pub fn source(class_name: &'static str, factory: SourceFactory) -> Self {
        Self {
            class_name,
            aliases: &[],
            factory: ConnectorFactory::Source(factory),
        }
    }

    /// A sink connector plugin.
    pub fn sink(class_name: &'static str, factory: SinkFactory) -> Self {
        Self {
            class_name,
            aliases: &[],
            factory: ConnectorFactory::Sink(factory),
        }
    }

    /// The same plugin, also known as `aliases`.
    pub fn with_aliases(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }

    /// Source or sink.
    pub fn connector_type(&self) -> ConnectorType {
        match self.factory {
            ConnectorFactory::Source(_) => ConnectorType::Source,
            ConnectorFactory::Sink(_) => ConnectorType::Sink,
        }
    }

    /// The simple class name, e.g. `FileStreamSourceConnector`.
    pub fn simple_name(&self) -> &'static str {
        self.class_name
            .rsplit('.')
            .next()
            .unwrap_or(self.class_name)
    }

    /// True when `name` is the class name, the simple name, the simple name without its
    /// `Connector` suffix (Kafka's aliases, e.g. `FileStreamSource`) or one of the aliases.
    pub fn is_named(&self, name: &str) -> bool {
        let simple = self.simple_name();
        name == self.class_name
            || name == simple
            || simple.strip_suffix("Connector") == Some(name)
            || self.aliases.contains(&name)
    }

    /// A new, unstarted connector, seen through the methods common to sources and sinks.
    pub fn instantiate(&self) -> ConnectorInstance {
        match self.factory {
            ConnectorFactory::Source(build) => ConnectorInstance::Source(build()),
            ConnectorFactory::Sink(build) => ConnectorInstance::Sink(build()),
        }
    }
}

/// A connector instance of either kind.
pub enum ConnectorInstance {
    /// A source connector.
    Source(Box<dyn SourceConnector>),
    /// A sink connector.
    Sink(Box<dyn SinkConnector>),
}

impl ConnectorInstance {
    /// The connector through the methods both kinds share.
    pub fn as_connector(&self) -> &dyn Connector {
        match self {
            Self::Source(connector) => connector.as_ref(),
            Self::Sink(connector) => connector.as_ref(),
        }
    }

    /// The connector through the methods both kinds share, mutably.
    pub fn as_connector_mut(&mut self) -> &mut dyn Connector {
        match self {
            Self::Source(connector) => connector.as_mut(),
            Self::Sink(connector) => connector.as_mut(),
        }
    }

    /// Source or sink.
    pub fn connector_type(&self) -> ConnectorType {
        match self {
            Self::Source(_) => ConnectorType::Source,
            Self::Sink(_) => ConnectorType::Sink,
        }
    }
}

/// Every connector a worker can run.
#[derive(Clone, Default)]
pub struct ConnectorRegistry {
    plugins: Vec<ConnectorPlugin>,
}

impl ConnectorRegistry {
    /// An empty registry; the `sluice-connectors` crate fills it with the built-in connectors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `plugin`.
    pub fn register(&mut self, plugin: ConnectorPlugin) -> &mut Self {
        self.plugins.push(plugin);
        self
    }

    /// The plugin `name` (class name or alias) refers to.
    pub fn find(&self, name: &str) -> Option<&ConnectorPlugin> {
        let name = name.trim();
        self.plugins.iter().find(|plugin| plugin.is_named(name))
    }

    /// Every plugin, in registration order.
    pub fn plugins(&self) -> &[ConnectorPlugin] {
        &self.plugins
    }
}
