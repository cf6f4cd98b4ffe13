//! [`SubmittedRecords`]: which source offsets may be committed (Kafka Connect's
//! `SubmittedRecords`): for each source partition, the offset of the newest record before
//! which every record has been acknowledged or dropped.
//!
//! Records are tracked by batch: a batch's records of one source partition are done together,
//! when the last record of the batch is, so a partition's offset advances batch by batch and
//! never past a record still in flight.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::record::{Origin, Record, SourceMap, SourcePartition};

struct Pending {
    batch: usize,
    /// The offset of the batch's newest record of the partition.
    offset: SourceMap,
    done: bool,
}

struct PartitionQueue {
    partition: SourcePartition,
    pending: VecDeque<Pending>,
    committable: Option<SourceMap>,
}

/// Batches sent but not yet committed, in send order per source partition.
#[derive(Default)]
pub(crate) struct SubmittedRecords {
    partitions: Vec<PartitionQueue>,
    /// The partition queues each batch in flight is waiting in.
    by_batch: HashMap<usize, Vec<usize>>,
}

impl SubmittedRecords {
    /// Tracks batch `batch` (ids grow with every batch), with the newest offset of each source
    /// partition it holds (see [`newest_offsets`]).
    pub(crate) fn submit(&mut self, batch: usize, newest: Vec<(SourcePartition, SourceMap)>) {
        let mut queues = Vec::with_capacity(newest.len());
        for (partition, offset) in newest {
            // Tasks have few source partitions; a linear search avoids hashing `Value`s.
            let index = match self
                .partitions
                .iter()
                .position(|q| same_partition(&q.partition, &partition))
            {
                Some(index) => index,
                None => {
                    self.partitions.push(PartitionQueue {
                        partition,
                        pending: VecDeque::new(),
                        committable: None,
                    });
                    self.partitions.len() - 1
                }
            };
            self.partitions[index].pending.push_back(Pending {
                batch,
                offset,
                done: false,
            });
            queues.push(index);
        }
        if !queues.is_empty() {
            self.by_batch.insert(batch, queues);
        }
    }

    /// Marks every record of `batch` acknowledged (or dropped).
    pub(crate) fn complete(&mut self, batch: usize) {
        for index in self.by_batch.remove(&batch).unwrap_or_default() {
            let queue = &mut self.partitions[index];
            if let Ok(at) = queue.pending.binary_search_by_key(&batch, |p| p.batch) {
                queue.pending[at].done = true;
            }
            while queue.pending.front().is_some_and(|p| p.done) {
                let done = queue.pending.pop_front().expect("front was just checked");
                queue.committable = Some(done.offset);
            }
        }
    }

    /// Takes the offsets that became committable since the last call.
    pub(crate) fn take_committable(&mut self) -> Vec<(SourcePartition, SourceMap)> {
        self.partitions
            .iter_mut()
            .filter_map(|q| Some((q.partition.clone(), q.committable.take()?)))
            .collect()
    }

    /// Puts back offsets whose commit failed, unless newer ones arrived meanwhile.
    pub(crate) fn restore(&mut self, offsets: Vec<(SourcePartition, SourceMap)>) {
        for (partition, offset) in offsets {
            if let Some(queue) = self
                .partitions
                .iter_mut()
                .find(|q| same_partition(&q.partition, &partition))
            {
                queue.committable.get_or_insert(offset);
            }
        }
    }

    /// Batches sent and not yet complete.
    #[cfg(test)]
    pub(crate) fn in_flight(&self) -> usize {
        self.by_batch.len()
    }
}

/// Each source partition of `records` with the offset of its last record in them, in order of
/// first appearance; records without an offset are left out. A record is compared with the
/// previous record's partition first, since tasks return runs of one partition.
pub(crate) fn newest_offsets(records: &[Record]) -> Vec<(SourcePartition, SourceMap)> {
    let mut newest: Vec<(&SourcePartition, &SourceMap)> = Vec::new();
    let mut last = 0;
    for record in records {
        let Origin::Source { partition, offset } = &record.origin else {
            continue;
        };
        if offset.is_empty() {
            continue;
        }
        if let Some(entry) = newest.get_mut(last)
            && same_partition(entry.0, partition)
        {
            entry.1 = offset;
            continue;
        }
        match newest
            .iter()
            .position(|(p, _)| same_partition(p, partition))
        {
            Some(at) => {
                newest[at].1 = offset;
                last = at;
            }
            None => {
                last = newest.len();
                newest.push((partition, offset));
            }
        }
    }
    newest
        .into_iter()
        .map(|(partition, offset)| (partition.clone(), offset.clone()))
        .collect()
}

/// `a == b`: at once when both are the same shared map (a task hands its records clones of
/// one [`SourcePartition`]), else entry by entry first, since a task builds its maps the same
/// way each time, so the keys are usually in the same order and no key needs hashing.
fn same_partition(a: &SourcePartition, b: &SourcePartition) -> bool {
    Arc::ptr_eq(a, b)
        || (a.len() == b.len() && (a.iter().zip(b.iter()).all(|(x, y)| x == y) || a == b))
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

    fn partition(key: &str, value: i64) -> SourcePartition {
        Arc::new(map(key, value))
    }

    #[test]
    fn only_offsets_with_every_earlier_batch_done_are_committable() {
        let mut submitted = SubmittedRecords::default();
        let (a, b) = (partition("file", 1), partition("file", 2));
        submitted.submit(0, vec![(a.clone(), map("pos", 10))]);
        submitted.submit(1, vec![(b.clone(), map("pos", 100))]);
        submitted.submit(2, vec![(a.clone(), map("pos", 11))]);
        submitted.submit(3, vec![(a.clone(), map("pos", 12))]);
        submitted.complete(2);
        assert!(
            submitted.take_committable().is_empty(),
            "10 is not acked yet"
        );
        submitted.complete(0);
        assert_eq!(submitted.take_committable(), [(a.clone(), map("pos", 11))]);
        submitted.complete(3);
        submitted.complete(1);
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
    fn a_batch_of_two_partitions_advances_each_once_it_is_done() {
        let mut submitted = SubmittedRecords::default();
        let (a, b) = (partition("file", 1), partition("file", 2));
        submitted.submit(0, vec![(a.clone(), map("pos", 1))]);
        submitted.submit(
            5,
            vec![(a.clone(), map("pos", 3)), (b.clone(), map("pos", 7))],
        );
        submitted.complete(5);
        assert_eq!(
            submitted.take_committable(),
            [(b, map("pos", 7))],
            "a still waits for batch 0"
        );
        submitted.complete(0);
        assert_eq!(submitted.take_committable(), [(a, map("pos", 3))]);
    }

    #[test]
    fn newest_offsets_take_each_partitions_last_record() {
        let (a, b) = (partition("file", 1), partition("file", 2));
        let record = |partition: &SourcePartition, offset: SourceMap| {
            Record::source("t", partition.clone(), offset)
        };
        let records = [
            record(&a, map("pos", 1)),
            record(&b, map("pos", 10)),
            record(&a, map("pos", 2)),
            record(&a, SourceMap::new()),
            record(&b, map("pos", 11)),
            Record::sink("t", 0, 0),
        ];
        assert_eq!(
            newest_offsets(&records),
            [(a, map("pos", 2)), (b, map("pos", 11))]
        );
        assert!(newest_offsets(&[]).is_empty());
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
        let (ab, ba) = (Arc::new(ab), Arc::new(ba));
        assert!(same_partition(&ab, &Arc::clone(&ab)));
        assert!(
            same_partition(&ab, &Arc::new((*ab).clone())),
            "equal, not shared"
        );
        assert!(same_partition(&ab, &ba));
        assert!(!same_partition(&ab, &partition("a", 1)));
        assert!(!same_partition(&partition("a", 1), &partition("a", 2)));
    }
}
