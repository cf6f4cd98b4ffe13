//! The transforms Sluice knows, by Kafka class name and alias: the one place to look to see
//! what exists.

use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::record::RecordPart;

use super::{
    Transform, drop_headers, filter, header_from, insert_header, regex_router, timestamp_converter,
    timestamp_router,
};

/// One row of the built-in table.
macro_rules! plugin {
    ($class:literal, $key_value:literal, $module:ident) => {
        TransformPlugin {
            class_name: concat!("org.apache.kafka.connect.transforms.", $class),
            key_value: $key_value,
            config_def: $module::config_def,
            build: $module::build,
        }
    };
}

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
                plugin!("DropHeaders", false, drop_headers),
                plugin!("Filter", false, filter),
                plugin!("HeaderFrom", true, header_from),
                plugin!("InsertHeader", false, insert_header),
                plugin!("RegexRouter", false, regex_router),
                plugin!("TimestampConverter", true, timestamp_converter),
                plugin!("TimestampRouter", false, timestamp_router),
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
    use sluice_codecs::Value;

    use super::*;
    use crate::predicates::PredicateRegistry;
    use crate::record::Record;
    use crate::transforms::{Outcome, TransformChain};

    const PLAIN: [&str; 5] = [
        "DropHeaders",
        "Filter",
        "InsertHeader",
        "RegexRouter",
        "TimestampRouter",
    ];
    const KEY_VALUE: [&str; 2] = ["HeaderFrom", "TimestampConverter"];

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
    fn reference_example_drops_tombstones_and_routes_the_rest() {
        let raw: RawConfig = [
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
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
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

    #[test]
    fn transform_config_errors_carry_the_full_key() {
        let raw: RawConfig = [
            ("transforms", "route"),
            ("transforms.route.type", "RegexRouter"),
            ("transforms.route.regex", "(.*"),
            ("transforms.route.replacement", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let error = TransformChain::from_config(
            &raw,
            &TransformRegistry::builtin(),
            &PredicateRegistry::builtin(),
        )
        .err()
        .expect("bad regex");
        assert_eq!(error.key(), Some("transforms.route.regex"));
    }
}
