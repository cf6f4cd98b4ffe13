//! Schema caches, so per-record work skips schema compilation, schema JSON writing and schema
//! JSON parsing (Kafka's `schemas.cache.size`).

use std::sync::Arc;

use bytes::Bytes;
use indexmap::IndexMap;

use super::JsonOptions;
use super::error::JsonError;
use super::plan::Plan;
use super::read::Reader;
use super::schema_json::{parse_schema, write_schema};
use crate::schema::SchemaRef;

/// A schema compiled for one converter: its plan and, for writing, its schema JSON.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// The compiled plan (it holds the schema).
    pub plan: Plan,
    /// The schema JSON text (empty in the decode cache, which keys on it instead).
    pub json: Vec<u8>,
}

impl Compiled {
    /// The schema.
    pub fn schema(&self) -> &SchemaRef {
        &self.plan.schema
    }
}

/// Compiled schemas by schema identity (pointer, then equality).
#[derive(Debug)]
pub(crate) struct EncodeCache {
    capacity: usize,
    last: Option<(SchemaRef, Arc<Compiled>)>,
    /// By `Arc` address; the entry keeps its `SchemaRef` alive so the address stays unique.
    by_pointer: IndexMap<usize, (SchemaRef, Arc<Compiled>)>,
    /// One entry per distinct schema, for the equality fallback.
    distinct: Vec<Arc<Compiled>>,
}

impl EncodeCache {
    /// An empty cache holding at most `capacity` schemas.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            last: None,
            by_pointer: IndexMap::new(),
            distinct: Vec::new(),
        }
    }

    /// The compiled form of `schema`, compiling it on first sight.
    pub fn get(
        &mut self,
        schema: &SchemaRef,
        options: &JsonOptions,
    ) -> Result<Arc<Compiled>, JsonError> {
        if let Some((last, compiled)) = &self.last
            && Arc::ptr_eq(last, schema)
        {
            return Ok(compiled.clone());
        }
        let address = Arc::as_ptr(schema) as usize;
        let compiled = match self.by_pointer.get(&address) {
            Some((_, compiled)) => compiled.clone(),
            None => {
                let compiled = self.find_or_compile(schema, options)?;
                if self.by_pointer.len() >= self.capacity {
                    self.by_pointer.shift_remove_index(0);
                }
                self.by_pointer
                    .insert(address, (schema.clone(), compiled.clone()));
                compiled
            }
        };
        self.last = Some((schema.clone(), compiled.clone()));
        Ok(compiled)
    }

    fn find_or_compile(
        &mut self,
        schema: &SchemaRef,
        options: &JsonOptions,
    ) -> Result<Arc<Compiled>, JsonError> {
        if let Some(found) = self.distinct.iter().find(|c| **c.schema() == **schema) {
            return Ok(found.clone());
        }
        let plan = Plan::compile(schema);
        let mut json = Vec::new();
        write_schema(&plan, options, &mut json)?;
        let compiled = Arc::new(Compiled { plan, json });
        if self.distinct.len() >= self.capacity {
            self.distinct.remove(0);
        }
        self.distinct.push(compiled.clone());
        Ok(compiled)
    }
}

/// Parsed schemas by the exact text of the envelope's `"schema"` value.
#[derive(Debug)]
pub(crate) struct DecodeCache {
    capacity: usize,
    last: Option<(Bytes, Arc<Compiled>)>,
    by_text: IndexMap<Bytes, Arc<Compiled>>,
}

impl DecodeCache {
    /// An empty cache holding at most `capacity` schemas.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            last: None,
            by_text: IndexMap::new(),
        }
    }

    /// Reads the schema JSON value at the reader's position (after whitespace), parsing it only
    /// when its text was not seen before. `None` for JSON `null`.
    pub fn read(
        &mut self,
        reader: &mut Reader<'_>,
        replace_null: bool,
    ) -> Result<Option<Arc<Compiled>>, JsonError> {
        let first = reader.peek_some()?;
        // A JSON object is never a prefix of another JSON value, so input that starts with the
        // last schema text holds exactly that schema there.
        if let Some((text, compiled)) = &self.last
            && reader.rest().starts_with(text)
        {
            reader.advance(text.len());
            return Ok(Some(compiled.clone()));
        }
        if first == b'n' {
            reader.literal(b"null")?;
            return Ok(None);
        }
        let start = reader.position();
        let depth = reader.depth();
        reader.skip_value()?;
        let text = &reader.input()[start..reader.position()];
        let compiled = match self.by_text.get(text) {
            Some(compiled) => compiled.clone(),
            None => {
                let mut sub = Reader::at(reader.input(), start, depth);
                let schema = parse_schema(&mut sub, replace_null)?;
                let compiled = Arc::new(Compiled {
                    plan: Plan::compile(&schema),
                    json: Vec::new(),
                });
                if self.by_text.len() >= self.capacity {
                    self.by_text.shift_remove_index(0);
                }
                self.by_text
                    .insert(Bytes::copy_from_slice(text), compiled.clone());
                compiled
            }
        };
        if let Some((key, _)) = self.by_text.get_key_value(text) {
            self.last = Some((key.clone(), compiled.clone()));
        }
        Ok(Some(compiled))
    }
}
