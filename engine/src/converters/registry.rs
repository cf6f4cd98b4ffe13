//! The converters Sluice knows, by Kafka class name and alias: the one place to look to see
//! what exists.

use super::{
    AvroConverter, ByteArrayConverter, Converter, ConverterType, HeaderConverter, JsonConverter,
    NumberConverter, NumberKind, ProtobufConverter, SimpleHeaderConverter, StringConverter,
};
use crate::config::{ConfigDef, ConfigError, RawConfig};

/// Builds a key/value converter from its settings (prefix removed) for keys or values.
pub type ConverterFactory =
    fn(&RawConfig, ConverterType) -> Result<Box<dyn Converter>, ConfigError>;
/// Builds a header converter from its settings (prefix removed).
pub type HeaderConverterFactory = fn(&RawConfig) -> Result<Box<dyn HeaderConverter>, ConfigError>;

/// A converter a config can name.
#[derive(Clone)]
pub struct ConverterPlugin {
    /// Kafka's (or Confluent's) class name.
    pub class_name: &'static str,
    /// The converter's keys.
    pub config_def: fn() -> ConfigDef,
    /// Builds it as a key/value converter, when it is one.
    pub converter: Option<ConverterFactory>,
    /// Builds it as a header converter, when it is one.
    pub header_converter: Option<HeaderConverterFactory>,
}

impl ConverterPlugin {
    /// The simple class name, e.g. `JsonConverter`.
    pub fn simple_name(&self) -> &'static str {
        self.class_name
            .rsplit('.')
            .next()
            .unwrap_or(self.class_name)
    }

    /// True when `name` is the class name, the simple name, or the simple name without its
    /// `Converter` suffix (Kafka's aliases, e.g. `Json`).
    pub fn is_named(&self, name: &str) -> bool {
        let simple = self.simple_name();
        name == self.class_name || name == simple || simple.strip_suffix("Converter") == Some(name)
    }
}

/// Every converter a config can name.
#[derive(Clone)]
pub struct ConverterRegistry {
    plugins: Vec<ConverterPlugin>,
}

fn number(kind: NumberKind) -> Box<NumberConverter> {
    Box::new(NumberConverter::new(kind))
}

macro_rules! number_plugin {
    ($class:literal, $kind:expr) => {
        ConverterPlugin {
            class_name: $class,
            config_def: ConfigDef::new,
            converter: Some(|_, _| Ok(number($kind))),
            header_converter: Some(|_| Ok(number($kind))),
        }
    };
}

impl ConverterRegistry {
    /// The built-in converters.
    pub fn builtin() -> Self {
        let plugins = vec![
            ConverterPlugin {
                class_name: "org.apache.kafka.connect.storage.StringConverter",
                config_def: StringConverter::config_def,
                converter: Some(|raw, _| Ok(Box::new(StringConverter::configure(raw)?))),
                header_converter: Some(|raw| Ok(Box::new(StringConverter::configure(raw)?))),
            },
            ConverterPlugin {
                class_name: "org.apache.kafka.connect.converters.ByteArrayConverter",
                config_def: ConfigDef::new,
                converter: Some(|_, _| Ok(Box::new(ByteArrayConverter::default()))),
                header_converter: Some(|_| Ok(Box::new(ByteArrayConverter::default()))),
            },
            ConverterPlugin {
                class_name: "org.apache.kafka.connect.storage.SimpleHeaderConverter",
                config_def: ConfigDef::new,
                converter: None,
                header_converter: Some(|_| Ok(Box::new(SimpleHeaderConverter::default()))),
            },
            ConverterPlugin {
                class_name: "io.confluent.connect.avro.AvroConverter",
                config_def: AvroConverter::config_def,
                converter: Some(|raw, ty| Ok(Box::new(AvroConverter::configure(raw, ty)?))),
                header_converter: None,
            },
            ConverterPlugin {
                class_name: "io.confluent.connect.protobuf.ProtobufConverter",
                config_def: ProtobufConverter::config_def,
                converter: Some(|raw, ty| Ok(Box::new(ProtobufConverter::configure(raw, ty)?))),
                header_converter: None,
            },
            ConverterPlugin {
                class_name: "org.apache.kafka.connect.json.JsonConverter",
                config_def: JsonConverter::config_def,
                converter: Some(|raw, _| Ok(Box::new(JsonConverter::configure(raw)?))),
                header_converter: Some(|raw| Ok(Box::new(JsonConverter::configure(raw)?))),
            },
            number_plugin!(
                "org.apache.kafka.connect.converters.IntegerConverter",
                NumberKind::Integer
            ),
            number_plugin!(
                "org.apache.kafka.connect.converters.LongConverter",
                NumberKind::Long
            ),
            number_plugin!(
                "org.apache.kafka.connect.converters.ShortConverter",
                NumberKind::Short
            ),
            number_plugin!(
                "org.apache.kafka.connect.converters.FloatConverter",
                NumberKind::Float
            ),
            number_plugin!(
                "org.apache.kafka.connect.converters.DoubleConverter",
                NumberKind::Double
            ),
            number_plugin!(
                "org.apache.kafka.connect.converters.BooleanConverter",
                NumberKind::Boolean
            ),
        ];
        Self { plugins }
    }

    /// Every known plugin, in registration order.
    pub fn plugins(&self) -> &[ConverterPlugin] {
        &self.plugins
    }

    /// Adds a converter; a later registration of the same class name wins.
    pub fn register(&mut self, plugin: ConverterPlugin) -> &mut Self {
        self.plugins
            .retain(|known| known.class_name != plugin.class_name);
        self.plugins.push(plugin);
        self
    }

    /// The converter named by class name or alias.
    pub fn lookup(&self, name: &str) -> Option<&ConverterPlugin> {
        let name = name.trim();
        self.plugins.iter().find(|plugin| plugin.is_named(name))
    }

    /// Builds the key or value converter set by `class_key` (e.g. `value.converter`) in `raw`,
    /// configured with the keys under `<class_key>.`. Errors name the offending key.
    pub fn key_value_converter(
        &self,
        raw: &RawConfig,
        class_key: &str,
        ty: ConverterType,
    ) -> Result<Option<Box<dyn Converter>>, ConfigError> {
        let Some((plugin, settings)) = self.plugin_for(raw, class_key)? else {
            return Ok(None);
        };
        let build = plugin.converter.ok_or_else(|| {
            ConfigError::invalid(
                class_key,
                plugin.class_name,
                "is a header converter, not a key/value converter",
            )
        })?;
        build(&settings, ty)
            .map(Some)
            .map_err(|error| prefix_key(error, class_key))
    }

    /// Builds the header converter set by `class_key` (`header.converter`) in `raw`.
    pub fn header_converter(
        &self,
        raw: &RawConfig,
        class_key: &str,
    ) -> Result<Option<Box<dyn HeaderConverter>>, ConfigError> {
        let Some((plugin, settings)) = self.plugin_for(raw, class_key)? else {
            return Ok(None);
        };
        let build = plugin.header_converter.ok_or_else(|| {
            ConfigError::invalid(class_key, plugin.class_name, "is not a header converter")
        })?;
        build(&settings)
            .map(Some)
            .map_err(|error| prefix_key(error, class_key))
    }

    fn plugin_for(
        &self,
        raw: &RawConfig,
        class_key: &str,
    ) -> Result<Option<(&ConverterPlugin, RawConfig)>, ConfigError> {
        let Some(class) = raw.get(class_key).filter(|class| !class.trim().is_empty()) else {
            return Ok(None);
        };
        let plugin = self.lookup(class).ok_or_else(|| {
            ConfigError::invalid(
                class_key,
                class,
                format!("Class {class} could not be found."),
            )
        })?;
        let prefix = format!("{class_key}.");
        let settings = raw
            .iter()
            .filter_map(|(key, value)| Some((key.strip_prefix(&prefix)?.to_owned(), value.clone())))
            .collect();
        Ok(Some((plugin, settings)))
    }
}

fn prefix_key(error: ConfigError, class_key: &str) -> ConfigError {
    match error {
        ConfigError::Missing { key } => ConfigError::Missing {
            key: format!("{class_key}.{key}"),
        },
        ConfigError::Invalid { key, value, reason } => ConfigError::Invalid {
            key: format!("{class_key}.{key}"),
            value,
            reason,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use sluice_codecs::Value;

    use super::*;
    use crate::config::test_support::raw;

    #[test]
    fn class_names_and_aliases_resolve() {
        let registry = ConverterRegistry::builtin();
        for name in [
            "org.apache.kafka.connect.converters.LongConverter",
            "LongConverter",
            "Long",
        ] {
            assert_eq!(
                registry.lookup(name).map(|p| p.simple_name()),
                Some("LongConverter"),
                "{name}"
            );
        }
        assert!(registry.lookup("Nope").is_none());
    }

    #[test]
    fn converter_is_built_with_its_prefixed_settings() {
        let registry = ConverterRegistry::builtin();
        let config = raw(&[(
            "value.converter",
            "org.apache.kafka.connect.converters.IntegerConverter",
        )]);
        let mut converter = registry
            .key_value_converter(&config, "value.converter", ConverterType::Value)
            .expect("valid")
            .expect("configured");
        assert_eq!(
            converter
                .to_connect("t", Some(&Bytes::from_static(&[0, 0, 0, 7])))
                .map(|(_, v)| v),
            Ok(Value::Int32(7))
        );
        assert!(
            registry
                .key_value_converter(&raw(&[]), "value.converter", ConverterType::Value)
                .expect("valid")
                .is_none()
        );
    }

    #[test]
    fn errors_name_the_prefixed_key() {
        let registry = ConverterRegistry::builtin();
        let unknown = raw(&[("key.converter", "com.Nope")]);
        let error = registry
            .key_value_converter(&unknown, "key.converter", ConverterType::Key)
            .err();
        assert_eq!(
            error.as_ref().and_then(ConfigError::key),
            Some("key.converter")
        );
        let bad = raw(&[
            ("value.converter", "StringConverter"),
            ("value.converter.converter.encoding", "EBCDIC"),
        ]);
        let error = registry
            .key_value_converter(&bad, "value.converter", ConverterType::Value)
            .err();
        assert_eq!(
            error.as_ref().and_then(ConfigError::key),
            Some("value.converter.converter.encoding")
        );
    }
}
