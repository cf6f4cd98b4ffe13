//! [`RetryWithTolerance`]: runs a stage's operation with `errors.retry.*` retries and decides,
//! per `errors.tolerance`, whether a failure is skipped or fails the task.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Stage;
use super::config::{ErrorHandlingConfig, Tolerance};

/// How an operation failed.
#[derive(Debug, Clone, PartialEq)]
pub enum StageError<E> {
    /// A transient failure worth retrying (Kafka's `RetriableException`).
    Retriable(E),
    /// A failure retrying cannot fix.
    Fatal(E),
}

/// The outcome of an operation that did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure<E> {
    /// Skip the record: the failure is within `errors.tolerance`. Report it (log, DLQ).
    Tolerated {
        /// Where it failed.
        stage: Stage,
        /// The last error.
        error: E,
    },
    /// Fail the task ("Tolerance exceeded in error handler").
    Fatal {
        /// Where it failed.
        stage: Stage,
        /// The last error.
        error: E,
    },
}

use crate::metrics::ErrorMetrics;

type Sleeper = Arc<dyn Fn(Duration) + Send + Sync>;

/// Kafka Connect's `RetryWithToleranceOperator`, with KAFKA-18073's fix: a retriable error that
/// runs out of retries obeys `errors.tolerance` instead of being skipped silently.
#[derive(Clone)]
pub struct RetryWithTolerance {
    config: ErrorHandlingConfig,
    sleep: Sleeper,
    metrics: ErrorMetrics,
}

/// First retry delay; each further retry doubles it (Kafka's `RETRIES_DELAY_MIN_MS`).
const RETRY_DELAY_MIN: Duration = Duration::from_millis(300);

impl RetryWithTolerance {
    /// An operator for `config` that sleeps the thread between attempts.
    pub fn new(config: ErrorHandlingConfig) -> Self {
        Self {
            config,
            sleep: Arc::new(std::thread::sleep),
            metrics: ErrorMetrics::default(),
        }
    }

    /// The same operator counting failures, retries and errors in `metrics`.
    pub fn with_metrics(mut self, metrics: ErrorMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The same operator with another way to wait (tests pass a recorder).
    pub fn with_sleeper(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// The settings in use.
    pub fn config(&self) -> &ErrorHandlingConfig {
        &self.config
    }

    /// Runs `operation` for `stage`, retrying retriable failures until `errors.retry.timeout`,
    /// then applying `errors.tolerance`.
    pub fn execute<T, E>(
        &self,
        stage: Stage,
        mut operation: impl FnMut() -> Result<T, StageError<E>>,
    ) -> Result<T, Failure<E>> {
        // The retry time counts from the first failure, so an attempt that succeeds — the
        // per-record common case — never reads the clock.
        let mut deadline = None;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let error = match operation() {
                Ok(value) => return Ok(value),
                Err(StageError::Fatal(error)) => {
                    self.metrics.record_failure();
                    return Err(self.judge(stage, error, stage.tolerates_any_error()));
                }
                Err(StageError::Retriable(error)) => error,
            };
            self.metrics.record_failure();
            let deadline = *deadline.get_or_insert_with(|| {
                self.config
                    .retry_timeout
                    .map(|timeout| Instant::now() + timeout)
            });
            match self.backoff(attempt, deadline) {
                Some(wait) => {
                    self.metrics.retry();
                    (self.sleep)(wait)
                }
                None => return Err(self.judge(stage, error, true)),
            }
        }
    }

    fn judge<E>(&self, stage: Stage, error: E, eligible: bool) -> Failure<E> {
        let tolerated = eligible && self.config.tolerance == Tolerance::All;
        self.metrics.record_error(tolerated);
        if tolerated {
            Failure::Tolerated { stage, error }
        } else {
            Failure::Fatal { stage, error }
        }
    }

    /// The wait before the next attempt, or `None` when the retry time is used up: 300 ms ×
    /// 2^(attempt-1), then a random wait below `errors.retry.delay.max.ms` once that is
    /// exceeded, cut short at the deadline.
    fn backoff(&self, attempt: u32, deadline: Option<Instant>) -> Option<Duration> {
        let now = Instant::now();
        let remaining = match deadline {
            Some(deadline) if deadline <= now => return None,
            Some(deadline) => Some(deadline - now),
            None => None,
        };
        let exponential =
            RETRY_DELAY_MIN.saturating_mul(1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX));
        let max = self.config.retry_delay_max;
        let wait = if exponential > max {
            max.mul_f64(fastrand::f64())
        } else {
            exponential
        };
        Some(remaining.map_or(wait, |remaining| wait.min(remaining)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn recording(config: ErrorHandlingConfig) -> (RetryWithTolerance, Arc<Mutex<Vec<Duration>>>) {
        let waits = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&waits);
        let operator = RetryWithTolerance::new(config).with_sleeper(move |wait| {
            recorded.lock().expect("test lock").push(wait);
        });
        (operator, waits)
    }

    #[test]
    fn fatal_converter_error_is_tolerated_only_with_all() {
        let none = recording(ErrorHandlingConfig::default()).0;
        let outcome: Result<(), _> =
            none.execute(Stage::ValueConverter, || Err(StageError::Fatal("bad json")));
        assert_eq!(
            outcome,
            Err(Failure::Fatal {
                stage: Stage::ValueConverter,
                error: "bad json"
            })
        );

        let all = recording(ErrorHandlingConfig {
            tolerance: Tolerance::All,
            ..Default::default()
        })
        .0;
        let outcome: Result<(), _> =
            all.execute(Stage::ValueConverter, || Err(StageError::Fatal("bad json")));
        assert_eq!(
            outcome,
            Err(Failure::Tolerated {
                stage: Stage::ValueConverter,
                error: "bad json"
            })
        );
    }

    #[test]
    fn fatal_error_in_task_put_is_never_tolerated() {
        let all = recording(ErrorHandlingConfig {
            tolerance: Tolerance::All,
            ..Default::default()
        })
        .0;
        let outcome: Result<(), _> = all.execute(Stage::TaskPut, || Err(StageError::Fatal("boom")));
        assert!(matches!(outcome, Err(Failure::Fatal { .. })));
    }

    #[test]
    fn retries_back_off_exponentially_then_succeed() {
        let config = ErrorHandlingConfig {
            retry_timeout: Some(Duration::from_secs(3600)),
            ..Default::default()
        };
        let (operator, waits) = recording(config);
        let mut calls = 0;
        let outcome = operator.execute(Stage::TaskPut, || {
            calls += 1;
            if calls < 4 {
                Err(StageError::Retriable("busy"))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(outcome, Ok(4));
        let waits = waits.lock().expect("test lock").clone();
        assert_eq!(
            waits,
            [
                Duration::from_millis(300),
                Duration::from_millis(600),
                Duration::from_millis(1200)
            ]
        );
    }

    #[test]
    fn waits_beyond_the_max_are_random_below_it() {
        let config = ErrorHandlingConfig {
            retry_timeout: Some(Duration::from_secs(3600)),
            retry_delay_max: Duration::from_millis(500),
            ..Default::default()
        };
        let (operator, waits) = recording(config);
        let mut calls = 0;
        let _ = operator.execute(Stage::TaskPut, || {
            calls += 1;
            if calls < 5 {
                Err(StageError::Retriable(()))
            } else {
                Ok(())
            }
        });
        let waits = waits.lock().expect("test lock").clone();
        assert_eq!(waits[0], Duration::from_millis(300));
        assert!(
            waits[1..]
                .iter()
                .all(|wait| *wait < Duration::from_millis(500)),
            "{waits:?}"
        );
    }

    #[test]
    fn exhausted_retries_obey_tolerance_none() {
        let (operator, waits) = recording(ErrorHandlingConfig::default());
        let outcome: Result<(), _> =
            operator.execute(Stage::TaskPut, || Err(StageError::Retriable("busy")));
        assert_eq!(
            outcome,
            Err(Failure::Fatal {
                stage: Stage::TaskPut,
                error: "busy"
            })
        );
        assert!(
            waits.lock().expect("test lock").is_empty(),
            "retry timeout 0 means no retry"
        );

        let (all, _) = recording(ErrorHandlingConfig {
            tolerance: Tolerance::All,
            ..Default::default()
        });
        let outcome: Result<(), _> =
            all.execute(Stage::TaskPut, || Err(StageError::Retriable("busy")));
        assert_eq!(
            outcome,
            Err(Failure::Tolerated {
                stage: Stage::TaskPut,
                error: "busy"
            })
        );
    }
}
