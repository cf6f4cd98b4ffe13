//! `io.confluent.connect.protobuf.ProtobufConverter`: Connect data as Protobuf with the Confluent
//! Schema Registry framing (magic byte, schema id, message indexes, message).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use sluice_codecs::cursor::Cursor;
use sluice_codecs::protobuf::{
    CodecOptions, ProtoSchema, ProtobufCodec, encode_framed, read_message_indexes,
};
use sluice_codecs::{SchemaRef, Value, framing};

use super::protobuf_derive::{DeriveOptions, derive};
use super::registry_serde::{IdSelection, RegistrySerde, SchemaKey};
use super::{Converter, ConverterError, ConverterType, SchemaAndValue};
use crate::config::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, RawConfig};
use crate::schema_registry::{RegistrySchema, SchemaRegistry};

const MAX_CACHED: usize = 1000;
/// Most topics one Connect schema keeps a cached writer for.
const MAX_TOPICS_PER_SCHEMA: usize = 64;
/// The name the main file of a registered schema is compiled under.
const MAIN_FILE: &str = "schema.proto";

/// A codec for one message of a registered schema, with where it sits in the `.proto` file.
struct Writer {
    id: i32,
    indexes: Vec<i32>,
    codec: Arc<ProtobufCodec>,
}

/// The writers of one Connect schema, by the topic they write to.
type TopicWriters = Vec<(Box<str>, Arc<Writer>)>;

/// Confluent's `ProtobufConverter`. Reading fetches the writer's `.proto` (with its references)
/// by id and decodes the message the indexes select.
///
/// Writing derives a proto3 schema from the record's Connect schema as Confluent's
/// `ProtobufData.fromConnectSchema` does (see `protobuf_derive` for the mapping and what is not
/// reproduced), registers it under the subject the subject name strategy gives
/// (`auto.register.schemas=true`, the default) or looks it up (`false`), and encodes against
/// that same text compiled, so what is registered is what the bytes follow. With
/// `use.latest.version=true` it encodes against the subject's latest registered schema instead.
/// Writers are cached by topic and Connect schema (by allocation, then by derived text), so a
/// schema written to several topics is registered under each topic's subject.
pub struct ProtobufConverter {
    serde: RegistrySerde,
    options: DeriveOptions,
    readers: HashMap<(i32, Vec<i32>), Arc<ProtobufCodec>>,
    /// `use.latest.version` writers by subject.
    latest: HashMap<String, Arc<Writer>>,
    /// Derived-schema writers by the Connect schema's allocation, one per topic.
    derived: HashMap<SchemaKey, TopicWriters>,
    /// Derived-schema writers by topic and `.proto` text, for equal schemas in new allocations.
    by_text: HashMap<(String, String), Arc<Writer>>,
    buffer: Vec<u8>,
}

impl ProtobufConverter {
    /// The converter's keys: the Schema Registry keys and the `ProtobufDataConfig` keys that
    /// shape derived schemas.
    pub fn config_def() -> ConfigDef {
        super::registry_serde::config_def().embed("", None, &protobuf_data_def())
    }

    /// A converter for `raw` settings, for keys or values.
    pub fn configure(raw: &RawConfig, ty: ConverterType) -> Result<Self, ConfigError> {
        let (serde, config) = RegistrySerde::configure(raw, ty, &protobuf_data_def())?;
        let options = DeriveOptions {
            optional_for_nullables: config.boolean(OPTIONAL_FOR_NULLABLES) == Some(true),
            scrub_invalid_names: config.boolean(SCRUB_INVALID_NAMES) == Some(true),
            wrapper_for_nullables: config.boolean(WRAPPER_FOR_NULLABLES) == Some(true),
        };
        Ok(Self {
            serde,
            options,
            readers: HashMap::new(),
            latest: HashMap::new(),
            derived: HashMap::new(),
            by_text: HashMap::new(),
            buffer: Vec::new(),
        })
    }

    /// How messages map to Connect, from the `ProtobufDataConfig` keys.
    fn codec_options(&self) -> CodecOptions {
        CodecOptions {
            wrapper_for_nullables: self.options.wrapper_for_nullables,
        }
    }

    fn reader(
        &mut self,
        topic: &str,
        id: i32,
        indexes: &[i32],
    ) -> Result<Arc<ProtobufCodec>, ConverterError> {
        if let Some(codec) = self.readers.get(&(id, indexes.to_vec())) {
            return Ok(Arc::clone(codec));
        }
        let fail = |error: &dyn std::fmt::Display| ConverterError::deserialize(topic, error);
        let registered = self
            .serde
            .registry
            .schema_by_id(id)
            .map_err(|error| fail(&error))?;
        let schema =
            load_proto(self.serde.registry.as_ref(), &registered).map_err(|error| fail(&error))?;
        let codec = Arc::new(
            schema
                .codec_at_with(indexes, self.codec_options())
                .map_err(|error| fail(&error))?,
        );
        if self.readers.len() >= MAX_CACHED {
            self.readers.clear();
        }
        self.readers
            .insert((id, indexes.to_vec()), Arc::clone(&codec));
        Ok(codec)
    }

    fn writer(&mut self, topic: &str, schema: &SchemaRef) -> Result<Arc<Writer>, ConverterError> {
        if self.serde.ids == IdSelection::Latest {
            self.latest_writer(topic, schema)
        } else {
            self.derived_writer(topic, schema)
        }
    }

    /// The writer for the subject's latest registered schema (`use.latest.version=true`).
    fn latest_writer(
        &mut self,
        topic: &str,
        schema: &SchemaRef,
    ) -> Result<Arc<Writer>, ConverterError> {
        let fail = |error: &dyn std::fmt::Display| ConverterError::serialize(topic, error);
        let subject = self
            .serde
            .strategy
            .subject(topic, self.serde.is_key, schema.name.as_deref())
            .map_err(|error| fail(&error))?;
        if let Some(writer) = self.latest.get(&subject) {
            return Ok(Arc::clone(writer));
        }
        let latest = self
            .serde
            .registry
            .version(&subject, None)
            .map_err(|error| fail(&error))?;
        let proto = load_proto(self.serde.registry.as_ref(), &latest.schema)
            .map_err(|error| fail(&error))?;
        let indexes = message_indexes(&proto, schema.name.as_deref());
        let codec = Arc::new(
            proto
                .codec_at_with(&indexes, self.codec_options())
                .map_err(|error| fail(&error))?,
        );
        let writer = Arc::new(Writer {
            id: latest.id,
            indexes,
            codec,
        });
        if self.latest.len() >= MAX_CACHED {
            self.latest.clear();
        }
        self.latest.insert(subject, Arc::clone(&writer));
        Ok(writer)
    }

    /// The writer for the schema derived from `schema`, registered (or looked up) under its
    /// subject.
    fn derived_writer(
        &mut self,
        topic: &str,
        schema: &SchemaRef,
    ) -> Result<Arc<Writer>, ConverterError> {
        let key = SchemaKey(Arc::clone(schema));
        let cached = self.derived.get(&key).and_then(|writers| {
            writers
                .iter()
                .find(|(written_to, _)| **written_to == *topic)
        });
        if let Some((_, writer)) = cached {
            return Ok(Arc::clone(writer));
        }
        let fail = |error: &dyn std::fmt::Display| ConverterError::serialize(topic, error);
        let proto = derive(schema, self.options).map_err(|error| fail(&error))?;
        let text_key = (topic.to_owned(), proto.text);
        let writer = match self.by_text.get(&text_key) {
            Some(writer) => Arc::clone(writer),
            None => {
                let text = &text_key.1;
                let options = self.codec_options();
                let compiled = ProtoSchema::from_proto_text(&[(MAIN_FILE, text.as_str())])
                    .and_then(|compiled| compiled.codec_with(&proto.full_name, options))
                    .map_err(|error| {
                        fail(&format!("the .proto derived from the Connect schema does not compile ({error}):\n{text}"))
                    })?;
                let id = self
                    .serde
                    .schema_id(
                        topic,
                        Some(&proto.full_name),
                        &RegistrySchema::protobuf(text.clone()),
                    )
                    .map_err(|error| fail(&error))?;
                let writer = Arc::new(Writer {
                    id,
                    // The derived file has one top-level message.
                    indexes: vec![0],
                    codec: Arc::new(compiled),
                });
                if self.by_text.len() >= MAX_CACHED {
                    self.by_text.clear();
                }
                self.by_text.insert(text_key, Arc::clone(&writer));
                writer
            }
        };
        if self.derived.len() >= MAX_CACHED {
            self.derived.clear();
        }
        let writers = self.derived.entry(key).or_default();
        // A schema routed to ever new topics must not grow its list without bound.
        if writers.len() >= MAX_TOPICS_PER_SCHEMA {
            writers.clear();
        }
        writers.push((topic.into(), Arc::clone(&writer)));
        Ok(writer)
    }
}

const OPTIONAL_FOR_NULLABLES: &str = "optional.for.nullables";
const WRAPPER_FOR_NULLABLES: &str = "wrapper.for.nullables";
const SCRUB_INVALID_NAMES: &str = "scrub.invalid.names";

/// Confluent's `ProtobufDataConfig` keys that shape derived schemas.
fn protobuf_data_def() -> ConfigDef {
    let key = |name: &str| {
        ConfigKey::new(name, ConfigType::Boolean)
            .default_value("false")
            .importance(Importance::Medium)
            .group("Protobuf", 0)
    };
    ConfigDef::new()
        .define(
            key(OPTIONAL_FOR_NULLABLES)
                .doc("Whether nullable fields should be specified with an optional label."),
        )
        .define(
            key(WRAPPER_FOR_NULLABLES)
                .doc("Whether nullable fields should use primitive wrapper messages."),
        )
        .define(key(SCRUB_INVALID_NAMES).doc(
            "Whether to scrub invalid names by replacing invalid characters with valid characters.",
        ))
}

/// The indexes of the top-level message called `name`, or `[0]` (the first message) when the
/// schema has no name or no top-level message has it.
fn message_indexes(proto: &ProtoSchema, name: Option<&str>) -> Vec<i32> {
    let Some(name) = name else {
        return vec![0];
    };
    (0..)
        .map_while(|index| {
            proto
                .full_name_at(&[index])
                .ok()
                .map(|found| (index, found))
        })
        .find(|(_, found)| found == name)
        .map_or_else(|| vec![0], |(index, _)| vec![index])
}

/// Compiles a registered `.proto` with the schemas it references (fetched by subject/version).
fn load_proto(
    registry: &dyn SchemaRegistry,
    schema: &RegistrySchema,
) -> Result<ProtoSchema, String> {
    let mut files = vec![(MAIN_FILE.to_owned(), schema.schema.clone())];
    for reference in &schema.references {
        let referenced = registry
            .version(&reference.subject, Some(reference.version))
            .map_err(|error| error.to_string())?;
        files.push((reference.name.clone(), referenced.schema.schema));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let mut proto = ProtoSchema::from_proto_text(&borrowed).map_err(|error| error.to_string())?;
    proto
        .set_main_file(MAIN_FILE)
        .map_err(|error| error.to_string())?;
    Ok(proto)
}

impl Converter for ProtobufConverter {
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
            ConverterError::serialize(topic, "ProtobufConverter needs a schema for non-null data")
        })?;
        let writer = self.writer(topic, schema)?;
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        let written = encode_framed(
            &writer.codec,
            writer.id,
            &writer.indexes,
            value,
            &mut buffer,
        );
        let bytes = written.map(|()| Bytes::copy_from_slice(&buffer));
        self.buffer = buffer;
        bytes
            .map(Some)
            .map_err(|error| ConverterError::serialize(topic, error))
    }

    fn to_connect(
        &mut self,
        topic: &str,
        bytes: Option<&Bytes>,
    ) -> Result<SchemaAndValue, ConverterError> {
        let Some(bytes) = bytes else {
            return Ok((None, Value::Null));
        };
        let fail = |error: &dyn std::fmt::Display| ConverterError::deserialize(topic, error);
        let mut cursor = Cursor::new(bytes.clone());
        let id = framing::read_prefix(&mut cursor).map_err(|error| fail(&error))?;
        let indexes = read_message_indexes(&mut cursor).map_err(|error| fail(&error))?;
        let codec = self.reader(topic, id, &indexes)?;
        let value = codec
            .decode(cursor.read_rest())
            .map_err(|error| fail(&error))?;
        Ok((Some(codec.schema().clone()), value))
    }
}

#[cfg(test)]
#[path = "protobuf_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "protobuf_logical_tests.rs"]
mod logical_tests;
