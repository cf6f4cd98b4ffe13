//! The per-schema plans the struct transforms cache must never be stale: a chain that has seen
//! other schemas gives exactly what a fresh chain gives, record after record.

use sluice_codecs::{Schema, SchemaRef, Str, Struct, Value};

use super::{ChainError, Outcome, TransformChain, TransformRegistry};
use crate::predicates::PredicateRegistry;
use crate::record::Record;
use crate::transforms::test_support::raw;

fn new_chain() -> TransformChain {
    let config = raw(&[
        ("transforms", "replace,mask,insert,cast,ts"),
        ("transforms.replace.type", "ReplaceField$Value"),
        ("transforms.replace.exclude", "b"),
        ("transforms.replace.renames", "a:x"),
        ("transforms.mask.type", "MaskField$Value"),
        ("transforms.mask.fields", "c"),
        ("transforms.insert.type", "InsertField$Value"),
        ("transforms.insert.topic.field", "topic"),
        ("transforms.cast.type", "Cast$Value"),
        ("transforms.cast.spec", "d:int64"),
        ("transforms.ts.type", "TimestampConverter$Value"),
        ("transforms.ts.field", "e"),
        ("transforms.ts.target.type", "string"),
        ("transforms.ts.format", "yyyy-MM-dd"),
    ]);
    TransformChain::from_config(
        &config,
        &TransformRegistry::builtin(),
        &PredicateRegistry::builtin(),
    )
    .expect("valid chain")
}

/// Version 1: `a` INT32, `b` STRING, `c` STRING, `d` INT32, `e` Timestamp.
fn schema_v1() -> SchemaRef {
    Schema::structure([
        ("a", Schema::int32().into_ref()),
        ("b", Schema::string().into_ref()),
        ("c", Schema::string().into_ref()),
        ("d", Schema::int32().into_ref()),
        ("e", Schema::timestamp().into_ref()),
    ])
    .with_name("com.example.Event")
    .into_ref()
}

/// Version 2: `a` became a STRING, `c` an INT32, `d` a FLOAT64; `f` was added; `b` is gone.
fn schema_v2() -> SchemaRef {
    Schema::structure([
        ("a", Schema::string().into_ref()),
        ("c", Schema::int32().into_ref()),
        ("d", Schema::float64().into_ref()),
        ("e", Schema::timestamp().into_ref()),
        ("f", Schema::boolean().into_ref()),
    ])
    .with_name("com.example.Event")
    .into_ref()
}

fn value_v1(schema: SchemaRef) -> Value {
    let values = vec![
        Value::Int32(1),
        Value::from("dropped"),
        Value::from("secret"),
        Value::Int32(4),
        Value::Timestamp(1_732_550_400_123),
    ];
    Value::Struct(Struct::from_values(schema, values).expect("five fields"))
}

fn value_v2(schema: SchemaRef) -> Value {
    let values = vec![
        Value::from("one"),
        Value::Int32(7),
        Value::Float64(2.75),
        Value::Timestamp(0),
        Value::Boolean(true),
    ];
    Value::Struct(Struct::from_values(schema, values).expect("five fields"))
}

fn record(schema: SchemaRef, value: Value) -> Record {
    Record::sink("events", 0, 5).with_value(Some(schema), value)
}

fn run(chain: &TransformChain, mut record: Record) -> Result<Record, ChainError> {
    assert_eq!(chain.apply(&mut record)?, Outcome::Keep);
    Ok(record)
}

/// The output values, by field name.
fn fields(record: &Record) -> Vec<(String, Value)> {
    let Value::Struct(output) = &record.value else {
        panic!("a struct, not {:?}", record.value)
    };
    output
        .schema()
        .fields()
        .iter()
        .map(|field| field.name.clone())
        .zip(output.values().iter().cloned())
        .collect()
}

fn named(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect()
}

#[test]
fn schema_changes_mid_stream_get_their_own_plans() {
    let chain = new_chain();
    let expected_v1 = named(&[
        ("x", Value::Int32(1)),
        ("c", Value::String(Str::from_static(""))),
        ("d", Value::Int64(4)),
        ("e", Value::from("2024-11-25")),
        ("topic", Value::from("events")),
    ]);
    let expected_v2 = named(&[
        ("x", Value::from("one")),
        ("c", Value::Int32(0)),
        ("d", Value::Int64(2)),
        ("e", Value::from("1970-01-01")),
        ("f", Value::Boolean(true)),
        ("topic", Value::from("events")),
    ]);
    // Alternating versions, each time in a new allocation as a decoder may make them, and
    // with one shared allocation for the record and its struct as well.
    for round in 0..3 {
        let v1 = schema_v1();
        let output = run(&chain, record(schema_v1(), value_v1(v1))).expect("v1 transforms");
        assert_eq!(fields(&output), expected_v1, "round {round}, v1");
        let v2 = schema_v2();
        let output = run(&chain, record(SchemaRef::clone(&v2), value_v2(v2))).expect("v2");
        assert_eq!(fields(&output), expected_v2, "round {round}, v2");
        let fresh = run(&new_chain(), record(schema_v2(), value_v2(schema_v2()))).expect("fresh");
        assert_eq!(fields(&fresh), expected_v2, "a fresh chain agrees");
    }
    let Some(schema) = run(&chain, record(schema_v1(), value_v1(schema_v1())))
        .expect("v1 transforms")
        .value_schema
    else {
        panic!("a schema")
    };
    let names: Vec<_> = schema.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["x", "c", "d", "e", "topic"]);
    assert_eq!(schema.fields()[2].schema, Schema::int64().into_ref());
    assert_eq!(schema.fields()[3].schema, Schema::string().into_ref());
}

#[test]
fn a_struct_whose_schema_differs_from_the_declared_one_is_not_given_a_stale_plan() {
    let warmed = new_chain();
    run(&warmed, record(schema_v1(), value_v1(schema_v1()))).expect("warms the caches");
    run(&warmed, record(schema_v2(), value_v2(schema_v2()))).expect("warms the caches");
    // Declared as v1 but holding a v2 struct, and the other way round: whatever Kafka's rules
    // make of it, a warmed chain must make the same as a fresh one.
    let mismatches = [
        record(schema_v1(), value_v2(schema_v2())),
        record(schema_v2(), value_v1(schema_v1())),
    ];
    for mismatch in mismatches {
        let from_warmed = run(&warmed, mismatch.clone());
        let from_fresh = run(&new_chain(), mismatch);
        assert_eq!(from_warmed, from_fresh);
    }
}

#[test]
fn invalid_values_still_fail_after_the_plan_is_cached() {
    let chain = new_chain();
    run(&chain, record(schema_v1(), value_v1(schema_v1()))).expect("warms the caches");
    let v1 = schema_v1();
    let values = vec![
        Value::from("not an int"),
        Value::from("dropped"),
        Value::from("secret"),
        Value::Int32(4),
        Value::Timestamp(0),
    ];
    let value = Value::Struct(Struct::from_values(SchemaRef::clone(&v1), values).expect("five"));
    let error = run(&chain, record(v1, value)).expect_err("a STRING in an INT32 field");
    assert_eq!(error.alias, "replace");
    assert_eq!(
        error.to_string(),
        "transform `replace` failed: invalid value for INT32 schema at `x`: found STRING"
    );
}
