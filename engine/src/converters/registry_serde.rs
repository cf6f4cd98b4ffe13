//! Settings shared by the Schema Registry converters (Avro, Protobuf): Confluent's
//! `AbstractKafkaSchemaSerDeConfig` keys and the registry client they select.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use sluice_codecs::SchemaRef;

use super::ConverterType;
use crate::config::{Config, ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::schema_registry::{
    CachedSchemaRegistry, HttpRegistryConfig, HttpSchemaRegistry, MemorySchemaRegistry,
    RegistryError, RegistrySchema, SchemaRegistry, SubjectNameStrategy,
};

const SUBJECT_STRATEGY: &str = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

/// The registry keys every Schema Registry converter accepts.
pub(crate) fn config_def() -> ConfigDef {
    let key = |name: &str, ty| {
        ConfigKey::new(name, ty)
            .importance(Importance::High)
            .group("Schema Registry", 0)
    };
    ConfigDef::new()
        .define(key("schema.registry.url", ConfigType::List).doc(
            "Comma-separated list of URLs for Schema Registry instances that can be used to register or look up schemas. `mock://<scope>` selects an in-process registry shared by converters of the same scope, as Confluent's MockSchemaRegistry does.",
        ))
        .define(key("auto.register.schemas", ConfigType::Boolean).default_value("true").doc(
            "Specify if the Serializer should attempt to register the Schema with Schema Registry.",
        ))
        .define(key("use.latest.version", ConfigType::Boolean).default_value("false").doc(
            "Use the latest version of the schema in the subject instead of registering or looking up the record's schema.",
        ))
        .define(key("key.subject.name.strategy", ConfigType::Class).default_value(SUBJECT_STRATEGY).doc(
            "Determines how to construct the subject name under which the key schema is registered with the schema registry.",
        ))
        .define(key("value.subject.name.strategy", ConfigType::Class).default_value(SUBJECT_STRATEGY).doc(
            "Determines how to construct the subject name under which the value schema is registered with the schema registry.",
        ))
        .define(key("basic.auth.credentials.source", ConfigType::String).default_value("URL").doc(
            "Specify how to pick the credentials for the Basic Auth header: URL or USER_INFO.",
        ))
        .define(key("basic.auth.user.info", ConfigType::Password).default_null().doc(
            "Specify the user info for Basic Auth in the form of {username}:{password}.",
        ))
}

/// How a converter finds schema ids for the records it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdSelection {
    /// Register the schema (`auto.register.schemas=true`).
    Register,
    /// Look up the schema without registering it.
    Lookup,
    /// Use the subject's latest version (`use.latest.version=true`).
    Latest,
}

/// The parsed registry settings of one converter.
pub(crate) struct RegistrySerde {
    pub(crate) registry: Arc<dyn SchemaRegistry>,
    pub(crate) strategy: SubjectNameStrategy,
    pub(crate) is_key: bool,
    pub(crate) ids: IdSelection,
}

/// In-process registries by `mock://` scope.
static MOCK_REGISTRIES: LazyLock<Mutex<HashMap<String, Arc<MemorySchemaRegistry>>>> =
    LazyLock::new(Mutex::default);

impl RegistrySerde {
    /// Reads the registry keys of a converter config (`extra` is the converter's own def).
    pub(crate) fn configure(
        raw: &RawConfig,
        ty: ConverterType,
        extra: &ConfigDef,
    ) -> Result<(Self, Config), ConfigError> {
        let def = config_def().embed("", None, extra);
        let config = def.parse(raw)?;
        let is_key = ty == ConverterType::Key;
        let strategy_key = if is_key {
            "key.subject.name.strategy"
        } else {
            "value.subject.name.strategy"
        };
        let strategy = SubjectNameStrategy::parse(
            strategy_key,
            config.string(strategy_key).unwrap_or(SUBJECT_STRATEGY),
        )?;
        let ids = match (
            config.boolean("use.latest.version"),
            config.boolean("auto.register.schemas"),
        ) {
            (Some(true), _) => IdSelection::Latest,
            (_, Some(false)) => IdSelection::Lookup,
            _ => IdSelection::Register,
        };
        let registry = registry_client(raw, config.list("schema.registry.url"))?;
        Ok((
            Self {
                registry,
                strategy,
                is_key,
                ids,
            },
            config,
        ))
    }

    /// The schema id to write for a record of `topic` whose schema is `schema` (named
    /// `record_name`, for the record-name strategies).
    pub(crate) fn schema_id(
        &self,
        topic: &str,
        record_name: Option<&str>,
        schema: &RegistrySchema,
    ) -> Result<i32, String> {
        let subject = self.strategy.subject(topic, self.is_key, record_name)?;
        let found = match self.ids {
            IdSelection::Register => self.registry.register(&subject, schema),
            IdSelection::Lookup => self
                .registry
                .lookup(&subject, schema)
                .map(|version| version.id),
            IdSelection::Latest => self
                .registry
                .version(&subject, None)
                .map(|version| version.id),
        };
        found.map_err(|error: RegistryError| format!("subject {subject}: {error}"))
    }
}

fn registry_client(
    raw: &RawConfig,
    urls: &[String],
) -> Result<Arc<dyn SchemaRegistry>, ConfigError> {
    let key = "schema.registry.url";
    if let Some(scope) = urls.first().and_then(|url| url.strip_prefix("mock://")) {
        if urls.len() > 1 {
            return Err(ConfigError::invalid(
                key,
                urls.join(","),
                "a mock:// URL must be the only URL",
            ));
        }
        let mut mocks = MOCK_REGISTRIES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let registry = mocks.entry(scope.to_owned()).or_default();
        return Ok(Arc::clone(registry) as Arc<dyn SchemaRegistry>);
    }
    let http = HttpSchemaRegistry::new(HttpRegistryConfig::from_converter_config(raw)?);
    Ok(Arc::new(CachedSchemaRegistry::new(Arc::new(http))))
}

/// A Connect schema compared by identity: records of one stream share one schema allocation,
/// so a pointer comparison finds a cached writer without hashing the schema.
pub(crate) struct SchemaKey(pub(crate) SchemaRef);

impl PartialEq for SchemaKey {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SchemaKey {}

impl std::hash::Hash for SchemaKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).hash(state);
    }
}
