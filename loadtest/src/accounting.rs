//! Loss and duplicate accounting: what arrived compared with what was sent, as multisets of
//! lines (order is not part of at-least-once delivery, so it is not counted here).

use std::collections::HashMap;

/// Every record accounted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accounting {
    /// Records sent.
    pub expected: u64,
    /// Records that arrived, copies included.
    pub delivered: u64,
    /// Sent records that never arrived (per copy sent).
    pub lost: u64,
    /// Extra copies of sent records (at-least-once redelivery).
    pub duplicated: u64,
    /// Arrived records that were never sent (corruption).
    pub unexpected: u64,
}

impl Accounting {
    /// True when nothing was lost and nothing arrived that was not sent; duplicates are
    /// allowed (at least once).
    pub fn is_complete(&self) -> bool {
        self.lost == 0 && self.unexpected == 0
    }

    /// Why the accounting fails the scenario, if it does.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        if self.lost > 0 {
            failures.push(format!("{} of {} records lost", self.lost, self.expected));
        }
        if self.unexpected > 0 {
            failures.push(format!(
                "{} records arrived that were never sent (corrupted)",
                self.unexpected
            ));
        }
        failures
    }
}

/// The lines of `text`, without their `\n`; a final line without `\n` counts, the empty
/// piece after a final `\n` does not.
pub fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let any = !text.is_empty();
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    body.split(|byte| *byte == b'\n').filter(move |_| any)
}

/// Compares the lines of `actual` with those of `expected`, as multisets.
pub fn compare_lines(expected: &[u8], actual: &[u8]) -> Accounting {
    // (copies sent, copies arrived) per distinct line.
    let mut counts: HashMap<&[u8], (u64, u64)> = HashMap::new();
    let mut accounting = Accounting::default();
    for line in lines(expected) {
        counts.entry(line).or_default().0 += 1;
        accounting.expected += 1;
    }
    for line in lines(actual) {
        counts.entry(line).or_default().1 += 1;
        accounting.delivered += 1;
    }
    for (sent, arrived) in counts.into_values() {
        if sent == 0 {
            accounting.unexpected += arrived;
        } else {
            accounting.lost += sent.saturating_sub(arrived);
            accounting.duplicated += arrived.saturating_sub(sent);
        }
    }
    accounting
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_output_is_complete_with_nothing_lost_or_duplicated() {
        let text = b"a\nb\nc\n";
        assert_eq!(
            compare_lines(text, text),
            Accounting {
                expected: 3,
                delivered: 3,
                lost: 0,
                duplicated: 0,
                unexpected: 0,
            }
        );
    }

    #[test]
    fn reordered_output_is_complete() {
        let accounting = compare_lines(b"a\nb\nc\n", b"c\na\nb\n");
        assert!(accounting.is_complete());
        assert_eq!(accounting.duplicated, 0);
    }

    #[test]
    fn a_missing_line_is_lost() {
        let accounting = compare_lines(b"a\nb\nc\n", b"a\nc\n");
        assert_eq!(accounting.lost, 1);
        assert_eq!(accounting.delivered, 2);
        assert!(!accounting.is_complete());
        assert_eq!(accounting.failures(), vec!["1 of 3 records lost"]);
    }

    #[test]
    fn redelivered_lines_are_duplicates_not_failures() {
        let accounting = compare_lines(b"a\nb\nc\n", b"a\nb\na\nb\nc\n");
        assert_eq!(accounting.duplicated, 2);
        assert_eq!(accounting.lost, 0);
        assert!(accounting.is_complete());
    }

    #[test]
    fn a_duplicate_does_not_hide_a_loss() {
        // Same line count as the input: one line twice, another never.
        let accounting = compare_lines(b"a\nb\nc\n", b"a\na\nc\n");
        assert_eq!(accounting.lost, 1);
        assert_eq!(accounting.duplicated, 1);
    }

    #[test]
    fn repeated_input_lines_count_per_copy() {
        let accounting = compare_lines(b"x\nx\nx\n", b"x\n");
        assert_eq!(accounting.lost, 2);
        assert_eq!(accounting.duplicated, 0);
    }

    #[test]
    fn a_line_never_sent_is_unexpected() {
        let accounting = compare_lines(b"a\nb\n", b"a\nb\nb-corrupted\n");
        assert_eq!(accounting.unexpected, 1);
        assert!(!accounting.is_complete());
    }

    #[test]
    fn a_final_line_without_newline_counts_and_empty_text_has_none() {
        assert_eq!(lines(b"a\nb").count(), 2);
        assert_eq!(
            lines(b"a\n\nb\n").collect::<Vec<_>>(),
            vec![&b"a"[..], b"", b"b"]
        );
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"\n").collect::<Vec<_>>(), vec![&b""[..]]);
    }
}
