//! Cross-checks against `prost-reflect`'s `DynamicMessage` on the same descriptors, and
//! property tests.

use std::collections::HashMap;

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MapKey, ReflectMessage as _, Value as RValue};

use super::tests::{codec, record, schema, sub};
use super::*;
use crate::value::Value;

fn pool() -> DescriptorPool {
    static POOL: std::sync::OnceLock<DescriptorPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(schema().descriptor_set_bytes().as_slice()).expect("valid set")
    })
    .clone()
}

fn message(pool: &DescriptorPool, name: &str) -> DynamicMessage {
    DynamicMessage::new(pool.get_message_by_name(name).expect("message exists"))
}

fn person_value(codec: &ProtobufCodec) -> Value {
    let schema = codec.schema();
    let address = sub(schema, "home");
    let others = sub(schema, "others");
    let by_id = sub(schema, "by_id");
    let union = schema.fields()[0].schema.clone();
    let postal = record(
        &union.fields()[2].schema,
        vec![Value::from("Dam 1"), Value::from("Amsterdam")],
    );
    record(
        schema,
        vec![
            record(&union, vec![Value::Null, Value::Null, postal]),
            Value::from("Ada"),
            record(&address, vec![Value::from("Main St"), Value::from("")]),
            Value::Array(vec![
                record(&others, vec![Value::from("a"), Value::from("b")]),
                record(&others, vec![Value::from(""), Value::from("c")]),
            ]),
            Value::Map(vec![(Value::from("x"), Value::Int32(-5))]),
            Value::Timestamp(1_732_550_400_123),
            Value::from(""),
            Value::Map(vec![(
                Value::Int32(3),
                record(&by_id, vec![Value::from("s"), Value::from("t")]),
            )]),
        ],
    )
}

fn address(pool: &DynamicMessage, street: &str, city: &str) -> RValue {
    let desc = pool
        .descriptor()
        .parent_pool()
        .get_message_by_name("t.Address")
        .expect("Address");
    let mut address = DynamicMessage::new(desc);
    // Only non-default values: prost-reflect remembers an explicitly set default.
    for (name, text) in [("street", street), ("city", city)] {
        if !text.is_empty() {
            address.set_field_by_name(name, RValue::String(text.into()));
        }
    }
    RValue::Message(address)
}

fn person_reflect(pool: &DescriptorPool) -> DynamicMessage {
    let mut person = message(pool, "t.Person");
    let postal = address(&person, "Dam 1", "Amsterdam");
    let home = address(&person, "Main St", "");
    let others = vec![address(&person, "a", "b"), address(&person, "", "c")];
    let by_id = address(&person, "s", "t");
    person.set_field_by_name("postal", postal);
    person.set_field_by_name("name", RValue::String("Ada".into()));
    person.set_field_by_name("home", home);
    person.set_field_by_name("others", RValue::List(others));
    let scores = HashMap::from([(MapKey::String("x".into()), RValue::I32(-5))]);
    person.set_field_by_name("scores", RValue::Map(scores));
    let mut born = message(pool, "google.protobuf.Timestamp");
    born.set_field_by_name("seconds", RValue::I64(1_732_550_400));
    born.set_field_by_name("nanos", RValue::I32(123_000_000));
    person.set_field_by_name("born", RValue::Message(born));
    person.set_field_by_name("nick", RValue::String(String::new()));
    person.set_field_by_name(
        "by_id",
        RValue::Map(HashMap::from([(MapKey::I32(3), by_id)])),
    );
    person
}

#[test]
fn prost_reflect_reads_what_we_write() {
    let codec = codec("t.Person");
    let pool = pool();
    let bytes = codec.encode(&person_value(&codec)).expect("encodes");
    let desc = pool.get_message_by_name("t.Person").expect("Person");
    let theirs = DynamicMessage::decode(desc, bytes.as_slice()).expect("prost-reflect decodes");
    assert_eq!(theirs, person_reflect(&pool));
}

#[test]
fn we_read_what_prost_reflect_writes() {
    let codec = codec("t.Person");
    let bytes = person_reflect(&pool()).encode_to_vec();
    assert_eq!(codec.decode(Bytes::from(bytes)), Ok(person_value(&codec)));
}

#[test]
fn scalars_agree_with_prost_reflect_both_ways() {
    let codec = codec("t.Scalars");
    let pool = pool();
    let mut theirs = message(&pool, "t.Scalars");
    for (name, value) in [
        ("f_double", RValue::F64(-2.5)),
        ("f_float", RValue::F32(0.25)),
        ("f_int64", RValue::I64(i64::MIN)),
        ("f_uint64", RValue::U64(u64::MAX - 1)),
        ("f_int32", RValue::I32(i32::MIN)),
        ("f_fixed64", RValue::U64(1 << 63)),
        ("f_fixed32", RValue::U32(u32::MAX)),
        ("f_bool", RValue::Bool(true)),
        ("f_string", RValue::String("ünïcödé".into())),
        ("f_bytes", RValue::Bytes(Bytes::from_static(b"\x00\x01"))),
        ("f_uint32", RValue::U32(u32::MAX)),
        ("f_sfixed32", RValue::I32(-7)),
        ("f_sfixed64", RValue::I64(-8)),
        ("f_sint32", RValue::I32(i32::MIN)),
        ("f_sint64", RValue::I64(i64::MAX)),
        ("color", RValue::EnumNumber(1)),
    ] {
        theirs.set_field_by_name(name, value);
    }
    let expected = record(
        codec.schema(),
        vec![
            Value::Float64(-2.5),
            Value::Float32(0.25),
            Value::Int64(i64::MIN),
            Value::Int64(-2),
            Value::Int32(i32::MIN),
            Value::Int64(i64::MIN),
            Value::Int64(4_294_967_295),
            Value::Boolean(true),
            Value::from("ünïcödé"),
            Value::Bytes(Bytes::from_static(b"\x00\x01")),
            Value::Int64(4_294_967_295),
            Value::Int32(-7),
            Value::Int64(-8),
            Value::Int32(i32::MIN),
            Value::Int64(i64::MAX),
            Value::from("GREEN"),
        ],
    );
    let bytes = theirs.encode_to_vec();
    assert_eq!(codec.decode(Bytes::from(bytes)), Ok(expected.clone()));
    let ours = codec.encode(&expected).expect("encodes");
    let desc = pool.get_message_by_name("t.Scalars").expect("Scalars");
    assert_eq!(DynamicMessage::decode(desc, ours.as_slice()), Ok(theirs));
}

fn scalars_strategy() -> impl Strategy<Value = Vec<Value>> {
    (
        (
            any::<f64>(),
            any::<f32>(),
            any::<i64>(),
            any::<i64>(),
            any::<i32>(),
        ),
        (
            any::<i64>(),
            any::<u32>(),
            any::<bool>(),
            ".*",
            any::<Vec<u8>>(),
        ),
        (
            any::<u32>(),
            any::<i32>(),
            any::<i64>(),
            any::<i32>(),
            any::<i64>(),
        ),
        prop::sample::select(vec!["RED", "GREEN", "BLUE"]),
    )
        .prop_map(
            |((a, b, c, d, e), (f, g, h, i, j), (k, l, m, n, o), color)| {
                vec![
                    Value::Float64(a),
                    Value::Float32(b),
                    Value::Int64(c),
                    Value::Int64(d),
                    Value::Int32(e),
                    Value::Int64(f),
                    Value::Int64(i64::from(g)),
                    Value::Boolean(h),
                    Value::from(i.as_str()),
                    Value::Bytes(Bytes::from(j)),
                    Value::Int64(i64::from(k)),
                    Value::Int32(l),
                    Value::Int64(m),
                    Value::Int32(n),
                    Value::Int64(o),
                    Value::from(color),
                ]
            },
        )
}

fn same_bits(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float64(x), Value::Float64(y)) => x.to_bits() == y.to_bits(),
        (Value::Float32(x), Value::Float32(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

proptest! {
    #[test]
    fn scalars_round_trip(values in scalars_strategy()) {
        let codec = codec("t.Scalars");
        let value = record(codec.schema(), values.clone());
        let bytes = codec.encode(&value).expect("encodes");
        let decoded = codec.decode(Bytes::from(bytes.clone())).expect("decodes");
        let decoded = decoded.as_struct().expect("struct").values().to_vec();
        prop_assert!(values.iter().zip(&decoded).all(|(a, b)| same_bits(a, b)));
        let desc = pool().get_message_by_name("t.Scalars").expect("Scalars");
        prop_assert!(DynamicMessage::decode(desc, bytes.as_slice()).is_ok());
    }

    #[test]
    fn random_bytes_never_panic(bytes in any::<Vec<u8>>()) {
        for name in ["t.Person", "t.Scalars", "t.Packed", "t.Tree"] {
            let _ = codec(name).decode(Bytes::from(bytes.clone()));
        }
    }

    #[test]
    fn random_framed_bytes_never_panic(bytes in any::<Vec<u8>>()) {
        let codec = codec("t.Person");
        let _ = decode_framed(Bytes::from(bytes), |_, _| Some(&codec));
    }

    #[test]
    fn what_prost_reflect_accepts_we_accept(bytes in any::<Vec<u8>>()) {
        let desc = pool().get_message_by_name("t.Packed").expect("Packed");
        if DynamicMessage::decode(desc, bytes.as_slice()).is_ok() {
            prop_assert!(codec("t.Packed").decode(Bytes::from(bytes)).is_ok());
        }
    }
}
