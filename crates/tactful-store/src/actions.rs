//! What the seller did about things tactful showed them, so that it stops
//! showing them: a waiting message answered elsewhere (done) or put off
//! (snoozed until a time), a past post fixed or a finding dismissed with the
//! reason; notes on a contact; how often to stay in touch with them. Every
//! change can be taken back (undo). Over the same SQL interface as `people`.

use std::collections::HashMap;

use crate::StoreError;
use crate::people::Db;
use crate::query::Arg;

/// What was done about one stored item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A waiting message the seller answered or dealt with elsewhere.
    Done,
    /// A waiting message put off until this time.
    Snoozed { until: i64 },
    /// A past post the seller edited or took down.
    Fixed,
    /// A past post's findings the seller judged a false alarm, and why.
    Dismissed { reason: String },
}

impl Action {
    fn parts(&self) -> (&'static str, Option<i64>, Option<String>) {
        match self {
            Action::Done => ("done", None, None),
            Action::Snoozed { until } => ("snoozed", Some(*until), None),
            Action::Fixed => ("fixed", None, None),
            Action::Dismissed { reason } => ("dismissed", None, Some(reason.clone())),
        }
    }

    /// True while the item should stay out of the lists at `now` (a snooze
    /// ends; the rest hold until taken back).
    pub fn hides_at(&self, now: i64) -> bool {
        !matches!(self, Action::Snoozed { until } if *until <= now)
    }
}

/// Record what was done about `item` at `at`, replacing what was recorded before.
pub fn set(db: &mut dyn Db, item: i64, action: &Action, at: i64) -> Result<(), StoreError> {
    let (name, until, reason) = action.parts();
    db.exec(
        "INSERT INTO item_actions (item_id, action, until_at, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (item_id) DO UPDATE SET action = excluded.action, until_at = excluded.until_at,
           reason = excluded.reason, at = excluded.at",
        &[Arg::Int(item), Arg::Text(name.into()), Arg::OptInt(until), Arg::OptText(reason), Arg::Int(at)],
    )?;
    Ok(())
}

/// Take back what was done about `item` (undo); false when nothing was recorded.
pub fn clear(db: &mut dyn Db, item: i64) -> Result<bool, StoreError> {
    Ok(db.exec("DELETE FROM item_actions WHERE item_id = ?1", &[Arg::Int(item)])? > 0)
}

/// Everything done about items, by item id.
pub fn all(db: &mut dyn Db) -> Result<HashMap<i64, Action>, StoreError> {
    let mut out = HashMap::new();
    db.each("SELECT item_id, action, until_at, reason FROM item_actions", &[], &mut |r| {
        let action = match r[1].text().as_str() {
            "done" => Action::Done,
            "snoozed" => Action::Snoozed { until: r[2].int() },
            "fixed" => Action::Fixed,
            _ => Action::Dismissed { reason: r[3].take_text() },
        };
        out.insert(r[0].int(), action);
    })?;
    Ok(out)
}

/// A note the seller wrote about a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub contact: i64,
    pub at: i64,
    pub text: String,
}

/// Add a note to a contact; its id.
pub fn add_note(db: &mut dyn Db, contact: i64, text: &str, at: i64) -> Result<i64, StoreError> {
    Ok(db.rows(
        "INSERT INTO contact_notes (contact_id, at, text) VALUES (?1, ?2, ?3) RETURNING id",
        &[Arg::Int(contact), Arg::Int(at), Arg::Text(text.into())],
    )?[0][0]
        .int())
}

/// Delete a note of this contact; false when there is no such note.
pub fn delete_note(db: &mut dyn Db, contact: i64, id: i64) -> Result<bool, StoreError> {
    Ok(db.exec(
        "DELETE FROM contact_notes WHERE id = ?1 AND contact_id = ?2",
        &[Arg::Int(id), Arg::Int(contact)],
    )? > 0)
}

/// A contact's notes, newest first.
pub fn notes(db: &mut dyn Db, contact: i64) -> Result<Vec<Note>, StoreError> {
    Ok(db
        .rows(
            "SELECT id, contact_id, at, text FROM contact_notes WHERE contact_id = ?1 ORDER BY at DESC, id DESC",
            &[Arg::Int(contact)],
        )?
        .into_iter()
        .map(|mut r| Note { id: r[0].int(), contact: r[1].int(), at: r[2].int(), text: r[3].take_text() })
        .collect())
}

/// Stay in touch with a contact every `days` days (`None`: no reminder).
pub fn set_keep_in_touch(db: &mut dyn Db, contact: i64, days: Option<u32>) -> Result<bool, StoreError> {
    Ok(db.exec(
        "UPDATE contacts SET keep_in_touch_days = ?1 WHERE id = ?2",
        &[Arg::OptInt(days.map(i64::from)), Arg::Int(contact)],
    )? > 0)
}

/// Every contact with a stay-in-touch reminder: (contact id, days).
pub fn keep_in_touch(db: &mut dyn Db) -> Result<Vec<(i64, u32)>, StoreError> {
    Ok(db
        .rows(
            "SELECT id, keep_in_touch_days FROM contacts WHERE keep_in_touch_days IS NOT NULL ORDER BY id",
            &[],
        )?
        .into_iter()
        .map(|r| (r[0].int(), u32::try_from(r[1].int()).unwrap_or(u32::MAX)))
        .collect())
}
