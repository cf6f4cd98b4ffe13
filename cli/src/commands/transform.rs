//! `sluice transform --config CONFIG [--input FILE]`: dry-runs a connector's converter and
//! transform chain on JSON-lines records (see `sluice_engine::dry_run` for the line format).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use sluice_engine::config::{ConfigProviders, load_connector_config};
use sluice_engine::converters::ConverterRegistry;
use sluice_engine::dry_run::DryRun;
use sluice_engine::predicates::PredicateRegistry;
use sluice_engine::transforms::TransformRegistry;

/// Exit code for a configuration that cannot be used.
const INVALID_CONFIG: u8 = 2;

/// Arguments of `sluice transform`.
#[derive(Debug, Args)]
pub struct TransformArgs {
    /// Connector config: `.properties`, or `.json` (`{"name":…,"config":{…}}` or a flat object).
    #[arg(long)]
    config: PathBuf,
    /// JSON-lines records to run; standard input when absent or `-`.
    #[arg(long)]
    input: Option<PathBuf>,
}

/// Runs the subcommand: exit 0 for a valid config (even when records fail), 2 for an invalid
/// config (reported before any record is read), 1 when input or output fails.
pub fn run(args: &TransformArgs) -> ExitCode {
    let mut dry_run = match build(args) {
        Ok(dry_run) => dry_run,
        Err(error) => {
            eprintln!("sluice transform: invalid config: {error:#}");
            return ExitCode::from(INVALID_CONFIG);
        }
    };
    match stream(&mut dry_run, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sluice transform: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &TransformArgs) -> anyhow::Result<DryRun> {
    let raw = load_connector_config(&args.config)?;
    let raw = ConfigProviders::builtin().resolve(&raw)?;
    let dry_run = DryRun::from_config(
        &raw,
        &ConverterRegistry::builtin(),
        &TransformRegistry::builtin(),
        &PredicateRegistry::builtin(),
    )?;
    Ok(dry_run)
}

fn stream(dry_run: &mut DryRun, args: &TransformArgs) -> anyhow::Result<()> {
    let input: Box<dyn BufRead> = match &args.input {
        Some(path) if path.as_os_str() != "-" => {
            let file =
                File::open(path).with_context(|| format!("opening input {}", path.display()))?;
            Box::new(BufReader::new(file))
        }
        _ => Box::new(io::stdin().lock()),
    };
    let mut output = BufWriter::new(io::stdout().lock());
    for line in input.lines() {
        let line = line.context("reading input")?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(output, "{}", dry_run.run_line(&line)).context("writing output")?;
    }
    output.flush().context("writing output")
}
