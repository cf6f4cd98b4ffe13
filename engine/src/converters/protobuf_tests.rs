//! `ProtobufConverter` through `mock://` registries: derived schemas registered and framed,
//! round trips, schema changes, option keys and errors.

use sluice_codecs::protobuf::TAG_PARAMETER;
use sluice_codecs::{Schema, SchemaType, Struct};

use super::*;
use crate::schema_registry::RegistrySchema;

const USER_PROTO: &str = "syntax = \"proto3\";\npackage example;\nmessage User {\n  int64 id = 1;\n  string name = 2;\n}\n";

fn configured(scope: &str, ty: ConverterType, extra: &[(&str, &str)]) -> ProtobufConverter {
    let mut raw: RawConfig = [("schema.registry.url".to_owned(), format!("mock://{scope}"))]
        .into_iter()
        .collect();
    for (key, value) in extra {
        raw.insert((*key).to_owned(), (*value).to_owned());
    }
    ProtobufConverter::configure(&raw, ty).expect("valid config")
}

fn converter(scope: &str, latest: bool) -> ProtobufConverter {
    let extra: &[(&str, &str)] = if latest {
        &[("use.latest.version", "true")]
    } else {
        &[]
    };
    configured(scope, ConverterType::Value, extra)
}

fn record(schema: &SchemaRef, values: Vec<Value>) -> Value {
    Value::Struct(Struct::from_values(schema.clone(), values).expect("values fit the schema"))
}

/// The value without its schemas (decoded structs carry the decoder's Connect schema).
fn shape(value: &Value) -> Value {
    match value {
        Value::Struct(record) => Value::Array(record.values().iter().map(shape).collect()),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Map(entries) => {
            Value::Map(entries.iter().map(|(k, v)| (shape(k), shape(v))).collect())
        }
        other => other.clone(),
    }
}

fn user_schema() -> SchemaRef {
    Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("name", Schema::string().optional().into_ref()),
    ])
    .with_name("example.User")
    .into_ref()
}

fn write(
    converter: &mut ProtobufConverter,
    topic: &str,
    schema: &SchemaRef,
    value: &Value,
) -> Bytes {
    converter
        .to_bytes(topic, Some(schema), value)
        .expect("encodable")
        .expect("not null")
}

fn read(converter: &mut ProtobufConverter, topic: &str, bytes: &Bytes) -> (SchemaRef, Value) {
    let (schema, value) = converter.to_connect(topic, Some(bytes)).expect("decodable");
    (schema.expect("a schema"), value)
}

#[test]
fn registers_the_derived_schema_under_the_topic_subject_and_frames_its_id() {
    let schema = user_schema();
    let mut writer = converter("proto-derive-flat", false);
    let bytes = write(
        &mut writer,
        "users",
        &schema,
        &record(&schema, vec![Value::Int64(7), Value::from("ada")]),
    );
    // Magic byte, schema id 1, message indexes [0], then id = 7 and name = "ada".
    assert_eq!(
        bytes.as_ref(),
        &[
            0x00, 0, 0, 0, 1, 0x00, 0x08, 0x07, 0x12, 0x03, b'a', b'd', b'a'
        ]
    );
    let registered = writer
        .serde
        .registry
        .version("users-value", None)
        .expect("registered under users-value");
    assert_eq!((registered.version, registered.id), (1, 1));
    assert_eq!(
        registered.schema,
        RegistrySchema::protobuf(
            "syntax = \"proto3\";\npackage example;\n\nmessage User {\n  int64 id = 1;\n  string name = 2;\n}\n"
        )
    );
    let mut reader = converter("proto-derive-flat", false);
    let (read_schema, value) = read(&mut reader, "users", &bytes);
    assert_eq!(read_schema.name.as_deref(), Some("example.User"));
    assert_eq!(
        shape(&value),
        Value::Array(vec![Value::Int64(7), Value::from("ada")])
    );
}

#[test]
fn keys_register_under_the_key_subject() {
    let schema = user_schema();
    let mut writer = configured("proto-derive-key", ConverterType::Key, &[]);
    write(
        &mut writer,
        "users",
        &schema,
        &record(&schema, vec![Value::Int64(1), Value::Null]),
    );
    assert!(writer.serde.registry.version("users-key", None).is_ok());
    assert!(writer.serde.registry.version("users-value", None).is_err());
}

#[test]
fn nested_array_map_and_timestamp_fields_round_trip() {
    let address = Schema::structure([
        ("street", Schema::string().into_ref()),
        ("zip", Schema::int32().into_ref()),
    ])
    .with_name("shop.Address")
    .optional()
    .into_ref();
    let schema = Schema::structure([
        ("id", Schema::int64().into_ref()),
        (
            "tags",
            Schema::array(Schema::string().into_ref()).into_ref(),
        ),
        (
            "scores",
            Schema::array(Schema::float64().into_ref()).into_ref(),
        ),
        ("address", address.clone()),
        (
            "counts",
            Schema::map(Schema::string().into_ref(), Schema::int64().into_ref()).into_ref(),
        ),
        (
            "by_id",
            Schema::map(Schema::int32().into_ref(), address.clone()).into_ref(),
        ),
        ("created", Schema::timestamp().into_ref()),
        ("ok", Schema::boolean().into_ref()),
        ("ratio", Schema::float32().into_ref()),
        ("raw", Schema::bytes().into_ref()),
    ])
    .with_name("shop.Order")
    .into_ref();
    let home = record(&address, vec![Value::from("Main St"), Value::Int32(12345)]);
    let work = record(&address, vec![Value::from("Dock Rd"), Value::Int32(-1)]);
    let order = record(
        &schema,
        vec![
            Value::Int64(42),
            Value::Array(vec![Value::from("new"), Value::from("gift")]),
            Value::Array(vec![Value::Float64(1.5), Value::Float64(-2.25)]),
            home.clone(),
            Value::Map(vec![
                (Value::from("apples"), Value::Int64(3)),
                (Value::from("pears"), Value::Int64(0)),
            ]),
            Value::Map(vec![
                (Value::Int32(1), home.clone()),
                (Value::Int32(2), work.clone()),
            ]),
            Value::Timestamp(1_700_000_000_123),
            Value::Boolean(true),
            Value::Float32(0.5),
            Value::Bytes(Bytes::from_static(b"\x00\xff")),
        ],
    );
    let mut writer = converter("proto-derive-nested", false);
    let bytes = write(&mut writer, "orders", &schema, &order);
    let mut reader = converter("proto-derive-nested", false);
    let (read_schema, value) = read(&mut reader, "orders", &bytes);
    assert_eq!(shape(&value), shape(&order));
    let field = |name: &str| {
        read_schema
            .field(name)
            .expect("field read back")
            .schema
            .clone()
    };
    assert_eq!(field("counts").schema_type(), SchemaType::Map);
    assert_eq!(field("by_id").schema_type(), SchemaType::Map);
    assert_eq!(
        field("created").name.as_deref(),
        Some(sluice_codecs::schema::TIMESTAMP_NAME)
    );
    assert_eq!(field("address").name.as_deref(), Some("shop.Order.Address"));
}

#[test]
fn optional_fields_read_back_as_defaults_or_with_optional_for_nullables_as_null() {
    let schema = Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("note", Schema::string().optional().into_ref()),
        ("count", Schema::int32().optional().into_ref()),
    ])
    .with_name("Sparse")
    .into_ref();
    let sparse = record(&schema, vec![Value::Int64(1), Value::Null, Value::Null]);
    // Confluent's default: plain proto3 fields, so an absent value reads as its default.
    let mut plain = converter("proto-derive-optional", false);
    let bytes = write(&mut plain, "plain", &schema, &sparse);
    let (_, value) = read(&mut plain, "plain", &bytes);
    assert_eq!(
        shape(&value),
        Value::Array(vec![Value::Int64(1), Value::from(""), Value::Int32(0)])
    );
    // optional.for.nullables=true: proto3 `optional`, so null survives.
    let mut optional = configured(
        "proto-derive-optional",
        ConverterType::Value,
        &[("optional.for.nullables", "true")],
    );
    let bytes = write(&mut optional, "optional", &schema, &sparse);
    let registered = optional
        .serde
        .registry
        .version("optional-value", None)
        .expect("registered");
    assert!(
        registered
            .schema
            .schema
            .contains("  optional string note = 2;\n"),
        "{}",
        registered.schema.schema
    );
    let (_, value) = read(&mut optional, "optional", &bytes);
    assert_eq!(shape(&value), shape(&sparse));
}

#[test]
fn decoded_oneofs_and_enums_are_written_back_with_a_derived_schema() {
    let mut reader = converter("proto-derive-mirror", false);
    reader
        .serde
        .registry
        .register(
            "picks-value",
            &RegistrySchema::protobuf(
                "syntax = \"proto3\";\npackage p;\nmessage Pick {\n  oneof choice { string text = 1; int64 number = 2; }\n  Color color = 3;\n  enum Color { RED = 0; GREEN = 1; }\n}\n",
            ),
        )
        .expect("registered");
    // text = "hi", color = GREEN.
    let payload = [0x0a, 0x02, b'h', b'i', 0x18, 0x01];
    let framed = Bytes::from([&[0x00, 0, 0, 0, 1, 0x00][..], &payload].concat());
    let (schema, value) = read(&mut reader, "picks", &framed);
    let mut writer = converter("proto-derive-mirror", false);
    let written = write(&mut writer, "copies", &schema, &value);
    // A new id, indexes [0], and the same message bytes.
    assert_eq!(&written[..6], &[0x00, 0, 0, 0, 2, 0x00]);
    assert_eq!(&written[6..], &payload);
    let registered = writer
        .serde
        .registry
        .version("copies-value", None)
        .expect("registered");
    assert_eq!(
        registered.schema.schema,
        "syntax = \"proto3\";\npackage p;\n\nmessage Pick {\n  Color color = 3;\n\n  oneof choice {\n    string text = 1;\n    int64 number = 2;\n  }\n\n  enum Color {\n    RED = 0;\n    GREEN = 1;\n  }\n}\n"
    );
    let (_, copied) = read(&mut reader, "copies", &written);
    assert_eq!(copied, value);
}

#[test]
fn field_numbers_follow_tag_parameters() {
    let schema = Schema::structure([
        (
            "b",
            Schema::int32()
                .with_parameter(TAG_PARAMETER, "5")
                .into_ref(),
        ),
        ("a", Schema::int32().into_ref()),
    ])
    .with_name("Tagged")
    .into_ref();
    let mut writer = converter("proto-derive-tags", false);
    let bytes = write(
        &mut writer,
        "t",
        &schema,
        &record(&schema, vec![Value::Int32(2), Value::Int32(1)]),
    );
    // Field 1 (a) first, then field 5 (b): keys 0x08 and 0x28.
    assert_eq!(&bytes[6..], &[0x08, 0x01, 0x28, 0x02]);
}

#[test]
fn a_changed_schema_registers_a_new_version_and_an_equal_one_does_not() {
    let v1 = user_schema();
    let v2 = Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("name", Schema::string().optional().into_ref()),
        ("email", Schema::string().optional().into_ref()),
    ])
    .with_name("example.User")
    .into_ref();
    let mut writer = converter("proto-derive-evolve", false);
    let first = write(
        &mut writer,
        "users",
        &v1,
        &record(&v1, vec![Value::Int64(1), Value::Null]),
    );
    let second = write(
        &mut writer,
        "users",
        &v2,
        &record(
            &v2,
            vec![Value::Int64(2), Value::Null, Value::from("a@b.c")],
        ),
    );
    assert_eq!(&first[..6], &[0, 0, 0, 0, 1, 0]);
    assert_eq!(&second[..6], &[0, 0, 0, 0, 2, 0]);
    let latest = writer
        .serde
        .registry
        .version("users-value", None)
        .expect("registered");
    assert_eq!((latest.version, latest.id), (2, 2));
    // The same schema in a new allocation reuses the registered id.
    let again = user_schema();
    let third = write(
        &mut writer,
        "users",
        &again,
        &record(&again, vec![Value::Int64(3), Value::Null]),
    );
    assert_eq!(&third[..6], &[0, 0, 0, 0, 1, 0]);
    let latest = writer
        .serde
        .registry
        .version("users-value", None)
        .expect("registered");
    assert_eq!(latest.version, 2);
}

#[test]
fn one_schema_written_to_two_topics_is_registered_under_both_subjects() {
    let schema = user_schema();
    let value = record(&schema, vec![Value::Int64(1), Value::Null]);
    let mut writer = converter("proto-derive-two-topics", false);
    write(&mut writer, "users", &schema, &value);
    write(&mut writer, "admins", &schema, &value);
    for subject in ["users-value", "admins-value"] {
        assert!(
            writer.serde.registry.version(subject, None).is_ok(),
            "{subject} registered"
        );
    }
}

#[test]
fn record_name_strategy_uses_the_message_full_name() {
    let schema = user_schema();
    let mut writer = configured(
        "proto-derive-record-name",
        ConverterType::Value,
        &[(
            "value.subject.name.strategy",
            "io.confluent.kafka.serializers.subject.RecordNameStrategy",
        )],
    );
    write(
        &mut writer,
        "users",
        &schema,
        &record(&schema, vec![Value::Int64(1), Value::Null]),
    );
    assert!(writer.serde.registry.version("example.User", None).is_ok());
}

#[test]
fn without_auto_registration_an_unregistered_schema_is_an_error() {
    let schema = user_schema();
    let value = record(&schema, vec![Value::Int64(1), Value::Null]);
    let mut writer = configured(
        "proto-derive-lookup",
        ConverterType::Value,
        &[("auto.register.schemas", "false")],
    );
    let error = writer
        .to_bytes("users", Some(&schema), &value)
        .expect_err("not registered");
    assert!(error.to_string().contains("users-value"), "{error}");
    let mut registering = converter("proto-derive-lookup", false);
    let registered = write(&mut registering, "users", &schema, &value);
    let mut writer = configured(
        "proto-derive-lookup",
        ConverterType::Value,
        &[("auto.register.schemas", "false")],
    );
    assert_eq!(write(&mut writer, "users", &schema, &value), registered);
}

#[test]
fn a_schema_that_cannot_be_expressed_fails_naming_the_field() {
    // Confluent writes no field_meta for map entries: the scale would read back as 0.
    let prices = Schema::map(Schema::string().into_ref(), Schema::decimal(2).into_ref());
    let line = Schema::structure([("prices", prices.into_ref())])
        .with_name("Line")
        .optional()
        .into_ref();
    let schema = Schema::structure([("line", line.clone())])
        .with_name("Order")
        .into_ref();
    let value = record(
        &schema,
        vec![record(
            &line,
            vec![Value::Map(vec![(
                Value::from("a"),
                Value::Decimal(sluice_codecs::Decimal::from_i128(1234, 2)),
            )])],
        )],
    );
    let mut writer = converter("proto-derive-error", false);
    let error = writer
        .to_bytes("orders", Some(&schema), &value)
        .expect_err("scaled Decimal map values unsupported");
    let message = error.to_string();
    assert!(message.contains("`line.prices.value`"), "{message}");
    assert!(message.contains("Decimal"), "{message}");
    assert!(writer.serde.registry.version("orders-value", None).is_err());
}

#[test]
fn wrapper_types_for_nullables_keep_zero_apart_from_null() {
    let schema = Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("count", Schema::int32().optional().into_ref()),
        ("name", Schema::string().optional().into_ref()),
    ])
    .with_name("w.Row")
    .into_ref();
    let extra = [("wrapper.for.nullables", "true")];
    let mut writer = configured("proto-wrappers", ConverterType::Value, &extra);
    let value = record(&schema, vec![Value::Int64(7), Value::Int32(0), Value::Null]);
    let bytes = write(&mut writer, "rows", &schema, &value);
    // id = 7, then count as an Int32Value holding 0 (present, empty); name is left out.
    assert_eq!(
        bytes.as_ref(),
        &[0x00, 0, 0, 0, 1, 0x00, 0x08, 0x07, 0x12, 0x00]
    );
    let registered = writer
        .serde
        .registry
        .version("rows-value", None)
        .expect("registered");
    assert_eq!(
        registered.schema.schema,
        "syntax = \"proto3\";\npackage w;\n\nimport \"google/protobuf/wrappers.proto\";\n\nmessage Row {\n  int64 id = 1;\n  google.protobuf.Int32Value count = 2;\n  google.protobuf.StringValue name = 3;\n}\n"
    );
    let mut reader = configured("proto-wrappers", ConverterType::Value, &extra);
    let (read_schema, read_value) = read(&mut reader, "rows", &bytes);
    // As Confluent reads with wrapper.for.nullables: wrappers as optional values, other
    // primitive fields required.
    let tagged = |schema: Schema, tag: &str| schema.with_parameter(TAG_PARAMETER, tag).into_ref();
    let expected = Schema::structure([
        ("id", tagged(Schema::int64(), "1")),
        ("count", tagged(Schema::int32().optional(), "2")),
        ("name", tagged(Schema::string().optional(), "3")),
    ])
    .with_name("w.Row");
    assert_eq!(*read_schema, expected);
    assert_eq!(
        shape(&read_value),
        Value::Array(vec![Value::Int64(7), Value::Int32(0), Value::Null])
    );
    // Without the setting the wrapper reads as a struct.
    let mut plain = converter("proto-wrappers", false);
    let (plain_schema, _) = read(&mut plain, "rows", &bytes);
    assert_eq!(
        plain_schema.fields()[1].schema.schema_type(),
        SchemaType::Struct
    );
}

#[test]
fn reads_what_it_writes_against_the_latest_registered_schema() {
    let mut writer = converter("proto-round-trip", true);
    writer
        .serde
        .registry
        .register("users-value", &RegistrySchema::protobuf(USER_PROTO))
        .expect("registered");
    // A message read from the wire gives the Connect schema and value to write back.
    let message = Bytes::from_static(&[
        0x00, 0, 0, 0, 1, 0x00, 0x08, 0x07, 0x12, 0x03, b'a', b'd', b'a',
    ]);
    let mut reader = converter("proto-round-trip", false);
    let (schema, value) = reader
        .to_connect("users", Some(&message))
        .expect("decodable");
    let schema = schema.expect("a schema");
    assert_eq!(schema.name.as_deref(), Some("example.User"));
    let written = writer
        .to_bytes("users", Some(&schema), &value)
        .expect("encodable");
    assert_eq!(written.as_deref(), Some(message.as_ref()));
}
