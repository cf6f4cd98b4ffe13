//! [`InFlight`]: the source batches handed to the producer and not yet fully acknowledged.
//!
//! Each batch takes a run of consecutive send tokens, one per record, so a delivery report
//! finds its batch (the oldest, usually, else by a binary search) and its record by a
//! subtraction: nothing per record is hashed, moved or allocated.

use std::collections::VecDeque;

use crate::connector::WrittenRecord;

use super::Outgoing;

/// A batch waiting for acknowledgements.
pub(super) struct InFlightBatch {
    /// The token of its first record; record `i` was sent with `first_token + i`.
    pub(super) first_token: usize,
    pub(super) outgoing: Outgoing,
    /// Where each record landed, filled in as acknowledgements arrive.
    pub(super) written: Vec<Option<WrittenRecord>>,
    /// Records sent and not yet acknowledged.
    pending: usize,
}

impl InFlightBatch {
    /// A batch starting at `first_token` with nothing sent yet.
    pub(super) fn new(first_token: usize, outgoing: Outgoing) -> Self {
        let len = outgoing.originals.len();
        Self {
            first_token,
            outgoing,
            written: vec![None; len],
            pending: 0,
        }
    }

    /// `records` of its records were handed to the producer and wait for acknowledgements.
    pub(super) fn sent(&mut self, records: usize) {
        self.pending += records;
    }

    /// True when no record waits for an acknowledgement.
    pub(super) fn is_complete(&self) -> bool {
        self.pending == 0
    }

    fn end_token(&self) -> usize {
        self.first_token + self.written.len()
    }
}

/// Batches in send order.
#[derive(Default)]
pub(super) struct InFlight {
    batches: VecDeque<InFlightBatch>,
    next_token: usize,
}

impl InFlight {
    /// True when nothing waits for an acknowledgement.
    pub(super) fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Reserves a token for each of `records` records: the first of them.
    pub(super) fn reserve(&mut self, records: usize) -> usize {
        let first = self.next_token;
        self.next_token += records;
        first
    }

    /// Keeps `batch` (sent, not complete) until its acknowledgements arrive.
    pub(super) fn push(&mut self, batch: InFlightBatch) {
        self.batches.push_back(batch);
    }

    /// The batch holding the record sent with `token`, and the record's index in it.
    pub(super) fn find(&self, token: usize) -> Option<(&InFlightBatch, usize)> {
        let at = self.position(token)?;
        let batch = &self.batches[at];
        Some((batch, token - batch.first_token))
    }

    /// Notes the acknowledgement of the record sent with `token`; returns its batch once that
    /// was the batch's last record waiting. Unknown tokens are ignored.
    pub(super) fn acknowledged(
        &mut self,
        token: usize,
        written: Option<WrittenRecord>,
    ) -> Option<InFlightBatch> {
        let at = self.position(token)?;
        let batch = &mut self.batches[at];
        let index = token - batch.first_token;
        batch.written[index] = written;
        batch.pending = batch.pending.saturating_sub(1);
        if batch.is_complete() {
            self.batches.remove(at)
        } else {
            None
        }
    }

    /// Acknowledgements mostly arrive in send order, so the oldest batch is tried before the
    /// binary search.
    fn position(&self, token: usize) -> Option<usize> {
        if self
            .batches
            .front()
            .is_some_and(|batch| batch.first_token <= token && token < batch.end_token())
        {
            return Some(0);
        }
        let at = self
            .batches
            .partition_point(|batch| batch.end_token() <= token);
        self.batches
            .get(at)
            .is_some_and(|batch| batch.first_token <= token)
            .then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn batch(inflight: &mut InFlight, records: usize) -> InFlightBatch {
        let first = inflight.reserve(records);
        let outgoing = Outgoing {
            originals: (0..records).map(|_| Record::sink("t", 0, 0)).collect(),
            messages: (0..records).map(|_| None).collect(),
            newest: Vec::new(),
        };
        let mut batch = InFlightBatch::new(first, outgoing);
        batch.sent(records);
        batch
    }

    fn written(offset: i64) -> Option<WrittenRecord> {
        Some(WrittenRecord {
            partition: 0,
            offset,
        })
    }

    #[test]
    fn a_batch_is_returned_once_its_last_record_is_acknowledged_in_any_order() {
        let mut inflight = InFlight::default();
        let first = batch(&mut inflight, 2);
        let second = batch(&mut inflight, 3);
        inflight.push(first);
        inflight.push(second);
        assert!(inflight.acknowledged(3, written(3)).is_none());
        assert!(inflight.acknowledged(0, written(0)).is_none());
        assert!(inflight.acknowledged(99, written(99)).is_none(), "unknown");
        assert!(inflight.acknowledged(2, None).is_none());
        let done = inflight
            .acknowledged(4, written(4))
            .expect("second batch done");
        assert_eq!(done.first_token, 2);
        assert_eq!(done.written, [None, written(3), written(4)]);
        let done = inflight
            .acknowledged(1, written(1))
            .expect("first batch done");
        assert_eq!(done.written, [written(0), written(1)]);
        assert!(inflight.is_empty());
        assert!(inflight.find(1).is_none());
    }
}
