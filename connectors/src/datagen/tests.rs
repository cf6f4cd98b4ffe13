//! Tests of the datagen connector and task, driven through the source SPI.

use std::time::{Duration, Instant};

use sluice_codecs::{SchemaType, Struct, Value};
use sluice_engine::config::RawConfig;
use sluice_engine::connector::{Connector, SourceTask};
use sluice_engine::record::{Origin, Record, SourceMap};

use super::{DatagenConnector, DatagenTask};
use crate::test_support::{MemoryOffsets, raw};

pub(super) fn config(pairs: &[(&str, &str)]) -> RawConfig {
    let mut all = vec![("kafka.topic", "mock"), ("max.interval", "0")];
    all.extend_from_slice(pairs);
    raw(&all)
}

pub(super) fn start(config: RawConfig, offsets: &MemoryOffsets) -> DatagenTask {
    let mut task = DatagenTask::default();
    task.start(offsets.context(config))
        .expect("valid datagen config");
    task
}

pub(super) fn poll_records(task: &mut DatagenTask, at_least: usize) -> Vec<Record> {
    let mut records = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while records.len() < at_least && Instant::now() < deadline {
        if let Some(batch) = task.poll().expect("poll") {
            records.extend(batch.records);
        }
    }
    records
}

pub(super) fn value(record: &Record) -> &Struct {
    record.value.as_struct().expect("struct value")
}

pub(super) fn field<'a>(record: &'a Record, name: &str) -> &'a Value {
    value(record).get(name).expect("field exists")
}

pub(super) fn text<'a>(record: &'a Record, name: &str) -> &'a str {
    field(record, name).as_str().expect("string field")
}

pub(super) fn check_schema(records: &[Record], name: &str, fields: &[(&str, SchemaType)]) {
    for record in records {
        let schema = record.value_schema.as_ref().expect("value schema");
        assert_eq!(schema.name.as_deref(), Some(name));
        let actual: Vec<(&str, SchemaType)> = schema
            .fields()
            .iter()
            .map(|field| (field.name.as_str(), field.schema.schema_type()))
            .collect();
        assert_eq!(actual, fields);
        record
            .value
            .validate(schema)
            .expect("value fits its schema");
        assert_eq!(record.topic, "mock");
    }
}

pub(super) fn suffix_number(text: &str, prefix: &str) -> Option<u32> {
    let rest = text.strip_prefix(prefix)?;
    if rest.is_empty() {
        return Some(0);
    }
    rest.parse().ok()
}

fn offset_of(record: &Record) -> &SourceMap {
    match &record.origin {
        Origin::Source { offset, .. } => offset,
        Origin::Sink { .. } => panic!("source record expected"),
    }
}

#[test]
fn iterations_hold_across_a_restart_from_the_stored_offset() {
    let offsets = MemoryOffsets::default();
    let settings = config(&[
        ("quickstart", "orders"),
        ("iterations", "5"),
        ("task.id", "0"),
    ]);
    let mut task = start(settings.clone(), &offsets);
    let first = task.poll().expect("poll").expect("records");
    assert_eq!(first.len(), 5, "all five iterations in one batch");
    assert!(
        task.poll().expect("poll").is_none(),
        "no more after iterations"
    );
    // Only the first three were acknowledged before the task stopped.
    offsets.commit(&first.records[..3]);
    let Origin::Source { partition, .. } = &first.records[0].origin else {
        panic!("source record")
    };
    assert_eq!(
        &**partition,
        &SourceMap::from_iter([("task.id".to_owned(), Value::Int32(0))])
    );
    let keys: Vec<&str> = offset_of(&first.records[2])
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["task.generation", "random.seed", "current.iteration"]
    );
    assert_eq!(
        offset_of(&first.records[2]).get("current.iteration"),
        Some(&Value::Int64(3))
    );
    assert_eq!(
        offset_of(&first.records[2]).get("task.generation"),
        Some(&Value::Int64(1))
    );
    task.stop();

    let mut task = start(settings, &offsets);
    let rest = task.poll().expect("poll").expect("the remaining records");
    let orderids: Vec<&Value> = rest.records.iter().map(|r| field(r, "orderid")).collect();
    assert_eq!(orderids, [&Value::Int32(3), &Value::Int32(4)]);
    let header = |record: &Record, name: &str| {
        record
            .headers
            .last_with_name(name)
            .map(|header| header.value.clone())
    };
    assert_eq!(
        header(&rest.records[0], "current.iteration"),
        Some(Value::Int64(3))
    );
    assert_eq!(
        header(&rest.records[0], "task.generation"),
        Some(Value::Int64(1))
    );
    assert_eq!(header(&rest.records[0], "task.id"), Some(Value::Int64(0)));
    assert!(task.poll().expect("poll").is_none());
    // The resumed random sequence is the one the first run would have continued with.
    assert_eq!(rest.records[0].value, first.records[3].value);
}

#[test]
fn keyfield_sets_a_string_key() {
    let schema = r#"{"type":"record","name":"Thing","fields":[
        {"name":"id","type":{"type":"long","arg.properties":{"iteration":{"start":100}}}},
        {"name":"name","type":"string"}]}"#;
    let mut task = start(
        config(&[("schema.string", schema), ("schema.keyfield", "id")]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 2);
    assert_eq!(records[0].key, Value::string("100"));
    assert_eq!(records[1].key, Value::string("101"));
    assert_eq!(
        records[0]
            .key_schema
            .as_ref()
            .map(|s| (s.schema_type(), s.optional)),
        Some((SchemaType::String, false))
    );
    // Without a key field, Confluent's key is the empty string.
    let mut task = start(
        config(&[("schema.string", schema)]),
        &MemoryOffsets::default(),
    );
    assert_eq!(poll_records(&mut task, 1)[0].key, Value::string(""));
}

#[test]
fn schema_string_hints_steer_values() {
    let schema = r#"{"type":"record","name":"Custom","namespace":"test","fields":[
        {"name":"color","type":{"type":"string","arg.properties":{"options":["red","green"]}}},
        {"name":"score","type":{"type":"int","arg.properties":{"range":{"min":10,"max":13}}}},
        {"name":"ratio","type":{"type":"double","arg.properties":{"range":{"min":-1.0,"max":1.0}}}},
        {"name":"seq","type":{"type":"long","arg.properties":{"iteration":{"start":5,"step":-2}}}},
        {"name":"code","type":{"type":"string","arg.properties":{"regex":"[a-z]{5}"}}},
        {"name":"maybe","type":["null",{"type":"int","arg.properties":{"options":[7]}}]},
        {"name":"tags","type":{"type":"array","items":"string","arg.properties":{"length":3}}}]}"#;
    let mut task = start(
        config(&[("schema.string", schema)]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 100);
    let mut scores = std::collections::BTreeSet::new();
    let mut saw_null = false;
    for (n, record) in records.iter().enumerate() {
        assert!(["red", "green"].contains(&text(record, "color")));
        let (Value::Int32(score), Value::Float64(ratio)) =
            (field(record, "score"), field(record, "ratio"))
        else {
            panic!("score is an int and ratio a double")
        };
        scores.insert(*score);
        assert!((-1.0..1.0).contains(ratio));
        assert_eq!(field(record, "seq"), &Value::Int64(5 - 2 * n as i64));
        let code = text(record, "code");
        assert!(code.len() == 5 && code.chars().all(|c| c.is_ascii_lowercase()));
        match field(record, "maybe") {
            Value::Null => saw_null = true,
            other => assert_eq!(other, &Value::Int32(7)),
        }
        let Value::Array(tags) = field(record, "tags") else {
            panic!("tags is an array")
        };
        assert_eq!(tags.len(), 3);
    }
    assert_eq!(scores, [10, 11, 12].into());
    assert!(saw_null);
}

#[test]
fn the_same_seed_gives_the_same_records() {
    let settings = config(&[("quickstart", "users"), ("random.seed", "42")]);
    let mut a = start(settings.clone(), &MemoryOffsets::default());
    let mut b = start(settings, &MemoryOffsets::default());
    let values = |records: Vec<Record>| {
        records
            .into_iter()
            .take(50)
            .map(|r| r.value)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        values(poll_records(&mut a, 50)),
        values(poll_records(&mut b, 50))
    );
}

#[test]
fn tasks_get_their_own_task_id() {
    let mut connector = DatagenConnector::default();
    connector
        .start(&config(&[("quickstart", "users")]))
        .expect("valid config");
    let tasks = connector.task_configs(3).expect("task configs");
    let ids: Vec<&str> = tasks.iter().map(|t| t["task.id"].as_str()).collect();
    assert_eq!(ids, ["0", "1", "2"]);
}

#[test]
fn records_per_second_throttles_without_blocking() {
    // No max.interval given: the rate alone paces the task.
    let settings = raw(&[
        ("kafka.topic", "mock"),
        ("quickstart", "users"),
        ("records.per.second", "100"),
    ]);
    let mut task = start(settings, &MemoryOffsets::default());
    let started = Instant::now();
    let mut count = 0;
    let mut longest = Duration::ZERO;
    while started.elapsed() < Duration::from_millis(500) {
        let before = Instant::now();
        if let Some(batch) = task.poll().expect("poll") {
            count += batch.len();
        }
        longest = longest.max(before.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        (30..=70).contains(&count),
        "about 50 records in 0.5 s, got {count}"
    );
    assert!(
        longest < Duration::from_millis(100),
        "a poll took {longest:?}"
    );
}

#[test]
fn max_interval_paces_records() {
    let mut task = start(
        config(&[("quickstart", "users"), ("max.interval", "200")]),
        &MemoryOffsets::default(),
    );
    let started = Instant::now();
    let mut count = 0;
    while started.elapsed() < Duration::from_millis(300) {
        if let Some(batch) = task.poll().expect("poll") {
            count += batch.len();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // A random wait below 200 ms between records: about 3 in 300 ms, never hundreds.
    assert!((1..=20).contains(&count), "got {count}");
}

#[test]
fn bad_configs_are_rejected_naming_the_key() {
    let rejected = |pairs: &[(&str, &str)]| {
        let mut connector = DatagenConnector::default();
        let message = connector
            .start(&raw(pairs))
            .expect_err("invalid config")
            .to_string();
        let report = connector.validate(&raw(pairs));
        let flagged: Vec<String> = report
            .iter()
            .filter(|(_, value)| !value.errors.is_empty())
            .map(|(info, _)| info.name.clone())
            .collect();
        (message, flagged)
    };
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("quickstart", "users")], "kafka.topic"),
        (
            &[("kafka.topic", "t"), ("quickstart", "nope")],
            "quickstart",
        ),
        (&[("kafka.topic", "t")], "quickstart"),
        (
            &[
                ("kafka.topic", "t"),
                ("quickstart", "users"),
                ("schema.keyfield", "missing"),
            ],
            "schema.keyfield",
        ),
        (
            &[("kafka.topic", "t"), ("schema.string", "{not json")],
            "schema.string",
        ),
        (
            &[
                ("kafka.topic", "t"),
                (
                    "schema.string",
                    r#"{"type":"record","name":"R","fields":[{"name":"s","type":{"type":"string","arg.properties":{"regex":"[^a]"}}}]}"#,
                ),
            ],
            "schema.string",
        ),
        (
            &[
                ("kafka.topic", "t"),
                (
                    "schema.string",
                    r#"{"type":"record","name":"R","fields":[{"name":"n","type":{"type":"int","arg.properties":{"range":{"min":5,"max":5}}}}]}"#,
                ),
            ],
            "schema.string",
        ),
        (
            &[
                ("kafka.topic", "t"),
                ("schema.filename", "/no/such/schema.avsc"),
            ],
            "schema.filename",
        ),
        (
            &[
                ("kafka.topic", "t"),
                ("quickstart", "users"),
                ("schema.string", "{}"),
            ],
            "schema.string",
        ),
        (
            &[
                ("kafka.topic", "t"),
                ("quickstart", "users"),
                ("records.per.second", "0"),
            ],
            "records.per.second",
        ),
    ];
    for (pairs, key) in cases {
        let (message, flagged) = rejected(pairs);
        assert!(message.contains(key), "{key} not named in {message}");
        assert_eq!(
            flagged,
            [key.to_string()],
            "validate flags {key}: {message}"
        );
    }
}

#[test]
fn schema_filename_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("schema.avsc");
    std::fs::write(
        &path,
        r#"{"type":"record","name":"F","fields":[{"name":"b","type":"boolean"}]}"#,
    )
    .expect("schema file");
    let mut task = start(
        config(&[("schema.filename", &path.display().to_string())]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 1);
    assert!(matches!(field(&records[0], "b"), Value::Boolean(_)));
}

#[test]
fn enums_maps_unions_and_named_references_generate_valid_values() {
    let schema = r#"{"type":"record","name":"Outer","namespace":"ns","fields":[
        {"name":"suit","type":{"type":"enum","name":"Suit","symbols":["HEARTS","SPADES"]}},
        {"name":"again","type":"Suit"},
        {"name":"point","type":{"type":"record","name":"Point","fields":[
            {"name":"x","type":"int"},{"name":"y","type":"int"}]}},
        {"name":"other","type":["null","ns.Point"]},
        {"name":"either","type":["int","string"]},
        {"name":"attrs","type":{"type":"map","values":"long","arg.properties":{"length":{"min":1,"max":3}}}},
        {"name":"born","type":{"type":"int","logicalType":"date"}},
        {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":6,"scale":2}}]}"#;
    let mut task = start(
        config(&[("schema.string", schema)]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 100);
    let mut either_kinds = std::collections::BTreeSet::new();
    for record in &records {
        let schema = record.value_schema.as_ref().expect("schema");
        record
            .value
            .validate(schema)
            .expect("value fits its schema");
        assert!(["HEARTS", "SPADES"].contains(&text(record, "suit")));
        assert!(["HEARTS", "SPADES"].contains(&text(record, "again")));
        let either = field(record, "either").as_struct().expect("union struct");
        either_kinds.insert(
            either
                .values()
                .iter()
                .position(|value| !value.is_null())
                .expect("one branch set"),
        );
        let Value::Map(attrs) = field(record, "attrs") else {
            panic!("attrs is a map")
        };
        assert!((1..3).contains(&attrs.len()));
        assert!(matches!(field(record, "born"), Value::Date(_)));
        let Value::Decimal(amount) = field(record, "amount") else {
            panic!("amount is a decimal")
        };
        assert_eq!(amount.scale(), 2);
    }
    assert_eq!(either_kinds, [0, 1].into());
}

#[test]
fn options_for_complex_types_odds_alternation_and_map_keys() {
    let schema = r#"{"type":"record","name":"Hints","fields":[
        {"name":"words","type":{"type":"array","items":"string",
            "arg.properties":{"options":[["Hello","world"],["Goodbye"]]}}},
        {"name":"day","type":{"type":"record","name":"Day","fields":[
            {"name":"month","type":"string"},{"name":"day","type":"int"}],
            "arg.properties":{"options":[{"month":"January","day":2}]}}},
        {"name":"always","type":{"type":"boolean","arg.properties":{"odds":1.0}}},
        {"name":"flip","type":{"type":"boolean","arg.properties":{"iteration":{"start":true}}}},
        {"name":"signs","type":{"type":"map","values":"int","arg.properties":{"length":4,
            "keys":{"options":["negative","zero","positive"]}}}}]}"#;
    let mut task = start(
        config(&[("schema.string", schema)]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 20);
    for (n, record) in records.iter().enumerate() {
        let schema = record.value_schema.as_ref().expect("schema");
        record
            .value
            .validate(schema)
            .expect("value fits its schema");
        let Value::Array(words) = field(record, "words") else {
            panic!("words is an array")
        };
        assert!(words.len() == 2 || words == &[Value::string("Goodbye")]);
        let day = field(record, "day").as_struct().expect("day struct");
        assert_eq!(day.get("month").expect("month").as_str(), Some("January"));
        assert_eq!(day.get("day").expect("day"), &Value::Int32(2));
        assert_eq!(field(record, "always"), &Value::Boolean(true));
        assert_eq!(field(record, "flip"), &Value::Boolean(n % 2 == 0));
        let Value::Map(signs) = field(record, "signs") else {
            panic!("signs is a map")
        };
        assert_eq!(signs.len(), 4);
        for (key, _) in signs {
            assert!(["negative", "zero", "positive"].contains(&key.as_str().expect("string key")));
        }
    }
}
