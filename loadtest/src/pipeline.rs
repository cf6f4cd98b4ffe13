//! The fault scenarios' pipeline: FileStreamSource → a one-partition topic → FileStreamSink
//! in one standalone worker on the test broker, and a [`Follower`] that tallies the sink's
//! output by sequence number while the scenario injects its fault.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::accounting::{Accounting, SequenceTally};
use crate::broker::{delete_topics, unique_name};
use crate::files::LineTail;
use crate::process::SluiceProcess;
use crate::report::Report;
use crate::scenarios::Context;
use crate::worker::{WorkerFiles, file_source_pairs};

/// How often the output is checked for new lines.
const OUTPUT_POLL: Duration = Duration::from_millis(10);
/// How long late copies may keep arriving once every record is in, before the verdict.
const SETTLE: Duration = Duration::from_millis(500);

/// The keys a fault pipeline adds to the worker, the source and the sink.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extra<'a> {
    /// Worker keys.
    pub worker: &'a [(&'a str, &'a str)],
    /// FileStreamSource keys.
    pub source: &'a [(&'a str, &'a str)],
    /// FileStreamSink keys.
    pub sink: &'a [(&'a str, &'a str)],
    /// The topic is created by the scenario (a broker without CreateTopics): the source gets
    /// no `topic.creation.*` keys.
    pub topic_precreated: bool,
}

/// The files of one FileStreamSource → topic → FileStreamSink worker.
#[derive(Debug)]
pub struct FilePipeline {
    /// The input the source reads: write it before starting the worker.
    pub input: PathBuf,
    /// The file the sink appends to.
    pub output: PathBuf,
    /// The topic between them (unique to this run).
    pub topic: String,
    /// The sink connector's name (unique, so its consumer group is its own).
    pub sink: String,
    /// The worker and connector configs.
    pub files: WorkerFiles,
}

impl FilePipeline {
    /// Writes the configs of a pipeline in the scratch directory `name`, with `extra` keys.
    pub fn new(ctx: &Context, name: &str, extra: Extra<'_>) -> anyhow::Result<Self> {
        let dir = ctx.scratch(name)?;
        let input = dir.join("input.txt");
        let output = dir.join("output.txt");
        let topic = unique_name(&format!("loadtest-{name}"));
        let sink = unique_name("file-sink");
        let mut files = WorkerFiles::new(&dir, &ctx.bootstrap, extra.worker)?;
        let input_text = input.display().to_string();
        let mut source = file_source_pairs(&input_text, &topic);
        if extra.topic_precreated {
            source.retain(|(key, _)| !key.starts_with("topic.creation."));
        }
        source.extend_from_slice(extra.source);
        files.add_connector("file-source", &source)?;
        let output_text = output.display().to_string();
        let mut sink_pairs = vec![
            (
                "connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
            ),
            ("topics", topic.as_str()),
            ("file", output_text.as_str()),
        ];
        sink_pairs.extend_from_slice(extra.sink);
        files.add_connector(&sink, &sink_pairs)?;
        Ok(Self {
            input,
            output,
            topic,
            sink,
            files,
        })
    }

    /// Starts the worker, logging to `log_name` in the pipeline's directory.
    pub fn start(&self, ctx: &Context, log_name: &str) -> anyhow::Result<SluiceProcess> {
        self.files.start(&ctx.sluice, log_name)
    }

    /// A follower of the sink's output expecting the lines of `expected`.
    pub fn follower(&self, expected: Vec<u8>) -> anyhow::Result<Follower> {
        Ok(Follower {
            tail: LineTail::new(&self.output),
            tally: SequenceTally::new(expected)?,
        })
    }

    /// Deletes the pipeline's topic (best effort).
    pub fn cleanup(&self, ctx: &Context) {
        delete_topics(&ctx.bootstrap, &[&self.topic]);
    }
}

/// Follows the sink's output, tallying every line by sequence number.
pub struct Follower {
    tail: LineTail,
    /// The tally so far.
    pub tally: SequenceTally,
}

impl Follower {
    /// Reads what the sink appended since the last call.
    pub fn poll(&mut self) -> anyhow::Result<()> {
        let tally = &mut self.tally;
        self.tail.poll(|line| tally.observe(line))
    }

    /// Distinct expected records arrived so far.
    pub fn arrived(&self) -> u64 {
        self.tally.accounting().expected - self.tally.missing()
    }

    /// Polls until `done(self)` holds (true) or `deadline` passes (false); fails when the
    /// worker exits.
    pub fn wait_until(
        &mut self,
        process: &mut SluiceProcess,
        deadline: Instant,
        done: impl Fn(&Self) -> bool,
    ) -> anyhow::Result<bool> {
        loop {
            self.poll()?;
            if done(self) {
                return Ok(true);
            }
            process.ensure_running()?;
            if Instant::now() >= deadline {
                return Ok(false);
            }
            std::thread::sleep(OUTPUT_POLL);
        }
    }

    /// Polls until every expected record arrived (true) or `deadline` passes (false).
    pub fn wait_complete(
        &mut self,
        process: &mut SluiceProcess,
        deadline: Instant,
    ) -> anyhow::Result<bool> {
        self.wait_until(process, deadline, |follower| follower.tally.missing() == 0)
    }

    /// Lets late copies land, then returns the final accounting.
    pub fn settle(&mut self) -> anyhow::Result<Accounting> {
        std::thread::sleep(SETTLE);
        self.poll()?;
        Ok(self.tally.accounting())
    }
}

/// Puts `accounting` into the report (`lost`, `duplicated`, `unexpected`) and fails it on any
/// loss or corruption, naming the first missing sequence numbers.
pub fn add_accounting(report: &mut Report, follower: &Follower, accounting: &Accounting) {
    report.lost = Some(accounting.lost);
    report.duplicated = Some(accounting.duplicated);
    report.set_extra("records", accounting.expected);
    report.set_extra("delivered", accounting.delivered);
    report.set_extra("unexpected", accounting.unexpected);
    for failure in accounting.failures() {
        report.fail(failure);
    }
    if accounting.lost > 0 {
        report.fail(format!(
            "first missing sequence numbers: {:?}",
            follower.tally.missing_sample(10)
        ));
    }
}

/// Stops the worker with SIGTERM, failing the report unless it exits 0.
pub fn stop(report: &mut Report, process: SluiceProcess) -> anyhow::Result<()> {
    match process.stop()? {
        Some(0) => {}
        code => report.fail(format!(
            "sluice did not exit 0 on SIGTERM (exit code {code:?})"
        )),
    }
    Ok(())
}
