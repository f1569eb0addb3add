//! The calendar, once: days since 1970-01-01 to and from (year, month, day),
//! the month and the date of a Unix time, all in UTC, through `jiff`. Pure:
//! no clock is read here (now is always a parameter).

use jiff::civil::Date;

/// The first day `jiff` can hold (-9999-01-01) and the last (9999-12-31),
/// as day numbers (a test checks them against jiff).
const FIRST_DAY: i64 = -4_371_587;
const LAST_DAY: i64 = 2_932_896;

/// (year, month, day) of a day number (days since 1970-01-01). A day beyond
/// years -9999 to 9999, which only a damaged export gives, is the nearest end.
pub fn civil(days: i64) -> (i64, u32, u32) {
    let epoch = Date::constant(1970, 1, 1);
    let d = epoch.checked_add(jiff::Span::new().days(days.clamp(FIRST_DAY, LAST_DAY))).unwrap_or(epoch);
    (i64::from(d.year()), d.month() as u32, d.day() as u32)
}

/// The day number of a civil date. A day past the end of its month counts on
/// into the next (2023-02-30 is 2023-03-02), as the day arithmetic always did
/// for exports with such dates; a month outside 1 to 12 is clamped.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = y.clamp(-9999, 9999) as i16;
    let m = m.clamp(1, 12) as i8;
    let first = Date::new(y, m, 1).unwrap_or(Date::constant(1970, 1, 1));
    let epoch = Date::constant(1970, 1, 1);
    i64::from(epoch.until(first).map_or(0, |s| s.get_days())) + i64::from(d) - 1
}

/// The day number of a `YYYY-MM-DD` date, or `None` when it is not a real
/// date (2024-02-31 is not).
pub fn day_number(date: &str) -> Option<i64> {
    let t = date.trim();
    let mut parts = t.splitn(3, '-');
    let (y, m, d): (i16, i8, i8) =
        (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    let day = Date::new(y, m, d).ok()?;
    Some(i64::from(Date::constant(1970, 1, 1).until(day).ok()?.get_days()))
}

/// `YYYY-MM` (UTC) of a Unix time.
pub fn month(at: i64) -> String {
    let (y, m, _) = civil(at.div_euclid(86_400));
    format!("{y:04}-{m:02}")
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn date(at: i64) -> String {
    let (y, m, d) = civil(at.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_agree_both_ways() {
        for days in [-719_528, -1, 0, 1, 59, 10_956, 19_782, 20_513, 2_932_896] {
            let (y, m, d) = civil(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
            assert_eq!(day_number(&format!("{y:04}-{m:02}-{d:02}")), Some(days));
        }
        assert_eq!(date(1_763_715_600), "2025-11-21");
        assert_eq!(month(1_763_715_600), "2025-11");
        assert_eq!(date(-1), "1969-12-31");
    }

    #[test]
    fn a_date_that_does_not_exist_is_none_or_counts_on() {
        assert_eq!(day_number("2024-02-31"), None);
        assert_eq!(day_number("2024-13-01"), None);
        assert_eq!(day_number("someday"), None);
        assert_eq!(day_number("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(days_from_civil(2023, 2, 30), days_from_civil(2023, 3, 2));
    }

    #[test]
    fn the_ends_are_jiffs() {
        let epoch = Date::constant(1970, 1, 1);
        assert_eq!(i64::from(epoch.until(Date::MIN).unwrap().get_days()), FIRST_DAY);
        assert_eq!(i64::from(epoch.until(Date::MAX).unwrap().get_days()), LAST_DAY);
    }

    #[test]
    fn a_time_far_out_of_range_is_the_nearest_end_not_a_panic() {
        assert_eq!(civil(i64::MAX / 86_400).0, 9999);
        assert_eq!(civil(i64::MIN / 86_400).0, -9999);
    }
}
