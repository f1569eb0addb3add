//! Shared by the company crate's integration tests: a fresh store on each
//! backend (a SQLite file of its own; a PostgreSQL database of its own, or a
//! skip that fails under CI), and the `on_both_backends!` runner.

#![allow(dead_code)]

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
