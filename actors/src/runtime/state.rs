//! [`WorkerState`]: what a worker knows about its connectors — raw configs, target states, task
//! configs and reported statuses — shared by the actors that write it and the herder that
//! answers the REST API from it (Kafka's memory config and status backing stores).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use sluice_engine::config::RawConfig;
use sluice_engine::connector::ConnectorType;

use crate::herder::{ConnectorStateInfo, ConnectorStatus, State, TargetState, TaskStatus};

/// One connector as the worker knows it.
#[derive(Debug, Clone)]
pub struct ConnectorRecord {
    /// The raw config (placeholders unresolved), as submitted.
    pub config: RawConfig,
    /// What the user asked for.
    pub target: TargetState,
    /// Source or sink, when the class is known.
    pub connector_type: Option<ConnectorType>,
    /// The task configs the connector generated (raw), by task number.
    pub task_configs: Vec<RawConfig>,
    /// The connector instance's status.
    pub status: State,
    /// Why the connector failed.
    pub trace: Option<String>,
    /// Each task's status and trace.
    pub tasks: BTreeMap<u32, (State, Option<String>)>,
}

impl ConnectorRecord {
    /// A connector not started yet.
    pub fn new(
        config: RawConfig,
        target: TargetState,
        connector_type: Option<ConnectorType>,
    ) -> Self {
        Self {
            config,
            target,
            connector_type,
            task_configs: Vec::new(),
            status: State::Unassigned,
            trace: None,
            tasks: BTreeMap::new(),
        }
    }

    /// `source`, `sink` or `unknown`.
    pub fn type_name(&self) -> &'static str {
        self.connector_type.map_or("unknown", ConnectorType::as_str)
    }
}

/// The worker's connectors, behind one lock held only for copies and small updates.
#[derive(Debug)]
pub struct WorkerState {
    worker_id: String,
    connectors: Mutex<BTreeMap<String, ConnectorRecord>>,
}

impl WorkerState {
    /// An empty state for the worker `worker_id` (`host:port`).
    pub fn new(worker_id: impl Into<String>) -> Self {
        Self {
            worker_id: worker_id.into(),
            connectors: Mutex::default(),
        }
    }

    /// The worker id reported in statuses.
    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, ConnectorRecord>> {
        self.connectors
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The connector names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// A copy of connector `name`'s record.
    pub fn get(&self, name: &str) -> Option<ConnectorRecord> {
        self.lock().get(name).cloned()
    }

    /// True when `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.lock().contains_key(name)
    }

    /// Adds or replaces connector `name`.
    pub fn insert(&self, name: &str, record: ConnectorRecord) {
        self.lock().insert(name.to_owned(), record);
    }

    /// Removes connector `name`.
    pub fn remove(&self, name: &str) -> Option<ConnectorRecord> {
        self.lock().remove(name)
    }

    /// Applies `change` to connector `name`, if it exists.
    pub fn update<T>(
        &self,
        name: &str,
        change: impl FnOnce(&mut ConnectorRecord) -> T,
    ) -> Option<T> {
        self.lock().get_mut(name).map(change)
    }

    /// Records the connector instance's state.
    pub fn set_connector_state(&self, name: &str, state: State, trace: Option<String>) {
        self.update(name, |record| {
            record.status = state;
            record.trace = trace;
        });
    }

    /// Records a task's state.
    pub fn set_task_state(&self, name: &str, task: u32, state: State, trace: Option<String>) {
        self.update(name, |record| {
            record.tasks.insert(task, (state, trace));
        });
    }

    /// Counts of tasks by state across every connector, for metrics.
    pub fn task_counts(&self) -> BTreeMap<(String, State), usize> {
        let mut counts = BTreeMap::new();
        for (name, record) in self.lock().iter() {
            for (state, _) in record.tasks.values() {
                *counts.entry((name.clone(), *state)).or_default() += 1;
            }
        }
        counts
    }

    /// The REST status of connector `name`.
    pub fn status(&self, name: &str) -> Option<ConnectorStateInfo> {
        let connectors = self.lock();
        let record = connectors.get(name)?;
        Some(ConnectorStateInfo {
            name: name.to_owned(),
            connector: ConnectorStatus {
                state: record.status,
                worker_id: self.worker_id.clone(),
                trace: record.trace.clone(),
            },
            tasks: record
                .tasks
                .iter()
                .map(|(id, (state, trace))| TaskStatus {
                    id: *id,
                    state: *state,
                    worker_id: self.worker_id.clone(),
                    trace: trace.clone(),
                })
                .collect(),
            connector_type: record.type_name().to_owned(),
        })
    }
}
