//! [`PipelineThreads`]: the two threads of a pipeline and the flag that stops them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use super::PipelineError;

/// A thread of a pipeline, named for the panic report.
pub(crate) type Stage = (&'static str, JoinHandle<Result<(), PipelineError>>);

/// Two pipeline threads sharing a stop flag. `first` is joined before `second` on stop, so the
/// thread that feeds the other finishes first.
pub(crate) struct PipelineThreads {
    stop: Arc<AtomicBool>,
    first: Stage,
    second: Stage,
}

impl PipelineThreads {
    /// Owns the two threads started with `stop`.
    pub(crate) fn new(stop: Arc<AtomicBool>, first: Stage, second: Stage) -> Self {
        Self {
            stop,
            first,
            second,
        }
    }

    /// True when a thread has ended (the task failed, or was stopped).
    pub(crate) fn is_finished(&self) -> bool {
        self.first.1.is_finished() || self.second.1.is_finished()
    }

    /// Raises the stop flag and joins both threads, returning the first failure.
    pub(crate) fn stop(self) -> Result<(), PipelineError> {
        self.stop.store(true, Ordering::SeqCst);
        let join =
            |(name, handle): Stage| handle.join().unwrap_or(Err(PipelineError::Panicked(name)));
        let first = join(self.first);
        let second = join(self.second);
        first.and(second)
    }
}
