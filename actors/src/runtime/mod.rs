//! The worker runtime on ractor: [`worker::WorkerActor`] supervises one
//! [`connector::ConnectorActor`] per connector, which supervises one [`task::TaskActor`] per
//! task. Actors exchange control messages only; records move on the pipelines' channels.

pub mod connector;
pub mod context;
pub mod state;
pub mod task;
pub mod worker;

use ractor::ActorProcessingErr;

/// Runs blocking work (connector calls, pipeline start and stop) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ActorProcessingErr> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ActorProcessingErr::from(format!("panicked: {error}")))
}
