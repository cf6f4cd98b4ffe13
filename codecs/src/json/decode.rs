//! Reading JSON payloads into Connect values, with a compiled [`Plan`] or schemaless, as
//! Kafka's `JsonConverter.convertToConnect` does.

use bytes::Bytes;

use super::base64;
use super::error::JsonError;
use super::plan::{FieldPlan, Kind, Plan};
use super::read::{Number, Reader};
use crate::decimal::Decimal;
use crate::str::Str;
use crate::value::{Struct, Value};

type Result<T> = std::result::Result<T, JsonError>;

/// Reads payload values for one call of the converter.
pub(crate) struct Decoder<'r, 'a> {
    pub reader: &'r mut Reader<'a>,
    pub replace_null_with_default: bool,
}

impl Decoder<'_, '_> {
    fn error(&self, position: usize, message: impl Into<String>) -> JsonError {
        JsonError::Payload {
            position,
            message: message.into(),
        }
    }

    /// Reads one value for the schema of `plan`.
    pub fn value(&mut self, plan: &Plan) -> Result<Value> {
        let first = self.reader.peek_some()?;
        if first == b'n' {
            let position = self.reader.position();
            self.reader.literal(b"null")?;
            return self.null(plan, position);
        }
        match &plan.kind {
            Kind::Boolean => self.boolean(first),
            Kind::Int8 => self.int(i64::from(i8::MIN), i64::from(i8::MAX), "INT8"),
            Kind::Int16 => self.int(i64::from(i16::MIN), i64::from(i16::MAX), "INT16"),
            Kind::Int32 => self.int(i64::from(i32::MIN), i64::from(i32::MAX), "INT32"),
            Kind::Int64 => self.int(i64::MIN, i64::MAX, "INT64"),
            Kind::Date => self.int(i64::from(i32::MIN), i64::from(i32::MAX), "Date"),
            // `Time.toLogical` accepts milliseconds in [0, 86 400 000].
            Kind::Time => self.int(0, MILLIS_PER_DAY, "Time"),
            Kind::Timestamp => self.int(i64::MIN, i64::MAX, "Timestamp"),
            Kind::Float32 => self.float32(first),
            Kind::Float64 => self.float64(first).map(Value::Float64),
            Kind::String => self.string(first).map(Value::String),
            Kind::Bytes => self.bytes(first).map(Value::Bytes),
            Kind::Decimal(scale) => self.decimal(first, *scale),
            Kind::Array(items) => self.array(first, items),
            Kind::Map { key, value, object } => {
                if *object {
                    self.object_map(first, value)
                } else {
                    self.pair_map(first, key, value)
                }
            }
            Kind::Struct(fields) => self.structure(first, plan, fields),
        }
        .map(|value| narrow(&plan.kind, value))
    }

    /// A JSON null (or a missing struct field) for `plan`'s schema.
    fn null(&self, plan: &Plan, position: usize) -> Result<Value> {
        let schema = &plan.schema;
        match &schema.default {
            Some(default) if self.replace_null_with_default => Ok(default.clone()),
            _ if schema.optional => Ok(Value::Null),
            _ => Err(self.error(
                position,
                format!(
                    "Invalid null value for required {} field",
                    schema.schema_type()
                ),
            )),
        }
    }

    fn boolean(&mut self, first: u8) -> Result<Value> {
        match first {
            b't' => self.reader.literal(b"true").map(|()| Value::Boolean(true)),
            b'f' => self
                .reader
                .literal(b"false")
                .map(|()| Value::Boolean(false)),
            _ => Err(self.wrong_type("a boolean")),
        }
    }

    fn number(&mut self, expected: &'static str) -> Result<Number> {
        match self.reader.peek_some()? {
            b'-' | b'0'..=b'9' => self.reader.number(),
            _ => Err(self.wrong_type(expected)),
        }
    }

    /// An integer in `min..=max`, returned as INT64; [`narrow`] gives it its variant.
    fn int(&mut self, min: i64, max: i64, what: &str) -> Result<Value> {
        let number = self.number("an integer")?;
        match number.int {
            Some(n) if (min..=max).contains(&n) => Ok(Value::Int64(n)),
            _ => Err(self.error(
                number.start,
                format!(
                    "{} is not a valid {what} value",
                    self.reader.number_text(&number)
                ),
            )),
        }
    }

    fn float64(&mut self, first: u8) -> Result<f64> {
        if first == b'"' {
            return self.non_finite();
        }
        let number = self.number("a number")?;
        Ok(self.reader.number_f64(&number))
    }

    fn float32(&mut self, first: u8) -> Result<Value> {
        if first == b'"' {
            return self.non_finite().map(|x| Value::Float32(x as f32));
        }
        let number = self.number("a number")?;
        let value = match number.int {
            Some(int) if int.unsigned_abs() < (1 << 24) => int as f32,
            _ => self.reader.number_text(&number).parse().unwrap_or(f32::NAN),
        };
        Ok(Value::Float32(value))
    }

    /// `"NaN"`, `"Infinity"` or `"-Infinity"`, as the writer quotes them.
    fn non_finite(&mut self) -> Result<f64> {
        let position = self.reader.position();
        let text = self.reader.string()?;
        match text.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(self.error(position, "expected a number")),
        }
    }

    fn string(&mut self, first: u8) -> Result<Str> {
        if first != b'"' {
            return Err(self.wrong_type("a string"));
        }
        self.reader.string()
    }

    fn bytes(&mut self, first: u8) -> Result<Bytes> {
        let position = self.reader.position();
        let text = self.string(first)?;
        base64::decode(text.as_bytes())
            .map(Bytes::from)
            .ok_or_else(|| self.error(position, "Invalid bytes field: not base64"))
    }

    /// A Decimal from base64 unscaled bytes or from a JSON number, rescaled to `scale`.
    fn decimal(&mut self, first: u8, scale: i32) -> Result<Value> {
        if first == b'"' {
            let position = self.reader.position();
            let bytes = self.bytes(first)?;
            // Java's `new BigInteger(byte[0])` fails: there is no zero-length unscaled value.
            if bytes.is_empty() {
                return Err(self.error(position, "Invalid bytes for Decimal field"));
            }
            return Ok(Value::Decimal(Decimal::new(bytes, scale)));
        }
        let number = self.number("a number or a base64 string")?;
        let text = self.reader.number_text(&number);
        rescale(text, scale).map(Value::Decimal).ok_or_else(|| {
            self.error(
                number.start,
                format!("{text} does not fit Decimal scale {scale}"),
            )
        })
    }

    fn array(&mut self, first: u8, items: &Plan) -> Result<Value> {
        if first != b'[' {
            return Err(self.wrong_type("an array"));
        }
        self.reader.enter()?;
        let mut elements = Vec::new();
        let mut more = self.reader.array_first()?;
        while more {
            elements.push(self.value(items)?);
            more = self.reader.array_next()?;
        }
        Ok(Value::Array(elements))
    }

    fn object_map(&mut self, first: u8, value: &Plan) -> Result<Value> {
        if first != b'{' {
            return Err(self.wrong_type("an object (a map with string keys)"));
        }
        self.reader.enter()?;
        let mut entries = Vec::new();
        let mut more = self.reader.object_first()?;
        while more {
            let key = self.reader.string()?;
            self.reader.expect(b':', "':'")?;
            entries.push((Value::String(key), self.value(value)?));
            more = self.reader.object_next()?;
        }
        Ok(Value::Map(entries))
    }

    fn pair_map(&mut self, first: u8, key: &Plan, value: &Plan) -> Result<Value> {
        if first != b'[' {
            return Err(self.wrong_type("an array of [key, value] pairs"));
        }
        self.reader.enter()?;
        let mut entries = Vec::new();
        let mut more = self.reader.array_first()?;
        while more {
            if self.reader.peek_some()? != b'[' {
                return Err(self.wrong_type("a [key, value] pair"));
            }
            self.reader.enter()?;
            let k = self.value(key)?;
            self.reader.expect(b',', "',' in a [key, value] pair")?;
            let v = self.value(value)?;
            self.reader
                .expect(b']', "']' closing a [key, value] pair")?;
            self.reader.leave();
            entries.push((k, v));
            more = self.reader.array_next()?;
        }
        Ok(Value::Map(entries))
    }

    fn structure(&mut self, first: u8, plan: &Plan, fields: &[FieldPlan]) -> Result<Value> {
        if first != b'{' {
            return Err(self.wrong_type("an object (a struct)"));
        }
        let start = self.reader.position();
        self.reader.enter()?;
        let mut values = vec![Value::Null; fields.len()];
        let mut seen = Seen::new(fields.len());
        let mut next = 0;
        let mut more = self.reader.object_first()?;
        while more {
            let key = self.reader.key()?;
            let key = key.as_bytes();
            // Fields usually come in schema order: try the next one before searching.
            let index = match fields.get(next) {
                Some(field) if *field.name == *key => Some(next),
                _ => fields.iter().position(|field| *field.name == *key),
            };
            match index {
                Some(index) => {
                    values[index] = self.value(&fields[index].plan)?;
                    seen.insert(index);
                    next = index + 1;
                }
                None => self.reader.skip_value()?,
            }
            more = self.reader.object_next()?;
        }
        if !seen.all() {
            for (index, field) in fields.iter().enumerate() {
                if !seen.contains(index) {
                    values[index] = self.null(&field.plan, start)?;
                }
            }
        }
        Struct::from_values(plan.schema.clone(), values)
            .map(Value::Struct)
            .map_err(JsonError::Data)
    }

    fn wrong_type(&self, expected: &str) -> JsonError {
        let position = self.reader.position();
        let found = match self.reader.rest().first() {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'-' | b'0'..=b'9') => "a number",
            _ => return self.reader.unexpected("a JSON value"),
        };
        self.error(position, format!("expected {expected}, found {found}"))
    }

    /// Reads one value with no schema: integral numbers are INT64, other numbers FLOAT64,
    /// objects maps with string keys, arrays arrays.
    pub fn schemaless(&mut self) -> Result<Value> {
        match self.reader.peek_some()? {
            b'n' => self.reader.literal(b"null").map(|()| Value::Null),
            b't' => self.reader.literal(b"true").map(|()| Value::Boolean(true)),
            b'f' => self
                .reader
                .literal(b"false")
                .map(|()| Value::Boolean(false)),
            b'"' => self.reader.string().map(Value::String),
            b'-' | b'0'..=b'9' => {
                let number = self.reader.number()?;
                match (number.integral, number.int) {
                    (true, Some(int)) => Ok(Value::Int64(int)),
                    (true, None) => Err(self.error(
                        number.start,
                        format!("{} does not fit INT64", self.reader.number_text(&number)),
                    )),
                    (false, _) => Ok(Value::Float64(self.reader.number_f64(&number))),
                }
            }
            b'[' => {
                self.reader.enter()?;
                let mut elements = Vec::new();
                let mut more = self.reader.array_first()?;
                while more {
                    elements.push(self.schemaless()?);
                    more = self.reader.array_next()?;
                }
                Ok(Value::Array(elements))
            }
            b'{' => {
                self.reader.enter()?;
                let mut entries = Vec::new();
                let mut more = self.reader.object_first()?;
                while more {
                    let key = self.reader.string()?;
                    self.reader.expect(b':', "':'")?;
                    entries.push((Value::String(key), self.schemaless()?));
                    more = self.reader.object_next()?;
                }
                Ok(Value::Map(entries))
            }
            _ => Err(self.reader.unexpected("a JSON value")),
        }
    }
}

/// Which struct fields a payload object held: a bit mask, or flags for wide structs.
enum Seen {
    Mask { bits: u64, full: u64 },
    Flags(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Self {
        match fields {
            0..64 => Self::Mask {
                bits: 0,
                full: (1u64 << fields) - 1,
            },
            _ => Self::Flags(vec![false; fields]),
        }
    }

    fn insert(&mut self, index: usize) {
        match self {
            Self::Mask { bits, .. } => *bits |= 1 << index,
            Self::Flags(flags) => flags[index] = true,
        }
    }

    fn contains(&self, index: usize) -> bool {
        match self {
            Self::Mask { bits, .. } => bits & (1 << index) != 0,
            Self::Flags(flags) => flags[index],
        }
    }

    fn all(&self) -> bool {
        match self {
            Self::Mask { bits, full } => bits == full,
            Self::Flags(flags) => flags.iter().all(|&flag| flag),
        }
    }
}

/// Gives an integer read as `i64` the variant its schema asks for (range already checked).
fn narrow(kind: &Kind, value: Value) -> Value {
    let Value::Int64(n) = value else {
        return value;
    };
    match kind {
        Kind::Int8 => Value::Int8(n as i8),
        Kind::Int16 => Value::Int16(n as i16),
        Kind::Int32 => Value::Int32(n as i32),
        Kind::Date => Value::Date(n as i32),
        Kind::Time => Value::Time(n as i32),
        Kind::Timestamp => Value::Timestamp(n),
        _ => value,
    }
}

/// Milliseconds in a day: the Time logical type's upper bound.
pub(crate) const MILLIS_PER_DAY: i64 = 86_400_000;

/// Longest run of zeros a number may need to reach its Decimal scale.
const MAX_RESCALE_ZEROS: i64 = 4096;
/// Most digits a Decimal read from a JSON number may have: converting digits to binary is
/// quadratic, so hostile megabyte-long numbers must fail fast.
const MAX_DECIMAL_DIGITS: usize = 8192;

/// The JSON number `text` as a Decimal of exactly `scale`, when that loses nothing.
fn rescale(text: &str, scale: i32) -> Option<Decimal> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.len() + fraction.len() > MAX_DECIMAL_DIGITS {
        return None;
    }
    // value = digits × 10^-(fraction.len() - exponent); shift to 10^-scale.
    let shift = i64::from(scale) - (fraction.len() as i64 - exponent);
    let mut digits = String::with_capacity(whole.len() + fraction.len() + 1);
    if negative {
        digits.push('-');
    }
    digits.push_str(whole);
    digits.push_str(fraction);
    if shift >= 0 {
        if shift > MAX_RESCALE_ZEROS {
            return None;
        }
        digits.extend(std::iter::repeat_n('0', shift as usize));
    } else {
        let drop = usize::try_from(-shift).ok()?;
        let keep = digits.len().checked_sub(drop)?;
        if !digits[keep..].bytes().all(|b| b == b'0') {
            return None;
        }
        digits.truncate(keep);
        if digits.is_empty() || digits == "-" {
            digits.push('0');
        }
    }
    let unscaled = Decimal::parse(&digits).ok()?;
    Some(Decimal::new(unscaled.unscaled_bytes().clone(), scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescale_pads_or_drops_only_zeros() {
        let text = |d: Option<Decimal>| d.map(|d| (d.to_string(), d.scale()));
        assert_eq!(text(rescale("1.5", 2)), Some(("1.50".into(), 2)));
        assert_eq!(text(rescale("2", 2)), Some(("2.00".into(), 2)));
        assert_eq!(text(rescale("-0.25", 2)), Some(("-0.25".into(), 2)));
        assert_eq!(text(rescale("1.500", 2)), Some(("1.50".into(), 2)));
        assert_eq!(text(rescale("1.2E3", 0)), Some(("1200".into(), 0)));
        assert_eq!(text(rescale("0.00", 0)), Some(("0".into(), 0)));
        assert_eq!(rescale("1.555", 2), None);
        assert_eq!(rescale("1e999999", 0), None);
        assert_eq!(rescale(&"9".repeat(MAX_DECIMAL_DIGITS + 1), 0), None);
    }
}
