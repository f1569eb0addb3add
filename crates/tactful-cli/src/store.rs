//! Which store to use: `--db PATH|URL`, else TACTFUL_DATABASE_URL, else a
//! SQLite file in the XDG data directory.

use anyhow::{Context, Result};
use std::path::PathBuf;

/// The store location the user asked for, or the default.
pub fn location(db: Option<&str>) -> String {
    if let Some(d) = db {
        return d.to_string();
    }
    if let Ok(u) = std::env::var("TACTFUL_DATABASE_URL") {
        if !u.is_empty() {
            return u;
        }
    }
    default_path().display().to_string()
}

/// `$XDG_DATA_HOME/tactful/tactful.db`, or `~/.local/share/tactful/tactful.db`.
pub fn default_path() -> PathBuf {
    tactful_app::data_dir().join("tactful.db")
}

/// `--db PATH|URL`, declared once for every command that reads or writes the store.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StoreArg {
    /// The store: a SQLite file path or a postgres:// URL (default: TACTFUL_DATABASE_URL, else the XDG data dir).
    #[arg(long = "db", value_name = "PATH|URL")]
    pub location: Option<String>,
}

impl StoreArg {
    /// A store at `location`.
    pub fn at(location: &str) -> StoreArg {
        StoreArg { location: Some(location.to_string()) }
    }

    /// Open the store the person asked for, or the default one.
    pub fn open(&self) -> Result<Box<dyn tactful_store::Store>> {
        open(self.location.as_deref())
    }
}

pub fn open(db: Option<&str>) -> Result<Box<dyn tactful_store::Store>> {
    let loc = location(db);
    tactful_store::open(&loc).with_context(|| format!("cannot open the store at {loc}"))
}

/// Now, in Unix seconds, from the program's one clock (`--now`,
/// `TACTFUL_NOW`, else the system clock); the core takes `now` as a parameter.
pub fn now() -> i64 {
    tactful_app::clock::now()
}

/// Parse a date `YYYY-MM-DD` (UTC midnight) into Unix seconds.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if t.len() != 10 {
        return Err(format!("`{s}`: expected a date like 2024-05-31"));
    }
    tactful_app::clock::parse(t).map_err(|_| format!("`{s}`: expected a date like 2024-05-31"))
}

/// A Unix time as `YYYY-MM-DD HH:MM` UTC.
pub fn show_time(t: i64) -> String {
    let s = tactful_app::clock::rfc3339(t);
    format!("{} {}", &s[..10], &s[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let t = parse_date("2024-02-29").unwrap();
        assert_eq!(show_time(t), "2024-02-29 00:00");
        assert_eq!(show_time(0), "1970-01-01 00:00");
        assert!(parse_date("2024-13-01").is_err());
    }
}
