//! `io.confluent.connect.avro.AvroConverter`: Connect data as Avro with the Confluent Schema
//! Registry framing (magic byte, schema id, datum).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use sluice_codecs::avro::{AvroSchema, avro_schema_text, encode_confluent};
use sluice_codecs::{SchemaRef, Value, framing};

use super::registry_serde::{RegistrySerde, SchemaKey};
use super::{Converter, ConverterError, ConverterType, SchemaAndValue};
use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::schema_registry::RegistrySchema;

/// Confluent's `AvroConverter`: writes each record's schema to the registry (per the subject
/// name strategy) and frames the Avro datum with its id; reads the id, fetches and caches the
/// writer schema, and decodes with it.
pub struct AvroConverter {
    serde: RegistrySerde,
    /// Writer schemas by the Connect schema they were derived from.
    writers: HashMap<SchemaKey, Writer>,
    /// Reader schemas by registry id.
    readers: HashMap<i32, Arc<AvroSchema>>,
    buffer: Vec<u8>,
}

const MAX_CACHED: usize = 1000;

/// The Avro schema derived from one Connect schema, and its registry id for each topic it was
/// written to (the subject, and so the id, may differ per topic).
struct Writer {
    avro: Arc<AvroSchema>,
    /// The registered text: AvroData's, with the `connect.*` properties, as Confluent's
    /// converter registers it.
    text: String,
    ids: Vec<(String, i32)>,
}

impl AvroConverter {
    /// The converter's keys: the Schema Registry keys.
    pub fn config_def() -> ConfigDef {
        super::registry_serde::config_def()
    }

    /// A converter for `raw` settings, for keys or values.
    pub fn configure(raw: &RawConfig, ty: ConverterType) -> Result<Self, ConfigError> {
        let (serde, _) = RegistrySerde::configure(raw, ty, &ConfigDef::new())?;
        Ok(Self {
            serde,
            writers: HashMap::new(),
            readers: HashMap::new(),
            buffer: Vec::new(),
        })
    }

    fn writer(
        &mut self,
        topic: &str,
        schema: &SchemaRef,
    ) -> Result<(Arc<AvroSchema>, i32), ConverterError> {
        let key = SchemaKey(Arc::clone(schema));
        if let Some(writer) = self.writers.get(&key)
            && let Some((_, id)) = writer.ids.iter().find(|(written, _)| written == topic)
        {
            return Ok((Arc::clone(&writer.avro), *id));
        }
        let serialize = |error: &dyn std::fmt::Display| ConverterError::serialize(topic, error);
        if !self.writers.contains_key(&key) {
            let avro = AvroSchema::from_connect(schema).map_err(|error| serialize(&error))?;
            let text = avro_schema_text(schema).map_err(|error| serialize(&error))?;
            if self.writers.len() >= MAX_CACHED {
                self.writers.clear();
            }
            let writer = Writer {
                avro: Arc::new(avro),
                text,
                ids: Vec::new(),
            };
            self.writers.insert(SchemaKey(Arc::clone(schema)), writer);
        }
        let writer = self
            .writers
            .get_mut(&key)
            .ok_or_else(|| serialize(&"the writer schema cache lost an entry"))?;
        let id = self
            .serde
            .schema_id(
                topic,
                schema.name.as_deref(),
                &RegistrySchema::avro(writer.text.clone()),
            )
            .map_err(|error| serialize(&error))?;
        writer.ids.push((topic.to_owned(), id));
        Ok((Arc::clone(&writer.avro), id))
    }

    fn reader(&mut self, topic: &str, id: i32) -> Result<Arc<AvroSchema>, ConverterError> {
        if let Some(avro) = self.readers.get(&id) {
            return Ok(Arc::clone(avro));
        }
        let registered = self
            .serde
            .registry
            .schema_by_id(id)
            .map_err(|error| ConverterError::deserialize(topic, error))?;
        let avro = AvroSchema::parse(&registered.schema)
            .map_err(|error| ConverterError::deserialize(topic, error))?;
        if self.readers.len() >= MAX_CACHED {
            self.readers.clear();
        }
        let avro = Arc::new(avro);
        self.readers.insert(id, Arc::clone(&avro));
        Ok(avro)
    }
}

impl Converter for AvroConverter {
    fn to_bytes(
        &mut self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Bytes>, ConverterError> {
        if value.is_null() {
            return Ok(None);
        }
        let schema = schema.ok_or_else(|| {
            ConverterError::serialize(topic, "AvroConverter needs a schema for non-null data")
        })?;
        let (avro, id) = self.writer(topic, schema)?;
        self.buffer.clear();
        encode_confluent(id, &avro, value, &mut self.buffer)
            .map_err(|error| ConverterError::serialize(topic, error))?;
        Ok(Some(Bytes::copy_from_slice(&self.buffer)))
    }

    fn to_connect(
        &mut self,
        topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        let Some(bytes) = bytes else {
            return Ok((None, Value::Null));
        };
        let (id, datum) = framing::split(bytes.clone())
            .map_err(|error| ConverterError::deserialize(topic, error))?;
        let avro = self.reader(topic, id)?;
        let value = avro
            .decode(datum)
            .map_err(|error| ConverterError::deserialize(topic, error))?;
        Ok((Some(avro.connect_schema().clone()), value))
    }
}

#[cfg(test)]
mod tests {
    use sluice_codecs::{Schema, Struct};

    use super::*;

    fn converter(scope: &str, ty: ConverterType) -> AvroConverter {
        let raw: RawConfig = [("schema.registry.url".to_owned(), format!("mock://{scope}"))]
            .into_iter()
            .collect();
        AvroConverter::configure(&raw, ty).expect("valid config")
    }

    #[test]
    fn one_schema_written_to_two_topics_is_registered_under_both_subjects() {
        let schema = Schema::structure([("id", Schema::int64().into_ref())])
            .with_name("com.example.Id")
            .into_ref();
        let value = Value::Struct(
            Struct::from_values(schema.clone(), vec![Value::Int64(1)]).expect("1 field"),
        );
        let mut writer = converter("avro-two-topics", ConverterType::Value);
        for topic in ["users", "admins", "users"] {
            writer
                .to_bytes(topic, Some(&schema), &value)
                .expect("encodable");
        }
        for subject in ["users-value", "admins-value"] {
            assert!(
                writer.serde.registry.version(subject, None).is_ok(),
                "{subject} registered"
            );
        }
    }

    #[test]
    fn writes_confluent_framing_and_reads_it_back() {
        let schema = Schema::structure([
            ("id", Schema::int64().into_ref()),
            ("name", Schema::string().into_ref()),
        ])
        .with_name("com.example.User")
        .into_ref();
        let user = Value::Struct(
            Struct::from_values(schema.clone(), vec![Value::Int64(1), Value::from("ada")])
                .expect("2 fields"),
        );
        let mut writer = converter("avro-round-trip", ConverterType::Value);
        let bytes = writer
            .to_bytes("users", Some(&schema), &user)
            .expect("encodable")
            .expect("not null");
        // Magic byte, schema id 1, then long 1 (zig-zag 02) and string "ada" (length 3 → 06).
        assert_eq!(
            bytes.as_ref(),
            &[0x00, 0, 0, 0, 1, 0x02, 0x06, b'a', b'd', b'a']
        );
        let mut reader = converter("avro-round-trip", ConverterType::Value);
        let (read_schema, read) = reader.to_connect("users", Some(&bytes)).expect("decodable");
        assert_eq!(read, user);
        assert_eq!(
            read_schema.and_then(|s| s.name.clone()).as_deref(),
            Some("com.example.User")
        );
    }

    #[test]
    fn unknown_ids_and_missing_url_are_errors() {
        let mut reader = converter("avro-unknown", ConverterType::Key);
        let error = reader
            .to_connect("t", Some(&Bytes::from_static(&[0, 0, 0, 0, 9, 0])))
            .expect_err("id 9 unknown");
        assert!(error.to_string().contains("not found"), "{error}");
        let error = AvroConverter::configure(&RawConfig::new(), ConverterType::Value)
            .err()
            .expect("url required");
        assert_eq!(error.key(), Some("schema.registry.url"));
    }

    #[test]
    fn tombstones_stay_null() {
        let mut converter = converter("avro-null", ConverterType::Value);
        assert_eq!(converter.to_bytes("t", None, &Value::Null), Ok(None));
        assert_eq!(converter.to_connect("t", None), Ok((None, Value::Null)));
    }
}
