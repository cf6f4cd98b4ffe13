//! `wrapper.for.nullables=true` ([`CodecOptions::wrapper_for_nullables`]): wrapper messages read
//! and write as their values, and the Connect schemas Confluent's `ProtobufData` gives then.

use bytes::Bytes;

use super::{CodecOptions, ProtoSchema, ProtobufCodec, TAG_PARAMETER};
use crate::schema::{Schema, SchemaRef, SchemaType};
use crate::value::{Struct, Value};

const ROW_PROTO: &str = r#"syntax = "proto3";
package w;

import "google/protobuf/wrappers.proto";

message Row {
  int32 plain = 1;
  google.protobuf.Int32Value count = 2;
  google.protobuf.UInt32Value unsigned = 3;
  google.protobuf.StringValue name = 4;
  repeated google.protobuf.BytesValue blobs = 5;
  map<string, google.protobuf.DoubleValue> ratios = 6;
  Color color = 7;

  enum Color {
    RED = 0;
    BLUE = 1;
  }
}
"#;

fn codec(wrapper_for_nullables: bool) -> ProtobufCodec {
    let options = CodecOptions {
        wrapper_for_nullables,
    };
    ProtoSchema::from_proto_text(&[("row.proto", ROW_PROTO)])
        .and_then(|schema| schema.codec_with("w.Row", options))
        .expect("compiles")
}

fn tagged(schema: Schema, tag: u32) -> SchemaRef {
    schema
        .with_parameter(TAG_PARAMETER, tag.to_string())
        .into_ref()
}

#[test]
fn wrappers_read_as_optional_values_and_other_primitives_as_required() {
    let codec = codec(true);
    let color = codec.schema().fields()[6].schema.clone();
    assert!(color.optional);
    let expected = Schema::structure([
        ("plain", tagged(Schema::int32(), 1)),
        ("count", tagged(Schema::int32().optional(), 2)),
        ("unsigned", tagged(Schema::int64().optional(), 3)),
        ("name", tagged(Schema::string().optional(), 4)),
        (
            "blobs",
            tagged(
                Schema::array(Schema::bytes().optional().into_ref()).optional(),
                5,
            ),
        ),
        (
            "ratios",
            tagged(
                Schema::map(
                    tagged(Schema::string(), 1),
                    tagged(Schema::float64().optional(), 2),
                )
                .with_name("ratios")
                .optional(),
                6,
            ),
        ),
        ("color", color),
    ])
    .with_name("w.Row");
    assert_eq!(**codec.schema(), expected);
}

#[test]
fn wrapper_values_encode_as_messages_and_read_back() {
    let codec = codec(true);
    let record = Value::Struct(
        Struct::from_values(
            codec.schema().clone(),
            vec![
                Value::Int32(0),
                Value::Int32(0),
                Value::Int64(4_294_967_295),
                Value::from("x"),
                Value::Array(vec![
                    Value::Bytes(Bytes::from_static(b"a")),
                    Value::Bytes(Bytes::new()),
                ]),
                Value::Map(vec![(Value::from("k"), Value::Float64(0.5))]),
                Value::from("BLUE"),
            ],
        )
        .expect("fits"),
    );
    let bytes = codec.encode(&record).expect("encodes");
    let mut expected = vec![0x12, 0x00];
    expected.extend_from_slice(&[0x1a, 0x06, 0x08, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expected.extend_from_slice(&[0x22, 0x03, 0x0a, 0x01, b'x']);
    expected.extend_from_slice(&[0x2a, 0x03, 0x0a, 0x01, b'a', 0x2a, 0x00]);
    expected.extend_from_slice(&[0x32, 0x0e, 0x0a, 0x01, b'k', 0x12, 0x09, 0x09]);
    expected.extend_from_slice(&0.5f64.to_le_bytes());
    expected.extend_from_slice(&[0x38, 0x01]);
    assert_eq!(bytes, expected);
    assert_eq!(codec.decode(Bytes::from(bytes)).expect("decodes"), record);
}

#[test]
fn absent_wrappers_read_as_null_and_plain_fields_as_defaults() {
    let codec = codec(true);
    let Value::Struct(record) = codec.decode(Bytes::new()).expect("decodes") else {
        panic!("not a struct");
    };
    assert_eq!(record.values()[0], Value::Int32(0));
    assert_eq!(record.values()[1], Value::Null);
    assert_eq!(record.values()[3], Value::Null);
    // A wrong value type is an error even when it is the wrapper's default.
    let bad = Value::Struct(
        Struct::from_values(
            codec.schema().clone(),
            vec![
                Value::Int32(0),
                Value::from(""),
                Value::Null,
                Value::Null,
                Value::Array(vec![]),
                Value::Map(vec![]),
                Value::from("RED"),
            ],
        )
        .expect("fits"),
    );
    assert!(codec.encode(&bad).is_err());
}

#[test]
fn without_the_option_wrappers_are_structs() {
    let codec = codec(false);
    let count = &codec.schema().fields()[1].schema;
    assert_eq!(count.schema_type(), SchemaType::Struct);
    assert_eq!(count.name.as_deref(), Some("google.protobuf.Int32Value"));
    assert!(codec.schema().fields()[0].schema.optional);
}
