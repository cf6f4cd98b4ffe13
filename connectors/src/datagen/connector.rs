//! The datagen connector: its keys, their parsing into [`Settings`], and the connector itself.

use std::sync::Arc;
use std::time::Duration;

use sluice_codecs::Str;
use sluice_codecs::avro::AvroSchema;
use sluice_engine::config::{
    Config, ConfigDef, ConfigError, ConfigKey, ConfigKeyInfo, ConfigType, ConfigValue,
    ConfigValueInfo, Importance, RawConfig, Validator,
};
use sluice_engine::connector::{ConnectError, Connector, SourceConnector, SourceTask};

use super::generator::RecordGenerator;
use super::task::DatagenTask;
use super::{
    ITERATIONS_CONFIG, KAFKA_TOPIC_CONFIG, MAX_INTERVAL_CONFIG, QUICKSTART_CONFIG,
    RANDOM_SEED_CONFIG, RECORDS_PER_SECOND_CONFIG, SCHEMA_FILENAME_CONFIG, SCHEMA_KEYFIELD_CONFIG,
    SCHEMA_STRING_CONFIG, TASK_ID, quickstart,
};

/// The keys of `DatagenConnector`: Confluent's, plus Sluice's `records.per.second`.
pub fn config_def() -> ConfigDef {
    let string = |name: &str, doc: &str| {
        ConfigKey::new(name, ConfigType::String)
            .default_value("")
            .importance(Importance::High)
            .doc(doc)
    };
    ConfigDef::new()
        .define(
            ConfigKey::new(KAFKA_TOPIC_CONFIG, ConfigType::String)
                .importance(Importance::High)
                .doc("Topic to write to"),
        )
        .define(
            ConfigKey::new(MAX_INTERVAL_CONFIG, ConfigType::Long)
                .default_value("500")
                .importance(Importance::High)
                .doc("Max interval between messages (ms)"),
        )
        .define(
            ConfigKey::new(ITERATIONS_CONFIG, ConfigType::Int)
                .default_value("-1")
                .importance(Importance::High)
                .doc("Number of messages to send from each task, or less than 1 for unlimited"),
        )
        .define(string(SCHEMA_FILENAME_CONFIG, "Filename of schema to use"))
        .define(string(
            SCHEMA_STRING_CONFIG,
            "The literal JSON-encoded schema to use",
        ))
        .define(string(
            SCHEMA_KEYFIELD_CONFIG,
            "Name of field to use as the message key",
        ))
        .define(
            string(QUICKSTART_CONFIG, "Name of quickstart to use").validator(Validator::custom(
                |value| match value {
                    ConfigValue::String(name) if name.is_empty() => Ok(()),
                    ConfigValue::String(name) if quickstart::find(name).is_some() => Ok(()),
                    _ => Err(format!(
                        "String must be one of: {}",
                        quickstart::names().join(", ")
                    )),
                },
            )),
        )
        .define(
            ConfigKey::new(RANDOM_SEED_CONFIG, ConfigType::Long)
                .default_null()
                .importance(Importance::Low)
                .doc("Seed for the random number generator, for reproducible data"),
        )
        .define(
            ConfigKey::new(RECORDS_PER_SECOND_CONFIG, ConfigType::Double)
                .default_null()
                .validator(Validator::custom(|value| match value {
                    ConfigValue::Double(rate) if *rate > 0.0 => Ok(()),
                    _ => Err("Value must be above 0".to_owned()),
                }))
                .importance(Importance::Low)
                .doc(
                    "Sluice: most records per second each task generates; unset means limited \
                     only by max.interval. When set and max.interval is not, max.interval is 0",
                ),
        )
}

/// A task's parsed configuration.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) topic: Str,
    pub(crate) max_interval: Duration,
    /// `None` for unlimited.
    pub(crate) iterations: Option<i64>,
    pub(crate) generator: RecordGenerator,
    /// Index of the key field among the top-level fields.
    pub(crate) key_field: Option<usize>,
    pub(crate) random_seed: Option<i64>,
    /// Smallest gap between two records, from `records.per.second`.
    pub(crate) min_gap: Option<Duration>,
    pub(crate) task_id: i32,
}

impl Settings {
    /// Parses and checks `raw`, compiling the schema; errors name the offending key.
    pub(crate) fn parse(raw: &RawConfig) -> Result<Arc<Self>, ConfigError> {
        let config = config_def().parse(raw)?;
        let (source_key, schema_text, default_key) = schema_source(&config)?;
        let shown = abbreviated(config.string(source_key).unwrap_or_default());
        let invalid = |reason: String| ConfigError::invalid(source_key, &shown, reason);
        let avro = AvroSchema::parse(&schema_text).map_err(|error| invalid(error.to_string()))?;
        let json: serde_json::Value = serde_json::from_str(&schema_text)
            .map_err(|error| invalid(format!("invalid schema JSON: {error}")))?;
        let generator = RecordGenerator::compile(&json, avro.connect_schema()).map_err(&invalid)?;
        let key_field = key_field(&config, &generator, default_key)?;
        let task_id = match raw.get(TASK_ID) {
            Some(id) => id
                .trim()
                .parse()
                .map_err(|_| ConfigError::invalid(TASK_ID, id, "Expected a 32-bit integer"))?,
            None => 0,
        };
        Ok(Arc::new(Self {
            topic: Str::from(
                config
                    .string(KAFKA_TOPIC_CONFIG)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            max_interval: max_interval(&config),
            iterations: config
                .long(ITERATIONS_CONFIG)
                .filter(|iterations| *iterations >= 1),
            generator,
            key_field,
            random_seed: config.long(RANDOM_SEED_CONFIG),
            min_gap: config.double(RECORDS_PER_SECOND_CONFIG).map(|rate| {
                Duration::try_from_secs_f64(1.0 / rate).map_or(MAX_PAUSE, |gap| gap.min(MAX_PAUSE))
            }),
            task_id,
        }))
    }
}

/// Longest wait between two records a config can ask for; keeps schedules far from overflow.
const MAX_PAUSE: Duration = Duration::from_secs(86_400);

/// Which key supplies the schema, the schema text, and the quickstart's key field (empty for
/// user schemas). Exactly one of `quickstart`, `schema.string` and `schema.filename` is set.
fn schema_source(config: &Config) -> Result<(&'static str, String, &'static str), ConfigError> {
    let text = |key: &str| config.string(key).unwrap_or_default().to_owned();
    let set: Vec<&'static str> = [
        QUICKSTART_CONFIG,
        SCHEMA_STRING_CONFIG,
        SCHEMA_FILENAME_CONFIG,
    ]
    .into_iter()
    .filter(|key| !text(key).is_empty())
    .collect();
    match set.as_slice() {
        [] => Err(ConfigError::invalid(
            QUICKSTART_CONFIG,
            "",
            "one of quickstart, schema.string or schema.filename must be set",
        )),
        [QUICKSTART_CONFIG] => {
            let name = text(QUICKSTART_CONFIG);
            let found = quickstart::find(&name).ok_or_else(|| {
                ConfigError::invalid(QUICKSTART_CONFIG, &name, "unknown quickstart")
            })?;
            Ok((QUICKSTART_CONFIG, found.schema.to_owned(), found.key_field))
        }
        [SCHEMA_STRING_CONFIG] => Ok((SCHEMA_STRING_CONFIG, text(SCHEMA_STRING_CONFIG), "")),
        [_] => {
            let path = text(SCHEMA_FILENAME_CONFIG);
            let contents = std::fs::read_to_string(&path).map_err(|error| {
                ConfigError::invalid(
                    SCHEMA_FILENAME_CONFIG,
                    &path,
                    format!("Unable to read the schema file: {error}"),
                )
            })?;
            Ok((SCHEMA_FILENAME_CONFIG, contents, ""))
        }
        [_, second, ..] => Err(ConfigError::invalid(
            *second,
            text(second),
            "only one of quickstart, schema.string and schema.filename may be set",
        )),
    }
}

/// Index of the key field: `schema.keyfield`, else the quickstart's; `None` for no key field.
fn key_field(
    config: &Config,
    generator: &RecordGenerator,
    default_key: &str,
) -> Result<Option<usize>, ConfigError> {
    let name = match config.string(SCHEMA_KEYFIELD_CONFIG).unwrap_or_default() {
        "" => default_key,
        name => name,
    };
    if name.is_empty() {
        return Ok(None);
    }
    let field = generator.schema().field(name).ok_or_else(|| {
        ConfigError::invalid(
            SCHEMA_KEYFIELD_CONFIG,
            name,
            format!("the schema has no top-level field {name}"),
        )
    })?;
    Ok(Some(field.index))
}

/// `max.interval`; when only `records.per.second` is given, the rate alone sets the pace.
fn max_interval(config: &Config) -> Duration {
    let given = config.originals().contains_key(MAX_INTERVAL_CONFIG);
    let millis = match config.long(MAX_INTERVAL_CONFIG) {
        _ if !given && config.double(RECORDS_PER_SECOND_CONFIG).is_some() => 0,
        Some(millis) => u64::try_from(millis)
            .unwrap_or(0)
            .min(MAX_PAUSE.as_millis() as u64),
        None => 0,
    };
    Duration::from_millis(millis)
}

/// A long config value shortened for an error message.
fn abbreviated(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// `io.confluent.kafka.connect.datagen.DatagenConnector`: `tasks.max` tasks, each generating
/// its own `iterations` records (Confluent's per-task count), told apart by `task.id`.
#[derive(Debug, Default)]
pub struct DatagenConnector {
    config: RawConfig,
}

impl Connector for DatagenConnector {
    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    fn config_def(&self) -> ConfigDef {
        config_def()
    }

    /// Checks the declared keys, then (when they are valid) the schema and key field, reporting
    /// a schema problem against the key that supplied the schema.
    fn validate(&self, config: &RawConfig) -> Vec<(ConfigKeyInfo, ConfigValueInfo)> {
        let mut report = config_def().validate(config);
        if report.iter().all(|(_, value)| value.errors.is_empty())
            && let Err(error) = Settings::parse(config)
        {
            let key = error.key().unwrap_or(QUICKSTART_CONFIG).to_owned();
            if let Some((_, value)) = report.iter_mut().find(|(info, _)| info.name == key) {
                value.errors.push(error.to_string());
            }
        }
        report
    }

    fn start(&mut self, config: &RawConfig) -> Result<(), ConnectError> {
        Settings::parse(config).map_err(|error| {
            ConnectError::fatal(format!(
                "Datagen connector could not start because of an error in the configuration: \
                 {error}"
            ))
        })?;
        self.config = config.clone();
        Ok(())
    }

    fn task_configs(&self, max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
        Ok((0..max_tasks)
            .map(|task| {
                let mut config = self.config.clone();
                config.insert(TASK_ID.to_owned(), task.to_string());
                config
            })
            .collect())
    }

    fn stop(&mut self) -> Result<(), ConnectError> {
        Ok(())
    }
}

impl SourceConnector for DatagenConnector {
    fn create_task(&self) -> Box<dyn SourceTask> {
        Box::new(DatagenTask::default())
    }
}
