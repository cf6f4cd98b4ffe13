//! Days since the Unix epoch ↔ calendar dates as Java's `GregorianCalendar` in UTC gives them
//! (the calendar Confluent's `ProtobufData` converts Connect Dates with): the Julian calendar
//! before 1582-10-15, the Gregorian from then on, and years of era (1 BC is year 1 of era BC).

/// The first Gregorian day, 1582-10-15, in days since the epoch (Java's default cutover).
const CUTOVER_DAY: i64 = -141_427;
/// The largest year Java's `GregorianCalendar` accepts (`getMaximum(YEAR)`).
const MAX_YEAR: i32 = 292_278_994;

/// A calendar date: year of era, month 1–12, day of month, and whether the era is BC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CalendarDate {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub before_christ: bool,
}

/// The date of `days` since the epoch, as `Calendar.get(YEAR | MONTH | DAY_OF_MONTH)` gives it.
pub(super) fn date_of_days(days: i64) -> CalendarDate {
    let (year, month, day) = if days >= CUTOVER_DAY {
        gregorian_from_days(days)
    } else {
        julian_from_days(days)
    };
    if year <= 0 {
        CalendarDate {
            year: 1 - year,
            month,
            day,
            before_christ: true,
        }
    } else {
        CalendarDate {
            year,
            month,
            day,
            before_christ: false,
        }
    }
}

/// The days since the epoch of a date of the current era, as a non-lenient `GregorianCalendar`
/// computes them from `YEAR`, `MONTH` and `DAY_OF_MONTH`, or the field it rejects.
pub(super) fn days_of_date(year: i32, month: i32, day: i32) -> Result<i64, String> {
    if !(1..=MAX_YEAR).contains(&year) {
        return Err(format!("year {year} is not in 1..={MAX_YEAR}"));
    }
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not in 1..=12"));
    }
    if !(1..=31).contains(&day) {
        return Err(format!("day {day} is not in 1..=31"));
    }
    let (y, m, d) = (i64::from(year), i64::from(month), i64::from(day));
    let days = match year {
        1583.. => days_from_gregorian(y, m, d),
        ..=1581 => days_from_julian(y, m, d),
        _ => {
            let gregorian = days_from_gregorian(y, m, d);
            let julian = days_from_julian(y, m, d);
            if gregorian >= CUTOVER_DAY {
                gregorian
            } else if julian < CUTOVER_DAY {
                julian
            } else {
                return Err(format!(
                    "{year}-{month:02}-{day:02} does not exist (skipped by the Gregorian reform)"
                ));
            }
        }
    };
    // A non-lenient calendar rejects fields that do not read back, such as February 30.
    let back = date_of_days(days);
    if back.before_christ || (back.year, back.month, back.day) != (y, m, d) {
        return Err(format!("{year}-{month:02}-{day:02} is not a date"));
    }
    Ok(days)
}

/// Proleptic Gregorian (year, month, day) of `days` since the epoch.
fn gregorian_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    month_and_day(yoe + era * 400, doy)
}

fn days_from_gregorian(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + day_of_march_year(month, day);
    era * 146_097 + doe - 719_468
}

/// Proleptic Julian (year, month, day) of `days` since the epoch.
fn julian_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_470;
    let era = z.div_euclid(1461);
    let doe = z - era * 1461;
    let yoe = (doe - doe / 1460) / 365;
    let doy = doe - 365 * yoe;
    month_and_day(yoe + era * 4, doy)
}

fn days_from_julian(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(4);
    let yoe = y - era * 4;
    era * 1461 + yoe * 365 + day_of_march_year(month, day) - 719_470
}

/// Days since March 1st of a year that starts in March.
fn day_of_march_year(month: i64, day: i64) -> i64 {
    let shifted = if month > 2 { month - 3 } else { month + 9 };
    (153 * shifted + 2) / 5 + day - 1
}

/// The civil (year, month, day) of day `doy` of the March-based year `march_year`.
fn month_and_day(march_year: i64, doy: i64) -> (i64, i64, i64) {
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = if month <= 2 {
        march_year + 1
    } else {
        march_year
    };
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i64, month: i64, day: i64, before_christ: bool) -> CalendarDate {
        CalendarDate {
            year,
            month,
            day,
            before_christ,
        }
    }

    #[test]
    fn gregorian_dates_from_the_reform_on() {
        assert_eq!(date_of_days(0), date(1970, 1, 1, false));
        assert_eq!(date_of_days(19_000), date(2022, 1, 8, false));
        assert_eq!(date_of_days(-1), date(1969, 12, 31, false));
        assert_eq!(date_of_days(CUTOVER_DAY), date(1582, 10, 15, false));
        assert_eq!(days_of_date(2000, 2, 29), Ok(11_016));
        assert_eq!(days_of_date(1582, 10, 15), Ok(CUTOVER_DAY));
    }

    #[test]
    fn julian_dates_before_the_reform() {
        // The day before 1582-10-15 is 1582-10-04 in Java's calendar.
        assert_eq!(date_of_days(CUTOVER_DAY - 1), date(1582, 10, 4, false));
        assert_eq!(days_of_date(1582, 10, 4), Ok(CUTOVER_DAY - 1));
        // 1500 is a Julian leap year; 1 January of year 1 is day -719164.
        assert!(days_of_date(1500, 2, 29).is_ok());
        assert_eq!(days_of_date(1, 1, 1), Ok(-719_164));
        assert_eq!(date_of_days(-719_165), date(1, 12, 31, true));
    }

    #[test]
    fn dates_a_strict_calendar_rejects() {
        assert!(days_of_date(1582, 10, 10).is_err());
        assert!(days_of_date(2023, 2, 29).is_err());
        assert!(days_of_date(1900, 2, 29).is_err());
        assert!(days_of_date(0, 1, 1).is_err());
        assert!(days_of_date(2020, 13, 1).is_err());
        assert!(days_of_date(2020, 1, 0).is_err());
        assert!(days_of_date(i32::MAX, 1, 1).is_err());
    }

    #[test]
    fn every_connect_date_reads_back() {
        for days in (i64::from(i32::MIN)..=i64::from(i32::MAX)).step_by(9_973) {
            let date = date_of_days(days);
            if date.before_christ || date.year > i64::from(MAX_YEAR) {
                continue;
            }
            let fields = |x: i64| i32::try_from(x).expect("fits");
            assert_eq!(
                days_of_date(fields(date.year), fields(date.month), fields(date.day)),
                Ok(days)
            );
        }
    }
}
