//! Sluice's built-in connectors, registered under their Kafka Connect class names.
