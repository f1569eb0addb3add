//! The PostgreSQL backend: for a company's server. Same schema and behaviour
//! as SQLite; one transaction per import.

use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;

use tactful_core::history::Network;

use crate::query::Arg;
use crate::schema;
use crate::writer::{Import, Transaction};
use crate::{Counts, Filter, Store, StoreError, StoredItem, Writer};

pub struct PgStore {
    client: Client,
    location: String,
    prepared: Prepared,
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(err)`
fn err(e: postgres::Error) -> StoreError {
    // The server's own message (e.g. "relation does not exist") is the useful part.
    match e.as_db_error() {
        Some(db) => StoreError::Postgres(format!("{}: {}", db.code().code(), db.message())),
        None => StoreError::Postgres(e.to_string()),
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

impl PgStore {
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let location = redact(url);
        let mut client = Client::connect(url, NoTls)
            .map_err(|e| StoreError::Postgres(format!("cannot connect to {location}: {e}")))?;
        // Every query here is short and walks an index. The JIT compiler
        // starts on the planner's cost estimate, which for a prepared
        // statement's generic plan can be large while the work is 51 rows:
        // it then costs 5 to 95 ms a page (measured, the console's queue bench).
        // A server from before JIT (PostgreSQL 10) has no such setting: nothing to turn off.
        let _ = client.batch_execute("SET jit = off");
        let steps = schema::migrations(schema::Backend::Postgres);
        let known = steps.len() as i64;
        // Up to date (the common case, once per connection): no lock needed.
        let exists: bool =
            client.query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[]).map_err(err)?.get(0);
        if exists {
            let version: i64 = client
                .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
                .map_err(err)?
                .get(0);
            if version == known {
                return Ok(PgStore { client, location, prepared: HashMap::new() });
            }
        }
        let mut tx = client.transaction().map_err(err)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            .map_err(err)?;
        // Two processes migrating at once would race: take a lock for the duration.
        tx.batch_execute("LOCK TABLE schema_version IN EXCLUSIVE MODE").map_err(err)?;
        let version: i64 =
            tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]).map_err(err)?.get(0);
        if version > known {
            return Err(StoreError::TooNew { location, found: version, known });
        }
        for (i, step) in steps.iter().enumerate().skip(version as usize) {
            tx.batch_execute(step).map_err(err)?;
            tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&(i as i64 + 1)])
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(PgStore { client, location, prepared: HashMap::new() })
    }
}

/// An import's transaction: the writer ([`Import`]) runs its SQL in it.
struct PgTx<'c> {
    tx: postgres::Transaction<'c>,
    prepared: Prepared,
}

impl Transaction for PgTx<'_> {
    fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().map_err(err)
    }
}

fn dollar(sql: &str) -> String {
    sql.replace('?', "$")
}

/// The arguments as PostgreSQL parameters, borrowing their text.
fn boxed<'a>(args: &'a [Arg<'_>]) -> Vec<Box<dyn postgres::types::ToSql + Sync + 'a>> {
    args.iter()
        .map(|a| -> Box<dyn postgres::types::ToSql + Sync + 'a> {
            match a {
                Arg::Text(s) => Box::new(s.as_str()),
                Arg::Str(s) => Box::new(*s),
                Arg::OptStr(s) => Box::new(*s),
                Arg::Fingerprint(b) => Box::new(&b[..]),
                Arg::Static(s) => Box::new(*s),
                Arg::Int(i) => Box::new(*i),
                Arg::Bool(b) => Box::new(*b),
                Arg::OptInt(i) => Box::new(*i),
                Arg::OptText(s) => Box::new(s.as_deref()),
            }
        })
        .collect()
}

fn cell_row(r: &postgres::Row) -> Vec<crate::people::Cell> {
    use crate::people::Cell;
    use postgres::types::Type;
    (0..r.len())
        .map(|i| match *r.columns()[i].type_() {
            Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int),
            Type::INT4 => r.get::<_, Option<i32>>(i).map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
            Type::INT2 => r.get::<_, Option<i16>>(i).map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
            Type::BOOL => r.get::<_, Option<bool>>(i).map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
            _ => r.try_get::<_, Option<String>>(i).ok().flatten().map_or(Cell::Null, Cell::Text),
        })
        .collect()
}

/// Prepared statements by SQL text: the derived tables run the same few
/// statements many times, and preparing costs a round trip each.
type Prepared = HashMap<String, Statement>;

fn prepared<C: postgres::GenericClient>(
    c: &mut C,
    cache: &mut Prepared,
    sql: &str,
) -> Result<Statement, StoreError> {
    if let Some(s) = cache.get(sql) {
        return Ok(s.clone());
    }
    let s = c.prepare(&dollar(sql)).map_err(err)?;
    cache.insert(sql.to_string(), s.clone());
    Ok(s)
}

fn pg_exec<C: postgres::GenericClient>(
    c: &mut C,
    cache: &mut Prepared,
    sql: &str,
    args: &[Arg],
) -> Result<u64, StoreError> {
    let st = prepared(c, cache, sql)?;
    let b = boxed(args);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = b.iter().map(AsRef::as_ref).collect();
    c.execute(&st, &params).map_err(err)
}

fn pg_each<C: postgres::GenericClient>(
    c: &mut C,
    cache: &mut Prepared,
    sql: &str,
    args: &[Arg],
    visit: &mut dyn FnMut(&mut [crate::people::Cell]),
) -> Result<(), StoreError> {
    use postgres::fallible_iterator::FallibleIterator;
    let st = prepared(c, cache, sql)?;
    let b = boxed(args);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = b.iter().map(AsRef::as_ref).collect();
    // A cursor-backed iterator: rows arrive as they are read, not all at once.
    let mut rows = c.query_raw(&st, params).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        visit(&mut cell_row(&r));
    }
    Ok(())
}

/// [`Db`](crate::people::Db) over the `$conn` of `$ty`, the store's own
/// client or an import's transaction; `$atomically` runs a unit of work.
macro_rules! pg_db {
    ($ty:ty, $conn:ident, $atomically:path) => {
        impl crate::people::Db for $ty {
            fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
                pg_exec(&mut self.$conn, &mut self.prepared, sql, args)
            }

            fn each(
                &mut self,
                sql: &str,
                args: &[Arg],
                visit: &mut dyn FnMut(&mut [crate::people::Cell]),
            ) -> Result<(), StoreError> {
                pg_each(&mut self.$conn, &mut self.prepared, sql, args, visit)
            }

            fn atomically(&mut self, f: &mut crate::people::Work<'_>) -> Result<(), StoreError> {
                $atomically(self, f)
            }

            fn postgres(&self) -> bool {
                true
            }
        }
    };
}

impl PgStore {
    /// A unit of work in a transaction of its own.
    fn in_new_transaction(&mut self, f: &mut crate::people::Work<'_>) -> Result<(), StoreError> {
        crate::people::in_new_transaction(self, "BEGIN", |s, sql| s.client.batch_execute(sql).map_err(err), f)
    }
}

pg_db!(PgStore, client, PgStore::in_new_transaction);
// Inside an import, the writer and the derived tables write in the import's
// own transaction: already all or nothing.
pg_db!(PgTx<'_>, tx, crate::people::in_this_transaction);

impl Store for PgStore {
    fn people(&mut self) -> &mut dyn crate::people::Db {
        self
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn writer(&mut self) -> Result<Box<dyn Writer + '_>, StoreError> {
        let owners = self.owners()?;
        let tx = self.client.transaction().map_err(err)?;
        Ok(Box::new(Import::begin(PgTx { tx, prepared: HashMap::new() }, owners)?))
    }

    fn items(
        &mut self,
        filter: &Filter,
        visit: &mut dyn FnMut(StoredItem) -> bool,
    ) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let (sql, args) = crate::query::items_sql(filter, |i| format!("${i}"), "ILIKE");
        let boxed = boxed(&args);
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = boxed.iter().map(AsRef::as_ref).collect();
        // A cursor-backed iterator: rows arrive as they are read, not all at once.
        let mut rows = self.client.query_raw(sql.as_str(), params).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            let item = crate::query::row(
                r.get(0),
                r.get::<_, &str>(1),
                r.get::<_, &str>(2),
                r.get(3),
                r.get(4),
                r.get::<_, &str>(5),
                r.get(6),
                r.get(7),
                r.get(8),
                r.get(9),
                r.get(10),
            );
            if !visit(item) {
                break;
            }
        }
        Ok(())
    }

    fn counts(&mut self) -> Result<Counts, StoreError> {
        let rows = self.client.query(crate::query::COUNTS, &[]).map_err(err)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.get::<_, &str>(0).parse().ok()?,
                    r.get::<_, &str>(1).parse().ok()?,
                    r.get::<_, i64>(2) as u64,
                ))
            })
            .collect())
    }

    fn owners(&mut self) -> Result<Vec<(Network, String)>, StoreError> {
        let rows =
            self.client.query("SELECT network, handle FROM owners ORDER BY network", &[]).map_err(err)?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r.get::<_, &str>(0).parse().ok()?, r.get::<_, String>(1))))
            .collect())
    }
}
