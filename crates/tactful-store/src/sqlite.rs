//! The SQLite backend: the embedded default. One file, WAL journal, one
//! transaction per import, prepared statements reused for every row.

use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::Path;

use tactful_core::history::{Network, Person, Record};

use crate::schema::{self, SEP};
use crate::{Added, Counts, Filter, Store, StoreError, StoredItem, Writer};

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
    let known = schema::SQLITE.len() as i64;
    if version > known {
        return Err(StoreError::TooNew { location: p.to_string(), found: version, known });
    }
    for (i, step) in schema::SQLITE.iter().enumerate().skip(version as usize) {
        tx.execute_batch(step).map_err(err(p))?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [i as i64 + 1]).map_err(err(p))?;
    }
    tx.commit().map_err(err(p))
}

struct SqliteWriter<'c> {
    tx: rusqlite::Transaction<'c>,
    path: std::rc::Rc<str>,
    /// Handle → contact id, per network (indexed by `Network as usize`), so
    /// a known person costs one hash lookup, not a query.
    contacts: [HashMap<String, i64>; 5],
    /// The owner's handle per network: the owner is never a contact.
    owners: [Option<String>; 5],
    /// For the derived tables: what this writer added (see `derived::Added`).
    added: crate::derived::Added,
    new_items: crate::query::NewItems,
}

impl SqliteWriter<'_> {
    fn person(&mut self, network: Network, p: &Person) -> Result<(), StoreError> {
        if p.handle.is_empty()
            || self.contacts[network as usize].contains_key(p.handle.as_str())
            || self.owners[network as usize].as_deref() == Some(p.handle.as_str())
        {
            return Ok(());
        }
        let path = self.path.clone();
        let e = err(&path);
        let existing: Option<i64> = self
            .tx
            .prepare_cached("SELECT contact_id FROM handles WHERE network = ?1 AND handle = ?2")
            .and_then(|mut s| s.query_row(params![network.as_str(), p.handle], |r| r.get(0)).optional())
            .map_err(&e)?;
        // The same person elsewhere: a handle on any network with the same
        // email or profile URL belongs to the same contact.
        let same_person: Option<i64> = if existing.is_none() && (p.email.is_some() || p.profile_url.is_some())
        {
            self.tx
                .prepare_cached("SELECT contact_id FROM handles WHERE (email IS NOT NULL AND email = ?1) OR (profile_url IS NOT NULL AND profile_url = ?2) LIMIT 1")
                .and_then(|mut s| s.query_row(params![p.email, p.profile_url], |r| r.get(0)).optional())
                .map_err(&e)?
        } else {
            None
        };
        let id = match existing {
            Some(id) => id,
            None if same_person.is_some() => {
                let id = same_person.expect("checked");
                self.tx
                    .prepare_cached("INSERT INTO handles (network, handle, contact_id, name, profile_url, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .and_then(|mut s| s.execute(params![network.as_str(), p.handle, id, p.name, p.profile_url, p.email]))
                    .map_err(&e)?;
                id
            }
            None => {
                let display = p.name.clone().unwrap_or_else(|| p.handle.clone());
                self.tx
                    .prepare_cached("INSERT INTO contacts (display_name) VALUES (?1)")
                    .and_then(|mut s| s.execute([display]))
                    .map_err(&e)?;
                let id = self.tx.last_insert_rowid();
                self.tx
                    .prepare_cached("INSERT INTO handles (network, handle, contact_id, name, profile_url, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .and_then(|mut s| s.execute(params![network.as_str(), p.handle, id, p.name, p.profile_url, p.email]))
                    .map_err(&e)?;
                id
            }
        };
        self.contacts[network as usize].insert(p.handle.clone(), id);
        Ok(())
    }
}

impl Writer for SqliteWriter<'_> {
    fn add(&mut self, record: &Record) -> Result<Added, StoreError> {
        let path = self.path.clone();
        let e = err(&path);
        match record {
            Record::Owner { network, person, source } => {
                let n = self
                    .tx
                    .prepare_cached(
                        "INSERT INTO owners (network, handle, name, source_file, source_position) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (network) DO NOTHING",
                    )
                    .and_then(|mut s| s.execute(params![network.as_str(), person.handle, person.name, source.file, source.position]))
                    .map_err(&e)?;
                if self.owners[*network as usize].is_none() {
                    self.owners[*network as usize] = Some(person.handle.clone());
                }
                Ok(if n > 0 { Added::New } else { Added::AlreadyThere })
            }
            Record::Item(item) => {
                let counterparts: Vec<&str> = item.counterparts.iter().map(|p| p.handle.as_str()).collect();
                let n = self
                    .tx
                    .prepare_cached(
                        "INSERT INTO items (fingerprint, network, kind, external_id, author, by_owner, counterparts, thread, parent, at, text, source_file, source_position)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (fingerprint) DO NOTHING",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            item.fingerprint(),
                            item.network.as_str(),
                            item.kind.as_str(),
                            item.external_id,
                            item.author.handle,
                            item.by_owner,
                            counterparts.join(&SEP.to_string()),
                            item.thread,
                            item.parent,
                            item.at,
                            item.text,
                            item.source.file,
                            item.source.position,
                        ])
                    })
                    .map_err(&e)?;
                if n == 0 {
                    return Ok(Added::AlreadyThere);
                }
                self.added.owner_item(item);
                self.new_items.add(item);
                if !item.by_owner {
                    self.person(item.network, &item.author)?;
                }
                for c in &item.counterparts {
                    self.person(item.network, c)?;
                }
                Ok(Added::New)
            }
        }
    }

    fn set_owner(
        &mut self,
        network: Network,
        person: &Person,
        source: &tactful_core::history::SourceRef,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.tx
            .prepare_cached(
                "INSERT INTO owners (network, handle, name, source_file, source_position) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (network) DO UPDATE SET handle = excluded.handle, name = excluded.name,
                   source_file = excluded.source_file, source_position = excluded.source_position",
            )
            .and_then(|mut s| s.execute(params![network.as_str(), person.handle, person.name, source.file, source.position]))
            .map_err(err(&path))?;
        self.owners[network as usize] = Some(person.handle.clone());
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let added = std::mem::take(&mut self.added);
        crate::derived::refresh_in(self.as_mut(), Some(added))?;
        std::mem::take(&mut self.new_items).save(self.as_mut())?;
        let path = self.path.clone();
        self.tx.commit().map_err(err(&path))
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

fn sql_rows(
    conn: &Connection,
    path: &str,
    sql: &str,
    args: &[crate::query::Arg],
) -> Result<Vec<Vec<crate::people::Cell>>, StoreError> {
    let mut out = Vec::new();
    sql_each(conn, path, sql, args, &mut |r| out.push(r.to_vec()))?;
    Ok(out)
}

impl crate::people::Db for SqliteStore {
    fn exec(&mut self, sql: &str, args: &[crate::query::Arg]) -> Result<u64, StoreError> {
        sql_exec(&self.conn, &self.path, sql, args)
    }

    fn rows(
        &mut self,
        sql: &str,
        args: &[crate::query::Arg],
    ) -> Result<Vec<Vec<crate::people::Cell>>, StoreError> {
        sql_rows(&self.conn, &self.path, sql, args)
    }

    fn each(
        &mut self,
        sql: &str,
        args: &[crate::query::Arg],
        visit: &mut dyn FnMut(&mut [crate::people::Cell]),
    ) -> Result<(), StoreError> {
        sql_each(&self.conn, &self.path, sql, args, visit)
    }

    fn atomically(
        &mut self,
        f: &mut dyn FnMut(&mut dyn crate::people::Db) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // IMMEDIATE: take the write lock now, so two processes refreshing the
        // derived tables at once wait for each other instead of failing.
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(err(&self.path))?;
        match f(self) {
            Ok(()) => self.conn.execute_batch("COMMIT").map_err(err(&self.path)),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Inside an import, the derived tables are brought up to date in the
/// import's own transaction (see `commit`).
impl crate::people::Db for SqliteWriter<'_> {
    fn exec(&mut self, sql: &str, args: &[crate::query::Arg]) -> Result<u64, StoreError> {
        sql_exec(&self.tx, &self.path, sql, args)
    }

    fn rows(
        &mut self,
        sql: &str,
        args: &[crate::query::Arg],
    ) -> Result<Vec<Vec<crate::people::Cell>>, StoreError> {
        sql_rows(&self.tx, &self.path, sql, args)
    }

    fn each(
        &mut self,
        sql: &str,
        args: &[crate::query::Arg],
        visit: &mut dyn FnMut(&mut [crate::people::Cell]),
    ) -> Result<(), StoreError> {
        sql_each(&self.tx, &self.path, sql, args, visit)
    }

    fn atomically(
        &mut self,
        f: &mut dyn FnMut(&mut dyn crate::people::Db) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        f(self)
    }
}

impl Store for SqliteStore {
    fn people(&mut self) -> &mut dyn crate::people::Db {
        self
    }

    fn location(&self) -> String {
        self.path.clone()
    }

    fn writer(&mut self) -> Result<Box<dyn Writer + '_>, StoreError> {
        let path: std::rc::Rc<str> = self.path.as_str().into();
        let mut owners: [Option<String>; 5] = Default::default();
        for (n, h) in self.owners()? {
            owners[n as usize] = Some(h);
        }
        let tx = self.conn.transaction().map_err(err(&path))?;
        let base =
            tx.query_row("SELECT COALESCE(MAX(id), 0) FROM items", [], |r| r.get(0)).map_err(err(&path))?;
        Ok(Box::new(SqliteWriter {
            tx,
            path,
            contacts: Default::default(),
            owners,
            added: crate::derived::Added::after(base),
            new_items: crate::query::NewItems::default(),
        }))
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
