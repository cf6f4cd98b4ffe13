//! `logging::init` installs the global subscriber once; later calls share its levels, and
//! changing them changes what the global `tracing` dispatcher lets through.

use sluice_actors::logging::{self, LogLevel};
use tracing::level_filters::LevelFilter;

#[test]
fn init_is_idempotent_and_levels_apply_to_the_global_subscriber() {
    // Run with RUST_LOG unset so the default level is the one given here.
    let first = logging::init(LevelFilter::INFO);
    let second = logging::init(LevelFilter::TRACE);
    assert_eq!(
        serde_json::to_value(second.all_levels()).unwrap(),
        serde_json::to_value(first.all_levels()).unwrap()
    );
    let target_enabled = || tracing::enabled!(target: "sluice_init_test::x", tracing::Level::DEBUG);
    if std::env::var_os("RUST_LOG").is_none() {
        assert!(!target_enabled());
    }
    first.set_level("sluice_init_test", LogLevel::Debug);
    assert!(target_enabled());
    assert_eq!(
        second.level("sluice_init_test").map(|level| level.level),
        Some(LogLevel::Debug)
    );
    second.set_level("sluice_init_test", LogLevel::Error);
    assert!(!target_enabled());
}
