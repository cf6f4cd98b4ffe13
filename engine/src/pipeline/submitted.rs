//! [`SubmittedRecords`]: which source offsets may be committed (Kafka Connect's
//! `SubmittedRecords`): for each source partition, the offset of the newest record before
//! which every record has been acknowledged or dropped.

use std::collections::VecDeque;

use super::in_flight::InFlight;

use crate::record::SourceMap;

struct Pending {
    token: usize,
    /// The record's offset once it was acknowledged ahead of an earlier record of its
    /// partition; a record acknowledged in order never has its offset stored here.
    done: Option<SourceMap>,
}

struct PartitionQueue {
    partition: SourceMap,
    pending: VecDeque<Pending>,
    committable: Option<SourceMap>,
}

/// Records sent but not yet committed, in send order per source partition.
#[derive(Default)]
pub(crate) struct SubmittedRecords {
    partitions: Vec<PartitionQueue>,
    /// The partition queue of each record in flight.
    by_token: InFlight<usize>,
}

impl SubmittedRecords {
    /// Tracks the record sent with `token` (tokens grow with every send).
    pub(crate) fn submit(&mut self, token: usize, partition: &SourceMap) {
        // Tasks have few source partitions; a linear search avoids hashing `Value`s.
        let index = match self
            .partitions
            .iter()
            .position(|q| same_map(&q.partition, partition))
        {
            Some(index) => index,
            None => {
                self.partitions.push(PartitionQueue {
                    partition: partition.clone(),
                    pending: VecDeque::new(),
                    committable: None,
                });
                self.partitions.len() - 1
            }
        };
        self.partitions[index]
            .pending
            .push_back(Pending { token, done: None });
        self.by_token.insert(token, index);
    }

    /// Marks the record sent with `token`, at source offset `offset`, acknowledged (or
    /// dropped).
    pub(crate) fn complete(&mut self, token: usize, offset: &SourceMap) {
        let Some(index) = self.by_token.remove(token) else {
            return;
        };
        let queue = &mut self.partitions[index];
        let Ok(at) = queue.pending.binary_search_by_key(&token, |p| p.token) else {
            return;
        };
        if at > 0 {
            // An earlier record of the partition is still in flight.
            queue.pending[at].done = Some(offset.clone());
            return;
        }
        queue.pending.pop_front();
        let mut newest = None;
        while queue.pending.front().is_some_and(|p| p.done.is_some()) {
            newest = queue.pending.pop_front().and_then(|p| p.done);
        }
        match (newest, &mut queue.committable) {
            (Some(newest), committable) => *committable = Some(newest),
            // The usual, in-order case: the previous committable offset's allocations are
            // reused instead of cloning a map per record.
            (None, Some(committable)) => committable.clone_from(offset),
            (None, committable) => *committable = Some(offset.clone()),
        }
    }

    /// Takes the offsets that became committable since the last call.
    pub(crate) fn take_committable(&mut self) -> Vec<(SourceMap, SourceMap)> {
        self.partitions
            .iter_mut()
            .filter_map(|q| Some((q.partition.clone(), q.committable.take()?)))
            .collect()
    }

    /// Puts back offsets whose commit failed, unless newer ones arrived meanwhile.
    pub(crate) fn restore(&mut self, offsets: Vec<(SourceMap, SourceMap)>) {
        for (partition, offset) in offsets {
            if let Some(queue) = self
                .partitions
                .iter_mut()
                .find(|q| q.partition == partition)
            {
                queue.committable.get_or_insert(offset);
            }
        }
    }

    /// Records sent and not yet acknowledged.
    #[cfg(test)]
    pub(crate) fn in_flight(&self) -> usize {
        self.by_token.len()
    }
}

/// `a == b`, tried first entry by entry: a task builds its source partitions the same way
/// each time, so the keys are usually in the same order and no key needs hashing.
fn same_map(a: &SourceMap, b: &SourceMap) -> bool {
    a.len() == b.len() && (a.iter().zip(b).all(|(x, y)| x == y) || a == b)
}

#[cfg(test)]
mod tests {
    use sluice_codecs::Value;

    use super::*;

    fn map(key: &str, value: i64) -> SourceMap {
        [(key.to_owned(), Value::Int64(value))]
            .into_iter()
            .collect()
    }

    #[test]
    fn only_offsets_with_every_earlier_record_acked_are_committable() {
        let mut submitted = SubmittedRecords::default();
        let (a, b) = (map("file", 1), map("file", 2));
        submitted.submit(0, &a);
        submitted.submit(1, &b);
        submitted.submit(2, &a);
        submitted.submit(3, &a);
        submitted.complete(2, &map("pos", 11));
        assert!(
            submitted.take_committable().is_empty(),
            "10 is not acked yet"
        );
        submitted.complete(0, &map("pos", 10));
        assert_eq!(submitted.take_committable(), [(a.clone(), map("pos", 11))]);
        submitted.complete(3, &map("pos", 12));
        submitted.complete(1, &map("pos", 100));
        let mut committable = submitted.take_committable();
        committable.sort_by_key(|(p, _)| format!("{p:?}"));
        assert_eq!(
            committable,
            [(a.clone(), map("pos", 12)), (b, map("pos", 100))]
        );
        assert_eq!(submitted.in_flight(), 0);

        submitted.restore(vec![(a.clone(), map("pos", 12))]);
        assert_eq!(submitted.take_committable(), [(a, map("pos", 12))]);
    }
    #[test]
    fn in_order_acks_make_the_newest_offset_committable() {
        let mut submitted = SubmittedRecords::default();
        let a = map("file", 1);
        submitted.submit(0, &a);
        submitted.submit(1, &a);
        submitted.submit(2, &a);
        submitted.complete(0, &map("pos", 1));
        submitted.complete(1, &map("pos", 2));
        assert_eq!(submitted.take_committable(), [(a.clone(), map("pos", 2))]);
        submitted.complete(2, &map("pos", 3));
        assert_eq!(submitted.take_committable(), [(a, map("pos", 3))]);
        assert_eq!(submitted.in_flight(), 0);
    }
    #[test]
    fn partitions_match_whatever_the_order_of_their_keys() {
        let ab: SourceMap = [
            ("a".to_owned(), Value::Int64(1)),
            ("b".to_owned(), Value::Int64(2)),
        ]
        .into_iter()
        .collect();
        let ba: SourceMap = [
            ("b".to_owned(), Value::Int64(2)),
            ("a".to_owned(), Value::Int64(1)),
        ]
        .into_iter()
        .collect();
        assert!(same_map(&ab, &ab.clone()));
        assert!(same_map(&ab, &ba));
        assert!(!same_map(&ab, &map("a", 1)));
        assert!(!same_map(&map("a", 1), &map("a", 2)));
    }
}
