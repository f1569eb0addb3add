//! `tactful responses`: whose turn it is in each conversation, and how fast
//! and how often you answer, per network and month (definitions in
//! docs/metrics.md; every figure lists the records behind it with --jsonl).

use anyhow::Result;
use std::io::Write;
use tactful_core::coaching::{self, Metric};
use tactful_store::derived;

use crate::report::{duration, show};
use crate::table::table;

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON lines (each figure with its definition and the ids of the records behind it).
    #[arg(long)]
    pub jsonl: bool,
    #[command(flatten)]
    pub db: crate::store::StoreArg,
}

pub fn run(args: &Args) -> Result<u8> {
    let mut store = args.db.open()?;
    let now = crate::store::now();
    // From the derived tables (starts and whose turn it is are kept per
    // conversation at import), not from every message.
    let db = store.people();
    derived::refresh(db)?;
    let starts = derived::conversation_starts(db, now)?;
    let figures = coaching::starts_summary(&starts.iter().collect::<Vec<_>>());
    let mut out = std::io::stdout().lock();
    if args.jsonl {
        for s in &figures {
            let m = |x: &Metric| serde_json::json!({"value": x.value, "detail": x.detail, "definition": x.definition, "items": x.items});
            writeln!(
                out,
                "{}",
                serde_json::json!({"network": s.network.map(tactful_core::history::Network::as_str), "month": s.month, "starts": m(&s.starts),
                    "response_rate": m(&s.response_rate), "median_secs": m(&s.median_secs), "p90_secs": m(&s.p90_secs)})
            )?;
        }
        return Ok(0);
    }
    writeln!(
        out,
        "A conversation start is their first message after 24 hours of silence; see docs/metrics.md.\n"
    )?;
    table!(
        out,
        "{:<10} {:<8} {:>6} {:>6} {:>10} {:>10}",
        ["network", "month", "starts", "rate", "median", "p90"],
        &figures,
        |s| [
            s.network.map_or("all", |n| n.as_str()),
            s.month.as_deref().unwrap_or("all"),
            show(&s.starts, |v| format!("{v:.0}")),
            show(&s.response_rate, |v| format!("{:.0}%", v * 100.0)),
            show(&s.median_secs, duration),
            show(&s.p90_secs, duration),
        ]
    );
    let waiting = derived::waiting_for_you(db, now)?;
    writeln!(out, "\nWaiting for you: {} conversation(s)", waiting.len())?;
    for c in waiting.iter().take(10) {
        writeln!(
            out,
            "  {} with {} — last message {} ago",
            c.network,
            c.people.join(", "),
            duration((now - c.last_at) as f64)
        )?;
    }
    Ok(0)
}
