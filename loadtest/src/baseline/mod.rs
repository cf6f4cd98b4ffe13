//! Baselines: the same work as a scenario done by raw clients, measured in the same run, so a
//! scenario reports a ratio rather than an absolute figure that drifts with the machine.

pub mod consume_produce;
pub mod rdkafka_loop;
