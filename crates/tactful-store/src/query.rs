//! SQL shared by both backends: the item query built from a filter, with the
//! placeholder style and case-insensitive LIKE of each backend.

use std::fmt::Write as _;

use tactful_core::history::{ItemKind, Network};

use crate::StoredItem;

pub const COLUMNS: &str =
    "id, network, kind, author, by_owner, counterparts, thread, at, text, source_file, source_position";

/// Items per network and kind, as the writers keep them (migration 5).
pub const COUNTS: &str = "SELECT network, kind, items FROM item_counts ORDER BY network, kind";

/// The items a writer added, per network and kind, for `item_counts`.
#[derive(Debug, Default)]
pub(crate) struct NewItems(std::collections::BTreeMap<(&'static str, &'static str), i64>);

impl NewItems {
    pub(crate) fn add(&mut self, item: &tactful_core::history::Item) {
        *self.0.entry((item.network.as_str(), item.kind.as_str())).or_default() += 1;
    }

    /// Add them to `item_counts`, in the writer's transaction. In key order,
    /// so two writers on PostgreSQL take the rows' locks in the same order.
    pub(crate) fn save(&self, db: &mut dyn crate::people::Db) -> Result<(), crate::StoreError> {
        for ((network, kind), n) in &self.0 {
            db.exec(
                "INSERT INTO item_counts (network, kind, items) VALUES (?1, ?2, ?3)
                 ON CONFLICT (network, kind) DO UPDATE SET items = item_counts.items + excluded.items",
                &[Arg::Static(network), Arg::Static(kind), Arg::Int(*n)],
            )?;
        }
        Ok(())
    }
}

/// A query parameter (text or integer). The borrowed forms (`Str`,
/// `OptStr`) let the writer pass an item's fields without copying them.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Text(String),
    Str(&'a str),
    OptStr(Option<&'a str>),
    /// An item's fingerprint (BLOB in SQLite, BYTEA in PostgreSQL).
    Fingerprint([u8; 16]),
    /// A name from the code (a network, a kind): no allocation per row.
    Static(&'static str),
    Int(i64),
    Bool(bool),
    OptInt(Option<i64>),
    OptText(Option<String>),
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Arg::Text(s) => s.to_sql(),
            Arg::Str(s) => s.to_sql(),
            Arg::OptStr(s) => s.to_sql(),
            Arg::Fingerprint(b) => b.to_sql(),
            Arg::Static(s) => s.to_sql(),
            Arg::Int(i) => i.to_sql(),
            Arg::Bool(b) => b.to_sql(),
            Arg::OptInt(i) => i.to_sql(),
            Arg::OptText(s) => s.to_sql(),
        }
    }
}

/// Build the SELECT for `filter`. `ph(i)` spells placeholder `i` (1-based).
pub fn items_sql(
    filter: &crate::Filter,
    ph: impl Fn(usize) -> String,
    like: &str,
) -> (String, Vec<Arg<'static>>) {
    let mut clauses = Vec::new();
    let mut args = Vec::new();
    let mut push = |clause: &dyn Fn(&str) -> String, arg: Arg<'static>, args: &mut Vec<Arg<'static>>| {
        args.push(arg);
        clauses.push(clause(&ph(args.len())));
    };
    if let Some(n) = filter.network {
        push(&|p| format!("network = {p}"), Arg::Text(n.as_str().into()), &mut args);
    }
    if let Some(k) = filter.kind {
        push(&|p| format!("kind = {p}"), Arg::Text(k.as_str().into()), &mut args);
    }
    if let Some(t) = &filter.text {
        push(&|p| format!("text {like} {p}"), Arg::Text(format!("%{t}%")), &mut args);
    }
    if let Some(person) = &filter.person {
        push(
            &|p| format!("(author {like} {p} OR counterparts {like} {p})"),
            Arg::Text(format!("%{person}%")),
            &mut args,
        );
    }
    if let Some(f) = filter.from {
        push(&|p| format!("at >= {p}"), Arg::Int(f), &mut args);
    }
    if let Some(t) = filter.to {
        push(&|p| format!("at < {p}"), Arg::Int(t), &mut args);
    }
    if let Some(b) = filter.by_owner {
        push(&|p| format!("by_owner = {p}"), Arg::Bool(b), &mut args);
    }
    let mut sql = format!("SELECT {COLUMNS} FROM items");
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(" ORDER BY at, id");
    if let Some(l) = filter.limit {
        let _ = write!(sql, " LIMIT {l}");
    }
    (sql, args)
}

#[allow(clippy::too_many_arguments)]
pub fn row(
    id: i64,
    network: &str,
    kind: &str,
    author: String,
    by_owner: bool,
    counterparts: &str,
    thread: Option<String>,
    at: i64,
    text: String,
    source_file: String,
    source_position: String,
) -> StoredItem {
    StoredItem {
        id,
        network: network.parse().unwrap_or(Network::Other),
        kind: kind.parse().unwrap_or(ItemKind::Post),
        author,
        by_owner,
        counterparts: crate::schema::handles(counterparts),
        thread,
        at,
        text,
        source_file,
        source_position,
    }
}
