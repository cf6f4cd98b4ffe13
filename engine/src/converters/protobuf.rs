//! `io.confluent.connect.protobuf.ProtobufConverter`: Connect data as Protobuf with the Confluent
//! Schema Registry framing (magic byte, schema id, message indexes, message).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use sluice_codecs::cursor::Cursor;
use sluice_codecs::protobuf::{ProtoSchema, ProtobufCodec, encode_framed, read_message_indexes};
use sluice_codecs::{SchemaRef, Value, framing};

use super::registry_serde::{IdSelection, RegistrySerde};
use super::{Converter, ConverterError, ConverterType, SchemaAndValue};
use crate::config::{ConfigDef, ConfigError, RawConfig};
use crate::schema_registry::{RegistrySchema, SchemaRegistry};

const MAX_CACHED: usize = 1000;

/// A codec for one message of a registered schema, with where it sits in the `.proto` file.
struct Writer {
    id: i32,
    indexes: Vec<i32>,
    codec: Arc<ProtobufCodec>,
}

/// Confluent's `ProtobufConverter`. Reading fetches the writer's `.proto` (with its references)
/// by id and decodes the message the indexes select. Writing encodes against the subject's
/// latest registered schema (`use.latest.version=true`); deriving a `.proto` from a Connect
/// schema to register it is not supported yet and is reported as an error.
pub struct ProtobufConverter {
    serde: RegistrySerde,
    readers: HashMap<(i32, Vec<i32>), Arc<ProtobufCodec>>,
    writers: HashMap<String, Writer>,
    buffer: Vec<u8>,
}

impl ProtobufConverter {
    /// The converter's keys: the Schema Registry keys.
    pub fn config_def() -> ConfigDef {
        super::registry_serde::config_def()
    }

    /// A converter for `raw` settings, for keys or values.
    pub fn configure(raw: &RawConfig, ty: ConverterType) -> Result<Self, ConfigError> {
        let (serde, _) = RegistrySerde::configure(raw, ty, &ConfigDef::new())?;
        Ok(Self {
            serde,
            readers: HashMap::new(),
            writers: HashMap::new(),
            buffer: Vec::new(),
        })
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
        let codec = Arc::new(schema.codec_at(indexes).map_err(|error| fail(&error))?);
        if self.readers.len() >= MAX_CACHED {
            self.readers.clear();
        }
        self.readers
            .insert((id, indexes.to_vec()), Arc::clone(&codec));
        Ok(codec)
    }

    fn writer(&mut self, topic: &str, schema: &SchemaRef) -> Result<&Writer, ConverterError> {
        let fail = |error: &dyn std::fmt::Display| ConverterError::serialize(topic, error);
        if self.serde.ids != IdSelection::Latest {
            return Err(fail(
                &"ProtobufConverter cannot derive a .proto schema from a Connect schema yet: register the schema and set use.latest.version=true",
            ));
        }
        let subject = self
            .serde
            .strategy
            .subject(topic, self.serde.is_key, schema.name.as_deref())
            .map_err(|error| fail(&error))?;
        if !self.writers.contains_key(&subject) {
            let latest = self
                .serde
                .registry
                .version(&subject, None)
                .map_err(|error| fail(&error))?;
            let proto = load_proto(self.serde.registry.as_ref(), &latest.schema)
                .map_err(|error| fail(&error))?;
            let indexes = message_indexes(&proto, schema.name.as_deref());
            let codec = Arc::new(proto.codec_at(&indexes).map_err(|error| fail(&error))?);
            if self.writers.len() >= MAX_CACHED {
                self.writers.clear();
            }
            self.writers.insert(
                subject.clone(),
                Writer {
                    id: latest.id,
                    indexes,
                    codec,
                },
            );
        }
        Ok(&self.writers[&subject])
    }
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
    const MAIN: &str = "schema.proto";
    let mut files = vec![(MAIN.to_owned(), schema.schema.clone())];
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
        .set_main_file(MAIN)
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
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        let writer = self.writer(topic, schema)?;
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
mod tests {
    use super::*;
    use crate::schema_registry::RegistrySchema;

    const USER_PROTO: &str = "syntax = \"proto3\";\npackage example;\nmessage User {\n  int64 id = 1;\n  string name = 2;\n}\n";

    fn converter(scope: &str, latest: bool) -> ProtobufConverter {
        let mut raw: RawConfig = [("schema.registry.url".to_owned(), format!("mock://{scope}"))]
            .into_iter()
            .collect();
        if latest {
            raw.insert("use.latest.version".to_owned(), "true".to_owned());
        }
        ProtobufConverter::configure(&raw, ConverterType::Value).expect("valid config")
    }

    #[test]
    fn reads_what_it_writes_against_the_latest_registered_schema() {
        let mut writer = converter("proto-round-trip", true);
        writer
            .serde
            .registry
            .register("users-value", &RegistrySchema::protobuf(USER_PROTO))
            .expect("registered");
        // A message read from the wire gives the Connect schema and value to write back.
        let message = Bytes::from_static(&[
            0x00, 0, 0, 0, 1, 0x00, 0x08, 0x07, 0x12, 0x03, b'a', b'd', b'a',
        ]);
        let mut reader = converter("proto-round-trip", false);
        let (schema, value) = reader
            .to_connect("users", Some(&message))
            .expect("decodable");
        let schema = schema.expect("a schema");
        assert_eq!(schema.name.as_deref(), Some("example.User"));
        let written = writer
            .to_bytes("users", Some(&schema), &value)
            .expect("encodable");
        assert_eq!(written.as_deref(), Some(message.as_ref()));
    }

    #[test]
    fn writing_without_a_registered_schema_explains_what_to_set() {
        let mut writer = converter("proto-no-latest", false);
        let schema =
            sluice_codecs::Schema::structure([("id", sluice_codecs::Schema::int64().into_ref())])
                .into_ref();
        let record = sluice_codecs::Struct::from_values(schema.clone(), vec![Value::Int64(1)])
            .expect("1 field");
        let error = writer
            .to_bytes("t", Some(&schema), &Value::Struct(record))
            .expect_err("cannot derive .proto");
        assert!(
            error.to_string().contains("use.latest.version=true"),
            "{error}"
        );
    }
}
