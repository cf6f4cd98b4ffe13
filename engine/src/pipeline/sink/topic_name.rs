//! [`TopicNames`]: the sink task thread's own copy of the topic name its records carry.

use sluice_codecs::Str;

/// The last topic name the task thread put on a record, as its own [`Str`]: clones of it
/// touch a reference count only this thread uses, where clones of a consumed message's name
/// would update, per record, the count the fetch thread updates for every message it polls.
#[derive(Debug, Default)]
pub(crate) struct TopicNames {
    last: Option<Str>,
}

impl TopicNames {
    /// `topic` as this thread's own name (made once per change of topic).
    pub(crate) fn name(&mut self, topic: &str) -> Str {
        match &self.last {
            Some(last) if last.as_str() == topic => last.clone(),
            _ => self.last.insert(Str::from(topic)).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_made_once_per_change_of_topic() {
        let mut names = TopicNames::default();
        let first = names.name("a");
        let again = names.name("a");
        assert_eq!(first.as_bytes().as_ptr(), again.as_bytes().as_ptr());
        let other = names.name("b");
        assert_eq!(other.as_str(), "b");
        assert_ne!(
            names.name("a").as_bytes().as_ptr(),
            first.as_bytes().as_ptr()
        );
    }
}
