//! [`TransformChain`]: a connector's `transforms` in order, each with its optional predicate.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::{ConfigError, ConfigType, RawConfig};
use crate::predicates::{Predicate, PredicateRegistry};
use crate::record::{Record, RecordBatch};

use super::fusion::{self, FusedRun, RunStage};
use super::{Outcome, Transform, TransformError, TransformRegistry};

/// A transform in the chain failed on a record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("transform `{alias}` failed: {error}")]
pub struct ChainError {
    /// The alias from `transforms`.
    pub alias: String,
    /// What went wrong.
    pub error: TransformError,
}

struct Stage {
    alias: String,
    transform: Box<dyn Transform>,
    predicate: Option<Arc<dyn Predicate>>,
    negate: bool,
    /// The fused run starting at this transform, if any.
    run: Option<FusedRun>,
}

impl Stage {
    /// Kafka's rule: run when there is no predicate, or when `negate XOR predicate.test`.
    fn applies_to(&self, record: &Record) -> bool {
        self.predicate
            .as_ref()
            .is_none_or(|predicate| self.negate ^ predicate.test(record))
    }
}

impl RunStage for Stage {
    fn alias(&self) -> &str {
        &self.alias
    }

    fn transform(&self) -> &dyn Transform {
        self.transform.as_ref()
    }
}

/// The configured transforms of a connector, applied in the order of `transforms`.
#[derive(Default)]
pub struct TransformChain {
    stages: Vec<Stage>,
}

impl TransformChain {
    /// Builds the chain from a connector config: `transforms`, `transforms.<alias>.type`,
    /// `.predicate`, `.negate` and the transform's own keys; `predicates` and
    /// `predicates.<alias>.type` with theirs. Errors name the offending key.
    pub fn from_config(
        raw: &RawConfig,
        transforms: &TransformRegistry,
        predicates: &PredicateRegistry,
    ) -> Result<Self, ConfigError> {
        let built_predicates = build_predicates(raw, predicates)?;
        let mut stages = Vec::new();
        for alias in aliases(raw, "transforms")? {
            let prefix = format!("transforms.{alias}.");
            let type_key = format!("{prefix}type");
            let class = raw.get(&type_key).ok_or_else(|| ConfigError::Missing {
                key: type_key.clone(),
            })?;
            let (plugin, part) = transforms.lookup(class).ok_or_else(|| {
                ConfigError::invalid(
                    &type_key,
                    class,
                    format!("Class {class} could not be found."),
                )
            })?;
            let own = settings_under(raw, &prefix);
            let transform =
                (plugin.build)(&own, part).map_err(|error| prefix_key(error, &prefix))?;
            let (predicate, negate) = stage_predicate(raw, &prefix, &built_predicates)?;
            stages.push(Stage {
                alias,
                transform,
                predicate,
                negate,
                run: None,
            });
        }
        let mut chain = Self { stages };
        chain.fuse();
        Ok(chain)
    }

    /// Adds a transform at the end, without a predicate.
    pub fn push(&mut self, alias: impl Into<String>, transform: Box<dyn Transform>) -> &mut Self {
        self.stages.push(Stage {
            alias: alias.into(),
            transform,
            predicate: None,
            negate: false,
            run: None,
        });
        self.fuse();
        self
    }

    /// Finds the runs of transforms that can be applied fused ([`fusion`]).
    fn fuse(&mut self) {
        let described: Vec<(&dyn Transform, bool)> = self
            .stages
            .iter()
            .map(|stage| (stage.transform.as_ref(), stage.predicate.is_some()))
            .collect();
        let runs = fusion::plan_runs(&described);
        for (stage, run) in self.stages.iter_mut().zip(runs) {
            stage.run = run;
        }
    }

    /// Number of transforms.
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// True when there is no transform.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// Runs `record` through the chain. A dropped record stops the chain.
    pub fn apply(&self, record: &mut Record) -> Result<Outcome, ChainError> {
        let mut next = 0;
        while let Some(stage) = self.stages.get(next) {
            if let Some(run) = &stage.run {
                let done = self.apply_run(next, run, record)?;
                if done > 0 {
                    next += done;
                    continue;
                }
            }
            next += 1;
            if !stage.applies_to(record) {
                continue;
            }
            let outcome = stage.transform.apply(record).map_err(|error| ChainError {
                alias: stage.alias.clone(),
                error,
            })?;
            if outcome == Outcome::Drop {
                return Ok(Outcome::Drop);
            }
        }
        Ok(Outcome::Keep)
    }

    /// Applies the fused `run` starting at stage `start`; says how many transforms it applied.
    fn apply_run(
        &self,
        start: usize,
        run: &FusedRun,
        record: &mut Record,
    ) -> Result<usize, ChainError> {
        match self.stages.get(start..start + run.len()) {
            Some(stages) => run.apply(stages, record),
            None => Ok(0),
        }
    }

    /// Runs every record of `batch` through the chain, keeping the survivors in order. A record
    /// that fails is taken out of the batch and handed to `on_error`, so nothing is lost silently.
    pub fn apply_batch(
        &self,
        batch: &mut RecordBatch,
        mut on_error: impl FnMut(Record, ChainError),
    ) {
        if self.stages.is_empty() {
            return;
        }
        let records = std::mem::take(&mut batch.records);
        batch.records.reserve(records.len());
        for mut record in records {
            match self.apply(&mut record) {
                Ok(Outcome::Keep) => batch.records.push(record),
                Ok(Outcome::Drop) => {}
                Err(error) => on_error(record, error),
            }
        }
    }
}

/// The unique aliases listed under `key` (`transforms` or `predicates`).
fn aliases(raw: &RawConfig, key: &str) -> Result<Vec<String>, ConfigError> {
    let listed = raw.get(key).map(String::as_str).unwrap_or("");
    let Ok(crate::config::ConfigValue::List(aliases)) = ConfigType::List.parse(key, listed) else {
        return Ok(Vec::new());
    };
    let mut seen = Vec::with_capacity(aliases.len());
    for alias in aliases {
        if alias.is_empty() {
            return Err(ConfigError::invalid(key, listed, "Empty alias provided."));
        }
        if seen.contains(&alias) {
            return Err(ConfigError::invalid(
                key,
                listed,
                "Duplicate alias provided.",
            ));
        }
        seen.push(alias);
    }
    Ok(seen)
}

/// The keys under `prefix`, with the prefix removed.
fn settings_under(raw: &RawConfig, prefix: &str) -> RawConfig {
    raw.iter()
        .filter_map(|(key, value)| Some((key.strip_prefix(prefix)?.to_owned(), value.clone())))
        .collect()
}

/// Puts `prefix` back on the key a component's own config error names.
fn prefix_key(error: ConfigError, prefix: &str) -> ConfigError {
    match error {
        ConfigError::Missing { key } => ConfigError::Missing {
            key: format!("{prefix}{key}"),
        },
        ConfigError::Invalid { key, value, reason } => ConfigError::Invalid {
            key: format!("{prefix}{key}"),
            value,
            reason,
        },
        other => other,
    }
}

fn build_predicates(
    raw: &RawConfig,
    registry: &PredicateRegistry,
) -> Result<HashMap<String, Arc<dyn Predicate>>, ConfigError> {
    let mut built = HashMap::new();
    for alias in aliases(raw, "predicates")? {
        let prefix = format!("predicates.{alias}.");
        let type_key = format!("{prefix}type");
        let class = raw.get(&type_key).ok_or_else(|| ConfigError::Missing {
            key: type_key.clone(),
        })?;
        let plugin = registry.lookup(class).ok_or_else(|| {
            ConfigError::invalid(
                &type_key,
                class,
                format!("Class {class} could not be found."),
            )
        })?;
        let predicate = (plugin.build)(&settings_under(raw, &prefix))
            .map_err(|error| prefix_key(error, &prefix))?;
        built.insert(alias, Arc::from(predicate));
    }
    Ok(built)
}

fn stage_predicate(
    raw: &RawConfig,
    prefix: &str,
    predicates: &HashMap<String, Arc<dyn Predicate>>,
) -> Result<(Option<Arc<dyn Predicate>>, bool), ConfigError> {
    let negate_key = format!("{prefix}negate");
    let negate = match raw.get(&negate_key) {
        Some(text) => matches!(
            ConfigType::Boolean.parse(&negate_key, text)?,
            crate::config::ConfigValue::Boolean(true)
        ),
        None => false,
    };
    let predicate_key = format!("{prefix}predicate");
    let Some(name) = raw
        .get(&predicate_key)
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
    else {
        if let Some(text) = raw.get(&negate_key) {
            return Err(ConfigError::invalid(
                &negate_key,
                text,
                "negate can only be used with a predicate",
            ));
        }
        return Ok((None, false));
    };
    let predicate = predicates.get(name).ok_or_else(|| {
        ConfigError::invalid(
            &predicate_key,
            name,
            format!("Predicate alias '{name}' is not listed in 'predicates'"),
        )
    })?;
    Ok((Some(Arc::clone(predicate)), negate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigDef;
    use crate::config::test_support::raw;
    use crate::predicates::PredicatePlugin;
    use crate::transforms::TransformPlugin;

    /// Appends `suffix` to the topic.
    struct Suffix(String);

    impl Transform for Suffix {
        fn apply(&self, record: &mut Record) -> Result<Outcome, TransformError> {
            if record.topic.as_str() == "poison" {
                return Err(TransformError::data("poison record"));
            }
            record.topic = format!("{}{}", record.topic, self.0).into();
            Ok(Outcome::Keep)
        }
    }

    struct DropAll;

    impl Transform for DropAll {
        fn apply(&self, _record: &mut Record) -> Result<Outcome, TransformError> {
            Ok(Outcome::Drop)
        }
    }

    /// True when the topic starts with `a`.
    struct StartsWithA;

    impl Predicate for StartsWithA {
        fn test(&self, record: &Record) -> bool {
            record.topic.starts_with('a')
        }
    }

    fn registries() -> (TransformRegistry, PredicateRegistry) {
        let mut transforms = TransformRegistry::builtin();
        transforms.register(TransformPlugin {
            class_name: "com.example.Suffix",
            key_value: false,
            config_def: ConfigDef::new,
            build: |raw, _| {
                let suffix = raw.get("suffix").ok_or_else(|| ConfigError::Missing {
                    key: "suffix".into(),
                })?;
                Ok(Box::new(Suffix(suffix.clone())))
            },
        });
        transforms.register(TransformPlugin {
            class_name: "com.example.DropAll",
            key_value: false,
            config_def: ConfigDef::new,
            build: |_, _| Ok(Box::new(DropAll)),
        });
        let mut predicates = PredicateRegistry::builtin();
        predicates.register(PredicatePlugin {
            class_name: "com.example.StartsWithA",
            config_def: ConfigDef::new,
            build: |_| Ok(Box::new(StartsWithA)),
        });
        (transforms, predicates)
    }

    fn build(pairs: &[(&str, &str)]) -> Result<TransformChain, ConfigError> {
        let (transforms, predicates) = registries();
        TransformChain::from_config(&raw(pairs), &transforms, &predicates)
    }

    #[test]
    fn transforms_run_in_listed_order_with_predicates_and_negate() {
        let chain = build(&[
            ("transforms", "one, two"),
            ("transforms.one.type", "com.example.Suffix"),
            ("transforms.one.suffix", "-1"),
            ("transforms.one.predicate", "isA"),
            ("transforms.two.type", "Suffix"),
            ("transforms.two.suffix", "-2"),
            ("transforms.two.predicate", "isA"),
            ("transforms.two.negate", "true"),
            ("predicates", "isA"),
            ("predicates.isA.type", "StartsWithA"),
        ])
        .expect("valid chain");
        let mut batch = RecordBatch::new(vec![
            Record::sink("alpha", 0, 0),
            Record::sink("beta", 0, 1),
        ]);
        chain.apply_batch(&mut batch, |_, error| panic!("unexpected failure: {error}"));
        let topics: Vec<_> = batch.records.iter().map(|r| r.topic.to_string()).collect();
        assert_eq!(topics, ["alpha-1", "beta-2"]);
    }

    #[test]
    fn dropped_records_leave_and_failed_records_are_reported() {
        let chain = build(&[
            ("transforms", "s"),
            ("transforms.s.type", "Suffix"),
            ("transforms.s.suffix", "!"),
        ])
        .expect("valid chain");
        let mut batch =
            RecordBatch::new(vec![Record::sink("poison", 0, 0), Record::sink("ok", 0, 1)]);
        let mut failed = Vec::new();
        chain.apply_batch(&mut batch, |record, error| {
            failed.push((record.topic.to_string(), error.alias))
        });
        assert_eq!(failed, [("poison".to_owned(), "s".to_owned())]);
        assert_eq!(batch.records.len(), 1);

        let drop =
            build(&[("transforms", "d"), ("transforms.d.type", "DropAll")]).expect("valid chain");
        let mut record = Record::sink("t", 0, 0);
        assert_eq!(drop.apply(&mut record), Ok(Outcome::Drop));
    }

    #[test]
    fn config_errors_name_the_key() {
        let cases: [(&[(&str, &str)], &str); 6] = [
            (&[("transforms", "a")], "transforms.a.type"),
            (
                &[("transforms", "a"), ("transforms.a.type", "Nope")],
                "transforms.a.type",
            ),
            (
                &[("transforms", "a"), ("transforms.a.type", "Suffix")],
                "transforms.a.suffix",
            ),
            (&[("transforms", "a,a")], "transforms"),
            (
                &[
                    ("transforms", "a"),
                    ("transforms.a.type", "DropAll"),
                    ("transforms.a.predicate", "p"),
                ],
                "transforms.a.predicate",
            ),
            (
                &[
                    ("transforms", "a"),
                    ("transforms.a.type", "DropAll"),
                    ("transforms.a.negate", "true"),
                ],
                "transforms.a.negate",
            ),
        ];
        for (pairs, key) in cases {
            let error = build(pairs)
                .err()
                .unwrap_or_else(|| panic!("{pairs:?} should be rejected"));
            assert_eq!(error.key(), Some(key), "{error}");
        }
    }
}

#[cfg(test)]
#[path = "plan_cache_tests.rs"]
mod plan_cache_tests;

#[cfg(test)]
#[path = "fusion_tests.rs"]
mod fusion_tests;
