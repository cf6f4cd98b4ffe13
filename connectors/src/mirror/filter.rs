//! [`TopicFilter`]: which source topics MirrorMaker 2 replicates (Kafka's `DefaultTopicFilter`:
//! `topics` and `topics.exclude` regex lists).

use regex::Regex;

/// Topics matching any `include` regex and no `exclude` regex, each regex matching the whole
/// name (Java's `Matcher.matches`).
#[derive(Debug, Clone)]
pub struct TopicFilter {
    include: Regex,
    exclude: Regex,
}

impl TopicFilter {
    /// A filter from the `topics` and `topics.exclude` lists. An empty list matches no topic,
    /// as Kafka's joined empty pattern does.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, regex::Error> {
        Ok(Self {
            include: whole_match(include)?,
            exclude: whole_match(exclude)?,
        })
    }

    /// True when `topic` is included and not excluded.
    pub fn should_replicate_topic(&self, topic: &str) -> bool {
        self.include.is_match(topic) && !self.exclude.is_match(topic)
    }
}

/// The patterns joined with `|` (Kafka's `MirrorUtils.compilePatternList`), anchored at both
/// ends.
pub fn whole_match(patterns: &[String]) -> Result<Regex, regex::Error> {
    Regex::new(&format!(r"\A(?:{})\z", patterns.join("|")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    /// `topics.exclude`'s default, as Kafka writes it.
    fn default_exclude() -> Vec<String> {
        list(&[r".*[\-\.]internal", r".*\.replica", "__.*"])
    }

    #[test]
    fn default_filter_takes_everything_but_internal_replica_and_hidden_topics() {
        let filter = TopicFilter::new(&list(&[".*"]), &default_exclude()).expect("valid");
        for topic in ["orders", "a.b", "my-topic", "internal"] {
            assert!(filter.should_replicate_topic(topic), "{topic}");
        }
        for topic in [
            "connect-configs-internal",
            "mm2-offset-syncs.b.internal",
            "orders.replica",
            "__consumer_offsets",
        ] {
            assert!(!filter.should_replicate_topic(topic), "{topic}");
        }
    }

    #[test]
    fn patterns_match_the_whole_topic_name() {
        let filter = TopicFilter::new(&list(&["orders", "pay.*"]), &[]).expect("valid");
        assert!(filter.should_replicate_topic("orders"));
        assert!(filter.should_replicate_topic("payments"));
        assert!(!filter.should_replicate_topic("orders-v2"));
        assert!(!filter.should_replicate_topic("old-payments"));
    }

    #[test]
    fn exclusion_wins_over_inclusion() {
        let filter = TopicFilter::new(&list(&["pay.*"]), &list(&["payments-test"])).expect("valid");
        assert!(filter.should_replicate_topic("payments"));
        assert!(!filter.should_replicate_topic("payments-test"));
    }

    #[test]
    fn empty_include_list_matches_nothing() {
        let filter = TopicFilter::new(&[], &[]).expect("valid");
        assert!(!filter.should_replicate_topic("orders"));
    }

    #[test]
    fn invalid_regex_is_an_error() {
        assert!(TopicFilter::new(&list(&["(unclosed"]), &[]).is_err());
    }
}
