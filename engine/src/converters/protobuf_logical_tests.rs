//! `ProtobufConverter` with Connect Decimal, Date, Time, INT8 and INT16 fields through `mock://`
//! registries: the schema registered (no references), the framed bytes, and reading them back,
//! also from a schema registered by Confluent.

use bytes::Bytes;
use sluice_codecs::protobuf::TAG_PARAMETER;
use sluice_codecs::{Decimal, Schema, SchemaRef, SchemaType, Struct, Value};

use super::*;
use crate::config::RawConfig;
use crate::schema_registry::RegistrySchema;

fn converter(scope: &str) -> ProtobufConverter {
    let raw: RawConfig = [("schema.registry.url".to_owned(), format!("mock://{scope}"))]
        .into_iter()
        .collect();
    ProtobufConverter::configure(&raw, ConverterType::Value).expect("valid config")
}

fn payment() -> SchemaRef {
    Schema::structure([
        (
            "amount",
            Schema::decimal(2)
                .with_parameter("connect.decimal.precision", "8")
                .into_ref(),
        ),
        ("day", Schema::date().optional().into_ref()),
        ("at", Schema::time().optional().into_ref()),
    ])
    .with_name("shop.Payment")
    .into_ref()
}

fn record(schema: &SchemaRef, values: Vec<Value>) -> Value {
    Value::Struct(Struct::from_values(schema.clone(), values).expect("fits"))
}

/// What Confluent's `ProtobufData` registers for [`payment`].
const PAYMENT_PROTO: &str = "syntax = \"proto3\";
package shop;

import \"confluent/type/decimal.proto\";
import \"google/type/date.proto\";
import \"google/type/timeofday.proto\";

message Payment {
  confluent.type.Decimal amount = 1 [(confluent.field_meta) = {
    params: [
      {
        value: \"8\",
        key: \"precision\"
      },
      {
        value: \"2\",
        key: \"scale\"
      }
    ]
  }];
  google.type.Date day = 2;
  google.type.TimeOfDay at = 3;
}
";

/// Framing for schema id 1 and message indexes `[0]`, then `amount` = 123.45
/// (unscaled 0x3039, precision 5, scale 2), `day` = 2024-02-29 and `at` = 13:45:30.250.
const PAYMENT_BYTES: &[u8] = &[
    0x00, 0, 0, 0, 1, 0x00, // framing
    0x0a, 0x08, 0x0a, 0x02, 0x30, 0x39, 0x10, 0x05, 0x18, 0x02, // amount
    0x12, 0x07, 0x08, 0xe8, 0x0f, 0x10, 0x02, 0x18, 0x1d, // day
    0x1a, 0x0b, 0x08, 0x0d, 0x10, 0x2d, 0x18, 0x1e, 0x20, 0x80, 0xe5, 0x9a, 0x77, // at
];

fn payment_value(schema: &SchemaRef) -> Value {
    record(
        schema,
        vec![
            Value::Decimal(Decimal::from_i128(12_345, 2)),
            Value::Date(19_782),
            Value::Time(49_530_250),
        ],
    )
}

/// The Connect schema Confluent's `ProtobufData.toConnectSchema` gives [`PAYMENT_PROTO`].
fn read_schema() -> Schema {
    let tagged = |schema: Schema, tag: &str| {
        schema
            .optional()
            .with_parameter(TAG_PARAMETER, tag)
            .into_ref()
    };
    Schema::structure([
        (
            "amount",
            tagged(
                Schema::decimal(2).with_parameter("connect.decimal.precision", "8"),
                "1",
            ),
        ),
        ("day", tagged(Schema::date(), "2")),
        ("at", tagged(Schema::time(), "3")),
    ])
    .with_name("shop.Payment")
}

#[test]
fn logical_types_register_without_references_and_write_confluents_bytes() {
    let schema = payment();
    let mut writer = converter("proto-logical-write");
    let bytes = writer
        .to_bytes("payments", Some(&schema), &payment_value(&schema))
        .expect("encodable")
        .expect("not null");
    assert_eq!(bytes.as_ref(), PAYMENT_BYTES);
    let registered = writer
        .serde
        .registry
        .version("payments-value", None)
        .expect("registered");
    assert_eq!(registered.schema, RegistrySchema::protobuf(PAYMENT_PROTO));
    assert!(registered.schema.references.is_empty());
}

#[test]
fn logical_types_read_back_with_their_connect_schemas() {
    let schema = payment();
    let mut writer = converter("proto-logical-round-trip");
    let value = payment_value(&schema);
    let bytes = writer
        .to_bytes("payments", Some(&schema), &value)
        .expect("encodable")
        .expect("not null");
    let mut reader = converter("proto-logical-round-trip");
    let (read, read_value) = reader
        .to_connect("payments", Some(&bytes))
        .expect("decodable");
    let read = read.expect("a schema");
    assert_eq!(*read, read_schema());
    let Value::Struct(read_value) = read_value else {
        panic!("not a struct");
    };
    let Value::Struct(value) = value else {
        unreachable!()
    };
    assert_eq!(read_value.values(), value.values());
    // Written back with the schema it was read with, the bytes are the same.
    let again = converter("proto-logical-round-trip")
        .to_bytes("payments", Some(&read), &Value::Struct(read_value))
        .expect("encodable")
        .expect("not null");
    assert_eq!(again, bytes);
}

#[test]
fn null_logical_fields_are_left_out_and_read_back_as_null() {
    let schema = Schema::structure([
        ("day", Schema::date().optional().into_ref()),
        ("at", Schema::time().optional().into_ref()),
        ("amount", Schema::decimal(1).optional().into_ref()),
    ])
    .with_name("shop.Empty")
    .into_ref();
    let mut writer = converter("proto-logical-null");
    let bytes = writer
        .to_bytes(
            "empties",
            Some(&schema),
            &record(&schema, vec![Value::Null, Value::Null, Value::Null]),
        )
        .expect("encodable")
        .expect("not null");
    assert_eq!(bytes.as_ref(), &[0x00, 0, 0, 0, 1, 0x00]);
    let (_, value) = converter("proto-logical-null")
        .to_connect("empties", Some(&bytes))
        .expect("decodable");
    let Value::Struct(value) = value else {
        panic!("not a struct");
    };
    assert_eq!(value.values(), &[Value::Null, Value::Null, Value::Null]);
}

#[test]
fn reads_bytes_written_against_a_schema_confluent_registered() {
    let mut reader = converter("proto-logical-confluent");
    reader
        .serde
        .registry
        .register("payments-value", &RegistrySchema::protobuf(PAYMENT_PROTO))
        .expect("registered");
    let (schema, value) = reader
        .to_connect("payments", Some(&Bytes::from_static(PAYMENT_BYTES)))
        .expect("decodable");
    assert_eq!(*schema.expect("a schema"), read_schema());
    let Value::Struct(value) = value else {
        panic!("not a struct");
    };
    assert_eq!(
        value.values(),
        &[
            Value::Decimal(Decimal::from_i128(12_345, 2)),
            Value::Date(19_782),
            Value::Time(49_530_250),
        ]
    );
}

#[test]
fn malformed_logical_messages_fail_to_deserialize() {
    let mut reader = converter("proto-logical-malformed");
    reader
        .serde
        .registry
        .register("payments-value", &RegistrySchema::protobuf(PAYMENT_PROTO))
        .expect("registered");
    for body in [
        // A Decimal without value bytes.
        &[0x0a, 0x02, 0x18, 0x02][..],
        // 2023-02-29.
        &[0x12, 0x07, 0x08, 0xe7, 0x0f, 0x10, 0x02, 0x18, 0x1d][..],
        // 24:00.
        &[0x1a, 0x02, 0x08, 0x18][..],
        // A Date body running past the input.
        &[0x12, 0x09, 0x08, 0xe7][..],
    ] {
        let mut bytes = vec![0x00, 0, 0, 0, 1, 0x00];
        bytes.extend_from_slice(body);
        let result = reader.to_connect("payments", Some(&Bytes::from(bytes)));
        assert!(result.is_err(), "{body:02x?}");
    }
}

#[test]
fn int8_and_int16_fields_read_back_through_their_connect_type_field_meta() {
    let schema = Schema::structure([
        ("tiny", Schema::int8().into_ref()),
        ("short", Schema::int16().optional().into_ref()),
    ])
    .with_name("shop.Small")
    .into_ref();
    let mut writer = converter("proto-logical-narrow");
    let bytes = writer
        .to_bytes(
            "smalls",
            Some(&schema),
            &record(&schema, vec![Value::Int8(-2), Value::Int16(300)]),
        )
        .expect("encodable")
        .expect("not null");
    let registered = writer
        .serde
        .registry
        .version("smalls-value", None)
        .expect("registered");
    let meta = |ty: &str| {
        format!(
            " [(confluent.field_meta) = {{\n    params: [\n      {{\n        key: \"connect.type\",\n        value: \"{ty}\"\n      }}\n    ]\n  }}];\n"
        )
    };
    assert_eq!(
        registered.schema.schema,
        format!(
            "syntax = \"proto3\";\npackage shop;\n\nmessage Small {{\n  int32 tiny = 1{}  int32 short = 2{}}}\n",
            meta("int8"),
            meta("int16")
        )
    );
    let (read, value) = converter("proto-logical-narrow")
        .to_connect("smalls", Some(&bytes))
        .expect("decodable");
    let read = read.expect("a schema");
    assert_eq!(read.fields()[0].schema.schema_type(), SchemaType::Int8);
    assert_eq!(read.fields()[1].schema.schema_type(), SchemaType::Int16);
    let Value::Struct(value) = value else {
        panic!("not a struct");
    };
    assert_eq!(value.values(), &[Value::Int8(-2), Value::Int16(300)]);
}
