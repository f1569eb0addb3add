//! Generic CSV and JSONL: for anything the platform importers do not read,
//! for example the comments on your posts exported by a social listening tool.
//!
//! # Columns
//!
//! A CSV file has a header row naming its columns, in any order; a JSONL file
//! has one JSON object per line with the same names as keys. Column names are
//! matched without regard to case; unknown columns are ignored.
//!
//! | column        | required | meaning |
//! |---------------|----------|---------|
//! | `kind`        | yes      | `post`, `comment`, `message`, `reaction`, `share` or `connection` (also accepted: `tweet`, `reply`, `dm`, `like`, `repost`, `retweet`, `follow`, `friend`, `follower`, `following`) |
//! | `text`        | yes      | what was written; may be empty for a reaction or a connection |
//! | `at`          | yes      | when: ISO-8601 (`2024-05-01T09:30:00Z`, `2024-05-01 09:30:00 +0200`, `2024-05-01`; no zone means UTC) or Unix seconds (`1714555800`) |
//! | `author`      | yes      | who wrote or did it: a handle, profile URL or name. For a connection: the other person |
//! | `network`     | no       | `facebook`, `instagram`, `x`, `linkedin` or `other`; empty or absent: the `--network` option, else `other` |
//! | `id`          | no       | the platform's id for the item. Give it when you have it: it is what makes a second import of the same file add nothing, even after edits to the other columns |
//! | `by_owner`    | no       | `true` or `false` (also `1`/`0`, `yes`/`no`): the account owner did it. Empty or absent: true when `author` is the `--owner` handle |
//! | `to`          | no       | the other people involved (recipients of a message, the author of the post commented on), handles separated by `;` (in JSONL also an array of strings) |
//! | `thread`      | no       | the conversation or post this belongs to |
//! | `parent`      | no       | the id of the item this replies or reacts to |
//! | `author_name` | no       | the author's display name |
//! | `author_url`  | no       | the author's profile URL |
//!
//! In JSONL, `at` may be a number, `by_owner` a boolean and `id` a number.
//!
//! # Errors
//!
//! A file that does not follow this layout is an error naming the file, the
//! line and the column: a missing required column in the header, a row with
//! more or fewer fields than the header, an unknown `kind` or `network`, an
//! `at` that is not a date, a `by_owner` that is not true or false, a JSONL
//! line that is not a JSON object, a line (or CSV record) longer than
//! [`caps::MAX_LINE`]. Given alone, the file stops the import; in a folder of
//! several, it is skipped whole and named (see [`crate::files`]). A post,
//! comment or message with empty text is skipped and listed in the summary.
//!
//! A UTF-8 byte-order mark before the first line is ignored; CSV line ends may
//! be `\r\n`, `\n` or a lone `\r`.
//!
//! # Example
//!
//! ```csv
//! kind,network,id,at,author,author_name,by_owner,to,thread,parent,text
//! comment,instagram,c-981,2024-05-01T09:30:00Z,@ann.b,Ann B,false,@me,p-17,p-17,Where can I order this?
//! comment,instagram,c-982,2024-05-01T10:02:00Z,@me,,true,@ann.b,p-17,c-981,Sent you a message!
//! ```
//!
//! The owner: `--owner` names them; otherwise the author of the first row
//! with `by_owner` true, per network, is recorded as the owner.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;
use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};

use crate::files::Export;
use crate::files::Out;
use crate::util::{Bounded, LineEnds};
use crate::{Emit, ExportSource, Format, ImportError, Options, Skip, Skipped, caps, util};

const REQUIRED: [&str; 4] = ["kind", "text", "at", "author"];

/// Import every `.csv` (for [`Format::Csv`]) or `.jsonl`/`.ndjson` (for
/// [`Format::Jsonl`]) file of the source. A single file given directly is
/// read whatever its extension.
pub fn import(
    format: Format,
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    let entries: Vec<String> = src.entries().to_vec();
    let wanted: Vec<String> = if entries.len() == 1 {
        entries.clone()
    } else {
        entries
            .iter()
            .filter(|e| {
                let ext = Path::new(e.as_str())
                    .extension()
                    .map(|x| x.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                match format {
                    Format::Jsonl => ext == "jsonl" || ext == "ndjson",
                    _ => ext == "csv",
                }
            })
            .cloned()
            .collect()
    };
    if wanted.is_empty() {
        let what = if format == Format::Jsonl { ".jsonl or .ndjson" } else { ".csv" };
        return Err(ImportError::Unknown {
            path: src.name().to_string(),
            expected: format!("at least one {what} file"),
        });
    }
    let mut run = Run { opts, owners: HashSet::new() };
    Export::new(src, opts, wanted.len()).run(emit, |ex, out| {
        for entry in &wanted {
            // The owner a skipped file named is forgotten with the file.
            let owners = run.owners.clone();
            let read = ex.guard.read(entry, out, |out| {
                let reader = ex.src.open(entry)?;
                match format {
                    Format::Jsonl => run.jsonl(entry, reader, out),
                    _ => run.csv(entry, reader, out),
                }
            })?;
            if read.is_none() {
                run.owners = owners;
            }
        }
        Ok(())
    })
}

/// One row, as text fields, before checking.
#[derive(Default)]
struct Fields {
    kind: String,
    text: String,
    at: String,
    author: String,
    network: String,
    id: String,
    by_owner: String,
    to: Vec<String>,
    thread: String,
    parent: String,
    author_name: String,
    author_url: String,
}

struct Run<'a> {
    opts: &'a Options,
    /// Networks whose owner has been recorded.
    owners: HashSet<Network>,
}

fn at_line(line: u64, column: &str) -> String {
    format!("line {line} column `{column}`")
}

fn parse_at(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-')) {
        return s.parse().ok().map(util::epoch_seconds);
    }
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let date_ok =
        num(5..7).is_some_and(|m| (1..=12).contains(&m)) && num(8..10).is_some_and(|d| (1..=31).contains(&d));
    let time_ok = b.len() == 10
        || (b[10] == b'T' || b[10] == b' ')
            && num(11..13).is_some_and(|h| h < 24)
            && num(14..16).is_some_and(|m| m < 60);
    if date_ok && time_ok { util::parse_iso(s) } else { None }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" => Some(true),
        "false" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

impl Run<'_> {
    fn csv(&mut self, file: &str, reader: Box<dyn Read + '_>, out: &mut Out) -> Result<(), ImportError> {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let head = reader.fill_buf().map_err(|e| util::csv_error(file, 0, 1, &csv::Error::from(e)))?;
        // A BOM before a quoted first column would make it part of the name.
        if head.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
        }
        // Every line end is `\n` by now (`LineEnds`): with CRLF as terminator
        // the csv crate reports each record one line early. Each record is
        // bounded: one without end is an error, not all the memory there is.
        let (reader, bound) = Bounded::new(LineEnds::new(reader), caps::MAX_LINE);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(reader);
        let header = rdr.headers().map_err(|e| util::csv_error(file, 0, 1, &e))?.clone();
        // The first header cell may carry a UTF-8 BOM.
        let names: Vec<String> =
            header.iter().map(|h| util::strip_bom(h.trim()).trim().to_ascii_lowercase()).collect();
        let col = |name: &str| names.iter().position(|n| n == name);
        for name in REQUIRED {
            if col(name).is_none() {
                return Err(ImportError::format(
                    file,
                    "line 1 (header)",
                    format!("a `{name}` column (the required columns are kind, text, at, author)"),
                    format!("the columns {}", names.join(", ")),
                ));
            }
        }
        let c = |n: &str| col(n);
        let (kind, text, at, author) = (c("kind"), c("text"), c("at"), c("author"));
        let (network, id, by_owner, to, thread, parent, author_name, author_url) = (
            c("network"),
            c("id"),
            c("by_owner"),
            c("to"),
            c("thread"),
            c("parent"),
            c("author_name"),
            c("author_url"),
        );
        let mut record = csv::StringRecord::new();
        loop {
            bound.reset();
            // Where the next record starts, for an error that carries no position.
            let next_line = rdr.position().line();
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(util::csv_error(file, 0, next_line, &e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            let last = record.len().saturating_sub(1);
            let get = |i: Option<usize>| {
                let v = i.and_then(|i| record.get(i)).unwrap_or("");
                let v = if i == Some(last) { v.strip_suffix('\r').unwrap_or(v) } else { v };
                v.replace("\r\n", "\n")
            };
            let fields = Fields {
                kind: get(kind),
                text: get(text),
                at: get(at),
                author: get(author),
                network: get(network),
                id: get(id),
                by_owner: get(by_owner),
                to: get(to).split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
                thread: get(thread),
                parent: get(parent),
                author_name: get(author_name),
                author_url: get(author_url),
            };
            self.row(file, line, fields, out)?;
        }
        Ok(())
    }

    fn jsonl(&mut self, file: &str, reader: Box<dyn Read + '_>, out: &mut Out) -> Result<(), ImportError> {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut buf = Vec::new();
        let mut line = 0u64;
        loop {
            let read = util::read_line(&mut reader, &mut buf, caps::MAX_LINE).map_err(|e| {
                ImportError::Io { path: file.to_string(), message: format!("cannot read: {e}") }
            })?;
            line += 1;
            match read {
                util::Line::End => break,
                util::Line::TooLong => {
                    return Err(ImportError::format(
                        file,
                        format!("line {line}"),
                        format!("a line of at most {} bytes", caps::MAX_LINE),
                        "a longer one (is this one JSON object a line?)",
                    ));
                }
                util::Line::Read => {}
            }
            let Ok(text) = std::str::from_utf8(&buf) else {
                return Err(ImportError::format(
                    file,
                    format!("line {line}"),
                    "UTF-8 text",
                    "bytes that are not UTF-8",
                ));
            };
            let text = if line == 1 { util::strip_bom(text) } else { text };
            if text.trim().is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(text).map_err(|e| {
                let found = if e.is_eof() {
                    "the end of the line (is the object cut short?)".to_string()
                } else {
                    e.to_string()
                };
                ImportError::format(
                    file,
                    format!("line {line} column {}", e.column()),
                    "a JSON object on each line",
                    found,
                )
            })?;
            let Value::Object(obj) = value else {
                return Err(ImportError::format(
                    file,
                    format!("line {line}"),
                    "a JSON object on each line",
                    "another JSON value",
                ));
            };
            let lower: serde_json::Map<String, Value> =
                obj.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
            for name in REQUIRED {
                if !lower.contains_key(name) {
                    return Err(ImportError::format(
                        file,
                        at_line(line, name),
                        format!("a `{name}` key (the required keys are kind, text, at, author)"),
                        "none",
                    ));
                }
            }
            let get = |k: &str| -> Result<String, ImportError> {
                match lower.get(k) {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(Value::Number(n)) => Ok(n.to_string()),
                    Some(Value::Bool(b)) => Ok(b.to_string()),
                    Some(_) => {
                        Err(ImportError::format(file, at_line(line, k), "a string", "an array or object"))
                    }
                }
            };
            let to = match lower.get("to") {
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| {
                        v.as_str().map(|s| s.trim().to_string()).ok_or_else(|| {
                            ImportError::format(
                                file,
                                at_line(line, "to"),
                                "an array of strings",
                                v.to_string(),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                _ => get("to")?.split(';').map(|s| s.trim().to_string()).collect(),
            };
            let fields = Fields {
                kind: get("kind")?,
                text: get("text")?,
                at: get("at")?,
                author: get("author")?,
                network: get("network")?,
                id: get("id")?,
                by_owner: get("by_owner")?,
                to: to.into_iter().filter(|s| !s.is_empty()).collect(),
                thread: get("thread")?,
                parent: get("parent")?,
                author_name: get("author_name")?,
                author_url: get("author_url")?,
            };
            self.row(file, line, fields, out)?;
        }
        Ok(())
    }

    /// Check one row and send it on.
    fn row(&mut self, file: &str, line: u64, f: Fields, out: &mut Out) -> Result<(), ImportError> {
        let bad = |column: &str, expected: &str, found: &str| {
            ImportError::format(file, at_line(line, column), expected, format!("`{found}`"))
        };
        let kind: ItemKind = f.kind.parse().map_err(|_| {
            bad("kind", "one of post, comment, message, reaction, share, connection", &f.kind)
        })?;
        let network = if f.network.trim().is_empty() {
            self.opts.network.unwrap_or(Network::Other)
        } else {
            f.network
                .parse()
                .map_err(|_| bad("network", "one of facebook, instagram, x, linkedin, other", &f.network))?
        };
        let at = parse_at(&f.at).ok_or_else(|| bad("at", "an ISO-8601 date-time or Unix seconds", &f.at))?;
        let author_handle = f.author.trim();
        if author_handle.is_empty() {
            return Err(bad("author", "the author's handle, URL or name", ""));
        }
        let owner_handle = self.opts.owner.as_ref().map(|o| o.handle.trim().to_string());
        let by_owner = if f.by_owner.trim().is_empty() {
            owner_handle.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(author_handle))
        } else {
            parse_bool(&f.by_owner).ok_or_else(|| bad("by_owner", "true or false", &f.by_owner))?
        };
        let position = format!("line {line}");
        if f.text.trim().is_empty() && matches!(kind, ItemKind::Post | ItemKind::Comment | ItemKind::Message)
        {
            out.skip(Skip::record(file, position, format!("a {kind} without text")));
            return Ok(());
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let author = Person {
            handle: author_handle.to_string(),
            name: opt(&f.author_name),
            profile_url: opt(&f.author_url),
            email: None,
        };
        // The owner, once per network: the option, else the first author of a row they did.
        if !self.owners.contains(&network) {
            let found = match &self.opts.owner {
                Some(o) => {
                    Some((o.clone(), SourceRef { file: "(options)".into(), position: "owner".into() }))
                }
                None if by_owner => {
                    Some((author.clone(), SourceRef { file: file.to_string(), position: position.clone() }))
                }
                None => None,
            };
            if let Some((person, source)) = found {
                self.owners.insert(network);
                out.emit(Record::Owner { network, person, source })?;
            }
        }
        out.emit(Record::Item(Item {
            network,
            kind,
            external_id: opt(&f.id),
            author,
            by_owner,
            counterparts: f.to.into_iter().map(Person::named).collect(),
            thread: opt(&f.thread),
            parent: opt(&f.parent),
            at,
            text: f.text,
            source: SourceRef { file: file.to_string(), position },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_dates_and_unix_seconds_and_refuses_the_rest() {
        assert_eq!(parse_at("1714555800"), Some(1_714_555_800));
        assert_eq!(parse_at("1714555800000"), Some(1_714_555_800));
        assert_eq!(parse_at("2024-05-01T09:30:00Z"), Some(util::unix(2024, 5, 1, 9, 30, 0)));
        assert_eq!(parse_at("2024-05-01 09:30:00 +0200"), Some(util::unix(2024, 5, 1, 7, 30, 0)));
        assert_eq!(parse_at("2024-05-01"), Some(util::unix(2024, 5, 1, 0, 0, 0)));
        assert_eq!(parse_at("2024-13-01"), None);
        assert_eq!(parse_at("yesterday"), None);
        assert_eq!(parse_at(""), None);
        assert_eq!(parse_at("2024-05-01 25:00"), None);
    }
}
