//! The messages Confluent's `ProtobufData` writes for Connect logical types other than
//! Timestamp: `confluent.type.Decimal` (Decimal, via Confluent's `DecimalUtils`),
//! `google.type.Date` (Date) and `google.type.TimeOfDay` (Time), read into Connect values and
//! written from them as Confluent does.

use bytes::Bytes;

use super::ProtobufError;
use super::calendar::{date_of_days, days_of_date};
use super::decode::{check_end, read_key, skip};
use super::plan::{LEN, VARINT};
use crate::cursor::{Cursor, write_varint};
use crate::decimal::Decimal;
use crate::value::Value;

const MILLIS_PER_DAY: i32 = 86_400_000;
/// Longest unscaled value a Decimal message's `precision` may round (about 2 500 digits);
/// rounding converts to decimal digits, which costs quadratic time in the length.
const MAX_ROUNDED_BYTES: usize = 1024;

fn invalid(type_name: &'static str, reason: impl Into<String>) -> ProtobufError {
    ProtobufError::InvalidLogical {
        type_name,
        reason: reason.into(),
    }
}

/// Reads a `confluent.type.Decimal` body as Confluent's `DecimalUtils.toBigDecimal`: the
/// unscaled bytes and scale as written, rounded half-up to `precision` digits when the message
/// sets a precision (Java's `new BigDecimal(unscaled, scale, new MathContext(precision))`).
pub(super) fn read_decimal(
    cursor: &mut Cursor,
    end: usize,
    depth: usize,
) -> Result<Value, ProtobufError> {
    const NAME: &str = "confluent.type.Decimal";
    let mut unscaled = Bytes::new();
    let mut precision = 0u32;
    let mut scale = 0i32;
    while cursor.position() < end {
        let (number, wire) = read_key(cursor)?;
        match (number, wire) {
            (1, LEN) => {
                let len = cursor.read_varint()?;
                unscaled = cursor.read_bytes(len)?;
            }
            (2, VARINT) => precision = cursor.read_varint()? as u32,
            (3, VARINT) => scale = cursor.read_varint()? as i32,
            _ => skip(cursor, wire, number, depth)?,
        }
    }
    check_end(cursor, end)?;
    if unscaled.is_empty() {
        return Err(invalid(NAME, "no unscaled value bytes"));
    }
    if precision == 0 {
        return Ok(Value::Decimal(Decimal::new(unscaled, scale)));
    }
    // Java reads the uint32 as an int; MathContext rejects a negative precision.
    let precision = usize::try_from(i32::try_from(precision).map_err(|_| {
        invalid(
            NAME,
            format!("precision {precision} is above Java's int range"),
        )
    })?)
    .map_err(|_| invalid(NAME, "precision out of range"))?;
    round(unscaled, scale, precision).map(Value::Decimal)
}

/// `unscaled × 10^-scale` rounded half-up to `precision` significant digits, as Java's
/// `MathContext` rounds.
fn round(unscaled: Bytes, scale: i32, precision: usize) -> Result<Decimal, ProtobufError> {
    const NAME: &str = "confluent.type.Decimal";
    // A byte holds less than 2.41 decimal digits.
    if precision > unscaled.len() * 241 / 100 {
        return Ok(Decimal::new(unscaled, scale));
    }
    if unscaled.len() > MAX_ROUNDED_BYTES {
        return Err(invalid(
            NAME,
            format!(
                "an unscaled value of {} bytes is too long to round to precision {precision}",
                unscaled.len()
            ),
        ));
    }
    let text = Decimal::new(unscaled.clone(), 0).to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(digits) => ("-", digits.as_bytes()),
        None => ("", text.as_bytes()),
    };
    if digits.len() <= precision {
        return Ok(Decimal::new(unscaled, scale));
    }
    let mut dropped = digits.len() - precision;
    let mut kept = digits[..precision].to_vec();
    if digits[precision] >= b'5' {
        let mut carry = true;
        for digit in kept.iter_mut().rev() {
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                carry = false;
                break;
            }
        }
        if carry {
            // 99…9 became 100…0, one digit too many: drop a trailing zero.
            kept.insert(0, b'1');
            kept.pop();
            dropped += 1;
        }
    }
    let scale = i64::from(scale) - i64::try_from(dropped).unwrap_or(i64::MAX);
    let scale = i32::try_from(scale)
        .map_err(|_| invalid(NAME, "rounding to its precision underflows the scale"))?;
    let rounded = format!("{sign}{}", String::from_utf8_lossy(&kept));
    let rounded = Decimal::parse(&rounded).map_err(|error| invalid(NAME, error.to_string()))?;
    Ok(Decimal::new(rounded.unscaled_bytes().clone(), scale))
}

/// Writes a `confluent.type.Decimal` body as Confluent's `DecimalUtils.fromBigDecimal`: the
/// value's unscaled bytes, its precision (digits of the unscaled value) and its scale.
pub(super) fn write_decimal(out: &mut Vec<u8>, decimal: &Decimal) {
    let unscaled = decimal.unscaled_bytes();
    write_varint(out, (1 << 3) | u64::from(LEN));
    write_varint(out, unscaled.len() as u64);
    out.extend_from_slice(unscaled);
    write_varint(out, (2 << 3) | u64::from(VARINT));
    write_varint(out, u64::from(decimal.precision()));
    if decimal.scale() != 0 {
        write_varint(out, (3 << 3) | u64::from(VARINT));
        write_varint(out, i64::from(decimal.scale()) as u64);
    }
}

/// Reads the `int32` fields of a message body by field number (1-based), skipping others.
fn read_int32_fields<const N: usize>(
    cursor: &mut Cursor,
    end: usize,
    depth: usize,
) -> Result<[i32; N], ProtobufError> {
    let mut fields = [0i32; N];
    while cursor.position() < end {
        let (number, wire) = read_key(cursor)?;
        match fields.get_mut((number as usize).wrapping_sub(1)) {
            Some(field) if wire == VARINT => *field = cursor.read_varint()? as i32,
            _ => skip(cursor, wire, number, depth)?,
        }
    }
    check_end(cursor, end)?;
    Ok(fields)
}

/// Writes the non-zero `int32` fields of a message body, numbered from 1.
fn write_int32_fields(out: &mut Vec<u8>, fields: &[i32]) {
    for (number, &value) in (1u64..).zip(fields) {
        if value != 0 {
            write_varint(out, (number << 3) | u64::from(VARINT));
            write_varint(out, i64::from(value) as u64);
        }
    }
}

/// Reads a `google.type.Date` body as Confluent does: the UTC midnight of that day in a
/// non-lenient `GregorianCalendar`, as days since the epoch.
pub(super) fn read_date(
    cursor: &mut Cursor,
    end: usize,
    depth: usize,
) -> Result<Value, ProtobufError> {
    const NAME: &str = "google.type.Date";
    let [year, month, day] = read_int32_fields(cursor, end, depth)?;
    let days = days_of_date(year, month, day).map_err(|reason| invalid(NAME, reason))?;
    let days = i32::try_from(days).map_err(|_| {
        invalid(
            NAME,
            format!("{year}-{month:02}-{day:02} is beyond the days a Connect Date holds"),
        )
    })?;
    Ok(Value::Date(days))
}

/// Writes a `google.type.Date` body as Confluent does: the year of era, month and day of the
/// date in UTC.
pub(super) fn write_date(out: &mut Vec<u8>, days: i32) {
    let date = date_of_days(i64::from(days));
    // Connect Dates (±5.8 million years) keep every field within an int32.
    let field = |x: i64| i32::try_from(x).unwrap_or(i32::MAX);
    write_int32_fields(out, &[field(date.year), field(date.month), field(date.day)]);
}

/// Reads a `google.type.TimeOfDay` body as Confluent does (`LocalTime.of`, then milliseconds
/// since midnight, sub-millisecond nanos truncated).
pub(super) fn read_time(
    cursor: &mut Cursor,
    end: usize,
    depth: usize,
) -> Result<Value, ProtobufError> {
    const NAME: &str = "google.type.TimeOfDay";
    let [hours, minutes, seconds, nanos] = read_int32_fields(cursor, end, depth)?;
    for (what, value, max) in [
        ("hours", hours, 23),
        ("minutes", minutes, 59),
        ("seconds", seconds, 59),
        ("nanos", nanos, 999_999_999),
    ] {
        if !(0..=max).contains(&value) {
            return Err(invalid(NAME, format!("{what} {value} is not in 0..={max}")));
        }
    }
    let millis = ((hours * 60 + minutes) * 60 + seconds) * 1000 + nanos / 1_000_000;
    Ok(Value::Time(millis))
}

/// Writes a `google.type.TimeOfDay` body as Confluent does, which accepts 0 ..= 86 400 000
/// milliseconds (the last being midnight again).
pub(super) fn write_time(out: &mut Vec<u8>, millis: i32) -> Result<(), ProtobufError> {
    if !(0..=MILLIS_PER_DAY).contains(&millis) {
        return Err(invalid(
            "google.type.TimeOfDay",
            format!("Time {millis} is not in 0..=86400000 milliseconds"),
        ));
    }
    let millis = millis % MILLIS_PER_DAY;
    write_int32_fields(
        out,
        &[
            millis / 3_600_000,
            millis / 60_000 % 60,
            millis / 1000 % 60,
            millis % 1000 * 1_000_000,
        ],
    );
    Ok(())
}
