//! The `sluice` binary.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sluice: a Kafka-Connect-compatible data integration engine.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a standalone worker: Kafka's `connect-standalone` (worker properties, then connector
    /// configs).
    Standalone(commands::standalone::StandaloneArgs),
    /// Start an embedded broker with a datagen source, transforms and a file sink, serve the
    /// REST API, and show live progress.
    Quickstart(commands::quickstart::QuickstartArgs),
    /// Run a connector config's converters and transforms on sample records, without a broker.
    Transform(commands::transform::TransformArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Transform(args) => commands::transform::run(&args),
        Command::Standalone(args) => commands::standalone::run(&args),
        Command::Quickstart(args) => commands::quickstart::run(&args),
    }
}
