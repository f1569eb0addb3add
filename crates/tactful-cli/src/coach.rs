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
        #[command(flatten)]
        db: crate::store::StoreArg,
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
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
}

#[derive(clap::Subcommand)]
pub enum SessionCommand {
    /// Start today's session (the time box from your plan).
    Start {
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Stop the running session.
    Stop {
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Time spent today, time left in the box, and your streak.
    Status {
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
}

/// The stored plan, or the defaults.
pub fn load_plan(db: &mut dyn Db) -> Result<Plan> {
    Ok(tactful_app::plan::load(db)?)
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
            let mut store = db.open()?;
            show_plan(&mut out, &load_plan(store.people())?)?;
        }
        PlanCommand::Set { goals, clear_goals, market, networks, session_minutes, max_promo, db } => {
            if max_promo.is_some_and(|p| p > 100) {
                bail!(crate::UsageError("--max-promo is a percentage: expected 0 to 100".into()));
            }
            if *session_minutes == Some(0) {
                bail!(crate::UsageError("--session-minutes: expected at least 1".into()));
            }
            let mut store = db.open()?;
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

pub use tactful_app::plan::{minutes_today, streak};

pub fn session(cmd: &SessionCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    let now = crate::store::now();
    let db_arg = match cmd {
        SessionCommand::Start { db } | SessionCommand::Stop { db } | SessionCommand::Status { db } => {
            db.clone()
        }
    };
    let mut store = db_arg.open()?;
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
