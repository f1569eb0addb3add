//! Relationships from the command line: `tactful contacts` (everyone on the
//! curve), `tactful contact NAME` (one person: timeline, stage with reasons,
//! equity, consent, what to do next), and the pieces `check --to` and `scan`
//! use (the pitch gate, past pitches, spray and pray).

use anyhow::Result;
use std::collections::HashMap;
use std::io::Write;
use tactful_core::consent::Purpose;
use tactful_core::history::{ItemKind, Network};
use tactful_core::relationships::{
    self, Assessment, Interaction, Mark, MarkSource, Marks, Stage, Thresholds,
};
use tactful_store::people::{self, Contact};
use tactful_store::{Filter, Store, StoredItem, derived};

use crate::store::show_time;

/// Everyone's history, derived once from the stored items.
pub struct Everyone {
    pub contacts: Vec<Contact>,
    pub histories: Vec<Vec<Interaction>>,
    pub now: i64,
    pub thresholds: Thresholds,
}

/// The contact's customer or team mark, dated when it was made (a mark from
/// before marks were dated counts from the beginning).
pub fn marks(c: &Contact) -> Marks {
    let mark = Mark { at: c.marked_at.unwrap_or(0), source: MarkSource::User };
    match c.mark.as_deref() {
        Some("customer") => Marks { customer: Some(mark), team: None },
        Some("team") => Marks { customer: None, team: Some(mark) },
        _ => Marks::default(),
    }
}

/// Interactions sorted into each contact's history, one item at a time.
struct Ledger {
    contacts: Vec<Contact>,
    index: HashMap<(Network, String), usize>,
    owners: HashMap<Network, String>,
    histories: Vec<Vec<Interaction>>,
}

impl Ledger {
    fn new(store: &mut dyn Store) -> Result<Ledger> {
        let contacts = people::all(store.people())?;
        let mut index: HashMap<(Network, String), usize> = HashMap::new();
        for (i, c) in contacts.iter().enumerate() {
            for (n, h) in &c.handles {
                index.insert((*n, h.to_lowercase()), i);
            }
        }
        let owners: HashMap<Network, String> = store.owners()?.into_iter().collect();
        let histories = vec![Vec::new(); contacts.len()];
        Ok(Ledger { contacts, index, owners, histories })
    }

    fn add(&mut self, it: &StoredItem) {
        let owner = self.owners.get(&it.network).map_or("", String::as_str);
        for x in relationships::interactions(&it.view(), owner) {
            if let Some(&i) = self.index.get(&(x.network, x.contact.to_lowercase())) {
                self.histories[i].push(x);
            }
        }
    }

    fn finish(mut self) -> Everyone {
        for h in &mut self.histories {
            h.sort_by_key(|x| (x.at, x.item));
        }
        Everyone {
            contacts: self.contacts,
            histories: self.histories,
            now: crate::store::now(),
            thresholds: Thresholds::default(),
        }
    }
}

/// Every contact with all their interactions, oldest first: from the
/// derived table, not by reading every item and deriving them again.
pub fn load(store: &mut dyn Store) -> Result<Everyone> {
    let db = store.people();
    derived::refresh(db)?;
    let contacts = people::all(db)?;
    let index: HashMap<i64, usize> = contacts.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut histories = vec![Vec::new(); contacts.len()];
    for x in derived::interactions_between(db, i64::MIN, i64::MAX)? {
        if let Some(&i) = index.get(&x.contact) {
            histories[i].push(x.interaction);
        }
    }
    Ok(Everyone { contacts, histories, now: crate::store::now(), thresholds: Thresholds::default() })
}

/// One contact's interactions, oldest first, and the items they come from,
/// reading only the items that name one of their handles: a contact's page
/// must not read the whole store.
pub fn history_of(
    store: &mut dyn Store,
    c: &Contact,
) -> Result<(Vec<Interaction>, HashMap<i64, StoredItem>)> {
    let mut items: HashMap<i64, StoredItem> = HashMap::new();
    for (network, handle) in &c.handles {
        let filter = Filter { network: Some(*network), person: Some(handle.clone()), ..Filter::default() };
        store.items(&filter, &mut |it: StoredItem| {
            items.insert(it.id, it);
            true
        })?;
    }
    let owners: HashMap<Network, String> = store.owners()?.into_iter().collect();
    let mut history = Vec::new();
    for it in items.values() {
        let owner = owners.get(&it.network).map_or("", String::as_str);
        for x in relationships::interactions(&it.view(), owner) {
            if c.handles.iter().any(|(n, h)| *n == x.network && h.eq_ignore_ascii_case(&x.contact)) {
                history.push(x);
            }
        }
    }
    history.sort_by_key(|x| (x.at, x.item));
    Ok((history, items))
}

/// One contact's assessment, reading only the items that name one of their
/// handles: the pitch gate runs as you type and must not read the whole store.
pub fn assess_one(store: &mut dyn Store, c: &Contact) -> Result<Assessment> {
    let mut acc = Ledger::new(store)?;
    let mut seen = std::collections::HashSet::new();
    for (network, handle) in &c.handles {
        let filter = Filter { network: Some(*network), person: Some(handle.clone()), ..Filter::default() };
        store.items(&filter, &mut |it: StoredItem| {
            if seen.insert(it.id) {
                acc.add(&it);
            }
            true
        })?;
    }
    let net = acc.finish();
    Ok(net.assess(net.index_of(c.id).expect("the contact is in the store")))
}

impl Everyone {
    pub fn assess(&self, i: usize) -> Assessment {
        relationships::stage(&self.histories[i], marks(&self.contacts[i]), self.now, &self.thresholds)
    }

    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.contacts.iter().position(|c| c.id == id)
    }
}

/// The purpose a pitch is about: the opportunity (recruiting) or products.
pub fn purpose_of(cue: &str) -> Purpose {
    let c = cue.to_lowercase();
    if ["team", "opportunity", "business", "boss", "join", "recruit", "income", "job", "telegram", "hustle"]
        .iter()
        .any(|w| c.contains(w))
    {
        Purpose::Opportunity
    } else {
        Purpose::ProductUpdates
    }
}

/// What to do next, by stage, in the seeds' spirit: give before you ask.
pub fn next_step(stage: Stage) -> &'static str {
    match stage {
        Stage::Connected => {
            "Give before you ask: comment on something they posted or answer a question of theirs. Do not pitch yet."
        }
        Stage::Engaged => {
            "Keep giving and keep it personal. If they ask about what you do, answer; a pitch now would be unsolicited."
        }
        Stage::Conversation => {
            "They welcome the conversation: answer their questions first; mention your offer only where it fits what they asked."
        }
        Stage::Customer => {
            "Ask how they are getting on with what they bought; add them to a list only if they opt in themselves."
        }
        Stage::Team => {
            "Support them: answer questions, share what works, and help them keep their own posts compliant."
        }
        Stage::Lapsed => {
            "Reconnect without an offer: ask how they are or react to something recent they shared."
        }
    }
}

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
    #[arg(long)]
    pub db: Option<String>,
}

/// Every contact with their stage now, from the stored tallies (what
/// `today` reads): the same stages as deriving from every item, without
/// reading every item.
pub fn assess_all(
    store: &mut dyn Store,
    thresholds: &Thresholds,
) -> Result<(Vec<(Contact, Assessment)>, i64)> {
    let now = crate::store::now();
    let db = store.people();
    tactful_store::derived::refresh(db)?;
    let tallies = tactful_store::derived::tallies_at(db, now)?;
    let none = relationships::Tally::default();
    let out = people::all(db)?
        .into_iter()
        .map(|c| {
            let a = relationships::assess(tallies.get(&c.id).unwrap_or(&none), marks(&c), now, thresholds);
            (c, a)
        })
        .collect();
    Ok((out, now))
}

pub fn contacts(args: &ContactsArgs) -> Result<u8> {
    let mut store = crate::store::open(args.db.as_deref())?;
    let thresholds = Thresholds { lapsed_after_days: args.lapsed_after, ..Thresholds::default() };
    let (everyone, now) = assess_all(store.as_mut(), &thresholds)?;
    let mut out = std::io::stdout().lock();
    let mut shown = 0;
    let mut by_stage: HashMap<Stage, usize> = HashMap::new();
    for (c, a) in &everyone {
        if args.network.is_some_and(|n| !c.handles.iter().any(|(m, _)| *m == n)) {
            continue;
        }
        if let Some(q) = &args.search {
            let q = q.to_lowercase();
            if !c.display_name.to_lowercase().contains(&q)
                && !c.handles.iter().any(|(_, h)| h.to_lowercase().contains(&q))
            {
                continue;
            }
        }
        *by_stage.entry(a.stage).or_default() += 1;
        if args.stage.is_some_and(|s| s != a.stage) {
            continue;
        }
        if let Some(days) = args.quiet_for {
            if a.last_from_them.is_some_and(|t| now - t < i64::from(days) * 86_400) {
                continue;
            }
        }
        shown += 1;
        if args.jsonl {
            writeln!(
                out,
                "{}",
                serde_json::json!({"id": c.id, "name": c.display_name, "stage": a.stage.as_str(), "reasons": a.reasons,
                    "handles": c.handles.iter().map(|(n, h)| format!("{n}:{h}")).collect::<Vec<_>>(),
                    "given": a.equity.given, "asked": a.equity.asked, "received": a.equity.received,
                    "last_from_them": a.last_from_them, "last_from_you": a.last_from_you})
            )?;
        } else {
            let last = a.last_from_them.map_or("never".to_string(), |t| show_time(t)[..10].to_string());
            writeln!(
                out,
                "#{:<5} {:<26} {:<13} last from them {:<10}  gave {:>3} asked {:>3} got {:>3}",
                c.id,
                c.display_name.chars().take(26).collect::<String>(),
                a.stage.as_str(),
                last,
                a.equity.given,
                a.equity.asked,
                a.equity.received
            )?;
        }
    }
    if !args.jsonl {
        let mut summary: Vec<String> =
            Stage::ALL.iter().filter_map(|s| by_stage.get(s).map(|n| format!("{n} {s}"))).collect();
        if summary.is_empty() {
            summary.push("no contacts yet: import an export first".into());
        }
        writeln!(out, "\n{shown} shown; {}", summary.join(", "))?;
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
    #[arg(long)]
    pub db: Option<String>,
}

pub fn contact(args: &ContactArgs) -> Result<u8> {
    let mut store = crate::store::open(args.db.as_deref())?;
    let c = crate::people::resolve(store.people(), &args.name)?;
    let (hist, _) = history_of(store.as_mut(), &c)?;
    let thresholds = Thresholds { lapsed_after_days: args.lapsed_after, ..Thresholds::default() };
    let a = relationships::stage(&hist, marks(&c), crate::store::now(), &thresholds);
    let mut out = std::io::stdout().lock();
    let handles: Vec<String> = c.handles.iter().map(|(n, h)| format!("{n}:{h}")).collect();
    writeln!(out, "{} (#{}) — {}", c.display_name, c.id, handles.join(", "))?;
    writeln!(out, "\nStage: {}", a.stage)?;
    for r in &a.reasons {
        writeln!(out, "  - {r}")?;
    }
    writeln!(out, "\nGive and ask:")?;
    writeln!(out, "  {}", a.equity.given_why)?;
    writeln!(out, "  {}", a.equity.asked_why)?;
    writeln!(out, "  {}", a.equity.received_why)?;
    writeln!(out, "\nConsent:")?;
    let records = people::consents(store.people(), Some(c.id))?;
    if records.is_empty() {
        writeln!(out, "  none recorded: do not add them to any list. Being connected is not an opt-in.")?;
    }
    for r in &records {
        writeln!(
            out,
            "  {} {} via {} ({}): {}",
            r.purpose,
            r.status.as_str(),
            r.source,
            show_time(r.recorded_at),
            r.evidence
        )?;
    }
    writeln!(out, "\nNext: {}", next_step(a.stage))?;
    writeln!(out, "\nTimeline (latest 20):")?;
    for x in hist.iter().rev().take(20) {
        let who = if x.direction == relationships::Direction::Given { "you" } else { "they" };
        writeln!(
            out,
            "  {} {:<9} {who:<4} {} (item {})",
            show_time(x.at),
            x.network.as_str(),
            x.act,
            x.item
        )?;
    }
    Ok(0)
}

/// The pitch gate: a finding when `text` pitches and the contact has not
/// invited it (stage) nor opted in (consent) for what the pitch is about.
pub fn gate(
    store: &mut dyn Store,
    engine: &tactful_core::Engine,
    who: &str,
    text: &str,
) -> Result<Option<tactful_core::Finding>> {
    let Some(cue) = relationships::pitch_cue(text) else { return Ok(None) };
    let c = crate::people::resolve(store.people(), who)?;
    let purpose = purpose_of(&cue);
    if people::opted_in(store.people(), c.id, purpose)? {
        return Ok(None);
    }
    let a = assess_one(store, &c)?;
    if a.stage.welcomes_pitch() {
        return Ok(None);
    }
    let rule = engine.rule("PIT001").expect("built-in pitch pack");
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    let why = a.reasons.first().cloned().unwrap_or_default();
    let msg = format!(
        "A pitch ({cue}) to {}, who is at stage `{}` and has not opted in to {purpose}: {why}. {}",
        c.display_name,
        a.stage,
        next_step(a.stage)
    );
    Ok(Some(tactful_core::engine::finding_of(rule, start, end, msg)))
}

/// Past pitches to people who had not invited them, and broadcasts.
pub fn scan_relationships(
    store: &mut dyn Store,
    out: &mut dyn Write,
    limit: usize,
) -> Result<(usize, usize)> {
    let net = load(store)?;
    // Pitches: judge each against the history before it.
    let mut unsolicited = Vec::new();
    for (i, hist) in net.histories.iter().enumerate() {
        for (k, x) in hist.iter().enumerate() {
            if x.act != relationships::Act::Pitch {
                continue;
            }
            let before: Vec<Interaction> = hist[..k].iter().filter(|y| y.item != x.item).cloned().collect();
            let a = relationships::stage(&before, marks(&net.contacts[i]), x.at, &Thresholds::default());
            if !a.stage.welcomes_pitch() {
                unsolicited.push((x.at, net.contacts[i].display_name.clone(), a.stage, x.item));
            }
        }
    }
    unsolicited.sort_by_key(|u| std::cmp::Reverse(u.0));
    writeln!(out, "Pitches to people who had not invited them: {}", unsolicited.len())?;
    for (at, name, stage, item) in unsolicited.iter().take(limit) {
        writeln!(out, "  {} to {name} (was {stage}) — item {item}", show_time(*at))?;
    }
    // Spray and pray: the owner's messages, one row per recipient.
    let mut rows: Vec<(i64, String, i64, String)> = Vec::new();
    store.items(
        &Filter { kind: Some(ItemKind::Message), by_owner: Some(true), ..Filter::default() },
        &mut |it| {
            for r in &it.counterparts {
                rows.push((it.id, r.clone(), it.at, it.text.clone()));
            }
            true
        },
    )?;
    let outgoing: Vec<relationships::Outgoing<'_>> = rows
        .iter()
        .map(|(id, c, at, t)| relationships::Outgoing { id: *id, contact: c, at: *at, text: t })
        .collect();
    let found = relationships::broadcasts(
        &outgoing,
        relationships::DEFAULT_WINDOW_SECS,
        relationships::DEFAULT_MIN_RECIPIENTS,
    );
    writeln!(
        out,
        "\nSpray and pray (the same message to {}+ people within a day): {}",
        relationships::DEFAULT_MIN_RECIPIENTS,
        found.len()
    )?;
    for b in found.iter().take(limit) {
        let text: String = b.text.chars().take(80).collect();
        writeln!(out, "  {} → {} people: \"{text}\"", show_time(b.first_at), b.recipients.len())?;
    }
    Ok((unsolicited.len(), found.len()))
}
