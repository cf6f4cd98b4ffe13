//! Derived `.proto` text, checked against what Confluent's `ProtobufData` and
//! `ProtobufSchemaUtils.toString` produce for the same Connect schemas.

use sluice_codecs::protobuf::{ENUM_PARAMETER, ProtoSchema, TAG_PARAMETER};
use sluice_codecs::{Schema, SchemaRef, SchemaType};

use super::*;

fn user() -> SchemaRef {
    let address = Schema::structure([("street", Schema::string().into_ref())])
        .with_name("com.example.Address")
        .optional()
        .into_ref();
    Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("name", Schema::string().optional().into_ref()),
        (
            "tags",
            Schema::array(Schema::string().into_ref()).into_ref(),
        ),
        ("address", address),
        (
            "attributes",
            Schema::map(Schema::string().into_ref(), Schema::int32().into_ref()).into_ref(),
        ),
        ("created", Schema::timestamp().into_ref()),
    ])
    .with_name("com.example.User")
    .into_ref()
}

/// The derived file, checked to compile and to hold its message.
fn derived(schema: &Schema, options: DeriveOptions) -> DerivedProto {
    let proto = derive(schema, options).expect("derivable");
    let compiled = ProtoSchema::from_proto_text(&[("derived.proto", proto.text.as_str())])
        .and_then(|compiled| compiled.codec(&proto.full_name));
    if let Err(error) = compiled {
        panic!("{error} in\n{}", proto.text);
    }
    proto
}

#[test]
fn a_named_struct_becomes_a_packaged_proto3_message() {
    let proto = derived(&user(), DeriveOptions::default());
    assert_eq!(proto.full_name, "com.example.User");
    assert_eq!(
        proto.text,
        "syntax = \"proto3\";
package com.example;

import \"google/protobuf/timestamp.proto\";

message User {
  int64 id = 1;
  string name = 2;
  repeated string tags = 3;
  Address address = 4;
  repeated ConnectDefault1Entry attributes = 5;
  google.protobuf.Timestamp created = 6;

  message Address {
    string street = 1;
  }
  message ConnectDefault1Entry {
    string key = 1;
    int32 value = 2;
  }
}
"
    );
}

#[test]
fn unnamed_structs_get_default_names_and_tags_come_from_parameters() {
    let inner = Schema::structure([("flag", Schema::boolean().into_ref())])
        .optional()
        .into_ref();
    let middle = Schema::structure([("ratio", Schema::float32().into_ref()), ("inner", inner)])
        .with_name("middle")
        .optional()
        .into_ref();
    let schema = Schema::structure([
        (
            "score",
            Schema::float64()
                .with_parameter(TAG_PARAMETER, "7")
                .into_ref(),
        ),
        ("small", Schema::int8().optional().into_ref()),
        ("middle", middle),
        ("blob", Schema::bytes().into_ref()),
    ])
    .into_ref();
    let proto = derived(
        &schema,
        DeriveOptions {
            optional_for_nullables: true,
            scrub_invalid_names: false,
            wrapper_for_nullables: false,
        },
    );
    assert_eq!(proto.full_name, "ConnectDefault1");
    // `middle` is also the field's name, so the message is `middleMessage`; the blank line
    // inside a nested message is indented, as Confluent's appendIndented leaves it.
    assert_eq!(
        proto.text,
        "syntax = \"proto3\";

message ConnectDefault1 {
  double score = 7;
  optional int32 small = 1 [(confluent.field_meta) = {
    params: [
      {
        key: \"connect.type\",
        value: \"int8\"
      }
    ]
  }];
  optional middleMessage middle = 2;
  bytes blob = 3;

  message middleMessage {
    float ratio = 1;
    optional ConnectDefault2 inner = 2;
  \n    message ConnectDefault2 {
      bool flag = 1;
    }
  }
}
"
    );
}

#[test]
fn enums_and_unions_become_enums_and_oneofs() {
    let color = Schema::string()
        .with_name("Color")
        .with_parameter(ENUM_PARAMETER, "Color")
        .with_parameter(format!("{ENUM_PARAMETER}.RED"), "0")
        .with_parameter(format!("{ENUM_PARAMETER}.GREEN"), "1")
        .optional()
        .with_parameter(TAG_PARAMETER, "3")
        .into_ref();
    let choice = Schema::structure([
        (
            "text",
            Schema::string()
                .optional()
                .with_parameter(TAG_PARAMETER, "1")
                .into_ref(),
        ),
        (
            "number",
            Schema::int64()
                .optional()
                .with_parameter(TAG_PARAMETER, "2")
                .into_ref(),
        ),
    ])
    .with_name("io.confluent.connect.protobuf.Union.choice")
    .optional()
    .into_ref();
    let schema = Schema::structure([("choice_0", choice), ("color", color)])
        .with_name("p.Pick")
        .into_ref();
    let proto = derived(&schema, DeriveOptions::default());
    assert_eq!(
        proto.text,
        "syntax = \"proto3\";
package p;

message Pick {
  Color color = 3;

  oneof choice {
    string text = 1;
    int64 number = 2;
  }

  enum Color {
    RED = 0;
    GREEN = 1;
  }
}
"
    );
}

/// The field option Confluent's `ProtobufSchemaUtils` writes for a Decimal's `params` (value
/// before key for `precision` and `scale`), indented for a top-level message's field.
fn decimal_meta(params: &[(&str, &str)]) -> String {
    let entries: Vec<String> = params
        .iter()
        .map(|(key, value)| {
            format!("      {{\n        value: \"{value}\",\n        key: \"{key}\"\n      }}")
        })
        .collect();
    format!(
        " [(confluent.field_meta) = {{\n    params: [\n{}\n    ]\n  }}];\n",
        entries.join(",\n")
    )
}

#[test]
fn logical_types_become_confluent_and_google_type_messages() {
    let schema = Schema::structure([
        (
            "amount",
            Schema::decimal(2)
                .with_parameter("connect.decimal.precision", "10")
                .into_ref(),
        ),
        ("day", Schema::date().optional().into_ref()),
        ("at", Schema::time().into_ref()),
        ("created", Schema::timestamp().into_ref()),
        ("ratio", Schema::decimal(0).optional().into_ref()),
    ])
    .with_name("com.example.Payment");
    let proto = derived(&schema, DeriveOptions::default());
    // As the text ksqlDB's tests expect from ProtobufData for DECIMAL(4, 2), DATE, TIME and
    // TIMESTAMP columns: the known files imported in the order first used, no
    // confluent/meta.proto import, precision before scale.
    let expected = format!(
        "syntax = \"proto3\";
package com.example;

import \"confluent/type/decimal.proto\";
import \"google/type/date.proto\";
import \"google/type/timeofday.proto\";
import \"google/protobuf/timestamp.proto\";

message Payment {{
  confluent.type.Decimal amount = 1{}  google.type.Date day = 2;
  google.type.TimeOfDay at = 3;
  google.protobuf.Timestamp created = 4;
  confluent.type.Decimal ratio = 5{}}}
",
        decimal_meta(&[("precision", "10"), ("scale", "2")]),
        decimal_meta(&[("scale", "0")]),
    );
    assert_eq!(proto.text, expected);
}

#[test]
fn the_field_meta_option_is_confluents_layout() {
    assert_eq!(
        decimal_meta(&[("precision", "4"), ("scale", "2")]),
        " [(confluent.field_meta) = {
    params: [
      {
        value: \"4\",
        key: \"precision\"
      },
      {
        value: \"2\",
        key: \"scale\"
      }
    ]
  }];
"
    );
}

#[test]
fn logical_types_in_arrays_unions_maps_and_optional_fields() {
    let union = Schema::structure([
        (
            "on",
            Schema::date()
                .optional()
                .with_parameter(TAG_PARAMETER, "10")
                .into_ref(),
        ),
        (
            "price",
            Schema::decimal(3)
                .optional()
                .with_parameter(TAG_PARAMETER, "11")
                .into_ref(),
        ),
    ])
    .with_name("io.confluent.connect.protobuf.Union.when")
    .optional()
    .into_ref();
    let schema = Schema::structure([
        ("when_0", union),
        (
            "prices",
            Schema::array(Schema::decimal(1).into_ref()).into_ref(),
        ),
        (
            "opens",
            Schema::map(Schema::string().into_ref(), Schema::time().into_ref()).into_ref(),
        ),
        (
            "totals",
            Schema::map(Schema::string().into_ref(), Schema::decimal(0).into_ref()).into_ref(),
        ),
        ("due", Schema::date().optional().into_ref()),
    ])
    .with_name("Plan");
    let options = DeriveOptions {
        optional_for_nullables: true,
        scrub_invalid_names: false,
        wrapper_for_nullables: false,
    };
    let proto = derived(&schema, options);
    let expected = format!(
        "syntax = \"proto3\";

import \"google/type/date.proto\";
import \"confluent/type/decimal.proto\";
import \"google/type/timeofday.proto\";

message Plan {{
  repeated confluent.type.Decimal prices = 2{}  repeated ConnectDefault1Entry opens = 3;
  repeated ConnectDefault2Entry totals = 4;
  optional google.type.Date due = 5;

  oneof when {{
    google.type.Date on = 10;
    confluent.type.Decimal price = 11{}  }}

  message ConnectDefault1Entry {{
    string key = 1;
    google.type.TimeOfDay value = 2;
  }}
  message ConnectDefault2Entry {{
    string key = 1;
    confluent.type.Decimal value = 2;
  }}
}}
",
        decimal_meta(&[("scale", "1")]),
        decimal_meta(&[("scale", "3")]).replace("\n  ", "\n    "),
    );
    assert_eq!(proto.text, expected);
}

#[test]
fn logical_types_that_would_not_read_back_fail_naming_the_field() {
    let no_scale = Schema::bytes().with_name("org.apache.kafka.connect.data.Decimal");
    let bad_precision = Schema::decimal(2).with_parameter("connect.decimal.precision", "08");
    let scaled_values = Schema::map(Schema::string().into_ref(), Schema::decimal(2).into_ref());
    let date_keys = Schema::map(Schema::date().into_ref(), Schema::string().into_ref());
    for (schema, field, needle) in [
        (no_scale, "line.price", "scale"),
        (bad_precision, "line.price", "connect.decimal.precision"),
        (scaled_values, "line.price.value", "Decimal"),
        (date_keys, "line.price", "primitive"),
    ] {
        let line = Schema::structure([("price", schema.into_ref())])
            .with_name("Line")
            .into_ref();
        let order = Schema::structure([("line", line)]).with_name("Order");
        let error = derive(&order, DeriveOptions::default()).expect_err("not derivable");
        let message = error.to_string();
        assert!(message.contains(&format!("`{field}`")), "{message}");
        assert!(message.contains(needle), "{message}");
    }
}

#[test]
fn schemas_that_would_not_read_back_are_errors() {
    let nested_arrays = Schema::array(Schema::array(Schema::int32().into_ref()).into_ref());
    let struct_keys = Schema::map(
        Schema::structure([("k", Schema::int32().into_ref())]).into_ref(),
        Schema::string().into_ref(),
    );
    for (field, schema) in [("grid", nested_arrays), ("index", struct_keys)] {
        let schema = Schema::structure([(field, schema.into_ref())]).with_name("T");
        let error = derive(&schema, DeriveOptions::default()).expect_err("not derivable");
        assert!(error.to_string().contains(&format!("`{field}`")), "{error}");
    }
    assert_eq!(
        derive(&Schema::int32(), DeriveOptions::default()),
        Err(DeriveError::NotAStruct(SchemaType::Int32))
    );
}

#[test]
fn invalid_names_are_errors_unless_scrubbed() {
    let schema = Schema::structure([("user-id", Schema::int64().into_ref())]).with_name("T");
    let error = derive(&schema, DeriveOptions::default()).expect_err("invalid name");
    assert!(error.to_string().contains("scrub.invalid.names"), "{error}");
    let proto = derived(
        &schema,
        DeriveOptions {
            optional_for_nullables: false,
            scrub_invalid_names: true,
            wrapper_for_nullables: false,
        },
    );
    assert!(
        proto.text.contains("  int64 user_id = 1;\n"),
        "{}",
        proto.text
    );
}

#[test]
fn scrubbing_follows_confluent() {
    assert_eq!(scrub("fine_name"), "fine_name");
    assert_eq!(scrub("my-field"), "my_field");
    assert_eq!(scrub("1st"), "x1st");
    assert_eq!(scrub("_hidden"), "x_hidden");
    assert_eq!(scrub("a b"), "a_b");
    assert_eq!(scrub("é"), "_C3_A9");
}

#[test]
fn map_entry_names_follow_confluent() {
    assert_eq!(map_entry_name("attributes"), "attributesEntry");
    assert_eq!(map_entry_name("my_map_name"), "MyMapNameEntry");
    assert_eq!(map_entry_name("ConnectDefault2"), "ConnectDefault2Entry");
}

#[test]
fn repeated_field_numbers_are_errors() {
    let schema = Schema::structure([
        (
            "a",
            Schema::int32()
                .with_parameter(TAG_PARAMETER, "1")
                .into_ref(),
        ),
        ("b", Schema::int32().into_ref()),
    ])
    .with_name("T");
    let error = derive(&schema, DeriveOptions::default()).expect_err("two fields numbered 1");
    assert!(error.to_string().contains("`b`"), "{error}");
}

#[test]
fn names_that_clash_as_json_names_are_errors() {
    let schema = Schema::structure([
        ("time", Schema::string().into_ref()),
        ("_time", Schema::int64().into_ref()),
    ])
    .with_name("T");
    let error = derive(&schema, DeriveOptions::default()).expect_err("time and _time clash");
    assert!(error.to_string().contains("`_time`"), "{error}");
    let scrubbed = DeriveOptions {
        optional_for_nullables: false,
        scrub_invalid_names: true,
        wrapper_for_nullables: false,
    };
    let proto = derived(&schema, scrubbed);
    assert!(
        proto.text.contains("  int64 x_time = 2;\n"),
        "{}",
        proto.text
    );
}

#[test]
fn wrapper_for_nullables_wraps_optional_primitives_as_confluent_does() {
    let schema = Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("count", Schema::int32().optional().into_ref()),
        ("small", Schema::int8().optional().into_ref()),
        (
            "big",
            Schema::int64()
                .optional()
                .with_parameter("io.confluent.connect.protobuf.Type", "uint64")
                .into_ref(),
        ),
        ("ratio", Schema::float64().optional().into_ref()),
        ("name", Schema::string().optional().into_ref()),
        ("day", Schema::date().optional().into_ref()),
    ])
    .with_name("w.Row");
    let options = DeriveOptions {
        wrapper_for_nullables: true,
        ..DeriveOptions::default()
    };
    let proto = derived(&schema, options);
    assert_eq!(
        proto.text,
        "syntax = \"proto3\";
package w;

import \"google/protobuf/wrappers.proto\";
import \"google/type/date.proto\";

message Row {
  int64 id = 1;
  google.protobuf.Int32Value count = 2;
  google.protobuf.Int32Value small = 3 [(confluent.field_meta) = {
    params: [
      {
        key: \"connect.type\",
        value: \"int8\"
      }
    ]
  }];
  google.protobuf.UInt64Value big = 4;
  google.protobuf.DoubleValue ratio = 5;
  google.protobuf.StringValue name = 6;
  google.type.Date day = 7;
}
"
    );
}
