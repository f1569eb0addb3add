//! Small helpers every format needs: mojibake repair, BOM stripping, JSON
//! reading with positions in errors (and lists that come as one object),
//! readers that bound a line or a record and mend line ends, and timestamps.

use std::cell::Cell;
use std::io::{BufRead, Read};
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use tactful_core::history::{Item, ItemKind, Network, Person, SourceRef};

use crate::ImportError;

/// Facebook and Instagram write each UTF-8 byte of non-ASCII text as its own
/// `\u00XX` escape, so "é" arrives as "Ã©". When every character of a string
/// is at most U+00FF and the bytes form valid UTF-8, decode them; otherwise
/// keep the text as it is (it was not mojibake).
pub fn fix_mojibake(s: &str) -> String {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xFF) {
        return s.to_string();
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_string())
}

/// Drop a UTF-8 byte-order mark.
pub fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// Read a whole entry as UTF-8 text (BOM removed), naming the file and the
/// byte of the first invalid sequence.
pub fn read_text(mut r: impl Read, file: &str) -> Result<String, ImportError> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes)
        .map_err(|e| ImportError::Io { path: file.to_string(), message: format!("cannot read: {e}") })?;
    // UTF-16 with a BOM (LinkedIn's 2018 Shares.csv).
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        return String::from_utf16(&units).map_err(|_| {
            ImportError::format(
                file,
                "start",
                "UTF-16 text (it has a UTF-16 byte-order mark)",
                "invalid UTF-16",
            )
        });
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(strip_bom(&s).to_string()),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(ImportError::format(
                file,
                format!("line {line} (byte {at})"),
                "UTF-8 text",
                "bytes that are not UTF-8",
            ))
        }
    }
}

/// Parse JSON text, naming the line and column of a syntax error.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    expected: &str,
) -> Result<T, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        let found =
            if e.is_eof() { "the end of the file (is it truncated?)".to_string() } else { e.to_string() };
        ImportError::format(file, format!("line {} column {}", e.line(), e.column()), expected, found)
    })
}

/// A list that may come as a single object, read as a list of one (a real
/// Instagram `posts_1.json` held one post, not a list of one post); `null`
/// is an empty list. For `#[serde(deserialize_with = "…")]`.
pub fn one_or_many<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct Many<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Many<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list, or a single object")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(x) = seq.next_element()? {
                out.push(x);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|x| vec![x])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(Many(PhantomData))
}

/// A whole file that is a list, or a single object standing for a list of one.
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_or_many(d).map(OneOrMany)
    }
}

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line, in the buffer (with its `\n`, if it had one).
    Read,
    /// The end of the file.
    End,
    /// A line longer than the limit: the file is not what it says it is.
    TooLong,
}

/// Read one line into `buf` (cleared first), but never more than `limit`
/// bytes of it: a line without end must not grow memory until the process is
/// killed.
pub fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>, limit: u64) -> std::io::Result<Line> {
    buf.clear();
    let n = r.take(limit + 1).read_until(b'\n', buf)?;
    Ok(if n == 0 {
        Line::End
    } else if n as u64 > limit && buf.last() != Some(&b'\n') {
        Line::TooLong
    } else {
        Line::Read
    })
}

/// The error [`Bounded`] gives, so the caller can name the line.
#[derive(Debug, thiserror::Error)]
#[error("a record longer than the limit")]
pub struct TooLong;

/// Is this I/O error [`Bounded`]'s?
pub fn is_too_long(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(<dyn std::error::Error + Send + Sync>::is::<TooLong>)
}

/// A CSV reader's error, placed in `file`: `offset` counts the lines before
/// the CSV text began (a preamble), `next_line` is the line the reader was at,
/// for errors that carry no position.
pub(crate) fn csv_error(file: &str, offset: u64, next_line: u64, e: &csv::Error) -> ImportError {
    let line = |p: Option<&csv::Position>| {
        p.map_or_else(|| "unknown line".to_string(), |p| format!("line {}", offset + p.line()))
    };
    match e.kind() {
        csv::ErrorKind::Io(io) if is_too_long(io) => csv_too_long(file, next_line),
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => ImportError::format(
            file,
            line(pos.as_ref()),
            format!("{expected_len} fields, like the header"),
            format!("{len} fields (a ragged row, or a quote that is not closed)"),
        ),
        csv::ErrorKind::Utf8 { pos, err } => ImportError::format(
            file,
            format!("{} field {}", line(pos.as_ref()), err.field() + 1),
            "UTF-8 text",
            "bytes that are not UTF-8",
        ),
        csv::ErrorKind::Io(io) => {
            ImportError::Io { path: file.to_string(), message: format!("cannot read: {io}") }
        }
        _ => ImportError::format(file, line(e.position()), "CSV", e.to_string()),
    }
}

/// A record longer than [`crate::caps::MAX_LINE`], at `line`.
pub(crate) fn csv_too_long(file: &str, line: u64) -> ImportError {
    ImportError::format(
        file,
        format!("line {line}"),
        format!("a CSV record of at most {} bytes", crate::caps::MAX_LINE),
        "a longer one (a line without end, or a quote that is never closed)",
    )
}

/// A reader that fails with [`TooLong`] once more than `limit` bytes were read
/// since the last [`Bounded::reset`]: the CSV readers reset it after each
/// record, so one endless record (a line without end, or a quote never
/// closed) is an error and not all the memory there is.
pub struct Bounded<R> {
    inner: R,
    since: Rc<Cell<u64>>,
    limit: u64,
}

impl<R: Read> Bounded<R> {
    /// The reader, and the handle that resets its count.
    pub fn new(inner: R, limit: u64) -> (Bounded<R>, BoundReset) {
        let since = Rc::new(Cell::new(0));
        (Bounded { inner, since: since.clone(), limit }, BoundReset(since))
    }
}

/// Starts [`Bounded`]'s count again (at the start of a record).
pub struct BoundReset(Rc<Cell<u64>>);

impl BoundReset {
    pub fn reset(&self) {
        self.0.set(0);
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.since.get() > self.limit {
            return Err(std::io::Error::other(TooLong));
        }
        let n = self.inner.read(buf)?;
        self.since.set(self.since.get() + n as u64);
        Ok(n)
    }
}

/// Every line end (`\r\n`, `\n`, or a lone `\r` as old Mac software
/// writes) made `\n`, so a CSV reader sees lines where the file has them and
/// counts them right.
pub struct LineEnds<R> {
    inner: R,
    after_cr: bool,
}

impl<R> LineEnds<R> {
    pub fn new(inner: R) -> LineEnds<R> {
        LineEnds { inner, after_cr: false }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut w = 0;
            for i in 0..n {
                let b = buf[i];
                if b == b'\n' && self.after_cr {
                    // The `\n` of a `\r\n`: the `\r` already gave the line end.
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                buf[w] = if self.after_cr { b'\n' } else { b };
                w += 1;
            }
            // A read that was only the `\n` of a `\r\n` gives nothing: read on
            // (returning 0 would say the file ended).
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

/// Seconds since the epoch from a number that may be seconds or milliseconds.
pub fn epoch_seconds(n: i64) -> i64 {
    // Anything past the year 5138 in seconds is really milliseconds.
    if n.abs() > 100_000_000_000 { n / 1000 } else { n }
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    tactful_core::calendar::days_from_civil(y, m, d)
}

/// Unix seconds of a UTC civil date and time.
pub fn unix(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    days_from_civil(y, mo, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

/// Month number from an English month name or abbreviation.
pub fn month(name: &str) -> Option<u32> {
    const M: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let n = name.get(..3)?.to_ascii_lowercase();
    M.iter().position(|m| *m == n).map(|i| i as u32 + 1)
}

/// ISO-8601 date-time (`2021-06-15T16:37:00.000Z`, `2021-06-15 16:37:00 UTC`,
/// `2013-02-01 04:12:21 +0000`) to Unix seconds. Offsets are applied.
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, mo, d) = (i64::from(num(0..4)?), num(5..7)?, num(8..10)?);
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    let mut rest = "";
    if b.len() >= 16 {
        h = num(11..13)?;
        mi = num(14..16)?;
        rest = &s[16..];
        if let Some(r) = rest.strip_prefix(':') {
            sec = r.get(..2)?.parse().ok()?;
            rest = &r[2..];
        }
        // Fractions of a second.
        if let Some(r) = rest.strip_prefix('.') {
            rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    let mut t = unix(y, mo, d, h, mi, sec);
    let rest = rest.trim();
    if let Some(off) =
        rest.strip_prefix('+').map(|o| (1, o)).or_else(|| rest.strip_prefix('-').map(|o| (-1, o)))
    {
        let digits: String = off.1.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 4 {
            let hh: i64 = digits[..2].parse().ok()?;
            let mm: i64 = digits[2..].parse().ok()?;
            t -= off.0 * (hh * 3600 + mm * 60);
        }
    }
    Some(t)
}

/// The owner `--owner` names, and where that was said.
pub(crate) fn given_owner(opts: &crate::Options) -> Option<(Person, SourceRef)> {
    let source = || SourceRef { file: "(options)".into(), position: "owner".into() };
    opts.owner.clone().map(|p| (p, source()))
}

/// The author of the owner's items in an export that never names its owner.
pub(crate) fn unnamed_owner() -> Person {
    Person {
        handle: "owner".into(),
        name: Some("the account owner (not named in the export)".into()),
        ..Person::default()
    }
}

/// Something the owner did (a post, a comment, a like) with no id, thread
/// or parent: an importer that has them sets them on the result.
pub(crate) fn by_owner_item(
    network: Network,
    kind: ItemKind,
    author: Person,
    counterparts: Vec<Person>,
    at: i64,
    text: String,
    source: SourceRef,
) -> Item {
    Item {
        network,
        kind,
        external_id: None,
        author,
        by_owner: true,
        counterparts,
        thread: None,
        parent: None,
        at,
        text,
        source,
    }
}

/// A connection with `other` (a follow, a friend, a contact): they are both
/// its author and its counterpart, and `by_owner` says which way it goes (the
/// owner followed or added them).
pub(crate) fn connection(
    network: Network,
    other: Person,
    by_owner: bool,
    external_id: Option<String>,
    at: i64,
    text: String,
    source: SourceRef,
) -> Item {
    let kind = ItemKind::Connection;
    Item {
        by_owner,
        external_id,
        ..by_owner_item(network, kind, other.clone(), vec![other], at, text, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_facebook_mojibake_and_leaves_real_text_alone() {
        assert_eq!(fix_mojibake("t\u{00c3}\u{00a6}nkt"), "tænkt");
        assert_eq!(fix_mojibake("\u{00f0}\u{009f}\u{0091}\u{008f}"), "👏");
        assert_eq!(fix_mojibake("café"), "café", "a real é is not valid UTF-8 on its own, so it stays");
        assert_eq!(fix_mojibake("plain"), "plain");
    }

    #[test]
    fn parses_the_date_formats_of_the_exports() {
        assert_eq!(parse_iso("1970-01-02T00:00:00.000Z"), Some(86_400));
        assert_eq!(parse_iso("2021-06-15 16:37:00 UTC"), Some(unix(2021, 6, 15, 16, 37, 0)));
        assert_eq!(parse_iso("2013-02-01 04:12:21 +0100"), Some(unix(2013, 2, 1, 3, 12, 21)));
        assert_eq!(epoch_seconds(1_600_000_000_000), 1_600_000_000);
        assert_eq!(month("Sep"), Some(9));
    }

    #[test]
    fn mends_every_kind_of_line_end() {
        let mut out = String::new();
        // One byte at a time, so a `\r\n` is split between two reads.
        LineEnds::new(OneByte(b"a\r\nb\rc\nd\r")).read_to_string(&mut out).unwrap();
        assert_eq!(out, "a\nb\nc\nd\n");
    }

    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else { return Ok(0) };
            buf[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn a_line_longer_than_the_limit_is_not_read_to_its_end() {
        let mut r = std::io::Cursor::new(b"short\nmuch too long\n".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, &mut buf, 8).unwrap(), Line::Read);
        assert_eq!(buf, b"short\n");
        assert_eq!(read_line(&mut r, &mut buf, 8).unwrap(), Line::TooLong);
        assert_eq!(buf.len(), 9);
    }

    #[test]
    fn a_single_object_is_a_list_of_one() {
        let one: OneOrMany<serde_json::Value> = serde_json::from_str(r#"{"a": 1}"#).unwrap();
        assert_eq!(one.0.len(), 1);
        let many: OneOrMany<serde_json::Value> = serde_json::from_str("[1, 2]").unwrap();
        assert_eq!(many.0.len(), 2);
        assert!(serde_json::from_str::<OneOrMany<serde_json::Value>>("\"x\"").is_err());
    }

    #[test]
    fn names_the_line_of_a_truncated_json_file() {
        let e = parse_json::<serde_json::Value>("{\n  \"a\": [1,\n", "x.json", "a JSON object")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.json:line 3 column 0: expected a JSON object, found the end of the file"),
            "{e}"
        );
    }
}
