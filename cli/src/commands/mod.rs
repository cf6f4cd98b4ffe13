//! One module per `sluice` subcommand.

pub mod transform;
