//! The SQLite backend: the embedded default. One file, WAL journal, one
//! transaction per import, prepared statements reused for every row.

use rusqlite::Connection;
use std::path::Path;

use tactful_core::history::Network;

use crate::schema;
use crate::writer::{Import, Transaction};
use crate::{Counts, Filter, Store, StoreError, StoredItem, Writer};

pub struct SqliteStore {
    conn: Connection,
    path: String,
}

fn err(path: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::Sqlite { path: path.to_string(), message: e.to_string() }
}

impl SqliteStore {
    /// Open (or create) the store file and bring its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let p = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Sqlite {
                path: p.clone(),
                message: format!("cannot create its folder: {e}"),
            })?;
        }
        let mut conn = Connection::open(path).map_err(err(&p))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;").map_err(err(&p))?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn, &p)?;
        Ok(SqliteStore { conn, path: p })
    }
}

fn migrate(conn: &mut Connection, p: &str) -> Result<(), StoreError> {
    let tx = conn.transaction().map_err(err(p))?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .map_err(err(p))?;
    let version: i64 = tx
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))
        .map_err(err(p))?;
    let steps = schema::migrations(schema::Backend::Sqlite);
    let known = steps.len() as i64;
    if version > known {
        return Err(StoreError::TooNew { location: p.to_string(), found: version, known });
    }
    for (i, step) in steps.iter().enumerate().skip(version as usize) {
        tx.execute_batch(step).map_err(err(p))?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [i as i64 + 1]).map_err(err(p))?;
    }
    tx.commit().map_err(err(p))
}

/// An import's transaction: the writer ([`Import`]) runs its SQL in it.
struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
    path: String,
}

impl Transaction for SqliteTx<'_> {
    fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().map_err(err(&self.path))
    }
}

fn sql_exec(conn: &Connection, path: &str, sql: &str, args: &[crate::query::Arg]) -> Result<u64, StoreError> {
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
    let e = err(path);
    Ok(conn.prepare_cached(sql).and_then(|mut s| s.execute(params.as_slice())).map_err(e)? as u64)
}

fn sql_each(
    conn: &Connection,
    path: &str,
    sql: &str,
    args: &[crate::query::Arg],
    visit: &mut dyn FnMut(&mut [crate::people::Cell]),
) -> Result<(), StoreError> {
    use crate::people::Cell;
    use rusqlite::types::ValueRef;
    let e = err(path);
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
    let mut stmt = conn.prepare_cached(sql).map_err(&e)?;
    let n = stmt.column_count();
    let mut rows = stmt.query(params.as_slice()).map_err(&e)?;
    let mut row = Vec::with_capacity(n);
    while let Some(r) = rows.next().map_err(&e)? {
        row.clear();
        for i in 0..n {
            row.push(match r.get_ref(i).map_err(&e)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Real(f) => Cell::Int(f as i64),
                ValueRef::Text(b) | ValueRef::Blob(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            });
        }
        visit(&mut row);
    }
    Ok(())
}

/// [`Db`](crate::people::Db) over the `$conn` of `$ty`, the store's own
/// connection or an import's transaction; `$atomically` runs a unit of work.
macro_rules! sqlite_db {
    ($ty:ty, $conn:ident, $atomically:path) => {
        impl crate::people::Db for $ty {
            fn exec(&mut self, sql: &str, args: &[crate::query::Arg]) -> Result<u64, StoreError> {
                sql_exec(&self.$conn, &self.path, sql, args)
            }

            fn each(
                &mut self,
                sql: &str,
                args: &[crate::query::Arg],
                visit: &mut dyn FnMut(&mut [crate::people::Cell]),
            ) -> Result<(), StoreError> {
                sql_each(&self.$conn, &self.path, sql, args, visit)
            }

            fn atomically(&mut self, f: &mut crate::people::Work<'_>) -> Result<(), StoreError> {
                $atomically(self, f)
            }
        }
    };
}

impl SqliteStore {
    /// A unit of work in a transaction of its own.
    fn in_new_transaction(&mut self, f: &mut crate::people::Work<'_>) -> Result<(), StoreError> {
        // IMMEDIATE: take the write lock now, so two processes refreshing the
        // derived tables at once wait for each other instead of failing.
        crate::people::in_new_transaction(
            self,
            "BEGIN IMMEDIATE",
            |s, sql| s.conn.execute_batch(sql).map_err(err(&s.path)),
            f,
        )
    }
}

sqlite_db!(SqliteStore, conn, SqliteStore::in_new_transaction);
// Inside an import, the writer and the derived tables write in the import's
// own transaction: already all or nothing.
sqlite_db!(SqliteTx<'_>, tx, crate::people::in_this_transaction);

impl Store for SqliteStore {
    fn people(&mut self) -> &mut dyn crate::people::Db {
        self
    }

    fn location(&self) -> String {
        self.path.clone()
    }

    fn writer(&mut self) -> Result<Box<dyn Writer + '_>, StoreError> {
        let owners = self.owners()?;
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(err(&path))?;
        Ok(Box::new(Import::begin(SqliteTx { tx, path }, owners)?))
    }

    fn items(
        &mut self,
        filter: &Filter,
        visit: &mut dyn FnMut(StoredItem) -> bool,
    ) -> Result<(), StoreError> {
        let (sql, args) = crate::query::items_sql(filter, |i| format!("?{i}"), "LIKE");
        let e = err(&self.path);
        let mut stmt = self.conn.prepare(&sql).map_err(&e)?;
        let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        let mut rows = stmt.query(params.as_slice()).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let item = crate::query::row(
                r.get(0).map_err(&e)?,
                &r.get::<_, String>(1).map_err(&e)?,
                &r.get::<_, String>(2).map_err(&e)?,
                r.get(3).map_err(&e)?,
                r.get(4).map_err(&e)?,
                &r.get::<_, String>(5).map_err(&e)?,
                r.get(6).map_err(&e)?,
                r.get(7).map_err(&e)?,
                r.get(8).map_err(&e)?,
                r.get(9).map_err(&e)?,
                r.get(10).map_err(&e)?,
            );
            if !visit(item) {
                break;
            }
        }
        Ok(())
    }

    fn counts(&mut self) -> Result<Counts, StoreError> {
        let e = err(&self.path);
        let mut stmt = self.conn.prepare(crate::query::COUNTS).map_err(&e)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))
            .map_err(&e)?;
        let mut out = Vec::new();
        for r in rows {
            let (n, k, c) = r.map_err(&e)?;
            if let (Ok(n), Ok(k)) = (n.parse(), k.parse()) {
                out.push((n, k, c as u64));
            }
        }
        Ok(out)
    }

    fn owners(&mut self) -> Result<Vec<(Network, String)>, StoreError> {
        let e = err(&self.path);
        let mut stmt =
            self.conn.prepare("SELECT network, handle FROM owners ORDER BY network").map_err(&e)?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(&e)?;
        let mut out = Vec::new();
        for r in rows {
            let (n, h) = r.map_err(&e)?;
            if let Ok(n) = n.parse() {
                out.push((n, h));
            }
        }
        Ok(out)
    }
}
