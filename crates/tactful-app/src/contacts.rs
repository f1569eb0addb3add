//! The people on the relationship curve, once: finding a contact from what
//! someone typed, each contact's stage (from the stored tallies for lists,
//! from their own items for one page), the list with its one filter and one
//! order, one contact's page, the pitch gate, and the past pitches and
//! broadcasts `scan` reports.

use serde::Serialize;
use std::collections::HashMap;
use tactful_core::consent::{Purpose, Status};
use tactful_core::history::{ItemKind, Network};
use tactful_core::relationships::{
    self, Assessment, Direction, Interaction, Mark, MarkSource, Marks, Stage, Thresholds,
};
use tactful_core::{Engine, Finding};
use tactful_store::people::{self, Contact, Db};
use tactful_store::{Filter, Store, StoredItem, derived};

use crate::{Error, Result};

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

/// `network:handle` for each of a contact's handles.
pub fn handles(c: &Contact) -> Vec<String> {
    c.handles.iter().map(|(n, h)| format!("{n}:{h}")).collect()
}

/// Who a message or comment is for: someone in the history, or someone who
/// is not (a stranger to the seller's history: no exchange, no opt-in).
#[derive(Debug, Clone)]
pub enum Recipient {
    Known(Contact),
    /// Not in the history: the name or handle as the seller wrote it, tidied.
    Stranger(String),
}

/// A contact offered when what someone typed fits several people, or only
/// part of a name.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    /// `network:handle` for each handle.
    pub handles: Vec<String>,
}

impl Candidate {
    fn of(c: &Contact) -> Candidate {
        Candidate { id: c.id, name: c.display_name.clone(), handles: handles(c) }
    }
}

/// Several contacts fit what someone typed (or only part of it): tactful
/// asks which one, and never guesses.
#[derive(Debug, Clone)]
pub struct Ambiguous {
    pub query: String,
    /// True when no contact has that exact name or handle and these only contain it.
    pub partial: bool,
    /// The first [`Ambiguous::SHOWN`] of them.
    pub candidates: Vec<Candidate>,
    /// How many fit in all.
    pub total: usize,
}

impl Ambiguous {
    pub const SHOWN: usize = 10;
}

impl std::fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.partial {
            let has = if self.total == 1 { "1 contact has" } else { "contacts have" };
            let n = if self.total == 1 { String::new() } else { format!("{} ", self.total) };
            write!(f, "no contact is called `{}`, but {n}{has} it in their name or handle", self.query)?;
        } else {
            write!(f, "`{}` is the name of {} contacts", self.query, self.total)?;
        }
        f.write_str(": pick one by id (e.g. `#")?;
        write!(f, "{}`)", self.candidates.first().map_or(0, |c| c.id))?;
        f.write_str(", or say it is someone new (--stranger)")?;
        for c in &self.candidates {
            write!(f, "\n  #{} {} ({})", c.id, c.name, c.handles.join(", "))?;
        }
        Ok(())
    }
}

/// What someone typed for a person, tidied: `@Ann_B` and a profile URL
/// (`https://instagram.com/ann_b/`) both mean the handle `ann_b`.
pub fn tidy(query: &str) -> String {
    let q = query.trim();
    if let Some((_, handle)) = tactful_core::handle::from_profile_url(q) {
        return handle;
    }
    q.trim_start_matches('@').trim().to_string()
}

/// True when `c` has exactly this name or handle (case aside).
fn named(c: &Contact, q: &str) -> bool {
    c.display_name.eq_ignore_ascii_case(q) || c.handles.iter().any(|(_, h)| h.eq_ignore_ascii_case(q))
}

/// The person someone meant. `#ID` names a contact; otherwise a name or
/// handle (`@handle` and profile URLs accepted) that exactly one contact has
/// is that contact; a name several have, or one that is only part of
/// someone's name, is [`Error::Ambiguous`] with the candidates; a name no
/// contact has is a [`Recipient::Stranger`]. `stranger` says the seller
/// means someone new, whoever the history holds.
pub fn recipient(db: &mut dyn Db, query: &str, stranger: bool) -> Result<Recipient> {
    let q = tidy(query);
    if q.is_empty() {
        return Err(Error::Input("name the person: a name, a handle, a profile link or #id".into()));
    }
    // A link names a person only when it is their profile; a post's or a
    // page's link taken as a name would check the draft for a made-up stranger.
    let link = q.to_ascii_lowercase();
    if (link.starts_with("http://") || link.starts_with("https://"))
        && tactful_core::handle::from_profile_url(&q).is_none()
    {
        return Err(Error::Input(format!(
            "`{q}` is a link to a post or a page, not to a person's profile: name the person, their @handle or their profile link"
        )));
    }
    if stranger {
        return Ok(Recipient::Stranger(q));
    }
    if let Some(id) = q.strip_prefix('#').and_then(|s| s.parse::<i64>().ok()) {
        return people::by_id(db, id)?
            .map(Recipient::Known)
            .ok_or_else(|| Error::Input(format!("no contact #{id}")));
    }
    let found = people::find(db, &q)?;
    let exact: Vec<&Contact> = found.iter().filter(|c| named(c, &q)).collect();
    let (fit, partial) = if exact.is_empty() { (found.iter().collect(), true) } else { (exact, false) };
    match fit.as_slice() {
        [] => Ok(Recipient::Stranger(q)),
        [one] if !partial => Ok(Recipient::Known((*one).clone())),
        many => Err(Error::Ambiguous(Ambiguous {
            query: q.clone(),
            partial,
            candidates: many.iter().take(Ambiguous::SHOWN).map(|c| Candidate::of(c)).collect(),
            total: many.len(),
        })),
    }
}

/// The contact someone meant, for commands about one contact: as
/// [`recipient`], and a name nobody in the history has is an error.
pub fn resolve(db: &mut dyn Db, query: &str) -> Result<Contact> {
    match recipient(db, query, false)? {
        Recipient::Known(c) => Ok(c),
        Recipient::Stranger(q) => Err(Error::Input(format!(
            "no contact matches `{q}`: see `tactful contacts` or import an export first"
        ))),
    }
}

/// Everyone's history, derived once from the stored items.
pub struct Everyone {
    pub contacts: Vec<Contact>,
    pub histories: Vec<Vec<Interaction>>,
    pub now: i64,
    pub thresholds: Thresholds,
}

impl Everyone {
    pub fn assess(&self, i: usize) -> Assessment {
        relationships::stage(&self.histories[i], marks(&self.contacts[i]), self.now, &self.thresholds)
    }

    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.contacts.iter().position(|c| c.id == id)
    }
}

/// Every contact with all their interactions, oldest first: from the
/// derived table, not by reading every item and deriving them again.
pub fn load(store: &mut dyn Store, now: i64) -> Result<Everyone> {
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
    Ok(Everyone { contacts, histories, now, thresholds: Thresholds::default() })
}

/// One contact's interactions, oldest first, and the items they come from,
/// reading only the items that name one of their handles: a contact's page
/// and the pitch gate (which runs as you type) must not read the whole store.
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

/// One contact's stage at `now`, from their own items.
pub fn assess_one(
    store: &mut dyn Store,
    c: &Contact,
    now: i64,
    thresholds: &Thresholds,
) -> Result<Assessment> {
    let (history, _) = history_of(store, c)?;
    Ok(relationships::stage(&history, marks(c), now, thresholds))
}

/// Every contact with their stage at `now`, from the stored tallies (what
/// `today` reads): the same stages as deriving from every item, without
/// reading every item.
pub fn assess_all(
    store: &mut dyn Store,
    now: i64,
    thresholds: &Thresholds,
) -> Result<Vec<(Contact, Assessment)>> {
    let db = store.people();
    derived::refresh(db)?;
    let tallies = derived::tallies_at(db, now)?;
    let none = relationships::Tally::default();
    Ok(people::all(db)?
        .into_iter()
        .map(|c| {
            let a = relationships::assess(tallies.get(&c.id).unwrap_or(&none), marks(&c), now, thresholds);
            (c, a)
        })
        .collect())
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

/// Which contacts a list shows. Every field is optional; the default shows everyone.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub stage: Option<Stage>,
    pub network: Option<Network>,
    /// Part of a name or handle, any case.
    pub search: Option<String>,
    /// Only those whose last exchange from them is older than this many days (or never).
    pub quiet_for_days: Option<u32>,
    pub thresholds: Thresholds,
}

/// One contact in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    #[serde(serialize_with = "stage_name")]
    pub stage: Stage,
    /// The first reason for the stage.
    pub why: String,
    pub reasons: Vec<String>,
    pub handles: Vec<String>,
    pub given: u32,
    pub asked: u32,
    pub received: u32,
    pub last_from_them: Option<i64>,
    pub last_from_you: Option<i64>,
}

/// A list of contacts and, for the chips above it, how many of those that
/// match the search and network sit at each stage (before the stage filter).
#[derive(Debug, Clone, Serialize)]
pub struct ContactList {
    pub contacts: Vec<ContactRow>,
    #[serde(serialize_with = "stage_counts")]
    pub stages: Vec<(Stage, usize)>,
}

/// The contacts a query selects, at `now`, most recently heard from first
/// (never heard from last), then by name.
pub fn list(store: &mut dyn Store, query: &Query, now: i64) -> Result<ContactList> {
    let everyone = assess_all(store, now, &query.thresholds)?;
    let search = query.search.as_deref().map(str::to_lowercase).filter(|q| !q.trim().is_empty());
    let mut rows = Vec::new();
    let mut counts: HashMap<Stage, usize> = HashMap::new();
    for (c, a) in everyone {
        if query.network.is_some_and(|n| !c.handles.iter().any(|(m, _)| *m == n)) {
            continue;
        }
        if let Some(q) = &search {
            if !c.display_name.to_lowercase().contains(q)
                && !c.handles.iter().any(|(_, h)| h.to_lowercase().contains(q))
            {
                continue;
            }
        }
        *counts.entry(a.stage).or_default() += 1;
        if query.stage.is_some_and(|s| s != a.stage) {
            continue;
        }
        if let Some(days) = query.quiet_for_days {
            if a.last_from_them.is_some_and(|t| now - t < i64::from(days) * 86_400) {
                continue;
            }
        }
        rows.push(ContactRow {
            id: c.id,
            handles: handles(&c),
            name: c.display_name,
            stage: a.stage,
            why: a.reasons.first().cloned().unwrap_or_default(),
            reasons: a.reasons,
            given: a.equity.given,
            asked: a.equity.asked,
            received: a.equity.received,
            last_from_them: a.last_from_them,
            last_from_you: a.last_from_you,
        });
    }
    rows.sort_by(|a, b| {
        b.last_from_them.cmp(&a.last_from_them).then(a.name.cmp(&b.name)).then(a.id.cmp(&b.id))
    });
    let stages = Stage::ALL.iter().map(|s| (*s, counts.get(s).copied().unwrap_or(0))).collect();
    Ok(ContactList { contacts: rows, stages })
}

/// A consent record as a contact's page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentRow {
    pub purpose: String,
    pub status: &'static str,
    pub source: String,
    pub evidence: String,
    pub recorded_at: i64,
    /// The double opt-in code to send them, while the record is pending.
    pub code: Option<String>,
}

/// One moment of a contact's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Moment {
    pub at: i64,
    pub network: Network,
    /// `you` or `they`.
    pub who: &'static str,
    pub act: String,
    pub item: i64,
    pub text: String,
}

/// One contact: stage with its reasons, give and ask, consent, what to do
/// next, and the latest moments.
#[derive(Debug, Clone, Serialize)]
pub struct ContactPage {
    pub id: i64,
    pub name: String,
    pub mark: Option<String>,
    pub handles: Vec<String>,
    #[serde(serialize_with = "stage_name")]
    pub stage: Stage,
    pub reasons: Vec<String>,
    pub given: u32,
    pub asked: u32,
    pub received: u32,
    pub equity_why: [String; 3],
    pub consent: Vec<ConsentRow>,
    pub next_step: &'static str,
    /// Latest first, at most `moments`.
    pub timeline: Vec<Moment>,
    /// The seller's notes on them, newest first.
    pub notes: Vec<NoteRow>,
    /// Remind the seller to stay in touch every so many days.
    pub keep_in_touch_days: Option<u32>,
}

/// A note the seller wrote about a contact.
#[derive(Debug, Clone, Serialize)]
pub struct NoteRow {
    pub id: i64,
    pub at: i64,
    pub text: String,
}

/// One contact's page at `now`, with at most `moments` timeline entries.
pub fn page(
    store: &mut dyn Store,
    c: &Contact,
    now: i64,
    thresholds: &Thresholds,
    moments: usize,
) -> Result<ContactPage> {
    let (mut history, items) = history_of(store, c)?;
    let a = relationships::stage(&history, marks(c), now, thresholds);
    history.reverse();
    // One moment per message or post: an item's acts (a message that is also
    // a question, a pitch that is also a message) are said together.
    let mut timeline: Vec<Moment> = Vec::new();
    for x in &history {
        let act = x.act.to_string();
        let full = timeline.len() == moments;
        match timeline.last_mut() {
            Some(m) if m.item == x.item => {
                if !m.act.split(", ").any(|a| a == act) {
                    m.act = format!("{}, {act}", m.act);
                }
            }
            _ if full => break,
            _ => timeline.push(Moment {
                at: x.at,
                network: x.network,
                who: if x.direction == Direction::Given { "you" } else { "they" },
                act,
                item: x.item,
                text: items.get(&x.item).map(|i| i.text.clone()).unwrap_or_default(),
            }),
        }
    }
    let consent = people::consents(store.people(), Some(c.id))?
        .into_iter()
        .map(|r| ConsentRow {
            purpose: r.purpose.to_string(),
            status: r.status.as_str(),
            source: r.source.to_string(),
            code: (r.status == Status::Pending).then(|| r.token.clone()),
            evidence: r.evidence,
            recorded_at: r.recorded_at,
        })
        .collect();
    let notes = tactful_store::actions::notes(store.people(), c.id)?
        .into_iter()
        .map(|n| NoteRow { id: n.id, at: n.at, text: n.text })
        .collect();
    let keep_in_touch_days = tactful_store::actions::keep_in_touch(store.people())?
        .into_iter()
        .find_map(|(id, days)| (id == c.id).then_some(days));
    Ok(ContactPage {
        notes,
        keep_in_touch_days,
        id: c.id,
        name: c.display_name.clone(),
        mark: c.mark.clone(),
        handles: handles(c),
        stage: a.stage,
        reasons: a.reasons.clone(),
        given: a.equity.given,
        asked: a.equity.asked,
        received: a.equity.received,
        equity_why: [a.equity.given_why.clone(), a.equity.asked_why.clone(), a.equity.received_why.clone()],
        consent,
        next_step: next_step(a.stage),
        timeline,
    })
}

/// The page of contact `id`, or [`Error::NotFound`].
pub fn page_of(store: &mut dyn Store, id: i64, now: i64, moments: usize) -> Result<ContactPage> {
    let Some(c) = people::by_id(store.people(), id)? else {
        return Err(Error::NotFound(format!("no contact #{id}")));
    };
    page(store, &c, now, &Thresholds::default(), moments)
}

/// The pitch gate: a finding when `text` pitches someone who has not invited
/// it (stage) nor opted in (consent) for what the pitch is about. A stranger
/// has done neither.
pub fn gate(store: &mut dyn Store, engine: &Engine, to: &Recipient, text: &str) -> Result<Option<Finding>> {
    let Some(cue) = relationships::pitch_cue(text) else { return Ok(None) };
    let purpose = purpose_of(&cue);
    let msg = match to {
        Recipient::Stranger(name) => format!(
            "A pitch ({cue}) to {name}, who is not in your history: to them this comes from a stranger, \
             with no exchange between you and no opt-in to {purpose}. {STRANGER_STEP}"
        ),
        Recipient::Known(c) => {
            if people::opted_in(store.people(), c.id, purpose)? {
                return Ok(None);
            }
            let a = assess_one(store, c, crate::clock::now(), &Thresholds::default())?;
            if a.stage.welcomes_pitch() {
                return Ok(None);
            }
            let why = a.reasons.first().cloned().unwrap_or_default();
            format!(
                "A pitch ({cue}) to {}, who is at stage `{}` and has not opted in to {purpose}: {why}. {}",
                c.display_name,
                a.stage,
                next_step(a.stage)
            )
        }
    };
    let Some(rule) = engine.rule(crate::checker::PITCH_GATE) else { return Ok(None) };
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    Ok(Some(tactful_core::engine::finding_of(rule, start, end, msg)))
}

/// What to do instead of pitching someone new.
pub const STRANGER_STEP: &str = "Start a conversation instead: say who you are and why you are writing, \
     ask about them, and offer what you sell only if they ask.";

/// A past pitch to someone who had not invited it.
#[derive(Debug, Clone, Serialize)]
pub struct UnsolicitedPitch {
    pub at: i64,
    pub contact: i64,
    pub name: String,
    /// Their stage just before the pitch.
    #[serde(serialize_with = "stage_name")]
    pub stage: Stage,
    pub item: i64,
}

/// Every past pitch judged on the history before it, newest first.
pub fn unsolicited_pitches(everyone: &Everyone) -> Vec<UnsolicitedPitch> {
    let mut out = Vec::new();
    for (i, hist) in everyone.histories.iter().enumerate() {
        for (k, x) in hist.iter().enumerate() {
            if x.act != relationships::Act::Pitch {
                continue;
            }
            let before: Vec<Interaction> = hist[..k].iter().filter(|y| y.item != x.item).cloned().collect();
            let a = relationships::stage(&before, marks(&everyone.contacts[i]), x.at, &everyone.thresholds);
            if !a.stage.welcomes_pitch() {
                out.push(UnsolicitedPitch {
                    at: x.at,
                    contact: everyone.contacts[i].id,
                    name: everyone.contacts[i].display_name.clone(),
                    stage: a.stage,
                    item: x.item,
                });
            }
        }
    }
    out.sort_by_key(|u| (std::cmp::Reverse(u.at), u.item));
    out
}

/// The same message sent to many people within a day (spray and pray).
#[derive(Debug, Clone, Serialize)]
pub struct Broadcast {
    pub first_at: i64,
    pub recipients: usize,
    pub text: String,
    pub items: Vec<i64>,
}

/// The owner's broadcasts: one row per recipient of each sent message,
/// grouped by near-identical text.
pub fn broadcasts(store: &mut dyn Store) -> Result<Vec<Broadcast>> {
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
    Ok(relationships::broadcasts(
        &outgoing,
        relationships::DEFAULT_WINDOW_SECS,
        relationships::DEFAULT_MIN_RECIPIENTS,
    )
    .into_iter()
    .map(|b| Broadcast {
        first_at: b.first_at,
        recipients: b.recipients.len(),
        text: b.text.clone(),
        items: b.items.clone(),
    })
    .collect())
}

/// A stage as its name (`engaged`), the form the API documents.
pub fn stage_name<S: serde::Serializer>(s: &Stage, ser: S) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

fn stage_counts<S: serde::Serializer>(v: &[(Stage, usize)], ser: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = ser.serialize_seq(Some(v.len()))?;
    for (s, n) in v {
        seq.serialize_element(&(s.as_str(), n))?;
    }
    seq.end()
}
