//! Sluice's built-in connectors, registered under their Kafka Connect class names.
//!
//! - [`file`]: Kafka's `FileStreamSourceConnector` and `FileStreamSinkConnector`.
//! - [`datagen`]: Confluent's `DatagenConnector`, generating mock records from quickstart or
//!   user-supplied Avro schemas with `arg.properties` hints.
//! - [`mirror`]: MirrorMaker 2's `MirrorSourceConnector`, replicating topics from another Kafka
//!   cluster.
//!
//! ```
//! let registry = sluice_connectors::builtin_registry();
//! assert!(registry.find("FileStreamSource").is_some());
//! ```

pub mod datagen;
pub mod file;
pub mod java_string;
pub mod mirror;

#[cfg(test)]
pub(crate) mod test_support;

use sluice_engine::connector::{
    ConnectorPlugin, ConnectorRegistry, SinkConnector, SourceConnector,
};

fn file_source() -> Box<dyn SourceConnector> {
    Box::new(file::FileStreamSourceConnector::default())
}

fn file_sink() -> Box<dyn SinkConnector> {
    Box::new(file::FileStreamSinkConnector::default())
}

fn datagen() -> Box<dyn SourceConnector> {
    Box::new(datagen::DatagenConnector::default())
}

fn mirror_source() -> Box<dyn SourceConnector> {
    Box::new(mirror::MirrorSourceConnector::default())
}

/// Adds every built-in connector to `registry`, under its Kafka (or Confluent) class name; the
/// registry also resolves the simple name and the simple name without `Connector`.
pub fn register_builtin(registry: &mut ConnectorRegistry) {
    registry
        .register(ConnectorPlugin::source(file::source::CLASS, file_source))
        .register(ConnectorPlugin::sink(file::sink::CLASS, file_sink))
        .register(ConnectorPlugin::source(datagen::CLASS, datagen))
        .register(ConnectorPlugin::source(mirror::CLASS, mirror_source));
}

/// A registry holding every built-in connector.
pub fn builtin_registry() -> ConnectorRegistry {
    let mut registry = ConnectorRegistry::new();
    register_builtin(&mut registry);
    registry
}

#[cfg(test)]
mod tests {
    use sluice_engine::connector::ConnectorType;

    use super::*;

    #[test]
    fn builtin_connectors_resolve_by_class_name_and_alias() {
        let registry = builtin_registry();
        let found = |name: &str| {
            registry
                .find(name)
                .map(|plugin| (plugin.class_name, plugin.connector_type()))
        };
        assert_eq!(
            found("FileStreamSource"),
            Some((
                "org.apache.kafka.connect.file.FileStreamSourceConnector",
                ConnectorType::Source
            ))
        );
        assert_eq!(
            found("org.apache.kafka.connect.file.FileStreamSinkConnector"),
            Some((
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
                ConnectorType::Sink
            ))
        );
        assert_eq!(
            found("DatagenConnector"),
            Some((
                "io.confluent.kafka.connect.datagen.DatagenConnector",
                ConnectorType::Source
            ))
        );
        assert_eq!(
            found("Datagen").map(|(class, _)| class),
            Some("io.confluent.kafka.connect.datagen.DatagenConnector")
        );
        assert_eq!(
            found("FileStreamSinkConnector").map(|(_, ty)| ty),
            Some(ConnectorType::Sink)
        );
        assert_eq!(
            found("MirrorSource"),
            Some((
                "org.apache.kafka.connect.mirror.MirrorSourceConnector",
                ConnectorType::Source
            ))
        );
        assert!(found("NoSuchConnector").is_none());
    }
}
