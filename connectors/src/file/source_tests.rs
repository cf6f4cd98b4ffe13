//! Tests of the FileStream source task, driven through the source task SPI.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use sluice_codecs::{Schema, Value};
use sluice_engine::connector::{Connector, ExactlyOnceSupport, SourceConnector, SourceTask};
use sluice_engine::record::{Origin, Record, SourceMap};

use super::source::{FileStreamSourceConnector, FileStreamSourceTask};
use crate::test_support::{MemoryOffsets, raw};

fn start(path: &Path, offsets: &MemoryOffsets, extra: &[(&str, &str)]) -> FileStreamSourceTask {
    let file = path.display().to_string();
    let mut pairs = vec![("file", file.as_str()), ("topic", "lines")];
    pairs.extend_from_slice(extra);
    let mut task = FileStreamSourceTask::new().with_missing_file_retry(Duration::from_millis(50));
    task.start(offsets.context(raw(&pairs)))
        .expect("valid task config");
    task
}

fn poll_all(task: &mut FileStreamSourceTask) -> Vec<Record> {
    let mut records = Vec::new();
    while let Some(batch) = task.poll().expect("poll") {
        records.extend(batch.records);
    }
    records
}

fn lines(records: &[Record]) -> Vec<&str> {
    records
        .iter()
        .map(|record| record.value.as_str().expect("string value"))
        .collect()
}

fn positions(records: &[Record]) -> Vec<i64> {
    records
        .iter()
        .map(|record| match &record.origin {
            Origin::Source { offset, .. } => match offset.get("position") {
                Some(Value::Int64(position)) => *position,
                other => panic!("position should be a long, got {other:?}"),
            },
            Origin::Sink { .. } => panic!("source record expected"),
        })
        .collect()
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open for append");
    file.write_all(text.as_bytes()).expect("append");
}

#[test]
fn lines_end_at_lf_cr_and_crlf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.txt");
    std::fs::write(&path, "a\nbb\rccc\r\nd").expect("input");
    let mut task = start(&path, &MemoryOffsets::default(), &[]);
    let records = poll_all(&mut task);
    // `d` has no terminator yet: Kafka holds it back.
    assert_eq!(lines(&records), ["a", "bb", "ccc"]);
    assert_eq!(positions(&records), [2, 5, 10]);
    let record = &records[0];
    assert_eq!(record.topic, "lines");
    assert_eq!(record.key, Value::Null);
    assert_eq!(record.value_schema.as_deref(), Some(&Schema::string()));
    assert!(record.timestamp.is_some_and(|ts| ts > 1_600_000_000_000));
    let Origin::Source { partition, .. } = &record.origin else {
        panic!("source record expected")
    };
    assert_eq!(
        &**partition,
        &SourceMap::from_iter([(
            "filename".to_owned(),
            Value::string(path.display().to_string())
        )])
    );
    append(&path, "\n");
    let records = poll_all(&mut task);
    assert_eq!(lines(&records), ["d"]);
    assert_eq!(positions(&records), [12]);
}

#[test]
fn a_trailing_cr_waits_for_the_next_character() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.txt");
    std::fs::write(&path, "x\r").expect("input");
    let mut task = start(&path, &MemoryOffsets::default(), &[]);
    assert!(poll_all(&mut task).is_empty());
    append(&path, "\ny\n");
    let records = poll_all(&mut task);
    assert_eq!(lines(&records), ["x", "y"]);
    assert_eq!(positions(&records), [3, 5]);
}

#[test]
fn positions_count_utf16_units_not_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.txt");
    // é: 2 bytes, 1 unit; €: 3 bytes, 1 unit; 😀: 4 bytes, 2 units (a surrogate pair).
    std::fs::write(&path, "é\n€€\n😀x\n").expect("input");
    let mut task = start(&path, &MemoryOffsets::default(), &[]);
    let records = poll_all(&mut task);
    assert_eq!(lines(&records), ["é", "€€", "😀x"]);
    assert_eq!(positions(&records), [2, 5, 9]);
}

#[test]
fn a_restarted_task_resumes_after_the_stored_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.txt");
    std::fs::write(&path, "é1\n😀2\nthree\n").expect("input");
    let offsets = MemoryOffsets::default();
    let mut task = start(&path, &offsets, &[("batch.size", "2")]);
    let first = task.poll().expect("poll").expect("two lines");
    assert_eq!(lines(&first.records), ["é1", "😀2"]);
    offsets.commit(&first.records);
    task.stop();

    let mut task = start(&path, &offsets, &[]);
    let records = poll_all(&mut task);
    assert_eq!(lines(&records), ["three"]);
    assert_eq!(positions(&records), [13]);
}

#[test]
fn a_missing_file_is_waited_for_without_failing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("later.txt");
    let mut task = start(&path, &MemoryOffsets::default(), &[]);
    assert!(task.poll().expect("missing file is not an error").is_none());
    std::fs::write(&path, "here\n").expect("input");
    // Within the retry interval the task does not look again.
    assert!(task.poll().expect("poll").is_none());
    std::thread::sleep(Duration::from_millis(80));
    assert_eq!(lines(&poll_all(&mut task)), ["here"]);
}

#[test]
fn batch_size_caps_records_per_poll() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.txt");
    let text: String = (0..7).map(|n| format!("line{n}\n")).collect();
    std::fs::write(&path, text).expect("input");
    let mut task = start(&path, &MemoryOffsets::default(), &[("batch.size", "3")]);
    let sizes: Vec<usize> = std::iter::from_fn(|| task.poll().expect("poll"))
        .map(|batch| batch.len())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
}

#[test]
fn connector_makes_one_task_and_checks_offsets() {
    let mut connector = FileStreamSourceConnector::default();
    let config = raw(&[("file", "/tmp/in.txt"), ("topic", "t")]);
    connector.start(&config).expect("valid config");
    assert_eq!(
        connector.task_configs(5).expect("tasks"),
        vec![config.clone()]
    );
    assert_eq!(
        connector.exactly_once_support(&config),
        ExactlyOnceSupport::Supported
    );
    let stdin = raw(&[("topic", "t")]);
    assert_eq!(
        connector.exactly_once_support(&stdin),
        ExactlyOnceSupport::Unsupported
    );
    let partition = SourceMap::from_iter([("filename".to_owned(), Value::string("/tmp/in.txt"))]);
    let good = SourceMap::from_iter([("position".to_owned(), Value::Int64(10))]);
    let negative = SourceMap::from_iter([("position".to_owned(), Value::Int64(-1))]);
    assert_eq!(
        connector.alter_offsets(
            &config,
            &[(partition.clone(), Some(good)), (SourceMap::new(), None)]
        ),
        Ok(true)
    );
    assert!(
        connector
            .alter_offsets(&config, &[(partition.clone(), Some(negative))])
            .is_err()
    );
    assert!(
        connector
            .alter_offsets(&stdin, &[(partition, None)])
            .is_err()
    );
}

#[test]
fn bad_configs_name_the_key() {
    let mut connector = FileStreamSourceConnector::default();
    let error = connector
        .start(&raw(&[("file", "/tmp/x"), ("topic", "")]))
        .expect_err("empty topic");
    assert!(error.to_string().contains("topic"), "{error}");
    let error = connector
        .start(&raw(&[("topic", "t"), ("batch.size", "0")]))
        .expect_err("batch.size below 1");
    assert!(error.to_string().contains("batch.size"), "{error}");
}

#[test]
fn stdin_mode_keeps_no_offsets() {
    let mut task = FileStreamSourceTask::new();
    task.start(MemoryOffsets::default().context(raw(&[("topic", "lines"), ("file", "")])))
        .expect("stdin config");
    let (sender, chunks) = std::sync::mpsc::channel();
    task.use_stdin_chunks(chunks);
    sender.send(b"typed\r\nmore".to_vec()).expect("send");
    let records = poll_all(&mut task);
    assert_eq!(lines(&records), ["typed"]);
    let Origin::Source { partition, offset } = &records[0].origin else {
        panic!("source record expected")
    };
    assert!(partition.is_empty() && offset.is_empty());
    sender.send(b"\n".to_vec()).expect("send");
    assert_eq!(lines(&poll_all(&mut task)), ["more"]);
}
