//! What the long-running subcommands share: the async runtime, logging, the Prometheus
//! recorder and the shutdown signal.

use std::future::Future;

use sluice_actors::logging::LogLevels;
use sluice_actors::rest::MetricsRenderer;
use tracing_subscriber::filter::LevelFilter;

/// Installs the `tracing` subscriber whose levels `/admin/loggers` changes.
pub fn init_logging() -> LogLevels {
    sluice_actors::logging::init(LevelFilter::INFO)
}

/// Runs `future` on a multi-threaded runtime (actors and the REST API; pipelines have their
/// own threads).
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sluice-runtime")
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => panic!("cannot start the async runtime: {error}"),
    }
}

/// Installs the Prometheus recorder behind `GET /metrics`; `None` (with a warning) when
/// another recorder is installed already.
pub fn install_metrics() -> Option<MetricsRenderer> {
    match metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder() {
        Ok(handle) => Some(std::sync::Arc::new(move || handle.render())),
        Err(error) => {
            tracing::warn!(%error, "metrics are not exported");
            None
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
