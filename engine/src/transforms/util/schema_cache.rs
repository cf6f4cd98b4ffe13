//! [`SchemaCache`]: what a transform derived from an input schema, kept for the next records
//! with that schema.

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use arc_swap::{ArcSwapOption, Guard};
use sluice_codecs::{Schema, SchemaRef, Struct};

use super::schema_memo::{self, Memoized};

/// How many input schemas a [`SchemaCache`] remembers, as Kafka's `LRUCache(16)`.
const CAPACITY: usize = 16;

/// One remembered input schema and what was derived from it.
struct Slot<T> {
    /// The address of the entry's schema, so a lookup by pointer compares plain integers and
    /// loads only the entry that may match (which it then checks, as the slot may be changing).
    key: AtomicUsize,
    entry: ArcSwapOption<(SchemaRef, T)>,
    /// The cache's clock at the entry's last use; 0 while the slot is empty.
    last_used: AtomicU64,
}

/// What a transform derived from an input schema (an output schema, or that plus field
/// indices), kept for the next records with that schema, as Kafka's
/// `SynchronizedCache<>(new LRUCache<>(16))`: a batch sharing one schema derives it once.
///
/// Record paths never lock: a lookup first asks this thread's memo (no atomic operation),
/// then compares the schema's address with each slot's (plain integer loads) and loads the one
/// entry that matches; failing that, it loads each entry and
/// compares schemas, and then remembers the equal schema's address as well. A miss derives
/// without holding anything, then replaces the least recently used slot. Two threads missing
/// on the same schema may both derive it; either result is kept, since a derivation depends
/// only on the schema.
pub(crate) struct SchemaCache<T> {
    slots: [Slot<T>; CAPACITY],
    /// Ticks once per insertion; a hit marks its slot with the current time, so the slots
    /// not used since the oldest insertion are the ones evicted.
    clock: AtomicU64,
    /// This cache's id in the threads' memos ([`schema_memo`]).
    id: u64,
}

/// An entry of a [`SchemaCache`], read in place: dereferences to what was derived, without
/// copying it. It holds the entry through this thread's memo, so it is not sent elsewhere.
// The `Rc` around the shared `Arc` is the point: copies of it within a thread count without
// atomic operations.
#[allow(clippy::redundant_allocation)]
pub(crate) struct Cached<T>(Rc<Arc<(SchemaRef, T)>>);

impl<T> Deref for Cached<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0.1
    }
}

/// Gives each cache the id its entries are remembered under in the threads' memos.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl<T: Clone + Send + Sync + 'static> SchemaCache<T> {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self {
            slots: std::array::from_fn(|_| Slot {
                key: AtomicUsize::new(0),
                entry: ArcSwapOption::empty(),
                last_used: AtomicU64::new(0),
            }),
            clock: AtomicU64::new(0),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The value derived from `schema`, deriving and remembering it on a miss. When the cache
    /// is full, the least recently used entry makes room.
    pub(crate) fn get_or_try_insert<E>(
        &self,
        schema: &SchemaRef,
        derive: impl FnOnce(&Schema) -> Result<T, E>,
    ) -> Result<T, E> {
        self.entry_or_try_insert(schema, derive)
            .map(|entry| T::clone(&entry))
    }

    /// As [`SchemaCache::get_or_try_insert`], but reading the entry in place.
    pub(crate) fn entry_or_try_insert<E>(
        &self,
        schema: &SchemaRef,
        derive: impl FnOnce(&Schema) -> Result<T, E>,
    ) -> Result<Cached<T>, E> {
        if let Some(hit) = self.entry(schema) {
            return Ok(hit);
        }
        let entry = Arc::new((SchemaRef::clone(schema), derive(schema)?));
        self.insert(Arc::clone(&entry));
        Ok(self.memoize(schema, entry))
    }

    /// The value remembered for `schema` or a schema equal to it, deriving nothing. An equal
    /// schema at another address is remembered under that address too, so the records that
    /// follow with the same allocation find it by pointer instead of comparing schemas.
    pub(crate) fn get(&self, schema: &SchemaRef) -> Option<T> {
        self.entry(schema).map(|entry| T::clone(&entry))
    }

    /// As [`SchemaCache::get`], but reading the entry in place.
    pub(crate) fn entry(&self, schema: &SchemaRef) -> Option<Cached<T>> {
        if let Some(hit) = schema_memo::recall(self.id, address(schema))
            .and_then(|memoized| memoized.downcast::<Arc<(SchemaRef, T)>>().ok())
        {
            return Some(Cached(hit));
        }
        if let Some(hit) = self.find_by_address(schema) {
            return Some(self.memoize(schema, hit));
        }
        let hit = self.find(|known| known == schema)?;
        let alias = Arc::new((SchemaRef::clone(schema), T::clone(&hit.1)));
        self.insert(Arc::clone(&alias));
        Some(self.memoize(schema, alias))
    }

    /// Remembers `entry`, found or made for `schema`, in this thread's memo.
    fn memoize(&self, schema: &SchemaRef, entry: Arc<(SchemaRef, T)>) -> Cached<T> {
        let entry = Rc::new(entry);
        schema_memo::remember(self.id, address(schema), Rc::clone(&entry) as Memoized);
        Cached(entry)
    }

    /// The entry for this very schema allocation, marked as just used.
    fn find_by_address(&self, schema: &SchemaRef) -> Option<Arc<(SchemaRef, T)>> {
        let address = address(schema);
        self.slots
            .iter()
            .filter(|slot| slot.key.load(Ordering::Relaxed) == address)
            .find_map(|slot| self.load_if(slot, |known| SchemaRef::ptr_eq(known, schema)))
    }

    /// The first entry whose schema `matches`, marked as just used.
    fn find(&self, matches: impl Fn(&SchemaRef) -> bool) -> Option<Arc<(SchemaRef, T)>> {
        self.slots
            .iter()
            .find_map(|slot| self.load_if(slot, &matches))
    }

    /// The entry in `slot` if its schema `matches`, marked as just used.
    fn load_if(
        &self,
        slot: &Slot<T>,
        matches: impl Fn(&SchemaRef) -> bool,
    ) -> Option<Arc<(SchemaRef, T)>> {
        let entry = Guard::into_inner(slot.entry.load())?;
        if !matches(&entry.0) {
            return None;
        }
        slot.last_used
            .store(self.clock.load(Ordering::Relaxed), Ordering::Relaxed);
        Some(entry)
    }

    /// Puts `entry` in the first empty slot, or else the least recently used one.
    fn insert(&self, entry: Arc<(SchemaRef, T)>) {
        let victim = self
            .slots
            .iter()
            .min_by_key(|slot| slot.last_used.load(Ordering::Relaxed))
            .expect("CAPACITY is not zero");
        let tick = self.clock.fetch_add(1, Ordering::Relaxed) + 1;
        victim.last_used.store(tick, Ordering::Relaxed);
        victim.key.store(address(&entry.0), Ordering::Relaxed);
        victim.entry.store(Some(entry));
    }
}

/// The address a schema allocation is found by; the entry holding the schema keeps it from
/// being reused while remembered.
fn address(schema: &SchemaRef) -> usize {
    Arc::as_ptr(schema) as usize
}

impl<P: Send + Sync + 'static> SchemaCache<Arc<P>> {
    /// The plan remembered (or derived) for `record_schema`, the schema a record declares for a
    /// struct, and whether `value`'s own schema is that schema or an equal one, so the plan's
    /// field positions apply to its values. Usually both are one allocation: one lookup.
    pub(crate) fn get_for_struct<E>(
        &self,
        record_schema: &SchemaRef,
        value: &Struct,
        derive: impl FnOnce(&Schema) -> Result<Arc<P>, E>,
    ) -> Result<(Cached<Arc<P>>, bool), E> {
        let plan = self.entry_or_try_insert(record_schema, derive)?;
        let fits = SchemaRef::ptr_eq(value.schema(), record_schema)
            || self
                .entry(value.schema())
                .is_some_and(|other| Arc::ptr_eq(&other, &plan));
        Ok((plan, fits))
    }
}

impl<T> fmt::Debug for SchemaCache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self
            .slots
            .iter()
            .filter(|slot| slot.entry.load().is_some())
            .count();
        f.debug_struct("SchemaCache")
            .field("cached", &cached)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn cache_derives_once_per_schema_and_evicts_the_least_recent() {
        let cache = SchemaCache::<i32>::new();
        let calls = Cell::new(0);
        let derive = |_: &Schema| -> Result<i32, ()> {
            calls.set(calls.get() + 1);
            Ok(calls.get())
        };
        let first = Schema::int8().into_ref();
        let equal = Schema::int8().into_ref();
        assert_eq!(cache.get_or_try_insert(&first, derive), Ok(1));
        assert_eq!(cache.get_or_try_insert(&equal, derive), Ok(1));
        for version in 0..16 {
            let other = Schema::int8().with_version(version).into_ref();
            cache.get_or_try_insert(&other, derive).expect("derives");
        }
        assert_eq!(calls.get(), 17);
        schema_memo::forget_all();
        assert_eq!(cache.get_or_try_insert(&first, derive), Ok(18));
    }

    #[test]
    fn an_equal_schema_shares_the_entry_and_a_different_one_does_not() {
        let cache = SchemaCache::<i32>::new();
        let first = Schema::int8().into_ref();
        cache
            .get_or_try_insert::<()>(&first, |_| Ok(1))
            .expect("derives");
        let equal = Schema::int8().into_ref();
        assert_eq!(cache.get(&equal), Some(1));
        assert_eq!(
            cache.get(&equal),
            Some(1),
            "found again, now by its own pointer"
        );
        let other = Schema::int8().optional().into_ref();
        assert_eq!(cache.get(&other), None);
        assert_eq!(cache.get_or_try_insert::<()>(&other, |_| Ok(2)), Ok(2));
        assert_eq!(cache.get(&first), Some(1));
    }

    #[test]
    fn cache_derives_once_per_schema() {
        let cache = SchemaCache::<SchemaRef>::new();
        let input = Schema::int32().into_ref();
        let mut calls = 0;
        for _ in 0..3 {
            let derived = cache
                .get_or_try_insert::<()>(&input, |schema| {
                    calls += 1;
                    Ok(schema.clone().optional().into_ref())
                })
                .expect("derivable");
            assert!(derived.optional);
        }
        assert_eq!(calls, 1);
        let equal_copy = Schema::int32().into_ref();
        cache
            .get_or_try_insert::<()>(&equal_copy, |_| panic!("equal schema is cached"))
            .expect("cached");
    }

    #[test]
    fn a_failed_derivation_is_not_cached() {
        let cache = SchemaCache::<u32>::new();
        let input = Schema::int32().into_ref();
        assert_eq!(cache.get_or_try_insert(&input, |_| Err("bad")), Err("bad"));
        assert_eq!(cache.get_or_try_insert::<()>(&input, |_| Ok(7)), Ok(7));
    }

    #[test]
    fn threads_sharing_a_full_cache_always_get_their_schema_s_value() {
        let cache = SchemaCache::<Option<i32>>::new();
        let schemas: Vec<SchemaRef> = (0..24)
            .map(|version| Schema::int8().with_version(version).into_ref())
            .collect();
        std::thread::scope(|scope| {
            for offset in 0..4 {
                let (cache, schemas) = (&cache, &schemas);
                scope.spawn(move || {
                    for round in 0..200 {
                        let schema = &schemas[(round * 7 + offset) % schemas.len()];
                        let got = cache
                            .get_or_try_insert::<()>(schema, |schema| Ok(schema.version))
                            .expect("derives");
                        assert_eq!(got, schema.version);
                    }
                });
            }
        });
    }
}
