//! Runtime log levels: the process's `tracing` subscriber and the [`LogLevels`] handle that
//! `/admin/loggers` reads and changes (Kafka Connect's `Loggers`, KIP-495 and KIP-976).
//!
//! A logger is a `tracing` target (a module path such as `sluice_engine::pipeline`); `root` is
//! the default level. A logger's level applies to every target that starts with its name, the
//! longest name winning, as `tracing_subscriber::filter::Targets` (and log4j's `startsWith`)
//! match them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::reload;

/// The name Kafka Connect gives the root logger.
pub const ROOT_LOGGER: &str = "root";

/// Installs the process's global subscriber and answers the handle of its levels: see
/// [`LogLevels::init`].
pub fn init(default_level: LevelFilter) -> LogLevels {
    LogLevels::init(default_level)
}

/// A log4j level name as `/admin/loggers` takes and shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogLevel {
    /// Nothing is logged.
    Off,
    /// log4j's FATAL; `tracing` has no such level, so it logs errors.
    Fatal,
    /// Errors.
    Error,
    /// Warnings and above.
    Warn,
    /// Information and above.
    Info,
    /// Debug and above.
    Debug,
    /// Everything but ALL.
    Trace,
    /// Everything (log4j's ALL, `tracing`'s TRACE).
    All,
}

impl LogLevel {
    /// Parses a log4j level name (`OFF`, `FATAL`, `ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE`,
    /// `ALL`), ignoring case.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.to_ascii_uppercase().as_str() {
            "OFF" => Self::Off,
            "FATAL" => Self::Fatal,
            "ERROR" => Self::Error,
            "WARN" => Self::Warn,
            "INFO" => Self::Info,
            "DEBUG" => Self::Debug,
            "TRACE" => Self::Trace,
            "ALL" => Self::All,
            _ => return None,
        })
    }

    /// The upper-case name, as `/admin/loggers` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Fatal => "FATAL",
            Self::Error => "ERROR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
            Self::Debug => "DEBUG",
            Self::Trace => "TRACE",
            Self::All => "ALL",
        }
    }

    /// The `tracing` filter this level stands for.
    pub fn filter(self) -> LevelFilter {
        match self {
            Self::Off => LevelFilter::OFF,
            Self::Fatal | Self::Error => LevelFilter::ERROR,
            Self::Warn => LevelFilter::WARN,
            Self::Info => LevelFilter::INFO,
            Self::Debug => LevelFilter::DEBUG,
            Self::Trace | Self::All => LevelFilter::TRACE,
        }
    }

    fn from_filter(filter: LevelFilter) -> Self {
        match filter.into_level() {
            None => Self::Off,
            Some(Level::ERROR) => Self::Error,
            Some(Level::WARN) => Self::Warn,
            Some(Level::INFO) => Self::Info,
            Some(Level::DEBUG) => Self::Debug,
            Some(Level::TRACE) => Self::Trace,
        }
    }
}

impl Serialize for LogLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A logger's level as `/admin/loggers` shows it: `{"level":"INFO","last_modified":null}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LoggerLevel {
    /// The level set on the logger, or the one it inherits.
    pub level: LogLevel,
    /// When the level was last changed through [`LogLevels::set_level`] (epoch milliseconds);
    /// `None` for levels from the startup configuration and for inherited ones.
    pub last_modified: Option<u64>,
}

/// The log levels of this process: what is set, what `/admin/loggers` answers, and (once
/// attached to a subscriber) what `tracing` really emits. Cloning gives another handle to the
/// same levels.
#[derive(Clone)]
pub struct LogLevels {
    shared: Arc<Shared>,
}

type Apply = Box<dyn Fn(Targets) + Send + Sync>;

struct Shared {
    state: Mutex<State>,
    known: Arc<Mutex<BTreeSet<String>>>,
    apply: Option<Apply>,
}

#[derive(Debug, Clone)]
struct State {
    root: LoggerLevel,
    explicit: BTreeMap<String, LoggerLevel>,
}

impl State {
    /// The startup levels: `directives` (`RUST_LOG` syntax, targets and levels only) over
    /// `default_level`. Directives that do not parse are ignored, and so reported.
    fn from_directives(default_level: LevelFilter, directives: Option<&str>) -> (Self, bool) {
        let mut state = Self {
            root: LoggerLevel {
                level: LogLevel::from_filter(default_level),
                last_modified: None,
            },
            explicit: BTreeMap::new(),
        };
        let Some(text) = directives.filter(|text| !text.trim().is_empty()) else {
            return (state, true);
        };
        let Ok(targets) = text.parse::<Targets>() else {
            return (state, false);
        };
        if let Some(default) = targets.default_level() {
            state.root.level = LogLevel::from_filter(default);
        }
        for (target, filter) in targets.iter() {
            let level = LoggerLevel {
                level: LogLevel::from_filter(filter),
                last_modified: None,
            };
            state.explicit.insert(target.to_owned(), level);
        }
        (state, true)
    }

    fn targets(&self) -> Targets {
        Targets::new()
            .with_default(self.root.level.filter())
            .with_targets(
                self.explicit
                    .iter()
                    .map(|(name, level)| (name.clone(), level.level.filter())),
            )
    }

    /// The level in force for `logger`: its own, else the longest set prefix's, else root's.
    fn effective(&self, logger: &str) -> LogLevel {
        self.explicit
            .iter()
            .filter(|(name, _)| logger.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map_or(self.root.level, |(_, level)| level.level)
    }
}

impl Default for LogLevels {
    fn default() -> Self {
        Self::new_detached()
    }
}

impl LogLevels {
    /// Installs the process's global subscriber (human-readable lines on stderr) filtered by
    /// these levels: `RUST_LOG` when it is set (targets and levels only), else `default_level`
    /// for everything. Calling it again returns the handle of the first call; if another global
    /// subscriber is installed already, the handle is detached.
    pub fn init(default_level: LevelFilter) -> LogLevels {
        static GLOBAL: OnceLock<LogLevels> = OnceLock::new();
        GLOBAL
            .get_or_init(|| {
                let directives = std::env::var("RUST_LOG").ok();
                let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
                let (levels, subscriber, parsed) =
                    Self::build(default_level, directives.as_deref(), std::io::stderr, ansi);
                if tracing::subscriber::set_global_default(subscriber).is_err() {
                    tracing::warn!("a global tracing subscriber is installed already; log levels set through /admin/loggers will not apply");
                    return Self::new_detached();
                }
                if !parsed {
                    tracing::warn!(
                        "RUST_LOG={:?} has span or field filters, which are not supported; using {default_level}",
                        directives.unwrap_or_default()
                    );
                }
                levels
            })
            .clone()
    }

    /// Levels that filter nothing: root at INFO and nothing else set. For tests, and for
    /// processes whose subscriber is installed elsewhere.
    pub fn new_detached() -> LogLevels {
        let (state, _) = State::from_directives(LevelFilter::INFO, None);
        Self::from_parts(state, Arc::default(), None)
    }

    /// A subscriber writing human-readable lines to `writer`, filtered by the returned levels;
    /// `directives` are startup levels in `RUST_LOG` syntax (targets and levels only; others
    /// are ignored). [`LogLevels::init`] installs one writing to stderr; tests can run code
    /// under one with `tracing::subscriber::with_default`.
    pub fn subscriber<W>(
        default_level: LevelFilter,
        directives: Option<&str>,
        writer: W,
    ) -> (LogLevels, impl Subscriber + Send + Sync + 'static)
    where
        W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    {
        let (levels, subscriber, _) = Self::build(default_level, directives, writer, false);
        (levels, subscriber)
    }

    fn build<W>(
        default_level: LevelFilter,
        directives: Option<&str>,
        writer: W,
        ansi: bool,
    ) -> (LogLevels, impl Subscriber + Send + Sync + 'static, bool)
    where
        W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    {
        let (state, parsed) = State::from_directives(default_level, directives);
        let (filter, handle) = reload::Layer::new(state.targets());
        let known: Arc<Mutex<BTreeSet<String>>> = Arc::default();
        let subscriber = tracing_subscriber::registry()
            .with(filter)
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_ansi(ansi),
            )
            .with(TargetRecorder {
                known: Arc::clone(&known),
            });
        let apply: Apply = Box::new(move |targets| {
            // Fails only once the subscriber is gone, when there is nothing left to filter.
            let _ = handle.reload(targets);
        });
        (
            Self::from_parts(state, known, Some(apply)),
            subscriber,
            parsed,
        )
    }

    fn from_parts(
        state: State,
        known: Arc<Mutex<BTreeSet<String>>>,
        apply: Option<Apply>,
    ) -> LogLevels {
        LogLevels {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                known,
                apply,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn known(&self) -> BTreeSet<String> {
        self.shared
            .known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Records `logger` as existing, as the subscriber does for every target it sees log.
    pub fn note_logger(&self, logger: &str) {
        self.shared
            .known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(logger.to_owned());
    }

    /// `GET /admin/loggers`: the loggers whose level is set, and `root`, by name.
    pub fn all_levels(&self) -> BTreeMap<String, LoggerLevel> {
        let state = self.state();
        let mut levels = state.explicit.clone();
        levels.insert(ROOT_LOGGER.to_owned(), state.root);
        levels
    }

    /// `GET /admin/loggers/{logger}`: the logger's level (inherited when not set), or `None`
    /// when no such logger has been seen. `root` is matched ignoring case.
    pub fn level(&self, logger: &str) -> Option<LoggerLevel> {
        let state = self.state();
        if logger.eq_ignore_ascii_case(ROOT_LOGGER) {
            return Some(state.root);
        }
        if let Some(level) = state.explicit.get(logger) {
            return Some(*level);
        }
        self.known().contains(logger).then(|| LoggerLevel {
            level: state.effective(logger),
            last_modified: None,
        })
    }

    /// `PUT /admin/loggers/{namespace}`: sets `level` on the namespace and on every known
    /// logger whose name starts with it (on every logger for `root`), and answers their names,
    /// sorted. A logger already at that level keeps its `last_modified`.
    pub fn set_level(&self, namespace: &str, level: LogLevel) -> Vec<String> {
        let known = self.known();
        let mut state = self.state();
        let is_root = namespace.eq_ignore_ascii_case(ROOT_LOGGER);
        let mut affected: BTreeSet<String> = known
            .iter()
            .chain(state.explicit.keys())
            .filter(|name| is_root || name.starts_with(namespace))
            .cloned()
            .collect();
        if !is_root {
            affected.insert(namespace.to_owned());
        }
        let now = epoch_millis();
        let before = state.clone();
        for name in &affected {
            // A logger's own level is its longest matching prefix, so this is its level in force.
            if before.effective(name) != level {
                let entry = LoggerLevel {
                    level,
                    last_modified: Some(now),
                };
                state.explicit.insert(name.clone(), entry);
            }
        }
        if is_root && state.root.level != level {
            state.root = LoggerLevel {
                level,
                last_modified: Some(now),
            };
        }
        self.apply(&state);
        let mut names: Vec<String> = affected.into_iter().collect();
        if is_root {
            names.push(ROOT_LOGGER.to_owned());
            names.sort();
        }
        names
    }

    /// Whether an event of `level` from `target` passes the current levels.
    pub fn would_enable(&self, target: &str, level: Level) -> bool {
        self.state().targets().would_enable(target, &level)
    }

    fn apply(&self, state: &State) {
        if let Some(apply) = &self.shared.apply {
            apply(state.targets());
        }
    }
}

fn epoch_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Notes the target of every callsite the subscriber registers, so that `/admin/loggers`
/// knows which loggers exist (log4j knows the loggers its classes created).
struct TargetRecorder {
    known: Arc<Mutex<BTreeSet<String>>>,
}

impl<S: Subscriber> Layer<S> for TargetRecorder {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if !known.contains(metadata.target()) {
            known.insert(metadata.target().to_owned());
        }
        // No opinion: the filter beneath decides.
        Interest::always()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Captured;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn level_names_parse_ignoring_case_and_fatal_logs_errors() {
        assert_eq!(LogLevel::parse("debug"), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("Fatal"), Some(LogLevel::Fatal));
        assert_eq!(LogLevel::Fatal.filter(), LevelFilter::ERROR);
        assert_eq!(LogLevel::Off.filter(), LevelFilter::OFF);
        assert_eq!(LogLevel::parse("verbose"), None);
    }

    #[test]
    fn changing_a_level_changes_what_tracing_emits() {
        let out = Captured::default();
        let (levels, subscriber) = LogLevels::subscriber(LevelFilter::INFO, None, out.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "sluice_logtest::pipeline", "hidden-before");
            tracing::info!(target: "sluice_logtest::pipeline", "info-before");
            let affected = levels.set_level("sluice_logtest", LogLevel::Debug);
            assert_eq!(affected, ["sluice_logtest", "sluice_logtest::pipeline"]);
            tracing::debug!(target: "sluice_logtest::pipeline", "shown-after");
            levels.set_level("sluice_logtest::pipeline", LogLevel::Off);
            tracing::error!(target: "sluice_logtest::pipeline", "silenced");
        });
        let text = out.text();
        assert!(text.contains("info-before"), "{text}");
        assert!(!text.contains("hidden-before"), "{text}");
        assert!(text.contains("shown-after"), "{text}");
        assert!(!text.contains("silenced"), "{text}");
    }

    #[test]
    fn startup_directives_are_set_levels_without_last_modified() {
        let (levels, _subscriber) = LogLevels::subscriber(
            LevelFilter::INFO,
            Some("warn,sluice_engine=debug"),
            Captured::default(),
        );
        let all = levels.all_levels();
        assert_eq!(
            serde_json::to_value(&all).unwrap(),
            serde_json::json!({
                "root": {"level": "WARN", "last_modified": null},
                "sluice_engine": {"level": "DEBUG", "last_modified": null}
            })
        );
        assert!(levels.would_enable("sluice_engine::pipeline", Level::DEBUG));
        assert!(!levels.would_enable("sluice_actors", Level::INFO));
    }

    #[test]
    fn unknown_loggers_are_not_found_and_known_ones_inherit() {
        let levels = LogLevels::new_detached();
        assert_eq!(levels.level("nothing::here"), None);
        levels.note_logger("sluice_engine::pipeline");
        assert_eq!(
            levels.level("sluice_engine::pipeline"),
            Some(LoggerLevel {
                level: LogLevel::Info,
                last_modified: None
            })
        );
        assert_eq!(
            levels.level("ROOT").map(|level| level.level),
            Some(LogLevel::Info)
        );
    }

    #[test]
    fn setting_a_namespace_sets_its_descendants_and_stamps_them() {
        let levels = LogLevels::new_detached();
        levels.note_logger("sluice_engine::pipeline");
        levels.note_logger("sluice_actors");
        let affected = levels.set_level("sluice_engine", LogLevel::Trace);
        assert_eq!(affected, ["sluice_engine", "sluice_engine::pipeline"]);
        let pipeline = levels.level("sluice_engine::pipeline").unwrap();
        assert_eq!(pipeline.level, LogLevel::Trace);
        assert!(pipeline.last_modified.is_some());
        assert!(levels.would_enable("sluice_engine::pipeline::source", Level::TRACE));
        assert!(!levels.would_enable("sluice_actors", Level::DEBUG));
    }

    #[test]
    fn setting_the_level_in_force_changes_nothing_but_is_reported() {
        let levels = LogLevels::new_detached();
        assert_eq!(
            levels.set_level("sluice_engine", LogLevel::Info),
            ["sluice_engine"]
        );
        assert!(!levels.all_levels().contains_key("sluice_engine"));
    }

    #[test]
    fn setting_root_sets_every_logger() {
        let levels = LogLevels::new_detached();
        levels.note_logger("sluice_engine");
        assert_eq!(
            levels.set_level("root", LogLevel::Debug),
            ["root", "sluice_engine"]
        );
        let all = levels.all_levels();
        assert_eq!(all["root"].level, LogLevel::Debug);
        assert!(all["root"].last_modified.is_some());
        assert_eq!(all["sluice_engine"].level, LogLevel::Debug);
    }
}
