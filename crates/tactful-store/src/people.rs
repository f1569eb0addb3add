//! Contacts, the marks the user gives them, merging and splitting, and the
//! consent ledger: written once against a tiny SQL interface that both
//! backends implement, so SQLite and PostgreSQL behave the same.

use std::collections::HashMap;

use tactful_core::consent::{Purpose, Source, Status};
use tactful_core::history::Network;

use crate::StoreError;
use crate::query::Arg;

/// A cell read back from a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(i) => *i,
            Cell::Text(s) => s.parse().unwrap_or(0),
            Cell::Null => 0,
        }
    }
    pub fn opt_int(&self) -> Option<i64> {
        match self {
            Cell::Null => None,
            other => Some(other.int()),
        }
    }
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Null => String::new(),
        }
    }
    /// The text, moved out (the cell is left empty): no copy.
    pub fn take_text(&mut self) -> String {
        match std::mem::replace(self, Cell::Null) {
            Cell::Text(s) => s,
            Cell::Int(i) => i.to_string(),
            Cell::Null => String::new(),
        }
    }
    pub fn opt_text(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            other => Some(other.text()),
        }
    }
}

/// The SQL both backends speak for this module. Placeholders are `?1`, `?2`…
/// (the PostgreSQL backend rewrites them as `$1`, `$2`…).
pub trait Db {
    fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError>;
    /// Every row of a query, in memory.
    fn rows(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<Vec<Cell>>, StoreError> {
        let mut out = Vec::new();
        self.each(sql, args, &mut |r| out.push(r.to_vec()))?;
        Ok(out)
    }
    /// Visit the rows of a query one at a time, without holding them all in
    /// memory (the derived tables read the whole history this way).
    /// The visitor may take the cells' text (`Cell::take_text`).
    fn each(&mut self, sql: &str, args: &[Arg], visit: &mut dyn FnMut(&mut [Cell]))
    -> Result<(), StoreError>;
    /// Run `f` in one transaction (inside a writer: in the writer's own).
    fn atomically(&mut self, f: &mut Work<'_>) -> Result<(), StoreError>;
    /// True on PostgreSQL, for the few statements the two spell differently.
    fn postgres(&self) -> bool {
        false
    }
}

/// A unit of work on the store, done all or nothing (see [`Db::atomically`]).
pub type Work<'a> = dyn FnMut(&mut dyn Db) -> Result<(), StoreError> + 'a;

/// `atomically` of a [`Db`] that is already one transaction (an import's):
/// the work runs in it.
pub(crate) fn in_this_transaction(db: &mut dyn Db, f: &mut Work<'_>) -> Result<(), StoreError> {
    f(db)
}

/// `atomically` of a store's own connection: `begin` (each backend's own
/// statement), the work, then COMMIT, or ROLLBACK when the work fails (the
/// work's error is the one returned). `batch` runs one statement.
pub(crate) fn in_new_transaction<D: Db>(
    db: &mut D,
    begin: &str,
    batch: fn(&mut D, &str) -> Result<(), StoreError>,
    f: &mut Work<'_>,
) -> Result<(), StoreError> {
    batch(db, begin)?;
    match f(db) {
        Ok(()) => batch(db, "COMMIT"),
        Err(e) => {
            let _ = batch(db, "ROLLBACK");
            Err(e)
        }
    }
}

/// The rows of `sql`, each read by `read` (a mapping that cannot fail), in
/// the query's order.
pub fn collect<T>(
    db: &mut dyn Db,
    sql: &str,
    args: &[Arg],
    mut read: impl FnMut(&mut [Cell]) -> T,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    db.each(sql, args, &mut |r| out.push(read(r)))?;
    Ok(out)
}

/// The id of the row of `handle` in `people` (added when new): a person
/// named in every message of a thread is stored once, and referred to.
/// `known` keeps the ids found so far, per network, for the caller.
pub(crate) fn person_id(
    db: &mut dyn Db,
    known: &mut [HashMap<String, i64>; 5],
    network: Network,
    handle: &str,
) -> Result<i64, StoreError> {
    const FIND: &str = "SELECT id FROM people WHERE network = ?1 AND handle = ?2";
    // On a server, another import may add the same person meanwhile: then
    // the insert adds nothing and the row is theirs.
    const ADD: &str = "INSERT INTO people (network, handle) VALUES (?1, ?2) ON CONFLICT (network, handle) DO NOTHING RETURNING id";
    if let Some(id) = known[network as usize].get(handle) {
        return Ok(*id);
    }
    let args = [Arg::Static(network.as_str()), Arg::Str(handle)];
    let mut found = db.rows(FIND, &args)?;
    if found.is_empty() {
        found = db.rows(ADD, &args)?;
    }
    if found.is_empty() {
        found = db.rows(FIND, &args)?;
    }
    let id = found
        .first()
        .map(|r| r[0].int())
        .ok_or_else(|| StoreError::Postgres(format!("`{handle}` is not in people after adding it")))?;
    known[network as usize].insert(handle.to_string(), id);
    Ok(id)
}

/// A person in the seller's network, with every handle they are known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub display_name: String,
    /// `customer` or `team`, when the user marked them.
    pub mark: Option<String>,
    /// When they were marked (unix seconds); `None` for a mark made before
    /// marks were dated, which counts as always true.
    pub marked_at: Option<i64>,
    pub handles: Vec<(Network, String)>,
}

/// One opt-in record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: i64,
    pub contact_id: i64,
    pub purpose: Purpose,
    pub status: Status,
    pub source: Source,
    pub evidence: String,
    pub evidence_item: Option<i64>,
    pub token: String,
    pub recorded_at: i64,
    pub confirmed_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
}

fn contacts_where(db: &mut dyn Db, clause: &str, args: &[Arg]) -> Result<Vec<Contact>, StoreError> {
    let sql = format!(
        "SELECT c.id, c.display_name, c.mark, h.network, h.handle, c.marked_at FROM contacts c LEFT JOIN handles h ON h.contact_id = c.id {clause} ORDER BY c.id, h.network, h.handle"
    );
    let mut out: Vec<Contact> = Vec::new();
    for r in db.rows(&sql, args)? {
        let id = r[0].int();
        if out.last().is_none_or(|c| c.id != id) {
            out.push(Contact {
                id,
                display_name: r[1].text(),
                mark: r[2].opt_text(),
                marked_at: r[5].opt_int(),
                handles: Vec::new(),
            });
        }
        if let (Some(n), Some(h)) = (r[3].opt_text(), r[4].opt_text()) {
            if let Ok(n) = n.parse() {
                out.last_mut().expect("pushed").handles.push((n, h));
            }
        }
    }
    Ok(out)
}

/// Every contact.
pub fn all(db: &mut dyn Db) -> Result<Vec<Contact>, StoreError> {
    contacts_where(db, "", &[])
}

/// Contacts whose name or one of whose handles matches `query`
/// (case-insensitive; exact matches first, then those containing it).
pub fn find(db: &mut dyn Db, query: &str) -> Result<Vec<Contact>, StoreError> {
    let q = query.trim().to_lowercase();
    let exact = contacts_where(
        db,
        "WHERE c.id IN (SELECT contact_id FROM handles WHERE LOWER(handle) = ?1 UNION SELECT id FROM contacts WHERE LOWER(display_name) = ?1)",
        &[Arg::Text(q.clone())],
    )?;
    if !exact.is_empty() {
        return Ok(exact);
    }
    contacts_where(
        db,
        "WHERE c.id IN (SELECT contact_id FROM handles WHERE LOWER(handle) LIKE ?1 UNION SELECT id FROM contacts WHERE LOWER(display_name) LIKE ?1)",
        &[Arg::Text(format!("%{q}%"))],
    )
}

pub fn by_id(db: &mut dyn Db, id: i64) -> Result<Option<Contact>, StoreError> {
    Ok(contacts_where(db, "WHERE c.id = ?1", &[Arg::Int(id)])?.into_iter().next())
}

/// Mark a contact as `customer` or `team` from time `at` on, or clear the mark.
pub fn set_mark(db: &mut dyn Db, id: i64, mark: Option<&str>, at: i64) -> Result<bool, StoreError> {
    let at = mark.map(|_| at);
    Ok(db.exec(
        "UPDATE contacts SET mark = ?1, marked_at = ?2 WHERE id = ?3",
        &[Arg::OptText(mark.map(str::to_string)), Arg::OptInt(at), Arg::Int(id)],
    )? > 0)
}

/// Merge `other` into `keep`: every handle and every consent record moves;
/// nothing is deleted but the empty contact.
pub fn merge(db: &mut dyn Db, keep: i64, other: i64) -> Result<(), StoreError> {
    db.atomically(&mut |db| {
        db.exec("UPDATE handles SET contact_id = ?1 WHERE contact_id = ?2", &[Arg::Int(keep), Arg::Int(other)])?;
        db.exec("UPDATE consents SET contact_id = ?1 WHERE contact_id = ?2", &[Arg::Int(keep), Arg::Int(other)])?;
        // The kept contact's own mark wins; else the other's, with its date.
        db.exec(
            "UPDATE contacts SET marked_at = CASE WHEN mark IS NULL THEN (SELECT marked_at FROM contacts WHERE id = ?2) ELSE marked_at END,
               mark = COALESCE(mark, (SELECT mark FROM contacts WHERE id = ?2)) WHERE id = ?1",
            &[Arg::Int(keep), Arg::Int(other)],
        )?;
        db.exec("DELETE FROM contacts WHERE id = ?1", &[Arg::Int(other)])?;
        Ok(())
    })
}

/// Split one handle off into a contact of its own; returns the new id.
pub fn split(db: &mut dyn Db, network: Network, handle: &str) -> Result<Option<i64>, StoreError> {
    let rows = db.rows(
        "SELECT contact_id FROM handles WHERE network = ?1 AND handle = ?2",
        &[Arg::Text(network.as_str().into()), Arg::Text(handle.into())],
    )?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut new_id = None;
    db.atomically(&mut |db| {
        let id = db.rows(
            "INSERT INTO contacts (display_name) VALUES (?1) RETURNING id",
            &[Arg::Text(handle.into())],
        )?[0][0]
            .int();
        db.exec(
            "UPDATE handles SET contact_id = ?1 WHERE network = ?2 AND handle = ?3",
            &[Arg::Int(id), Arg::Text(network.as_str().into()), Arg::Text(handle.into())],
        )?;
        new_id = Some(id);
        Ok(())
    })?;
    Ok(new_id)
}

fn consents_where(db: &mut dyn Db, clause: &str, args: &[Arg]) -> Result<Vec<Consent>, StoreError> {
    let sql = format!(
        "SELECT id, contact_id, purpose, status, source, evidence, evidence_item, token, recorded_at, confirmed_at, withdrawn_at FROM consents {clause} ORDER BY recorded_at, id"
    );
    Ok(db
        .rows(&sql, args)?
        .into_iter()
        .filter_map(|r| {
            Some(Consent {
                id: r[0].int(),
                contact_id: r[1].int(),
                purpose: r[2].text().parse().ok()?,
                status: r[3].text().parse().ok()?,
                source: r[4].text().parse().ok()?,
                evidence: r[5].text(),
                evidence_item: r[6].opt_int(),
                token: r[7].text(),
                recorded_at: r[8].int(),
                confirmed_at: r[9].opt_int(),
                withdrawn_at: r[10].opt_int(),
            })
        })
        .collect())
}

/// The consent records of one contact, or of everyone.
pub fn consents(db: &mut dyn Db, contact: Option<i64>) -> Result<Vec<Consent>, StoreError> {
    match contact {
        Some(c) => consents_where(db, "WHERE contact_id = ?1", &[Arg::Int(c)]),
        None => consents_where(db, "", &[]),
    }
}

/// Record a pending opt-in (the rules in `tactful_core::consent` must have
/// allowed it). Returns the record with its confirmation token.
pub fn record(
    db: &mut dyn Db,
    contact: i64,
    purpose: Purpose,
    source: Source,
    evidence: &str,
    evidence_item: Option<i64>,
    at: i64,
) -> Result<Consent, StoreError> {
    let token = tactful_core::consent::token(&format!("{contact}/{purpose}/{at}/{evidence}"));
    db.exec(
        "INSERT INTO consents (contact_id, purpose, status, source, evidence, evidence_item, token, recorded_at) VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7)",
        &[
            Arg::Int(contact),
            Arg::Text(purpose.as_str().into()),
            Arg::Text(source.as_str().into()),
            Arg::Text(evidence.into()),
            Arg::OptInt(evidence_item),
            Arg::Text(token.clone()),
            Arg::Int(at),
        ],
    )?;
    Ok(consents_where(db, "WHERE token = ?1", &[Arg::Text(token)])?.remove(0))
}

/// Confirm a pending opt-in with the token the person sent back.
pub fn confirm(db: &mut dyn Db, token: &str, at: i64) -> Result<Option<Consent>, StoreError> {
    let t = token.trim().to_ascii_uppercase();
    db.exec(
        "UPDATE consents SET status = 'confirmed', confirmed_at = ?1 WHERE token = ?2 AND status = 'pending'",
        &[Arg::Int(at), Arg::Text(t.clone())],
    )?;
    Ok(consents_where(db, "WHERE token = ?1", &[Arg::Text(t)])?.into_iter().next())
}

/// Withdraw a contact's opt-ins (one purpose, or all). Returns how many changed.
pub fn withdraw(
    db: &mut dyn Db,
    contact: i64,
    purpose: Option<Purpose>,
    at: i64,
    note: &str,
) -> Result<u64, StoreError> {
    match purpose {
        Some(p) => db.exec(
            "UPDATE consents SET status = 'withdrawn', withdrawn_at = ?1, withdrawal_note = ?2 WHERE contact_id = ?3 AND purpose = ?4 AND status <> 'withdrawn'",
            &[Arg::Int(at), Arg::Text(note.into()), Arg::Int(contact), Arg::Text(p.as_str().into())],
        ),
        None => db.exec(
            "UPDATE consents SET status = 'withdrawn', withdrawn_at = ?1, withdrawal_note = ?2 WHERE contact_id = ?3 AND status <> 'withdrawn'",
            &[Arg::Int(at), Arg::Text(note.into()), Arg::Int(contact)],
        ),
    }
}

/// Has this contact a confirmed, not withdrawn opt-in for `purpose`? A later
/// withdrawal of the purpose beats any earlier confirmation.
pub fn opted_in(db: &mut dyn Db, contact: i64, purpose: Purpose) -> Result<bool, StoreError> {
    let records = consents_where(
        db,
        "WHERE contact_id = ?1 AND purpose = ?2",
        &[Arg::Int(contact), Arg::Text(purpose.as_str().into())],
    )?;
    Ok(records.iter().any(|c| c.status == Status::Confirmed)
        && !records.iter().any(|c| c.status == Status::Withdrawn))
}

/// The contacts that may be mailed for `purpose`: their own opt-in is
/// confirmed and they have not withdrawn it. With their handles and email.
pub fn export(
    db: &mut dyn Db,
    purpose: Purpose,
) -> Result<Vec<(Contact, Consent, Option<String>)>, StoreError> {
    let mut out = Vec::new();
    let records = consents_where(db, "WHERE purpose = ?1", &[Arg::Text(purpose.as_str().into())])?;
    let mut ids: Vec<i64> = records.iter().map(|c| c.contact_id).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let mine: Vec<&Consent> = records.iter().filter(|c| c.contact_id == id).collect();
        if mine.iter().any(|c| c.status == Status::Withdrawn) {
            continue;
        }
        let Some(confirmed) = mine.iter().find(|c| c.status == Status::Confirmed) else { continue };
        let Some(contact) = by_id(db, id)? else { continue };
        let email = db
            .rows("SELECT email FROM handles WHERE contact_id = ?1 AND email IS NOT NULL ORDER BY network LIMIT 1", &[Arg::Int(id)])?
            .first()
            .and_then(|r| r[0].opt_text());
        out.push((contact, (*confirmed).clone(), email));
    }
    Ok(out)
}

/// Who wrote a stored item: (author handle, written by the owner).
pub fn item_author(db: &mut dyn Db, id: i64) -> Result<Option<(String, bool)>, StoreError> {
    Ok(db
        .rows("SELECT author, by_owner FROM items WHERE id = ?1", &[Arg::Int(id)])?
        .first()
        .map(|r| (r[0].text(), r[1].int() != 0 || r[1].text() == "true")))
}
