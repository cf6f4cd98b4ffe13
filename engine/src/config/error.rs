//! [`ConfigError`]: what is wrong with a configuration, naming the key and the reason.

/// A configuration was rejected. Every variant names the offending key (or file) and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A required key is absent.
    #[error("Missing required configuration \"{key}\" which has no default value.")]
    Missing {
        /// The key.
        key: String,
    },
    /// A key has a value of the wrong form or outside what is allowed.
    #[error("Invalid value {value} for configuration {key}: {reason}")]
    Invalid {
        /// The key.
        key: String,
        /// The value as given (passwords are shown as `[hidden]`).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A configuration file could not be read or parsed.
    #[error("cannot read configuration {source_name}: {reason}")]
    File {
        /// The file path or a description of the input.
        source_name: String,
        /// What went wrong.
        reason: String,
    },
}

impl ConfigError {
    /// An [`ConfigError::Invalid`] for `key`.
    pub fn invalid(
        key: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            key: key.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }

    /// The key this error is about, when it is about one key.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Missing { key } | Self::Invalid { key, .. } => Some(key),
            Self::File { .. } => None,
        }
    }
}
