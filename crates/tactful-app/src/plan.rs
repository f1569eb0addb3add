//! The seller's plan (goals, market, networks, daily session length,
//! content-mix target) as stored, and the daily time box read from the
//! stored sessions: minutes today and the streak.

use tactful_core::plan::Plan;
use tactful_store::coach;
use tactful_store::people::Db;

use crate::{Error, Result};

/// The stored plan, or the defaults when none was written yet.
pub fn load(db: &mut dyn Db) -> Result<Plan> {
    match coach::get(db, "plan")? {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            Error::Stored(format!(
                "the stored plan cannot be read ({e}); set it again with `tactful plan set`"
            ))
        }),
        None => Ok(Plan::default()),
    }
}

/// Days (since the epoch, UTC) with at least one session.
fn session_days(sessions: &[coach::Session]) -> Vec<i64> {
    let mut days: Vec<i64> = sessions.iter().map(|s| s.started_at.div_euclid(86_400)).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// The current streak: consecutive days with a session, ending today (or
/// yesterday, so the streak is not lost before today's session).
pub fn streak(sessions: &[coach::Session], now: i64) -> (u32, u32) {
    let days = session_days(sessions);
    let today = now.div_euclid(86_400);
    let mut longest = 0;
    let mut run = 0;
    let mut prev = i64::MIN;
    for &d in &days {
        run = if d == prev + 1 { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = d;
    }
    let mut current = 0;
    let mut day = if days.binary_search(&today).is_ok() { today } else { today - 1 };
    while days.binary_search(&day).is_ok() {
        current += 1;
        day -= 1;
    }
    (current, longest)
}

/// Minutes spent in sessions that started today (a running one counts up to now).
pub fn minutes_today(sessions: &[coach::Session], now: i64) -> i64 {
    let today = now.div_euclid(86_400);
    sessions
        .iter()
        .filter(|s| s.started_at.div_euclid(86_400) == today)
        .map(|s| (s.stopped_at.unwrap_or(now) - s.started_at).max(0) / 60)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(day: i64, minutes: i64) -> coach::Session {
        coach::Session {
            id: day,
            started_at: day * 86_400 + 3600,
            stopped_at: Some(day * 86_400 + 3600 + minutes * 60),
        }
    }

    #[test]
    fn streak_counts_consecutive_days_and_survives_until_today_ends() {
        let sessions = vec![s(10, 5), s(11, 5), s(12, 5), s(14, 5), s(15, 5)];
        assert_eq!(streak(&sessions, 15 * 86_400 + 100), (2, 3));
        assert_eq!(
            streak(&sessions, 16 * 86_400 + 100),
            (2, 3),
            "no session yet today: yesterday's streak stands"
        );
        assert_eq!(streak(&sessions, 17 * 86_400 + 100), (0, 3), "a missed day ends it");
        assert_eq!(minutes_today(&sessions, 15 * 86_400 + 50_000), 5);
    }
}
