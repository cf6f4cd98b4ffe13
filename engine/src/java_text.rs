//! Java's text forms of numbers and dates, for transforms that must print and parse exactly as
//! Kafka Connect does: `Double.toString`, `Float.toString`, `BigDecimal.toString`,
//! `Double.parseDouble`, `BigDecimal.longValue` and the ISO-8601 patterns of Connect's `Values`.
//! Shared by Connect's `Values` rules ([`crate::values`]) and the transforms that print or parse
//! numbers and dates (Cast, MaskField).

use sluice_codecs::Decimal;

/// Milliseconds in a day.
pub(crate) const MILLIS_PER_DAY: i64 = 86_400_000;

/// Java's `Double.toString` (JDK 19+: the shortest digits that round-trip).
pub(crate) fn double_to_string(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    java_float_text(format!("{value:e}"), value == 0.0, value.abs())
}

/// Java's `Float.toString` (JDK 19+: the shortest digits that round-trip as a float).
pub(crate) fn float_to_string(value: f32) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    java_float_text(format!("{value:e}"), value == 0.0, f64::from(value.abs()))
}

/// Rewrites Rust's shortest scientific form (`-1.25e-5`) in Java's layout: plain notation with
/// at least one fraction digit for magnitudes in [10^-3, 10^7), `d.dddE±n` otherwise.
fn java_float_text(scientific: String, zero: bool, magnitude: f64) -> String {
    let (negative, body) = match scientific.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, scientific.as_str()),
    };
    let sign = if negative { "-" } else { "" };
    if zero {
        return format!("{sign}0.0");
    }
    let (mantissa, exponent) = body.split_once('e').unwrap_or((body, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (1e-3..1e7).contains(&magnitude) {
        if exponent >= 0 {
            let point = usize::try_from(exponent).unwrap_or(0) + 1;
            let mut whole = digits.clone();
            while whole.len() < point {
                whole.push('0');
            }
            let fraction = &whole[point..];
            let fraction = if fraction.is_empty() { "0" } else { fraction };
            format!("{sign}{}.{fraction}", &whole[..point])
        } else {
            let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let fraction = if digits.len() > 1 { &digits[1..] } else { "0" };
        format!("{sign}{}.{fraction}E{exponent}", &digits[..1])
    }
}

/// The unscaled digits of `value` without sign or leading zeros, and whether it is negative.
fn unscaled_digits(value: &Decimal) -> (bool, String) {
    if let Some(unscaled) = value.to_i128() {
        return (unscaled < 0, unscaled.unsigned_abs().to_string());
    }
    let plain = value.to_string();
    let (negative, plain) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, plain),
    };
    let mut digits: String = plain.chars().filter(char::is_ascii_digit).collect();
    if value.scale() < 0 {
        let keep = digits
            .len()
            .saturating_sub(usize::try_from(-i64::from(value.scale())).unwrap_or(0));
        digits.truncate(keep);
    }
    let trimmed = digits.trim_start_matches('0');
    let digits = if trimmed.is_empty() { "0" } else { trimmed };
    (negative, digits.to_owned())
}

/// Java's `BigDecimal.toString`: plain notation when the scale is not negative and the adjusted
/// exponent is at least -6, scientific notation (`1.23E-8`, `5E+3`) otherwise.
pub(crate) fn decimal_to_string(value: &Decimal) -> String {
    let scale = i64::from(value.scale());
    let (negative, digits) = unscaled_digits(value);
    let adjusted = -scale + i64::try_from(digits.len()).unwrap_or(0) - 1;
    if scale >= 0 && adjusted >= -6 {
        return value.to_string();
    }
    let sign = if negative { "-" } else { "" };
    let fraction = if digits.len() > 1 {
        format!(".{}", &digits[1..])
    } else {
        String::new()
    };
    let exponent_sign = if adjusted >= 0 { "+" } else { "" };
    format!("{sign}{}{fraction}E{exponent_sign}{adjusted}", &digits[..1])
}

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
    fn doubles_print_like_java() {
        let cases = [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (1e7, "1.0E7"),
            (1.0e-3, "0.001"),
            (1.0e-4, "1.0E-4"),
            (9_999_999.0, "9999999.0"),
            (1.2345e-5, "1.2345E-5"),
            (-2.5e20, "-2.5E20"),
        ];
        for (value, expected) in cases {
            assert_eq!(double_to_string(value), expected, "{value}");
        }
        assert_eq!(double_to_string(f64::NAN), "NaN");
        assert_eq!(double_to_string(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float_to_string(0.1), "0.1");
        assert_eq!(float_to_string(1.5e10), "1.5E10");
    }

    #[test]
    fn big_decimals_print_like_java() {
        let cases = [
            (Decimal::from_i128(12345, 2), "123.45"),
            (Decimal::from_i128(-5, 3), "-0.005"),
            (Decimal::from_i128(5, 9), "5E-9"),
            (Decimal::from_i128(123, 10), "1.23E-8"),
            (Decimal::from_i128(12, -3), "1.2E+4"),
            (Decimal::from_i128(0, -2), "0E+2"),
            (Decimal::from_i128(0, 2), "0.00"),
        ];
        for (value, expected) in cases {
            assert_eq!(decimal_to_string(&value), expected);
        }
    }

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
