//! Feeds arbitrary bytes to the Avro decoder: a schema using every Avro type (including a
//! recursive record and a general union), the same data read through a resolving decoder, and
//! the Confluent-framed entry point. Decoding must return `Ok` or `Err`, never panic.

#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_codecs::avro::{AvroSchema, Decoder, decode_confluent};

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

static SCHEMAS: LazyLock<(AvroSchema, Decoder)> = LazyLock::new(|| {
    let writer = AvroSchema::parse(WRITER).expect("fuzz writer schema is valid");
    let reader = AvroSchema::parse(READER).expect("fuzz reader schema is valid");
    let resolving = Decoder::resolving(&writer, &reader).expect("fuzz schemas resolve");
    (writer, resolving)
});

fuzz_target!(|data: &[u8]| {
    let (writer, resolving) = &*SCHEMAS;
    let input = Bytes::copy_from_slice(data);
    let _ = writer.decode(input.clone());
    let _ = resolving.decode(input.clone());
    let _ = decode_confluent(input, |_| Some(writer.decoder()));
});
