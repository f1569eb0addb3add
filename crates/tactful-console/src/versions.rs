//! The texts an admin edits in the console (the notice template, the pack
//! and its policy) kept as versions: each save adds a row to the text's own
//! table, nothing is overwritten, and the newest row is the one in force.
//! Each row is `id, company_id, <the text's columns>, saved_at, saved_by`.

use tactful_company::Actor;
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::Error;

/// Where one kind of text is kept: its table and its text columns.
pub(crate) struct Versions {
    pub table: &'static str,
    pub texts: &'static [&'static str],
}

impl Versions {
    /// Every saved version, the newest first, each read by `read` from
    /// `id, <texts>, saved_at, saved_by`.
    pub fn history<T>(
        &self,
        db: &mut dyn Db,
        company: i64,
        read: fn(&mut [Cell]) -> T,
    ) -> Result<Vec<T>, Error> {
        self.newest(db, company, "", read)
    }

    /// The version in force, if one was saved.
    pub fn current<T>(
        &self,
        db: &mut dyn Db,
        company: i64,
        read: fn(&mut [Cell]) -> T,
    ) -> Result<Option<T>, Error> {
        Ok(self.newest(db, company, " LIMIT 1", read)?.pop())
    }

    /// The company's versions, the newest first, `limit` (SQL) of them.
    fn newest<T>(
        &self,
        db: &mut dyn Db,
        company: i64,
        limit: &str,
        read: fn(&mut [Cell]) -> T,
    ) -> Result<Vec<T>, Error> {
        let sql = format!(
            "SELECT id, {}, saved_at, saved_by FROM {} WHERE company_id = ?1 ORDER BY id DESC{limit}",
            self.texts.join(", "),
            self.table
        );
        let mut rows = db.rows(&sql, &[Arg::Int(company)])?;
        Ok(rows.iter_mut().map(|r| read(r)).collect())
    }

    /// Keep `texts` (in the order of the columns) as the newest version,
    /// saved by `actor` now: its id. Auditing the save is the caller's.
    pub fn keep(&self, db: &mut dyn Db, actor: &Actor, texts: &[&str]) -> Result<i64, Error> {
        let n = self.texts.len();
        let places: Vec<String> = (1..=n + 3).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} (company_id, {}, saved_at, saved_by) VALUES ({}) RETURNING id",
            self.table,
            self.texts.join(", "),
            places.join(", ")
        );
        let mut args = vec![Arg::Int(actor.company)];
        args.extend(texts.iter().map(|t| Arg::Text((*t).to_string())));
        args.extend([Arg::Int(actor.at), Arg::Text(actor.who.clone())]);
        Ok(db.rows(&sql, &args)?[0][0].int())
    }
}
