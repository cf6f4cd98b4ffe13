//! Sluice's data plane and connector SPI.
//!
//! - [`config`]: connector and worker configuration as Kafka Connect reads it — `.properties` and
//!   JSON files, typed config definitions that drive validation and the REST `config/validate`
//!   answer, and config providers (`${env:…}`, `${file:…}`, `${directory:…}`).

pub mod config;
