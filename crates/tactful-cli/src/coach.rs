//! `tactful plan` (the seller's goals, market, networks, session length and
//! content-mix target) and `tactful session start|stop|status` (the daily time
//! box and the streak).

use anyhow::{Result, bail};
use std::io::Write;
use tactful_core::history::Network;
use tactful_core::plan::Plan;
use tactful_store::coach;
use tactful_store::people::Db;

#[derive(clap::Subcommand)]
pub enum PlanCommand {
    /// Show the plan.
    Show {
        #[arg(long)]
        db: Option<String>,
    },
    /// Change the plan; only what you give changes.
    Set {
        /// A goal; repeatable ("10 new customers by March").
        #[arg(long = "goal")]
        goals: Vec<String>,
        /// Remove every goal before adding the new ones.
        #[arg(long)]
        clear_goals: bool,
        /// Who you serve.
        #[arg(long)]
        market: Option<String>,
        /// The networks you focus on, comma-separated (facebook,instagram,x,linkedin).
        #[arg(long, value_delimiter = ',', value_parser = |s: &str| s.parse::<Network>())]
        networks: Option<Vec<Network>>,
        /// Minutes a day for your social-selling session.
        #[arg(long)]
        session_minutes: Option<u32>,
        /// Highest share of promotional posts, in percent.
        #[arg(long)]
        max_promo: Option<u32>,
        #[arg(long)]
        db: Option<String>,
    },
}

#[derive(clap::Subcommand)]
pub enum SessionCommand {
    /// Start today's session (the time box from your plan).
    Start {
        #[arg(long)]
        db: Option<String>,
    },
    /// Stop the running session.
    Stop {
        #[arg(long)]
        db: Option<String>,
    },
    /// Time spent today, time left in the box, and your streak.
    Status {
        #[arg(long)]
        db: Option<String>,
    },
}

/// The stored plan, or the defaults.
pub fn load_plan(db: &mut dyn Db) -> Result<Plan> {
    match coach::get(db, "plan")? {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            anyhow::anyhow!("the stored plan cannot be read ({e}); set it again with `tactful plan set`")
        }),
        None => Ok(Plan::default()),
    }
}

pub fn show_plan(out: &mut dyn Write, plan: &Plan) -> std::io::Result<()> {
    writeln!(out, "Your plan")?;
    if plan.goals.is_empty() {
        writeln!(out, "  goals: none yet — add one: tactful plan set --goal \"…\"")?;
    }
    for g in &plan.goals {
        writeln!(out, "  goal: {g}")?;
    }
    writeln!(out, "  market: {}", if plan.market.is_empty() { "not set" } else { &plan.market })?;
    let nets: Vec<&str> = plan.networks.iter().map(|n| n.as_str()).collect();
    writeln!(
        out,
        "  networks: {}",
        if nets.is_empty() { "not chosen".to_string() } else { nets.join(", ") }
    )?;
    writeln!(out, "  daily session: {} minutes", plan.session_minutes)?;
    writeln!(out, "  promotional posts: at most {}%", plan.max_promotional_percent)
}

pub fn plan(cmd: &PlanCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match cmd {
        PlanCommand::Show { db } => {
            let mut store = crate::store::open(db.as_deref())?;
            show_plan(&mut out, &load_plan(store.people())?)?;
        }
        PlanCommand::Set { goals, clear_goals, market, networks, session_minutes, max_promo, db } => {
            if max_promo.is_some_and(|p| p > 100) {
                bail!(crate::UsageError("--max-promo is a percentage: expected 0 to 100".into()));
            }
            if *session_minutes == Some(0) {
                bail!(crate::UsageError("--session-minutes: expected at least 1".into()));
            }
            let mut store = crate::store::open(db.as_deref())?;
            let db = store.people();
            let mut p = load_plan(db)?;
            if *clear_goals {
                p.goals.clear();
            }
            p.goals.extend(goals.iter().cloned());
            if let Some(m) = market {
                p.market.clone_from(m);
            }
            if let Some(n) = networks {
                p.networks.clone_from(n);
            }
            if let Some(m) = session_minutes {
                p.session_minutes = *m;
            }
            if let Some(m) = max_promo {
                p.max_promotional_percent = *m;
            }
            coach::set(db, "plan", &serde_json::to_string(&p)?)?;
            show_plan(&mut out, &p)?;
        }
    }
    Ok(0)
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

pub fn session(cmd: &SessionCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    let now = crate::store::now();
    let db_arg = match cmd {
        SessionCommand::Start { db } | SessionCommand::Stop { db } | SessionCommand::Status { db } => {
            db.clone()
        }
    };
    let mut store = crate::store::open(db_arg.as_deref())?;
    let db = store.people();
    let plan = load_plan(db)?;
    match cmd {
        SessionCommand::Start { .. } => {
            let (s, new) = coach::start(db, now)?;
            if new {
                writeln!(
                    out,
                    "Session started: {} minutes in your plan. Answer people first, then give, then post.",
                    plan.session_minutes
                )?;
            } else {
                writeln!(
                    out,
                    "A session is already running since {}.",
                    crate::store::show_time(s.started_at)
                )?;
            }
        }
        SessionCommand::Stop { .. } => match coach::stop(db, now)? {
            Some(s) => writeln!(out, "Session stopped after {} minutes.", (now - s.started_at).max(0) / 60)?,
            None => bail!(crate::UsageError(
                "no session is running: start one with `tactful session start`".into()
            )),
        },
        SessionCommand::Status { .. } => {}
    }
    let all = coach::sessions(db)?;
    let (current, longest) = streak(&all, now);
    let spent = minutes_today(&all, now);
    writeln!(
        out,
        "Today: {spent} of {} minutes; {} left. Streak: {current} day(s) in a row (longest {longest}).",
        plan.session_minutes,
        (i64::from(plan.session_minutes) - spent).max(0)
    )?;
    Ok(0)
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
