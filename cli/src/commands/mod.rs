//! One module per `sluice` subcommand.

pub mod quickstart;
mod runtime;
pub mod standalone;
pub mod transform;
