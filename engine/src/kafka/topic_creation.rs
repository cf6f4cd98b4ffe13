//! [`TopicCreation`]: a source connector's `topic.creation.*` groups (Kafka Connect's
//! `TopicCreationConfig`, `TopicCreationGroup` and `TopicCreation`), creating each topic the task
//! has not seen before its first send.

use std::collections::HashSet;

use indexmap::IndexMap;
use regex::Regex;

use super::{CreateOutcome, KafkaAdmin, KafkaClientError, NewTopicSpec};
use crate::config::{ConfigError, ConfigType, ConfigValue, RawConfig};

const PREFIX: &str = "topic.creation.";
const DEFAULT_GROUP: &str = "default";
/// The keys of a group that are not topic configs.
const GROUP_KEYS: &[&str] = &["include", "exclude", "replication.factor", "partitions"];

/// One `topic.creation.<group>` group: which topics it covers and how they are created.
#[derive(Debug, Clone)]
pub struct TopicCreationGroup {
    /// The group alias (`default` for the fallback group).
    pub name: String,
    include: Option<Regex>,
    exclude: Option<Regex>,
    /// Partitions; `-1` for the broker default.
    pub partitions: i32,
    /// Replication factor; `-1` for the broker default.
    pub replication_factor: i16,
    /// Topic configs given under the group's prefix, e.g. `cleanup.policy`.
    pub configs: IndexMap<String, String>,
}

impl TopicCreationGroup {
    /// True when `topic` matches an include pattern and no exclude pattern (exclusion wins).
    /// The default group includes every topic.
    pub fn matches(&self, topic: &str) -> bool {
        let included = self.include.as_ref().is_some_and(|re| re.is_match(topic));
        let excluded = self.exclude.as_ref().is_some_and(|re| re.is_match(topic));
        included && !excluded
    }

    /// The topic to create for `topic`.
    pub fn new_topic(&self, topic: &str) -> NewTopicSpec {
        NewTopicSpec {
            name: topic.to_owned(),
            partitions: self.partitions,
            replication_factor: self.replication_factor,
            configs: self.configs.clone(),
        }
    }
}

/// A source task's topic creation: its groups, `default` last, and the topics already handled.
#[derive(Debug, Clone)]
pub struct TopicCreation {
    groups: Vec<TopicCreationGroup>,
    seen: HashSet<String>,
}

impl TopicCreation {
    /// The topic creation of a connector, or `None` when it is off: the worker's
    /// `topic.creation.enable` is false, or the connector has no `topic.creation.` key.
    pub fn from_config(
        worker: &RawConfig,
        connector: &RawConfig,
    ) -> Result<Option<Self>, ConfigError> {
        let enabled = match worker.get("topic.creation.enable") {
            None => true,
            Some(text) => matches!(
                ConfigType::Boolean.parse("topic.creation.enable", text)?,
                ConfigValue::Boolean(true)
            ),
        };
        if !enabled || !connector.keys().any(|key| key.starts_with(PREFIX)) {
            return Ok(None);
        }
        let default = default_group(connector)?;
        let mut groups = Vec::new();
        for name in list(connector, "topic.creation.groups")? {
            if name == DEFAULT_GROUP || groups.iter().any(|g: &TopicCreationGroup| g.name == name) {
                continue;
            }
            groups.push(group(connector, &name, &default)?);
        }
        groups.push(default);
        Ok(Some(Self {
            groups,
            seen: HashSet::new(),
        }))
    }

    /// The groups in matching order, `default` last.
    pub fn groups(&self) -> &[TopicCreationGroup] {
        &self.groups
    }

    /// The first group that matches `topic`; `default` matches every topic.
    pub fn group_for(&self, topic: &str) -> &TopicCreationGroup {
        self.groups
            .iter()
            .find(|group| group.matches(topic))
            .unwrap_or_else(|| {
                self.groups
                    .last()
                    .expect("the default group is always present")
            })
    }

    /// True when `topic` was already created or found.
    pub fn is_known(&self, topic: &str) -> bool {
        self.seen.contains(topic)
    }

    /// Creates `topic` through `admin` unless this task already did or found it; `Ok(None)`
    /// when nothing needed doing.
    pub fn maybe_create(
        &mut self,
        admin: &KafkaAdmin,
        topic: &str,
    ) -> Result<Option<CreateOutcome>, KafkaClientError> {
        if self.seen.contains(topic) {
            return Ok(None);
        }
        let outcome = admin.create_topic(&self.group_for(topic).new_topic(topic))?;
        self.seen.insert(topic.to_owned());
        Ok(Some(outcome))
    }
}

fn list(raw: &RawConfig, key: &str) -> Result<Vec<String>, ConfigError> {
    match raw.get(key) {
        None => Ok(Vec::new()),
        Some(text) => match ConfigType::List.parse(key, text)? {
            ConfigValue::List(items) => Ok(items),
            _ => Ok(Vec::new()),
        },
    }
}

fn number(raw: &RawConfig, key: &str, ty: ConfigType) -> Result<Option<i64>, ConfigError> {
    let Some(text) = raw.get(key) else {
        return Ok(None);
    };
    let value = match ty.parse(key, text)? {
        ConfigValue::Int(n) => i64::from(n),
        ConfigValue::Short(n) => i64::from(n),
        _ => return Ok(None),
    };
    if value < 1 && value != -1 {
        let what = if ty == ConfigType::Int {
            "Number of partitions"
        } else {
            "Replication factor"
        };
        return Err(ConfigError::invalid(
            key,
            text,
            format!("{what} must be positive, or -1 to use the broker's default"),
        ));
    }
    Ok(Some(value))
}

/// Java's `Pattern.matches` semantics: the whole name must match one of the patterns.
fn patterns(raw: &RawConfig, key: &str) -> Result<Option<Regex>, ConfigError> {
    let items = list(raw, key)?;
    if items.is_empty() {
        return Ok(None);
    }
    let joined = items.join("|");
    Regex::new(&format!("^(?:{joined})$"))
        .map(Some)
        .map_err(|error| {
            ConfigError::invalid(
                key,
                raw[key].as_str(),
                format!("Syntax error in regular expression: {error}"),
            )
        })
}

fn topic_configs(raw: &RawConfig, group: &str) -> IndexMap<String, String> {
    let prefix = format!("{PREFIX}{group}.");
    raw.iter()
        .filter_map(|(key, value)| {
            let name = key.strip_prefix(&prefix)?;
            (!GROUP_KEYS.contains(&name)).then(|| (name.to_owned(), value.clone()))
        })
        .collect()
}

fn default_group(raw: &RawConfig) -> Result<TopicCreationGroup, ConfigError> {
    let key = |name: &str| format!("{PREFIX}{DEFAULT_GROUP}.{name}");
    let rf_key = key("replication.factor");
    let partitions_key = key("partitions");
    let replication_factor =
        number(raw, &rf_key, ConfigType::Short)?.ok_or(ConfigError::Missing { key: rf_key })?;
    let partitions =
        number(raw, &partitions_key, ConfigType::Int)?.ok_or(ConfigError::Missing {
            key: partitions_key,
        })?;
    Ok(TopicCreationGroup {
        name: DEFAULT_GROUP.to_owned(),
        // The user's include/exclude for `default` are dropped, as in Kafka.
        include: Some(Regex::new("^(?:.*)$").expect("a valid literal regex")),
        exclude: None,
        partitions: partitions as i32,
        replication_factor: replication_factor as i16,
        configs: topic_configs(raw, DEFAULT_GROUP),
    })
}

fn group(
    raw: &RawConfig,
    name: &str,
    default: &TopicCreationGroup,
) -> Result<TopicCreationGroup, ConfigError> {
    let key = |suffix: &str| format!("{PREFIX}{name}.{suffix}");
    Ok(TopicCreationGroup {
        name: name.to_owned(),
        include: patterns(raw, &key("include"))?,
        exclude: patterns(raw, &key("exclude"))?,
        partitions: number(raw, &key("partitions"), ConfigType::Int)?
            .map_or(default.partitions, |n| n as i32),
        replication_factor: number(raw, &key("replication.factor"), ConfigType::Short)?
            .map_or(default.replication_factor, |n| n as i16),
        configs: topic_configs(raw, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    fn creation(pairs: &[(&str, &str)]) -> TopicCreation {
        TopicCreation::from_config(&raw(&[]), &raw(pairs))
            .expect("valid")
            .expect("enabled")
    }

    #[test]
    fn off_without_topic_creation_keys_or_when_the_worker_disables_it() {
        assert!(
            TopicCreation::from_config(&raw(&[]), &raw(&[("name", "c")]))
                .expect("valid")
                .is_none()
        );
        let connector = raw(&[
            ("topic.creation.default.partitions", "3"),
            ("topic.creation.default.replication.factor", "1"),
        ]);
        let worker = raw(&[("topic.creation.enable", "false")]);
        assert!(
            TopicCreation::from_config(&worker, &connector)
                .expect("valid")
                .is_none()
        );
    }

    #[test]
    fn default_partitions_and_replication_are_required() {
        let error = TopicCreation::from_config(
            &raw(&[]),
            &raw(&[("topic.creation.default.partitions", "3")]),
        )
        .expect_err("rf missing");
        assert_eq!(
            error.key(),
            Some("topic.creation.default.replication.factor")
        );
        let error = TopicCreation::from_config(
            &raw(&[]),
            &raw(&[
                ("topic.creation.default.partitions", "0"),
                ("topic.creation.default.replication.factor", "1"),
            ]),
        )
        .expect_err("0 partitions");
        assert_eq!(error.key(), Some("topic.creation.default.partitions"));
    }

    #[test]
    fn first_matching_group_wins_exclude_beats_include_default_is_last() {
        let creation = creation(&[
            ("topic.creation.groups", "compacted, big"),
            ("topic.creation.default.partitions", "-1"),
            ("topic.creation.default.replication.factor", "-1"),
            ("topic.creation.default.include", "nothing"),
            ("topic.creation.default.compression.type", "lz4"),
            ("topic.creation.compacted.include", "status-.*, config-.*"),
            ("topic.creation.compacted.exclude", "status-old"),
            ("topic.creation.compacted.cleanup.policy", "compact"),
            ("topic.creation.compacted.replication.factor", "1"),
            ("topic.creation.big.include", ".*"),
            ("topic.creation.big.partitions", "12"),
        ]);
        let names: Vec<_> = creation.groups().iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["compacted", "big", "default"]);

        let status = creation.group_for("status-1");
        assert_eq!(status.name, "compacted");
        assert_eq!(status.partitions, -1, "inherits the default's partitions");
        assert_eq!(status.replication_factor, 1);
        assert_eq!(
            status.new_topic("status-1").configs,
            IndexMap::from([("cleanup.policy".to_owned(), "compact".to_owned())])
        );
        assert_eq!(
            creation.group_for("status-old").name,
            "big",
            "exclusion wins"
        );
        assert_eq!(
            creation.group_for("xstatus-1").name,
            "big",
            "patterns match whole names"
        );
        assert_eq!(creation.group_for("orders").partitions, 12);
    }

    #[test]
    fn default_group_takes_every_unmatched_topic_with_its_configs() {
        let creation = creation(&[
            ("topic.creation.groups", "logs"),
            ("topic.creation.default.partitions", "3"),
            ("topic.creation.default.replication.factor", "1"),
            ("topic.creation.default.exclude", ".*"),
            ("topic.creation.default.retention.ms", "1000"),
            ("topic.creation.logs.include", "logs"),
        ]);
        let group = creation.group_for("orders");
        assert_eq!(group.name, "default", "user exclude of default is dropped");
        let spec = group.new_topic("orders");
        assert_eq!((spec.partitions, spec.replication_factor), (3, 1));
        assert_eq!(
            spec.configs.get("retention.ms").map(String::as_str),
            Some("1000")
        );
        assert!(
            creation.group_for("logs").configs.is_empty(),
            "groups do not inherit configs"
        );
    }
}
