//! `confluent.type.Decimal`, `google.type.Date` and `google.type.TimeOfDay` fields: the Connect
//! schemas Confluent's `ProtobufData` gives them, exact bytes, round trips, nulls and malformed
//! messages.

use bytes::Bytes;

use super::{ProtoSchema, ProtobufCodec, ProtobufError, TAG_PARAMETER};
use crate::decimal::Decimal;
use crate::schema::{Schema, SchemaRef};
use crate::value::{Struct, Value};

/// What Confluent's `ProtobufData` registers for a struct with an optional
/// `Decimal(scale 2, precision 5)`, Date and Time (`ProtobufSchemaUtils` layout, no
/// `confluent/meta.proto` import).
const LOGICAL_PROTO: &str = r#"syntax = "proto3";
package t;

import "confluent/type/decimal.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";

message Logical {
  confluent.type.Decimal amount = 1 [(confluent.field_meta) = {
    params: [
      {
        value: "5",
        key: "precision"
      },
      {
        value: "2",
        key: "scale"
      }
    ]
  }];
  google.type.Date day = 2;
  google.type.TimeOfDay at = 3;
  repeated confluent.type.Decimal amounts = 4 [(confluent.field_meta) = {
    params: [
      {
        value: "1",
        key: "scale"
      }
    ]
  }];
}
"#;

fn codec() -> ProtobufCodec {
    ProtoSchema::from_proto_text(&[("logical.proto", LOGICAL_PROTO)])
        .and_then(|schema| schema.codec("t.Logical"))
        .expect("compiles")
}

fn tagged(schema: Schema, tag: u32) -> SchemaRef {
    schema
        .optional()
        .with_parameter(TAG_PARAMETER, tag.to_string())
        .into_ref()
}

fn value(codec: &ProtobufCodec, values: Vec<Value>) -> Value {
    Value::Struct(Struct::from_values(codec.schema().clone(), values).expect("fits"))
}

fn decode(codec: &ProtobufCodec, bytes: &[u8]) -> Result<Vec<Value>, ProtobufError> {
    match codec.decode(Bytes::copy_from_slice(bytes))? {
        Value::Struct(record) => Ok(record.values().to_vec()),
        other => panic!("not a struct: {other:?}"),
    }
}

const AMOUNT: [u8; 10] = [0x0a, 0x08, 0x0a, 0x02, 0x30, 0x39, 0x10, 0x05, 0x18, 0x02];
const DAY: [u8; 9] = [0x12, 0x07, 0x08, 0xe8, 0x0f, 0x10, 0x02, 0x18, 0x1d];
const AT: [u8; 13] = [
    0x1a, 0x0b, 0x08, 0x0d, 0x10, 0x2d, 0x18, 0x1e, 0x20, 0x80, 0xe5, 0x9a, 0x77,
];

#[test]
fn connect_schemas_are_the_logical_types_with_field_meta_scale_and_precision() {
    let codec = codec();
    let decimal = Schema::decimal(2).with_parameter("connect.decimal.precision", "5");
    let expected = Schema::structure([
        ("amount", tagged(decimal, 1)),
        ("day", tagged(Schema::date(), 2)),
        ("at", tagged(Schema::time(), 3)),
        (
            "amounts",
            tagged(Schema::array(Schema::decimal(1).optional().into_ref()), 4),
        ),
    ])
    .with_name("t.Logical");
    assert_eq!(**codec.schema(), expected);
}

#[test]
fn values_encode_to_the_bytes_confluent_writes_and_read_back() {
    let codec = codec();
    let record = value(
        &codec,
        vec![
            Value::Decimal(Decimal::from_i128(12_345, 2)),
            // 2024-02-29.
            Value::Date(19_782),
            // 13:45:30.250.
            Value::Time(49_530_250),
            Value::Array(vec![
                Value::Decimal(Decimal::from_i128(-15, 1)),
                Value::Decimal(Decimal::from_i128(0, 1)),
            ]),
        ],
    );
    let bytes = codec.encode(&record).expect("encodes");
    let mut expected = Vec::new();
    expected.extend_from_slice(&AMOUNT);
    expected.extend_from_slice(&DAY);
    expected.extend_from_slice(&AT);
    // -1.5: unscaled 0xf1, precision 2, scale 1; 0.0: unscaled 0x00, precision 1, scale 1.
    expected.extend_from_slice(&[0x22, 0x07, 0x0a, 0x01, 0xf1, 0x10, 0x02, 0x18, 0x01]);
    expected.extend_from_slice(&[0x22, 0x07, 0x0a, 0x01, 0x00, 0x10, 0x01, 0x18, 0x01]);
    assert_eq!(bytes, expected);
    assert_eq!(codec.decode(Bytes::from(bytes)).expect("decodes"), record);
}

#[test]
fn nulls_are_not_written_and_absent_fields_read_as_null() {
    let codec = codec();
    let record = value(
        &codec,
        vec![Value::Null, Value::Null, Value::Null, Value::Array(vec![])],
    );
    let bytes = codec.encode(&record).expect("encodes");
    assert!(bytes.is_empty());
    assert_eq!(
        decode(&codec, &bytes).expect("decodes"),
        vec![Value::Null, Value::Null, Value::Null, Value::Array(vec![])]
    );
}

#[test]
fn midnight_and_the_epoch_are_present_messages() {
    let codec = codec();
    // 86 400 000 ms is accepted and written as midnight, as Confluent's Calendar does.
    for time in [0, 86_400_000] {
        let record = value(
            &codec,
            vec![
                Value::Null,
                Value::Date(0),
                Value::Time(time),
                Value::Array(vec![]),
            ],
        );
        assert_eq!(
            codec.encode(&record).expect("encodes"),
            [
                0x12, 0x07, 0x08, 0xb2, 0x0f, 0x10, 0x01, 0x18, 0x01, 0x1a, 0x00
            ]
        );
    }
    assert_eq!(
        decode(&codec, &[0x1a, 0x00]).expect("decodes")[2],
        Value::Time(0)
    );
}

#[test]
fn dates_before_the_gregorian_reform_and_christ_follow_java() {
    let codec = codec();
    let date = |days| {
        let record = value(
            &codec,
            vec![
                Value::Null,
                Value::Date(days),
                Value::Null,
                Value::Array(vec![]),
            ],
        );
        codec.encode(&record).expect("encodes")
    };
    // The day before 1582-10-15 is the Julian 1582-10-04.
    assert_eq!(
        date(-141_428),
        [0x12, 0x07, 0x08, 0xae, 0x0c, 0x10, 0x0a, 0x18, 0x04]
    );
    // 31 December 1 BC is written as year 1 of its era, as Calendar.get(YEAR) gives it.
    assert_eq!(
        date(-719_165),
        [0x12, 0x06, 0x08, 0x01, 0x10, 0x0c, 0x18, 0x1f]
    );
}

#[test]
fn time_outside_a_day_is_an_error() {
    let codec = codec();
    for time in [-1, 86_400_001] {
        let record = value(
            &codec,
            vec![
                Value::Null,
                Value::Null,
                Value::Time(time),
                Value::Array(vec![]),
            ],
        );
        assert!(matches!(
            codec.encode(&record),
            Err(ProtobufError::InvalidLogical { .. })
        ));
    }
}

#[test]
fn a_decimal_precision_rounds_half_up_as_java_math_context() {
    let codec = codec();
    // 123.45 with precision 3: 123 (scale 0).
    let rounded = decode(
        &codec,
        &[0x0a, 0x08, 0x0a, 0x02, 0x30, 0x39, 0x10, 0x03, 0x18, 0x02],
    )
    .expect("decodes");
    assert_eq!(rounded[0], Value::Decimal(Decimal::from_i128(123, 0)));
    // -999 with precision 2: -1.0E+3 (unscaled -10, scale -2).
    let carried =
        decode(&codec, &[0x0a, 0x06, 0x0a, 0x02, 0xfc, 0x19, 0x10, 0x02]).expect("decodes");
    assert_eq!(carried[0], Value::Decimal(Decimal::from_i128(-10, -2)));
    // No precision: the value as written; a negative scale is a 10-byte varint.
    let plain = decode(
        &codec,
        &[
            0x0a, 0x0e, 0x0a, 0x01, 0x07, 0x18, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0x01,
        ],
    )
    .expect("decodes");
    assert_eq!(plain[0], Value::Decimal(Decimal::from_i128(7, -2)));
}

#[test]
fn malformed_logical_messages_are_errors() {
    let codec = codec();
    let invalid = |bytes: &[u8]| {
        let result = decode(&codec, bytes);
        assert!(
            matches!(result, Err(ProtobufError::InvalidLogical { .. })),
            "{bytes:02x?}: {result:?}"
        );
    };
    // A Decimal without value bytes (Confluent: "Zero length BigInteger").
    invalid(&[0x0a, 0x02, 0x18, 0x02]);
    invalid(&[0x0a, 0x00]);
    // A precision above Java's int range.
    invalid(&[
        0x0a, 0x09, 0x0a, 0x01, 0x05, 0x10, 0x80, 0x80, 0x80, 0x80, 0x08,
    ]);
    // Dates a strict GregorianCalendar rejects: year 0, month 13, 2023-02-29, 1582-10-10.
    invalid(&[0x12, 0x04, 0x10, 0x01, 0x18, 0x01]);
    invalid(&[0x12, 0x07, 0x08, 0xe7, 0x0f, 0x10, 0x0d, 0x18, 0x01]);
    invalid(&[0x12, 0x07, 0x08, 0xe7, 0x0f, 0x10, 0x02, 0x18, 0x1d]);
    invalid(&[0x12, 0x07, 0x08, 0xae, 0x0c, 0x10, 0x0a, 0x18, 0x0a]);
    // A year past what a Connect Date holds.
    invalid(&[
        0x12, 0x0a, 0x08, 0x80, 0x80, 0x80, 0x80, 0x01, 0x10, 0x01, 0x18, 0x01,
    ]);
    // Times LocalTime.of rejects: 24 hours, -1 minutes, a billion nanos.
    invalid(&[0x1a, 0x02, 0x08, 0x18]);
    invalid(&[
        0x1a, 0x0b, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    invalid(&[0x1a, 0x06, 0x20, 0x80, 0x94, 0xeb, 0xdc, 0x03]);
}

#[test]
fn truncated_logical_messages_are_errors_not_panics() {
    let codec = codec();
    for bytes in [
        // Length past the end of the input.
        &[0x0a, 0x7f, 0x0a][..],
        // Value bytes running past the Decimal body.
        &[0x0a, 0x03, 0x0a, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05][..],
        // A value length larger than the input.
        &[0x0a, 0x06, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f][..],
        // A varint cut short.
        &[0x12, 0x02, 0x08, 0x80][..],
        &[0x1a, 0x01, 0x08][..],
    ] {
        assert!(decode(&codec, bytes).is_err(), "{bytes:02x?}");
    }
}

#[test]
fn unknown_fields_in_logical_messages_are_skipped() {
    let codec = codec();
    // A Date with an extra field 9 (a string) still reads.
    let values = decode(
        &codec,
        &[
            0x12, 0x0c, 0x4a, 0x03, b'a', b'b', b'c', 0x08, 0xe8, 0x0f, 0x10, 0x02, 0x18, 0x1d,
        ],
    )
    .expect("decodes");
    assert_eq!(values[1], Value::Date(19_782));
}

#[test]
fn a_file_importing_meta_itself_also_compiles() {
    let text = LOGICAL_PROTO.replace(
        "import \"confluent/type/decimal.proto\";",
        "import \"confluent/meta.proto\";\nimport \"confluent/type/decimal.proto\";",
    );
    let codec = ProtoSchema::from_proto_text(&[("logical.proto", text.as_str())])
        .and_then(|schema| schema.codec("t.Logical"))
        .expect("compiles");
    assert_eq!(codec.schema(), self::codec().schema());
}

#[test]
fn decimal_precision_counts_digits_like_java() {
    assert_eq!(Decimal::from_i128(0, 3).precision(), 1);
    assert_eq!(Decimal::from_i128(-9, 0).precision(), 1);
    assert_eq!(Decimal::from_i128(12_345, 2).precision(), 5);
    assert_eq!(Decimal::from_i128(i128::MIN, 0).precision(), 39);
    let big = Decimal::parse("123456789012345678901234567890123456789012345").expect("parses");
    assert_eq!(big.precision(), 45);
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
        let codec = codec();
        let _ = codec.decode(Bytes::from(bytes.clone()));
        // Also as the body of each logical field.
        for key in [0x0a, 0x12, 0x1a, 0x22] {
            let mut framed = vec![key];
            framed.push(u8::try_from(bytes.len()).unwrap_or(0));
            framed.extend_from_slice(&bytes);
            let _ = codec.decode(Bytes::from(framed));
        }
    }
}

#[test]
fn connect_type_field_meta_reads_int32_fields_as_int8_and_int16() {
    let text = r#"syntax = "proto3";
package t;

message Small {
  int32 tiny = 1 [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "int8"
      }
    ]
  }];
  sint32 short = 2 [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "int16"
      }
    ]
  }];
  repeated sfixed32 tinies = 3 [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "int8"
      }
    ]
  }];
  int32 plain = 4;
}
"#;
    let codec = ProtoSchema::from_proto_text(&[("small.proto", text)])
        .and_then(|schema| schema.codec("t.Small"))
        .expect("compiles");
    let expected = Schema::structure([
        ("tiny", tagged(Schema::int8(), 1)),
        ("short", tagged(Schema::int16(), 2)),
        (
            "tinies",
            tagged(Schema::array(Schema::int8().optional().into_ref()), 3),
        ),
        ("plain", tagged(Schema::int32(), 4)),
    ])
    .with_name("t.Small");
    assert_eq!(**codec.schema(), expected);
    let record = value(
        &codec,
        vec![
            Value::Int8(-1),
            Value::Int16(-300),
            Value::Array(vec![Value::Int8(7)]),
            Value::Int32(0),
        ],
    );
    let bytes = codec.encode(&record).expect("encodes");
    let mut expected_bytes = vec![0x08];
    expected_bytes.extend_from_slice(&[0xff; 9]);
    expected_bytes.push(0x01);
    // sint32 -300: zigzag 599.
    expected_bytes.extend_from_slice(&[0x10, 0xd7, 0x04]);
    // Packed sfixed32.
    expected_bytes.extend_from_slice(&[0x1a, 0x04, 0x07, 0x00, 0x00, 0x00]);
    assert_eq!(bytes, expected_bytes);
    assert_eq!(codec.decode(Bytes::from(bytes)).expect("decodes"), record);
    // A wider value on the wire is truncated, as Java's byteValue() does: 300 → 44.
    assert_eq!(
        decode(&codec, &[0x08, 0xac, 0x02]).expect("decodes")[0],
        Value::Int8(44)
    );
}

#[test]
fn descriptor_sets_with_extension_options_keep_the_field_meta() {
    use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

    use super::known::{KnownFileResolver, with_meta_import};

    struct Logical;
    impl FileResolver for Logical {
        fn open_file(&self, name: &str) -> Result<File, protox::Error> {
            match name {
                "logical.proto" => with_meta_import(name, LOGICAL_PROTO),
                _ => Err(protox::Error::file_not_found(name)),
            }
        }
    }
    let mut resolver = ChainFileResolver::new();
    resolver.add(Logical);
    resolver.add(KnownFileResolver);
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true);
    compiler.open_file("logical.proto").expect("compiles");
    // As protoc --include_imports writes it, extension options included.
    let bytes = compiler.encode_file_descriptor_set();
    let codec = ProtoSchema::from_descriptor_set_bytes(&bytes)
        .and_then(|schema| schema.codec("t.Logical"))
        .expect("loads");
    assert_eq!(codec.schema(), self::codec().schema());
}
