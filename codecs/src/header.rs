//! Record headers: Connect's `ConnectHeaders`, an ordered list in which keys may repeat.

use crate::schema::SchemaRef;
use crate::str::Str;
use crate::value::Value;

/// One header: a key, an optional schema and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The header key.
    pub key: Str,
    /// The value's schema, when known.
    pub schema: Option<SchemaRef>,
    /// The value.
    pub value: Value,
}

/// The headers of a record, in order; a key may appear more than once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers(Vec<Header>);

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a header.
    pub fn add(
        &mut self,
        key: impl Into<Str>,
        schema: Option<SchemaRef>,
        value: Value,
    ) -> &mut Self {
        self.0.push(Header {
            key: key.into(),
            schema,
            value,
        });
        self
    }

    /// Every header, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.0.iter()
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The headers called `key`, in order.
    pub fn all_with_name<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Header> + 'a {
        self.0.iter().filter(move |header| header.key == key)
    }

    /// The last header called `key`.
    pub fn last_with_name(&self, key: &str) -> Option<&Header> {
        self.0.iter().rev().find(|header| header.key == key)
    }

    /// Removes every header called `key`.
    pub fn remove(&mut self, key: &str) -> &mut Self {
        self.0.retain(|header| header.key != key);
        self
    }

    /// Keeps only the last header of each key, in their original order.
    pub fn retain_latest(&mut self) -> &mut Self {
        let mut seen = std::collections::HashSet::new();
        let mut latest: Vec<Header> = std::mem::take(&mut self.0)
            .into_iter()
            .rev()
            .filter(|header| seen.insert(header.key.clone()))
            .collect();
        latest.reverse();
        self.0 = latest;
        self
    }

    /// Replaces each header with what `transform` returns, dropping it on `None`.
    pub fn apply(&mut self, mut transform: impl FnMut(Header) -> Option<Header>) -> &mut Self {
        self.0 = std::mem::take(&mut self.0)
            .into_iter()
            .filter_map(&mut transform)
            .collect();
        self
    }
}

impl FromIterator<Header> for Headers {
    fn from_iter<I: IntoIterator<Item = Header>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl IntoIterator for Headers {
    type Item = Header;
    type IntoIter = std::vec::IntoIter<Header>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(headers: &Headers) -> Vec<String> {
        headers
            .iter()
            .map(|h| format!("{}={:?}", h.key, h.value))
            .collect()
    }

    #[test]
    fn keys_repeat_and_keep_order() {
        let mut headers = Headers::new();
        headers
            .add("a", None, Value::Int32(1))
            .add("b", None, Value::Int32(2))
            .add("a", None, Value::Int32(3));
        assert_eq!(headers.all_with_name("a").count(), 2);
        assert_eq!(
            headers.last_with_name("a").map(|h| &h.value),
            Some(&Value::Int32(3))
        );
        headers.retain_latest();
        assert_eq!(keys(&headers), ["b=Int32(2)", "a=Int32(3)"]);
        headers.remove("a");
        assert_eq!(keys(&headers), ["b=Int32(2)"]);
    }
}
