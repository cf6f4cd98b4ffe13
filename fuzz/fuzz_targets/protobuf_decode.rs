//! Arbitrary bytes into the protobuf decoder, plain and Confluent-framed, with a fixed schema
//! that has every field shape: scalars, enums, oneof, map, repeated, nested, recursive,
//! Timestamp. The decoder must return `Ok` or `Err`, never panic or overflow the stack.

#![no_main]

use std::sync::OnceLock;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_codecs::protobuf::{ProtoSchema, ProtobufCodec, decode_framed};

const PROTO: &str = r#"
syntax = "proto3";
package f;
import "google/protobuf/timestamp.proto";
enum Color { RED = 0; GREEN = 1; }
message Leaf { string s = 1; bytes b = 2; sint32 z = 3; fixed64 f = 4; float x = 5; }
message Root {
  int32 a = 1; uint32 b = 2; sint64 c = 3; sfixed32 d = 4; double e = 5; bool g = 6;
  Color color = 7; repeated int64 nums = 8; repeated Leaf leaves = 9;
  map<string, Leaf> by_name = 10; oneof pick { string text = 11; Leaf leaf = 12; }
  google.protobuf.Timestamp at = 13; optional string note = 14; Root child = 15;
}
"#;

fn codec() -> &'static ProtobufCodec {
    static CODEC: OnceLock<ProtobufCodec> = OnceLock::new();
    CODEC.get_or_init(|| {
        ProtoSchema::from_proto_text(&[("f.proto", PROTO)])
            .and_then(|schema| schema.codec("f.Root"))
            .expect("the fuzz schema compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let codec = codec();
    let input = Bytes::copy_from_slice(data);
    if let Ok(value) = codec.decode(input.clone()) {
        let mut out = Vec::new();
        let _ = codec.encode_into(&value, &mut out);
    }
    let _ = decode_framed(input, |_, _| Some(codec));
});
