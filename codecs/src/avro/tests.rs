//! Encoding and decoding: literal bytes from the Avro specification, round trips, cross-checks
//! against `apache-avro`, hostile input.

// `to_avro_datum`/`from_avro_datum` are deprecated in apache-avro 0.22 but remain the
// datum-level reference API this module is checked against.
#![allow(deprecated)]

use std::collections::HashMap;

use apache_avro::types::Value as Apache;
use bytes::Bytes;
use proptest::prelude::*;

use super::*;
use crate::decimal::Decimal;
use crate::schema::Schema;
use crate::str::Str;
use crate::value::Struct;

fn schema(json: &str) -> AvroSchema {
    AvroSchema::parse(json).expect("valid test schema")
}

fn encode(json: &str, value: &Value) -> Vec<u8> {
    schema(json).encode(value).expect("value fits schema")
}

fn decode(json: &str, bytes: &[u8]) -> Result<Value, AvroError> {
    schema(json).decode(Bytes::copy_from_slice(bytes))
}

#[test]
fn primitives_encode_as_in_the_spec() {
    let cases: Vec<(&str, Value, Vec<u8>)> = vec![
        (r#""long""#, Value::Int64(0), vec![0x00]),
        (r#""long""#, Value::Int64(-1), vec![0x01]),
        (r#""long""#, Value::Int64(1), vec![0x02]),
        (r#""long""#, Value::Int64(-64), vec![0x7f]),
        (r#""long""#, Value::Int64(64), vec![0x80, 0x01]),
        (r#""int""#, Value::Int32(-2), vec![0x03]),
        (
            r#""string""#,
            Value::from("foo"),
            vec![0x06, 0x66, 0x6f, 0x6f],
        ),
        (
            r#""bytes""#,
            Value::Bytes(Bytes::from_static(b"\x01\x02")),
            vec![0x04, 0x01, 0x02],
        ),
        (r#""boolean""#, Value::Boolean(true), vec![0x01]),
        (r#""boolean""#, Value::Boolean(false), vec![0x00]),
        (
            r#""float""#,
            Value::Float32(1.0),
            vec![0x00, 0x00, 0x80, 0x3f],
        ),
        (
            r#""double""#,
            Value::Float64(1.0),
            vec![0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
        ),
    ];
    for (json, value, bytes) in cases {
        assert_eq!(encode(json, &value), bytes, "encoding {value:?} as {json}");
        assert_eq!(
            decode(json, &bytes),
            Ok(value),
            "decoding {bytes:02x?} as {json}"
        );
    }
}

#[test]
fn complex_types_encode_as_in_the_spec() {
    let record = r#"{"type":"record","name":"test","fields":[
        {"name":"a","type":"long"},{"name":"b","type":"string"}]}"#;
    let record_schema = schema(record);
    let value = Value::Struct(
        Struct::from_values(
            record_schema.connect_schema().clone(),
            vec![Value::Int64(27), Value::from("foo")],
        )
        .expect("two fields"),
    );
    assert_eq!(encode(record, &value), [0x36, 0x06, 0x66, 0x6f, 0x6f]);

    let array = r#"{"type":"array","items":"long"}"#;
    let numbers = Value::Array(vec![Value::Int64(3), Value::Int64(27)]);
    assert_eq!(encode(array, &numbers), [0x04, 0x06, 0x36, 0x00]);
    assert_eq!(encode(array, &Value::Array(vec![])), [0x00]);

    let union = r#"["null","string"]"#;
    assert_eq!(encode(union, &Value::Null), [0x00]);
    assert_eq!(encode(union, &Value::from("a")), [0x02, 0x02, 0x61]);

    let map = r#"{"type":"map","values":"long"}"#;
    let entries = Value::Map(vec![(Value::from("a"), Value::Int64(1))]);
    assert_eq!(encode(map, &entries), [0x02, 0x02, 0x61, 0x02, 0x00]);

    let colors = r#"{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}"#;
    assert_eq!(encode(colors, &Value::from("BLUE")), [0x04]);
    assert_eq!(decode(colors, &[0x02]), Ok(Value::from("GREEN")));

    let fixed = r#"{"type":"fixed","name":"F2","size":2}"#;
    let two = Value::Bytes(Bytes::from_static(&[0xab, 0xcd]));
    assert_eq!(encode(fixed, &two), [0xab, 0xcd]);
}

#[test]
fn negative_block_counts_carry_a_byte_size() {
    let array = r#"{"type":"array","items":"long"}"#;
    // count -2 (zig-zag 0x03), byte size 2, then 3 and 27, then the end block.
    let numbers = Value::Array(vec![Value::Int64(3), Value::Int64(27)]);
    assert_eq!(decode(array, &[0x03, 0x04, 0x06, 0x36, 0x00]), Ok(numbers));
}

#[test]
fn decoded_strings_and_bytes_share_the_input_buffer() {
    let input = Bytes::from_static(&[0x06, b'f', b'o', b'o']);
    let value = schema(r#""string""#).decode(input.clone()).expect("valid");
    let Value::String(text) = value else {
        panic!("a string")
    };
    assert_eq!(text.as_bytes().as_ptr(), input[1..].as_ptr());
}

#[test]
fn logical_types_decode_to_connect_logical_values() {
    let decimal = r#"{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}"#;
    // 2.30 = unscaled 230 = 0x00e6.
    assert_eq!(
        decode(decimal, &[0x04, 0x00, 0xe6]),
        Ok(Value::Decimal(Decimal::from_i128(230, 2)))
    );
    let fixed =
        r#"{"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9,"scale":1}"#;
    let negative = Value::Decimal(Decimal::from_i128(-2, 1));
    assert_eq!(encode(fixed, &negative), [0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(decode(fixed, &[0xff, 0xff, 0xff, 0xfe]), Ok(negative));
    assert_eq!(
        decode(r#"{"type":"int","logicalType":"date"}"#, &[0x02]),
        Ok(Value::Date(1))
    );
    assert_eq!(
        decode(r#"{"type":"int","logicalType":"time-millis"}"#, &[0x04]),
        Ok(Value::Time(2))
    );
    let millis = r#"{"type":"long","logicalType":"timestamp-millis"}"#;
    assert_eq!(decode(millis, &[0x06]), Ok(Value::Timestamp(3)));
    let micros = r#"{"type":"long","logicalType":"timestamp-micros"}"#;
    assert_eq!(decode(micros, &[0x06]), Ok(Value::Int64(3)));
    let uuid = r#"{"type":"string","logicalType":"uuid"}"#;
    assert_eq!(decode(uuid, &[0x02, b'a']), Ok(Value::from("a")));
}

#[test]
fn int8_and_int16_annotations_decode_to_narrow_values() {
    let int8 = r#"{"type":"int","connect.type":"int8"}"#;
    assert_eq!(decode(int8, &[0x7f]), Ok(Value::Int8(-64)));
    assert!(matches!(
        decode(int8, &[0x80, 0x02]),
        Err(AvroError::IntOutOfRange { value: 128, .. })
    ));
    let int16 = r#"{"type":"int","connect.type":"int16"}"#;
    assert_eq!(encode(int16, &Value::Int16(64)), [0x80, 0x01]);
}

#[test]
fn general_unions_round_trip_as_union_structs() {
    let json = r#"["null","long","string"]"#;
    let union = schema(json);
    let connect = union.connect_schema().clone();
    assert_eq!(
        connect.name.as_deref(),
        Some("io.confluent.connect.avro.Union")
    );
    assert!(connect.optional);
    let text = Value::Struct(
        Struct::from_values(connect, vec![Value::Null, Value::from("x")]).expect("2 fields"),
    );
    assert_eq!(encode(json, &text), [0x04, 0x02, b'x']);
    assert_eq!(decode(json, &[0x04, 0x02, b'x']), Ok(text));
    assert_eq!(decode(json, &[0x00]), Ok(Value::Null));
}

#[test]
fn recursive_records_decode_up_to_the_unrolled_depth() {
    let json = r#"{"type":"record","name":"LongList","fields":[
        {"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}"#;
    let list = schema(json);
    let mut two = vec![0x02, 0x02, 0x04, 0x00];
    let value = list.decode(Bytes::from(two.clone())).expect("two elements");
    assert_eq!(list.encode(&value).expect("re-encodes"), two);
    two.clear();
    for _ in 0..(RECURSION_UNROLL + 2) {
        two.extend([0x02, 0x02]);
    }
    two.push(0x00);
    let error = list
        .decode(Bytes::from(two))
        .expect_err("deeper than unrolled");
    assert!(matches!(error, AvroError::Unresolvable(_)), "{error:?}");
}

#[test]
fn tiny_input_claiming_a_huge_string_fails_fast() {
    // zig-zag 2_147_483_647: a 2 GB string in five bytes.
    let error = decode(r#""string""#, &[0xfe, 0xff, 0xff, 0xff, 0x0f]).expect_err("truncated");
    assert!(matches!(
        error,
        AvroError::Input(crate::cursor::CursorError::Truncated {
            needed: 2_147_483_647,
            ..
        })
    ));
}

#[test]
fn huge_block_counts_fail_before_allocating() {
    let longs = r#"{"type":"array","items":"long"}"#;
    let error = decode(longs, &[0xfe, 0xff, 0xff, 0xff, 0x0f, 0x00]).expect_err("too many");
    assert!(matches!(
        error,
        AvroError::BlockTooLarge {
            count: 2_147_483_647,
            ..
        }
    ));
    // Empty records take no bytes, so the input length cannot bound their count.
    let empties = r#"{"type":"array","items":{"type":"record","name":"Empty","fields":[]}}"#;
    let error = decode(empties, &[0xfe, 0xff, 0xff, 0xff, 0x0f, 0x00]).expect_err("too many");
    assert!(matches!(error, AvroError::BlockTooLarge { .. }));
    let two = decode(empties, &[0x04, 0x00]).expect("two empty records");
    assert!(matches!(two, Value::Array(elements) if elements.len() == 2));
}

#[test]
fn malformed_input_is_an_error() {
    assert!(matches!(
        decode(r#""boolean""#, &[0x02]),
        Err(AvroError::BadIndex { .. })
    ));
    assert!(matches!(
        decode(r#""string""#, &[0x02, 0xff]),
        Err(AvroError::Utf8 { position: 1 })
    ));
    assert!(matches!(
        decode(r#""int""#, &[0x80, 0x80, 0x80, 0x80, 0x10]),
        Err(AvroError::IntOutOfRange { .. })
    ));
    assert!(matches!(
        decode(r#"["null","long"]"#, &[0x04]),
        Err(AvroError::BadIndex { index: 2, .. })
    ));
    assert!(matches!(
        decode(r#""long""#, &[0x02, 0x00]),
        Err(AvroError::TrailingBytes(1))
    ));
    assert!(matches!(
        decode(r#""string""#, &[0x01]),
        Err(AvroError::IntOutOfRange { value: -1, .. })
    ));
}

#[test]
fn confluent_framing_prefixes_magic_and_big_endian_id() {
    let long = schema(r#""long""#);
    let mut out = Vec::new();
    encode_confluent(258, &long, &Value::Int64(-64), &mut out).expect("encodes");
    assert_eq!(out, [0x00, 0x00, 0x00, 0x01, 0x02, 0x7f]);
    let decoded = decode_confluent(Bytes::from(out), |id| (id == 258).then(|| long.decoder()));
    assert_eq!(decoded, Ok((258, Value::Int64(-64))));
    let unknown = decode_confluent(Bytes::from_static(&[0, 0, 0, 0, 7, 0x7f]), |_| None);
    assert_eq!(unknown, Err(AvroError::UnknownSchemaId(7)));
    let bad_magic = decode_confluent(Bytes::from_static(&[1, 0, 0, 0, 7, 0x7f]), |_| None);
    assert!(matches!(bad_magic, Err(AvroError::Framing(_))));
}

const ALL: &str = r#"{"type":"record","name":"All","namespace":"t","fields":[
    {"name":"b","type":"boolean"},
    {"name":"i","type":"int"},
    {"name":"l","type":"long"},
    {"name":"f","type":"float"},
    {"name":"d","type":"double"},
    {"name":"s","type":"string"},
    {"name":"by","type":"bytes"},
    {"name":"fx","type":{"type":"fixed","name":"F4","size":4}},
    {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
    {"name":"a","type":{"type":"array","items":"long"}},
    {"name":"m","type":{"type":"map","values":"string"}},
    {"name":"o","type":["null","string"]},
    {"name":"u","type":["null","long","string"]},
    {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
    {"name":"date","type":{"type":"int","logicalType":"date"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}}
]}"#;

fn all_connect(all: &AvroSchema) -> Value {
    let connect = all.connect_schema().clone();
    let union = connect.field("u").expect("field u").schema.clone();
    let values = vec![
        Value::Boolean(true),
        Value::Int32(-5),
        Value::Int64(1 << 40),
        Value::Float32(1.5),
        Value::Float64(-2.25),
        Value::from("héllo"),
        Value::Bytes(Bytes::from_static(&[0, 1, 2])),
        Value::Bytes(Bytes::from_static(&[9, 8, 7, 6])),
        Value::from("GREEN"),
        Value::Array(vec![Value::Int64(1), Value::Int64(-1)]),
        Value::Map(vec![(Value::from("k"), Value::from("v"))]),
        Value::from("present"),
        Value::Struct(
            Struct::from_values(union, vec![Value::Int64(7), Value::Null]).expect("union"),
        ),
        Value::Decimal(Decimal::from_i128(-12345, 2)),
        Value::Date(19_000),
        Value::Time(3_600_000),
        Value::Timestamp(1_732_550_400_123),
        Value::Int64(1_732_550_400_123_456),
    ];
    Value::Struct(Struct::from_values(connect, values).expect("18 fields"))
}

fn all_apache() -> Apache {
    let field = |name: &str, value: Apache| (name.to_owned(), value);
    Apache::Record(vec![
        field("b", Apache::Boolean(true)),
        field("i", Apache::Int(-5)),
        field("l", Apache::Long(1 << 40)),
        field("f", Apache::Float(1.5)),
        field("d", Apache::Double(-2.25)),
        field("s", Apache::String("héllo".into())),
        field("by", Apache::Bytes(vec![0, 1, 2])),
        field("fx", Apache::Fixed(4, vec![9, 8, 7, 6])),
        field("e", Apache::Enum(1, "GREEN".into())),
        field("a", Apache::Array(vec![Apache::Long(1), Apache::Long(-1)])),
        field(
            "m",
            Apache::Map(HashMap::from([(
                "k".to_owned(),
                Apache::String("v".into()),
            )])),
        ),
        field(
            "o",
            Apache::Union(1, Box::new(Apache::String("present".into()))),
        ),
        field("u", Apache::Union(1, Box::new(Apache::Long(7)))),
        field(
            "dec",
            Apache::Decimal(apache_avro::Decimal::from(vec![0xcf, 0xc7])),
        ),
        field("date", Apache::Date(19_000)),
        field("tm", Apache::TimeMillis(3_600_000)),
        field("ts", Apache::TimestampMillis(1_732_550_400_123)),
        field("tsu", Apache::TimestampMicros(1_732_550_400_123_456)),
    ])
}

#[test]
fn apache_avro_decodes_what_we_encode() {
    let all = schema(ALL);
    let bytes = all.encode(&all_connect(&all)).expect("encodes");
    let decoded = apache_avro::from_avro_datum(all.avro(), &mut bytes.as_slice(), None)
        .expect("apache decodes");
    assert_eq!(decoded, all_apache());
}

#[test]
fn we_decode_what_apache_avro_encodes() {
    let all = schema(ALL);
    let bytes = apache_avro::to_avro_datum(all.avro(), all_apache()).expect("apache encodes");
    assert_eq!(all.decode(Bytes::from(bytes)), Ok(all_connect(&all)));
}

fn flat_strategy() -> impl Strategy<Value = Vec<Value>> {
    (
        any::<bool>(),
        any::<i32>(),
        any::<i64>(),
        -1e30f64..1e30,
        ".{0,12}",
        proptest::collection::vec(any::<u8>(), 0..12),
        proptest::option::of(".{0,6}"),
        proptest::collection::vec(any::<i64>(), 0..5),
        // One entry at most: apache-avro keeps maps in a HashMap, so order is not preserved.
        proptest::collection::vec((".{0,4}", any::<i32>()), 0..2),
        0usize..3,
    )
        .prop_map(|(b, i, l, d, s, by, o, a, m, e)| {
            vec![
                Value::Boolean(b),
                Value::Int32(i),
                Value::Int64(l),
                Value::Float64(d),
                Value::from(s.as_str()),
                Value::Bytes(Bytes::from(by)),
                o.map_or(Value::Null, |text| Value::from(text.as_str())),
                Value::Array(a.into_iter().map(Value::Int64).collect()),
                Value::Map(
                    m.into_iter()
                        .map(|(k, v)| (Value::from(k.as_str()), Value::Int32(v)))
                        .collect(),
                ),
                Value::from(["A", "B", "C"][e]),
            ]
        })
}

const FLAT: &str = r#"{"type":"record","name":"P","fields":[
    {"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
    {"name":"d","type":"double"},{"name":"s","type":"string"},{"name":"by","type":"bytes"},
    {"name":"o","type":["null","string"],"default":null},
    {"name":"a","type":{"type":"array","items":"long"}},
    {"name":"m","type":{"type":"map","values":"int"}},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}]}"#;

proptest! {
    #[test]
    fn random_records_round_trip_and_match_apache_avro(values in flat_strategy()) {
        let flat = schema(FLAT);
        let value = Value::Struct(Struct::from_values(flat.connect_schema().clone(), values).expect("10 fields"));
        let bytes = flat.encode(&value).expect("encodes");
        prop_assert_eq!(flat.decode(Bytes::from(bytes.clone())), Ok(value));
        let theirs = apache_avro::from_avro_datum(flat.avro(), &mut bytes.as_slice(), None).expect("apache decodes");
        prop_assert_eq!(apache_avro::to_avro_datum(flat.avro(), theirs).expect("apache encodes"), bytes);
    }

    #[test]
    fn random_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..64)) {
        for json in [ALL, FLAT, r#"{"type":"array","items":{"type":"array","items":{"type":"record","name":"Empty","fields":[]}}}"#] {
            let _ = schema(json).decode(Bytes::from(input.clone()));
        }
    }

    #[test]
    fn longs_round_trip(value in any::<i64>()) {
        let long = schema(r#""long""#);
        let bytes = long.encode(&Value::Int64(value)).expect("encodes");
        prop_assert_eq!(long.decode(Bytes::from(bytes)), Ok(Value::Int64(value)));
    }
}

#[test]
fn connect_values_of_the_source_schema_encode() {
    let connect = Schema::structure([
        ("id", Schema::int8().into_ref()),
        ("name", Schema::string().optional().into_ref()),
    ])
    .into_ref();
    let avro = AvroSchema::from_connect(&connect).expect("maps");
    let value =
        Value::Struct(Struct::from_values(connect, vec![Value::Int8(-1), Value::Null]).expect("2"));
    let bytes = avro.encode(&value).expect("encodes");
    assert_eq!(bytes, [0x01, 0x00]);
    assert_eq!(avro.decode(Bytes::from(bytes)), Ok(value));
    let _ = Str::from("keep import");
}
