//! The seller's plan (goals, target market, chosen networks, session length,
//! content-mix targets) and work sessions, over the same small SQL interface
//! as `people`, so both backends behave alike.

use crate::StoreError;
use crate::people::Db;
use crate::query::Arg;

/// Read a setting (the plan is stored as one JSON document under `plan`).
pub fn get(db: &mut dyn Db, key: &str) -> Result<Option<String>, StoreError> {
    Ok(db
        .rows("SELECT value FROM settings WHERE key = ?1", &[Arg::Text(key.into())])?
        .first()
        .map(|r| r[0].text()))
}

/// Write a setting, replacing the old value.
pub fn set(db: &mut dyn Db, key: &str, value: &str) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[Arg::Text(key.into()), Arg::Text(value.into())],
    )?;
    Ok(())
}

/// A work session: when it started and, once stopped, when it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub started_at: i64,
    pub stopped_at: Option<i64>,
}

/// The session still running, if any.
pub fn open_session(db: &mut dyn Db) -> Result<Option<Session>, StoreError> {
    Ok(db
        .rows("SELECT id, started_at, stopped_at FROM sessions WHERE stopped_at IS NULL ORDER BY started_at DESC LIMIT 1", &[])?
        .first()
        .map(|r| Session { id: r[0].int(), started_at: r[1].int(), stopped_at: r[2].opt_int() }))
}

/// Start a session (one at a time: returns the running one if there is one).
pub fn start(db: &mut dyn Db, at: i64) -> Result<(Session, bool), StoreError> {
    if let Some(s) = open_session(db)? {
        return Ok((s, false));
    }
    let id =
        db.rows("INSERT INTO sessions (started_at) VALUES (?1) RETURNING id", &[Arg::Int(at)])?[0][0].int();
    Ok((Session { id, started_at: at, stopped_at: None }, true))
}

/// Stop the running session; returns it, or None when none was running.
pub fn stop(db: &mut dyn Db, at: i64) -> Result<Option<Session>, StoreError> {
    let Some(s) = open_session(db)? else { return Ok(None) };
    db.exec("UPDATE sessions SET stopped_at = ?1 WHERE id = ?2", &[Arg::Int(at), Arg::Int(s.id)])?;
    Ok(Some(Session { stopped_at: Some(at), ..s }))
}

/// Every session, oldest first.
pub fn sessions(db: &mut dyn Db) -> Result<Vec<Session>, StoreError> {
    Ok(db
        .rows("SELECT id, started_at, stopped_at FROM sessions ORDER BY started_at, id", &[])?
        .iter()
        .map(|r| Session { id: r[0].int(), started_at: r[1].int(), stopped_at: r[2].opt_int() })
        .collect())
}
