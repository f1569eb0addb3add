//! tactful-store: where the history lives.
//!
//! One interface ([`Store`]), two real backends: SQLite, the embedded default
//! (a file, no server), and PostgreSQL for a company's server. Both run the
//! same versioned migrations (see `schema`), and one behaviour test suite runs
//! against both. Writes happen inside a [`Writer`], which is one transaction:
//! dropping it without `commit` leaves the store exactly as it was. The
//! writer is written once (`writer.rs`) over the SQL both backends speak
//! (`people::Db`); a backend only opens and commits its transaction.

pub mod actions;
pub mod coach;
pub mod derived;
pub mod people;
mod pg;
mod query;
mod schema;
mod sqlite;
mod writer;

use tactful_core::history::{ItemKind, Network, Record};

pub use pg::PgStore;
pub use query::Arg;
pub use sqlite::SqliteStore;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite store {path}: {message}")]
    Sqlite { path: String, message: String },
    #[error("PostgreSQL store: {0}")]
    Postgres(String),
    #[error(
        "the store at {location} has schema version {found}, newer than this tactful understands ({known}); upgrade tactful"
    )]
    TooNew { location: String, found: i64, known: i64 },
}

/// What adding a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    AlreadyThere,
}

/// A stored content item, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
    pub id: i64,
    pub network: Network,
    pub kind: ItemKind,
    pub author: String,
    pub by_owner: bool,
    pub counterparts: Vec<String>,
    pub thread: Option<String>,
    pub at: i64,
    pub text: String,
    pub source_file: String,
    pub source_position: String,
}

impl StoredItem {
    /// A borrowed view of the item, as the pure core reads it.
    pub fn view(&self) -> tactful_core::relationships::ItemView<'_> {
        tactful_core::relationships::ItemView {
            id: self.id,
            network: self.network,
            kind: self.kind,
            author: &self.author,
            by_owner: self.by_owner,
            counterparts: &self.counterparts,
            thread: self.thread.as_deref(),
            at: self.at,
            text: &self.text,
        }
    }
}

/// Which items to read back.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub network: Option<Network>,
    pub kind: Option<ItemKind>,
    /// Author or counterpart handle contains this (case-insensitive).
    pub person: Option<String>,
    /// Text contains this (case-insensitive).
    pub text: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only items the owner wrote.
    pub by_owner: Option<bool>,
    pub limit: Option<usize>,
}

/// Counts per network and kind.
pub type Counts = Vec<(Network, ItemKind, u64)>;

/// The store interface both backends implement.
pub trait Store {
    /// Where the store is, for messages.
    fn location(&self) -> String;
    /// Start a transaction for adding records.
    fn writer(&mut self) -> Result<Box<dyn Writer + '_>, StoreError>;
    /// Visit items matching `filter`, oldest first; `visit` returns false to stop.
    fn items(&mut self, filter: &Filter, visit: &mut dyn FnMut(StoredItem) -> bool)
    -> Result<(), StoreError>;
    /// How many items there are, per network and kind.
    fn counts(&mut self) -> Result<Counts, StoreError>;
    /// The owner's handle on each network.
    fn owners(&mut self) -> Result<Vec<(Network, String)>, StoreError>;
    /// Contacts and the consent ledger (see [`people`]).
    fn people(&mut self) -> &mut dyn people::Db;
}

/// One transaction of writes.
pub trait Writer {
    /// Add a record; adding the same item twice is a no-op. An owner record
    /// never replaces the owner already stored for its network (a stray
    /// export must not change who "you" are): use `set_owner` for that.
    fn add(&mut self, record: &Record) -> Result<Added, StoreError>;
    /// Record who owns the account on a network, replacing any earlier owner.
    fn set_owner(
        &mut self,
        network: Network,
        person: &tactful_core::history::Person,
        source: &tactful_core::history::SourceRef,
    ) -> Result<(), StoreError>;
    /// Make everything added visible, at once.
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Open a store from a location: `postgres://…` / `postgresql://…` URLs open
/// PostgreSQL, anything else is a SQLite file path (created if missing).
pub fn open(location: &str) -> Result<Box<dyn Store>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(location)?))
    } else {
        Ok(Box::new(SqliteStore::open(std::path::Path::new(location))?))
    }
}

/// [`open`], for a server that keeps open stores in a pool and hands each
/// to whichever thread serves the next request.
pub fn open_shared(location: &str) -> Result<Box<dyn Store + Send>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(location)?))
    } else {
        Ok(Box::new(SqliteStore::open(std::path::Path::new(location))?))
    }
}

/// Helpers for tests of this crate and others (not for production use).
pub mod testing {
    use crate::StoreError;

    /// The test PostgreSQL server's URL (`TACTFUL_TEST_PG_URL`, which
    /// `scripts/test.sh` sets), or `None` with a visible skip notice. Under
    /// CI the test command must have started the server: no silent skip there.
    pub fn pg_url() -> Option<String> {
        match std::env::var("TACTFUL_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => Some(u),
            _ => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "TACTFUL_TEST_PG_URL is not set: run the suite with `bash scripts/test.sh`"
                );
                eprintln!(
                    "\n*** SKIPPED: TACTFUL_TEST_PG_URL is not set; `bash scripts/test.sh` starts PostgreSQL and sets it. ***\n"
                );
                None
            }
        }
    }

    /// Run `sql` on the SQLite store file at `path`, outside tactful.
    fn sqlite_batch(path: &std::path::Path, sql: &str) -> Result<(), StoreError> {
        let e = |e: rusqlite::Error| StoreError::Sqlite {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        rusqlite::Connection::open(path).map_err(e)?.execute_batch(sql).map_err(e)
    }

    /// Write a schema version into a SQLite store file (to test refusal of newer stores).
    pub fn set_schema_version(path: &std::path::Path, version: i64) -> Result<(), StoreError> {
        sqlite_batch(path, &format!("INSERT INTO schema_version (version) VALUES ({version})"))
    }

    /// Migration 8 undone: no record of what the seller did, no notes.
    /// The same SQL on both backends.
    const BEFORE_SELLER_ACTIONS: &str = "DROP TABLE item_actions; DROP TABLE contact_notes;
        ALTER TABLE contacts DROP COLUMN keep_in_touch_days;
        DELETE FROM schema_version WHERE version > 7;";

    /// Turn a SQLite store back into what tactful wrote before migration 8.
    pub fn downgrade_sqlite_to_v7(path: &std::path::Path) -> Result<(), StoreError> {
        sqlite_batch(path, BEFORE_SELLER_ACTIONS)
    }

    /// Migration 7 undone: the handles back in the items table, no `people`.
    /// The same SQL on both backends.
    const BEFORE_PEOPLE_ONCE: &str = "ALTER TABLE stored_items ADD COLUMN author TEXT NOT NULL DEFAULT '';
        ALTER TABLE stored_items ADD COLUMN counterparts TEXT NOT NULL DEFAULT '';
        UPDATE stored_items SET author = (SELECT v.author FROM items v WHERE v.id = stored_items.id),
            counterparts = (SELECT v.counterparts FROM items v WHERE v.id = stored_items.id);
        DROP VIEW items;
        ALTER TABLE stored_items DROP COLUMN author_id;
        ALTER TABLE stored_items RENAME TO items;
        DELETE FROM interactions;
        ALTER TABLE interactions DROP COLUMN person;
        ALTER TABLE interactions ADD COLUMN handle TEXT NOT NULL DEFAULT '';
        DELETE FROM settings WHERE key = 'derived';
        DROP TABLE item_people;
        DROP TABLE people;
        DELETE FROM schema_version WHERE version > 6;";

    /// Turn a SQLite store back into what tactful wrote before migration 7
    /// (each item holding its people's handles), keeping its items.
    pub fn downgrade_sqlite_to_v6(path: &std::path::Path) -> Result<(), StoreError> {
        downgrade_sqlite_to_v7(path)?;
        sqlite_batch(path, BEFORE_PEOPLE_ONCE)
    }

    /// The same for the PostgreSQL store at `url`.
    pub fn downgrade_pg_to_v6(url: &str) -> Result<(), StoreError> {
        let mut c = postgres::Client::connect(url, postgres::NoTls)
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        c.batch_execute(BEFORE_SELLER_ACTIONS).map_err(|e| StoreError::Postgres(e.to_string()))?;
        c.batch_execute(BEFORE_PEOPLE_ONCE).map_err(|e| StoreError::Postgres(e.to_string()))
    }

    /// Turn a SQLite store back into what tactful wrote before migration 6
    /// (no derived response tracking; derived with an older `derived::VERSION`).
    pub fn downgrade_sqlite_to_v5(path: &std::path::Path) -> Result<(), StoreError> {
        downgrade_sqlite_to_v6(path)?;
        sqlite_batch(
            path,
            "DROP TABLE conversations; DROP TABLE starts; DROP TABLE unthreaded_messages;
             UPDATE settings SET value = '2' || substr(value, instr(value, char(10))) WHERE key = 'derived';
             DELETE FROM schema_version WHERE version > 5;",
        )
    }

    /// Turn a SQLite store back into what tactful wrote before migration 5
    /// (no counts per network and kind): to test that an old store upgrades in place.
    pub fn downgrade_sqlite_to_v4(path: &std::path::Path) -> Result<(), StoreError> {
        downgrade_sqlite_to_v5(path)?;
        sqlite_batch(path, "DROP TABLE item_counts; DELETE FROM schema_version WHERE version > 4;")
    }

    /// Turn a SQLite store back into what tactful wrote before migration 4
    /// (no derived tables, undated marks), keeping its items, contacts and
    /// settings: to test that an old store upgrades in place.
    pub fn downgrade_sqlite_to_v3(path: &std::path::Path) -> Result<(), StoreError> {
        downgrade_sqlite_to_v4(path)?;
        sqlite_batch(
            path,
            "DROP TABLE interactions; DROP TABLE handle_contacts; DROP TABLE contact_tallies; DROP TABLE owner_authors;
             DROP TABLE requests; DROP TABLE replies; ALTER TABLE contacts DROP COLUMN marked_at;
             DELETE FROM settings WHERE key = 'derived'; DELETE FROM schema_version WHERE version > 3;",
        )
    }

    /// The path of a store file `tactful.db` in a new, empty scratch folder `name`.
    pub fn sqlite_path(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tactful-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("tactful.db")
    }

    /// A new PostgreSQL store in a fresh database named after `name` on the
    /// test server, and its URL; `None` where there is no server (see [`pg_url`]).
    pub fn fresh_pg(name: &str) -> Option<(crate::PgStore, String)> {
        let url = fresh_pg_database(&pg_url()?, name).unwrap();
        Some((crate::PgStore::open(&url).unwrap(), url))
    }

    /// Create an empty database named after the test on the server at `url`
    /// (dropping any left from an earlier run) and return its URL.
    pub fn fresh_pg_database(url: &str, name: &str) -> Result<String, StoreError> {
        let db = format!("tactful_test_{name}_{}", std::process::id());
        let mut admin = postgres::Client::connect(url, postgres::NoTls)
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
        Ok(format!("{base}/{db}"))
    }
}
