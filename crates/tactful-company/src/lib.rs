//! tactful-company: the company side. A company keeps its roster of
//! distributors (the upline tree, every handle they post under), ingests what
//! they publish from social-listening feeds (attributed by handle, every edit
//! kept as a version) and writes every action to a tamper-evident audit log.
//! Scan workers turn new post versions into cases ([`worker`]), grouped
//! when many distributors post the same text, and the compliance team works
//! them ([`cases`]) along a status machine ([`case`]). A case's private note
//! to the distributor is rendered from a template ([`notice`]) into an outbox
//! delivered by SMTP ([`outbox`]) and gives the distributor the lesson of
//! its category ([`lesson`]).
//!
//! The company tables live in the same store as the seller's data, with their
//! own migrations ([`schema`]); everything is written once against
//! [`tactful_store::people::Db`], so SQLite and PostgreSQL behave the same.
//! The pure parts (handles, roster rows, feed rows, the upline tree, the hash
//! chain arithmetic) are functions without I/O.
//!
//! Invariants: every write is one transaction that first takes the company's
//! lock ([`lock`]), so the audit chain never forks; importing the same roster
//! or feed twice changes nothing; every stored post version points back to
//! its feed file and line.

/// The SQL condition of a case still to act on (new, in review, notice sent or
/// escalated: not fixed, dismissed or closed), written once for the queue's
/// `open` filter and for the partial indexes that serve it (a query uses such
/// an index only when it repeats the index's condition). A test holds it to
/// `Status::is_final`.
macro_rules! open_statuses {
    () => {
        "status IN ('new', 'in_review', 'notice_sent', 'escalated')"
    };
}

pub mod apikey;
pub mod audit;
mod batch;
pub mod case;
pub mod cases;
pub mod demo;
pub mod draft;
pub mod escalate;
pub mod export;
pub mod feed;
// Handles are shared with the seller side (who a message is for): they live in the core.
pub use tactful_core::handle;
pub mod ingest;
pub mod lesson;
pub mod notice;
pub mod outbox;
pub mod peer;
pub mod policy;
pub mod report;
pub mod roster;
mod row;
pub mod schema;
pub mod upline;
pub mod worker;

use tactful_store::StoreError;
use tactful_store::people::Db;

/// The company a single-company store holds (created by the first migration).
pub const DEFAULT_COMPANY: i64 = 1;

/// Who acts, for which company, and when: stamped on every audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub company: i64,
    /// A person's name or login, or the integration that acted.
    pub who: String,
    /// Unix seconds, from the program's one clock.
    pub at: i64,
}

impl Actor {
    /// `who`, acting now (`tactful_app::clock::now()`) for the default company.
    pub fn now(who: &str) -> Actor {
        Actor { company: DEFAULT_COMPANY, who: who.to_string(), at: tactful_app::clock::now() }
    }
}

/// Why a company operation failed as a whole. A single bad row is not an
/// error: it is a [`Problem`] in the summary, and the rest goes in.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be read at all (missing, unreadable, cut short).
    #[error("{file}: cannot read it: {message}")]
    Read { file: String, message: String },
    /// The file is not in the expected shape (a required column is missing).
    #[error("{file}: {message}")]
    Format { file: String, message: String },
    #[error(
        "the company tables in this store have schema version {found}, newer than this tactful understands ({known}); upgrade tactful"
    )]
    TooNew { found: i64, known: i64 },
    #[error("no distributor `{0}` on the roster")]
    UnknownDistributor(String),
    #[error("no company with id {0} in this store")]
    UnknownCompany(i64),
    #[error("no case {0}")]
    UnknownCase(i64),
    /// A notice needs somewhere to go.
    #[error(
        "distributor `{distributor}` ({name}) has no email on the roster: add one to the roster CSV and import it again"
    )]
    NoEmail { distributor: String, name: String },
    /// A notice template that cannot be used.
    #[error("{file}:{line}: {message}")]
    Template { file: String, line: usize, message: String },
    /// A move the case's status machine does not allow.
    #[error(transparent)]
    Transition(#[from] case::BadTransition),
    /// A value given by the person is not what was expected.
    #[error("{0}")]
    Input(String),
    /// The store holds something this tactful cannot read.
    #[error("the company tables hold something unexpected: {0}")]
    Damaged(String),
    /// The store failed part-way through an ingest (the server stopped, the
    /// connection dropped): the file's one transaction was rolled back.
    #[error(
        "{file}: ingest stopped near line {line}: the store failed: {message}. Nothing of this file was stored (a file is written in one transaction); run the same ingest again once the store is back: posts stored by earlier files are not doubled"
    )]
    Interrupted { file: String, line: u64, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One row that was skipped: where it is, which field, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line in the file.
    pub line: u64,
    pub field: String,
    pub expected: String,
    /// What the field held (shortened).
    pub found: String,
}

impl Problem {
    pub(crate) fn new(
        file: &str,
        line: u64,
        field: &str,
        expected: impl Into<String>,
        found: &str,
    ) -> Problem {
        Problem {
            file: file.to_string(),
            line,
            field: field.to_string(),
            expected: expected.into(),
            found: shorten(found),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: expected {}, found `{}`",
            self.file, self.line, self.field, self.expected, self.found
        )
    }
}

/// At most 60 characters of a value, for messages.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Take the company's write lock for the rest of the transaction: two
/// writers (an ingest and a roster import, two servers) take turns, so the
/// audit chain has one head. SQLite's `BEGIN IMMEDIATE` already serialises
/// writers; PostgreSQL locks the company's row.
pub(crate) fn lock(db: &mut dyn Db, company: i64) -> Result<bool, StoreError> {
    let sql = if db.postgres() {
        "SELECT id FROM companies WHERE id = ?1 FOR UPDATE"
    } else {
        "SELECT id FROM companies WHERE id = ?1"
    };
    Ok(!db.rows(sql, &[tactful_store::Arg::Int(company)])?.is_empty())
}

/// Run `f` in one transaction under the company's lock. `f` may fail with
/// our own [`Error`]; the transaction is then rolled back and that error returned.
pub(crate) fn transaction<T>(
    db: &mut dyn Db,
    company: i64,
    mut f: impl FnMut(&mut dyn Db) -> Result<T, Error>,
) -> Result<T, Error> {
    atomic(db, |db| if lock(db, company)? { f(db) } else { Err(Error::UnknownCompany(company)) })
}

/// Run `f` in one transaction without the company's lock (a scan worker
/// takes it only for the part of its batch that writes cases).
pub(crate) fn atomic<T>(
    db: &mut dyn Db,
    mut f: impl FnMut(&mut dyn Db) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut out: Option<Result<T, Error>> = None;
    let run = db.atomically(&mut |db| {
        if db.postgres() {
            // A bulk write fills tables that were empty when their statements
            // were first planned; PostgreSQL would keep that first (generic)
            // plan, a sequential scan, for every later batch: measured, each
            // lookup of 1,000 post keys took seconds by 100,000 posts. Plan
            // each execution for the table as it is now.
            db.exec("SET LOCAL plan_cache_mode = force_custom_plan", &[])?;
        }
        let r = f(db);
        let failed = r.is_err();
        out = Some(r);
        if failed {
            // Only to make `atomically` roll back; the caller sees our own error.
            return Err(StoreError::Postgres("rolled back".into()));
        }
        Ok(())
    });
    match (out, run) {
        (Some(Err(e)), _) => Err(e),
        (_, Err(e)) => Err(Error::Store(e)),
        (Some(Ok(v)), Ok(())) => Ok(v),
        (None, Ok(())) => unreachable!("atomically ran the closure"),
    }
}

/// The rows of `sql`, each read by `read` and appended to `out`; a row it
/// cannot read (a status or a JSON column this tactful does not know) makes
/// the answer [`Error::Damaged`].
pub(crate) fn read_rows<T>(
    db: &mut dyn Db,
    sql: &str,
    args: &[tactful_store::Arg],
    out: &mut Vec<T>,
    read: impl Fn(&mut [tactful_store::people::Cell]) -> Result<T, String>,
) -> Result<(), Error> {
    visit_rows(db, sql, args, read, |v| out.push(v))
}

fn visit_rows<T>(
    db: &mut dyn Db,
    sql: &str,
    args: &[tactful_store::Arg],
    read: impl Fn(&mut [tactful_store::people::Cell]) -> Result<T, String>,
    mut visit: impl FnMut(T),
) -> Result<(), Error> {
    let mut bad = None;
    db.each(sql, args, &mut |r| match read(r) {
        Ok(v) => visit(v),
        Err(e) => bad = Some(e),
    })?;
    bad.map_or(Ok(()), |e| Err(Error::Damaged(e)))
}

/// Visit the rows of `sql` as records whose fields are the columns in
/// order ([`row::read`]).
pub(crate) fn each_record<T: serde::de::DeserializeOwned>(
    db: &mut dyn Db,
    sql: &str,
    args: &[tactful_store::Arg],
    visit: impl FnMut(T),
) -> Result<(), Error> {
    visit_rows(db, sql, args, row::read, visit)
}

/// The rows of `sql` as records whose fields are the columns in order.
pub(crate) fn records<T: serde::de::DeserializeOwned>(
    db: &mut dyn Db,
    sql: &str,
    args: &[tactful_store::Arg],
) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    each_record(db, sql, args, |v| out.push(v))?;
    Ok(out)
}

/// Hex of the first `bytes` bytes of SHA-256 of `parts`, fed in order.
pub(crate) fn sha256_hex(parts: &[&[u8]], bytes: usize) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p);
    }
    let out = h.finalize();
    let mut s = String::with_capacity(bytes * 2);
    for b in &out[..bytes.min(out.len())] {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_published_vector() {
        assert_eq!(
            sha256_hex(&[b"a", b"bc"], 32),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_open_condition_names_every_status_that_is_not_final() {
        let open: Vec<&str> =
            case::Status::ALL.iter().filter(|s| !s.is_final()).map(|s| s.as_str()).collect();
        let quoted: Vec<String> = open.iter().map(|s| format!("'{s}'")).collect();
        assert_eq!(open_statuses!(), format!("status IN ({})", quoted.join(", ")));
    }

    #[test]
    fn problems_say_where_and_what() {
        let p = Problem::new("roster.csv", 7, "upline_id", "a distributor id on the roster", "D999");
        assert_eq!(
            p.to_string(),
            "roster.csv:7: upline_id: expected a distributor id on the roster, found `D999`"
        );
    }
}
