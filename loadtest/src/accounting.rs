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

/// The sequence number a line starts with (its leading decimal digits), if any.
pub fn sequence_of(line: &[u8]) -> Option<u64> {
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&line[..digits]).ok()?.parse().ok()
}

/// Accounting by sequence number, fed one arrived line at a time: every expected line starts
/// with a distinct sequence number, and an arrived line counts as a copy of the expected line
/// with its number when it is that line byte for byte (otherwise it is unexpected). Cheap to
/// ask how many are still missing while records arrive.
#[derive(Debug)]
pub struct SequenceTally {
    text: Vec<u8>,
    /// Sequence number → slot in `spans` and `copies`.
    index: HashMap<u64, usize>,
    /// Where each expected line lies in `text`.
    spans: Vec<(usize, usize)>,
    copies: Vec<u32>,
    missing: u64,
    delivered: u64,
    unexpected: u64,
}

impl SequenceTally {
    /// A tally expecting the lines of `text`, each starting with a sequence number used once.
    pub fn new(text: Vec<u8>) -> anyhow::Result<Self> {
        let mut index = HashMap::new();
        let mut spans = Vec::new();
        let mut start = 0;
        for line in lines(&text) {
            let end = start + line.len();
            let Some(seq) = sequence_of(line) else {
                anyhow::bail!(
                    "expected line {} has no sequence number: {:?}",
                    spans.len(),
                    String::from_utf8_lossy(line)
                );
            };
            if index.insert(seq, spans.len()).is_some() {
                anyhow::bail!("sequence number {seq} is used twice in the expected lines");
            }
            spans.push((start, end));
            start = end + 1;
        }
        let count = spans.len();
        Ok(Self {
            text,
            index,
            spans,
            copies: vec![0; count],
            missing: count as u64,
            delivered: 0,
            unexpected: 0,
        })
    }

    /// Counts one arrived line (without its `\n`).
    pub fn observe(&mut self, line: &[u8]) {
        self.delivered += 1;
        let slot = sequence_of(line).and_then(|seq| self.index.get(&seq).copied());
        match slot {
            Some(slot) if self.text[self.spans[slot].0..self.spans[slot].1] == *line => {
                if self.copies[slot] == 0 {
                    self.missing -= 1;
                }
                self.copies[slot] += 1;
            }
            _ => self.unexpected += 1,
        }
    }

    /// Expected lines not arrived yet.
    pub fn missing(&self) -> u64 {
        self.missing
    }

    /// Up to `limit` sequence numbers still missing, smallest first: for failure messages.
    pub fn missing_sample(&self, limit: usize) -> Vec<u64> {
        let mut missing: Vec<u64> = self
            .index
            .iter()
            .filter(|(_, slot)| self.copies[**slot] == 0)
            .map(|(seq, _)| *seq)
            .collect();
        missing.sort_unstable();
        missing.truncate(limit);
        missing
    }

    /// The accounting so far: what is still missing counts as lost.
    pub fn accounting(&self) -> Accounting {
        let duplicated = self
            .copies
            .iter()
            .map(|copies| u64::from(copies.saturating_sub(1)))
            .sum();
        Accounting {
            expected: self.spans.len() as u64,
            delivered: self.delivered,
            lost: self.missing,
            duplicated,
            unexpected: self.unexpected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(text: &[u8], arrived: &[&[u8]]) -> SequenceTally {
        let mut tally = SequenceTally::new(text.to_vec()).unwrap();
        for line in arrived {
            tally.observe(line);
        }
        tally
    }

    #[test]
    fn sequence_numbers_are_the_leading_digits() {
        assert_eq!(sequence_of(b"0000000042 abc"), Some(42));
        assert_eq!(sequence_of(b"7"), Some(7));
        assert_eq!(sequence_of(b"x7"), None);
        assert_eq!(sequence_of(b""), None);
    }

    #[test]
    fn a_tally_of_every_line_once_is_complete() {
        let tally = tally(b"0 a\n1 b\n2 c\n", &[b"2 c", b"0 a", b"1 b"]);
        assert_eq!(tally.missing(), 0);
        assert_eq!(
            tally.accounting(),
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
    fn a_tally_counts_missing_numbers_as_lost_and_extra_copies_as_duplicates() {
        let tally = tally(b"0 a\n1 b\n2 c\n", &[b"0 a", b"0 a", b"0 a", b"2 c"]);
        let accounting = tally.accounting();
        assert_eq!(accounting.lost, 1);
        assert_eq!(accounting.duplicated, 2);
        assert_eq!(accounting.delivered, 4);
        assert_eq!(tally.missing_sample(10), vec![1]);
        assert!(!accounting.is_complete());
    }

    #[test]
    fn a_tally_takes_altered_or_unknown_lines_as_unexpected() {
        let tally = tally(b"0 a\n1 b\n", &[b"0 a", b"1 B", b"9 z", b"no number"]);
        let accounting = tally.accounting();
        assert_eq!(accounting.unexpected, 3);
        assert_eq!(accounting.lost, 1, "the altered line does not stand for 1");
    }

    #[test]
    fn expected_lines_need_distinct_sequence_numbers() {
        assert!(SequenceTally::new(b"0 a\n0 b\n".to_vec()).is_err());
        assert!(SequenceTally::new(b"0 a\nb\n".to_vec()).is_err());
        assert_eq!(SequenceTally::new(Vec::new()).unwrap().missing(), 0);
    }

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
