//! Wire-format literals from the protobuf encoding guide, the Connect mapping, and limits.

use bytes::Bytes;

use super::*;
use crate::schema::{SchemaRef, Type};
use crate::value::{Struct, Value};

pub(super) const TEST_PROTO: &str = r#"
syntax = "proto3";
package t;
import "google/protobuf/timestamp.proto";

message Test1 { int32 a = 1; }
message Test2 { string b = 2; }
enum Color { RED = 0; GREEN = 1; BLUE = 2; }
message Scalars {
  double f_double = 1; float f_float = 2; int64 f_int64 = 3; uint64 f_uint64 = 4;
  int32 f_int32 = 5; fixed64 f_fixed64 = 6; fixed32 f_fixed32 = 7; bool f_bool = 8;
  string f_string = 9; bytes f_bytes = 10; uint32 f_uint32 = 11; sfixed32 f_sfixed32 = 12;
  sfixed64 f_sfixed64 = 13; sint32 f_sint32 = 14; sint64 f_sint64 = 15; Color color = 16;
}
message Packed {
  repeated int32 d = 4; repeated sint64 s = 5; repeated double x = 6 [packed = false];
  repeated string names = 7;
}
message Address { string street = 1; string city = 2; }
message Person {
  string name = 1;
  Address home = 2;
  repeated Address others = 3;
  map<string, int32> scores = 4;
  oneof contact { string email = 5; int64 phone = 6; Address postal = 7; }
  google.protobuf.Timestamp born = 8;
  optional string nick = 9;
  map<int32, Address> by_id = 10;
}
message Tree { int32 value = 1; repeated Tree children = 2; Tree left = 3; }
message Outer { message Inner { int32 x = 1; } Inner inner = 1; }
"#;

const LEGACY_PROTO: &str = r#"
syntax = "proto2";
package t2;
message Legacy {
  optional int32 a = 1; required string b = 2; repeated int32 c = 3;
  repeated int32 d = 4 [packed = true]; optional int32 e = 5 [default = 7];
}
"#;

pub(super) fn schema() -> ProtoSchema {
    static SCHEMA: std::sync::OnceLock<ProtoSchema> = std::sync::OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            ProtoSchema::from_proto_text(&[("t.proto", TEST_PROTO)]).expect("test proto compiles")
        })
        .clone()
}

pub(super) fn codec(name: &str) -> ProtobufCodec {
    schema().codec(name).expect("message exists")
}

/// The schema of field `name`, or of its elements for an array or map values.
pub(super) fn sub(schema: &SchemaRef, name: &str) -> SchemaRef {
    let field = schema.field(name).expect("field exists").schema.clone();
    match &field.ty {
        Type::Array(items) => items.clone(),
        Type::Map { value, .. } => value.clone(),
        _ => field,
    }
}

pub(super) fn record(schema: &SchemaRef, values: Vec<Value>) -> Value {
    Value::Struct(Struct::from_values(schema.clone(), values).expect("field count matches"))
}

fn decode(codec: &ProtobufCodec, bytes: &[u8]) -> Result<Value, ProtobufError> {
    codec.decode(Bytes::copy_from_slice(bytes))
}

#[test]
fn int32_150_is_08_96_01() {
    let codec = codec("t.Test1");
    let value = record(codec.schema(), vec![Value::Int32(150)]);
    assert_eq!(codec.encode(&value), Ok(vec![0x08, 0x96, 0x01]));
    assert_eq!(decode(&codec, &[0x08, 0x96, 0x01]), Ok(value));
}

#[test]
fn string_testing_in_field_2() {
    let codec = codec("t.Test2");
    let bytes = [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67];
    let value = record(codec.schema(), vec![Value::from("testing")]);
    assert_eq!(codec.encode(&value), Ok(bytes.to_vec()));
    assert_eq!(decode(&codec, &bytes), Ok(value));
}

#[rustfmt::skip]
const SCALARS: &[u8] = &[
    0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,                             // double 1.0
    0x15, 0, 0, 0xc0, 0x3f,                                          // float 1.5
    0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // int64 -1
    0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // uint64 max
    0x28, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // int32 -2
    0x31, 2, 0, 0, 0, 0, 0, 0, 0,                                    // fixed64 2
    0x3d, 0xff, 0xff, 0xff, 0xff,                                    // fixed32 4294967295
    0x40, 0x01,                                                      // bool true
    0x4a, 0x03, 0x68, 0xc3, 0xa9,                                    // string "hé"
    0x52, 0x02, 0x00, 0xff,                                          // bytes 00 ff
    0x58, 0x80, 0xbc, 0xc1, 0x96, 0x0b,                              // uint32 3000000000
    0x65, 0xfd, 0xff, 0xff, 0xff,                                    // sfixed32 -3
    0x69, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,            // sfixed64 -4
    0x70, 0x01,                                                      // sint32 -1
    0x78, 0x05,                                                      // sint64 -3
    0x80, 0x01, 0x02,                                                // enum BLUE
];

fn scalars_value(codec: &ProtobufCodec) -> Value {
    record(
        codec.schema(),
        vec![
            Value::Float64(1.0),
            Value::Float32(1.5),
            Value::Int64(-1),
            Value::Int64(-1),
            Value::Int32(-2),
            Value::Int64(2),
            Value::Int64(4_294_967_295),
            Value::Boolean(true),
            Value::from("hé"),
            Value::Bytes(Bytes::from_static(&[0x00, 0xff])),
            Value::Int64(3_000_000_000),
            Value::Int32(-3),
            Value::Int64(-4),
            Value::Int32(-1),
            Value::Int64(-3),
            Value::from("BLUE"),
        ],
    )
}

#[test]
fn every_scalar_type_reads_and_writes_its_wire_form() {
    let codec = codec("t.Scalars");
    let value = scalars_value(&codec);
    assert_eq!(decode(&codec, SCALARS), Ok(value.clone()));
    assert_eq!(codec.encode(&value), Ok(SCALARS.to_vec()));
}

#[test]
fn proto3_absent_scalars_read_as_defaults_and_defaults_are_not_written() {
    let codec = codec("t.Scalars");
    let value = decode(&codec, &[]).expect("empty message is valid");
    let expected = record(
        codec.schema(),
        vec![
            Value::Float64(0.0),
            Value::Float32(0.0),
            Value::Int64(0),
            Value::Int64(0),
            Value::Int32(0),
            Value::Int64(0),
            Value::Int64(0),
            Value::Boolean(false),
            Value::from(""),
            Value::Bytes(Bytes::new()),
            Value::Int64(0),
            Value::Int32(0),
            Value::Int64(0),
            Value::Int32(0),
            Value::Int64(0),
            Value::from("RED"),
        ],
    );
    assert_eq!(value, expected);
    assert_eq!(codec.encode(&expected), Ok(vec![]));
}

#[test]
fn repeated_scalars_are_packed_and_read_both_ways() {
    let codec = codec("t.Packed");
    let value = record(
        codec.schema(),
        vec![
            Value::Array(vec![
                Value::Int32(3),
                Value::Int32(270),
                Value::Int32(86_942),
            ]),
            Value::Array(vec![Value::Int64(-1), Value::Int64(1)]),
            Value::Array(vec![Value::Float64(1.0)]),
            Value::Array(vec![Value::from("a"), Value::from("b")]),
        ],
    );
    #[rustfmt::skip]
    let packed = [
        0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05, // d packed
        0x2a, 0x02, 0x01, 0x02,                         // s packed, zig-zag
        0x31, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,             // x unpacked (packed = false)
        0x3a, 0x01, 0x61, 0x3a, 0x01, 0x62,             // names
    ];
    assert_eq!(codec.encode(&value), Ok(packed.to_vec()));
    assert_eq!(decode(&codec, &packed), Ok(value.clone()));
    #[rustfmt::skip]
    let unpacked = [
        0x20, 0x03, 0x20, 0x8e, 0x02, 0x20, 0x9e, 0xa7, 0x05,
        0x28, 0x01, 0x28, 0x02,
        0x32, 0x08, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,       // x packed although declared unpacked
        0x3a, 0x01, 0x61, 0x3a, 0x01, 0x62,
    ];
    assert_eq!(decode(&codec, &unpacked), Ok(value));
}

#[test]
fn oneof_keeps_the_last_member_seen() {
    let codec = codec("t.Person");
    // email "a", then phone 5
    let value = decode(&codec, &[0x2a, 0x01, 0x61, 0x30, 0x05]).expect("valid");
    let union_schema = codec.schema().fields()[0].schema.clone();
    let union = record(
        &union_schema,
        vec![Value::Null, Value::Int64(5), Value::Null],
    );
    assert_eq!(value.as_struct().map(|s| &s.values()[0]), Some(&union));
    assert_eq!(codec.encode(&value), Ok(vec![0x30, 0x05]));
}

#[test]
fn timestamp_maps_to_connect_milliseconds() {
    let codec = codec("t.Person");
    // born = 1.5 s: seconds 1, nanos 500 000 000
    let bytes = [0x42, 0x08, 0x08, 0x01, 0x10, 0x80, 0xca, 0xb5, 0xee, 0x01];
    let value = decode(&codec, &bytes).expect("valid");
    let born = value.as_struct().map(|s| s.get("born").cloned());
    assert_eq!(born, Some(Ok(Value::Timestamp(1500))));
    assert_eq!(codec.encode(&value), Ok(bytes.to_vec()));
    // -1 ms is seconds -1 and nanos 999 000 000, as protobuf-java's Timestamps.fromMillis.
    let before_epoch = decode(
        &codec,
        &[
            0x42, 0x11, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x10,
            0xc0, 0x8f, 0xae, 0xdc, 0x03,
        ],
    );
    let born = before_epoch.map(|v| v.as_struct().map(|s| s.values()[5].clone()));
    assert_eq!(born, Ok(Some(Value::Timestamp(-1))));
}

#[test]
fn maps_entries_with_missing_parts_take_defaults() {
    let codec = codec("t.Person");
    // scores: {"a": 1}, an entry with neither key nor value, by_id: {7: Address{}}
    let bytes = [
        0x22, 0x05, 0x0a, 0x01, 0x61, 0x10, 0x01, 0x22, 0x00, 0x52, 0x04, 0x08, 0x07, 0x12, 0x00,
    ];
    let value = decode(&codec, &bytes).expect("valid");
    let record_ = value.as_struct().expect("struct");
    assert_eq!(
        record_.get("scores"),
        Ok(&Value::Map(vec![
            (Value::from("a"), Value::Int32(1)),
            (Value::from(""), Value::Int32(0)),
        ]))
    );
    let by_id_schema = codec.schema().field("by_id").expect("by_id").schema.clone();
    let Type::Map { value: address, .. } = &by_id_schema.ty else {
        panic!("by_id is a map");
    };
    let empty = record(address, vec![Value::from(""), Value::from("")]);
    assert_eq!(
        record_.get("by_id"),
        Ok(&Value::Map(vec![(Value::Int32(7), empty)]))
    );
}

#[test]
fn unknown_enum_numbers_keep_protobuf_java_name_and_round_trip() {
    let codec = codec("t.Scalars");
    let value = decode(&codec, &[0x80, 0x01, 0x07]).expect("valid");
    let color = value.as_struct().map(|s| s.values()[15].clone());
    assert_eq!(color, Some(Value::from("UNKNOWN_ENUM_VALUE_Color_7")));
    assert_eq!(codec.encode(&value), Ok(vec![0x80, 0x01, 0x07]));
}

#[test]
fn unknown_fields_and_groups_are_skipped() {
    let codec = codec("t.Test1");
    #[rustfmt::skip]
    let bytes = [
        0x2b, 0x08, 0x01, 0x33, 0x34, 0x2c, // group 5 { varint; group 6 {} }
        0x39, 1, 2, 3, 4, 5, 6, 7, 8,       // fixed64 field 7
        0x45, 1, 2, 3, 4,                   // fixed32 field 8
        0x4a, 0x01, 0x00,                   // bytes field 9
        0x08, 0x96, 0x01,
    ];
    let expected = record(codec.schema(), vec![Value::Int32(150)]);
    assert_eq!(decode(&codec, &bytes), Ok(expected));
}

#[test]
fn malformed_keys_and_wire_types_are_errors() {
    let codec = codec("t.Test1");
    assert!(matches!(
        decode(&codec, &[0x2b, 0x34]),
        Err(ProtobufError::InvalidWireType { wire_type: 4, .. })
    ));
    assert!(matches!(
        decode(&codec, &[0x2c]),
        Err(ProtobufError::InvalidWireType { wire_type: 4, .. })
    ));
    assert!(matches!(
        decode(&codec, &[0x0f]),
        Err(ProtobufError::InvalidWireType { wire_type: 7, .. })
    ));
    assert!(matches!(
        decode(&codec, &[0x00, 0x00]),
        Err(ProtobufError::InvalidFieldNumber { number: 0, .. })
    ));
    assert!(matches!(
        decode(&codec, &[0x08]),
        Err(ProtobufError::Truncated(_))
    ));
}

#[test]
fn tiny_input_claiming_a_huge_string_fails_fast() {
    let codec = codec("t.Test2");
    // field 2, length 2 147 483 647, then three bytes
    let result = decode(
        &codec,
        &[0x12, 0xff, 0xff, 0xff, 0xff, 0x07, 0x61, 0x62, 0x63],
    );
    assert!(matches!(result, Err(ProtobufError::Truncated(_))));
}

#[test]
fn invalid_utf8_in_a_string_is_an_error() {
    let codec = codec("t.Test2");
    assert_eq!(
        decode(&codec, &[0x12, 0x02, 0xff, 0xfe]),
        Err(ProtobufError::InvalidUtf8 { number: 2 })
    );
}

#[test]
fn strings_and_bytes_are_slices_of_the_input() {
    let codec = codec("t.Test2");
    let input = Bytes::from_static(&[0x12, 0x02, 0x68, 0x69]);
    let value = codec.decode(input.clone()).expect("valid");
    let Some(Value::String(text)) = value.as_struct().map(|s| s.values()[0].clone()) else {
        panic!("b is a string");
    };
    assert_eq!(text.as_bytes().as_ptr(), input[2..].as_ptr());
}

fn nested_trees(levels: usize) -> Vec<u8> {
    let mut bytes = vec![0x08, 0x01];
    for _ in 0..levels {
        let mut outer = vec![0x1a];
        crate::cursor::write_varint(&mut outer, bytes.len() as u64);
        outer.extend_from_slice(&bytes);
        bytes = outer;
    }
    bytes
}

#[test]
fn recursive_messages_decode_until_the_depth_limit() {
    let codec = codec("t.Tree");
    let value = decode(&codec, &nested_trees(10)).expect("10 levels are fine");
    assert!(decode(&codec, &nested_trees(MAX_RECURSIVE_DEPTH - 1)).is_ok());
    assert_eq!(value.validate(codec.schema()), Ok(()));
    assert_eq!(codec.encode(&value), Ok(nested_trees(10)));
    assert_eq!(
        decode(&codec, &nested_trees(MAX_RECURSIVE_DEPTH)),
        Err(ProtobufError::TooDeep)
    );
    assert_eq!(
        decode(&codec, &nested_trees(1_000)),
        Err(ProtobufError::TooDeep)
    );
}

#[test]
fn deeply_nested_unknown_groups_are_an_error_not_a_stack_overflow() {
    let codec = codec("t.Test1");
    let mut bytes = vec![0x2b; 10_000];
    bytes.extend(std::iter::repeat_n(0x2c, 10_000));
    assert_eq!(decode(&codec, &bytes), Err(ProtobufError::TooDeep));
}

#[test]
fn connect_schema_follows_confluent_protobuf_data() {
    let codec = codec("t.Person");
    let schema = codec.schema();
    assert_eq!(schema.name.as_deref(), Some("t.Person"));
    assert!(!schema.optional);
    let names: Vec<_> = schema.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "contact_0",
            "name",
            "home",
            "others",
            "scores",
            "born",
            "nick",
            "by_id"
        ]
    );
    let union = &schema.fields()[0].schema;
    assert_eq!(
        union.name.as_deref(),
        Some("io.confluent.connect.protobuf.Union.contact")
    );
    assert!(union.optional);
    let home = &schema.fields()[2].schema;
    assert_eq!(home.name.as_deref(), Some("t.Address"));
    assert!(home.optional);
    assert_eq!(home.parameter(TAG_PARAMETER), Some("2"));
    assert_eq!(
        schema.fields()[5].schema.name.as_deref(),
        Some(crate::schema::TIMESTAMP_NAME)
    );
    let scores = &schema.fields()[4].schema;
    assert_eq!(scores.name.as_deref(), Some("scores"));
    assert!(matches!(scores.ty, Type::Map { .. }));

    let scalars = schema_of("t.Scalars");
    let types: Vec<_> = scalars
        .fields()
        .iter()
        .map(|f| f.schema.schema_type().name())
        .collect();
    #[rustfmt::skip]
    assert_eq!(types, [
        "FLOAT64", "FLOAT32", "INT64", "INT64", "INT32", "INT64", "INT64", "BOOLEAN",
        "STRING", "BYTES", "INT64", "INT32", "INT64", "INT32", "INT64", "STRING",
    ]);
    let color = &scalars.fields()[15].schema;
    assert_eq!(color.name.as_deref(), Some("Color"));
    assert_eq!(color.parameter(ENUM_PARAMETER), Some("Color"));
    assert_eq!(
        color.parameter("io.confluent.connect.protobuf.Enum.BLUE"),
        Some("2")
    );
    assert!(scalars.fields().iter().all(|f| f.schema.optional));
}

fn schema_of(name: &str) -> SchemaRef {
    codec(name).schema().clone()
}

#[test]
fn messages_are_selected_by_name_or_message_indexes() {
    let schema = schema();
    assert_eq!(schema.full_name_at(&[]), Ok("t.Test1".to_owned()));
    assert_eq!(schema.full_name_at(&[7, 0]), Ok("t.Outer.Inner".to_owned()));
    assert_eq!(
        schema.codec_at(&[5]).map(|c| c.full_name().to_owned()),
        Ok("t.Person".to_owned())
    );
    assert_eq!(
        schema.full_name_at(&[99]),
        Err(ProtobufError::UnknownMessageIndexes(vec![99]))
    );
    assert!(matches!(
        schema.codec("t.Nope"),
        Err(ProtobufError::UnknownMessage(_))
    ));
    let reloaded =
        ProtoSchema::from_descriptor_set_bytes(&schema.descriptor_set_bytes()).expect("round trip");
    assert_eq!(
        reloaded.full_name_at(&[7, 0]),
        Ok("t.Outer.Inner".to_owned())
    );
    assert!(ProtoSchema::from_descriptor_set_bytes(&[0x0a, 0x05]).is_err());
    assert!(matches!(
        ProtoSchema::from_proto_text(&[("bad.proto", "message {")]),
        Err(ProtobufError::Compile(_))
    ));
}

#[test]
fn proto2_fields_have_presence_and_unpacked_repeated() {
    let schema =
        ProtoSchema::from_proto_text(&[("l.proto", LEGACY_PROTO)]).expect("proto2 compiles");
    let codec = schema.codec("t2.Legacy").expect("exists");
    let value = decode(&codec, &[0x12, 0x00]).expect("valid");
    let expected = record(
        codec.schema(),
        vec![
            Value::Null,
            Value::from(""),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Null,
        ],
    );
    assert_eq!(value, expected);
    let value = record(
        codec.schema(),
        vec![
            Value::Int32(0),
            Value::from(""),
            Value::Array(vec![Value::Int32(1), Value::Int32(2)]),
            Value::Array(vec![Value::Int32(1), Value::Int32(2)]),
            Value::Null,
        ],
    );
    #[rustfmt::skip]
    let bytes = [0x08, 0x00, 0x12, 0x00, 0x18, 0x01, 0x18, 0x02, 0x22, 0x02, 0x01, 0x02];
    assert_eq!(codec.encode(&value), Ok(bytes.to_vec()));
}

#[test]
fn confluent_framing_wraps_id_indexes_and_message() {
    let schema = schema();
    let codec = schema.codec_at(&[1]).expect("Test2");
    let value = record(codec.schema(), vec![Value::from("hi")]);
    let mut out = Vec::new();
    encode_framed(&codec, 258, &[1], &value, &mut out).expect("encodes");
    let expected = [
        0x00, 0x00, 0x00, 0x01, 0x02, 0x02, 0x02, 0x12, 0x02, 0x68, 0x69,
    ];
    assert_eq!(out, expected);
    let decoded = decode_framed(Bytes::from(out), |id, indexes: &[i32]| {
        (id == 258).then(|| schema.codec_at(indexes).ok()).flatten()
    });
    assert_eq!(decoded, Ok((258, vec![1], value)));
    let unknown = decode_framed(Bytes::from_static(&[0, 0, 0, 0, 9, 0]), |_, _| {
        None::<ProtobufCodec>
    });
    assert_eq!(
        unknown,
        Err(ProtobufError::UnknownSchemaId {
            id: 9,
            indexes: vec![0]
        })
    );
}

#[test]
fn encoding_rejects_values_of_the_wrong_type() {
    let codec = codec("t.Test1");
    let wrong = Value::Struct(
        Struct::from_values(
            crate::schema::Schema::structure([("a", crate::schema::Schema::string().into_ref())])
                .into_ref(),
            vec![Value::from("x")],
        )
        .expect("1 field"),
    );
    assert!(matches!(
        codec.encode(&wrong),
        Err(ProtobufError::Mismatch { .. })
    ));
    assert!(matches!(
        codec.encode(&Value::Int32(1)),
        Err(ProtobufError::Mismatch { .. })
    ));
    let codec = self::codec("t.Scalars");
    let mut values = match scalars_value(&codec) {
        Value::Struct(s) => s.into_parts().1,
        _ => unreachable!("scalars_value is a struct"),
    };
    values[15] = Value::from("PURPLE");
    let value = record(codec.schema(), values);
    assert!(matches!(
        codec.encode(&value),
        Err(ProtobufError::UnknownEnumSymbol { .. })
    ));
}

#[test]
fn a_field_running_past_its_enclosing_message_is_an_error() {
    let codec = codec("t.Person");
    // home is 2 bytes long, but its street claims 3 more bytes
    let bytes = [0x12, 0x02, 0x0a, 0x03, 0x61, 0x62, 0x63];
    assert_eq!(
        decode(&codec, &bytes),
        Err(ProtobufError::PayloadOverrun { end: 4 })
    );
}

#[test]
fn entry_messages_with_just_key_and_value_read_as_maps_as_confluent_reads_them() {
    // The shape Confluent's ProtobufData writes for a Connect map: no `map_entry` option.
    let text = "syntax = \"proto3\";
message Bag {
  repeated CountsEntry counts = 1;
  repeated PairEntry pairs = 2;

  message CountsEntry {
    string key = 1;
    int64 value = 2;
  }
  message PairEntry {
    string key = 1;
    repeated int64 value = 2;
  }
}
";
    let schema = ProtoSchema::from_proto_text(&[("bag.proto", text)]).expect("compiles");
    let codec = schema.codec("Bag").expect("exists");
    let types: Vec<_> = codec
        .schema()
        .fields()
        .iter()
        .map(|f| f.schema.schema_type().name())
        .collect();
    // A repeated value field makes it an ordinary message, as in Confluent's isMapDescriptor.
    assert_eq!(types, ["MAP", "ARRAY"]);
    // counts {key: "a", value: 2}
    let bytes = [0x0a, 0x05, 0x0a, 0x01, b'a', 0x10, 0x02];
    let value = decode(&codec, &bytes).expect("valid");
    let counts = value.as_struct().map(|s| s.values()[0].clone());
    assert_eq!(
        counts,
        Some(Value::Map(vec![(Value::from("a"), Value::Int64(2))]))
    );
    assert_eq!(codec.encode(&value), Ok(bytes.to_vec()));
}
