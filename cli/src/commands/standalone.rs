//! `sluice standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json …]`: Kafka's
//! `connect-standalone`. Exit codes as Kafka's: 1 usage, 2 startup error (bad worker config),
//! 3 a connector failed to create or the worker failed to start.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use sluice_actors::herder::TargetState;
use sluice_actors::standalone::{StandaloneWorker, WorkerOptions};
use sluice_engine::config::{RawConfig, load_connector_config, load_properties};
use sluice_engine::kafka::resolve_embedded_bootstrap;
use sluice_engine::worker::WorkerConfig;

use super::runtime;

/// Exit code for a worker config that cannot be used.
const STARTUP_ERROR: u8 = 2;
/// Exit code when a connector cannot be created or the worker cannot start.
const CONNECT_FAILED: u8 = 3;

/// Arguments of `sluice standalone`.
#[derive(Debug, Args)]
pub struct StandaloneArgs {
    /// Worker config: Kafka's `connect-standalone.properties` keys.
    worker: PathBuf,
    /// Connector configs: `.properties`, a flat JSON object, or the `POST /connectors` body.
    connectors: Vec<PathBuf>,
}

/// Runs a standalone worker until SIGINT or SIGTERM.
pub fn run(args: &StandaloneArgs) -> ExitCode {
    let log_levels = runtime::init_logging();
    let config = match worker_config(&args.worker) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("sluice standalone: invalid worker config: {error:#}");
            return ExitCode::from(STARTUP_ERROR);
        }
    };
    let connectors = match args
        .connectors
        .iter()
        .map(|path| connector_config(path))
        .collect::<anyhow::Result<Vec<_>>>()
    {
        Ok(connectors) => connectors,
        Err(error) => {
            eprintln!("sluice standalone: {error:#}");
            return ExitCode::from(CONNECT_FAILED);
        }
    };
    runtime::block_on(async move {
        let options = WorkerOptions {
            config,
            connectors: sluice_connectors::builtin_registry(),
            log_levels,
            metrics: runtime::install_metrics(),
        };
        let worker = match StandaloneWorker::start(options).await {
            Ok(worker) => worker,
            Err(error) => {
                eprintln!("sluice standalone: {error}");
                return ExitCode::from(CONNECT_FAILED);
            }
        };
        for (config, initial_state) in connectors {
            let name = config.get("name").cloned().unwrap_or_default();
            if let Err(error) = worker.create_connector(config, initial_state).await {
                eprintln!("sluice standalone: failed to create connector {name}: {error}");
                worker.stop().await;
                return ExitCode::from(CONNECT_FAILED);
            }
        }
        worker.ready();
        runtime::shutdown_signal().await;
        tracing::info!("stopping: flushing and committing what was acknowledged");
        worker.stop().await;
        ExitCode::SUCCESS
    })
}

/// Reads and parses the worker properties, starting the embedded broker when
/// `bootstrap.servers=embedded`.
pub fn worker_config(path: &Path) -> anyhow::Result<WorkerConfig> {
    let mut raw = load_properties(path)?;
    resolve_embedded_bootstrap(&mut raw)?;
    Ok(WorkerConfig::standalone(raw)?)
}

/// A connector file: its config (with `name`) and, for the `POST /connectors` shape, its
/// `initial_state`.
fn connector_config(path: &Path) -> anyhow::Result<(RawConfig, Option<TargetState>)> {
    let config = load_connector_config(path)
        .with_context(|| format!("reading connector config {}", path.display()))?;
    if config.get("name").is_none_or(|name| name.trim().is_empty()) {
        anyhow::bail!("connector config {} has no `name`", path.display());
    }
    let initial_state = initial_state(path)?;
    Ok((config, initial_state))
}

/// The `initial_state` of a JSON connector file in the `POST /connectors` shape.
fn initial_state(path: &Path) -> anyhow::Result<Option<TargetState>> {
    if path.extension().is_none_or(|ext| ext != "json") {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let Some(state) = json.get("initial_state").filter(|s| !s.is_null()) else {
        return Ok(None);
    };
    let text = state
        .as_str()
        .context("`initial_state` must be RUNNING, PAUSED or STOPPED")?;
    TargetState::from_initial_state(text)
        .map(Some)
        .with_context(|| format!("`initial_state` {text} is not RUNNING, PAUSED or STOPPED"))
}
