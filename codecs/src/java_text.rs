//! Java's text forms of numbers, byte for byte as the JVM prints them: `Double.toString`,
//! `Float.toString` (JDK 19 and later: the shortest decimal that reads back as the same value)
//! and `BigDecimal.toString`. Kafka Connect prints numbers this way wherever it turns them into
//! text: Jackson in `JsonConverter`, `Values.convertToString`, the Cast transform.
//!
//! Doubles and floats:
//! - `1e-3 <= |x| < 1e7`: plain notation with at least one fractional digit (`100.0`, `0.001`);
//! - otherwise: one integer digit, at least one fractional digit, `E` and the exponent
//!   (`1.0E7`, `1.234E-5`);
//! - NaN and the infinities: `NaN`, `Infinity`, `-Infinity`. Formats that cannot carry them as
//!   numbers (JSON) quote them themselves.
//!
//! Decimals: plain notation when the scale is not negative and the adjusted exponent is at
//! least -6 (`2.30`, `0.000001`); otherwise one digit, the rest after a point, and `E` with a
//! signed exponent (`1E-7`, `1.23E+5`, `0E+2`).
//!
//! The `write_*` functions append to a byte buffer and allocate nothing for doubles, floats and
//! decimals whose unscaled value fits 128 bits; the `*_to_string` functions return a new
//! `String`.
//!
//! ```
//! use sluice_codecs::{java_text, Decimal};
//!
//! assert_eq!(java_text::double_to_string(1e7), "1.0E7");
//! assert_eq!(java_text::float_to_string(0.1), "0.1");
//! assert_eq!(java_text::decimal_to_string(&Decimal::from_i128(1, 7)), "1E-7");
//!
//! let mut out = Vec::new();
//! java_text::write_double(0.001, &mut out);
//! assert_eq!(out, b"0.001");
//! ```

use std::fmt::{self, Write as _};
use std::str::FromStr;

use crate::decimal::Decimal;

/// Appends Java's `Double.toString(value)`.
pub fn write_double(value: f64, out: &mut Vec<u8>) {
    if value.is_finite() {
        write_finite(value, value.is_subnormal(), out);
    } else {
        write_non_finite(value.is_nan(), value > 0.0, out);
    }
}

/// Appends Java's `Float.toString(value)`.
pub fn write_float(value: f32, out: &mut Vec<u8>) {
    if value.is_finite() {
        write_finite(value, value.is_subnormal(), out);
    } else {
        write_non_finite(value.is_nan(), value > 0.0, out);
    }
}

/// Java's `Double.toString(value)`.
pub fn double_to_string(value: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_double(value, &mut out);
    ascii_string(out)
}

/// Java's `Float.toString(value)`.
pub fn float_to_string(value: f32) -> String {
    let mut out = Vec::with_capacity(16);
    write_float(value, &mut out);
    ascii_string(out)
}

/// Appends Java's `BigDecimal.toString()` of `value` (not `toPlainString()`: small and
/// negative-scale values get an exponent).
pub fn write_decimal(value: &Decimal, out: &mut Vec<u8>) {
    let mut small = itoa::Buffer::new();
    let wide;
    let unscaled = match value.to_i128() {
        Some(unscaled) => small.format(unscaled),
        None => {
            wide = Decimal::new(value.unscaled_bytes().clone(), 0).to_string();
            wide.as_str()
        }
    };
    let (negative, coefficient) = match unscaled.strip_prefix('-') {
        Some(rest) => (true, rest.as_bytes()),
        None => (false, unscaled.as_bytes()),
    };
    if negative {
        out.push(b'-');
    }
    let scale = i64::from(value.scale());
    let digits = coefficient.len() as i64;
    let adjusted = digits - 1 - scale;
    if scale == 0 {
        out.extend_from_slice(coefficient);
    } else if scale > 0 && adjusted >= -6 {
        if digits > scale {
            let (whole, fraction) = coefficient.split_at((digits - scale) as usize);
            out.extend_from_slice(whole);
            out.push(b'.');
            out.extend_from_slice(fraction);
        } else {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (scale - digits) as usize));
            out.extend_from_slice(coefficient);
        }
    } else {
        out.push(coefficient[0]);
        if coefficient.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&coefficient[1..]);
        }
        if adjusted != 0 {
            out.push(b'E');
            if adjusted > 0 {
                out.push(b'+');
            }
            out.extend_from_slice(itoa::Buffer::new().format(adjusted).as_bytes());
        }
    }
}

/// Java's `BigDecimal.toString()` of `value`.
pub fn decimal_to_string(value: &Decimal) -> String {
    let mut out = Vec::with_capacity(24);
    write_decimal(value, &mut out);
    ascii_string(out)
}

fn ascii_string(text: Vec<u8>) -> String {
    String::from_utf8(text).expect("Java number text is ASCII")
}

/// Formats a finite `value` with Rust's shortest round-trip digits and lays them out as Java
/// does.
fn write_finite<T>(value: T, subnormal: bool, out: &mut Vec<u8>)
where
    T: fmt::LowerExp + FromStr + PartialEq + Copy,
{
    let mut text = Stack::default();
    let _ = write!(text, "{value:e}");
    // Subnormals have so little precision that a one-digit shortest form can be further from
    // the value than a two-digit one; Java picks the closest two-digit form then.
    if subnormal && digit_count(text.as_bytes()) == 1 {
        let mut two = Stack::default();
        let _ = write!(two, "{value:.1e}");
        if std::str::from_utf8(two.as_bytes())
            .ok()
            .and_then(|t| t.parse::<T>().ok())
            == Some(value)
        {
            text = two;
        }
    }
    java_layout(text.as_bytes(), out);
}

fn write_non_finite(nan: bool, positive: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(match (nan, positive) {
        (true, _) => b"NaN",
        (false, true) => b"Infinity",
        (false, false) => b"-Infinity",
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
            (123.456, "123.456"),
            (52.370_216, "52.370216"),
            (1.0e21, "1.0E21"),
            (-2.5e20, "-2.5E20"),
            (2.0e-3, "0.002"),
            (1.2345e-5, "1.2345E-5"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
            (5e-324, "4.9E-324"),
            (1.234e-300, "1.234E-300"),
        ];
        for (value, text) in cases {
            assert_eq!(double_to_string(value), text, "{value:e}");
        }
    }

    #[test]
    fn floats_match_java_float_to_string() {
        let cases = [
            (1.0f32, "1.0"),
            (0.1, "0.1"),
            (1.5e10, "1.5E10"),
            (3.4028235e38, "3.4028235E38"),
            (1.0e-45, "1.4E-45"),
            (f32::MIN_POSITIVE, "1.1754944E-38"),
            (16_777_216.0, "1.6777216E7"),
            (0.33333334, "0.33333334"),
        ];
        for (value, text) in cases {
            assert_eq!(float_to_string(value), text, "{value:e}");
        }
    }

    #[test]
    fn non_finite_values_are_spelled_as_java_spells_them() {
        assert_eq!(double_to_string(f64::NAN), "NaN");
        assert_eq!(double_to_string(f64::INFINITY), "Infinity");
        assert_eq!(double_to_string(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float_to_string(f32::NAN), "NaN");
        assert_eq!(float_to_string(f32::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn writers_append_to_what_is_there() {
        let mut out = b"x=".to_vec();
        write_double(1.0e7, &mut out);
        out.push(b',');
        write_float(0.5, &mut out);
        out.push(b',');
        write_decimal(&Decimal::from_i128(5, 9), &mut out);
        assert_eq!(out, b"x=1.0E7,0.5,5E-9");
    }

    #[test]
    fn big_decimals_print_like_java() {
        let cases = [
            (Decimal::from_i128(12345, 2), "123.45"),
            (Decimal::from_i128(-5, 0), "-5"),
            (Decimal::from_i128(-5, 3), "-0.005"),
            (Decimal::from_i128(1, 6), "0.000001"),
            (Decimal::from_i128(1, 7), "1E-7"),
            (Decimal::from_i128(5, 9), "5E-9"),
            (Decimal::from_i128(123, 10), "1.23E-8"),
            (Decimal::from_i128(12, -3), "1.2E+4"),
            (Decimal::from_i128(123, -3), "1.23E+5"),
            (Decimal::from_i128(0, -2), "0E+2"),
            (Decimal::from_i128(0, 2), "0.00"),
        ];
        for (value, expected) in cases {
            assert_eq!(decimal_to_string(&value), expected);
        }
    }

    #[test]
    fn big_decimals_beyond_i128_print_like_java() {
        let plain = "-123456789012345678901234567890123456789012345.678901";
        let value = Decimal::parse(plain).expect("valid decimal");
        assert_eq!(decimal_to_string(&value), plain);
        let tiny =
            Decimal::parse("1234567890123456789012345678901234567890E-50").expect("valid decimal");
        assert_eq!(
            decimal_to_string(&tiny),
            "1.234567890123456789012345678901234567890E-11"
        );
    }
}
