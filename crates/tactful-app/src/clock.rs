//! The one clock of the program. "Now" is `--now`, else the `TACTFUL_NOW`
//! environment variable, else the system clock (read at each call, so a
//! server that runs for days keeps time).
//! Everything that asks what time it is asks here, so a test, the demo and a
//! user can set the day the program believes it is.

use std::sync::OnceLock;

/// The fixed time, when one was given.
static FIXED: OnceLock<Option<i64>> = OnceLock::new();

/// The environment variable that sets the clock.
pub const ENV: &str = "TACTFUL_NOW";

/// Fix the clock from `--now` or `TACTFUL_NOW` (the flag wins). Called once,
/// before any command runs; a value that is not a date is refused, naming
/// the flag or the variable.
pub fn init(flag: Option<&str>) -> Result<(), crate::Error> {
    let (value, from) = match flag {
        Some(v) => (Some(v.to_string()), "--now"),
        None => (std::env::var(ENV).ok().filter(|v| !v.trim().is_empty()), ENV),
    };
    let t = match value {
        Some(v) => Some(parse(&v).map_err(|e| crate::Error::Input(format!("{from} {e}")))?),
        None => None,
    };
    let _ = FIXED.set(t);
    Ok(())
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    FIXED.get().copied().flatten().unwrap_or_else(system)
}

fn system() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// `2026-11-21T09:00:00Z`, `2026-11-21T10:00:00+01:00`, `2026-11-21 09:00` or
/// `2026-11-21` (midnight UTC) into Unix seconds. A time without an offset is UTC.
pub fn parse(s: &str) -> Result<i64, String> {
    let bad =
        || format!("`{s}`: expected a date and time like 2026-11-21T09:00:00Z, or a date like 2026-11-21");
    let t = s.trim();
    let t = t.strip_suffix(" UTC").or_else(|| t.strip_suffix(" utc")).unwrap_or(t);
    // Only the forms above: jiff also reads week dates and bracketed zones.
    if !t.as_bytes().get(..10).is_some_and(|b| b[4] == b'-' && b[7] == b'-') {
        return Err(bad());
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second());
    }
    let utc =
        |dt: jiff::civil::DateTime| dt.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp().as_second());
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return utc(dt).map_err(|_| bad());
    }
    match t.parse::<jiff::civil::Date>() {
        Ok(d) if t.len() == 10 => utc(d.to_datetime(jiff::civil::Time::midnight())).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// A day written `2026-11-21` (nothing else: no time, no spaces) as the
/// Unix time it starts, UTC: the day filters of the case lists.
pub fn day(s: &str) -> Option<i64> {
    parse(s).ok().filter(|_| s.len() == 10)
}

/// A Unix time as `2026-11-21T09:00:00Z` (a time outside years -9999 to
/// 9999, which only a damaged export gives, is shown at the nearest end).
pub fn rfc3339(t: i64) -> String {
    timestamp(t).to_string()
}

fn timestamp(t: i64) -> jiff::Timestamp {
    let t = t.clamp(jiff::Timestamp::MIN.as_second(), jiff::Timestamp::MAX.as_second());
    jiff::Timestamp::from_second(t).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// Year, month, day of a day number (days since 1970-01-01).
pub fn civil(days: i64) -> (i64, i64, i64) {
    let (y, m, d) = tactful_core::calendar::civil(days);
    (y, i64::from(m), i64::from(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_a_person_writes() {
        assert_eq!(parse("2026-11-21T09:00:00Z"), Ok(tactful_import::util::unix(2026, 11, 21, 9, 0, 0)));
        assert_eq!(parse("2026-11-21T10:00:00+01:00"), Ok(tactful_import::util::unix(2026, 11, 21, 9, 0, 0)));
        assert_eq!(parse("2026-11-21 09:00"), Ok(tactful_import::util::unix(2026, 11, 21, 9, 0, 0)));
        assert_eq!(parse("2026-11-21"), Ok(tactful_import::util::unix(2026, 11, 21, 0, 0, 0)));
    }

    #[test]
    fn a_day_is_a_date_alone() {
        assert_eq!(day("2026-11-21"), Some(parse("2026-11-21T00:00:00Z").unwrap()));
        for not_a_day in ["2026-11-21T09:00:00Z", "2026-11-21 09:00", " 2026-11-21", "21-11-2026", ""] {
            assert_eq!(day(not_a_day), None, "{not_a_day:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            "tomorrow",
            "2026-13-01",
            "2026-11-21T25:00",
            "2026-11-21Tnoon",
            "2026-11-21T09:00:00 PST",
            "21/11/2026",
            "",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("expected a date"), "{bad}: {e}");
        }
    }

    #[test]
    fn writes_what_it_reads() {
        for t in [0, 86_399, 1_763_715_600, 4_102_444_800] {
            assert_eq!(parse(&rfc3339(t)), Ok(t));
        }
        assert_eq!(rfc3339(tactful_import::util::unix(2028, 2, 29, 23, 59, 58)), "2028-02-29T23:59:58Z");
    }
}
