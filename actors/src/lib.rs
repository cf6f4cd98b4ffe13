//! Sluice's runtime: supervised actors for the worker, its connectors and their tasks, the
//! herder that answers the REST API, and the REST API itself.
//!
//! - [`herder`]: the [`herder::Herder`] contract between the REST API and a worker, and the
//!   JSON entities of Kafka Connect's REST API.
//! - [`runtime`]: the actor tree — worker supervisor, connector and task actors — and the state
//!   they report to.
//! - [`standalone`]: the herder of `sluice standalone`.
//! - [`rest`]: the Kafka Connect REST API over a [`herder::Herder`].
//! - [`logging`]: the `tracing` subscriber and the log levels `/admin/loggers` changes.

pub mod herder;
pub mod logging;
pub mod rest;
pub mod runtime;
pub mod standalone;
