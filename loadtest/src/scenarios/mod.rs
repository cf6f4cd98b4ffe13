//! The scenarios and their registry. Adding one is a module exposing a `SCENARIO` constant
//! plus one line in [`ALL`].

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::report::Report;

mod broker_faults;
mod datagen_kafka;
mod file_kafka_file;
mod file_latency;
mod idle_rss;
mod json_avro_smt;
mod kafka_copy;
mod kafka_file;
mod mirror_kafka_kafka;
mod poison_records_dlq;
mod stalled_sink;
mod startup;
mod task_panics;
mod throughput;
mod worker_kill_restart;

/// Every scenario, in the order a full run takes them.
pub const ALL: &[Scenario] = &[
    startup::SCENARIO,
    idle_rss::SCENARIO,
    file_kafka_file::SCENARIO,
    file_latency::SCENARIO,
    datagen_kafka::SCENARIO,
    kafka_file::SCENARIO,
    mirror_kafka_kafka::SCENARIO,
    json_avro_smt::SCENARIO,
    worker_kill_restart::SCENARIO,
    task_panics::SCENARIO,
    poison_records_dlq::SCENARIO,
    stalled_sink::SCENARIO,
    broker_faults::SCENARIO,
];

/// A named scenario: what `--scenario NAME` selects.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// The name given to `--scenario` and written as `scenario` in the report.
    pub name: &'static str,
    /// One line on what it measures, for `--list`.
    pub about: &'static str,
    /// Runs the scenario. An error ends it with a `fail` verdict carrying the error.
    pub run: fn(&Context) -> anyhow::Result<Report>,
}

/// The scenario called `name`.
pub fn find(name: &str) -> Option<&'static Scenario> {
    ALL.iter().find(|scenario| scenario.name == name)
}

/// What every scenario runs with.
#[derive(Debug, Clone)]
pub struct Context {
    /// `--quick`: short runs, the whole run within 60 s.
    pub quick: bool,
    /// The Kafka broker's bootstrap servers.
    pub bootstrap: String,
    /// The release `sluice` binary to measure.
    pub sluice: PathBuf,
    /// A scratch directory removed after the run.
    pub work_dir: PathBuf,
}

impl Context {
    /// A fresh scratch directory `work_dir/<name>`.
    pub fn scratch(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = self.work_dir.join(name);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(dir)
    }

    /// `quick` in `--quick` mode, `full` otherwise.
    pub fn pick<T>(&self, quick: T, full: T) -> T {
        if self.quick { quick } else { full }
    }
}

/// Writes `lines` short text lines to `path`: a FileStreamSource input that is not empty.
pub fn write_small_input(path: &Path, lines: usize) -> anyhow::Result<()> {
    let text: String = (0..lines).map(|i| format!("line {i}\n")).collect();
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_are_unique_and_found() {
        for scenario in ALL {
            assert_eq!(
                find(scenario.name).map(|found| found.name),
                Some(scenario.name)
            );
        }
        let mut names: Vec<&str> = ALL.iter().map(|scenario| scenario.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        assert!(find("no_such_scenario").is_none());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[300.0, 100.0, 200.0]), Some(200.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
