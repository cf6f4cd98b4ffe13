//! What a scenario measured ([`Report`]), and its two renderings: one human table row per
//! scenario, and the JSON array written by `--json FILE`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use serde_json::{Map, Value};

/// A scenario's overall outcome. Only correctness (loss, corruption, a scenario that could not
/// run) fails; a missed performance target is reported in [`Report::meets_target`] instead,
/// since absolute figures drift on shared machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every record accounted for, the scenario ran to its end.
    Pass,
    /// A record was lost or corrupted, or the scenario could not run.
    Fail,
}

/// How a measured figure compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    /// The figure must be below the target value.
    #[serde(rename = "<")]
    Below,
    /// The figure must be at least the target value.
    #[serde(rename = ">=")]
    AtLeast,
}

/// A performance target of the issue a scenario measures, e.g. `startup_ms < 200`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The name of the figure the target is about (a field of the report).
    pub metric: &'static str,
    /// `<` or `>=`.
    pub op: Comparison,
    /// The target value, in the figure's unit.
    pub value: f64,
}

impl Target {
    /// `metric < value`.
    pub fn below(metric: &'static str, value: f64) -> Self {
        Self {
            metric,
            op: Comparison::Below,
            value,
        }
    }

    /// `metric >= value`.
    pub fn at_least(metric: &'static str, value: f64) -> Self {
        Self {
            metric,
            op: Comparison::AtLeast,
            value,
        }
    }

    /// Whether `measured` meets the target.
    pub fn is_met_by(&self, measured: f64) -> bool {
        match self.op {
            Comparison::Below => measured < self.value,
            Comparison::AtLeast => measured >= self.value,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match self.op {
            Comparison::Below => "<",
            Comparison::AtLeast => ">=",
        };
        write!(f, "{} {op} {}", self.metric, self.value)
    }
}

/// What one scenario measured. Fields that do not apply to a scenario stay `None` and are
/// written as JSON `null`; scenario-specific figures go in [`Report::extra`].
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The scenario's name, as given to `--scenario`.
    pub scenario: String,
    /// Records per second through Sluice.
    pub records_per_sec: Option<f64>,
    /// Megabytes (10^6 bytes) of record payload per second through Sluice.
    pub mb_per_sec: Option<f64>,
    /// Records per second of the same-run baseline.
    pub baseline_records_per_sec: Option<f64>,
    /// `records_per_sec / baseline_records_per_sec`.
    pub ratio: Option<f64>,
    /// Median end-to-end latency, in milliseconds.
    pub p50_ms: Option<f64>,
    /// 99th percentile end-to-end latency, in milliseconds.
    pub p99_ms: Option<f64>,
    /// Largest end-to-end latency, in milliseconds.
    pub max_ms: Option<f64>,
    /// Peak resident set size of the Sluice process (`VmHWM`), in bytes.
    pub peak_rss_bytes: Option<u64>,
    /// CPU time of the Sluice process (user + system), in seconds.
    pub cpu_seconds: Option<f64>,
    /// Records written to the source that never reached the destination.
    pub lost: Option<u64>,
    /// Extra copies of records at the destination (at-least-once redelivery).
    pub duplicated: Option<u64>,
    /// Records routed to the dead letter queue.
    pub dlq: Option<u64>,
    /// The issue's performance target this scenario measures.
    pub target: Option<Target>,
    /// Whether the measured figure meets [`Report::target`].
    pub meets_target: Option<bool>,
    /// How long the scenario took, baselines and set-up included, in seconds.
    pub wall_seconds: Option<f64>,
    /// `pass` unless a correctness check failed.
    pub verdict: Verdict,
    /// Why the verdict is `fail` (empty on `pass`).
    pub failures: Vec<String>,
    /// A one-line human summary of the headline figure, for the table.
    pub summary: String,
    /// Scenario-specific figures, e.g. `startup_ms`, `idle_rss_bytes`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Report {
    /// An empty, passing report of `scenario`.
    pub fn new(scenario: &str) -> Self {
        Self {
            scenario: scenario.to_owned(),
            records_per_sec: None,
            mb_per_sec: None,
            baseline_records_per_sec: None,
            ratio: None,
            p50_ms: None,
            p99_ms: None,
            max_ms: None,
            peak_rss_bytes: None,
            cpu_seconds: None,
            lost: None,
            duplicated: None,
            dlq: None,
            target: None,
            meets_target: None,
            wall_seconds: None,
            verdict: Verdict::Pass,
            failures: Vec::new(),
            summary: String::new(),
            extra: Map::new(),
        }
    }

    /// A failed report of a scenario that could not run to its end.
    pub fn errored(scenario: &str, error: &anyhow::Error) -> Self {
        let mut report = Self::new(scenario);
        report.fail(format!("{error:#}"));
        report.summary = "error".to_owned();
        report
    }

    /// Marks the report failed, for `reason`.
    pub fn fail(&mut self, reason: impl Into<String>) {
        self.verdict = Verdict::Fail;
        self.failures.push(reason.into());
    }

    /// Sets the target and whether `measured` meets it.
    pub fn set_target(&mut self, target: Target, measured: f64) {
        self.meets_target = Some(target.is_met_by(measured));
        self.target = Some(target);
    }

    /// Sets records/s and MB/s: `records_per_sec` records of `record_bytes` bytes each.
    pub fn set_rate(&mut self, records_per_sec: Option<f64>, record_bytes: usize) {
        self.records_per_sec = records_per_sec;
        self.mb_per_sec = records_per_sec.map(|rate| rate * record_bytes as f64 / 1e6);
    }

    /// Adds a scenario-specific figure.
    pub fn set_extra(&mut self, key: &str, value: impl Into<Value>) {
        self.extra.insert(key.to_owned(), value.into());
    }
}

/// The table's columns: header and width.
const COLUMNS: &[(&str, usize)] = &[
    ("scenario", 16),
    ("records/s", 10),
    ("MB/s", 6),
    ("baseline/s", 10),
    ("ratio", 6),
    ("peak RSS", 9),
    ("CPU s", 6),
    ("lost", 5),
    ("dup", 5),
    ("dlq", 4),
    ("target", 26),
    ("met", 4),
    ("wall s", 6),
    ("verdict", 7),
];

/// The table header and its underline.
pub fn table_header() -> String {
    let cells: Vec<String> = COLUMNS.iter().map(|(name, _)| name.to_string()).collect();
    let header = row(&cells);
    let rule = "-".repeat(header.len());
    format!("{header}\n{rule}")
}

/// One table row for `report`, followed by its summary and any failures on indented lines.
pub fn table_row(report: &Report) -> String {
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let cells = vec![
        report.scenario.clone(),
        or_dash(report.records_per_sec.map(|v| format!("{v:.0}"))),
        or_dash(report.mb_per_sec.map(|v| format!("{v:.1}"))),
        or_dash(report.baseline_records_per_sec.map(|v| format!("{v:.0}"))),
        or_dash(report.ratio.map(|v| format!("{v:.2}"))),
        or_dash(report.peak_rss_bytes.map(mebibytes)),
        or_dash(report.cpu_seconds.map(|v| format!("{v:.2}"))),
        or_dash(report.lost.map(|v| v.to_string())),
        or_dash(report.duplicated.map(|v| v.to_string())),
        or_dash(report.dlq.map(|v| v.to_string())),
        or_dash(report.target.as_ref().map(Target::to_string)),
        or_dash(
            report
                .meets_target
                .map(|met| if met { "yes" } else { "NO" }.to_owned()),
        ),
        or_dash(report.wall_seconds.map(|v| format!("{v:.1}"))),
        match report.verdict {
            Verdict::Pass => "pass".to_owned(),
            Verdict::Fail => "FAIL".to_owned(),
        },
    ];
    let mut text = row(&cells);
    if !report.summary.is_empty() {
        text.push_str(&format!("\n    {}", report.summary));
    }
    for failure in &report.failures {
        text.push_str(&format!("\n    failure: {failure}"));
    }
    text
}

fn row(cells: &[String]) -> String {
    let mut line = String::new();
    for ((_, width), cell) in COLUMNS.iter().zip(cells) {
        line.push_str(&format!("{cell:<width$} "));
    }
    line.trim_end().to_owned()
}

/// `bytes` as mebibytes with one decimal, e.g. `12.3M`.
pub fn mebibytes(bytes: u64) -> String {
    format!("{:.1}M", bytes as f64 / (1024.0 * 1024.0))
}

/// The JSON array of `reports`, one object per scenario.
pub fn to_json(reports: &[Report]) -> anyhow::Result<String> {
    serde_json::to_string_pretty(reports).context("serialising the reports")
}

/// Writes the JSON array of `reports` to `path`.
pub fn write_json(path: &Path, reports: &[Report]) -> anyhow::Result<()> {
    let json = to_json(reports)?;
    let mut file = std::fs::File::create(path)
        .with_context(|| format!("creating the JSON report {}", path.display()))?;
    file.write_all(json.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .with_context(|| format!("writing the JSON report {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        let mut report = Report::new("file_kafka_file");
        report.records_per_sec = Some(150_000.0);
        report.baseline_records_per_sec = Some(200_000.0);
        report.ratio = Some(0.75);
        report.peak_rss_bytes = Some(30 * 1024 * 1024);
        report.lost = Some(0);
        report.duplicated = Some(3);
        report.set_target(Target::at_least("ratio", 0.8), 0.75);
        report.set_extra("records", 200_000);
        report
    }

    #[test]
    fn json_is_an_array_of_objects_with_the_issue_fields() {
        let json: Value = serde_json::from_str(&to_json(&[sample()]).unwrap()).unwrap();
        let object = json.as_array().unwrap()[0].as_object().unwrap();
        for field in [
            "scenario",
            "records_per_sec",
            "baseline_records_per_sec",
            "ratio",
            "p50_ms",
            "p99_ms",
            "peak_rss_bytes",
            "lost",
            "duplicated",
            "dlq",
            "verdict",
            "target",
            "meets_target",
            "cpu_seconds",
        ] {
            assert!(object.contains_key(field), "missing {field}: {json}");
        }
        assert_eq!(object["scenario"], "file_kafka_file");
        assert_eq!(object["records_per_sec"], 150_000.0);
        assert_eq!(object["ratio"], 0.75);
        assert_eq!(object["duplicated"], 3);
        assert_eq!(object["verdict"], "pass");
        assert_eq!(object["meets_target"], false);
        assert_eq!(
            object["target"],
            serde_json::json!({"metric": "ratio", "op": ">=", "value": 0.8})
        );
    }

    #[test]
    fn fields_that_do_not_apply_are_null() {
        let json: Value =
            serde_json::from_str(&to_json(&[Report::new("startup")]).unwrap()).unwrap();
        let object = &json[0];
        assert_eq!(object["p50_ms"], Value::Null);
        assert_eq!(object["dlq"], Value::Null);
        assert_eq!(object["baseline_records_per_sec"], Value::Null);
    }

    #[test]
    fn scenario_specific_figures_sit_beside_the_common_ones() {
        let json: Value = serde_json::from_str(&to_json(&[sample()]).unwrap()).unwrap();
        assert_eq!(json[0]["records"], 200_000);
        assert!(json[0].get("extra").is_none(), "flattened: {json}");
    }

    #[test]
    fn a_failure_sets_the_verdict_and_keeps_the_reason() {
        let mut report = Report::new("file_kafka_file");
        report.fail("2 records lost");
        let json: Value = serde_json::from_str(&to_json(&[report]).unwrap()).unwrap();
        assert_eq!(json[0]["verdict"], "fail");
        assert_eq!(json[0]["failures"], serde_json::json!(["2 records lost"]));
    }

    #[test]
    fn targets_compare_strictly_below_and_at_least() {
        assert!(Target::below("startup_ms", 200.0).is_met_by(199.9));
        assert!(!Target::below("startup_ms", 200.0).is_met_by(200.0));
        assert!(Target::at_least("ratio", 0.8).is_met_by(0.8));
        assert!(!Target::at_least("ratio", 0.8).is_met_by(0.79));
    }

    #[test]
    fn table_rows_align_with_the_header_and_list_failures() {
        let mut report = sample();
        report.fail("1 record lost");
        let row = table_row(&report);
        let header = table_header();
        let first = row.lines().next().unwrap();
        assert!(first.starts_with("file_kafka_file "));
        assert!(first.ends_with("FAIL"));
        assert_eq!(
            header.lines().next().unwrap().find("verdict"),
            first.find("FAIL")
        );
        assert!(row.contains("failure: 1 record lost"));
    }
}
