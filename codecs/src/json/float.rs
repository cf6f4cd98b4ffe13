//! Floating-point numbers in the text form Java's `Double.toString` / `Float.toString` produce
//! (JDK 19 and later: the shortest decimal that reads back as the same value), which is what
//! Jackson writes for Kafka's `JsonConverter`.
//!
//! - `1e-3 <= |x| < 1e7`: plain notation with at least one fractional digit (`100.0`, `0.001`);
//! - otherwise: one integer digit, at least one fractional digit, `E` and the exponent
//!   (`1.0E7`, `1.234E-5`);
//! - NaN and the infinities: Jackson's default `QUOTE_NON_NUMERIC_NUMBERS` writes the JSON
//!   strings `"NaN"`, `"Infinity"` and `"-Infinity"`.

use std::fmt::{self, Write as _};

/// Appends the Java text of a double.
pub(crate) fn write_f64(value: f64, out: &mut Vec<u8>) {
    if !value.is_finite() {
        return write_non_finite(value.is_nan(), value > 0.0, out);
    }
    let mut text = Stack::default();
    // Subnormals have so little precision that a one-digit shortest form can be further from
    // the value than a two-digit one; Java picks the closest two-digit form then.
    let _ = write!(text, "{value:e}");
    if value != 0.0 && value.abs() < f64::MIN_POSITIVE && digit_count(text.as_bytes()) == 1 {
        let mut two = Stack::default();
        let _ = write!(two, "{value:.1e}");
        if std::str::from_utf8(two.as_bytes())
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            == Some(value)
        {
            text = two;
        }
    }
    java_layout(text.as_bytes(), out);
}

/// Appends the Java text of a float.
pub(crate) fn write_f32(value: f32, out: &mut Vec<u8>) {
    if !value.is_finite() {
        return write_non_finite(value.is_nan(), value > 0.0, out);
    }
    let mut text = Stack::default();
    let _ = write!(text, "{value:e}");
    if value != 0.0 && value.abs() < f32::MIN_POSITIVE && digit_count(text.as_bytes()) == 1 {
        let mut two = Stack::default();
        let _ = write!(two, "{value:.1e}");
        if std::str::from_utf8(two.as_bytes())
            .ok()
            .and_then(|t| t.parse::<f32>().ok())
            == Some(value)
        {
            text = two;
        }
    }
    java_layout(text.as_bytes(), out);
}

fn write_non_finite(nan: bool, positive: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(match (nan, positive) {
        (true, _) => b"\"NaN\"",
        (false, true) => b"\"Infinity\"",
        (false, false) => b"\"-Infinity\"",
    });
}

fn digit_count(scientific: &[u8]) -> usize {
    scientific
        .iter()
        .take_while(|&&b| b != b'e')
        .filter(|b| b.is_ascii_digit())
        .count()
}

/// Rewrites Rust's `{:e}` text (`-1.2345e-7`) in Java's layout.
fn java_layout(scientific: &[u8], out: &mut Vec<u8>) {
    let (negative, body) = match scientific.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, scientific),
    };
    let at = body.iter().position(|&b| b == b'e').unwrap_or(body.len());
    let (mantissa, exponent) = body.split_at(at);
    let exponent = parse_exponent(exponent.get(1..).unwrap_or_default());
    let mut digits = [0u8; 40];
    let mut count = 0;
    for &byte in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        if count < digits.len() {
            digits[count] = byte;
            count += 1;
        }
    }
    let digits = &digits[..count.max(1)];
    if negative {
        out.push(b'-');
    }
    if (-3..7).contains(&exponent) {
        plain(digits, exponent, out);
    } else {
        out.push(digits[0]);
        out.push(b'.');
        match &digits[1..] {
            [] => out.push(b'0'),
            rest => out.extend_from_slice(rest),
        }
        out.push(b'E');
        let mut buffer = itoa::Buffer::new();
        out.extend_from_slice(buffer.format(exponent).as_bytes());
    }
}

/// `digits` × 10^(exponent - digits + 1) in plain notation, `exponent` in `-3..7`.
fn plain(digits: &[u8], exponent: i32, out: &mut Vec<u8>) {
    if exponent < 0 {
        out.extend_from_slice(b"0.");
        for _ in 0..(-exponent - 1) {
            out.push(b'0');
        }
        out.extend_from_slice(digits);
        return;
    }
    let whole = exponent as usize + 1;
    if digits.len() <= whole {
        out.extend_from_slice(digits);
        for _ in digits.len()..whole {
            out.push(b'0');
        }
        out.extend_from_slice(b".0");
    } else {
        out.extend_from_slice(&digits[..whole]);
        out.push(b'.');
        out.extend_from_slice(&digits[whole..]);
    }
}

fn parse_exponent(text: &[u8]) -> i32 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .fold(0i32, |n, &d| n * 10 + i32::from(d.wrapping_sub(b'0')));
    if negative { -magnitude } else { magnitude }
}

/// A small stack buffer for formatting one number.
struct Stack {
    bytes: [u8; 48],
    len: usize,
}

impl Default for Stack {
    fn default() -> Self {
        Self {
            bytes: [0; 48],
            len: 0,
        }
    }
}

impl Stack {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Write for Stack {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64_text(value: f64) -> String {
        let mut out = Vec::new();
        write_f64(value, &mut out);
        String::from_utf8(out).expect("ascii")
    }

    fn f32_text(value: f32) -> String {
        let mut out = Vec::new();
        write_f32(value, &mut out);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn doubles_match_java_double_to_string() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (100.0, "100.0"),
            (0.001, "0.001"),
            (0.000_1, "1.0E-4"),
            (1.0e-5, "1.0E-5"),
            (1_234_567.0, "1234567.0"),
            (9_999_999.0, "9999999.0"),
            (1.0e7, "1.0E7"),
            (1.0e10, "1.0E10"),
            (12_345_678.9, "1.23456789E7"),
            (0.1, "0.1"),
            (52.370_216, "52.370216"),
            (1.0e21, "1.0E21"),
            (2.0e-3, "0.002"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
            (5e-324, "4.9E-324"),
            (1.234e-300, "1.234E-300"),
        ];
        for (value, text) in cases {
            assert_eq!(f64_text(value), text, "{value:e}");
        }
    }

    #[test]
    fn floats_match_java_float_to_string() {
        let cases = [
            (1.0f32, "1.0"),
            (0.1, "0.1"),
            (3.4028235e38, "3.4028235E38"),
            (1.0e-45, "1.4E-45"),
            (f32::MIN_POSITIVE, "1.1754944E-38"),
            (16_777_216.0, "1.6777216E7"),
            (0.33333334, "0.33333334"),
        ];
        for (value, text) in cases {
            assert_eq!(f32_text(value), text, "{value:e}");
        }
    }

    #[test]
    fn non_finite_values_are_quoted_strings() {
        assert_eq!(f64_text(f64::NAN), "\"NaN\"");
        assert_eq!(f64_text(f64::INFINITY), "\"Infinity\"");
        assert_eq!(f64_text(f64::NEG_INFINITY), "\"-Infinity\"");
        assert_eq!(f32_text(f32::NAN), "\"NaN\"");
    }
}
