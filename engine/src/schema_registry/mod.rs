//! Schema Registry clients for the Confluent-framed converters: the [`SchemaRegistry`] trait,
//! an in-memory registry, the HTTP client for a Confluent-compatible registry, a caching layer,
//! and subject naming strategies.

mod cached;
mod http;
mod memory;
mod subject;

pub use cached::CachedSchemaRegistry;
pub use http::{HttpRegistryConfig, HttpSchemaRegistry};
pub use memory::MemorySchemaRegistry;
pub use subject::SubjectNameStrategy;

use serde::{Deserialize, Serialize};

/// The kind of a registered schema: the registry's `schemaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchemaKind {
    /// Avro (the registry's default, so `schemaType` is left out for it).
    #[default]
    Avro,
    /// Protobuf.
    Protobuf,
    /// JSON Schema.
    Json,
}

/// A reference from one schema to another registered schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    /// The name the referring schema uses (e.g. an import path).
    pub name: String,
    /// The subject it is registered under.
    pub subject: String,
    /// The version of that subject.
    pub version: i32,
}

/// A schema as the registry stores it: text, kind and references.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrySchema {
    /// The schema text (Avro JSON, `.proto` text or JSON Schema).
    pub schema: String,
    /// Its kind.
    pub kind: SchemaKind,
    /// Schemas it references.
    pub references: Vec<SchemaReference>,
}

impl RegistrySchema {
    /// An Avro schema without references.
    pub fn avro(schema: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            kind: SchemaKind::Avro,
            references: Vec::new(),
        }
    }

    /// A Protobuf schema without references.
    pub fn protobuf(schema: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            kind: SchemaKind::Protobuf,
            references: Vec::new(),
        }
    }
}

/// One version of a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    /// The subject.
    pub subject: String,
    /// The version within the subject.
    pub version: i32,
    /// The global schema id.
    pub id: i32,
    /// The schema.
    pub schema: RegistrySchema,
}

/// A registry request failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegistryError {
    /// The schema, subject or version does not exist (HTTP 404; codes 40401–40403).
    #[error("not found in schema registry: {message} (error code {code})")]
    NotFound {
        /// The registry's error code.
        code: i32,
        /// The registry's message.
        message: String,
    },
    /// The schema is not compatible with earlier versions of the subject (HTTP 409).
    #[error("schema is incompatible with the subject's earlier versions: {message}")]
    Incompatible {
        /// The registry's message.
        message: String,
    },
    /// The registry rejected the schema as invalid (HTTP 422; code 42201).
    #[error("invalid schema: {message} (error code {code})")]
    InvalidSchema {
        /// The registry's error code.
        code: i32,
        /// The registry's message.
        message: String,
    },
    /// Another error answer from the registry.
    #[error("schema registry error {code}: {message}")]
    Other {
        /// The registry's error code (or the HTTP status).
        code: i32,
        /// The registry's message.
        message: String,
    },
    /// No registry URL answered.
    #[error("schema registry unreachable: {0}")]
    Unreachable(String),
}

/// A Confluent-compatible schema registry.
pub trait SchemaRegistry: Send + Sync {
    /// Registers `schema` under `subject` (or finds it registered) and returns its global id:
    /// `POST /subjects/{subject}/versions`.
    fn register(&self, subject: &str, schema: &RegistrySchema) -> Result<i32, RegistryError>;

    /// Finds `schema` among the versions of `subject` without registering it:
    /// `POST /subjects/{subject}?deleted=false`.
    fn lookup(
        &self,
        subject: &str,
        schema: &RegistrySchema,
    ) -> Result<SubjectVersion, RegistryError>;

    /// The schema with global id `id`: `GET /schemas/ids/{id}`.
    fn schema_by_id(&self, id: i32) -> Result<RegistrySchema, RegistryError>;

    /// A version of `subject`, or the latest with `None`:
    /// `GET /subjects/{subject}/versions/{version|latest}`.
    fn version(&self, subject: &str, version: Option<i32>)
    -> Result<SubjectVersion, RegistryError>;
}
