//! [`WorkerContext`]: what every actor of a worker shares — its task environment, plugins,
//! config providers, supervision settings and state.

use std::sync::Arc;
use std::time::Duration;

use sluice_engine::config::{ConfigProviders, RawConfig};
use sluice_engine::connector::ConnectorRegistry;
use sluice_engine::pipeline::TaskEnvironment;

use super::state::WorkerState;

/// How failed tasks are restarted: Sluice's supervision beyond Kafka Connect (worker keys
/// `task.restart.max.attempts`, `task.restart.backoff.initial.ms`, `task.restart.backoff.max.ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartPolicy {
    /// Automatic restarts before a task stays FAILED; 0 is Kafka's behaviour (never).
    pub max_attempts: u32,
    /// The wait before the first restart; it doubles with each attempt.
    pub initial_backoff: Duration,
    /// The longest wait between restarts.
    pub max_backoff: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl RestartPolicy {
    /// The wait before restart number `attempt` (1-based): `initial × 2^(attempt-1)`, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

/// Everything the actors of one worker share.
pub struct WorkerContext {
    /// The settings and stores tasks are built with.
    pub tasks: TaskEnvironment,
    /// The connectors the worker can run.
    pub connectors: ConnectorRegistry,
    /// Resolves `${provider:path:key}` placeholders when connectors and tasks start.
    pub providers: ConfigProviders,
    /// How failed tasks are restarted.
    pub restart: RestartPolicy,
    /// `task.shutdown.graceful.timeout.ms`: how long stopping tasks may take in all.
    pub shutdown_timeout: Duration,
    /// Configs and statuses.
    pub state: Arc<WorkerState>,
}

impl WorkerContext {
    /// `raw` with its placeholders resolved.
    pub fn resolve(&self, raw: &RawConfig) -> Result<RawConfig, String> {
        self.providers
            .resolve(raw)
            .map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let policy = RestartPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
        };
        let waits: Vec<_> = (1..=4).map(|a| policy.backoff(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
    }
}
