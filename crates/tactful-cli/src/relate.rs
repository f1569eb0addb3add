//! `tactful contacts` (everyone on the curve) and `tactful contact NAME` (one
//! person: timeline, stage with reasons, equity, consent, what to do next):
//! they print what `tactful_app::contacts` returns.

use anyhow::Result;
use std::io::Write;
use tactful_app::contacts::{self, Query};
use tactful_core::history::Network;
use tactful_core::relationships::{Stage, Thresholds};

use crate::store::show_time;

#[derive(clap::Args)]
pub struct ContactsArgs {
    /// Only this stage: connected, engaged, conversation, customer, team, lapsed.
    #[arg(long, value_parser = |s: &str| s.parse::<Stage>())]
    pub stage: Option<Stage>,
    #[arg(long, value_parser = |s: &str| s.parse::<Network>())]
    pub network: Option<Network>,
    /// Part of a name or handle.
    #[arg(long)]
    pub search: Option<String>,
    /// Only contacts whose last exchange from them is older than this many days.
    #[arg(long)]
    pub quiet_for: Option<u32>,
    /// Print JSON lines.
    #[arg(long)]
    pub jsonl: bool,
    /// Days without an exchange from them before an engaged contact counts as lapsed.
    #[arg(long, default_value_t = 90)]
    pub lapsed_after: u32,
    #[command(flatten)]
    pub db: crate::store::StoreArg,
}

pub fn contacts(args: &ContactsArgs) -> Result<u8> {
    let mut store = args.db.open()?;
    let query = Query {
        stage: args.stage,
        network: args.network,
        search: args.search.clone(),
        quiet_for_days: args.quiet_for,
        thresholds: Thresholds { lapsed_after_days: args.lapsed_after, ..Thresholds::default() },
    };
    let list = contacts::list(store.as_mut(), &query, crate::store::now())?;
    let mut out = std::io::stdout().lock();
    for c in &list.contacts {
        if args.jsonl {
            writeln!(
                out,
                "{}",
                serde_json::json!({"id": c.id, "name": c.name, "stage": c.stage.as_str(), "reasons": c.reasons,
                    "handles": c.handles, "given": c.given, "asked": c.asked, "received": c.received,
                    "last_from_them": c.last_from_them, "last_from_you": c.last_from_you})
            )?;
        } else {
            let heard = c.last_from_them.map_or("never".to_string(), |t| show_time(t)[..10].to_string());
            writeln!(
                out,
                "#{:<5} {:<26} {:<13} last from them {:<10}  gave {:>3} asked {:>3} got {:>3}",
                c.id,
                c.name.chars().take(26).collect::<String>(),
                c.stage.as_str(),
                heard,
                c.given,
                c.asked,
                c.received
            )?;
        }
    }
    if !args.jsonl {
        let mut summary: Vec<String> =
            list.stages.iter().filter(|(_, n)| *n > 0).map(|(s, n)| format!("{n} {s}")).collect();
        if summary.is_empty() {
            summary.push("no contacts yet: import an export first".into());
        }
        writeln!(out, "\n{} shown; {}", list.contacts.len(), summary.join(", "))?;
    }
    Ok(0)
}

#[derive(clap::Args)]
pub struct ContactArgs {
    /// A name, a handle, or #ID.
    pub name: String,
    /// Days without an exchange from them before an engaged contact counts as lapsed.
    #[arg(long, default_value_t = 90)]
    pub lapsed_after: u32,
    #[command(flatten)]
    pub db: crate::store::StoreArg,
}

pub fn contact(args: &ContactArgs) -> Result<u8> {
    let mut store = args.db.open()?;
    let c = contacts::resolve(store.people(), &args.name)?;
    let thresholds = Thresholds { lapsed_after_days: args.lapsed_after, ..Thresholds::default() };
    let page = contacts::page(store.as_mut(), &c, crate::store::now(), &thresholds, 20)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} (#{}) — {}", page.name, page.id, page.handles.join(", "))?;
    writeln!(out, "\nStage: {}", page.stage)?;
    for r in &page.reasons {
        writeln!(out, "  - {r}")?;
    }
    writeln!(out, "\nGive and ask:")?;
    for why in &page.equity_why {
        writeln!(out, "  {why}")?;
    }
    writeln!(out, "\nConsent:")?;
    if page.consent.is_empty() {
        writeln!(out, "  none recorded: do not add them to any list. Being connected is not an opt-in.")?;
    }
    for r in &page.consent {
        writeln!(
            out,
            "  {} {} via {} ({}): {}",
            r.purpose,
            r.status,
            r.source,
            show_time(r.recorded_at),
            r.evidence
        )?;
    }
    writeln!(out, "\nNext: {}", page.next_step)?;
    writeln!(out, "\nTimeline (latest 20):")?;
    for x in &page.timeline {
        writeln!(
            out,
            "  {} {:<9} {:<4} {} (item {})",
            show_time(x.at),
            x.network.as_str(),
            x.who,
            x.act,
            x.item
        )?;
    }
    Ok(0)
}

/// Past pitches to people who had not invited them, and broadcasts, as a scan found them.
pub fn print_relationships(scan: &tactful_app::scan::Scan, out: &mut dyn Write, limit: usize) -> Result<()> {
    writeln!(out, "Pitches to people who had not invited them: {}", scan.unsolicited.len())?;
    for u in scan.unsolicited.iter().take(limit) {
        writeln!(out, "  {} to {} (was {}) — item {}", show_time(u.at), u.name, u.stage, u.item)?;
    }
    writeln!(
        out,
        "\nSpray and pray (the same message to {}+ people within a day): {}",
        tactful_core::relationships::DEFAULT_MIN_RECIPIENTS,
        scan.broadcasts.len()
    )?;
    for b in scan.broadcasts.iter().take(limit) {
        let text: String = b.text.chars().take(80).collect();
        writeln!(out, "  {} → {} people: \"{text}\"", show_time(b.first_at), b.recipients)?;
    }
    Ok(())
}
