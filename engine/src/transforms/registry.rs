//! The transforms Sluice knows, by Kafka class name and alias: the one place to look to see
//! what exists.

use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::record::RecordPart;

use super::{
    Transform, cast, extract_field, flatten, hoist_field, insert_field, mask_field, replace_field,
    set_schema_metadata, value_to_key,
};

/// Builds a transform from its own settings (the `transforms.<alias>.` prefix removed) and, for
/// `$Key`/`$Value` transforms, the part it works on.
pub type TransformFactory =
    fn(&RawConfig, Option<RecordPart>) -> Result<Box<dyn Transform>, ConfigError>;

/// A transform a config can name.
#[derive(Clone)]
pub struct TransformPlugin {
    /// Kafka's class name without a `$Key`/`$Value` suffix, e.g.
    /// `org.apache.kafka.connect.transforms.Cast`.
    pub class_name: &'static str,
    /// True when the class exists only as `$Key` and `$Value` variants.
    pub key_value: bool,
    /// The transform's keys.
    pub config_def: fn() -> ConfigDef,
    /// Builds a configured instance.
    pub build: TransformFactory,
}

impl TransformPlugin {
    /// The simple class name (e.g. `Cast`).
    pub fn simple_name(&self) -> &'static str {
        self.class_name
            .rsplit('.')
            .next()
            .unwrap_or(self.class_name)
    }
}

/// One registry row: a transform module's `CLASS`, `config_def` and `build`.
macro_rules! plugin {
    ($module:ident, key_value: $key_value:expr) => {
        TransformPlugin {
            class_name: $module::CLASS,
            key_value: $key_value,
            config_def: $module::config_def,
            build: $module::build,
        }
    };
}

/// Every transform a config can name: the built-in ones plus any registered.
#[derive(Clone)]
pub struct TransformRegistry {
    plugins: Vec<TransformPlugin>,
}

impl TransformRegistry {
    /// The built-in transforms.
    pub fn builtin() -> Self {
        Self {
            plugins: vec![
                plugin!(cast, key_value: true),
                plugin!(extract_field, key_value: true),
                plugin!(flatten, key_value: true),
                plugin!(hoist_field, key_value: true),
                plugin!(insert_field, key_value: true),
                plugin!(mask_field, key_value: true),
                plugin!(replace_field, key_value: true),
                plugin!(set_schema_metadata, key_value: true),
                plugin!(value_to_key, key_value: false),
            ],
        }
    }

    /// Adds a transform; a later registration of the same class name wins. This is how a custom
    /// transform is made available to configs.
    pub fn register(&mut self, plugin: TransformPlugin) -> &mut Self {
        self.plugins
            .retain(|known| known.class_name != plugin.class_name);
        self.plugins.push(plugin);
        self
    }

    /// The transform named `name` and the part it works on. Accepts the full class name or the
    /// simple name, each with `$Key`/`$Value` for key/value transforms (e.g.
    /// `org.apache.kafka.connect.transforms.Cast$Value` or `Cast$Value`) and without a suffix
    /// for the others (e.g. `RegexRouter`).
    pub fn lookup(&self, name: &str) -> Option<(&TransformPlugin, Option<RecordPart>)> {
        let name = name.trim();
        let (base, part) = match name.rsplit_once('$') {
            Some((base, "Key")) => (base, Some(RecordPart::Key)),
            Some((base, "Value")) => (base, Some(RecordPart::Value)),
            Some(_) => return None,
            None => (name, None),
        };
        let plugin = self
            .plugins
            .iter()
            .find(|plugin| plugin.class_name == base || plugin.simple_name() == base)?;
        (plugin.key_value == part.is_some()).then_some((plugin, part))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_VALUE: [&str; 8] = [
        "Cast",
        "ExtractField",
        "Flatten",
        "HoistField",
        "InsertField",
        "MaskField",
        "ReplaceField",
        "SetSchemaMetadata",
    ];

    #[test]
    fn key_value_transforms_resolve_by_full_and_simple_name_with_a_suffix() {
        let registry = TransformRegistry::builtin();
        for simple in KEY_VALUE {
            let full = format!("org.apache.kafka.connect.transforms.{simple}");
            for (suffix, part) in [("$Key", RecordPart::Key), ("$Value", RecordPart::Value)] {
                for name in [format!("{full}{suffix}"), format!("{simple}{suffix}")] {
                    let (plugin, found) = registry
                        .lookup(&name)
                        .unwrap_or_else(|| panic!("{name} resolves"));
                    assert_eq!((plugin.class_name, found), (full.as_str(), Some(part)));
                }
            }
            assert!(registry.lookup(&full).is_none(), "{full} needs $Key/$Value");
        }
    }

    #[test]
    fn value_to_key_resolves_without_a_suffix() {
        let registry = TransformRegistry::builtin();
        for name in [
            "org.apache.kafka.connect.transforms.ValueToKey",
            "ValueToKey",
        ] {
            let (plugin, part) = registry.lookup(name).expect("resolves");
            assert_eq!(
                plugin.class_name,
                "org.apache.kafka.connect.transforms.ValueToKey"
            );
            assert_eq!(part, None);
        }
        assert!(registry.lookup("ValueToKey$Value").is_none());
    }

    #[test]
    fn a_chain_builds_every_transform_from_its_config() {
        use crate::config::RawConfig;
        let registry = TransformRegistry::builtin();
        let settings: [(&str, &[(&str, &str)]); 9] = [
            ("Cast$Value", &[("spec", "int8")]),
            ("ExtractField$Key", &[("field", "a")]),
            ("Flatten$Value", &[]),
            ("HoistField$Key", &[("field", "a")]),
            ("InsertField$Value", &[("topic.field", "t")]),
            ("MaskField$Value", &[("fields", "a")]),
            ("ReplaceField$Value", &[]),
            ("SetSchemaMetadata$Value", &[("schema.version", "1")]),
            ("ValueToKey", &[("fields", "a")]),
        ];
        for (name, pairs) in settings {
            let (plugin, part) = registry.lookup(name).expect("resolves");
            let raw: RawConfig = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            assert!((plugin.build)(&raw, part).is_ok(), "{name} builds");
            assert!(
                (plugin.config_def)().keys().count() > 0,
                "{name} declares keys"
            );
        }
    }

    #[test]
    fn chain_errors_name_the_prefixed_key() {
        use crate::config::RawConfig;
        use crate::predicates::PredicateRegistry;
        use crate::transforms::TransformChain;
        let raw: RawConfig = [
            ("transforms", "c"),
            (
                "transforms.c.type",
                "org.apache.kafka.connect.transforms.Cast$Value",
            ),
            ("transforms.c.spec", "a:bytes"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let error = TransformChain::from_config(
            &raw,
            &TransformRegistry::builtin(),
            &PredicateRegistry::builtin(),
        )
        .err()
        .expect("bytes is not a cast target");
        assert_eq!(error.key(), Some("transforms.c.spec"));
    }
}
