//! Writer → reader schema resolution.

use bytes::Bytes;
use proptest::prelude::*;

use super::*;
use crate::value::Struct;

fn schema(json: &str) -> AvroSchema {
    AvroSchema::parse(json).expect("valid test schema")
}

fn resolver(writer: &str, reader: &str) -> Decoder {
    Decoder::resolving(&schema(writer), &schema(reader)).expect("compatible schemas")
}

fn record(decoder: &Decoder, values: Vec<Value>) -> Value {
    Value::Struct(Struct::from_values(decoder.connect_schema().clone(), values).expect("arity"))
}

#[test]
fn added_reader_field_takes_its_default() {
    let decoder = resolver(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},
            {"name":"b","type":"string","default":"x"},{"name":"c","type":["null","int"],"default":null}]}"#,
    );
    let expected = record(
        &decoder,
        vec![Value::Int64(1), Value::from("x"), Value::Null],
    );
    assert_eq!(decoder.decode(Bytes::from_static(&[0x02])), Ok(expected));
}

#[test]
fn removed_writer_fields_are_skipped() {
    let decoder = resolver(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},
            {"name":"gone","type":{"type":"array","items":"string"}},{"name":"c","type":"int"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"c","type":"int"},{"name":"a","type":"long"}]}"#,
    );
    // a = 1, gone = ["x"] as a sized block (count -1, 2 bytes), c = 2.
    let input = Bytes::from_static(&[0x02, 0x01, 0x04, 0x02, b'x', 0x00, 0x04]);
    let expected = record(&decoder, vec![Value::Int32(2), Value::Int64(1)]);
    assert_eq!(decoder.decode(input), Ok(expected));
}

#[test]
fn numeric_and_string_promotions_apply() {
    let decoder = resolver(
        r#"{"type":"record","name":"R","fields":[{"name":"i","type":"int"},{"name":"l","type":"long"},
            {"name":"f","type":"float"},{"name":"s","type":"string"},{"name":"b","type":"bytes"},
            {"name":"il","type":"int"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"i","type":"double"},{"name":"l","type":"float"},
            {"name":"f","type":"double"},{"name":"s","type":"bytes"},{"name":"b","type":"string"},
            {"name":"il","type":"long"}]}"#,
    );
    let input = Bytes::from_static(&[
        0x06, 0x08, 0x00, 0x00, 0xc0, 0x3f, 0x02, b'a', 0x02, b'b', 0x7f,
    ]);
    let expected = record(
        &decoder,
        vec![
            Value::Float64(3.0),
            Value::Float32(4.0),
            Value::Float64(1.5),
            Value::Bytes(Bytes::from_static(b"a")),
            Value::from("b"),
            Value::Int64(-64),
        ],
    );
    assert_eq!(decoder.decode(input), Ok(expected));
}

#[test]
fn unknown_enum_symbol_takes_the_reader_default() {
    let writer = r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#;
    let decoder = resolver(
        writer,
        r#"{"type":"enum","name":"E","symbols":["B","A"],"default":"A"}"#,
    );
    assert_eq!(
        decoder.decode(Bytes::from_static(&[0x04])),
        Ok(Value::from("A"))
    );
    assert_eq!(
        decoder.decode(Bytes::from_static(&[0x02])),
        Ok(Value::from("B"))
    );
    let strict = resolver(writer, r#"{"type":"enum","name":"E","symbols":["A","B"]}"#);
    assert!(matches!(
        strict.decode(Bytes::from_static(&[0x04])),
        Err(AvroError::Unresolvable(_))
    ));
}

#[test]
fn unions_resolve_in_both_directions() {
    let into_union = resolver(r#""int""#, r#"["null","long"]"#);
    assert_eq!(
        into_union.decode(Bytes::from_static(&[0x04])),
        Ok(Value::Int64(2))
    );
    let out_of_union = resolver(r#"["null","long"]"#, r#""long""#);
    assert_eq!(
        out_of_union.decode(Bytes::from_static(&[0x02, 0x04])),
        Ok(Value::Int64(2))
    );
    assert!(matches!(
        out_of_union.decode(Bytes::from_static(&[0x00])),
        Err(AvroError::Unresolvable(_))
    ));
    let promoted = resolver(r#"["null","int"]"#, r#"["null","double"]"#);
    assert_eq!(
        promoted.decode(Bytes::from_static(&[0x02, 0x04])),
        Ok(Value::Float64(2.0))
    );
    let general = resolver(r#""string""#, r#"["null","long","string"]"#);
    let Ok(Value::Struct(chosen)) = general.decode(Bytes::from_static(&[0x02, b'z'])) else {
        panic!("a union struct");
    };
    assert_eq!(chosen.get("string"), Ok(&Value::from("z")));
    assert_eq!(chosen.get("long"), Ok(&Value::Null));
}

#[test]
fn field_aliases_match_renamed_fields() {
    let decoder = resolver(
        r#"{"type":"record","name":"R","fields":[{"name":"old","type":"long"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"new","type":"long","aliases":["old"]}]}"#,
    );
    assert_eq!(
        decoder.decode(Bytes::from_static(&[0x02])),
        Ok(record(&decoder, vec![Value::Int64(1)]))
    );
}

#[test]
fn incompatible_schemas_fail_when_the_decoder_is_built() {
    let error = Decoder::resolving(&schema(r#""string""#), &schema(r#""long""#));
    assert!(matches!(error, Err(AvroError::Incompatible(_))));
    let missing_default = Decoder::resolving(
        &schema(r#"{"type":"record","name":"R","fields":[]}"#),
        &schema(r#"{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}"#),
    );
    assert!(matches!(missing_default, Err(AvroError::Incompatible(_))));
    let renamed = Decoder::resolving(
        &schema(r#"{"type":"record","name":"A","fields":[]}"#),
        &schema(r#"{"type":"record","name":"B","fields":[]}"#),
    );
    assert!(matches!(renamed, Err(AvroError::Incompatible(_))));
}

#[test]
fn confluent_decode_uses_the_decoder_for_the_writer_id() {
    let decoder = resolver(r#""int""#, r#""long""#);
    let message = Bytes::from_static(&[0x00, 0x00, 0x00, 0x00, 0x2a, 0x7f]);
    let decoded = decode_confluent(message, |id| (id == 42).then_some(&decoder));
    assert_eq!(decoded, Ok((42, Value::Int64(-64))));
}

// The schemas of the `avro_decode` fuzz target.
const WRITER: &str = r#"{"type":"record","name":"Fuzz","namespace":"f","fields":[
    {"name":"b","type":"boolean"},
    {"name":"i","type":{"type":"int","connect.type":"int16"}},
    {"name":"l","type":"long"},
    {"name":"f","type":"float"},
    {"name":"d","type":"double"},
    {"name":"s","type":"string"},
    {"name":"by","type":"bytes"},
    {"name":"fx","type":{"type":"fixed","name":"F3","size":3}},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
    {"name":"a","type":{"type":"array","items":{"type":"map","values":"long"}}},
    {"name":"u","type":["null","int","string",{"type":"record","name":"Empty","fields":[]}]},
    {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":3}},
    {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"list","type":{"type":"record","name":"List","fields":[
        {"name":"v","type":"long"},{"name":"next","type":["null","List"]}]}}
]}"#;

const READER: &str = r#"{"type":"record","name":"Fuzz","namespace":"f","fields":[
    {"name":"d","type":"double"},
    {"name":"l","type":"double"},
    {"name":"s","type":"bytes"},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["B","A"],"default":"A"}},
    {"name":"added","type":"string","default":"x"}
]}"#;

proptest! {
    #[test]
    fn random_bytes_through_a_resolving_decoder_never_panic(
        input in proptest::collection::vec(any::<u8>(), 0..96)
    ) {
        let writer = schema(WRITER);
        let resolving = Decoder::resolving(&writer, &schema(READER)).expect("fuzz schemas resolve");
        let _ = writer.decode(Bytes::from(input.clone()));
        let _ = resolving.decode(Bytes::from(input));
    }
}
