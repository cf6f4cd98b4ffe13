//! `sluice-loadtest`: runs named scenarios against a `sluice` binary (the release one for
//! figures; CI's quick run uses the dev-profile one the tests built) and a Kafka broker,
//! prints one table row per scenario and optionally writes the JSON report.
//!
//! ```sh
//! scripts/test-broker.sh
//! cargo run --release -p sluice-loadtest -- --quick --json target/loadtest.json
//! ```
//!
//! Run through `cargo run`, it builds the `sluice` binary it measures first.
//!
//! Exits 1 when a scenario's verdict is `fail` (a record lost or corrupted, or a scenario that
//! could not run); a missed performance target is reported but does not fail the run.

mod accounting;
mod baseline;
mod broker;
mod files;
mod kafka_topics;
mod pipeline;
mod process;
mod report;
mod rest;
mod scenarios;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Parser;

use report::{Report, Verdict};
use scenarios::{Context, Scenario};

/// Sluice's load harness: named scenarios, same-run baselines, loss accounting.
#[derive(Debug, Parser)]
#[command(name = "sluice-loadtest", version, about)]
struct Args {
    /// Short runs: the whole run within 60 s.
    #[arg(long)]
    quick: bool,
    /// Write the JSON report (an array, one object per scenario) to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Run only this scenario (repeatable); all of them when absent.
    #[arg(long = "scenario", value_name = "NAME")]
    scenarios: Vec<String>,
    /// The Kafka broker [default: $SLUICE_TEST_BOOTSTRAP, else 127.0.0.1:19092].
    #[arg(long, value_name = "ADDR")]
    bootstrap: Option<String>,
    /// The `sluice` binary to measure [default: `sluice` next to this binary, e.g.
    /// target/release/sluice, built first when run through `cargo run`].
    #[arg(long, value_name = "PATH")]
    sluice: Option<PathBuf>,
    /// Keep the scratch directory (inputs, outputs, worker logs) and print where it is.
    #[arg(long)]
    keep: bool,
    /// List the scenarios and exit.
    #[arg(long)]
    list: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        for scenario in scenarios::ALL {
            println!("{:<16} {}", scenario.name, scenario.about);
        }
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(reports) if reports.iter().all(|r| r.verdict == Verdict::Pass) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            eprintln!("sluice-loadtest: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the selected scenarios, printing each row as it finishes; returns their reports.
fn run(args: &Args) -> anyhow::Result<Vec<Report>> {
    let selected = select(&args.scenarios)?;
    let bootstrap = args.bootstrap.clone().unwrap_or_else(|| {
        std::env::var("SLUICE_TEST_BOOTSTRAP").unwrap_or_else(|_| "127.0.0.1:19092".to_owned())
    });
    broker::ensure_reachable(&bootstrap)?;
    let sluice = match &args.sluice {
        Some(path) => path.clone(),
        None => default_sluice()?,
    };
    if !sluice.is_file() {
        bail!(
            "no sluice binary at {} (build it: cargo build --release -p sluice, or pass --sluice)",
            sluice.display()
        );
    }
    let work_dir = tempfile::Builder::new()
        .prefix("sluice-loadtest-")
        .tempdir()
        .context("creating the scratch directory")?;
    let ctx = Context {
        quick: args.quick,
        bootstrap,
        sluice,
        work_dir: work_dir.path().to_owned(),
    };
    if args.keep {
        println!("scratch directory kept: {}", work_dir.keep().display());
    }

    let started = Instant::now();
    println!(
        "sluice-loadtest{}: {} against {}",
        if ctx.quick { " --quick" } else { "" },
        ctx.sluice.display(),
        ctx.bootstrap
    );
    println!("{}", report::table_header());
    let mut reports = Vec::with_capacity(selected.len());
    for scenario in selected {
        let scenario_started = Instant::now();
        let mut report =
            (scenario.run)(&ctx).unwrap_or_else(|error| Report::errored(scenario.name, &error));
        report.wall_seconds = Some(scenario_started.elapsed().as_secs_f64());
        println!("{}", report::table_row(&report));
        reports.push(report);
    }
    let failed = reports
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .count();
    println!(
        "{} scenario(s), {failed} failed, in {:.1} s",
        reports.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.json {
        report::write_json(path, &reports)?;
        println!("JSON report: {}", path.display());
    }
    Ok(reports)
}

/// The scenarios named by `--scenario` (all when none), in the registry's order.
fn select(names: &[String]) -> anyhow::Result<Vec<&'static Scenario>> {
    if names.is_empty() {
        return Ok(scenarios::ALL.iter().collect());
    }
    for name in names {
        if scenarios::find(name).is_none() {
            let known: Vec<&str> = scenarios::ALL.iter().map(|s| s.name).collect();
            bail!("unknown scenario {name:?}; known: {}", known.join(", "));
        }
    }
    Ok(scenarios::ALL
        .iter()
        .filter(|scenario| names.iter().any(|name| name == scenario.name))
        .collect())
}

/// `sluice` in the directory of this binary (cargo builds both into one target directory:
/// `target/release` for `--release`, `target/debug` for CI's quick run). When this
/// run came from `cargo run` (`CARGO` is set), the binary is built first with the same profile,
/// so a missing or stale one is never measured.
fn default_sluice() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the sluice-loadtest binary")?;
    let dir = exe
        .parent()
        .context("the sluice-loadtest binary has no parent directory")?;
    if let Some(cargo) = std::env::var_os("CARGO") {
        let mut build = std::process::Command::new(cargo);
        build
            .args(["build", "-p", "sluice"])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if dir.ends_with("release") {
            build.arg("--release");
        }
        let status = build.status().context("running cargo build -p sluice")?;
        if !status.success() {
            bail!("cargo build -p sluice failed ({status})");
        }
    }
    Ok(dir.join("sluice"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_scenario_named_selects_all_in_registry_order() {
        let names: Vec<&str> = select(&[]).unwrap().iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            vec![
                "startup",
                "idle_rss",
                "file_kafka_file",
                "file_latency",
                "datagen_kafka",
                "kafka_file",
                "mirror_kafka_kafka",
                "json_avro_smt",
                "worker_kill_restart",
                "task_panics",
                "poison_records_dlq",
                "stalled_sink",
                "broker_faults",
            ]
        );
    }

    #[test]
    fn named_scenarios_run_in_registry_order_and_unknown_names_fail() {
        let picked = select(&["file_kafka_file".to_owned(), "startup".to_owned()]).unwrap();
        let names: Vec<&str> = picked.iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["startup", "file_kafka_file"]);
        let error = select(&["nope".to_owned()]).unwrap_err().to_string();
        assert!(error.contains("unknown scenario \"nope\""), "{error}");
    }
}
