//! The Confluent `AvroData` mapping: Avro schema JSON expected for Connect schemas, and Connect
//! schemas expected for Avro schemas.

use super::*;
use crate::schema::Schema;

fn item_schema() -> Schema {
    Schema::structure([
        ("id", Schema::int8().into_ref()),
        ("name", Schema::string().optional().into_ref()),
        ("price", Schema::decimal(2).into_ref()),
        ("day", Schema::date().into_ref()),
        ("at", Schema::time().into_ref()),
        ("ts", Schema::timestamp().into_ref()),
        (
            "tags",
            Schema::map(Schema::string().into_ref(), Schema::int32().into_ref()).into_ref(),
        ),
        (
            "by_id",
            Schema::map(Schema::int64().into_ref(), Schema::string().into_ref()).into_ref(),
        ),
    ])
    .with_name("com.example.Item")
}

const ITEM_AVRO: &str = concat!(
    r#"{"type":"record","name":"Item","namespace":"com.example","fields":["#,
    r#"{"name":"id","type":{"type":"int","connect.type":"int8"}},"#,
    r#"{"name":"name","type":["null","string"],"default":null},"#,
    r#"{"name":"price","type":{"type":"bytes","scale":2,"precision":64,"connect.version":1,"#,
    r#""connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","#,
    r#""logicalType":"decimal"}},"#,
    r#"{"name":"day","type":{"type":"int","connect.version":1,"#,
    r#""connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}},"#,
    r#"{"name":"at","type":{"type":"int","connect.version":1,"#,
    r#""connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}},"#,
    r#"{"name":"ts","type":{"type":"long","connect.version":1,"#,
    r#""connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}},"#,
    r#"{"name":"tags","type":{"type":"map","values":"int"}},"#,
    r#"{"name":"by_id","type":{"type":"array","items":{"type":"record","name":"MapEntry","#,
    r#""namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"long"},"#,
    r#"{"name":"value","type":"string"}]}}}"#,
    r#"],"connect.name":"com.example.Item"}"#
);

#[test]
fn connect_struct_maps_to_the_avro_data_record() {
    assert_eq!(avro_schema_text(&item_schema()), Ok(ITEM_AVRO.to_owned()));
}

#[test]
fn avro_data_record_maps_back_to_the_same_connect_schema() {
    let avro = AvroSchema::parse(ITEM_AVRO).expect("valid Avro");
    assert_eq!(avro.connect_schema().as_ref(), &item_schema());
}

#[test]
fn unnamed_struct_is_connect_default() {
    let schema = Schema::structure([("a", Schema::int32().into_ref())]);
    assert_eq!(
        avro_schema_text(&schema),
        Ok(concat!(
            r#"{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","#,
            r#""fields":[{"name":"a","type":"int"}]}"#
        )
        .to_owned())
    );
    let back = AvroSchema::from_connect(&schema).expect("maps");
    assert_eq!(back.connect_schema().as_ref(), &schema);
}

#[test]
fn doc_version_parameters_and_defaults_become_connect_properties() {
    let schema = Schema::structure([
        (
            "n",
            Schema::int32()
                .with_doc("count")
                .with_default(Value::Int32(5))
                .into_ref(),
        ),
        (
            "s",
            Schema::string()
                .optional()
                .with_default(Value::from("x"))
                .into_ref(),
        ),
        (
            "p",
            Schema::int16()
                .with_version(3)
                .with_parameter("k", "v")
                .into_ref(),
        ),
    ])
    .with_name("T");
    let expected = concat!(
        r#"{"type":"record","name":"T","fields":["#,
        r#"{"name":"n","type":{"type":"int","connect.doc":"count","connect.default":5},"default":5},"#,
        r#"{"name":"s","type":[{"type":"string","connect.default":"x"},"null"],"default":"x"},"#,
        r#"{"name":"p","type":{"type":"int","connect.version":3,"connect.parameters":{"k":"v"},"#,
        r#""connect.type":"int16"}}"#,
        r#"],"connect.name":"T"}"#
    );
    assert_eq!(avro_schema_text(&schema), Ok(expected.to_owned()));
    let back = AvroSchema::parse(expected).expect("valid Avro");
    let n = &back.connect_schema().fields()[0].schema;
    assert_eq!(
        n.as_ref(),
        &Schema::int32()
            .with_doc("count")
            .with_default(Value::Int32(5))
    );
    let p = &back.connect_schema().fields()[2].schema;
    assert_eq!(
        p.as_ref(),
        &Schema::int16().with_version(3).with_parameter("k", "v")
    );
}

#[test]
fn decimal_precision_parameter_sets_avro_precision() {
    let schema = Schema::decimal(3).with_parameter("connect.decimal.precision", "10");
    let json = avro_schema_json(&schema).expect("maps");
    assert_eq!(json["precision"], 10);
    assert_eq!(json["scale"], 3);
    let back =
        AvroSchema::parse(r#"{"type":"bytes","logicalType":"decimal","precision":10,"scale":3}"#)
            .expect("valid");
    assert_eq!(back.connect_schema().as_ref(), &schema);
}

#[test]
fn enums_map_to_strings_with_enum_parameters() {
    let avro = AvroSchema::parse(
        r#"{"type":"enum","name":"Color","namespace":"x","symbols":["RED","GREEN"]}"#,
    )
    .expect("valid");
    let expected = Schema::string()
        .with_parameter("io.confluent.connect.avro.Enum", "x.Color")
        .with_parameter("io.confluent.connect.avro.Enum.RED", "RED")
        .with_parameter("io.confluent.connect.avro.Enum.GREEN", "GREEN")
        .with_name("x.Color");
    assert_eq!(avro.connect_schema().as_ref(), &expected);
}

#[test]
fn fixed_maps_to_named_bytes_with_its_size() {
    let avro = AvroSchema::parse(r#"{"type":"fixed","name":"Hash","size":16}"#).expect("valid");
    let expected = Schema::bytes()
        .with_parameter("connect.fixed.size", "16")
        .with_name("Hash");
    assert_eq!(avro.connect_schema().as_ref(), &expected);
}

#[test]
fn general_union_maps_to_a_union_struct_with_a_field_per_branch() {
    let avro = AvroSchema::parse(
        r#"["int","string",{"type":"record","name":"ns.Point","fields":[{"name":"x","type":"int"}]}]"#,
    )
    .expect("valid");
    let point = Schema::structure([("x", Schema::int32().into_ref())])
        .with_name("ns.Point")
        .optional();
    let expected = Schema::structure([
        ("int", Schema::int32().optional().into_ref()),
        ("string", Schema::string().optional().into_ref()),
        ("Point", point.into_ref()),
    ])
    .with_name("io.confluent.connect.avro.Union");
    assert_eq!(avro.connect_schema().as_ref(), &expected);
    assert_eq!(
        avro_schema_text(&expected),
        Ok(concat!(
            r#"["int","string",{"type":"record","name":"Point","namespace":"ns","#,
            r#""fields":[{"name":"x","type":"int"}],"connect.name":"ns.Point"}]"#
        )
        .to_owned())
    );
}

#[test]
fn record_docs_and_field_defaults_become_parameters() {
    let avro = AvroSchema::parse(
        r#"{"type":"record","name":"R","doc":"a record","fields":[
            {"name":"n","type":"long","doc":"a field","default":7},
            {"name":"o","type":["null","long"],"default":null}]}"#,
    )
    .expect("valid");
    let expected = Schema::structure([
        (
            "n",
            Schema::int64()
                .with_parameter("io.confluent.connect.avro.field.default", "true")
                .with_default(Value::Int64(7))
                .into_ref(),
        ),
        ("o", Schema::int64().optional().into_ref()),
    ])
    .with_name("R")
    .with_parameter("io.confluent.connect.avro.record.doc", "a record")
    .with_parameter("io.confluent.connect.avro.field.doc.n", "a field");
    assert_eq!(avro.connect_schema().as_ref(), &expected);
}

#[test]
fn connect_properties_on_primitives_are_read_from_the_json() {
    let avro = AvroSchema::parse(
        r#"{"type":"string","connect.name":"foo.Bar","connect.version":2,"connect.doc":"d",
            "connect.parameters":{"k":"v"}}"#,
    )
    .expect("valid");
    let expected = Schema::string()
        .with_name("foo.Bar")
        .with_version(2)
        .with_doc("d")
        .with_parameter("k", "v");
    assert_eq!(avro.connect_schema().as_ref(), &expected);
}

#[test]
fn micros_and_uuid_map_to_plain_connect_types() {
    for (json, expected) in [
        (
            r#"{"type":"long","logicalType":"timestamp-micros"}"#,
            Schema::int64(),
        ),
        (
            r#"{"type":"long","logicalType":"time-micros"}"#,
            Schema::int64(),
        ),
        (
            r#"{"type":"string","logicalType":"uuid"}"#,
            Schema::string(),
        ),
    ] {
        let avro = AvroSchema::parse(json).expect("valid");
        assert_eq!(avro.connect_schema().as_ref(), &expected, "{json}");
    }
}

#[test]
fn standalone_null_is_rejected() {
    assert!(matches!(
        AvroSchema::parse(r#""null""#),
        Err(AvroError::Unsupported(_))
    ));
}
