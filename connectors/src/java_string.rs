//! Connect values written the way Java's `String.valueOf(Object)` writes them, as
//! `FileStreamSinkTask` (`PrintStream.println(record.value())`) and Confluent's datagen key
//! (`value.toString()`) do.

use std::io::Write as _;

use base64_free::encode_base64;
use sluice_codecs::java_text;
use sluice_codecs::{Struct, Value};

/// Appends `value` as Java's `String.valueOf` writes the object Connect holds for it:
///
/// - `null`, booleans and integers as Java prints them; floats with `Float.toString` /
///   `Double.toString` (`1.0E10`); decimals with `BigDecimal.toString`; strings bare.
/// - Arrays as `java.util.List` does (`[a, b]`), maps as `java.util.HashMap` does (`{k=v, k2=v2}`,
///   entries in HashMap iteration order when every key has a Java hash code here, else in entry
///   order), structs as Connect's `Struct.toString` (`Struct{a=1,b=x}`, null fields left out).
/// - Date, Time and Timestamp as `java.util.Date.toString` in UTC
///   (`Thu Jan 01 00:00:00 UTC 1970`).
/// - Bytes as base64: Java would print an identity hash (`[B@1b6d3586`), which means nothing
///   outside the JVM.
pub fn write_java_string(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int8(n) => write_display(out, n),
        Value::Int16(n) => write_display(out, n),
        Value::Int32(n) => write_display(out, n),
        Value::Int64(n) => write_display(out, n),
        Value::Float32(n) => java_text::write_float(*n, out),
        Value::Float64(n) => java_text::write_double(*n, out),
        Value::String(text) => out.extend_from_slice(text.as_bytes()),
        Value::Bytes(bytes) => encode_base64(bytes, out),
        Value::Decimal(decimal) => java_text::write_decimal(decimal, out),
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.extend_from_slice(b", ");
                }
                write_java_string(out, item);
            }
            out.push(b']');
        }
        Value::Map(entries) => write_map(out, entries),
        Value::Struct(record) => write_struct(out, record),
        Value::Date(days) => write_date(out, i64::from(*days) * MILLIS_PER_DAY),
        Value::Time(millis) => write_date(out, i64::from(*millis)),
        Value::Timestamp(millis) => write_date(out, *millis),
    }
}

/// [`write_java_string`] into a new `String`.
pub fn java_string(value: &Value) -> String {
    let mut out = Vec::new();
    write_java_string(&mut out, value);
    // Every branch writes UTF-8: text from `Str`, ASCII everywhere else.
    String::from_utf8(out).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into())
}

fn write_display(out: &mut Vec<u8>, value: impl std::fmt::Display) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{value}");
}

/// `Struct.toString`: `Struct{` + `name=value` for each non-null field, comma-separated + `}`.
fn write_struct(out: &mut Vec<u8>, record: &Struct) {
    out.extend_from_slice(b"Struct{");
    let mut first = true;
    for (field, value) in record.schema().fields().iter().zip(record.values()) {
        if value.is_null() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(field.name.as_bytes());
        out.push(b'=');
        write_java_string(out, value);
    }
    out.push(b'}');
}

/// `AbstractMap.toString` over a `HashMap` built by inserting `entries` in order.
fn write_map(out: &mut Vec<u8>, entries: &[(Value, Value)]) {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    let hashes: Option<Vec<i32>> = entries.iter().map(|(key, _)| java_hash(key)).collect();
    if let Some(hashes) = hashes {
        let buckets = hash_map_capacity(entries.len());
        // A stable sort keeps insertion order within a bucket, as HashMap's chains do.
        order.sort_by_key(|&index| bucket(hashes[index], buckets));
    }
    out.push(b'{');
    for (position, &index) in order.iter().enumerate() {
        if position > 0 {
            out.extend_from_slice(b", ");
        }
        let (key, value) = &entries[index];
        write_java_string(out, key);
        out.push(b'=');
        write_java_string(out, value);
    }
    out.push(b'}');
}

/// The table size of a default `HashMap` after `len` insertions: 16, doubled whenever the size
/// exceeds three quarters of it.
fn hash_map_capacity(len: usize) -> usize {
    let mut capacity = 16;
    while len > capacity / 4 * 3 {
        capacity *= 2;
    }
    capacity
}

/// `HashMap.hash` spread, masked to the table.
fn bucket(hash: i32, capacity: usize) -> usize {
    let spread = hash ^ ((hash as u32) >> 16) as i32;
    (spread as u32 as usize) & (capacity - 1)
}

/// Java's `hashCode` of the boxed key, for the key kinds whose hash is defined by value.
fn java_hash(key: &Value) -> Option<i32> {
    Some(match key {
        Value::String(text) => text.encode_utf16().fold(0i32, |hash, unit| {
            hash.wrapping_mul(31).wrapping_add(i32::from(unit))
        }),
        Value::Int8(n) => i32::from(*n),
        Value::Int16(n) => i32::from(*n),
        Value::Int32(n) => *n,
        Value::Int64(n) => (n ^ ((*n as u64) >> 32) as i64) as i32,
        Value::Boolean(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Float32(n) => {
            let bits = if n.is_nan() { 0x7fc0_0000 } else { n.to_bits() };
            bits as i32
        }
        Value::Float64(n) => {
            let bits = if n.is_nan() {
                0x7ff8_0000_0000_0000
            } else {
                n.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        _ => return None,
    })
}

const MILLIS_PER_DAY: i64 = 86_400_000;
const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `java.util.Date.toString` in UTC: `EEE MMM dd HH:mm:ss zzz yyyy`.
fn write_date(out: &mut Vec<u8>, millis: i64) {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let seconds = millis.rem_euclid(MILLIS_PER_DAY) / 1000;
    let (year, month, day) = civil_from_days(days);
    let weekday = DAY_NAMES[days.rem_euclid(7) as usize];
    let month_name = MONTH_NAMES[(month - 1) as usize];
    let _ = write!(
        out,
        "{weekday} {month_name} {day:02} {:02}:{:02}:{:02} UTC {year}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
}

/// Year, month (1–12) and day (1–31) of a day count since 1970-01-01 (proleptic Gregorian).
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

mod base64_free {
    //! Standard base64 with padding, so this crate needs no base64 dependency for one use.

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Appends the standard, padded base64 of `input`.
    pub(super) fn encode_base64(input: &[u8], out: &mut Vec<u8>) {
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            out.push(ALPHABET[(n >> 18) as usize & 63]);
            out.push(ALPHABET[(n >> 12) as usize & 63]);
            out.push(if chunk.len() > 1 {
                ALPHABET[(n >> 6) as usize & 63]
            } else {
                b'='
            });
            out.push(if chunk.len() > 2 {
                ALPHABET[n as usize & 63]
            } else {
                b'='
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use sluice_codecs::{Decimal, Schema};

    use super::*;

    #[test]
    fn scalars_print_as_java_does() {
        assert_eq!(java_string(&Value::Null), "null");
        assert_eq!(java_string(&Value::Int64(-42)), "-42");
        assert_eq!(java_string(&Value::Float64(1e10)), "1.0E10");
        assert_eq!(java_string(&Value::Float32(0.5)), "0.5");
        assert_eq!(java_string(&Value::Boolean(true)), "true");
        assert_eq!(java_string(&Value::string("plain")), "plain");
        assert_eq!(
            java_string(&Value::Decimal(Decimal::from_i128(12345, 2))),
            "123.45"
        );
        assert_eq!(
            java_string(&Value::Bytes(Bytes::from_static(b"ab"))),
            "YWI="
        );
    }

    #[test]
    fn struct_prints_like_connect_struct_to_string_without_null_fields() {
        let schema = Schema::structure([
            ("id", Schema::int32().into_ref()),
            ("name", Schema::string().optional().into_ref()),
            (
                "tags",
                Schema::array(Schema::string().into_ref()).into_ref(),
            ),
        ])
        .into_ref();
        let value = Struct::from_values(
            schema,
            vec![
                Value::Int32(7),
                Value::Null,
                Value::Array(vec![Value::string("a"), Value::string("b")]),
            ],
        )
        .expect("three values for three fields");
        assert_eq!(
            java_string(&Value::Struct(value)),
            "Struct{id=7,tags=[a, b]}"
        );
    }

    #[test]
    fn map_prints_in_hash_map_order() {
        // "b" (98) and "a" (97) land in buckets 2 and 1 of a 16-slot table.
        let map = Value::Map(vec![
            (Value::string("b"), Value::Int32(2)),
            (Value::string("a"), Value::Int32(1)),
        ]);
        assert_eq!(java_string(&map), "{a=1, b=2}");
        // Java: new HashMap<>(Map.of(17L, x)) with 1L → 1 first.
        let map = Value::Map(vec![
            (Value::Int64(17), Value::string("x")),
            (Value::Int64(1), Value::string("y")),
        ]);
        assert_eq!(java_string(&map), "{17=x, 1=y}");
    }

    #[test]
    fn dates_print_like_java_util_date_in_utc() {
        assert_eq!(
            java_string(&Value::Timestamp(0)),
            "Thu Jan 01 00:00:00 UTC 1970"
        );
        assert_eq!(
            java_string(&Value::Timestamp(1_700_000_000_123)),
            "Tue Nov 14 22:13:20 UTC 2023"
        );
        assert_eq!(
            java_string(&Value::Date(19_000)),
            "Sat Jan 08 00:00:00 UTC 2022"
        );
    }
}
