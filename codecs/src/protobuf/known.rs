//! The files Confluent's `ProtobufSchema` knows without a schema reference that `protox` does not
//! ship (`confluent/meta.proto`, `confluent/type/decimal.proto`, `google/type/date.proto`,
//! `google/type/timeofday.proto`), and the `(confluent.field_meta)` parameters of compiled
//! fields.
//!
//! Confluent's `ProtobufData` writes `(confluent.field_meta)` options (a Decimal's precision and
//! scale) without importing `confluent/meta.proto`; [`with_meta_import`] adds the import to such
//! files before they are compiled, as Confluent resolves the option without it.

use std::collections::HashMap;

use prost_types::FileDescriptorProto;
use protox::file::{File, FileResolver};
use protox::prost_reflect::{DescriptorPool, MapKey, Value as ReflectValue};

/// Where `confluent.Meta` and the `(confluent.field_meta)` option are declared.
pub const META_FILE: &str = "confluent/meta.proto";
/// Where `confluent.type.Decimal` is declared.
pub const DECIMAL_FILE: &str = "confluent/type/decimal.proto";
/// Where `google.type.Date` is declared.
pub const DATE_FILE: &str = "google/type/date.proto";
/// Where `google.type.TimeOfDay` is declared.
pub const TIME_OF_DAY_FILE: &str = "google/type/timeofday.proto";

const META_SOURCE: &str = r#"syntax = "proto3";
package confluent;

import "google/protobuf/descriptor.proto";

option java_package = "io.confluent.protobuf";
option java_outer_classname = "MetaProto";

message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
  repeated Rule rules = 4;
}

message Rule {
  string name = 1;
  string doc = 2;
  string expr = 3;
  string sql = 4;
}

extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
"#;

const DECIMAL_SOURCE: &str = r#"syntax = "proto3";
package confluent.type;

option java_package = "io.confluent.protobuf.type";
option java_outer_classname = "DecimalProto";

message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
"#;

const DATE_SOURCE: &str = r#"syntax = "proto3";
package google.type;

option java_multiple_files = true;
option java_outer_classname = "DateProto";
option java_package = "com.google.type";

message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
"#;

const TIME_OF_DAY_SOURCE: &str = r#"syntax = "proto3";
package google.type;

option java_multiple_files = true;
option java_outer_classname = "TimeOfDayProto";
option java_package = "com.google.type";

message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
}
"#;

/// Resolves the known files above by name. Their text declares what Confluent's files declare
/// (names, numbers and types of the fields and extensions), not their comments and options.
pub(super) struct KnownFileResolver;

impl FileResolver for KnownFileResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        let source = match name {
            META_FILE => META_SOURCE,
            DECIMAL_FILE => DECIMAL_SOURCE,
            DATE_FILE => DATE_SOURCE,
            TIME_OF_DAY_FILE => TIME_OF_DAY_SOURCE,
            _ => return Err(protox::Error::file_not_found(name)),
        };
        File::from_source(name, source)
    }
}

/// Parses `source`, importing `confluent/meta.proto` when the text uses a `(confluent.…)`
/// option without importing it.
pub(super) fn with_meta_import(name: &str, source: &str) -> Result<File, protox::Error> {
    let file = File::from_source(name, source)?;
    let uses_meta = source.contains("(confluent.");
    if !uses_meta || name == META_FILE {
        return Ok(file);
    }
    let descriptor: &FileDescriptorProto = file.file_descriptor_proto();
    if descriptor.dependency.iter().any(|d| d == META_FILE) {
        return Ok(file);
    }
    let mut descriptor = descriptor.clone();
    descriptor.dependency.push(META_FILE.to_owned());
    Ok(File::from_file_descriptor_proto(descriptor))
}

/// The `(confluent.field_meta)` `params` of every field that has some, by the field's message
/// full name and number.
#[derive(Debug, Default)]
pub(super) struct FieldMeta(HashMap<(String, u32), HashMap<String, String>>);

impl FieldMeta {
    /// Reads the parameters from the field options of every message in `pool`.
    pub(super) fn of_pool(pool: &DescriptorPool) -> Self {
        let mut meta = HashMap::new();
        let Some(extension) = pool.get_extension_by_name("confluent.field_meta") else {
            return Self(meta);
        };
        for message in pool.all_messages() {
            for field in message.fields() {
                let options = field.options();
                if !options.has_extension(&extension) {
                    continue;
                }
                let params = match &*options.get_extension(&extension) {
                    ReflectValue::Message(value) => match value.get_field_by_name("params") {
                        Some(params) => string_map(&params),
                        None => HashMap::new(),
                    },
                    _ => HashMap::new(),
                };
                if !params.is_empty() {
                    meta.insert((message.full_name().to_owned(), field.number()), params);
                }
            }
        }
        Self(meta)
    }

    /// The parameter `key` of field `number` of message `message`.
    pub(super) fn param(&self, message: &str, number: u32, key: &str) -> Option<&str> {
        self.0
            .get(&(message.to_owned(), number))?
            .get(key)
            .map(String::as_str)
    }
}

fn string_map(value: &ReflectValue) -> HashMap<String, String> {
    let Some(map) = value.as_map() else {
        return HashMap::new();
    };
    map.iter()
        .filter_map(|(key, value)| match (key, value) {
            (MapKey::String(key), ReflectValue::String(value)) => {
                Some((key.clone(), value.clone()))
            }
            _ => None,
        })
        .collect()
}
