//! A formatter for the numeric `SimpleDateFormat` patterns (`yyyy-MM-dd HH:mm:ss.SSS` and the
//! like) that writes digits straight from the calendar arithmetic, for the timestamp
//! transforms' per-record path. It writes exactly what the chrono items it was compiled from
//! write, and declines (so chrono formats) whatever it does not cover.

use chrono::format::{Item, Numeric, Pad};

/// The longest text a [`FastFormat`] writes.
const CAPACITY: usize = 64;

/// Text a [`FastFormat`] writes, on the stack, before it is copied out.
pub(crate) struct Buffer {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl Buffer {
    /// An empty buffer.
    pub(crate) fn new() -> Self {
        Self {
            bytes: [0; CAPACITY],
            len: 0,
        }
    }

    /// The text written so far.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Appends `bytes`; [`FastFormat::new`] declines patterns that could write more than fits.
    #[inline]
    fn extend(&mut self, bytes: &[u8]) {
        if let Some(target) = self.bytes.get_mut(self.len..self.len + bytes.len()) {
            target.copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }
}

/// One piece of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Literal(Box<str>),
    /// The year, for years 1000–9999: four digits whatever the padding.
    Year,
    /// The year modulo 100, two digits.
    YearMod100(bool),
    Month(bool),
    Day(bool),
    Hour(bool),
    Minute(bool),
    Second(bool),
    /// Milliseconds, three digits.
    Millis,
}

/// A pattern made only of numeric date and time fields and literals.
#[derive(Debug, Clone)]
pub(crate) struct FastFormat {
    pieces: Box<[Piece]>,
}

impl FastFormat {
    /// Compiles chrono `items` when every one is covered; `millis` is the item that writes
    /// three millisecond digits (chrono keeps it opaque).
    pub(crate) fn new(items: &[Item<'static>], millis: &Item<'static>) -> Option<Self> {
        let pieces = items
            .iter()
            .map(|item| piece(item, millis))
            .collect::<Option<Box<[Piece]>>>()?;
        let longest: usize = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Literal(text) => text.len(),
                Piece::Year => 4,
                Piece::Millis => 3,
                _ => 2,
            })
            .sum();
        (longest <= CAPACITY).then_some(Self { pieces })
    }

    /// Appends the text for `millis` since the epoch (UTC) to `out`; false, leaving `out` as it
    /// was, for a year outside 1000–9999, which chrono writes with its own sign rules.
    pub(crate) fn write(&self, millis: i64, out: &mut Buffer) -> bool {
        let seconds = millis.div_euclid(1000);
        let milli = millis.rem_euclid(1000) as u32;
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        if !(1000..=9999).contains(&year) {
            return false;
        }
        let year = year as u32;
        for piece in self.pieces.iter() {
            match piece {
                Piece::Literal(text) => out.extend(text.as_bytes()),
                Piece::Year => {
                    two(out, year / 100, true);
                    two(out, year % 100, true);
                }
                Piece::YearMod100(pad) => two(out, year % 100, *pad),
                Piece::Month(pad) => two(out, month, *pad),
                Piece::Day(pad) => two(out, day, *pad),
                Piece::Hour(pad) => two(out, second_of_day / 3600, *pad),
                Piece::Minute(pad) => two(out, second_of_day / 60 % 60, *pad),
                Piece::Second(pad) => two(out, second_of_day % 60, *pad),
                Piece::Millis => {
                    out.extend(&[b'0' + (milli / 100) as u8]);
                    two(out, milli % 100, true);
                }
            }
        }
        true
    }
}

/// The piece for one chrono item, if it is covered.
fn piece(item: &Item<'static>, millis: &Item<'static>) -> Option<Piece> {
    let zero = |pad: &Pad| match pad {
        Pad::Zero => Some(true),
        Pad::None => Some(false),
        Pad::Space => None,
    };
    Some(match item {
        Item::Literal(text) => Piece::Literal((*text).into()),
        Item::OwnedLiteral(text) => Piece::Literal(text.clone()),
        Item::Numeric(Numeric::Year, _) => Piece::Year,
        Item::Numeric(Numeric::YearMod100, pad) => Piece::YearMod100(zero(pad)?),
        Item::Numeric(Numeric::Month, pad) => Piece::Month(zero(pad)?),
        Item::Numeric(Numeric::Day, pad) => Piece::Day(zero(pad)?),
        Item::Numeric(Numeric::Hour, pad) => Piece::Hour(zero(pad)?),
        Item::Numeric(Numeric::Minute, pad) => Piece::Minute(zero(pad)?),
        Item::Numeric(Numeric::Second, pad) => Piece::Second(zero(pad)?),
        other if other == millis => Piece::Millis,
        _ => return None,
    })
}

/// A value below 100 in two digits, or without the leading zero when not `pad`ded (chrono's
/// `write_two`).
#[inline]
fn two(out: &mut Buffer, value: u32, pad: bool) {
    let tens = b'0' + (value / 10) as u8;
    let ones = b'0' + (value % 10) as u8;
    if tens != b'0' || pad {
        out.extend(&[tens, ones]);
    } else {
        out.extend(&[ones]);
    }
}

/// Year, month and day of the proleptic Gregorian calendar for `days` since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_around_the_epoch_and_leap_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_787), (2024, 3, 5));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
    }
}
