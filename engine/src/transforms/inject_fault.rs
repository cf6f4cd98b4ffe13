//! `io.sluice.connect.transforms.InjectFault`: Sluice's fault injection for load tests and
//! resilience checks — panics the task after a number of records, to prove that supervision
//! restarts it and that no record is lost. Not a Kafka transform.
//!
//! Keys: `panic.after.records` (records each task instance passes before it panics) and
//! `panic.times` (how many panics the whole process allows for this `fault.id`; -1 for no
//! limit), so a test can make a task fail once and watch it recover.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::config::{
    ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig, Validator,
};
use crate::record::{Record, RecordPart};

use super::{Outcome, Transform, TransformError};

/// Sluice's class name.
pub(crate) const CLASS: &str = "io.sluice.connect.transforms.InjectFault";
const PANIC_AFTER: &str = "panic.after.records";
const PANIC_TIMES: &str = "panic.times";
const FAULT_ID: &str = "fault.id";

/// Panics a task after `panic.after.records` records.
#[derive(Debug)]
pub struct InjectFault {
    after: u64,
    times: Option<u64>,
    id: String,
    seen: AtomicU64,
}

/// The keys of `InjectFault`.
pub fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(PANIC_AFTER, ConfigType::Long)
                .importance(Importance::High)
                .validator(Validator::at_least(1))
                .doc("Records a task instance passes through before it panics."),
        )
        .define(
            ConfigKey::new(PANIC_TIMES, ConfigType::Long)
                .default_value("-1")
                .validator(Validator::at_least(-1))
                .importance(Importance::Medium)
                .doc("Panics allowed in the whole process for this fault.id; -1 for no limit."),
        )
        .define(
            ConfigKey::new(FAULT_ID, ConfigType::String)
                .default_value("default")
                .importance(Importance::Low)
                .doc("Names the panic budget that panic.times counts against."),
        )
}

/// Builds an `InjectFault`.
pub fn build(
    raw: &RawConfig,
    _part: Option<RecordPart>,
) -> Result<Box<dyn Transform>, ConfigError> {
    let config = config_def().parse(raw)?;
    let after = config.long(PANIC_AFTER).unwrap_or(1).max(1) as u64;
    let times = config
        .long(PANIC_TIMES)
        .and_then(|times| u64::try_from(times).ok());
    Ok(Box::new(InjectFault {
        after,
        times,
        id: config.string(FAULT_ID).unwrap_or("default").to_owned(),
        seen: AtomicU64::new(0),
    }))
}

/// Panics so far per `fault.id`, across every task of the process.
fn panics() -> &'static Mutex<HashMap<String, u64>> {
    static PANICS: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    PANICS.get_or_init(Mutex::default)
}

impl Transform for InjectFault {
    fn apply(&self, _record: &mut Record) -> Result<Outcome, TransformError> {
        let seen = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
        if seen == self.after {
            let mut panics = panics()
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = panics.entry(self.id.clone()).or_default();
            if self.times.is_none_or(|times| *count < times) {
                *count += 1;
                drop(panics);
                panic!("InjectFault: panicking after {seen} records as configured");
            }
        }
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(after: &str, times: &str, id: &str) -> Box<dyn Transform> {
        let raw = [(PANIC_AFTER, after), (PANIC_TIMES, times), (FAULT_ID, id)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        build(&raw, None).expect("valid")
    }

    #[test]
    fn panics_after_the_configured_records_within_its_budget() {
        let first = fault("2", "1", "unit-test-budget");
        let mut record = Record::sink("t", 0, 0);
        assert_eq!(first.apply(&mut record), Ok(Outcome::Keep));
        let panicked =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| first.apply(&mut record)));
        assert!(panicked.is_err());
        // The budget of one panic is spent: a new instance passes every record.
        let second = fault("2", "1", "unit-test-budget");
        for _ in 0..5 {
            assert_eq!(second.apply(&mut record), Ok(Outcome::Keep));
        }
    }

    #[test]
    fn a_missing_or_bad_threshold_is_rejected() {
        assert!(build(&RawConfig::new(), None).is_err());
        let raw = [(PANIC_AFTER.to_owned(), "0".to_owned())]
            .into_iter()
            .collect();
        assert!(build(&raw, None).is_err());
    }
}
