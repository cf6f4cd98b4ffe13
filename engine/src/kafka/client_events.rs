//! [`ClientEvents`]: what librdkafka reports outside any call — its log lines and global
//! errors — as tracing events, keeping TLS and SASL failures for the client's next call.
//!
//! The Java clients throw `SslAuthenticationException` / `SaslAuthenticationException` from
//! `poll` and `send`, so a task with a wrong trust store or password fails with the reason.
//! librdkafka only reports these to its error callback and retries forever; without this, such
//! a task would wait silently.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

use super::KafkaClientError;

/// librdkafka's callbacks for one client.
#[derive(Default)]
pub(crate) struct ClientEvents {
    /// Set with `security_failure`, so [`Self::check`] costs one load on the hot path.
    failed: AtomicBool,
    security_failure: Mutex<Option<(KafkaError, String)>>,
}

impl ClientEvents {
    /// A librdkafka log line, at its level.
    pub(crate) fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        match level {
            RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error => {
                tracing::error!(target: "librdkafka", facility, "{message}")
            }
            RDKafkaLogLevel::Warning => tracing::warn!(target: "librdkafka", facility, "{message}"),
            RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
                tracing::info!(target: "librdkafka", facility, "{message}")
            }
            RDKafkaLogLevel::Debug => tracing::debug!(target: "librdkafka", facility, "{message}"),
        }
    }

    /// A global error: logged; a TLS or SASL failure is also kept for [`Self::check`].
    pub(crate) fn error(&self, error: KafkaError, reason: &str) {
        if is_security_failure(&error) {
            tracing::error!(target: "librdkafka", %error, "{reason}");
            *self.slot() = Some((error, reason.to_owned()));
            self.failed.store(true, Ordering::Release);
        } else {
            tracing::warn!(target: "librdkafka", %error, "{reason}");
        }
    }

    /// Fails `operation` with the TLS or SASL failure reported since the last check, if any.
    pub(crate) fn check(&self, operation: &str) -> Result<(), KafkaClientError> {
        if !self.failed.swap(false, Ordering::Acquire) {
            return Ok(());
        }
        match self.slot().take() {
            None => Ok(()),
            Some((error, reason)) => Err(KafkaClientError::client(
                format!("{operation}: {reason}"),
                error,
            )),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(KafkaError, String)>> {
        self.security_failure
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// TLS handshake and SASL authentication failures: configuration errors that retrying does not
/// mend.
fn is_security_failure(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(RDKafkaErrorCode::SSL | RDKafkaErrorCode::Authentication)
    )
}

/// [`rdkafka::ClientContext`] for a context holding [`ClientEvents`] in field `$field`.
macro_rules! client_context_with_events {
    ($context:ty, $field:ident) => {
        impl rdkafka::ClientContext for $context {
            fn log(&self, level: rdkafka::config::RDKafkaLogLevel, facility: &str, message: &str) {
                self.$field.log(level, facility, message);
            }

            fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
                self.$field.error(error, reason);
            }
        }
    };
}
pub(crate) use client_context_with_events;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_and_sasl_failures_fail_the_next_call_once() {
        let events = ClientEvents::default();
        events.error(
            KafkaError::Global(RDKafkaErrorCode::BrokerTransportFailure),
            "connection refused",
        );
        assert!(
            events.check("consuming").is_ok(),
            "transport errors are retried"
        );
        events.error(
            KafkaError::Global(RDKafkaErrorCode::SSL),
            "SSL handshake failed: certificate verify failed",
        );
        let error = events.check("consuming").expect_err("TLS failure");
        assert!(
            error.to_string().contains("certificate verify failed"),
            "{error}"
        );
        assert!(events.check("consuming").is_ok(), "reported once");
        events.error(
            KafkaError::Global(RDKafkaErrorCode::Authentication),
            "SASL authentication error",
        );
        assert!(events.check("producing").is_err());
    }
}
