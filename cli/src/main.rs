//! The `sluice` binary.

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sluice: a Kafka-Connect-compatible data integration engine.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, about)]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}
