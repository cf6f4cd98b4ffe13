//! [`Rounds`]: what the interleaved rounds of a throughput scenario measured — Sluice's and the
//! baseline's rates, Sluice's CPU and peak RSS, the loss accounting — and how they go into the
//! report (medians, sums, the largest peak).

use std::time::Duration;

use super::median;
use crate::accounting::Accounting;
use crate::process::Usage;
use crate::report::Report;

/// The rounds of a throughput scenario so far.
#[derive(Debug, Default)]
pub struct Rounds {
    sluice: Vec<f64>,
    baseline: Vec<f64>,
    cpu: Vec<f64>,
    peak_rss: u64,
    lost: u64,
    duplicated: u64,
}

/// The medians of the rounds: Sluice's records/s, the baseline's, and their ratio.
#[derive(Debug, Clone, Copy)]
pub struct Medians {
    /// Sluice's median records/s.
    pub rate: f64,
    /// The baseline's median records/s.
    pub baseline: f64,
    /// `rate / baseline`.
    pub ratio: f64,
}

impl Rounds {
    /// Sluice moved `records` in `elapsed`, using `usage` by its end.
    pub fn sluice(&mut self, records: u64, elapsed: Duration, usage: &Usage) {
        self.sluice.push(records as f64 / elapsed.as_secs_f64());
        self.cpu.push(usage.cpu_seconds);
        self.peak_rss = self.peak_rss.max(usage.memory.hwm_bytes);
    }

    /// The baseline moved `records` in `elapsed`.
    pub fn baseline(&mut self, records: u64, elapsed: Duration) {
        self.baseline.push(records as f64 / elapsed.as_secs_f64());
    }

    /// Adds round `round`'s accounting of what Sluice delivered; its failures fail the report.
    pub fn account(&mut self, report: &mut Report, round: usize, accounting: &Accounting) {
        self.lost += accounting.lost + accounting.unexpected;
        self.duplicated += accounting.duplicated;
        for failure in accounting.failures() {
            report.fail(format!("round {round}: {failure}"));
        }
    }

    /// Writes the rounds into `report` (`records` per round of `value_bytes` each, against
    /// `baseline`, which names the baseline); the medians when both sides have rounds.
    pub fn finish(
        self,
        report: &mut Report,
        records: u64,
        value_bytes: usize,
        baseline: &str,
    ) -> Option<Medians> {
        let rate = median(&self.sluice);
        let baseline_rate = median(&self.baseline);
        report.set_rate(rate, value_bytes);
        report.baseline_records_per_sec = baseline_rate;
        report.lost = Some(self.lost);
        report.duplicated = Some(self.duplicated);
        report.dlq = Some(0);
        report.peak_rss_bytes = Some(self.peak_rss);
        report.cpu_seconds = median(&self.cpu);
        report.set_extra("records", records);
        report.set_extra("value_bytes", value_bytes as u64);
        report.set_extra("rounds", self.sluice.len() as u64);
        report.set_extra("baseline", baseline);
        report.set_extra("sluice_rounds_records_per_sec", self.sluice);
        report.set_extra("baseline_rounds_records_per_sec", self.baseline);
        let (rate, baseline) = (rate?, baseline_rate?);
        let ratio = rate / baseline;
        report.ratio = Some(ratio);
        Some(Medians {
            rate,
            baseline,
            ratio,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::Memory;

    #[test]
    fn rounds_give_medians_sums_and_the_largest_peak() {
        let usage = |hwm_bytes, cpu_seconds| Usage {
            memory: Memory {
                rss_bytes: 0,
                hwm_bytes,
            },
            cpu_seconds,
        };
        let mut rounds = Rounds::default();
        let mut report = Report::new("test");
        for (round, (seconds, hwm)) in [(1.0, 300), (2.0, 100), (4.0, 200)].iter().enumerate() {
            rounds.sluice(
                100,
                Duration::from_secs_f64(*seconds),
                &usage(*hwm, *seconds),
            );
            rounds.baseline(100, Duration::from_secs(1));
            let accounting = Accounting {
                duplicated: 1,
                ..Accounting::default()
            };
            rounds.account(&mut report, round, &accounting);
        }
        let medians = rounds
            .finish(&mut report, 100, 10, "a loop")
            .expect("both sides ran");
        assert_eq!(medians.rate, 50.0);
        assert_eq!(medians.baseline, 100.0);
        assert_eq!(medians.ratio, 0.5);
        assert_eq!(report.ratio, Some(0.5));
        assert_eq!(report.mb_per_sec, Some(50.0 * 10.0 / 1e6));
        assert_eq!(report.peak_rss_bytes, Some(300));
        assert_eq!(report.cpu_seconds, Some(2.0));
        assert_eq!(report.duplicated, Some(3));
        assert_eq!(report.lost, Some(0));
        assert_eq!(report.extra["rounds"], 3);
    }

    #[test]
    fn a_lost_record_fails_the_report_naming_the_round() {
        let mut rounds = Rounds::default();
        let mut report = Report::new("test");
        let accounting = Accounting {
            expected: 2,
            lost: 1,
            ..Accounting::default()
        };
        rounds.account(&mut report, 1, &accounting);
        assert_eq!(report.verdict, crate::report::Verdict::Fail);
        assert!(
            report.failures[0].starts_with("round 1: "),
            "{:?}",
            report.failures
        );
        assert!(rounds.finish(&mut report, 2, 1, "a loop").is_none());
        assert_eq!(report.lost, Some(1));
    }
}
