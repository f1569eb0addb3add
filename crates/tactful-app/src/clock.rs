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
/// `2026-11-21` (midnight UTC) into Unix seconds.
pub fn parse(s: &str) -> Result<i64, String> {
    let bad =
        || format!("`{s}`: expected a date and time like 2026-11-21T09:00:00Z, or a date like 2026-11-21");
    let t = s.trim();
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if !(digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10))
    {
        return Err(bad());
    }
    let (mo, d): (u32, u32) = (t[5..7].parse().map_err(|_| bad())?, t[8..10].parse().map_err(|_| bad())?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    if b.len() > 10 {
        let sep_ok = matches!(b[10], b'T' | b't' | b' ');
        let time_ok = digits(11..13) && b.get(13) == Some(&b':') && digits(14..16);
        if !sep_ok
            || !time_ok
            || t[11..13].parse::<u32>().map_err(|_| bad())? > 23
            || t[14..16].parse::<u32>().map_err(|_| bad())? > 59
        {
            return Err(bad());
        }
        let mut rest = &t[16..];
        if let Some(r) = rest.strip_prefix(':') {
            if !r.as_bytes().get(..2).is_some_and(|x| x.iter().all(u8::is_ascii_digit)) {
                return Err(bad());
            }
            rest = &r[2..];
        }
        let zone = rest.trim();
        let zone_ok = zone.is_empty()
            || zone.eq_ignore_ascii_case("z")
            || zone.eq_ignore_ascii_case("utc")
            || (zone.len() == 6 && matches!(zone.as_bytes()[0], b'+' | b'-') && zone.as_bytes()[3] == b':')
            || (zone.len() == 5 && matches!(zone.as_bytes()[0], b'+' | b'-'));
        if !zone_ok {
            return Err(bad());
        }
    }
    tactful_import::util::parse_iso(t).ok_or_else(bad)
}

/// A Unix time as `2026-11-21T09:00:00Z`.
pub fn rfc3339(t: i64) -> String {
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}

/// Year, month, day of a day number (days since 1970-01-01).
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
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
