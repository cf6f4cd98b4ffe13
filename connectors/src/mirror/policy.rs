//! [`ReplicationPolicy`]: how MirrorMaker 2 names remote topics and recognises them again
//! (Kafka's `org.apache.kafka.connect.mirror.ReplicationPolicy`, with its
//! `DefaultReplicationPolicy` and `IdentityReplicationPolicy`).

/// Kafka's class name of the policy that prefixes remote topics with the source alias.
pub const DEFAULT_POLICY_CLASS: &str = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy";
/// Kafka's class name of the policy that keeps topic names unchanged.
pub const IDENTITY_POLICY_CLASS: &str = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";
/// The default `replication.policy.separator`.
pub const DEFAULT_SEPARATOR: &str = ".";
/// The topic MirrorMaker 2's heartbeat connector writes to.
pub const HEARTBEATS_TOPIC: &str = "heartbeats";

/// Which of Kafka's replication policies is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// `DefaultReplicationPolicy`: remote topics are `<sourceAlias><separator><topic>`.
    Default,
    /// `IdentityReplicationPolicy`: remote topics keep their names (heartbeats excepted).
    Identity,
}

impl PolicyKind {
    /// The policy a `replication.policy.class` value names: the full class name or the simple
    /// name (`DefaultReplicationPolicy`, `IdentityReplicationPolicy`).
    pub fn from_class(name: &str) -> Option<Self> {
        let name = name.trim();
        [
            (DEFAULT_POLICY_CLASS, Self::Default),
            (IDENTITY_POLICY_CLASS, Self::Identity),
        ]
        .into_iter()
        .find(|(class, _)| name == *class || class.rsplit('.').next() == Some(name))
        .map(|(_, kind)| kind)
    }
}

/// A configured replication policy: names remote topics, finds where a topic came from, and
/// tells MirrorMaker 2's internal topics apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationPolicy {
    kind: PolicyKind,
    separator: String,
    /// The source alias `IdentityReplicationPolicy` reports as every topic's source.
    source_alias: String,
}

impl ReplicationPolicy {
    /// A policy of `kind` with `separator`; `source_alias` is what the identity policy reports
    /// as the source of any (non-heartbeat) topic.
    pub fn new(
        kind: PolicyKind,
        separator: impl Into<String>,
        source_alias: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            separator: separator.into(),
            source_alias: source_alias.into(),
        }
    }

    /// Which policy this is.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The name of `topic` from cluster `source_alias` on the target cluster.
    pub fn format_remote_topic(&self, source_alias: &str, topic: &str) -> String {
        match self.kind {
            PolicyKind::Identity if !looks_like_heartbeat(topic) => topic.to_owned(),
            _ => format!("{source_alias}{}{topic}", self.separator),
        }
    }

    /// The alias of the cluster `topic` was replicated from, or `None` for a local topic.
    pub fn topic_source<'a>(&'a self, topic: &'a str) -> Option<&'a str> {
        match self.kind {
            PolicyKind::Identity if !looks_like_heartbeat(topic) => Some(&self.source_alias),
            _ => self.split(topic).map(|(source, _)| source),
        }
    }

    /// The name `topic` had on the cluster it was replicated from, or `None` for a local topic.
    pub fn upstream_topic<'a>(&self, topic: &'a str) -> Option<&'a str> {
        match self.kind {
            PolicyKind::Identity if !looks_like_heartbeat(topic) => Some(topic),
            _ => self.split(topic).map(|(_, upstream)| upstream),
        }
    }

    /// The name `topic` had where it was first written, following every replication hop.
    pub fn original_topic<'a>(&self, topic: &'a str) -> &'a str {
        let mut topic = topic;
        loop {
            match self.upstream_topic(topic) {
                Some(upstream) if upstream != topic => topic = upstream,
                _ => return topic,
            }
        }
    }

    /// True for the heartbeats topic and its replicas (`source.heartbeats`, …).
    pub fn is_heartbeats_topic(&self, topic: &str) -> bool {
        self.original_topic(topic) == HEARTBEATS_TOPIC
    }

    /// True for MirrorMaker 2's own internal topics (offset syncs, checkpoints): those ending
    /// in `<separator>internal`.
    pub fn is_mm2_internal_topic(&self, topic: &str) -> bool {
        topic
            .strip_suffix("internal")
            .is_some_and(|rest| rest.ends_with(self.separator.as_str()))
    }

    /// True for topics that are never replicated: MirrorMaker 2's internal topics, Kafka's
    /// (`__…`, `.…`) and Connect's default internal topics (`…-internal`, `….internal`).
    pub fn is_internal_topic(&self, topic: &str) -> bool {
        self.is_mm2_internal_topic(topic)
            || topic.starts_with("__")
            || topic.starts_with('.')
            || topic.ends_with("-internal")
            || topic.ends_with(".internal")
    }

    /// True when `topic` came from `target_alias`, directly or through other clusters: copying
    /// it to that cluster again would replicate in a cycle.
    pub fn is_cycle(&self, topic: &str, target_alias: &str) -> bool {
        let mut topic = topic;
        loop {
            match self.topic_source(topic) {
                None => return false,
                Some(source) if source == target_alias => return true,
                Some(_) => match self.upstream_topic(topic) {
                    // The identity policy cannot see further upstream.
                    Some(upstream) if upstream != topic => topic = upstream,
                    _ => return false,
                },
            }
        }
    }

    /// `DefaultReplicationPolicy`'s reading of a remote topic: the part before the first
    /// separator and the rest. Like Java's `String.split`, trailing empty parts do not count,
    /// so `a.` and `a..` are local topics.
    fn split<'a>(&self, topic: &'a str) -> Option<(&'a str, &'a str)> {
        let separator = self.separator.as_str();
        if separator.is_empty() {
            return None;
        }
        let (source, upstream) = topic.split_once(separator)?;
        let only_separators = upstream.split(separator).all(str::is_empty);
        (!only_separators).then_some((source, upstream))
    }
}

fn looks_like_heartbeat(topic: &str) -> bool {
    topic.ends_with(HEARTBEATS_TOPIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_policy() -> ReplicationPolicy {
        ReplicationPolicy::new(PolicyKind::Default, ".", "source")
    }

    fn identity_policy() -> ReplicationPolicy {
        ReplicationPolicy::new(PolicyKind::Identity, ".", "us-east")
    }

    #[test]
    fn policy_classes_resolve_by_full_and_simple_name() {
        assert_eq!(
            PolicyKind::from_class(DEFAULT_POLICY_CLASS),
            Some(PolicyKind::Default)
        );
        assert_eq!(
            PolicyKind::from_class("DefaultReplicationPolicy"),
            Some(PolicyKind::Default)
        );
        assert_eq!(
            PolicyKind::from_class(IDENTITY_POLICY_CLASS),
            Some(PolicyKind::Identity)
        );
        assert_eq!(
            PolicyKind::from_class("IdentityReplicationPolicy"),
            Some(PolicyKind::Identity)
        );
        assert_eq!(
            PolicyKind::from_class("com.acme.DefaultReplicationPolicy"),
            None
        );
        assert_eq!(PolicyKind::from_class("Unknown"), None);
    }

    #[test]
    fn default_policy_prefixes_the_source_alias() {
        let policy = default_policy();
        assert_eq!(
            policy.format_remote_topic("us-west", "orders"),
            "us-west.orders"
        );
        assert_eq!(policy.topic_source("us-west.orders"), Some("us-west"));
        assert_eq!(policy.upstream_topic("us-west.orders"), Some("orders"));
        assert_eq!(policy.upstream_topic("a.b.orders"), Some("b.orders"));
        assert_eq!(policy.original_topic("a.b.orders"), "orders");
        assert_eq!(policy.topic_source("orders"), None);
        assert_eq!(policy.upstream_topic("orders"), None);
    }

    #[test]
    fn default_policy_reads_edge_names_like_java_split() {
        let policy = default_policy();
        assert_eq!(policy.topic_source("orders."), None);
        assert_eq!(policy.topic_source("orders.."), None);
        assert_eq!(policy.topic_source("."), None);
        assert_eq!(policy.topic_source(".orders"), Some(""));
        assert_eq!(policy.upstream_topic("a..b"), Some(".b"));
    }

    #[test]
    fn custom_separator_is_used_both_ways() {
        let policy = ReplicationPolicy::new(PolicyKind::Default, "__", "source");
        assert_eq!(
            policy.format_remote_topic("dc1", "orders.v1"),
            "dc1__orders.v1"
        );
        assert_eq!(policy.topic_source("dc1__orders.v1"), Some("dc1"));
        assert_eq!(policy.upstream_topic("dc1__orders.v1"), Some("orders.v1"));
        assert_eq!(policy.topic_source("orders.v1"), None);
        assert!(policy.is_mm2_internal_topic("mm2-offset-syncs__dc1__internal"));
    }

    #[test]
    fn default_policy_detects_cycles_through_every_hop() {
        let policy = default_policy();
        assert!(policy.is_cycle("target.orders", "target"));
        assert!(policy.is_cycle("other.target.orders", "target"));
        assert!(!policy.is_cycle("other.orders", "target"));
        assert!(!policy.is_cycle("orders", "target"));
        assert!(!policy.is_cycle("targets.orders", "target"));
    }

    #[test]
    fn identity_policy_keeps_names_but_not_for_heartbeats() {
        let policy = identity_policy();
        assert_eq!(policy.format_remote_topic("us-east", "orders"), "orders");
        assert_eq!(
            policy.format_remote_topic("us-east", "heartbeats"),
            "us-east.heartbeats"
        );
        assert_eq!(policy.topic_source("orders"), Some("us-east"));
        assert_eq!(policy.upstream_topic("orders"), Some("orders"));
        assert_eq!(policy.topic_source("us-east.heartbeats"), Some("us-east"));
        assert_eq!(
            policy.upstream_topic("us-east.heartbeats"),
            Some("heartbeats")
        );
        assert_eq!(policy.original_topic("orders"), "orders");
    }

    #[test]
    fn identity_policy_only_sees_a_cycle_when_the_aliases_match() {
        let policy = identity_policy();
        assert!(!policy.is_cycle("orders", "us-west"));
        assert!(!policy.is_cycle("target.orders", "target"));
        assert!(policy.is_cycle("orders", "us-east"));
        assert!(policy.is_cycle("us-west.heartbeats", "us-west"));
    }

    #[test]
    fn heartbeats_are_recognised_through_replication_hops() {
        let policy = default_policy();
        assert!(policy.is_heartbeats_topic("heartbeats"));
        assert!(policy.is_heartbeats_topic("a.heartbeats"));
        assert!(policy.is_heartbeats_topic("b.a.heartbeats"));
        assert!(!policy.is_heartbeats_topic("my-heartbeats"));
    }

    #[test]
    fn internal_topics_are_recognised() {
        let policy = default_policy();
        for topic in [
            "__consumer_offsets",
            ".hidden",
            "connect-offsets-internal",
            "mm2-offset-syncs.target.internal",
            "source.checkpoints.internal",
        ] {
            assert!(policy.is_internal_topic(topic), "{topic}");
        }
        for topic in ["orders", "internal", "source.orders", "internals"] {
            assert!(!policy.is_internal_topic(topic), "{topic}");
        }
    }
}
