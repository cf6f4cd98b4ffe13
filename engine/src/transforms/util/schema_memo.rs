//! Each thread's memo of the [`SchemaCache`](super::SchemaCache) entries it used last, so a
//! record whose schema allocation was seen before finds its entry without an atomic operation.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// How many entries a thread remembers, over all caches.
const SIZE: usize = 32;

/// An entry as the memo holds it: the cache's `Arc<(SchemaRef, T)>`, which keeps the schema
/// allocation (and so its address) alive, behind a thread-local reference count.
pub(super) type Memoized = Rc<dyn Any>;

struct Memo {
    /// (cache id, schema address, entry).
    entries: Vec<(u64, usize, Memoized)>,
    /// The entry replaced next once the memo is full.
    next: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = const {
        RefCell::new(Memo {
            entries: Vec::new(),
            next: 0,
        })
    };
}

/// The entry this thread remembers for the schema at `address` in cache `cache`.
pub(super) fn recall(cache: u64, address: usize) -> Option<Memoized> {
    MEMO.try_with(|memo| {
        let memo = memo.try_borrow().ok()?;
        memo.entries
            .iter()
            .find(|(id, at, _)| *id == cache && *at == address)
            .map(|(_, _, entry)| Rc::clone(entry))
    })
    .ok()
    .flatten()
}

/// Remembers `entry` for the schema at `address` in cache `cache`, replacing the oldest
/// remembered entry when the memo is full.
pub(super) fn remember(cache: u64, address: usize, entry: Memoized) {
    let _ = MEMO.try_with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return;
        };
        if memo.entries.len() < SIZE {
            memo.entries.push((cache, address, entry));
            return;
        }
        let next = memo.next;
        if let Some(slot) = memo.entries.get_mut(next) {
            *slot = (cache, address, entry);
        }
        memo.next = (next + 1) % SIZE;
    });
}

/// Forgets everything this thread remembers, so a test sees the shared cache alone.
#[cfg(test)]
pub(super) fn forget_all() {
    let _ = MEMO.try_with(|memo| {
        if let Ok(mut memo) = memo.try_borrow_mut() {
            memo.entries.clear();
            memo.next = 0;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_cache_and_address_and_the_oldest_make_room() {
        forget_all();
        remember(1, 100, Rc::new(10_u32));
        remember(2, 100, Rc::new(20_u32));
        let found = |cache, address| {
            recall(cache, address).and_then(|entry| entry.downcast_ref::<u32>().copied())
        };
        assert_eq!(found(1, 100), Some(10));
        assert_eq!(found(2, 100), Some(20));
        assert_eq!(found(1, 200), None);
        for address in 0..SIZE {
            remember(3, address, Rc::new(0_u32));
        }
        assert_eq!(found(1, 100), None, "the oldest entries were replaced");
        assert_eq!(found(3, SIZE - 1), Some(0));
    }
}
