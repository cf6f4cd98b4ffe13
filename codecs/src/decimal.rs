//! [`Decimal`]: Connect's `org.apache.kafka.connect.data.Decimal` value, an arbitrary-precision
//! unscaled integer (big-endian two's complement, as on the wire) and a scale.

use std::fmt;

use bytes::Bytes;

/// What is wrong with decimal text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// The text is not a decimal number.
    #[error("`{0}` is not a decimal number")]
    Syntax(String),
    /// The scale does not fit Connect's `int` scale.
    #[error("decimal scale of `{0}` is out of range")]
    ScaleOutOfRange(String),
}

/// A decimal number `unscaled × 10^-scale`, kept in the wire representation so decoding and
/// re-encoding never convert it. The unscaled bytes are minimal (no redundant sign bytes), so two
/// equal decimals with the same scale compare equal, like Java's `BigDecimal.equals`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    unscaled: Bytes,
    scale: i32,
}

impl Decimal {
    /// A decimal from big-endian two's-complement `unscaled` bytes (empty means zero).
    pub fn new(unscaled: Bytes, scale: i32) -> Self {
        Self {
            unscaled: minimal(unscaled),
            scale,
        }
    }

    /// A decimal from a 128-bit unscaled value.
    pub fn from_i128(unscaled: i128, scale: i32) -> Self {
        Self::new(Bytes::copy_from_slice(&unscaled.to_be_bytes()), scale)
    }

    /// The unscaled value as big-endian two's-complement bytes, at least one byte long.
    pub fn unscaled_bytes(&self) -> &Bytes {
        &self.unscaled
    }

    /// The scale: digits after the decimal point.
    pub fn scale(&self) -> i32 {
        self.scale
    }

    /// The unscaled value, when it fits 128 bits.
    pub fn to_i128(&self) -> Option<i128> {
        if self.unscaled.len() > 16 {
            return None;
        }
        let fill = if self.is_negative() { 0xff } else { 0x00 };
        let mut wide = [fill; 16];
        wide[16 - self.unscaled.len()..].copy_from_slice(&self.unscaled);
        Some(i128::from_be_bytes(wide))
    }

    /// The value as an `i64` when it is a whole number within range, like Java's
    /// `BigDecimal.longValueExact` (`1.00` and `1E+2` qualify; `1.5` and `9223372036854775808`
    /// do not).
    pub fn to_i64_exact(&self) -> Option<i64> {
        let mut magnitude = Magnitude::from_twos_complement(&self.unscaled);
        let mut scale = self.scale;
        // Trailing zeros after the point do not make a number less whole.
        while scale > 0 && !magnitude.is_zero() {
            if magnitude.div_rem(10) != 0 {
                return None;
            }
            scale -= 1;
        }
        if magnitude.is_zero() {
            return Some(0);
        }
        let mut value = u64::try_from(magnitude.to_u128()?).ok()?;
        for _ in 0..scale.unsigned_abs() {
            value = value.checked_mul(10)?;
        }
        let value = i128::from(value);
        i64::try_from(if self.is_negative() { -value } else { value }).ok()
    }

    /// The number of decimal digits of the unscaled value (1 for zero), like Java's
    /// `BigDecimal.precision()`.
    pub fn precision(&self) -> u32 {
        let digits = match self.to_i128() {
            Some(unscaled) => unscaled.unsigned_abs().checked_ilog10().unwrap_or(0) as usize + 1,
            None => Magnitude::from_twos_complement(&self.unscaled)
                .into_decimal_digits()
                .len(),
        };
        u32::try_from(digits).unwrap_or(u32::MAX)
    }

    /// True when the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.unscaled.first().is_some_and(|byte| byte & 0x80 != 0)
    }

    /// Approximates the value as a double.
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Parses plain or exponent decimal text (`-12.340`, `1.5E+3`), keeping the scale it shows,
    /// like `new BigDecimal(String)`.
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let syntax = || DecimalError::Syntax(text.to_owned());
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let exponent: i64 = text[at + 1..].parse().map_err(|_| syntax())?;
                (&text[..at], exponent)
            }
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.as_bytes().first() {
            Some(b'-') => (true, &mantissa[1..]),
            Some(b'+') => (false, &mantissa[1..]),
            _ => (false, mantissa),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
            return Err(syntax());
        }
        let scale = i64::try_from(fraction.len()).map_err(|_| syntax())? - exponent;
        let scale =
            i32::try_from(scale).map_err(|_| DecimalError::ScaleOutOfRange(text.to_owned()))?;
        let mut magnitude = Magnitude::default();
        for digit in whole.bytes().chain(fraction.bytes()) {
            magnitude.mul_add(10, u32::from(digit - b'0'));
        }
        Ok(Self::new(
            Bytes::from(magnitude.into_twos_complement(negative)),
            scale,
        ))
    }
}

impl fmt::Display for Decimal {
    /// Writes the value in plain notation, like `BigDecimal.toPlainString()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.is_negative();
        let digits = Magnitude::from_twos_complement(&self.unscaled).into_decimal_digits();
        if negative {
            f.write_str("-")?;
        }
        let scale = self.scale;
        if scale <= 0 {
            f.write_str(&digits)?;
            if digits != "0" {
                for _ in 0..scale.unsigned_abs() {
                    f.write_str("0")?;
                }
            }
            return Ok(());
        }
        let scale = scale as usize;
        if digits.len() > scale {
            let (whole, fraction) = digits.split_at(digits.len() - scale);
            write!(f, "{whole}.{fraction}")
        } else {
            f.write_str("0.")?;
            for _ in 0..scale - digits.len() {
                f.write_str("0")?;
            }
            f.write_str(&digits)
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({self})")
    }
}

/// Drops leading bytes that only repeat the sign.
fn minimal(bytes: Bytes) -> Bytes {
    if bytes.is_empty() {
        return Bytes::from_static(&[0]);
    }
    let mut start = 0;
    while start + 1 < bytes.len() {
        let (byte, next) = (bytes[start], bytes[start + 1]);
        let redundant = (byte == 0x00 && next & 0x80 == 0) || (byte == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    bytes.slice(start..)
}

/// An unsigned arbitrary-precision integer as little-endian base-2^32 limbs.
#[derive(Default)]
struct Magnitude(Vec<u32>);

impl Magnitude {
    fn from_twos_complement(bytes: &[u8]) -> Self {
        let negative = bytes.first().is_some_and(|byte| byte & 0x80 != 0);
        let mut limbs = Vec::with_capacity(bytes.len() / 4 + 1);
        for chunk in bytes.rchunks(4) {
            let mut limb = [if negative { 0xff } else { 0 }; 4];
            limb[4 - chunk.len()..].copy_from_slice(chunk);
            limbs.push(u32::from_be_bytes(limb));
        }
        let mut magnitude = Self(limbs);
        if negative {
            magnitude.negate_twos_complement();
        }
        magnitude
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&limb| limb == 0)
    }

    /// The value, when it fits 128 bits.
    fn to_u128(&self) -> Option<u128> {
        let mut value = 0u128;
        for &limb in self.0.iter().rev() {
            if value >> 96 != 0 {
                return None;
            }
            value = (value << 32) | u128::from(limb);
        }
        Some(value)
    }

    /// Replaces the limbs by their two's complement (invert and add one).
    fn negate_twos_complement(&mut self) {
        let mut carry = true;
        for limb in &mut self.0 {
            let (sum, overflow) = (!*limb).overflowing_add(u32::from(carry));
            *limb = sum;
            carry = overflow;
        }
    }

    fn mul_add(&mut self, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// Divides in place, returning the remainder.
    fn div_rem(&mut self, divisor: u32) -> u32 {
        let mut remainder = 0u64;
        for limb in self.0.iter_mut().rev() {
            let current = (remainder << 32) | u64::from(*limb);
            *limb = (current / u64::from(divisor)) as u32;
            remainder = current % u64::from(divisor);
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        remainder as u32
    }

    fn into_decimal_digits(mut self) -> String {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        let mut chunks = Vec::new();
        while !self.0.is_empty() {
            chunks.push(self.div_rem(1_000_000_000));
        }
        let Some((first, rest)) = chunks.split_last() else {
            return "0".to_owned();
        };
        let mut text = first.to_string();
        for chunk in rest.iter().rev() {
            text.push_str(&format!("{chunk:09}"));
        }
        text
    }

    fn into_twos_complement(mut self, negative: bool) -> Vec<u8> {
        // One extra zero limb leaves room for the sign bit.
        self.0.push(0);
        if negative {
            self.negate_twos_complement();
        }
        self.0
            .iter()
            .rev()
            .flat_map(|limb| limb.to_be_bytes())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_example_price_is_two_bytes() {
        // 2.30 with scale 2: unscaled 230 = 0x00E6, base64 "AOY=" in the reference example.
        let price = Decimal::parse("2.30").expect("valid decimal");
        assert_eq!(price.scale(), 2);
        assert_eq!(price.unscaled_bytes().as_ref(), &[0x00, 0xe6]);
        assert_eq!(price.to_string(), "2.30");
    }

    #[test]
    fn negative_values_use_twos_complement() {
        let value = Decimal::parse("-1.28").expect("valid decimal");
        assert_eq!(value.unscaled_bytes().as_ref(), &[0x80]);
        assert_eq!(
            Decimal::parse("-1.29").map(|d| d.unscaled_bytes().to_vec()),
            Ok(vec![0xff, 0x7f])
        );
        assert_eq!(value.to_i128(), Some(-128));
        assert_eq!(value.to_string(), "-1.28");
        assert_eq!(Decimal::from_i128(-128, 2), value);
    }

    #[test]
    fn small_fractions_and_negative_scales_print_plain() {
        assert_eq!(Decimal::from_i128(5, 4).to_string(), "0.0005");
        assert_eq!(Decimal::from_i128(-5, 4).to_string(), "-0.0005");
        assert_eq!(Decimal::from_i128(12, -3).to_string(), "12000");
        assert_eq!(Decimal::from_i128(0, 0).to_string(), "0");
        assert_eq!(
            Decimal::parse("1.5E+3").map(|d| (d.to_string(), d.scale())),
            Ok(("1500".into(), -2))
        );
    }

    #[test]
    fn wide_values_beyond_i128_round_trip_through_text() {
        let text = "-123456789012345678901234567890123456789012345.678901";
        let value = Decimal::parse(text).expect("valid decimal");
        assert_eq!(value.to_i128(), None);
        assert_eq!(value.to_string(), text);
    }

    #[test]
    fn whole_values_convert_exactly_to_i64() {
        let exact = |text: &str| Decimal::parse(text).ok().and_then(|d| d.to_i64_exact());
        assert_eq!(exact("42"), Some(42));
        assert_eq!(exact("-128"), Some(-128));
        assert_eq!(exact("+7"), Some(7));
        assert_eq!(exact("1.0"), Some(1));
        assert_eq!(exact("1e2"), Some(100));
        assert_eq!(exact("2.50e1"), Some(25));
        assert_eq!(exact("0.000"), Some(0));
        assert_eq!(exact("0e-999999"), Some(0));
        assert_eq!(exact("-0"), Some(0));
        assert_eq!(exact("9223372036854775807"), Some(i64::MAX));
        assert_eq!(exact("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(exact("-92233720368547758.08e2"), Some(i64::MIN));
        let wide_but_whole = format!("12.{}", "0".repeat(60));
        assert_eq!(exact(&wide_but_whole), Some(12));
    }

    #[test]
    fn fractions_and_out_of_range_values_have_no_exact_i64() {
        let exact = |text: &str| Decimal::parse(text).ok().and_then(|d| d.to_i64_exact());
        assert_eq!(exact("1.5"), None);
        assert_eq!(exact("1e-5"), None);
        assert_eq!(exact("9223372036854775808"), None);
        assert_eq!(exact("-9223372036854775809"), None);
        assert_eq!(exact("1e19"), None);
        assert_eq!(exact("1e300"), None);
        assert_eq!(exact("1.5e400"), None);
        let wide = format!("1{}", "0".repeat(60));
        assert_eq!(exact(&wide), None);
    }

    #[test]
    fn malformed_text_is_rejected() {
        for text in ["", "-", "1.2.3", "abc", "1e", "1e99999999999"] {
            assert!(Decimal::parse(text).is_err(), "{text:?} should be rejected");
        }
    }
}
