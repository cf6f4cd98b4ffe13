//! [`CachedSchemaRegistry`]: remembers ids and schemas so the record path asks the registry
//! once per schema, as Confluent's `CachedSchemaRegistryClient` does.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{RegistryError, RegistrySchema, SchemaRegistry, SubjectVersion};

/// Most schemas remembered per map; beyond this the caches start over, bounding memory when a
/// stream carries an unbounded number of schemas.
const MAX_CACHED: usize = 1000;

/// A caching layer over another registry client.
pub struct CachedSchemaRegistry {
    inner: Arc<dyn SchemaRegistry>,
    by_id: RwLock<HashMap<i32, RegistrySchema>>,
    ids: RwLock<HashMap<(String, RegistrySchema), i32>>,
}

impl CachedSchemaRegistry {
    /// Caches what `inner` answers.
    pub fn new(inner: Arc<dyn SchemaRegistry>) -> Self {
        Self {
            inner,
            by_id: RwLock::default(),
            ids: RwLock::default(),
        }
    }
}

fn remember<K: std::hash::Hash + Eq, V>(map: &RwLock<HashMap<K, V>>, key: K, value: V) {
    let mut map = map.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    if map.len() >= MAX_CACHED {
        map.clear();
    }
    map.insert(key, value);
}

impl SchemaRegistry for CachedSchemaRegistry {
    fn register(&self, subject: &str, schema: &RegistrySchema) -> Result<i32, RegistryError> {
        let key = (subject.to_owned(), schema.clone());
        if let Some(id) = self.ids.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(*id);
        }
        let id = self.inner.register(subject, schema)?;
        remember(&self.ids, key, id);
        remember(&self.by_id, id, schema.clone());
        Ok(id)
    }

    fn lookup(
        &self,
        subject: &str,
        schema: &RegistrySchema,
    ) -> Result<SubjectVersion, RegistryError> {
        let found = self.inner.lookup(subject, schema)?;
        remember(&self.ids, (subject.to_owned(), schema.clone()), found.id);
        Ok(found)
    }

    fn schema_by_id(&self, id: i32) -> Result<RegistrySchema, RegistryError> {
        if let Some(schema) = self
            .by_id
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
        {
            return Ok(schema.clone());
        }
        let schema = self.inner.schema_by_id(id)?;
        remember(&self.by_id, id, schema.clone());
        Ok(schema)
    }

    fn version(
        &self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<SubjectVersion, RegistryError> {
        self.inner.version(subject, version)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::schema_registry::MemorySchemaRegistry;

    /// Counts the calls that reach the registry behind the cache.
    struct Counting {
        inner: MemorySchemaRegistry,
        calls: AtomicUsize,
    }

    impl SchemaRegistry for Counting {
        fn register(&self, subject: &str, schema: &RegistrySchema) -> Result<i32, RegistryError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.inner.register(subject, schema)
        }
        fn lookup(
            &self,
            subject: &str,
            schema: &RegistrySchema,
        ) -> Result<SubjectVersion, RegistryError> {
            self.inner.lookup(subject, schema)
        }
        fn schema_by_id(&self, id: i32) -> Result<RegistrySchema, RegistryError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.inner.schema_by_id(id)
        }
        fn version(
            &self,
            subject: &str,
            version: Option<i32>,
        ) -> Result<SubjectVersion, RegistryError> {
            self.inner.version(subject, version)
        }
    }

    #[test]
    fn repeated_calls_hit_the_cache() {
        let counting = Arc::new(Counting {
            inner: MemorySchemaRegistry::new(),
            calls: AtomicUsize::new(0),
        });
        let cached = CachedSchemaRegistry::new(counting.clone());
        let schema = RegistrySchema::avro(r#""int""#);
        for _ in 0..10 {
            assert_eq!(cached.register("t-value", &schema), Ok(1));
            assert_eq!(cached.schema_by_id(1), Ok(schema.clone()));
        }
        assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
    }
}
