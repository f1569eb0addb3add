//! `tactful today`: one screen, in the order the seeds teach — answer people
//! first, then give, hold back the pitches nobody asked for, and keep to the
//! time box.

use anyhow::Result;
use std::io::Write;
use tactful_core::relationships::{Act, Direction, Stage};
use tactful_store::people;

use crate::store::show_time;

#[derive(clap::Args)]
pub struct Args {
    /// How many lines per section.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// Engaged contacts you have not exchanged with for this many days get a giving action.
    #[arg(long, default_value_t = 14)]
    pub quiet_days: u32,
    #[arg(long)]
    pub db: Option<String>,
}

fn waited(secs: i64) -> String {
    let h = secs / 3600;
    if h < 48 { format!("{h} h") } else { format!("{} days", h / 24) }
}

pub fn run(args: &Args) -> Result<u8> {
    let mut store = crate::store::open(args.db.as_deref())?;
    // Read the store once: the waiting list and the curve both come from these items.
    let (items, owners) = crate::relate::all_items(store.as_mut())?;
    let net = crate::relate::load_from(store.as_mut(), &items)?;
    let now = net.now;
    let mut out = std::io::stdout().lock();

    // 1. People waiting for an answer.
    writeln!(out, "1. Waiting for your answer (oldest first)")?;
    let views: Vec<_> = items.iter().map(crate::relate::view).collect();
    let waiting = tactful_core::coaching::customer_requests(&views, &owners, now);
    if waiting.is_empty() {
        writeln!(out, "   nobody: every question and complaint has an answer")?;
    }
    for w in waiting.iter().take(args.limit) {
        let text: String = w.text.chars().take(70).collect();
        writeln!(out, "   {} on {} has waited {} ({}): \"{text}\"", w.from, w.network, waited(w.waited_secs), w.cue)?;
    }

    // 2. People to give something to.
    writeln!(out, "\n2. Give before you ask")?;
    let mut gives = Vec::new();
    for (i, c) in net.contacts.iter().enumerate() {
        let a = net.assess(i);
        if !matches!(a.stage, Stage::Engaged | Stage::Conversation | Stage::Customer) {
            continue;
        }
        let last = a.last_from_them.max(a.last_from_you).unwrap_or(0);
        if now - last >= i64::from(args.quiet_days) * 86_400 {
            let action = match a.stage {
                Stage::Customer => "ask how they are getting on with what they bought",
                Stage::Conversation => "answer something they shared or send a useful tip, no offer",
                _ => "comment on their latest post or share something of theirs",
            };
            gives.push((last, c.display_name.clone(), a.stage, action));
        }
    }
    gives.sort();
    if gives.is_empty() {
        writeln!(out, "   no engaged contact has gone quiet for {} days", args.quiet_days)?;
    }
    for (last, name, stage, action) in gives.iter().take(args.limit) {
        writeln!(out, "   {name} ({stage}, last exchange {}): {action}", &show_time(*last)[..10])?;
    }

    // 3. Pitches to hold back.
    writeln!(out, "\n3. Pitches to hold back")?;
    let mut holds = Vec::new();
    for (i, hist) in net.histories.iter().enumerate() {
        let last_pitch = hist.iter().filter(|x| x.act == Act::Pitch).map(|x| x.at).max();
        if let Some(p) = last_pitch {
            let replied = hist.iter().any(|x| x.direction == Direction::Received && x.at > p);
            if !replied && now - p < 60 * 86_400 {
                holds.push((p, format!("{}: you pitched on {} and they have not replied — do not follow up with another offer", net.contacts[i].display_name, &show_time(p)[..10])));
            }
        }
    }
    for c in people::consents(store.people(), None)? {
        if let (Some(w), tactful_core::consent::Status::Withdrawn) = (c.withdrawn_at, c.status) {
            let name = people::by_id(store.people(), c.contact_id)?.map_or_else(|| format!("#{}", c.contact_id), |x| x.display_name);
            holds.push((w, format!("{name}: withdrew consent for {} on {} — no {} messages", c.purpose, &show_time(w)[..10], c.purpose)));
        }
    }
    holds.sort_by(|a, b| b.0.cmp(&a.0));
    if holds.is_empty() {
        writeln!(out, "   none")?;
    }
    for (_, line) in holds.iter().take(args.limit) {
        writeln!(out, "   {line}")?;
    }

    // 4. The time box and the streak.
    let db = store.people();
    let plan = crate::coach::load_plan(db)?;
    let sessions = tactful_store::coach::sessions(db)?;
    let (current, longest) = crate::coach::streak(&sessions, now);
    let spent = crate::coach::minutes_today(&sessions, now);
    writeln!(out, "\n4. Today's time box: {} minutes ({spent} used). Streak: {current} day(s) (longest {longest}).", plan.session_minutes)?;
    // Focus: activity in the last 30 days on networks the plan did not choose.
    let mut used: Vec<tactful_core::history::Network> =
        items.iter().filter(|i| i.by_owner && now - i.at <= 30 * 86_400 && i.at <= now).map(|i| i.network).collect();
    used.sort();
    used.dedup();
    let off_plan = plan.unplanned(&used);
    if !off_plan.is_empty() {
        let names: Vec<&str> = off_plan.iter().map(|n| n.as_str()).collect();
        let planned: Vec<&str> = plan.networks.iter().map(|n| n.as_str()).collect();
        writeln!(out, "   Focus: you were active on {} in the last 30 days, outside your plan ({}).", names.join(", "), planned.join(", "))?;
    }
    if tactful_store::coach::open_session(db)?.is_none() {
        writeln!(out, "   Start it with: tactful session start")?;
    }
    Ok(0)
}
