//! A tiny generator of strings matching a regular expression, for the `regex` hint of
//! `arg.properties`: literals, `.`, escapes (`\d`, `\w`, `\s`, `\.`), character classes with
//! ranges (`[a-z0-9_]`), groups with alternation (`(a|bc)`), and the quantifiers `?`, `*`, `+`,
//! `{n}`, `{n,}` and `{n,m}`. Anchors `^` and `$` are accepted and ignored. Anything else
//! (negated classes, backreferences, lookarounds) is rejected with a reason.

use fastrand::Rng;

/// How many repetitions beyond the minimum an unbounded quantifier (`*`, `+`, `{n,}`) adds at most.
const UNBOUNDED_EXTRA: u32 = 8;
/// Most repetitions a counted quantifier may ask for, so a pattern cannot demand gigabytes.
const MAX_REPEAT: u32 = 10_000;

/// A parsed pattern that generates matching strings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    /// One character.
    Literal(char),
    /// One character from inclusive ranges.
    Class(Vec<(char, char)>),
    /// Each part in turn.
    Sequence(Vec<Pattern>),
    /// One of the alternatives.
    Alternation(Vec<Pattern>),
    /// The pattern between `min` and `max` times, inclusive.
    Repeat(Box<Pattern>, u32, u32),
}

impl Pattern {
    /// Parses `regex`, or says why it is not supported.
    pub(crate) fn parse(regex: &str) -> Result<Self, String> {
        let chars: Vec<char> = regex.chars().collect();
        let mut parser = Parser { chars, at: 0 };
        let pattern = parser.alternation()?;
        match parser.peek() {
            None => Ok(pattern),
            Some(c) => Err(format!(
                "unsupported regex {regex:?}: unexpected {c:?} at {}",
                parser.at
            )),
        }
    }

    /// Appends a random match to `out`.
    pub(crate) fn generate(&self, rng: &mut Rng, out: &mut String) {
        match self {
            Self::Literal(c) => out.push(*c),
            Self::Class(ranges) => out.push(pick(ranges, rng)),
            Self::Sequence(parts) => parts.iter().for_each(|part| part.generate(rng, out)),
            Self::Alternation(options) => {
                if !options.is_empty() {
                    options[rng.usize(..options.len())].generate(rng, out);
                }
            }
            Self::Repeat(inner, min, max) => {
                for _ in 0..rng.u32(*min..=*max) {
                    inner.generate(rng, out);
                }
            }
        }
    }
}

fn pick(ranges: &[(char, char)], rng: &mut Rng) -> char {
    let size = |(low, high): &(char, char)| u32::from(*high) - u32::from(*low) + 1;
    let total: u32 = ranges.iter().map(size).sum();
    let mut index = rng.u32(..total.max(1));
    for range in ranges {
        if index < size(range) {
            return char::from_u32(u32::from(range.0) + index).unwrap_or(range.0);
        }
        index -= size(range);
    }
    ranges.first().map_or('?', |range| range.0)
}

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
const SPACE: &[(char, char)] = &[(' ', ' ')];
const ANY: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9')];

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += 1;
        c
    }

    fn alternation(&mut self) -> Result<Pattern, String> {
        let mut options = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            options.push(self.sequence()?);
        }
        Ok(if options.len() == 1 {
            options.remove(0)
        } else {
            Pattern::Alternation(options)
        })
    }

    fn sequence(&mut self) -> Result<Pattern, String> {
        let mut parts = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let Some(atom) = self.atom()? else { continue };
            parts.push(self.quantified(atom)?);
        }
        Ok(Pattern::Sequence(parts))
    }

    fn atom(&mut self) -> Result<Option<Pattern>, String> {
        let at = self.at;
        Ok(Some(match self.next() {
            Some('^' | '$') => return Ok(None),
            Some('(') => {
                if self.peek() == Some('?') {
                    self.at += 1;
                    if self.next() != Some(':') {
                        return Err(format!("unsupported group construct at {at}"));
                    }
                }
                let inner = self.alternation()?;
                if self.next() != Some(')') {
                    return Err(format!("unclosed group opened at {at}"));
                }
                inner
            }
            Some('[') => self.class()?,
            Some('.') => Pattern::Class(ANY.to_vec()),
            Some('\\') => self.escape()?,
            Some(c @ ('*' | '+' | '?' | '{')) => {
                return Err(format!("quantifier {c:?} at {at} has nothing to repeat"));
            }
            Some(c) => Pattern::Literal(c),
            None => return Ok(None),
        }))
    }

    fn escape(&mut self) -> Result<Pattern, String> {
        let at = self.at;
        match self.next() {
            Some('d') => Ok(Pattern::Class(DIGITS.to_vec())),
            Some('w') => Ok(Pattern::Class(WORD.to_vec())),
            Some('s') => Ok(Pattern::Class(SPACE.to_vec())),
            Some('t') => Ok(Pattern::Literal('\t')),
            Some('n') => Ok(Pattern::Literal('\n')),
            Some(c) if !c.is_ascii_alphanumeric() => Ok(Pattern::Literal(c)),
            Some(c) => Err(format!("unsupported escape \\{c} at {at}")),
            None => Err("pattern ends with a lone backslash".to_owned()),
        }
    }

    fn class(&mut self) -> Result<Pattern, String> {
        let start = self.at;
        if self.peek() == Some('^') {
            return Err(format!(
                "negated character class at {start} is not supported"
            ));
        }
        let mut ranges = Vec::new();
        loop {
            let low = match self.next() {
                None => return Err(format!("unclosed character class opened at {start}")),
                Some(']') if !ranges.is_empty() => break,
                Some('\\') => match self.escape()? {
                    Pattern::Class(class) => {
                        ranges.extend(class);
                        continue;
                    }
                    Pattern::Literal(c) => c,
                    _ => unreachable!("escape gives a literal or a class"),
                },
                Some(c) => c,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']') {
                self.at += 1;
                let high = match self.next() {
                    Some('\\') => match self.escape()? {
                        Pattern::Literal(c) => c,
                        _ => return Err(format!("bad range end in class at {start}")),
                    },
                    Some(c) => c,
                    None => return Err(format!("unclosed character class opened at {start}")),
                };
                if high < low {
                    return Err(format!(
                        "range {low}-{high} out of order in class at {start}"
                    ));
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Ok(Pattern::Class(ranges))
    }

    fn quantified(&mut self, atom: Pattern) -> Result<Pattern, String> {
        let (min, max) = match self.peek() {
            Some('?') => (0, 1),
            Some('*') => (0, UNBOUNDED_EXTRA),
            Some('+') => (1, 1 + UNBOUNDED_EXTRA),
            Some('{') => return self.counted(atom),
            _ => return Ok(atom),
        };
        self.at += 1;
        self.skip_lazy();
        Ok(Pattern::Repeat(Box::new(atom), min, max))
    }

    fn counted(&mut self, atom: Pattern) -> Result<Pattern, String> {
        let start = self.at;
        let close = self.chars[start..]
            .iter()
            .position(|c| *c == '}')
            .ok_or_else(|| format!("unclosed repetition opened at {start}"))?;
        let body: String = self.chars[start + 1..start + close].iter().collect();
        let number = |text: &str| {
            text.trim()
                .parse::<u32>()
                .map_err(|_| format!("bad repetition {{{body}}} at {start}"))
        };
        let (min, max) = match body.split_once(',') {
            None => {
                let n = number(&body)?;
                (n, n)
            }
            Some((low, "")) => {
                let low = number(low)?;
                (low, low.saturating_add(UNBOUNDED_EXTRA))
            }
            Some((low, high)) => (number(low)?, number(high)?),
        };
        if max < min {
            return Err(format!(
                "repetition {{{body}}} at {start} has max below min"
            ));
        }
        if max > MAX_REPEAT {
            return Err(format!(
                "repetition {{{body}}} at {start} exceeds {MAX_REPEAT} repetitions"
            ));
        }
        self.at = start + close + 1;
        self.skip_lazy();
        Ok(Pattern::Repeat(Box::new(atom), min, max))
    }

    /// A lazy or possessive marker changes nothing about which strings match.
    fn skip_lazy(&mut self) {
        if matches!(self.peek(), Some('?' | '+')) {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(regex: &str) -> Vec<String> {
        let pattern = Pattern::parse(regex).expect("supported regex");
        let mut rng = Rng::with_seed(7);
        (0..200)
            .map(|_| {
                let mut out = String::new();
                pattern.generate(&mut rng, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn quickstart_patterns_generate_matching_strings() {
        for sample in samples("User_[1-9]{0,1}") {
            let digits = sample.strip_prefix("User_").expect("prefix");
            assert!(digits.len() <= 1 && digits.chars().all(|c| ('1'..='9').contains(&c)));
        }
        for sample in samples("Page_[1-9][0-9]?") {
            let digits = sample.strip_prefix("Page_").expect("prefix");
            assert!((1..=2).contains(&digits.len()), "{sample}");
            assert!(!digits.starts_with('0'));
        }
        for sample in samples("[a-z]{5}") {
            assert_eq!(sample.len(), 5);
            assert!(sample.chars().all(|c| c.is_ascii_lowercase()));
        }
    }

    #[test]
    fn groups_alternation_and_escapes() {
        let all = samples(r"(GET|POST) /\w+\.html");
        assert!(all.iter().any(|s| s.starts_with("GET /")));
        assert!(all.iter().any(|s| s.starts_with("POST /")));
        assert!(all.iter().all(|s| s.ends_with(".html")));
    }

    #[test]
    fn unsupported_constructs_are_rejected_with_a_reason() {
        assert!(Pattern::parse("[^a]").is_err());
        assert!(Pattern::parse("(?=a)").is_err());
        assert!(Pattern::parse(r"(a)\1").is_err());
        assert!(Pattern::parse("a{3,1}").is_err());
        assert!(Pattern::parse("(ab").is_err());
        assert!(Pattern::parse("a{1000000}").is_err());
    }
}
