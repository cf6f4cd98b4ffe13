//! A standalone worker under test: its `.properties` files, starting it, and waiting for its
//! connectors to be RUNNING.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::process::SluiceProcess;
use crate::rest::Rest;

/// How often the REST status is polled while waiting for RUNNING.
pub const STATUS_POLL: Duration = Duration::from_millis(5);

/// Kafka's `StringConverter`.
pub const STRING_CONVERTER: &str = "org.apache.kafka.connect.storage.StringConverter";
/// Kafka's `ByteArrayConverter`.
pub const BYTE_ARRAY_CONVERTER: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

/// Writes `.properties` text from key/value pairs.
pub fn write_properties(path: &Path, pairs: &[(&str, &str)]) -> anyhow::Result<()> {
    let mut text = String::new();
    for (key, value) in pairs {
        text.push_str(&format!("{key}={value}\n"));
    }
    let mut file =
        fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .context("finding a free loopback port")
}

/// The files of one standalone worker: its worker config and its connector configs.
#[derive(Debug, Clone)]
pub struct WorkerFiles {
    /// The REST port (`listeners=http://127.0.0.1:<port>`).
    pub port: u16,
    /// `worker.properties`.
    pub worker: PathBuf,
    /// One file per connector.
    pub connectors: Vec<PathBuf>,
    /// The directory holding them, the offsets file and the log.
    pub dir: PathBuf,
}

impl WorkerFiles {
    /// Writes `dir/worker.properties` for a worker on `bootstrap` with a fresh REST port, a
    /// standalone offsets file in `dir`, and the worker keys `extra`. The key and value
    /// converters (required keys) default to `StringConverter` unless `extra` sets them.
    pub fn new(dir: &Path, bootstrap: &str, extra: &[(&str, &str)]) -> anyhow::Result<Self> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let port = free_port()?;
        let worker = dir.join("worker.properties");
        let listeners = format!("http://127.0.0.1:{port}");
        let offsets = dir.join("offsets.bin").display().to_string();
        let mut pairs = vec![
            ("bootstrap.servers", bootstrap),
            ("listeners", listeners.as_str()),
            ("offset.storage.file.filename", offsets.as_str()),
        ];
        pairs.extend_from_slice(extra);
        for key in ["key.converter", "value.converter"] {
            if !extra.iter().any(|(given, _)| *given == key) {
                pairs.push((key, STRING_CONVERTER));
            }
        }
        write_properties(&worker, &pairs)?;
        Ok(Self {
            port,
            worker,
            connectors: Vec::new(),
            dir: dir.to_owned(),
        })
    }

    /// Writes `dir/<name>.properties` with `name` and `pairs`, and adds it to the worker.
    pub fn add_connector(&mut self, name: &str, pairs: &[(&str, &str)]) -> anyhow::Result<()> {
        let path = self.dir.join(format!("{name}.properties"));
        let mut all = vec![("name", name)];
        all.extend_from_slice(pairs);
        write_properties(&path, &all)?;
        self.connectors.push(path);
        Ok(())
    }

    /// Starts `sluice standalone` on these files, logging to `dir/<log_name>`.
    pub fn start(&self, sluice: &Path, log_name: &str) -> anyhow::Result<SluiceProcess> {
        SluiceProcess::standalone(
            sluice,
            &self.worker,
            &self.connectors,
            &self.dir.join(log_name),
        )
    }

    /// A REST client of this worker.
    pub fn rest(&self) -> Rest {
        Rest::new(self.port)
    }
}

/// The pairs of a FileStreamSource connector reading `file` into `topic`, created with one
/// partition.
pub fn file_source_pairs<'a>(file: &'a str, topic: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("connector.class", "FileStreamSource"),
        ("file", file),
        ("topic", topic),
        ("topic.creation.default.partitions", "1"),
        ("topic.creation.default.replication.factor", "-1"),
    ]
}

/// Polls `GET /connectors/<name>/status` every [`STATUS_POLL`] until each of `connectors` and
/// all its tasks are RUNNING; returns the time from the process's start. Fails when the
/// process exits or `timeout` passes.
pub fn wait_running(
    process: &mut SluiceProcess,
    rest: &Rest,
    connectors: &[&str],
    timeout: Duration,
) -> anyhow::Result<Duration> {
    let deadline = Instant::now() + timeout;
    let mut pending: Vec<&str> = connectors.to_vec();
    loop {
        pending.retain(|name| !rest.is_running(name));
        if pending.is_empty() {
            return Ok(process.started().elapsed());
        }
        process.ensure_running()?;
        if Instant::now() >= deadline {
            bail!(
                "connectors {pending:?} not RUNNING within {timeout:?}; log:\n{}",
                process.log_tail()
            );
        }
        std::thread::sleep(STATUS_POLL);
    }
}
