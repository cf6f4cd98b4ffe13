//! [`RecordStages`]: a connector's converters and transform chain — what every record passes
//! through between a task and Kafka, in either direction — built from its configs the way
//! Kafka Connect's `Worker` builds them.

use crate::config::{ConfigError, RawConfig};
use crate::converters::{Converter, ConverterRegistry, ConverterType, HeaderConverter};
use crate::predicates::PredicateRegistry;
use crate::transforms::{TransformChain, TransformRegistry};

/// The converter used when neither the connector nor the worker names one: Kafka's default.
pub const DEFAULT_CONVERTER: &str = "org.apache.kafka.connect.json.JsonConverter";
/// The header converter used when neither the connector nor the worker names one: Kafka's
/// default.
pub const DEFAULT_HEADER_CONVERTER: &str = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

/// A connector's key, value and header converters and its transforms.
pub struct RecordStages {
    /// `key.converter`.
    pub key_converter: Box<dyn Converter>,
    /// `value.converter`.
    pub value_converter: Box<dyn Converter>,
    /// `header.converter`.
    pub header_converter: Box<dyn HeaderConverter>,
    /// `transforms`.
    pub transforms: TransformChain,
}

impl RecordStages {
    /// Builds the stages of a connector: each converter is the connector's when it names the
    /// class (with the connector's prefixed settings), else the worker's (with the worker's),
    /// else Kafka's default; the transforms and predicates come from the connector config.
    /// Errors name the offending key.
    pub fn from_config(
        worker: &RawConfig,
        connector: &RawConfig,
        converters: &ConverterRegistry,
        transforms: &TransformRegistry,
        predicates: &PredicateRegistry,
    ) -> Result<Self, ConfigError> {
        let settings =
            |class_key, default| converter_settings(worker, connector, class_key, default);
        let key = settings("key.converter", DEFAULT_CONVERTER);
        let value = settings("value.converter", DEFAULT_CONVERTER);
        let header = settings("header.converter", DEFAULT_HEADER_CONVERTER);
        let configured = "converter_settings always sets the class key";
        Ok(Self {
            key_converter: converters
                .key_value_converter(&key, "key.converter", ConverterType::Key)?
                .expect(configured),
            value_converter: converters
                .key_value_converter(&value, "value.converter", ConverterType::Value)?
                .expect(configured),
            header_converter: converters
                .header_converter(&header, "header.converter")?
                .expect(configured),
            transforms: TransformChain::from_config(connector, transforms, predicates)?,
        })
    }
}

/// The settings of the converter under `class_key`: the connector's when it names the class
/// (with its own prefixed keys), else the worker's, else `default` (Kafka's `Worker`).
fn converter_settings(
    worker: &RawConfig,
    connector: &RawConfig,
    class_key: &str,
    default: &str,
) -> RawConfig {
    let source = if connector.contains_key(class_key) {
        connector
    } else {
        worker
    };
    let prefix = format!("{class_key}.");
    let mut settings: RawConfig = source
        .iter()
        .filter(|(key, _)| key.as_str() == class_key || key.starts_with(&prefix))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    settings
        .entry(class_key.to_owned())
        .or_insert_with(|| default.to_owned());
    settings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    #[test]
    fn a_connector_converter_replaces_the_workers_with_its_own_settings() {
        let worker = raw(&[
            ("key.converter", "JsonConverter"),
            ("key.converter.schemas.enable", "false"),
        ]);
        let connector = raw(&[("key.converter", "StringConverter")]);
        assert_eq!(
            converter_settings(&worker, &connector, "key.converter", DEFAULT_CONVERTER),
            raw(&[("key.converter", "StringConverter")])
        );
        assert_eq!(
            converter_settings(
                &worker,
                &RawConfig::new(),
                "key.converter",
                DEFAULT_CONVERTER
            ),
            worker
        );
        assert_eq!(
            converter_settings(
                &RawConfig::new(),
                &RawConfig::new(),
                "header.converter",
                DEFAULT_HEADER_CONVERTER
            ),
            raw(&[("header.converter", DEFAULT_HEADER_CONVERTER)])
        );
    }

    #[test]
    fn a_bad_converter_setting_names_its_key() {
        let connector = raw(&[("value.converter", "NoSuchConverter")]);
        let error = RecordStages::from_config(
            &RawConfig::new(),
            &connector,
            &ConverterRegistry::builtin(),
            &TransformRegistry::builtin(),
            &PredicateRegistry::builtin(),
        )
        .err()
        .expect("an unknown converter class is rejected");
        assert!(error.to_string().contains("value.converter"), "{error}");
    }
}
