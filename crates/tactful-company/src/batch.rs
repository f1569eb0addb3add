//! Multi-row INSERTs: one statement carries many rows, within both backends'
//! limits on parameters, so a bulk write costs a round trip per batch instead
//! of per row.

use std::fmt::Write as _;

use tactful_store::people::{Cell, Db};
use tactful_store::{Arg, StoreError};

/// Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

/// `(?1, ?2, ?3), (?4, ?5, ?6)` for `rows` rows of `width` values.
fn values(rows: usize, width: usize) -> String {
    let mut s = String::with_capacity(rows * width * 6);
    for r in 0..rows {
        s.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            let _ = write!(s, "{}?{}", if c == 0 { "" } else { ", " }, r * width + c + 1);
        }
        s.push(')');
    }
    s
}

/// Rows per statement for rows of `width` values, at most `rows_per_statement`.
fn chunk_rows(width: usize, rows_per_statement: usize) -> usize {
    (MAX_PARAMS / width).clamp(1, rows_per_statement.max(1))
}

/// Insert the rows in `args` (`width` values each, row after row):
/// `{head} VALUES (…), (…) {tail}`, at most `rows_per_statement` rows a statement.
pub(crate) fn insert(
    db: &mut dyn Db,
    head: &str,
    width: usize,
    args: &[Arg],
    tail: &str,
    rows_per_statement: usize,
) -> Result<u64, StoreError> {
    let mut n = 0;
    for chunk in args.chunks(width * chunk_rows(width, rows_per_statement)) {
        let sql = format!("{head} VALUES {} {tail}", values(chunk.len() / width, width));
        n += db.exec(&sql, chunk)?;
    }
    Ok(n)
}

/// As [`insert`], with a `RETURNING …` tail whose rows `visit` sees.
pub(crate) fn insert_returning(
    db: &mut dyn Db,
    head: &str,
    width: usize,
    args: &[Arg],
    returning: &str,
    rows_per_statement: usize,
    visit: &mut dyn FnMut(&mut [Cell]),
) -> Result<(), StoreError> {
    for chunk in args.chunks(width * chunk_rows(width, rows_per_statement)) {
        let sql = format!("{head} VALUES {} {returning}", values(chunk.len() / width, width));
        db.each(&sql, chunk, visit)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_row_after_row() {
        assert_eq!(values(2, 3), "(?1, ?2, ?3), (?4, ?5, ?6)");
        assert_eq!(values(1, 1), "(?1)");
        assert_eq!(chunk_rows(10, 1000), 1000);
        assert_eq!(chunk_rows(100, 1000), 300);
        assert_eq!(chunk_rows(10, 0), 1);
    }
}
