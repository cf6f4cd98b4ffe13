//! [`InFlight`]: what a source pipeline keeps per record handed to the producer and not yet
//! acknowledged (the record itself, its source partition's queue), by send token.

use std::collections::VecDeque;

/// Values by token, for tokens handed out in increasing order and removed in about that
/// order: a queue of slots from the oldest unremoved token, so neither insert nor remove
/// hashes or searches.
pub(crate) struct InFlight<T> {
    /// The token of `slots[0]`.
    base: usize,
    slots: VecDeque<Option<T>>,
    len: usize,
}

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        Self {
            base: 0,
            slots: VecDeque::new(),
            len: 0,
        }
    }
}

impl<T> InFlight<T> {
    /// Keeps `value` under `token`, which is greater than every token inserted before.
    pub(crate) fn insert(&mut self, token: usize, value: T) {
        if self.slots.is_empty() {
            self.base = token;
        }
        let end = self.base + self.slots.len();
        debug_assert!(token >= end, "tokens are inserted in increasing order");
        // Tokens of records that never went to the producer leave empty slots.
        self.slots
            .extend(std::iter::repeat_with(|| None).take(token.saturating_sub(end)));
        self.slots.push_back(Some(value));
        self.len += 1;
    }

    /// Takes the value under `token`, if it is still here.
    pub(crate) fn remove(&mut self, token: usize) -> Option<T> {
        let index = token.checked_sub(self.base)?;
        let value = self.slots.get_mut(index)?.take()?;
        self.len -= 1;
        while self.slots.front().is_some_and(Option::is_none) {
            self.slots.pop_front();
            self.base += 1;
        }
        Some(value)
    }

    /// True when nothing is in flight.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many values are in flight.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_once_whatever_the_order_of_removal() {
        let mut in_flight = InFlight::default();
        in_flight.insert(3, "a");
        in_flight.insert(5, "b");
        in_flight.insert(6, "c");
        assert_eq!(in_flight.remove(4), None, "never inserted");
        assert_eq!(in_flight.remove(5), Some("b"));
        assert_eq!(in_flight.remove(5), None, "already removed");
        assert_eq!(in_flight.remove(3), Some("a"));
        assert!(!in_flight.is_empty());
        assert_eq!(in_flight.remove(2), None, "before the oldest");
        assert_eq!(in_flight.remove(6), Some("c"));
        assert!(in_flight.is_empty());
        in_flight.insert(9, "d");
        assert_eq!(in_flight.remove(7), None);
        assert_eq!(in_flight.remove(9), Some("d"));
        assert!(in_flight.is_empty());
    }
}
