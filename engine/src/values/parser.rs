//! The tokenizer and recursive parser behind [`super::parse_string`], following Connect's
//! `Values.Parser`: tokens split at unescaped `:` `,` `{` `}` `[` `]` `"`, and a failed array or
//! map falls back to plain text.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use sluice_codecs::schema::LogicalType;
use sluice_codecs::{Decimal, Schema, SchemaRef, SchemaType, Value};

use super::convert_to_string;
use crate::java_text::{self, MILLIS_PER_DAY};

/// Nesting beyond this is read as text, so hostile header values cannot exhaust the stack.
const MAX_DEPTH: usize = 64;
/// Longer numeric tokens are read as text: Connect would build a huge `BigDecimal`, and no
/// real header carries a number this long.
const MAX_NUMBER_LEN: usize = 400;

static STRING: LazyLock<SchemaRef> = LazyLock::new(|| Schema::string().into_ref());
static BOOLEAN: LazyLock<SchemaRef> = LazyLock::new(|| Schema::boolean().into_ref());
static INT8: LazyLock<SchemaRef> = LazyLock::new(|| Schema::int8().into_ref());
static INT16: LazyLock<SchemaRef> = LazyLock::new(|| Schema::int16().into_ref());
static INT32: LazyLock<SchemaRef> = LazyLock::new(|| Schema::int32().into_ref());
static INT64: LazyLock<SchemaRef> = LazyLock::new(|| Schema::int64().into_ref());
static FLOAT32: LazyLock<SchemaRef> = LazyLock::new(|| Schema::float32().into_ref());
static FLOAT64: LazyLock<SchemaRef> = LazyLock::new(|| Schema::float64().into_ref());
static DATE: LazyLock<SchemaRef> = LazyLock::new(|| Schema::date().into_ref());
static TIME: LazyLock<SchemaRef> = LazyLock::new(|| Schema::time().into_ref());
static TIMESTAMP: LazyLock<SchemaRef> = LazyLock::new(|| Schema::timestamp().into_ref());

/// A parsed value and its schema; `None` for the `null` literal.
type Parsed = Option<(Option<SchemaRef>, Value)>;

/// Connect's `DataException` inside the parser: the enclosing array or map is read as text.
struct Malformed;

pub(super) fn parse_string(text: &str) -> (Option<SchemaRef>, Value) {
    if text.is_empty() {
        return (Some(STRING.clone()), Value::from(""));
    }
    let mut parser = Parser::new(text);
    match parse(&mut parser, false, 0) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => (None, Value::Null),
        Err(Malformed) => (Some(STRING.clone()), Value::from(text)),
    }
}

fn parse(parser: &mut Parser<'_>, embedded: bool, depth: usize) -> Result<Parsed, Malformed> {
    if !parser.has_next() {
        return Ok(None);
    }
    if depth > MAX_DEPTH {
        return Err(Malformed);
    }
    if embedded && parser.can_consume("\"") {
        return Ok(Some(quoted(parser)));
    }
    if single_token_literal(parser, embedded, "null") {
        return Ok(None);
    }
    for (literal, flag) in [("true", true), ("false", false)] {
        if single_token_literal(parser, embedded, literal) {
            return Ok(Some((Some(BOOLEAN.clone()), Value::Boolean(flag))));
        }
    }
    let start = parser.mark();
    let container = if parser.can_consume("[") {
        array(parser, depth).map(Some)
    } else if parser.can_consume("{") {
        map(parser, depth).map(Some)
    } else {
        Ok(None)
    };
    match container {
        Ok(Some(parsed)) => return Ok(Some(parsed)),
        Ok(None) => {}
        Err(Malformed) => parser.rewind_to(start),
    }
    scalar(parser, embedded).map(Some)
}

/// A quoted string inside an array or map: the raw text up to the next unescaped quote. A
/// quoted date, time or timestamp keeps its temporal type.
fn quoted(parser: &mut Parser<'_>) -> (Option<SchemaRef>, Value) {
    let mut content = String::new();
    while parser.has_next() {
        if parser.can_consume("\"") {
            break;
        }
        content.push_str(parser.next());
    }
    temporal(&content).unwrap_or_else(|| (Some(STRING.clone()), Value::string(content)))
}

/// A literal that stands alone: inside a container, or as the whole top-level text (so the
/// top-level `true}` is text, not a boolean).
fn single_token_literal(parser: &mut Parser<'_>, embedded: bool, literal: &str) -> bool {
    let start = parser.mark();
    if parser.can_consume(literal) && (embedded || !parser.has_next()) {
        return true;
    }
    parser.rewind_to(start);
    false
}

fn array(parser: &mut Parser<'_>, depth: usize) -> Result<(Option<SchemaRef>, Value), Malformed> {
    let mut items = Vec::new();
    let mut common = Merger::default();
    while parser.has_next() {
        if parser.can_consume("]") {
            return Ok(match common.schema() {
                Some(item_schema) => {
                    let items = align_all(&item_schema, items)?;
                    (
                        Some(Schema::array(item_schema).into_ref()),
                        Value::Array(items),
                    )
                }
                None => (None, Value::Array(items)),
            });
        }
        if parser.can_consume(",") {
            return Err(Malformed);
        }
        let item = parse(parser, true, depth + 1)?;
        common.merge(&item);
        items.push(item.map_or(Value::Null, |(_, value)| value));
        let current = parser.mark();
        if parser.can_consume("]") {
            parser.rewind_to(current);
        } else if !parser.can_consume(",") {
            return Err(Malformed);
        }
    }
    Err(Malformed)
}

fn map(parser: &mut Parser<'_>, depth: usize) -> Result<(Option<SchemaRef>, Value), Malformed> {
    let mut entries: Vec<(Value, Value)> = Vec::new();
    let (mut keys, mut values) = (Merger::default(), Merger::default());
    while parser.has_next() {
        if parser.can_consume("}") {
            return finish_map(entries, keys.schema(), values.schema());
        }
        if parser.can_consume(",") {
            return Err(Malformed);
        }
        let key = parse(parser, true, depth + 1)?;
        let Some((key_schema, key_value)) = key else {
            return Err(Malformed);
        };
        if key_value.is_null() || !parser.can_consume(":") {
            return Err(Malformed);
        }
        let value = parse(parser, true, depth + 1)?;
        parser.can_consume(",");
        keys.merge(&Some((key_schema, Value::Null)));
        values.merge(&value);
        let value = value.map_or(Value::Null, |(_, value)| value);
        // A repeated key replaces the earlier value in place, as a LinkedHashMap does.
        match entries.iter_mut().find(|(known, _)| *known == key_value) {
            Some(entry) => entry.1 = value,
            None => entries.push((key_value, value)),
        }
    }
    Err(Malformed)
}

fn finish_map(
    entries: Vec<(Value, Value)>,
    key_schema: Option<SchemaRef>,
    value_schema: Option<SchemaRef>,
) -> Result<(Option<SchemaRef>, Value), Malformed> {
    let Some(key_schema) = key_schema else {
        return Ok((None, Value::Map(entries)));
    };
    let mut aligned = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let key = align(&key_schema, key).ok_or(Malformed)?;
        let value = match &value_schema {
            Some(schema) => align(schema, value).ok_or(Malformed)?,
            None => value,
        };
        aligned.push((key, value));
    }
    let schema = value_schema.map(|value_schema| Schema::map(key_schema, value_schema).into_ref());
    Ok((schema, Value::Map(aligned)))
}

/// A number, a temporal, or (at the top level) the original text.
fn scalar(
    parser: &mut Parser<'_>,
    embedded: bool,
) -> Result<(Option<SchemaRef>, Value), Malformed> {
    let raw = parser.next();
    let token = java_trim(raw);
    if token.is_empty() {
        return Ok((Some(STRING.clone()), Value::from(raw)));
    }
    let first = token.as_bytes()[0];
    let mut found = None;
    if first.is_ascii_digit() {
        // Unescaped colons split a time or timestamp into five tokens.
        let position = parser.mark();
        if let Some(rest) = parser.next_n(4) {
            found = temporal(&format!("{token}{rest}"));
        }
        if found.is_none() {
            parser.rewind_to(position);
            found = temporal(token);
        }
    }
    if found.is_none() && (first.is_ascii_digit() || first == b'+' || first == b'-') {
        found = number(token);
    }
    match found {
        Some(parsed) if embedded || !parser.has_next() => Ok(parsed),
        _ if embedded => Err(Malformed),
        _ => Ok((Some(STRING.clone()), Value::from(parser.original))),
    }
}

fn temporal(token: &str) -> Option<(Option<SchemaRef>, Value)> {
    let token = token.replace("\\:", ":");
    match token.len() {
        13 => {
            let time = NaiveTime::parse_from_str(&token, "%H:%M:%S%.3fZ").ok()?;
            let millis = time.num_seconds_from_midnight() * 1000 + time.nanosecond() / 1_000_000;
            Some((Some(TIME.clone()), Value::Time(i32::try_from(millis).ok()?)))
        }
        24 => {
            let time = NaiveDateTime::parse_from_str(&token, "%Y-%m-%dT%H:%M:%S%.3fZ").ok()?;
            Some((
                Some(TIMESTAMP.clone()),
                Value::Timestamp(time.and_utc().timestamp_millis()),
            ))
        }
        10 => {
            let date = NaiveDate::parse_from_str(&token, "%Y-%m-%d").ok()?;
            let days = date.signed_duration_since(NaiveDate::default()).num_days();
            Some((Some(DATE.clone()), Value::Date(i32::try_from(days).ok()?)))
        }
        _ => None,
    }
}

/// `new BigDecimal(token)` narrowed as Connect does: exact integers to the smallest integer
/// type, then FLOAT32, FLOAT64 (only for a non-zero scale), then Decimal.
fn number(token: &str) -> Option<(Option<SchemaRef>, Value)> {
    if token.len() > MAX_NUMBER_LEN {
        return None;
    }
    let decimal = Decimal::parse(token).ok()?;
    if let Some(integer) = decimal.to_i64_exact() {
        return Some(narrowest_integer(integer));
    }
    if decimal.scale() != 0 {
        if let Some(value) = token.parse::<f32>().ok().filter(|v| v.is_finite()) {
            return Some((Some(FLOAT32.clone()), Value::Float32(value)));
        }
        if let Some(value) = token.parse::<f64>().ok().filter(|v| v.is_finite()) {
            return Some((Some(FLOAT64.clone()), Value::Float64(value)));
        }
    }
    let schema = Schema::decimal(decimal.scale()).into_ref();
    Some((Some(schema), Value::Decimal(decimal)))
}

fn narrowest_integer(value: i64) -> (Option<SchemaRef>, Value) {
    if let Ok(v) = i8::try_from(value) {
        (Some(INT8.clone()), Value::Int8(v))
    } else if let Ok(v) = i16::try_from(value) {
        (Some(INT16.clone()), Value::Int16(v))
    } else if let Ok(v) = i32::try_from(value) {
        (Some(INT32.clone()), Value::Int32(v))
    } else {
        (Some(INT64.clone()), Value::Int64(value))
    }
}

/// Connect's `SchemaMerger`: the common schema of a container's entries, lost for good once two
/// entries have no common schema. Null entries do not count.
#[derive(Default)]
struct Merger {
    common: Option<SchemaRef>,
    incompatible: bool,
}

impl Merger {
    fn merge(&mut self, latest: &Parsed) {
        let Some((Some(latest), _)) = latest else {
            return;
        };
        if self.incompatible {
            return;
        }
        self.common = match self.common.take() {
            None => Some(latest.clone()),
            Some(previous) => common_schema(previous, latest.clone()),
        };
        self.incompatible = self.common.is_none();
    }

    fn schema(&self) -> Option<SchemaRef> {
        self.common.clone()
    }
}

/// Connect's `commonSchemaFor`: numbers widen along INT8 → INT16 → INT32 → INT64 → FLOAT32 →
/// FLOAT64; the same type keeps the later schema; anything else has no common schema.
fn common_schema(previous: SchemaRef, latest: SchemaRef) -> Option<SchemaRef> {
    let (before, after) = (previous.schema_type(), latest.schema_type());
    if before == after {
        return Some(latest);
    }
    match (numeric_rank(before), numeric_rank(after)) {
        (Some(b), Some(a)) if b > a => Some(previous),
        (Some(_), Some(_)) => Some(latest),
        _ => None,
    }
}

fn numeric_rank(ty: SchemaType) -> Option<u8> {
    Some(match ty {
        SchemaType::Int8 => 0,
        SchemaType::Int16 => 1,
        SchemaType::Int32 => 2,
        SchemaType::Int64 => 3,
        SchemaType::Float32 => 4,
        SchemaType::Float64 => 5,
        _ => return None,
    })
}

fn align_all(schema: &Schema, items: Vec<Value>) -> Result<Vec<Value>, Malformed> {
    items
        .into_iter()
        .map(|item| align(schema, item).ok_or(Malformed))
        .collect()
}

/// Connect's `convertTo(schema, null, value)` for parsed entries: converts `value` to the type
/// of `schema`, or `None` where Connect raises a `DataException`.
fn align(schema: &Schema, value: Value) -> Option<Value> {
    if value.is_null() {
        return Some(value);
    }
    let day = MILLIS_PER_DAY;
    Some(match (schema.logical_type(), value) {
        (Some(LogicalType::Date), Value::Date(days)) => Value::Date(days),
        (Some(LogicalType::Date), Value::Timestamp(ms)) => {
            Value::Date(i32::try_from(ms.div_euclid(day)).ok()?)
        }
        (Some(LogicalType::Date), other) => Value::Date(as_long(&other)? as i32),
        (Some(LogicalType::Time), Value::Time(ms)) => Value::Time(ms),
        (Some(LogicalType::Time), Value::Timestamp(ms)) => Value::Time(ms.rem_euclid(day) as i32),
        (Some(LogicalType::Time), other) => Value::Time(as_long(&other)? as i32),
        (Some(LogicalType::Timestamp), Value::Date(days)) => {
            Value::Timestamp(i64::from(days) * day)
        }
        (Some(LogicalType::Timestamp), other) => Value::Timestamp(as_long(&other)?),
        (Some(LogicalType::Decimal { .. }), Value::Decimal(d)) => Value::Decimal(d),
        (Some(LogicalType::Decimal { .. }), other) => {
            Value::Decimal(Decimal::parse(&java_text::double_to_string(as_double(&other)?)).ok()?)
        }
        (None, value) => align_primitive(schema.schema_type(), value)?,
    })
}

fn align_primitive(ty: SchemaType, value: Value) -> Option<Value> {
    Some(match (ty, value) {
        (SchemaType::Int8, value) => Value::Int8(as_long(&value)? as i8),
        (SchemaType::Int16, value) => Value::Int16(as_long(&value)? as i16),
        (SchemaType::Int32, value) => Value::Int32(as_long(&value)? as i32),
        (SchemaType::Int64, value) => Value::Int64(as_long(&value)?),
        (SchemaType::Float32, value) => Value::Float32(as_double(&value)? as f32),
        (SchemaType::Float64, value) => Value::Float64(as_double(&value)?),
        (SchemaType::String, value) => Value::string(convert_to_string(None, &value)?),
        (SchemaType::Boolean, Value::Boolean(b)) => Value::Boolean(b),
        (SchemaType::Boolean, value) => Value::Boolean(as_long(&value)? != 0),
        (_, value) => value,
    })
}

fn as_long(value: &Value) -> Option<i64> {
    Some(match value {
        Value::Int8(n) => i64::from(*n),
        Value::Int16(n) => i64::from(*n),
        Value::Int32(n) | Value::Date(n) | Value::Time(n) => i64::from(*n),
        Value::Int64(n) | Value::Timestamp(n) => *n,
        Value::Float32(n) => *n as i64,
        Value::Float64(n) => *n as i64,
        Value::Decimal(d) => d.to_f64() as i64,
        _ => return None,
    })
}

fn as_double(value: &Value) -> Option<f64> {
    Some(match value {
        Value::Float32(n) => f64::from(*n),
        Value::Float64(n) => *n,
        Value::Decimal(d) => d.to_f64(),
        other => as_long(other)? as f64,
    })
}

/// Java's `String.trim`: strips every character up to and including the space.
fn java_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}

/// Connect's `Values.Parser`: a token stream over the text with one token of look-ahead.
struct Parser<'a> {
    original: &'a str,
    index: usize,
    peeked: Option<&'a str>,
}

impl<'a> Parser<'a> {
    fn new(original: &'a str) -> Self {
        Self {
            original,
            index: 0,
            peeked: None,
        }
    }

    /// Where the next token starts.
    fn mark(&self) -> usize {
        self.index - self.peeked.map_or(0, str::len)
    }

    fn rewind_to(&mut self, position: usize) {
        self.index = position;
        self.peeked = None;
    }

    fn has_next(&self) -> bool {
        self.peeked.is_some() || self.index < self.original.len()
    }

    fn next(&mut self) -> &'a str {
        match self.peeked.take() {
            Some(token) => token,
            None => self.consume_token(),
        }
    }

    /// The text of the next `n` tokens, or `None` (consuming nothing) when fewer remain.
    fn next_n(&mut self, n: usize) -> Option<&'a str> {
        let start = self.mark();
        for _ in 0..n {
            if !self.has_next() {
                self.rewind_to(start);
                return None;
            }
            self.next();
        }
        Some(&self.original[start..self.index])
    }

    /// Consumes the next non-blank token when, trimmed, it is `expected`.
    fn can_consume(&mut self, expected: &str) -> bool {
        if self.peeked.is_none() {
            if !self.has_next() {
                return false;
            }
            self.peeked = Some(self.consume_token());
        }
        while let Some(token) = self.peeked {
            if !java_trim(token).is_empty() || self.index >= self.original.len() {
                break;
            }
            self.peeked = Some(self.consume_token());
        }
        if self
            .peeked
            .is_some_and(|token| java_trim(token) == expected)
        {
            self.peeked = None;
            return true;
        }
        false
    }

    fn consume_token(&mut self) -> &'a str {
        let bytes = self.original.as_bytes();
        let start = self.index;
        let mut escaped = false;
        while self.index < bytes.len() {
            match bytes[self.index] {
                b'\\' => escaped = !escaped,
                b':' | b',' | b'{' | b'}' | b'[' | b']' | b'"' if !escaped => {
                    if start < self.index {
                        return &self.original[start..self.index];
                    }
                    self.index += 1;
                    return &self.original[start..self.index];
                }
                _ => escaped = false,
            }
            self.index += 1;
        }
        &self.original[start..]
    }
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
