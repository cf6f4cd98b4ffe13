//! [`MemorySchemaRegistry`]: a registry in memory, for tests and for `sluice transform`.

use std::sync::Mutex;

use super::{RegistryError, RegistrySchema, SchemaRegistry, SubjectVersion};

#[derive(Debug, Default)]
struct State {
    /// Schemas by global id - 1.
    schemas: Vec<RegistrySchema>,
    /// (subject, version, id), versions counting from 1 per subject.
    versions: Vec<(String, i32, i32)>,
}

/// A schema registry held in memory. Ids are global and start at 1; registering the same
/// schema again returns its existing id. No compatibility checks are made.
#[derive(Debug, Default)]
pub struct MemorySchemaRegistry {
    state: Mutex<State>,
}

impl MemorySchemaRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn not_found(code: i32, message: String) -> RegistryError {
    RegistryError::NotFound { code, message }
}

impl SchemaRegistry for MemorySchemaRegistry {
    fn register(&self, subject: &str, schema: &RegistrySchema) -> Result<i32, RegistryError> {
        let mut state = self.locked();
        let id = match state.schemas.iter().position(|known| known == schema) {
            Some(index) => index as i32 + 1,
            None => {
                state.schemas.push(schema.clone());
                state.schemas.len() as i32
            }
        };
        if !state
            .versions
            .iter()
            .any(|(s, _, known)| s == subject && *known == id)
        {
            let version = state
                .versions
                .iter()
                .filter(|(s, _, _)| s == subject)
                .count() as i32
                + 1;
            state.versions.push((subject.to_owned(), version, id));
        }
        Ok(id)
    }

    fn lookup(
        &self,
        subject: &str,
        schema: &RegistrySchema,
    ) -> Result<SubjectVersion, RegistryError> {
        let state = self.locked();
        let found = state
            .versions
            .iter()
            .find(|(s, _, id)| s == subject && state.schemas.get(*id as usize - 1) == Some(schema));
        let (_, version, id) =
            found.ok_or_else(|| not_found(40403, "Schema not found".to_owned()))?;
        Ok(SubjectVersion {
            subject: subject.to_owned(),
            version: *version,
            id: *id,
            schema: schema.clone(),
        })
    }

    fn schema_by_id(&self, id: i32) -> Result<RegistrySchema, RegistryError> {
        let state = self.locked();
        usize::try_from(id - 1)
            .ok()
            .and_then(|index| state.schemas.get(index).cloned())
            .ok_or_else(|| not_found(40403, format!("Schema {id} not found")))
    }

    fn version(
        &self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<SubjectVersion, RegistryError> {
        let state = self.locked();
        let mut versions = state
            .versions
            .iter()
            .filter(|(s, _, _)| s == subject)
            .peekable();
        if versions.peek().is_none() {
            return Err(not_found(40401, format!("Subject '{subject}' not found.")));
        }
        let found = match version {
            Some(wanted) => versions.find(|(_, v, _)| *v == wanted),
            None => versions.last(),
        };
        let (_, version, id) =
            found.ok_or_else(|| not_found(40402, "Version not found.".to_owned()))?;
        let schema = state.schemas[*id as usize - 1].clone();
        Ok(SubjectVersion {
            subject: subject.to_owned(),
            version: *version,
            id: *id,
            schema,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_global_and_versions_per_subject() {
        let registry = MemorySchemaRegistry::new();
        let a = RegistrySchema::avro(r#""string""#);
        let b = RegistrySchema::avro(r#""long""#);
        assert_eq!(registry.register("t-value", &a), Ok(1));
        assert_eq!(registry.register("t-value", &a), Ok(1));
        assert_eq!(registry.register("t-value", &b), Ok(2));
        assert_eq!(registry.register("u-value", &b), Ok(2));
        assert_eq!(
            registry.version("t-value", None).map(|v| (v.version, v.id)),
            Ok((2, 2))
        );
        assert_eq!(registry.version("u-value", Some(1)).map(|v| v.id), Ok(2));
        assert_eq!(registry.lookup("t-value", &a).map(|v| v.version), Ok(1));
        assert_eq!(registry.schema_by_id(2), Ok(b));
        assert!(matches!(
            registry.schema_by_id(3),
            Err(RegistryError::NotFound { code: 40403, .. })
        ));
        assert!(matches!(
            registry.version("nope", None),
            Err(RegistryError::NotFound { code: 40401, .. })
        ));
    }
}
