//! The daily streak: consecutive calendar days with a session, and the
//! longest run. Owns [`Streak`], [`streak`], [`streak_days`] and
//! [`day_number`] (a `YYYY-MM-DD` date as days since 1970-01-01).

use std::collections::{BTreeSet, HashSet};

use super::DEF_STREAK;

/// The daily streak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streak {
    /// Consecutive session days ending today (or yesterday, when today has
    /// no session yet).
    pub current: u32,
    /// The longest run of consecutive session days up to today.
    pub longest: u32,
    /// The last session day up to today (day number, see [`day_number`]).
    pub last_day: Option<i64>,
    pub definition: &'static str,
}

/// The day number (days since 1970-01-01) of a `YYYY-MM-DD` date, or `None`
/// when it is not a valid date.
pub fn day_number(date: &str) -> Option<i64> {
    crate::calendar::day_number(date)
}

/// The streak from session days as `YYYY-MM-DD` strings and today's date.
/// An invalid date is an error naming it.
pub fn streak(days: &[&str], today: &str) -> Result<Streak, String> {
    let parse = |d: &str| day_number(d).ok_or_else(|| format!("`{d}` is not a date: expected YYYY-MM-DD"));
    let today = parse(today)?;
    let days = days.iter().map(|d| parse(d)).collect::<Result<Vec<i64>, String>>()?;
    Ok(streak_days(&days, today))
}

/// The streak from session day numbers (see [`day_number`]) and today's.
pub fn streak_days(days: &[i64], today: i64) -> Streak {
    let set: BTreeSet<i64> = days.iter().copied().filter(|&d| d <= today).collect();
    let mut longest = 0u32;
    let mut run = 0u32;
    let mut prev: Option<i64> = None;
    for &d in &set {
        run = if prev == Some(d - 1) { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(d);
    }
    let seen: HashSet<i64> = set.iter().copied().collect();
    let end = if seen.contains(&today) { today } else { today - 1 };
    let mut current = 0u32;
    let mut d = end;
    while seen.contains(&d) {
        current += 1;
        d -= 1;
    }
    Streak { current, longest, last_day: set.last().copied(), definition: DEF_STREAK }
}
