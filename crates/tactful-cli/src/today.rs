//! `tactful today`: prints the day's list that `tactful_app::today::gather`
//! computes (the web's Today page renders the same data).

use anyhow::Result;
use std::io::Write;
use tactful_app::today::gather;

use crate::store::show_time;

#[derive(clap::Args)]
pub struct Args {
    /// How many lines per section.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// Engaged contacts you have not exchanged with for this many days get a giving action.
    #[arg(long, default_value_t = 14)]
    pub quiet_days: u32,
    #[command(flatten)]
    pub db: crate::store::StoreArg,
}

fn waited(secs: i64) -> String {
    let h = secs / 3600;
    if h < 48 { format!("{h} h") } else { format!("{} days", h / 24) }
}

pub fn run(args: &Args) -> Result<u8> {
    let mut store = args.db.open()?;
    let today = gather(store.as_mut(), crate::store::now(), args.limit, args.quiet_days)?;
    let mut out = std::io::stdout().lock();

    writeln!(out, "1. Waiting for your answer (oldest first)")?;
    if today.waiting.is_empty() {
        writeln!(out, "   nobody: every question and complaint has an answer")?;
    }
    for w in &today.waiting {
        let text: String = w.text.chars().take(70).collect();
        writeln!(
            out,
            "   {} on {} has waited {} ({}): \"{text}\"",
            w.from,
            w.network,
            waited(w.waited_secs),
            w.cue
        )?;
    }

    writeln!(out, "\n2. Give before you ask")?;
    if today.gives.is_empty() {
        writeln!(out, "   no engaged contact has gone quiet for {} days", today.quiet_days)?;
    }
    for g in &today.gives {
        writeln!(
            out,
            "   {} ({}, last exchange {}): {}",
            g.name,
            g.stage,
            &show_time(g.last)[..10],
            g.action
        )?;
    }

    writeln!(out, "\n3. Pitches to hold back")?;
    if today.holds.is_empty() {
        writeln!(out, "   none")?;
    }
    for h in &today.holds {
        writeln!(out, "   {}: {}", h.name, h.reason)?;
    }

    writeln!(
        out,
        "\n4. Today's time box: {} minutes ({} used). Streak: {} day(s) (longest {}).",
        today.minutes_planned, today.minutes_used, today.streak_current, today.streak_best
    )?;
    if let Some(f) = &today.focus {
        writeln!(out, "   Focus: {}", f.warning())?;
    }
    if !today.session_running {
        writeln!(out, "   Start it with: tactful session start")?;
    }
    Ok(0)
}
