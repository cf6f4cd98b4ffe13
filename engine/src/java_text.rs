//! Java's text forms of numbers and dates, for transforms that must print and parse exactly as
//! Kafka Connect does. Printing numbers (`Double.toString`, `Float.toString`,
//! `BigDecimal.toString`) is the codecs crate's [`sluice_codecs::java_text`], re-exported here;
//! this module adds `Double.parseDouble`, `Float.parseFloat`, `BigDecimal.longValue` and the
//! ISO-8601 patterns of Connect's `Values`. Shared by Connect's `Values` rules
//! ([`crate::values`]) and the transforms that print or parse numbers and dates (Cast,
//! MaskField).

use sluice_codecs::Decimal;
pub(crate) use sluice_codecs::java_text::{decimal_to_string, double_to_string, float_to_string};

/// Milliseconds in a day.
pub(crate) const MILLIS_PER_DAY: i64 = 86_400_000;

/// Java's `BigDecimal.longValue`: the integer part (fraction dropped) reduced to its low 64 bits.
pub(crate) fn decimal_long_value(value: &Decimal) -> i64 {
    let plain = value.to_string();
    let (negative, plain) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.as_str()),
    };
    let whole = plain.split('.').next().unwrap_or("");
    let magnitude = whole.bytes().fold(0i64, |acc, digit| {
        acc.wrapping_mul(10)
            .wrapping_add(i64::from(digit.wrapping_sub(b'0')))
    });
    if negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    }
}

/// Java's `Double.parseDouble` for decimal text: surrounding whitespace ignored, an optional
/// `f`/`F`/`d`/`D` suffix, `NaN` and `Infinity` spelled as Java spells them.
pub(crate) fn parse_double(text: &str) -> Option<f64> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let (sign, body) = match trimmed.as_bytes().first() {
        Some(b'-') => (-1.0, &trimmed[1..]),
        Some(b'+') => (1.0, &trimmed[1..]),
        _ => (1.0, trimmed),
    };
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let numeric = body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !numeric || !body.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    body.parse::<f64>().ok().map(|parsed| sign * parsed)
}

/// Java's `Float.parseFloat`, with the same syntax as [`parse_double`], rounded once to float.
pub(crate) fn parse_float(text: &str) -> Option<f32> {
    let value = parse_double(text)?;
    if !value.is_finite() {
        return Some(value as f32);
    }
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let body = trimmed
        .strip_suffix(['f', 'F', 'd', 'D'])
        .unwrap_or(trimmed);
    body.parse::<f32>().ok()
}

/// Formats epoch milliseconds as Connect's `Values.dateFormatFor` chooses, in UTC: before one
/// day after the epoch `HH:mm:ss.SSS'Z'`, on a midnight `yyyy-MM-dd`, otherwise
/// `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
pub(crate) fn format_iso_millis(millis: i64) -> String {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let of_day = millis.rem_euclid(MILLIS_PER_DAY);
    let (hour, minute) = (of_day / 3_600_000, of_day / 60_000 % 60);
    let (second, milli) = (of_day / 1000 % 60, of_day % 1000);
    let time = format!("{hour:02}:{minute:02}:{second:02}.{milli:03}Z");
    if millis < MILLIS_PER_DAY {
        return time;
    }
    let (year, month, day) = civil_from_days(days);
    if millis % MILLIS_PER_DAY == 0 {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{time}")
    }
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_value_truncates_and_keeps_low_bits() {
        assert_eq!(decimal_long_value(&Decimal::from_i128(-12345, 2)), -123);
        assert_eq!(decimal_long_value(&Decimal::from_i128(1 << 64, 0)), 0);
        assert_eq!(decimal_long_value(&Decimal::from_i128((1 << 64) + 7, 0)), 7);
        assert_eq!(decimal_long_value(&Decimal::from_i128(15, -1)), 150);
    }

    #[test]
    fn doubles_parse_like_java() {
        assert_eq!(parse_double(" 1.5 "), Some(1.5));
        assert_eq!(parse_double("2d"), Some(2.0));
        assert_eq!(parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_double("1e3"), Some(1000.0));
        assert_eq!(parse_double("inf"), None);
        assert_eq!(parse_double("abc"), None);
        assert_eq!(parse_double(""), None);
        assert_eq!(parse_float("0.1f"), Some(0.1f32));
        assert_eq!(parse_float("NaN").map(f32::is_nan), Some(true));
    }

    #[test]
    fn dates_use_the_pattern_values_picks() {
        assert_eq!(format_iso_millis(3_723_004), "01:02:03.004Z");
        assert_eq!(format_iso_millis(0), "00:00:00.000Z");
        assert_eq!(
            format_iso_millis(1_700_000_000_000),
            "2023-11-14T22:13:20.000Z"
        );
        assert_eq!(format_iso_millis(19_000 * MILLIS_PER_DAY), "2022-01-08");
        assert_eq!(format_iso_millis(951_782_400_000), "2000-02-29");
    }
}
