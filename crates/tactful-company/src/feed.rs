//! Feeds: the posts a social-listening tool exports, as CSV (a header row)
//! or JSONL (one object a line), with the fields network, url, post_id,
//! author_handle, posted_at and text (docs/company.md). A [`Feed`] reads one
//! row at a time, so a file of millions of posts is never held in memory;
//! each row becomes a [`FeedPost`] or a [`Problem`] naming the line and field.

use std::io::{BufRead, BufReader, Read};

use crate::handle::{self, EXPECTED_NETWORK};
use crate::{Error, Problem};

/// How the feed is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    /// By the file's extension: `.csv`, or `.jsonl` / `.ndjson`.
    pub fn of(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }
}

/// One post from a feed, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPost {
    /// 1-based line in the feed file.
    pub line: u64,
    pub network: &'static str,
    /// What makes the post the same post next time (see `handle::post_key`).
    pub key: String,
    pub post_id: Option<String>,
    pub url: Option<String>,
    /// The author's handle, normalised.
    pub author: String,
    /// Unix seconds; `None` when the feed leaves it empty.
    pub posted_at: Option<i64>,
    pub text: String,
}

/// The fields a feed row has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Network,
    Url,
    PostId,
    Author,
    PostedAt,
    Text,
}

const FIELDS: [Field; 6] =
    [Field::Network, Field::Url, Field::PostId, Field::Author, Field::PostedAt, Field::Text];

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Network => "network",
            Field::Url => "url",
            Field::PostId => "post_id",
            Field::Author => "author_handle",
            Field::PostedAt => "posted_at",
            Field::Text => "text",
        }
    }

    fn of(column: &str) -> Option<Field> {
        let c = column.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        Some(match c.as_str() {
            "network" | "platform" => Field::Network,
            "url" | "link" | "permalink" => Field::Url,
            "post_id" | "id" => Field::PostId,
            "author_handle" | "author" | "handle" | "username" => Field::Author,
            "posted_at" | "time" | "created_at" | "published_at" => Field::PostedAt,
            "text" | "content" | "message" => Field::Text,
            _ => return None,
        })
    }
}

/// `2026-11-21T09:00:00.123Z` → Unix seconds (fractions dropped, offsets applied).
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let whole = match s.get(19..20) {
        Some(".") => {
            let frac = s[20..].bytes().take_while(u8::is_ascii_digit).count();
            format!("{}{}", &s[..19], &s[20 + frac..])
        }
        _ => s.to_string(),
    };
    tactful_app::clock::parse(&whole).ok()
}

/// Check one row's fields (each `None` when the row lacks it). Pure.
fn post(file: &str, line: u64, get: &[Option<&str>; 6]) -> Result<FeedPost, Problem> {
    let value = |f: Field| get[f as usize].map(str::trim).filter(|v| !v.is_empty());
    let bad = |f: Field, expected: &str, found: &str| Problem::new(file, line, f.name(), expected, found);
    let raw_network = value(Field::Network).unwrap_or("");
    let network =
        handle::network(raw_network).ok_or_else(|| bad(Field::Network, EXPECTED_NETWORK, raw_network))?;
    let raw_author = value(Field::Author).unwrap_or("");
    let author = handle::normalise(network, raw_author).map_err(|e| bad(Field::Author, &e, raw_author))?;
    let post_id = value(Field::PostId).map(str::to_string);
    let url = value(Field::Url).map(str::to_string);
    let key = match (&post_id, &url) {
        (None, None) => return Err(bad(Field::PostId, "a post id, or a url", "")),
        _ => handle::post_key(post_id.as_deref(), url.as_deref()).ok_or_else(|| {
            bad(Field::Url, "an http(s) URL (the post has no post_id)", url.as_deref().unwrap_or(""))
        })?,
    };
    let posted_at = match value(Field::PostedAt) {
        None => None,
        Some(t) => Some(
            parse_time(t)
                .ok_or_else(|| bad(Field::PostedAt, "an RFC 3339 time like 2026-11-21T09:00:00Z", t))?,
        ),
    };
    let Some(text) = get[Field::Text as usize] else {
        return Err(bad(Field::Text, "the post's text", ""));
    };
    Ok(FeedPost { line, network, key, post_id, url, author, posted_at, text: text.to_string() })
}

enum Rows<R: Read> {
    Csv { reader: csv::Reader<R>, columns: [Option<usize>; 6], record: csv::ByteRecord },
    Jsonl { reader: BufReader<R>, line: u64, buf: Vec<u8> },
}

/// A feed being read.
pub struct Feed<R: Read> {
    file: String,
    rows: Rows<R>,
}

impl<R: Read> Feed<R> {
    /// Start reading `file`. A CSV feed without the columns every post needs
    /// (network, author_handle, text, and post_id or url) is refused whole.
    pub fn open(file: &str, reader: R, format: Format) -> Result<Feed<R>, Error> {
        let rows = match format {
            Format::Jsonl => {
                Rows::Jsonl { reader: BufReader::with_capacity(1 << 16, reader), line: 0, buf: Vec::new() }
            }
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
                let headers = reader
                    .byte_headers()
                    .map_err(|e| Error::Read { file: file.to_string(), message: e.to_string() })?;
                let mut columns = [None; 6];
                for (i, h) in headers.iter().enumerate() {
                    if let Some(f) = Field::of(&String::from_utf8_lossy(h)) {
                        columns[f as usize].get_or_insert(i);
                    }
                }
                let missing: Vec<&str> = [Field::Network, Field::Author, Field::Text]
                    .into_iter()
                    .filter(|f| columns[*f as usize].is_none())
                    .map(Field::name)
                    .collect();
                if !missing.is_empty()
                    || (columns[Field::PostId as usize].is_none() && columns[Field::Url as usize].is_none())
                {
                    return Err(Error::Format {
                        file: file.to_string(),
                        message: format!(
                            "a feed needs the columns network, author_handle, text, and post_id or url (missing: {})",
                            if missing.is_empty() {
                                "post_id and url".to_string()
                            } else {
                                missing.join(", ")
                            }
                        ),
                    });
                }
                Rows::Csv { reader, columns, record: csv::ByteRecord::new() }
            }
        };
        Ok(Feed { file: file.to_string(), rows })
    }

    /// The next row: a post, or the problem that makes it skipped; `None` at the end.
    pub fn next_post(&mut self) -> Result<Option<Result<FeedPost, Problem>>, Error> {
        let file = self.file.as_str();
        let read_err =
            |e: &dyn std::fmt::Display| Error::Read { file: file.to_string(), message: e.to_string() };
        match &mut self.rows {
            Rows::Csv { reader, columns, record } => loop {
                match reader.read_byte_record(record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {
                        let line = record.position().map_or(0, csv::Position::line);
                        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                            continue;
                        }
                        let mut get: [Option<&str>; 6] = [None; 6];
                        for f in FIELDS {
                            if let Some(raw) = columns[f as usize].and_then(|i| record.get(i)) {
                                match std::str::from_utf8(raw) {
                                    Ok(s) => get[f as usize] = Some(s),
                                    Err(_) => {
                                        let found = String::from_utf8_lossy(raw);
                                        return Ok(Some(Err(Problem::new(
                                            file,
                                            line,
                                            f.name(),
                                            "UTF-8 text",
                                            &found,
                                        ))));
                                    }
                                }
                            }
                        }
                        return Ok(Some(post(file, line, &get)));
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, csv::Position::line);
                        if let csv::ErrorKind::Io(_) = e.kind() {
                            return Err(read_err(&e));
                        }
                        return Ok(Some(Err(Problem::new(file, line, "(row)", "a CSV row", &e.to_string()))));
                    }
                }
            },
            Rows::Jsonl { reader, line, buf } => loop {
                buf.clear();
                if reader.read_until(b'\n', buf).map_err(|e| read_err(&e))? == 0 {
                    return Ok(None);
                }
                *line += 1;
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let object: serde_json::Map<String, serde_json::Value> = match serde_json::from_slice(buf) {
                    Ok(o) => o,
                    Err(e) => {
                        let found = String::from_utf8_lossy(buf);
                        let expected = format!("a JSON object ({e})");
                        return Ok(Some(Err(Problem::new(file, *line, "(line)", expected, found.trim()))));
                    }
                };
                // Numbers (a post id often is one) are read as their text.
                let mut owned: [Option<String>; 6] = Default::default();
                for (k, v) in &object {
                    if let Some(f) = Field::of(k) {
                        let text = match v {
                            serde_json::Value::String(s) => Some(s.clone()),
                            serde_json::Value::Number(n) => Some(n.to_string()),
                            serde_json::Value::Null => None,
                            other => {
                                let expected = "text or a number";
                                return Ok(Some(Err(Problem::new(
                                    file,
                                    *line,
                                    f.name(),
                                    expected,
                                    &other.to_string(),
                                ))));
                            }
                        };
                        if owned[f as usize].is_none() {
                            owned[f as usize] = text;
                        }
                    }
                }
                let get: [Option<&str>; 6] = std::array::from_fn(|i| owned[i].as_deref());
                return Ok(Some(post(file, *line, &get)));
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(file: &str, data: &str, format: Format) -> Vec<Result<FeedPost, Problem>> {
        let mut feed = Feed::open(file, data.as_bytes(), format).unwrap();
        let mut out = Vec::new();
        while let Some(p) = feed.next_post().unwrap() {
            out.push(p);
        }
        out
    }

    #[test]
    fn csv_and_jsonl_give_the_same_post() {
        let csv = "network,url,post_id,author_handle,posted_at,text\n\
                   Instagram,https://instagram.com/p/C1/,C1,https://instagram.com/Ann_B/,2026-11-20T10:00:00.250+01:00,\"Hello, world\"\n";
        let jsonl = r#"{"network":"ig","url":"https://instagram.com/p/C1/","post_id":"C1","author_handle":"@ann_b","posted_at":"2026-11-20T09:00:00Z","text":"Hello, world"}"#;
        let a = all("f.csv", csv, Format::Csv).remove(0).unwrap();
        let mut b = all("f.jsonl", jsonl, Format::Jsonl).remove(0).unwrap();
        assert_eq!((a.line, b.line), (2, 1));
        b.line = 2;
        assert_eq!(a, b);
        assert_eq!(a.author, "ann_b");
        assert_eq!(a.posted_at, parse_time("2026-11-20T09:00:00Z"));
    }

    #[test]
    fn bad_rows_name_their_line_and_field() {
        let jsonl = "{\"network\":\"myspace\",\"post_id\":1,\"author_handle\":\"a\",\"text\":\"t\"}\n\
                     \n\
                     {\"network\":\"x\",\"author_handle\":\"a\",\"text\":\"t\"}\n\
                     {\"network\":\"x\",\"post_id\":7,\"author_handle\":\"a b\",\"text\":\"t\"}\n\
                     {\"network\":\"x\",\"post_id\":7,\"author_handle\":\"a\",\"posted_at\":\"yesterday\",\"text\":\"t\"}\n\
                     {\"network\":\"x\",\"post_id\":7,\"author_handle\":\"a\"}\n\
                     not json\n\
                     {\"network\":\"x\",\"url\":\"x.com/a/status/1\",\"author_handle\":\"a\",\"text\":\"t\"}\n\
                     {\"network\":\"x\",\"post_id\":8,\"author_handle\":\"a\",\"text\":\"fine\"}\n";
        let rows = all("feed.jsonl", jsonl, Format::Jsonl);
        let named: Vec<String> = rows
            .iter()
            .map(|r| match r {
                Ok(p) => format!("{}:ok", p.line),
                Err(p) => format!("{}:{}", p.line, p.field),
            })
            .collect();
        assert_eq!(
            named,
            [
                "1:network",
                "3:post_id",
                "4:author_handle",
                "5:posted_at",
                "6:text",
                "7:(line)",
                "8:url",
                "9:ok"
            ]
        );
        let Err(p) = &rows[3] else { panic!() };
        assert_eq!(
            p.to_string(),
            "feed.jsonl:5: posted_at: expected an RFC 3339 time like 2026-11-21T09:00:00Z, found `yesterday`"
        );
    }

    #[test]
    fn a_csv_without_the_needed_columns_is_refused_whole() {
        let e = Feed::open("f.csv", "network,author,text\n".as_bytes(), Format::Csv).err().unwrap();
        assert!(e.to_string().contains("missing: post_id and url"), "{e}");
        let e = Feed::open("f.csv", "url,text\n".as_bytes(), Format::Csv).err().unwrap();
        assert!(e.to_string().contains("missing: network, author_handle"), "{e}");
        assert_eq!(Format::of("a/b.JSONL"), Some(Format::Jsonl));
        assert_eq!(Format::of("b.xlsx"), None);
    }
}
