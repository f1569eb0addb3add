//! The day's list, in the order the seeds teach: answer people first, then
//! give, hold back the pitches nobody asked for, and keep to the time box.
//! [`gather`] returns it as data; `tactful today`, the web's Today page and
//! its Inbox render it.

use std::collections::{BTreeMap, HashMap};
use tactful_core::coaching::Request;
use tactful_core::history::Network;
use tactful_core::relationships::{Act, Direction, Stage, Thresholds};
use tactful_store::Arg;
use tactful_store::{derived, people};

use crate::{Result, contacts, plan};

fn day(t: i64) -> String {
    crate::clock::rfc3339(t)[..10].to_string()
}

/// An engaged contact who has gone quiet, and what to give them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiveRow {
    pub name: String,
    pub contact: i64,
    pub stage: Stage,
    /// The last exchange either way (unix seconds; 0 when never).
    pub last: i64,
    pub action: String,
}

/// A pitch to hold back, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRow {
    pub name: String,
    /// The contact's id; `None` when a consent record names a contact that no longer exists.
    pub contact: Option<i64>,
    /// The sentence after the name, e.g. "you pitched on 2026-09-01 and they have not replied — …".
    pub reason: String,
    /// When it happened (the pitch, or the withdrawal): the list is newest first.
    pub at: i64,
}

/// Activity outside the plan's networks in the last 30 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub off_plan: Vec<Network>,
    pub planned: Vec<Network>,
}

impl Focus {
    /// The warning in words.
    pub fn warning(&self) -> String {
        let names: Vec<&str> = self.off_plan.iter().map(|n| n.as_str()).collect();
        let planned: Vec<&str> = self.planned.iter().map(|n| n.as_str()).collect();
        format!(
            "you were active on {} in the last 30 days, outside your plan ({}).",
            names.join(", "),
            planned.join(", ")
        )
    }
}

/// The day's list, as data. Each list holds at most `limit` rows; the
/// `*_total` fields say how many there were in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Today {
    pub now: i64,
    pub limit: usize,
    pub quiet_days: u32,
    /// Customer questions and problems still waiting for your answer, oldest first.
    pub waiting: Vec<Request>,
    pub waiting_total: usize,
    /// Quietest first.
    pub gives: Vec<GiveRow>,
    pub gives_total: usize,
    /// Newest first.
    pub holds: Vec<HoldRow>,
    pub holds_total: usize,
    /// The plan's daily session length, minutes.
    pub minutes_planned: u32,
    /// Minutes in sessions started today (a running one counts up to now).
    pub minutes_used: i64,
    pub session_running: bool,
    pub streak_current: u32,
    pub streak_best: u32,
    pub focus: Option<Focus>,
}

/// The day's list at `now` (unix seconds), at most `limit` rows per section.
/// Reads the derived tables (`tactful_store::derived`), bringing them up to
/// date first: the cost grows with the contacts and the last two months, not
/// with the whole history.
pub fn gather(
    store: &mut dyn tactful_store::Store,
    now: i64,
    limit: usize,
    quiet_days: u32,
) -> Result<Today> {
    let db = store.people();
    derived::refresh(db)?;

    // 1. People waiting for an answer (less those the seller marked done,
    // or put off until later).
    let acted = tactful_store::actions::all(db)?;
    let requests: Vec<_> = derived::open_requests(db, now)?
        .into_iter()
        .filter(|r| !acted.get(&r.item).is_some_and(|a| a.hides_at(now)))
        .collect();
    let waiting_total = requests.len();
    let waiting: Vec<Request> = requests.into_iter().take(limit).collect();

    // 2. People to give something to.
    let everyone = contacts::assess_all(store, now, &Thresholds::default())?;
    // Whom the seller asked to be reminded of, every so many days, whatever their stage.
    let remind: HashMap<i64, u32> =
        tactful_store::actions::keep_in_touch(store.people())?.into_iter().collect();
    let mut gives = Vec::new();
    for (c, a) in &everyone {
        let last = a.last_from_them.max(a.last_from_you).unwrap_or(0);
        let (quiet, action) = match (remind.get(&c.id), a.stage) {
            (Some(&days), _) => (
                days,
                format!(
                    "you wanted to stay in touch every {days} days: say hello or share something useful, no offer"
                ),
            ),
            (None, Stage::Customer) => {
                (quiet_days, "ask how they are getting on with what they bought".into())
            }
            (None, Stage::Conversation) => {
                (quiet_days, "answer something they shared or send a useful tip, no offer".into())
            }
            (None, Stage::Engaged) => {
                (quiet_days, "comment on their latest post or share something of theirs".into())
            }
            (None, _) => continue,
        };
        if now - last >= i64::from(quiet) * 86_400 {
            gives.push(GiveRow { name: c.display_name.clone(), contact: c.id, stage: a.stage, last, action });
        }
    }
    gives.sort_by(|a, b| (a.last, &a.name, a.stage, &a.action).cmp(&(b.last, &b.name, b.stage, &b.action)));
    let gives_total = gives.len();
    gives.truncate(limit);

    // 3. Pitches to hold back: their last pitch is under 60 days old (or
    // dated after now) and nothing came from them after it. Only the last 60
    // days can hold such a pitch and the replies after it.
    let mut last_pitch: BTreeMap<i64, i64> = BTreeMap::new();
    let db = store.people();
    let recent = derived::interactions_between(db, now - HOLD_SECS + 1, i64::MAX)?;
    for x in recent.iter().filter(|x| x.interaction.act == Act::Pitch) {
        let p = last_pitch.entry(x.contact).or_insert(x.interaction.at);
        *p = (*p).max(x.interaction.at);
    }
    for x in recent.iter().filter(|x| x.interaction.direction == Direction::Received) {
        if last_pitch.get(&x.contact).is_some_and(|p| x.interaction.at > *p) {
            last_pitch.remove(&x.contact);
        }
    }
    let names: HashMap<i64, &str> =
        everyone.iter().map(|(c, _)| c).map(|c| (c.id, c.display_name.as_str())).collect();
    let mut holds = Vec::new();
    for (id, p) in last_pitch {
        let reason = format!(
            "you pitched on {} and they have not replied — do not follow up with another offer",
            day(p)
        );
        holds.push(HoldRow {
            name: names.get(&id).copied().unwrap_or_default().to_string(),
            contact: Some(id),
            reason,
            at: p,
        });
    }
    holds.extend(withdrawn_consents(store)?);
    holds.sort_by_key(|h| std::cmp::Reverse(h.at));
    let holds_total = holds.len();
    holds.truncate(limit);

    // 4. The time box and the streak.
    let db = store.people();
    let plan = plan::load(db)?;
    let sessions = tactful_store::coach::sessions(db)?;
    let (streak_current, streak_best) = plan::streak(&sessions, now);
    let minutes_used = plan::minutes_today(&sessions, now);
    let session_running = tactful_store::coach::open_session(db)?.is_some();
    // Focus: activity in the last 30 days on networks the plan did not choose.
    let mut used: Vec<Network> = db
        .rows(
            "SELECT DISTINCT network FROM items WHERE by_owner = ?1 AND at >= ?2 AND at <= ?3",
            &[Arg::Bool(true), Arg::Int(now - 30 * 86_400), Arg::Int(now)],
        )?
        .iter()
        .filter_map(|r| r[0].text().parse().ok())
        .collect();
    used.sort();
    used.dedup();
    let off_plan = plan.unplanned(&used);
    let focus = (!off_plan.is_empty()).then(|| Focus { off_plan, planned: plan.networks.clone() });

    Ok(Today {
        now,
        limit,
        quiet_days,
        waiting,
        waiting_total,
        gives,
        gives_total,
        holds,
        holds_total,
        minutes_planned: plan.session_minutes,
        minutes_used,
        session_running,
        streak_current,
        streak_best,
        focus,
    })
}

/// A pitch younger than this with no reply is held back.
const HOLD_SECS: i64 = 60 * 86_400;

/// Withdrawn consents: no message for that purpose any more.
fn withdrawn_consents(store: &mut dyn tactful_store::Store) -> Result<Vec<HoldRow>> {
    let mut out = Vec::new();
    for c in people::consents(store.people(), None)? {
        if let (Some(w), tactful_core::consent::Status::Withdrawn) = (c.withdrawn_at, c.status) {
            let contact = people::by_id(store.people(), c.contact_id)?;
            let name =
                contact.as_ref().map_or_else(|| format!("#{}", c.contact_id), |x| x.display_name.clone());
            let reason =
                format!("withdrew consent for {} on {} — no {} messages", c.purpose, day(w), c.purpose);
            out.push(HoldRow { name, contact: contact.map(|x| x.id), reason, at: w });
        }
    }
    Ok(out)
}
