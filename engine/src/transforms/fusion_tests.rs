//! Fused runs must give exactly what the transforms give applied one by one: the same records,
//! the same errors naming the same transform, whatever the schemas, values and predicates.

use sluice_codecs::{Schema, SchemaRef, Struct, Value};

use super::{ChainError, Outcome, TransformChain, TransformRegistry};
use crate::predicates::PredicateRegistry;
use crate::record::{Record, SourceMap, SourcePartition};
use crate::transforms::test_support::raw;

/// The five struct transforms, optionally with a predicate on the middle one.
fn chain_with(extra: &[(&str, &str)]) -> TransformChain {
    let mut pairs = vec![
        ("transforms", "replace,mask,insert,cast,ts"),
        ("transforms.replace.type", "ReplaceField$Value"),
        ("transforms.replace.exclude", "b"),
        ("transforms.replace.renames", "a:x"),
        ("transforms.mask.type", "MaskField$Value"),
        ("transforms.mask.fields", "c"),
        ("transforms.insert.type", "InsertField$Value"),
        ("transforms.insert.topic.field", "topic"),
        ("transforms.insert.offset.field", "offset"),
        ("transforms.cast.type", "Cast$Value"),
        ("transforms.cast.spec", "d:int64,g:int32"),
        ("transforms.ts.type", "TimestampConverter$Value"),
        ("transforms.ts.field", "e"),
        ("transforms.ts.target.type", "string"),
        ("transforms.ts.format", "yyyy-MM-dd HH:mm"),
    ];
    pairs.extend_from_slice(extra);
    TransformChain::from_config(
        &raw(&pairs),
        &TransformRegistry::builtin(),
        &PredicateRegistry::builtin(),
    )
    .expect("valid chain")
}

/// The chain's transforms applied one by one, each through its own `apply`.
fn unfused(chain: &TransformChain, record: &mut Record) -> Result<Outcome, ChainError> {
    for stage in &chain.stages {
        if !stage.applies_to(record) {
            continue;
        }
        let outcome = stage.transform.apply(record).map_err(|error| ChainError {
            alias: stage.alias.clone(),
            error,
        })?;
        if outcome == Outcome::Drop {
            return Ok(Outcome::Drop);
        }
    }
    Ok(Outcome::Keep)
}

/// Applies `chain` fused and unfused to copies of `record`; both must agree. Returns the
/// fused result and record.
fn same_both_ways(
    chain: &TransformChain,
    record: &Record,
) -> (Result<Outcome, ChainError>, Record) {
    let mut fused = record.clone();
    let fused_result = chain.apply(&mut fused);
    let mut one_by_one = record.clone();
    let one_by_one_result = unfused(chain, &mut one_by_one);
    assert_eq!(fused_result, one_by_one_result, "{record:?}");
    assert_eq!(fused, one_by_one, "{record:?}");
    (fused_result, fused)
}

/// `a` INT32, `b` STRING, `c` STRING, `d` INT32, `e` Timestamp, `g` STRING (optional, default).
fn schema_v1() -> SchemaRef {
    Schema::structure([
        ("a", Schema::int32().into_ref()),
        ("b", Schema::string().into_ref()),
        ("c", Schema::string().into_ref()),
        ("d", Schema::int32().into_ref()),
        ("e", Schema::timestamp().into_ref()),
        (
            "g",
            Schema::string()
                .optional()
                .with_default(Value::from("12"))
                .into_ref(),
        ),
    ])
    .with_name("com.example.Event")
    .into_ref()
}

/// `a` STRING, `c` INT32 (optional, default), `d` FLOAT64, `e` Timestamp (optional), `g` INT8.
fn schema_v2() -> SchemaRef {
    Schema::structure([
        ("a", Schema::string().into_ref()),
        (
            "c",
            Schema::int32()
                .optional()
                .with_default(Value::Int32(3))
                .into_ref(),
        ),
        ("d", Schema::float64().into_ref()),
        ("e", Schema::timestamp().optional().into_ref()),
        ("g", Schema::int8().into_ref()),
    ])
    .with_name("com.example.Event")
    .into_ref()
}

fn v1(values: [Value; 6]) -> Value {
    Value::Struct(Struct::from_values(schema_v1(), values.into()).expect("six fields"))
}

fn v2(values: [Value; 5]) -> Value {
    Value::Struct(Struct::from_values(schema_v2(), values.into()).expect("five fields"))
}

fn good_v1() -> Value {
    v1([
        Value::Int32(1),
        Value::from("dropped"),
        Value::from("secret"),
        Value::Int32(4),
        Value::Timestamp(1_732_550_400_123),
        Value::from("34"),
    ])
}

fn good_v2() -> Value {
    v2([
        Value::from("one"),
        Value::Null,
        Value::Float64(2.75),
        Value::Null,
        Value::Int8(-5),
    ])
}

fn record(topic: &str, schema: Option<SchemaRef>, value: Value) -> Record {
    Record::sink(topic, 0, 5).with_value(schema, value)
}

#[test]
fn the_struct_transforms_form_one_run_and_a_predicate_splits_it() {
    let plain = chain_with(&[]);
    let lens: Vec<_> = plain
        .stages
        .iter()
        .map(|stage| stage.run.as_ref().map(|run| run.len()))
        .collect();
    assert_eq!(lens, [Some(5), Some(4), Some(3), Some(2), None]);
    let split = chain_with(&[
        ("transforms.insert.predicate", "isA"),
        ("predicates", "isA"),
        ("predicates.isA.type", "TopicNameMatches"),
        ("predicates.isA.pattern", "a.*"),
    ]);
    let lens: Vec<_> = split
        .stages
        .iter()
        .map(|stage| stage.run.as_ref().map(|run| run.len()))
        .collect();
    assert_eq!(lens, [Some(2), None, None, Some(2), None]);
}

#[test]
fn a_whole_run_applies_fused_and_agrees_with_one_by_one() {
    let chain = chain_with(&[]);
    let Some(run) = chain.stages.first().and_then(|stage| stage.run.as_ref()) else {
        panic!("a run from the first transform")
    };
    let mut fused = record("events", Some(schema_v1()), good_v1());
    assert_eq!(chain.apply_run(0, run, &mut fused), Ok(5));
    let mut one_by_one = record("events", Some(schema_v1()), good_v1());
    unfused(&chain, &mut one_by_one).expect("applies");
    assert_eq!(fused, one_by_one);
    let Some(schema) = &fused.value_schema else {
        panic!("a schema")
    };
    let names: Vec<_> = schema.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["x", "c", "d", "e", "g", "topic", "offset"]);
    let Value::Struct(output) = &fused.value else {
        panic!("a struct")
    };
    assert!(SchemaRef::ptr_eq(output.schema(), schema));
    assert_eq!(
        output.values(),
        [
            Value::Int32(1),
            Value::from(""),
            Value::Int64(4),
            Value::from("2024-11-25 16:00"),
            Value::Int32(34),
            Value::from("events"),
            Value::Int64(5),
        ]
    );
}

#[test]
fn input_schemas_changing_between_records_get_their_own_fused_plans() {
    let chain = chain_with(&[]);
    for _ in 0..3 {
        // Each record in new allocations, the record's schema shared with its struct or not.
        same_both_ways(&chain, &record("events", Some(schema_v1()), good_v1()))
            .0
            .expect("v1 applies");
        let shared = schema_v2();
        let Value::Struct(value) = good_v2() else {
            panic!("a struct")
        };
        let value = Struct::from_values(SchemaRef::clone(&shared), value.into_parts().1)
            .expect("five fields");
        same_both_ways(
            &chain,
            &record("events", Some(shared), Value::Struct(value)),
        )
        .0
        .expect("v2 applies");
        // A struct whose schema is not the declared one.
        same_both_ways(&chain, &record("events", Some(schema_v1()), good_v2()))
            .0
            .ok();
        same_both_ways(&chain, &record("events", Some(schema_v2()), good_v1()))
            .0
            .ok();
    }
}

#[test]
fn a_predicate_that_holds_for_some_records_only_still_agrees() {
    let chain = chain_with(&[
        ("transforms.cast.predicate", "isA"),
        ("transforms.cast.negate", "true"),
        ("predicates", "isA"),
        ("predicates.isA.type", "TopicNameMatches"),
        ("predicates.isA.pattern", "a.*"),
    ]);
    for topic in ["alpha", "beta", "apple", "gamma"] {
        let (result, output) = same_both_ways(&chain, &record(topic, Some(schema_v1()), good_v1()));
        result.expect("applies");
        let Value::Struct(output) = &output.value else {
            panic!("a struct")
        };
        let cast = !topic.starts_with('a');
        let d = if cast {
            Value::Int64(4)
        } else {
            Value::Int32(4)
        };
        assert_eq!(output.values().get(2), Some(&d), "{topic}");
    }
}

#[test]
fn a_transform_failing_mid_run_fails_as_it_does_alone() {
    let chain = chain_with(&[]);
    // Valid for ReplaceField, MaskField and InsertField; `g` does not parse as a number.
    let bad_cast = v1([
        Value::Int32(1),
        Value::from("dropped"),
        Value::from("secret"),
        Value::Int32(4),
        Value::Timestamp(0),
        Value::from("not a number"),
    ]);
    let (result, _) = same_both_ways(&chain, &record("events", Some(schema_v1()), bad_cast));
    assert_eq!(result.expect_err("fails").alias, "cast");
    // Invalid at the start: a STRING in the INT32 field `a`.
    let bad_first = v1([
        Value::from("x"),
        Value::from("dropped"),
        Value::from("secret"),
        Value::Int32(4),
        Value::Timestamp(0),
        Value::Null,
    ]);
    let (result, _) = same_both_ways(&chain, &record("events", Some(schema_v1()), bad_first));
    assert_eq!(result.expect_err("fails").alias, "replace");
    // Invalid in a field only MaskField reads: a null in the required field `c`.
    let bad_mask = v1([
        Value::Int32(1),
        Value::from("dropped"),
        Value::Null,
        Value::Int32(4),
        Value::Timestamp(0),
        Value::Null,
    ]);
    same_both_ways(&chain, &record("events", Some(schema_v1()), bad_mask))
        .0
        .ok();
    // A source record: InsertField cannot add an offset.
    let mut source = record("events", Some(schema_v1()), good_v1());
    source.origin = Record::source("events", SourcePartition::default(), SourceMap::new()).origin;
    let (result, _) = same_both_ways(&chain, &source);
    assert_eq!(result.expect_err("fails").alias, "insert");
    // And afterwards good records still go through.
    same_both_ways(&chain, &record("events", Some(schema_v1()), good_v1()))
        .0
        .expect("applies");
}

#[test]
fn nulls_maps_and_defaults_agree() {
    let chain = chain_with(&[]);
    // MaskField, as Kafka's, rejects a tombstone.
    let (result, _) = same_both_ways(&chain, &record("events", Some(schema_v1()), Value::Null));
    assert_eq!(result.expect_err("fails").alias, "mask");
    let map = Value::Map(vec![
        (Value::from("a"), Value::Int32(1)),
        (Value::from("d"), Value::Int32(2)),
        (Value::from("e"), Value::Int64(0)),
    ]);
    same_both_ways(&chain, &record("events", None, map))
        .0
        .expect("a map passes");
    let with_defaults = v1([
        Value::Int32(1),
        Value::from("dropped"),
        Value::from("secret"),
        Value::Int32(4),
        Value::Timestamp(0),
        Value::Null,
    ]);
    let (_, output) = same_both_ways(&chain, &record("events", Some(schema_v1()), with_defaults));
    let Value::Struct(output) = &output.value else {
        panic!("a struct")
    };
    assert_eq!(output.values().get(4), Some(&Value::Int32(12)));
    let no_defaults = chain_with(&[
        ("transforms.replace.replace.null.with.default", "false"),
        ("transforms.mask.replace.null.with.default", "false"),
        ("transforms.insert.replace.null.with.default", "false"),
        ("transforms.cast.replace.null.with.default", "false"),
        ("transforms.ts.replace.null.with.default", "false"),
    ]);
    for value in [good_v1(), good_v2()] {
        let schema = match &value {
            Value::Struct(value) => SchemaRef::clone(value.schema()),
            _ => unreachable!("structs"),
        };
        same_both_ways(&no_defaults, &record("events", Some(schema), value))
            .0
            .ok();
    }
}

/// Appends `!` to the topic: a transform without struct plans.
struct Shout;

impl super::Transform for Shout {
    fn apply(&self, record: &mut Record) -> Result<Outcome, super::TransformError> {
        record.topic = format!("{}!", record.topic).into();
        Ok(Outcome::Keep)
    }
}

/// A built-in transform from `class` and its own settings.
fn built(class: &str, pairs: &[(&str, &str)]) -> Box<dyn super::Transform> {
    let registry = TransformRegistry::builtin();
    let Some((plugin, part)) = registry.lookup(class) else {
        panic!("{class} is built in")
    };
    (plugin.build)(&raw(pairs), part).expect("valid settings")
}

#[test]
fn a_transform_without_plans_splits_the_run_and_records_still_agree() {
    let mut chain = TransformChain::default();
    chain
        .push(
            "replace",
            built(
                "ReplaceField$Value",
                &[("exclude", "b"), ("renames", "a:x")],
            ),
        )
        .push("shout", Box::new(Shout))
        .push("mask", built("MaskField$Value", &[("fields", "c")]))
        .push("cast", built("Cast$Value", &[("spec", "d:int64,g:int32")]))
        .push(
            "insert",
            built("InsertField$Value", &[("topic.field", "topic")]),
        );
    let lens: Vec<_> = chain
        .stages
        .iter()
        .map(|stage| stage.run.as_ref().map(|run| run.len()))
        .collect();
    assert_eq!(lens, [None, None, Some(3), Some(2), None]);
    for _ in 0..2 {
        let (result, output) =
            same_both_ways(&chain, &record("events", Some(schema_v1()), good_v1()));
        result.expect("applies");
        assert_eq!(output.topic.as_str(), "events!");
        let Value::Struct(output) = &output.value else {
            panic!("a struct")
        };
        assert_eq!(output.values().last(), Some(&Value::from("events!")));
        same_both_ways(&chain, &record("events", Some(schema_v2()), good_v2()))
            .0
            .expect("applies");
    }
}
