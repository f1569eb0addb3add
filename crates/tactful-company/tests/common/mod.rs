//! Shared by the company crate's integration tests: a fresh store on each
//! backend (a SQLite file of its own; a PostgreSQL database of its own, or a
//! skip that fails under CI), and the `on_both_backends!` runner.

#![allow(dead_code)]

use tactful_company::feed::Format;
use tactful_company::ingest::{self, IngestSummary};
use tactful_store::Store;

/// A fresh SQLite store named after the test file and the test.
pub fn sqlite(file: &str, name: &str) -> Box<dyn Store> {
    let path = std::env::temp_dir().join(format!("tactful-{file}-{}-{name}.db", std::process::id()));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    tactful_store::open(&path.display().to_string()).unwrap()
}

/// The test PostgreSQL server's URL, or a visible skip outside CI.
pub fn pg_url() -> Option<String> {
    tactful_store::testing::pg_url()
}

/// A fresh PostgreSQL database named after the test file and the test.
pub fn postgres(file: &str, name: &str) -> Option<Box<dyn Store>> {
    let url = pg_url()?;
    let db = tactful_store::testing::fresh_pg_database(&url, &format!("{file}_{name}")).unwrap();
    Some(tactful_store::open(&db).unwrap())
}

/// One `#[test]` per backend for each named `fn(&mut dyn Store)`.
#[macro_export]
macro_rules! on_both_backends {
    ($file:literal: $($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(super::common::sqlite($file, stringify!($name)).as_mut());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                if let Some(mut store) = super::common::postgres($file, stringify!($name)) {
                    super::$name(store.as_mut());
                }
            })*
        }
    };
}

/// The moment the tests' stories start: 2025-11-21T09:00:00Z.
pub const T0: i64 = 1_763_715_600;

/// The compliance officer, acting at `at`, for the default company.
pub fn officer(at: i64) -> tactful_company::Actor {
    tactful_company::Actor { company: tactful_company::DEFAULT_COMPANY, who: "officer@company".into(), at }
}

/// The audit chain verifies.
pub fn chain_holds(db: &mut dyn tactful_store::people::Db) {
    let v = tactful_company::audit::verify(db, tactful_company::DEFAULT_COMPANY).unwrap();
    assert_eq!(v.broken, None, "the audit chain verifies");
}

/// A store with the company tables, `roster` imported at T0 and `feed` (CSV)
/// ingested a minute later and scanned by one worker two minutes later.
pub fn scanned<'a>(
    store: &'a mut dyn Store,
    roster: &str,
    feed: &str,
) -> &'a mut dyn tactful_store::people::Db {
    let db = with_roster(store, roster);
    let s = ingest_csv(db, feed, T0 + 60);
    assert_eq!(s.skipped, 0, "{:?}", s.problems);
    scan(db, T0 + 120);
    db
}

/// A store with the company tables and `roster` imported at T0 (every row read).
pub fn with_roster<'a>(store: &'a mut dyn Store, roster: &str) -> &'a mut dyn tactful_store::people::Db {
    let db = store.people();
    tactful_company::schema::migrate(db).unwrap();
    let r = tactful_company::roster::import(db, &officer(T0), "roster.csv", roster.as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    db
}

/// Two distributors on Instagram: Ann (D1, @ann_b) and Bob (D2, @bobcole).
pub const ANN_AND_BOB: &str = "id,name,instagram\nD1,Ann Baker,@ann_b\nD2,Bob Cole,@bobcole\n";

/// A store with the company tables and [`ANN_AND_BOB`] on the roster.
pub fn ann_and_bob(store: &mut dyn Store) -> &mut dyn tactful_store::people::Db {
    with_roster(store, ANN_AND_BOB)
}

/// `csv` ingested by the officer at `at` as the feed file `feed.csv`.
pub fn ingest_csv(db: &mut dyn tactful_store::people::Db, csv: &str, at: i64) -> IngestSummary {
    ingest_named(db, "feed.csv", csv, at)
}

/// `csv` ingested by the officer at `at` as the feed file `file`.
pub fn ingest_named(db: &mut dyn tactful_store::people::Db, file: &str, csv: &str, at: i64) -> IngestSummary {
    ingest::ingest(db, &officer(at), file, csv.as_bytes(), Format::Csv, ingest::Options::default()).unwrap()
}

/// One worker with the built-in packs through the queue, at `at`.
pub fn scan(db: &mut dyn tactful_store::people::Db, at: i64) -> tactful_company::worker::ScanSummary {
    tactful_company::worker::Worker::new(
        tactful_app::Checker::builtin(),
        tactful_company::policy::Policy::default(),
        "worker-1",
    )
    .run(db, tactful_company::DEFAULT_COMPANY, &|| at, &mut |_| {})
    .unwrap()
}
