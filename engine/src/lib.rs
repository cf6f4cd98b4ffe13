//! Sluice's data plane and connector SPI.
//!
//! - [`config`]: connector and worker configuration as Kafka Connect reads it — `.properties` and
//!   JSON files, typed config definitions that drive validation and the REST `config/validate`
//!   answer, and config providers (`${env:…}`, `${file:…}`, `${directory:…}`).
//! - [`record`]: source and sink records and the [`record::RecordBatch`] that crosses every
//!   pipeline boundary.
//! - [`transforms`] and [`predicates`]: single message transforms and the predicates that gate
//!   them, by Kafka class name and alias.
//! - [`values`]: Connect's `Values` rules for writing values as text and inferring them back.

pub mod config;
pub mod predicates;
pub mod record;
pub mod transforms;
pub mod values;
