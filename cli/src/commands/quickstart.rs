//! `sluice quickstart`: data flowing with one command and no setup. Starts the embedded broker,
//! a datagen source (Confluent's `users` quickstart, tombstones filtered out) and a file sink
//! (each record stamped by InsertField), serves the REST API, and shows live progress until
//! Ctrl-C or until `--records N` records reached the file.

use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use sluice_actors::herder::Herder;
use sluice_actors::rest::MetricsRenderer;
use sluice_actors::standalone::{StandaloneHerder, StandaloneWorker, WorkerOptions};
use sluice_engine::config::RawConfig;
use sluice_engine::kafka::{EmbeddedBroker, resolve_embedded_bootstrap};
use sluice_engine::worker::WorkerConfig;

use super::runtime;

/// Give up when no record reached the file for this long.
const STALL_LIMIT: Duration = Duration::from_secs(120);
/// The topic between the source and the sink.
const TOPIC: &str = "users";
/// Its partitions.
const TOPIC_PARTITIONS: i32 = 8;
/// How often progress is shown.
const PROGRESS_INTERVAL: Duration = Duration::from_secs(1);

/// Arguments of `sluice quickstart`.
#[derive(Debug, Args)]
pub struct QuickstartArgs {
    /// Stop (exit 0) once this many records were written to the output file.
    #[arg(long)]
    records: Option<u64>,
    /// The file the sink writes, one record per line (replaced at start).
    #[arg(long, default_value = "quickstart-users.txt")]
    output: PathBuf,
    /// The REST API listener.
    #[arg(long, default_value = "http://127.0.0.1:8083")]
    listeners: String,
    /// Records per second the source generates; 0 for as fast as it can (the embedded broker
    /// keeps only ~5 MiB per partition, so an unthrottled run longer than the sink can follow
    /// loses the oldest records).
    #[arg(long, default_value_t = 20_000)]
    rate: u64,
}

fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn worker_config(args: &QuickstartArgs, offsets: &Path) -> anyhow::Result<WorkerConfig> {
    let offsets = offsets.display().to_string();
    let mut config = raw(&[
        ("bootstrap.servers", "embedded"),
        (
            "key.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("value.converter.schemas.enable", "false"),
        ("offset.storage.file.filename", &offsets),
        ("offset.flush.interval.ms", "1000"),
        ("listeners", &args.listeners),
    ]);
    resolve_embedded_bootstrap(&mut config)?;
    Ok(WorkerConfig::standalone(config)?)
}

fn source_config(args: &QuickstartArgs) -> RawConfig {
    let mut config = raw(&[
        ("name", "datagen-users"),
        (
            "connector.class",
            "io.confluent.kafka.connect.datagen.DatagenConnector",
        ),
        ("kafka.topic", "users"),
        ("quickstart", "users"),
        ("schema.keyfield", "registertime"),
        ("max.interval", "0"),
        ("tasks.max", "1"),
        ("transforms", "dropTombstones"),
        (
            "transforms.dropTombstones.type",
            "org.apache.kafka.connect.transforms.Filter",
        ),
        ("transforms.dropTombstones.predicate", "isTombstone"),
        ("predicates", "isTombstone"),
        (
            "predicates.isTombstone.type",
            "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        ),
    ]);
    if let Some(records) = args.records {
        config.insert("iterations".to_owned(), records.to_string());
    }
    if args.rate > 0 {
        config.insert("records.per.second".to_owned(), args.rate.to_string());
    }
    config
}

fn sink_config(args: &QuickstartArgs) -> RawConfig {
    let output = args.output.display().to_string();
    raw(&[
        ("name", "file-sink"),
        (
            "connector.class",
            "org.apache.kafka.connect.file.FileStreamSinkConnector",
        ),
        ("topics", "users"),
        ("file", &output),
        ("tasks.max", "1"),
        ("transforms", "stamp"),
        (
            "transforms.stamp.type",
            "org.apache.kafka.connect.transforms.InsertField$Value",
        ),
        ("transforms.stamp.static.field", "pipeline"),
        ("transforms.stamp.static.value", "sluice-quickstart"),
    ])
}

/// Runs the quickstart.
pub fn run(args: &QuickstartArgs) -> ExitCode {
    let log_levels = runtime::init_logging();
    runtime::block_on(async move {
        match quickstart(args, log_levels).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("sluice quickstart: {error:#}");
                ExitCode::FAILURE
            }
        }
    })
}

async fn quickstart(
    args: &QuickstartArgs,
    log_levels: sluice_actors::logging::LogLevels,
) -> anyhow::Result<()> {
    let state_dir = tempfile::tempdir().context("creating a directory for the offsets file")?;
    let config = worker_config(args, &state_dir.path().join("quickstart.offsets"))?;
    match std::fs::remove_file(&args.output) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("replacing {}", args.output.display()));
        }
    }
    // The embedded broker keeps ~5 MiB per partition: eight partitions keep a 100 k-record run
    // whole even when the sink falls behind. Created before the sink subscribes, which would
    // auto-create it with four.
    EmbeddedBroker::get_or_start()?.create_topic(TOPIC, TOPIC_PARTITIONS)?;
    let metrics = runtime::install_metrics();
    let worker = StandaloneWorker::start(WorkerOptions {
        config,
        connectors: sluice_connectors::builtin_registry(),
        log_levels,
        metrics: metrics.clone(),
    })
    .await?;
    for config in [sink_config(args), source_config(args)] {
        worker
            .create_connector(config, None)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
    }
    worker.ready();
    println!(
        "Sluice quickstart: datagen `users` -> embedded Kafka topic `users` -> {}",
        args.output.display()
    );
    println!(
        "REST API: http://{}/connectors   metrics: http://{}/metrics   Ctrl-C to stop",
        worker.rest_addr(),
        worker.rest_addr()
    );
    let outcome = tokio::select! {
        outcome = watch(args, worker.herder(), metrics.as_ref()) => outcome,
        () = runtime::shutdown_signal() => Ok(()),
    };
    println!();
    worker.stop().await;
    outcome
}

/// Shows progress every second; returns once `--records` records reached the file.
async fn watch(
    args: &QuickstartArgs,
    herder: &Arc<StandaloneHerder>,
    metrics: Option<&MetricsRenderer>,
) -> anyhow::Result<()> {
    let mut lines = LineCounter::default();
    let started = Instant::now();
    let mut last = (Instant::now(), 0u64, 0u64);
    let mut last_progress = Instant::now();
    let terminal = std::io::stdout().is_terminal();
    loop {
        tokio::time::sleep(PROGRESS_INTERVAL).await;
        let written = lines.count(&args.output)?;
        let produced = metrics.map_or(0, |render| {
            sum_metric(
                &render(),
                "kafka_connect_source_task_metrics_source_record_write_total",
            )
        });
        let (then, produced_then, written_then) = last;
        let seconds = then.elapsed().as_secs_f64().max(1e-3);
        let produce_rate = (produced.saturating_sub(produced_then)) as f64 / seconds;
        let write_rate = (written.saturating_sub(written_then)) as f64 / seconds;
        last = (Instant::now(), produced, written);
        if written > written_then {
            last_progress = Instant::now();
        }
        let mut states = Vec::new();
        for name in herder.connectors().await {
            if let Ok(status) = herder.connector_status(&name).await {
                let tasks: Vec<&str> = status.tasks.iter().map(|t| t.state.as_str()).collect();
                states.push(format!(
                    "{name} {} [{}]",
                    status.connector.state.as_str(),
                    tasks.join(" ")
                ));
            }
        }
        let line = format!(
            "{:>5.0}s  produced {produced} ({produce_rate:.0}/s)  written {written} ({write_rate:.0}/s)  {}",
            started.elapsed().as_secs_f64(),
            states.join("  ")
        );
        if terminal {
            print!("\r{line}\x1b[K");
        } else {
            println!("{line}");
        }
        std::io::stdout().flush().ok();
        if args.records.is_some_and(|wanted| written >= wanted) {
            return Ok(());
        }
        if last_progress.elapsed() > STALL_LIMIT {
            anyhow::bail!(
                "no record reached {} for {} s",
                args.output.display(),
                STALL_LIMIT.as_secs()
            );
        }
    }
}

/// Sums every sample of `metric` in Prometheus text.
fn sum_metric(text: &str, metric: &str) -> u64 {
    text.lines()
        .filter(|line| {
            line.strip_prefix(metric)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// Counts the lines of a growing file, reading only what was appended since the last count.
#[derive(Default)]
struct LineCounter {
    position: u64,
    lines: u64,
}

impl LineCounter {
    fn count(&mut self, path: &Path) -> anyhow::Result<u64> {
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(self.lines),
            Err(error) => return Err(error).context("reading the output file"),
        };
        file.seek(SeekFrom::Start(self.position))?;
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                return Ok(self.lines);
            }
            self.position += read as u64;
            self.lines += buffer[..read].iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_samples_are_summed_across_labels() {
        let text = "# TYPE x counter\nx_total{connector=\"a\",task=\"0\"} 5\nx_total{connector=\"b\",task=\"0\"} 7\nx_total_other 100\n";
        assert_eq!(sum_metric(text, "x_total"), 12);
    }
}
