//! The transforms Sluice knows, by Kafka class name and alias: the one place to look to see
//! what exists.

use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::record::RecordPart;

use super::{
    Transform, cast, drop_headers, extract_field, filter, flatten, header_from, hoist_field,
    inject_fault, insert_field, insert_header, mask_field, regex_router, replace_field,
    set_schema_metadata, timestamp_converter, timestamp_router, value_to_key,
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
                plugin!(drop_headers, key_value: false),
                plugin!(extract_field, key_value: true),
                plugin!(filter, key_value: false),
                plugin!(flatten, key_value: true),
                plugin!(header_from, key_value: true),
                plugin!(inject_fault, key_value: false),
                plugin!(hoist_field, key_value: true),
                plugin!(insert_field, key_value: true),
                plugin!(insert_header, key_value: false),
                plugin!(mask_field, key_value: true),
                plugin!(regex_router, key_value: false),
                plugin!(replace_field, key_value: true),
                plugin!(set_schema_metadata, key_value: true),
                plugin!(timestamp_converter, key_value: true),
                plugin!(timestamp_router, key_value: false),
                plugin!(value_to_key, key_value: false),
            ],
        }
    }

    /// Every known plugin, in registration order.
    pub fn plugins(&self) -> &[TransformPlugin] {
        &self.plugins
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
    use sluice_codecs::Value;

    use super::*;
    use crate::config::test_support::raw;
    use crate::predicates::PredicateRegistry;
    use crate::record::Record;
    use crate::transforms::{Outcome, TransformChain};

    const KEY_VALUE: [&str; 10] = [
        "Cast",
        "ExtractField",
        "Flatten",
        "HeaderFrom",
        "HoistField",
        "InsertField",
        "MaskField",
        "ReplaceField",
        "SetSchemaMetadata",
        "TimestampConverter",
    ];
    const PLAIN: [&str; 5] = [
        "DropHeaders",
        "Filter",
        "InsertHeader",
        "RegexRouter",
        "TimestampRouter",
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
    fn key_value_transforms_need_their_suffix() {
        let registry = TransformRegistry::builtin();
        for simple in KEY_VALUE {
            let full = format!("org.apache.kafka.connect.transforms.{simple}");
            let (plugin, part) = registry.lookup(&format!("{full}$Key")).expect(simple);
            assert_eq!(
                (plugin.class_name, part),
                (full.as_str(), Some(RecordPart::Key))
            );
            let (_, part) = registry.lookup(&format!("{simple}$Value")).expect(simple);
            assert_eq!(part, Some(RecordPart::Value));
            assert!(registry.lookup(&full).is_none());
        }
    }

    #[test]
    fn plain_transforms_resolve_by_full_and_simple_name_without_suffix() {
        let registry = TransformRegistry::builtin();
        for simple in PLAIN {
            let full = format!("org.apache.kafka.connect.transforms.{simple}");
            let (plugin, part) = registry.lookup(&full).expect(simple);
            assert_eq!((plugin.class_name, part), (full.as_str(), None));
            let (plugin, _) = registry.lookup(simple).expect(simple);
            assert_eq!(plugin.class_name, full);
            assert!(registry.lookup(&format!("{simple}$Value")).is_none());
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
            assert!((plugin.build)(&raw(pairs), part).is_ok(), "{name} builds");
            assert!(
                (plugin.config_def)().keys().count() > 0,
                "{name} declares keys"
            );
        }
    }

    #[test]
    fn reference_example_drops_tombstones_and_routes_the_rest() {
        let raw = raw(&[
            ("transforms", "dropTomb,route"),
            (
                "transforms.dropTomb.type",
                "org.apache.kafka.connect.transforms.Filter",
            ),
            ("transforms.dropTomb.predicate", "isTomb"),
            (
                "transforms.route.type",
                "org.apache.kafka.connect.transforms.RegexRouter",
            ),
            ("transforms.route.regex", "(.*)"),
            ("transforms.route.replacement", "copy-$1"),
            ("predicates", "isTomb"),
            (
                "predicates.isTomb.type",
                "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
            ),
        ]);
        let chain = TransformChain::from_config(
            &raw,
            &TransformRegistry::builtin(),
            &PredicateRegistry::builtin(),
        )
        .expect("valid chain");
        let mut tombstone = Record::sink("orders", 0, 0);
        assert_eq!(chain.apply(&mut tombstone), Ok(Outcome::Drop));
        let mut live = Record::sink("orders", 0, 1).with_value(None, Value::Int8(1));
        assert_eq!(chain.apply(&mut live), Ok(Outcome::Keep));
        assert_eq!(live.topic, "copy-orders");
    }

    /// A chain config's error key, which must be the full `transforms.<alias>.<key>`.
    fn chain_error_key(pairs: &[(&str, &str)]) -> Option<String> {
        TransformChain::from_config(
            &raw(pairs),
            &TransformRegistry::builtin(),
            &PredicateRegistry::builtin(),
        )
        .err()
        .expect("the config is invalid")
        .key()
        .map(str::to_owned)
    }

    #[test]
    fn chain_errors_name_the_prefixed_key() {
        let key = chain_error_key(&[
            ("transforms", "c"),
            (
                "transforms.c.type",
                "org.apache.kafka.connect.transforms.Cast$Value",
            ),
            ("transforms.c.spec", "a:bytes"),
        ]);
        assert_eq!(key.as_deref(), Some("transforms.c.spec"));
    }

    #[test]
    fn transform_config_errors_carry_the_full_key() {
        let key = chain_error_key(&[
            ("transforms", "route"),
            ("transforms.route.type", "RegexRouter"),
            ("transforms.route.regex", "(.*"),
            ("transforms.route.replacement", "x"),
        ]);
        assert_eq!(key.as_deref(), Some("transforms.route.regex"));
    }
}
