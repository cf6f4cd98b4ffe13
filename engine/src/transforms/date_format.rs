//! Java `SimpleDateFormat` patterns (`yyyyMMdd`, `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, …) translated once
//! into chrono format items, always in UTC, for `TimestampConverter` and `TimestampRouter`;
//! purely numeric patterns are also compiled for a direct formatter (`date_format_fast.rs`).

use std::fmt::Write as _;

use bytes::Bytes;
use chrono::format::{Fixed, Item, Numeric, Pad, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use sluice_codecs::Str;

#[path = "date_format_fast.rs"]
mod fast;

use fast::FastFormat;

/// A pattern could not be translated, or a value could not be formatted or parsed with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DateFormatError {
    /// A letter `SimpleDateFormat` does not know (Java's `IllegalArgumentException`).
    #[error("Illegal pattern character '{0}'")]
    IllegalCharacter(char),
    /// A quoted literal without its closing quote.
    #[error("Unterminated quote")]
    UnterminatedQuote,
    /// A pattern field `SimpleDateFormat` knows but Sluice does not translate.
    #[error("unsupported pattern field '{field}': {reason}")]
    Unsupported {
        /// The field as written, e.g. `SS` or `w`.
        field: String,
        /// What is supported instead.
        reason: &'static str,
    },
    /// A timestamp outside what can be represented as a date.
    #[error("timestamp {0} is out of range")]
    OutOfRange(i64),
    /// Text that does not match the pattern.
    #[error("value ({text}) does not match pattern ({pattern})")]
    Mismatch {
        /// The text.
        text: String,
        /// The Java pattern.
        pattern: String,
    },
}

/// A compiled `SimpleDateFormat` pattern with its time zone fixed to UTC.
#[derive(Debug, Clone)]
pub struct DateFormat {
    pattern: String,
    items: Vec<Item<'static>>,
    /// The same pattern for the direct formatter, when it covers every field.
    fast: Option<FastFormat>,
}

impl DateFormat {
    /// Translates a Java `SimpleDateFormat` pattern. Letters Java rejects are rejected with
    /// Java's message; letters Java accepts but chrono cannot express are rejected by name.
    pub fn new(pattern: &str) -> Result<Self, DateFormatError> {
        let items = translate(pattern)?;
        let fast = millis_item()
            .ok()
            .and_then(|millis| FastFormat::new(&items, &millis));
        Ok(Self {
            pattern: pattern.to_owned(),
            items,
            fast,
        })
    }

    /// The Java pattern as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Formats milliseconds since the epoch, in UTC.
    pub fn format_millis(&self, millis: i64) -> Result<String, DateFormatError> {
        if let Some(text) = self
            .format_fast(millis)
            .and_then(|text| String::from_utf8(text.as_bytes().to_vec()).ok())
        {
            return Ok(text);
        }
        self.format_with_chrono(millis)
    }

    /// Formats milliseconds since the epoch, in UTC, as a [`Str`] of exactly its length: one
    /// allocation for the common numeric patterns, for the per-record path.
    pub fn format_millis_str(&self, millis: i64) -> Result<Str, DateFormatError> {
        if let Some(text) = self
            .format_fast(millis)
            .and_then(|text| Str::from_utf8(Bytes::copy_from_slice(text.as_bytes())).ok())
        {
            return Ok(text);
        }
        self.format_with_chrono(millis).map(Str::from)
    }

    /// The text from the direct formatter, when it covers the pattern and the year.
    fn format_fast(&self, millis: i64) -> Option<fast::Buffer> {
        let mut text = fast::Buffer::new();
        self.fast.as_ref()?.write(millis, &mut text).then_some(text)
    }

    fn format_with_chrono(&self, millis: i64) -> Result<String, DateFormatError> {
        let time =
            DateTime::from_timestamp_millis(millis).ok_or(DateFormatError::OutOfRange(millis))?;
        let mut out = String::with_capacity(self.pattern.len() + 8);
        write!(out, "{}", time.format_with_items(self.items.iter()))
            .map_err(|_| DateFormatError::OutOfRange(millis))?;
        Ok(out)
    }

    /// Parses `text` into milliseconds since the epoch. Fields the pattern lacks default as in
    /// Java: 1970-01-01, 00:00:00.000, UTC unless the text carries an offset. As Java's
    /// `DateFormat.parse(String)`, text after the pattern's end is ignored.
    pub fn parse_millis(&self, text: &str) -> Result<i64, DateFormatError> {
        let mismatch = || DateFormatError::Mismatch {
            text: text.to_owned(),
            pattern: self.pattern.clone(),
        };
        let mut parsed = Parsed::new();
        chrono::format::parse_and_remainder(&mut parsed, text, self.items.iter())
            .map_err(|_| mismatch())?;
        let local = assemble(&parsed).ok_or_else(mismatch)?;
        let offset_millis = i64::from(parsed.offset().unwrap_or(0)) * 1000;
        Ok(local.and_utc().timestamp_millis() - offset_millis)
    }
}

/// Builds the date-time a parse produced, filling absent fields with Java's defaults.
fn assemble(parsed: &Parsed) -> Option<NaiveDateTime> {
    let year = match (parsed.year(), parsed.year_mod_100()) {
        (Some(year), _) => year,
        // Java places two-digit years near the present; 2000-2099 is the common reading.
        (None, Some(short)) => 2000 + short,
        (None, None) => 1970,
    };
    let date = match (parsed.ordinal(), parsed.month(), parsed.day()) {
        (Some(ordinal), None, None) => NaiveDate::from_yo_opt(year, ordinal)?,
        (_, month, day) => NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1))?,
    };
    let hour = parsed.hour_div_12().unwrap_or(0) * 12 + parsed.hour_mod_12().unwrap_or(0);
    let time = NaiveTime::from_hms_nano_opt(
        hour,
        parsed.minute().unwrap_or(0),
        parsed.second().unwrap_or(0),
        parsed.nanosecond().unwrap_or(0),
    )?;
    Some(date.and_time(time))
}

/// Splits the pattern into runs of one letter and literal text, as `SimpleDateFormat` does.
fn translate(pattern: &str) -> Result<Vec<Item<'static>>, DateFormatError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut items = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i = quoted(&chars, i, &mut literal)?;
        } else if c.is_ascii_alphabetic() {
            let count = chars[i..].iter().take_while(|&&next| next == c).count();
            flush(&mut literal, &mut items);
            items.push(field(c, count)?);
            i += count;
        } else {
            literal.push(c);
            i += 1;
        }
    }
    flush(&mut literal, &mut items);
    Ok(items)
}

/// Reads a quoted run starting at `start` (a quote); `''` is one quote. Returns the next index.
fn quoted(chars: &[char], start: usize, literal: &mut String) -> Result<usize, DateFormatError> {
    if chars.get(start + 1) == Some(&'\'') {
        literal.push('\'');
        return Ok(start + 2);
    }
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => return Err(DateFormatError::UnterminatedQuote),
            Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                literal.push('\'');
                i += 2;
            }
            Some('\'') => return Ok(i + 1),
            Some(&c) => {
                literal.push(c);
                i += 1;
            }
        }
    }
}

fn flush(literal: &mut String, items: &mut Vec<Item<'static>>) {
    if !literal.is_empty() {
        items.push(Item::OwnedLiteral(std::mem::take(literal).into_boxed_str()));
    }
}

/// One pattern field: `count` repetitions of `letter`.
fn field(letter: char, count: usize) -> Result<Item<'static>, DateFormatError> {
    let numeric = |numeric: Numeric| -> Result<Item<'static>, DateFormatError> {
        match count {
            1 => Ok(Item::Numeric(numeric, Pad::None)),
            2 => Ok(Item::Numeric(numeric, Pad::Zero)),
            _ => Err(unsupported(letter, count, "use one or two letters")),
        }
    };
    match letter {
        'y' => Ok(match count {
            1 => Item::Numeric(Numeric::Year, Pad::None),
            2 => Item::Numeric(Numeric::YearMod100, Pad::Zero),
            _ => Item::Numeric(Numeric::Year, Pad::Zero),
        }),
        'M' | 'L' => match count {
            1 | 2 => numeric(Numeric::Month),
            3 => Ok(Item::Fixed(Fixed::ShortMonthName)),
            _ => Ok(Item::Fixed(Fixed::LongMonthName)),
        },
        'd' => numeric(Numeric::Day),
        'D' => match count {
            1 => Ok(Item::Numeric(Numeric::Ordinal, Pad::None)),
            3 => Ok(Item::Numeric(Numeric::Ordinal, Pad::Zero)),
            _ => Err(unsupported(letter, count, "use D or DDD")),
        },
        'E' if count <= 3 => Ok(Item::Fixed(Fixed::ShortWeekdayName)),
        'E' => Ok(Item::Fixed(Fixed::LongWeekdayName)),
        'u' if count == 1 => Ok(Item::Numeric(Numeric::WeekdayFromMon, Pad::None)),
        'a' => Ok(Item::Fixed(Fixed::UpperAmPm)),
        'H' => numeric(Numeric::Hour),
        'h' => numeric(Numeric::Hour12),
        'm' => numeric(Numeric::Minute),
        's' => numeric(Numeric::Second),
        'S' if count == 3 => millis_item(),
        'S' => Err(unsupported(
            letter,
            count,
            "only SSS (milliseconds) is supported",
        )),
        'z' => Ok(Item::Fixed(Fixed::TimezoneName)),
        'Z' => Ok(Item::Fixed(Fixed::TimezoneOffset)),
        'X' if count <= 2 => Ok(Item::Fixed(Fixed::TimezoneOffsetZ)),
        'X' if count == 3 => Ok(Item::Fixed(Fixed::TimezoneOffsetColonZ)),
        'G' | 'Y' | 'w' | 'W' | 'F' | 'k' | 'K' | 'u' | 'X' => {
            Err(unsupported(letter, count, "not supported by Sluice"))
        }
        other => Err(DateFormatError::IllegalCharacter(other)),
    }
}

/// Exactly three fraction digits: milliseconds, zero-padded, without a dot.
fn millis_item() -> Result<Item<'static>, DateFormatError> {
    StrftimeItems::new("%3f")
        .parse_to_owned()
        .ok()
        .and_then(|mut items| items.pop())
        .ok_or_else(|| unsupported('S', 3, "chrono lacks %3f"))
}

fn unsupported(letter: char, count: usize, reason: &'static str) -> DateFormatError {
    DateFormatError::Unsupported {
        field: std::iter::repeat_n(letter, count).collect(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-03-05T07:08:09.012Z
    const MILLIS: i64 = 1_709_622_489_012;

    fn format(pattern: &str, millis: i64) -> String {
        DateFormat::new(pattern)
            .expect("valid pattern")
            .format_millis(millis)
            .expect("formattable")
    }

    fn parse(pattern: &str, text: &str) -> Result<i64, DateFormatError> {
        DateFormat::new(pattern)
            .expect("valid pattern")
            .parse_millis(text)
    }

    #[test]
    fn compact_date_formats_and_parses_at_midnight_utc() {
        assert_eq!(format("yyyyMMdd", MILLIS), "20240305");
        assert_eq!(parse("yyyyMMdd", "20240305"), Ok(1_709_596_800_000));
    }

    #[test]
    fn iso_timestamp_with_rfc822_zone() {
        let pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";
        assert_eq!(format(pattern, MILLIS), "2024-03-05T07:08:09.012+0000");
        assert_eq!(parse(pattern, "2024-03-05T07:08:09.012+0000"), Ok(MILLIS));
        assert_eq!(
            parse(pattern, "2024-03-05T09:08:09.012+0200"),
            Ok(MILLIS),
            "the offset in the text is honoured"
        );
    }

    #[test]
    fn time_only_pattern_defaults_the_date_to_the_epoch() {
        assert_eq!(format("HH:mm:ss", MILLIS), "07:08:09");
        assert_eq!(parse("HH:mm:ss", "07:08:09"), Ok(25_689_000));
    }

    #[test]
    fn quoted_literals_and_escaped_quotes() {
        assert_eq!(
            format("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", MILLIS),
            "2024-03-05T07:08:09.012Z"
        );
        assert_eq!(format("'day' d 'of' MMM", MILLIS), "day 5 of Mar");
        assert_eq!(format("HH 'o''clock' ''", MILLIS), "07 o'clock '");
        assert_eq!(
            format("'100%' yyyy", MILLIS),
            "100% 2024",
            "no strftime escapes leak"
        );
        assert_eq!(
            parse("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "2024-03-05T07:08:09.012Z"),
            Ok(MILLIS)
        );
    }

    #[test]
    fn text_fields_and_twelve_hour_clock() {
        assert_eq!(
            format("EEE, d MMMM yy h:mm a", MILLIS),
            "Tue, 5 March 24 7:08 AM"
        );
        assert_eq!(format("EEEE", MILLIS), "Tuesday");
        assert_eq!(format("D DDD", MILLIS), "65 065");
        assert_eq!(
            parse("yy-MM-dd hh:mm a", "24-03-05 07:08 PM"),
            Ok(1_709_665_680_000)
        );
    }

    #[test]
    fn iso_zone_letters_write_z_for_utc() {
        assert_eq!(format("HH:mmX", MILLIS), "07:08Z");
        assert_eq!(format("HH:mmXXX", MILLIS), "07:08Z");
    }

    #[test]
    fn mismatching_text_is_an_error_naming_the_pattern() {
        let error = parse("yyyyMMdd", "2024-03-05").expect_err("dashes are not digits");
        assert_eq!(
            error.to_string(),
            "value (2024-03-05) does not match pattern (yyyyMMdd)"
        );
        assert!(parse("yyyy-MM-dd", "2024-02-30").is_err(), "no 30 February");
        assert!(parse("yyyy-MM-dd", "").is_err());
    }

    #[test]
    fn text_after_the_pattern_is_ignored_as_in_java() {
        assert_eq!(
            parse("yyyyMMdd", "20240305 and more"),
            Ok(1_709_596_800_000)
        );
    }

    #[test]
    fn bad_patterns_are_rejected() {
        assert_eq!(
            DateFormat::new("yyyy-bb")
                .expect_err("b is no field")
                .to_string(),
            "Illegal pattern character 'b'"
        );
        assert_eq!(
            DateFormat::new("yyyy 'open").expect_err("no closing quote"),
            DateFormatError::UnterminatedQuote
        );
        assert!(matches!(
            DateFormat::new("ss.SSSSSS"),
            Err(DateFormatError::Unsupported { .. })
        ));
    }

    /// The direct formatter writes what chrono writes, across centuries, leap days, both
    /// sides of the epoch and the years it leaves to chrono.
    #[test]
    fn direct_formatting_matches_chrono() {
        let patterns = [
            "yyyy-MM-dd HH:mm:ss.SSS",
            "yyyyMMdd",
            "y-M-d H:m:s",
            "yy/MM/dd'T'HH.mm.ss 'o''clock'",
            "yyyyy-MM-dd",
            "SSS",
            "d.M.yy",
        ];
        let mut millis: Vec<i64> = vec![
            0,
            -1,
            999,
            -86_400_000,
            951_782_400_000,     // 2000-02-29
            253_402_300_799_999, // 9999-12-31T23:59:59.999
            253_402_300_800_000, // 10000-01-01
            -30_610_224_000_001, // 999-12-31T23:59:59.999
            -30_610_224_000_000, // 1000-01-01
            MILLIS,
        ];
        let mut next = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            next ^= next << 13;
            next ^= next >> 7;
            next ^= next << 17;
            millis.push((next % 400_000_000_000_000) as i64 - 100_000_000_000_000);
        }
        for pattern in patterns {
            let format = DateFormat::new(pattern).expect("valid pattern");
            assert!(format.fast.is_some(), "{pattern} is covered");
            for &at in &millis {
                let chrono = format.format_with_chrono(at).expect("formattable");
                assert_eq!(
                    format.format_millis(at),
                    Ok(chrono.clone()),
                    "{pattern} at {at}"
                );
                assert_eq!(
                    format.format_millis_str(at).map(|text| text.to_string()),
                    Ok(chrono),
                    "{pattern} at {at}"
                );
            }
        }
        for pattern in ["EEE yyyy", "HH:mmX", "MMM d", "hh a"] {
            let format = DateFormat::new(pattern).expect("valid pattern");
            assert!(format.fast.is_none(), "{pattern} is left to chrono");
        }
    }

    #[test]
    fn common_pattern_formats_to_the_reference_text() {
        let format = DateFormat::new("yyyy-MM-dd HH:mm:ss.SSS").expect("valid pattern");
        assert_eq!(
            format
                .format_millis_str(1_732_550_400_123)
                .map(|text| text.to_string()),
            Ok("2024-11-25 16:00:00.123".to_owned())
        );
        assert_eq!(
            format.format_millis_str(-1).map(|text| text.to_string()),
            Ok("1969-12-31 23:59:59.999".to_owned())
        );
    }

    #[test]
    fn negative_millis_are_before_the_epoch() {
        assert_eq!(
            format("yyyy-MM-dd HH:mm:ss.SSS", -1),
            "1969-12-31 23:59:59.999"
        );
    }
}
