//! The audit log: every action on the company side (who, when, what, the
//! record before and after, as JSON), appended and never updated. It is
//! tamper-evident: each entry's `hash` is SHA-256 of the previous entry's
//! hash followed by the entry's own canonical content, so changing, removing
//! or reordering an entry breaks the chain from there on, and `verify` names
//! the first entry that does not hold. The chain arithmetic is pure
//! ([`link`], [`Verifier`]); [`Chain`] appends inside a write's transaction.
//!
//! What the chain cannot show alone: the newest entries cut off the end. The
//! head hash `verify` prints is the thing to write down elsewhere.

use serde_json::Value;
use tactful_store::people::Db;
use tactful_store::{Arg, StoreError};

use crate::{Actor, Error};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry, as stored.
/// Read from the columns of [`COLUMNS`], in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    pub company: i64,
    /// 1, 2, 3… per company, with no gaps.
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    /// What was done: `distributor.add`, `distributor.update`, `roster.import`, `feed.ingest`…
    pub action: String,
    /// What it was done to: `distributor:D17`, `feed:posts.jsonl`…
    pub subject: String,
    /// The record before and after, as compact JSON text (exactly what the hash covers).
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// What the hash covers besides the previous hash: every field but the
    /// two hashes, as a compact JSON array (unambiguous, and any language
    /// can rebuild it from an export).
    pub fn content(&self) -> String {
        serde_json::to_string(&(
            self.company,
            self.seq,
            self.at,
            &self.actor,
            &self.action,
            &self.subject,
            &self.before,
            &self.after,
        ))
        .expect("strings and numbers serialise")
    }

    /// One line of `audit export`: the fields, `before` and `after` as JSON
    /// values, `time` as RFC 3339 beside `at`.
    pub fn to_json_line(&self) -> String {
        let raw = |s: &Option<String>| {
            s.as_deref().map(|t| serde_json::from_str::<Value>(t).unwrap_or(Value::String(t.to_string())))
        };
        serde_json::json!({
            "company": self.company,
            "seq": self.seq,
            "at": self.at,
            "time": tactful_app::clock::rfc3339(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "before": raw(&self.before),
            "after": raw(&self.after),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        })
        .to_string()
    }
}

/// The hash of an entry: SHA-256 (hex) of the previous hash and the content.
pub fn link(prev_hash: &str, content: &str) -> String {
    crate::sha256_hex(&[prev_hash.as_bytes(), content.as_bytes()], 32)
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Entries were removed (or numbers reused): `seq` came where `expected` should have.
    Missing { expected: i64, seq: i64 },
    /// The entry does not point at the hash of the entry before it.
    Relinked { seq: i64 },
    /// The entry's content does not match its own hash: changed after it was written.
    Altered { seq: i64 },
}

impl Break {
    /// The first entry that does not hold.
    pub fn seq(&self) -> i64 {
        match self {
            Break::Missing { seq, .. } | Break::Relinked { seq } | Break::Altered { seq } => *seq,
        }
    }
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Missing { expected, seq } if seq > expected => {
                write!(f, "entry {expected} is missing (the next entry is {seq}): entries were deleted")
            }
            Break::Missing { expected, seq } => {
                write!(f, "entry {seq} comes where entry {expected} should: entries were renumbered")
            }
            Break::Relinked { seq } => write!(
                f,
                "entry {seq} does not link to the entry before it: an earlier entry was replaced or removed"
            ),
            Break::Altered { seq } => {
                write!(f, "entry {seq} was changed after it was written: its content does not match its hash")
            }
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Entries read.
    pub entries: u64,
    /// The hash of the last entry read (GENESIS when there is none).
    pub head: String,
    /// The first break, if any.
    pub broken: Option<Break>,
}

/// Checks entries in order, one at a time (pure; a log of millions of
/// entries is never held in memory).
#[derive(Debug)]
pub struct Verifier {
    seq: i64,
    head: String,
    entries: u64,
    broken: Option<Break>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { seq: 0, head: GENESIS.to_string(), entries: 0, broken: None }
    }
}

impl Verifier {
    pub fn check(&mut self, e: &AuditEntry) {
        self.entries += 1;
        if self.broken.is_none() {
            let expected = self.seq + 1;
            self.broken = if e.seq != expected {
                Some(Break::Missing { expected, seq: e.seq })
            } else if e.prev_hash != self.head {
                Some(Break::Relinked { seq: e.seq })
            } else if link(&e.prev_hash, &e.content()) != e.hash {
                Some(Break::Altered { seq: e.seq })
            } else {
                None
            };
        }
        self.seq = e.seq;
        self.head.clone_from(&e.hash);
    }

    pub fn finish(self) -> Verdict {
        Verdict { entries: self.entries, head: self.head, broken: self.broken }
    }
}

/// The chain's head inside one write: entries appended here get their
/// numbers and hashes at once and are written together by [`Chain::write`].
/// The caller holds the company's lock (`crate::transaction`).
#[derive(Debug)]
pub struct Chain {
    company: i64,
    seq: i64,
    head: String,
    pending: Vec<AuditEntry>,
}

impl Chain {
    pub(crate) fn open(db: &mut dyn Db, company: i64) -> Result<Chain, StoreError> {
        let last = db.rows(
            "SELECT seq, hash FROM company_audit WHERE company_id = ?1 ORDER BY seq DESC LIMIT 1",
            &[Arg::Int(company)],
        )?;
        let (seq, head) = last.first().map_or((0, GENESIS.to_string()), |r| (r[0].int(), r[1].text()));
        Ok(Chain { company, seq, head, pending: Vec::new() })
    }

    /// Append an entry (written with the others by `write`).
    pub fn append(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> &AuditEntry {
        self.seq += 1;
        let mut e = AuditEntry {
            company: self.company,
            seq: self.seq,
            at: actor.at,
            actor: actor.who.clone(),
            action: action.to_string(),
            subject: subject.to_string(),
            before: before.map(Value::to_string),
            after: after.map(Value::to_string),
            prev_hash: std::mem::take(&mut self.head),
            hash: String::new(),
        };
        e.hash = link(&e.prev_hash, &e.content());
        self.head.clone_from(&e.hash);
        self.pending.push(e);
        self.pending.last().expect("pushed")
    }

    /// Write the appended entries (many to a statement).
    pub(crate) fn write(&mut self, db: &mut dyn Db) -> Result<(), StoreError> {
        let mut args = Vec::with_capacity(self.pending.len() * 10);
        for e in self.pending.drain(..) {
            args.extend([
                Arg::Int(e.company),
                Arg::Int(e.seq),
                Arg::Int(e.at),
                Arg::Text(e.actor),
                Arg::Text(e.action),
                Arg::Text(e.subject),
                Arg::OptText(e.before),
                Arg::OptText(e.after),
                Arg::Text(e.prev_hash),
                Arg::Text(e.hash),
            ]);
        }
        crate::batch::insert(db, &format!("INSERT INTO company_audit ({COLUMNS})"), 10, &args, "", 500)?;
        Ok(())
    }
}

/// Record one action in its own transaction (for actions that change
/// nothing else, or whose change the caller made already).
pub fn record(
    db: &mut dyn Db,
    actor: &Actor,
    action: &str,
    subject: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<AuditEntry, Error> {
    crate::transaction(db, actor.company, |db| Ok(append(db, actor, action, subject, before, after)?))
}

/// Append one entry inside the caller's transaction (which holds the company's lock).
pub(crate) fn append(
    db: &mut dyn Db,
    actor: &Actor,
    action: &str,
    subject: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<AuditEntry, StoreError> {
    let mut chain = Chain::open(db, actor.company)?;
    let e = chain.append(actor, action, subject, before, after).clone();
    chain.write(db)?;
    Ok(e)
}

const COLUMNS: &str = "company_id, seq, at, actor, action, subject, before_json, after_json, prev_hash, hash";

/// Visit the company's entries in order.
pub fn entries(db: &mut dyn Db, company: i64, visit: &mut dyn FnMut(AuditEntry)) -> Result<(), Error> {
    crate::each_record(
        db,
        &format!("SELECT {COLUMNS} FROM company_audit WHERE company_id = ?1 ORDER BY seq"),
        &[Arg::Int(company)],
        visit,
    )
}

/// The entries about one subject (`case:17`), in order.
pub fn about(db: &mut dyn Db, company: i64, subject: &str) -> Result<Vec<AuditEntry>, Error> {
    crate::records(
        db,
        &format!("SELECT {COLUMNS} FROM company_audit WHERE company_id = ?1 AND subject = ?2 ORDER BY seq"),
        &[Arg::Int(company), Arg::Text(subject.to_string())],
    )
}

/// Check the whole chain of the company.
pub fn verify(db: &mut dyn Db, company: i64) -> Result<Verdict, Error> {
    let mut v = Verifier::default();
    entries(db, company, &mut |e| v.check(&e))?;
    Ok(v.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut c = Chain { company: 1, seq: 0, head: GENESIS.into(), pending: Vec::new() };
        let actor = Actor { company: 1, who: "officer".into(), at: 1_700_000_000 };
        for i in 0..n {
            let after = serde_json::json!({ "id": format!("D{i}"), "name": "Ann" });
            c.append(&actor, "distributor.add", &format!("distributor:D{i}"), None, Some(&after));
        }
        c.pending
    }

    fn verdict(entries: &[AuditEntry]) -> Verdict {
        let mut v = Verifier::default();
        for e in entries {
            v.check(e);
        }
        v.finish()
    }

    #[test]
    fn an_untouched_chain_verifies_and_links_each_entry_to_the_last() {
        let es = chain(3);
        assert_eq!(es[0].prev_hash, GENESIS);
        assert_eq!(es[1].prev_hash, es[0].hash);
        let v = verdict(&es);
        assert_eq!((v.entries, v.broken, v.head), (3, None, es[2].hash.clone()));
        assert_eq!(verdict(&[]).head, GENESIS);
    }

    #[test]
    fn content_is_the_canonical_array() {
        let es = chain(1);
        assert_eq!(
            es[0].content(),
            r#"[1,1,1700000000,"officer","distributor.add","distributor:D0",null,"{\"id\":\"D0\",\"name\":\"Ann\"}"]"#
        );
        assert_eq!(es[0].hash, link(GENESIS, &es[0].content()));
    }

    #[test]
    fn each_kind_of_tampering_is_named_at_the_first_entry_it_touches() {
        let mut es = chain(4);
        es[1].after = Some(r#"{"id":"D1","name":"Bob"}"#.into());
        assert_eq!(verdict(&es).broken, Some(Break::Altered { seq: 2 }));

        let mut es = chain(4);
        es.remove(1);
        assert_eq!(verdict(&es).broken, Some(Break::Missing { expected: 2, seq: 3 }));

        // Rewritten with a fresh hash of its own: the next entry no longer links to it.
        let mut es = chain(4);
        es[1].actor = "someone else".into();
        es[1].hash = link(&es[1].prev_hash, &es[1].content());
        let v = verdict(&es);
        assert_eq!(v.broken, Some(Break::Relinked { seq: 3 }));
        assert_eq!(v.entries, 4);
        assert!(Break::Altered { seq: 2 }.to_string().contains("entry 2 was changed"));
    }
}
