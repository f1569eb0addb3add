//! Text tables for the terminal: a table's format is written once and serves
//! its heading line and every row, so the headings and the columns under them
//! cannot drift apart.

/// Writes the heading line, then a line a row, each with `$format`: the
/// headings are its arguments for the first line, and `|row| [cells]` gives
/// them for each row of `$rows`. Returns early with `?` on a write error.
macro_rules! table {
    ($out:expr, $format:literal, [$($heading:expr),+ $(,)?], $rows:expr, |$row:pat_param| [$($cell:expr),+ $(,)?] $(,)?) => {{
        writeln!($out, $format, $($heading),+)?;
        for $row in $rows {
            writeln!($out, $format, $($cell),+)?;
        }
    }};
}

pub(crate) use table;
