//! [`ActiveTopics`]: the topics each connector has used (KIP-558), recorded by the pipelines
//! the first time a task produces to or consumes from a topic, and read by the REST API.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// Topics in use by connector, shared by a worker's pipelines.
#[derive(Debug, Clone, Default)]
pub struct ActiveTopics {
    by_connector: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>>,
}

impl ActiveTopics {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, BTreeSet<String>>> {
        self.by_connector
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records that `connector` used `topic`.
    pub fn record(&self, connector: &str, topic: &str) {
        self.lock()
            .entry(connector.to_owned())
            .or_default()
            .insert(topic.to_owned());
    }

    /// The topics `connector` has used, sorted.
    pub fn topics(&self, connector: &str) -> Vec<String> {
        self.lock()
            .get(connector)
            .map(|topics| topics.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets the topics of `connector` (`PUT /connectors/{name}/topics/reset`, deletion).
    pub fn reset(&self, connector: &str) {
        self.lock().remove(connector);
    }
}

/// A task's view of [`ActiveTopics`]: remembers what it reported so the shared map is locked
/// only the first time each topic is seen.
pub(crate) struct TopicTracker {
    connector: String,
    shared: ActiveTopics,
    seen: HashSet<String>,
    /// The topic of the previous call: records come in runs of one topic.
    last: Option<String>,
}

impl TopicTracker {
    pub(crate) fn new(connector: &str, shared: ActiveTopics) -> Self {
        Self {
            connector: connector.to_owned(),
            shared,
            seen: HashSet::new(),
            last: None,
        }
    }

    /// Notes a record of `topic`.
    pub(crate) fn saw(&mut self, topic: &str) {
        if self.last.as_deref() == Some(topic) {
            return;
        }
        if !self.seen.contains(topic) {
            self.seen.insert(topic.to_owned());
            self.shared.record(&self.connector, topic);
        }
        self.last = Some(topic.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_recorded_once_per_connector_and_reset() {
        let shared = ActiveTopics::default();
        let mut tracker = TopicTracker::new("c", shared.clone());
        tracker.saw("b");
        tracker.saw("a");
        tracker.saw("b");
        assert_eq!(shared.topics("c"), ["a", "b"]);
        assert!(shared.topics("other").is_empty());
        shared.reset("c");
        assert!(shared.topics("c").is_empty());
    }
}
