//! [`SubmittedRecords`]: which source offsets may be committed (Kafka Connect's
//! `SubmittedRecords`): for each source partition, the offset of the newest record before
//! which every record has been acknowledged or dropped.

use std::collections::{HashMap, VecDeque};

use crate::record::SourceMap;

struct Pending {
    token: usize,
    offset: SourceMap,
    done: bool,
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
    by_token: HashMap<usize, usize>,
}

impl SubmittedRecords {
    /// Tracks the record sent with `token` (tokens grow with every send).
    pub(crate) fn submit(&mut self, token: usize, partition: &SourceMap, offset: &SourceMap) {
        // Tasks have few source partitions; a linear search avoids hashing `Value`s.
        let index = match self
            .partitions
            .iter()
            .position(|q| &q.partition == partition)
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
        self.partitions[index].pending.push_back(Pending {
            token,
            offset: offset.clone(),
            done: false,
        });
        self.by_token.insert(token, index);
    }

    /// Marks the record sent with `token` acknowledged (or dropped).
    pub(crate) fn complete(&mut self, token: usize) {
        let Some(index) = self.by_token.remove(&token) else {
            return;
        };
        let queue = &mut self.partitions[index];
        if let Ok(at) = queue.pending.binary_search_by_key(&token, |p| p.token) {
            queue.pending[at].done = true;
        }
        while queue.pending.front().is_some_and(|p| p.done) {
            let done = queue.pending.pop_front().expect("front was just checked");
            queue.committable = Some(done.offset);
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
        submitted.submit(0, &a, &map("pos", 10));
        submitted.submit(1, &b, &map("pos", 100));
        submitted.submit(2, &a, &map("pos", 11));
        submitted.submit(3, &a, &map("pos", 12));
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
}
