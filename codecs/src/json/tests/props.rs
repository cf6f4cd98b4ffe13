//! Property tests: random Connect schemas and values round-trip; random bytes never panic.

use proptest::prelude::*;

use super::*;

fn leaf_schema() -> impl Strategy<Value = Schema> {
    prop_oneof![
        Just(Schema::boolean()),
        Just(Schema::int8()),
        Just(Schema::int16()),
        Just(Schema::int32()),
        Just(Schema::int64()),
        Just(Schema::float32()),
        Just(Schema::float64()),
        Just(Schema::string()),
        Just(Schema::bytes()),
        (-2i32..6).prop_map(Schema::decimal),
        Just(Schema::date()),
        Just(Schema::time()),
        Just(Schema::timestamp()),
    ]
}

/// Optional-ness and a doc with arbitrary text (exercises escaping in schema JSON).
fn decorate(schema: Schema, optional: bool, doc: Option<String>) -> SchemaRef {
    let schema = if optional { schema.optional() } else { schema };
    match doc {
        Some(doc) => schema.with_doc(doc),
        None => schema,
    }
    .into_ref()
}

fn arb_schema() -> impl Strategy<Value = SchemaRef> {
    let leaf = (leaf_schema(), any::<bool>(), proptest::option::of(".{0,6}"))
        .prop_map(|(schema, optional, doc)| decorate(schema, optional, doc));
    leaf.prop_recursive(3, 24, 4, |inner| {
        let key = prop_oneof![
            Just(Schema::string()),
            Just(Schema::int32()),
            Just(Schema::int64())
        ];
        prop_oneof![
            (inner.clone(), any::<bool>()).prop_map(|(items, optional)| decorate(
                Schema::array(items),
                optional,
                None
            )),
            (key, inner.clone(), any::<bool>()).prop_map(|(key, value, optional)| {
                decorate(Schema::map(key.into_ref(), value), optional, None)
            }),
            (proptest::collection::vec(inner, 1..5), any::<bool>()).prop_map(
                |(fields, optional)| {
                    let named = fields
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| (format!("f{i}"), s));
                    decorate(Schema::structure(named).with_name("p.S"), optional, None)
                }
            ),
        ]
    })
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |x| x.is_finite())
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |x| x.is_finite())
}

fn arb_value(schema: &SchemaRef) -> BoxedStrategy<Value> {
    let present = present_value(schema);
    if schema.optional {
        prop_oneof![1 => Just(Value::Null), 4 => present].boxed()
    } else {
        present
    }
}

fn present_value(schema: &SchemaRef) -> BoxedStrategy<Value> {
    use crate::schema::{LogicalType, Type};
    if let Some(logical) = schema.logical_type() {
        return match logical {
            LogicalType::Decimal { scale } => any::<i64>()
                .prop_map(move |n| Value::Decimal(Decimal::from_i128(i128::from(n), scale)))
                .boxed(),
            LogicalType::Date => any::<i32>().prop_map(Value::Date).boxed(),
            LogicalType::Time => (0..86_400_000).prop_map(Value::Time).boxed(),
            LogicalType::Timestamp => any::<i64>().prop_map(Value::Timestamp).boxed(),
        };
    }
    match &schema.ty {
        Type::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        Type::Int8 => any::<i8>().prop_map(Value::Int8).boxed(),
        Type::Int16 => any::<i16>().prop_map(Value::Int16).boxed(),
        Type::Int32 => any::<i32>().prop_map(Value::Int32).boxed(),
        Type::Int64 => any::<i64>().prop_map(Value::Int64).boxed(),
        Type::Float32 => finite_f32().prop_map(Value::Float32).boxed(),
        Type::Float64 => finite_f64().prop_map(Value::Float64).boxed(),
        Type::String => any::<String>().prop_map(|s| string(&s)).boxed(),
        Type::Bytes => proptest::collection::vec(any::<u8>(), 0..12)
            .prop_map(|b| Value::Bytes(Bytes::from(b)))
            .boxed(),
        Type::Array(items) => proptest::collection::vec(arb_value(items), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        Type::Map { key, value } => {
            proptest::collection::vec((present_value(key), arb_value(value)), 0..4)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Struct(fields) => {
            let schema = schema.clone();
            fields
                .iter()
                .map(|field| arb_value(&field.schema))
                .collect::<Vec<_>>()
                .prop_map(move |values| {
                    let record = Struct::from_values(schema.clone(), values);
                    Value::Struct(record.expect("one value per field"))
                })
                .boxed()
        }
    }
}

fn schema_and_value() -> impl Strategy<Value = (SchemaRef, Value)> {
    arb_schema().prop_flat_map(|schema| {
        let values = arb_value(&schema);
        (Just(schema), values)
    })
}

fn schemaless_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Boolean),
        any::<i64>().prop_map(Value::Int64),
        finite_f64().prop_map(Value::Float64),
        any::<String>().prop_map(|s| string(&s)),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((any::<String>().prop_map(|s| string(&s)), inner), 0..4)
                .prop_map(Value::Map),
        ]
    })
}

proptest! {
    #[test]
    fn schema_and_value_round_trip_through_the_envelope((schema, value) in schema_and_value()) {
        let mut codec = JsonCodec::new(options());
        let mut out = Vec::new();
        codec.encode(Some(&schema), &value, &mut out).expect("generated value fits its schema");
        let (decoded_schema, decoded) = codec.decode(Some(&Bytes::from(out))).expect("own output reads back");
        prop_assert_eq!(decoded_schema.as_deref(), Some(&*schema));
        prop_assert_eq!(decoded, value);
    }

    #[test]
    fn numeric_decimals_round_trip(unscaled in any::<i64>(), scale in -3i32..8) {
        let options = JsonOptions { decimal_format: crate::json::DecimalFormat::Numeric, ..options() };
        let schema = Schema::decimal(scale).into_ref();
        let value = Value::Decimal(Decimal::from_i128(i128::from(unscaled), scale));
        let mut codec = JsonCodec::new(options);
        let mut out = Vec::new();
        codec.encode(Some(&schema), &value, &mut out).expect("decimal fits");
        let (_, decoded) = codec.decode(Some(&Bytes::from(out))).expect("reads back");
        prop_assert_eq!(decoded, value);
    }

    #[test]
    fn schemaless_values_round_trip_in_both_modes(value in schemaless_value()) {
        for options in [options(), schemaless_options()] {
            let mut codec = JsonCodec::new(options);
            let mut out = Vec::new();
            let encoded = codec.encode(None, &value, &mut out).expect("schemaless value");
            let input = (encoded == Encoded::Json).then(|| Bytes::from(out));
            let (schema, decoded) = codec.decode(input.as_ref()).expect("reads back");
            prop_assert_eq!(schema, None);
            prop_assert_eq!(&decoded, &value);
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let input = Bytes::from(bytes);
        let _ = JsonCodec::new(options()).decode(Some(&input));
        let _ = JsonCodec::new(schemaless_options()).decode(Some(&input));
    }

    #[test]
    fn random_json_like_text_never_panics(text in r#"[\[\]{}",:0-9.eE+\-a-z\\ ]{0,48}"#) {
        let input = Bytes::from(text.clone());
        let _ = JsonCodec::new(schemaless_options()).decode(Some(&input));
        let wrapped = format!(r#"{{"schema":{{"type":"struct","fields":[{{"type":"map","keys":{{"type":"int8"}},"values":{{"type":"double"}},"field":"m"}}]}},"payload":{text}}}"#);
        let _ = JsonCodec::new(options()).decode(Some(&Bytes::from(wrapped)));
    }
}
