//! LinkedIn data exports: a zip or folder of CSV files.
//!
//! What is read (file names matched case-insensitively, in any folder):
//! - `Profile.csv` (`First Name`, `Last Name`): who the owner is. Without it,
//!   the owner is the most frequent sender of `OUTGOING` rows in the 2018
//!   `Messages.csv`, or the person in the most conversations of the current
//!   `messages.csv`, or the sender of outgoing invitations. `Options::owner`
//!   overrides.
//! - `Connections.csv`: connections (the 2021+ `Notes:` preamble before the
//!   header is skipped; `URL` is used when present). The export does not say
//!   who invited whom, so `by_owner` is false; the text is "Position at
//!   Company".
//! - `messages.csv` (`CONVERSATION ID, …, FROM, SENDER PROFILE URL, TO,
//!   [RECIPIENT PROFILE URLS,] DATE, SUBJECT, CONTENT, FOLDER`) and the 2018
//!   `Messages.csv` (`From, To, Date, Subject, Content, Direction, Folder`,
//!   HTML entities decoded; the thread is the other person's name, as the file
//!   has no conversation id). Rows without content are skipped.
//! - `Shares.csv`: the owner's posts (`ShareCommentary`; multi-line posts have
//!   each line wrapped in quotes, which are removed) or, without commentary,
//!   shares of a link or of another post. The 2018 file is UTF-16 and
//!   tab-separated.
//! - `Comments.csv` (`Date, Link, Message`, with `\"` escapes): the owner's
//!   comments on the post at `Link`.
//! - `Invitations.csv` (`From, To, Sent At, Message, Direction`): connection
//!   requests, sent (`by_owner`) or received, with their note.
//! - `Reactions.csv` (`Date, Type, Link`): the owner's reactions.
//!
//! Dates come as `17 Jun 2021`, `1/8/18, 6:14 PM`, `2021-06-15 16:37:00 UTC`,
//! `2017/06/08 08:15:44 UTC` or `2021-06-16 15:00:02`; times without a zone
//! are read as UTC. A row whose date cannot be read is skipped with a reason.
//! A file that is not CSV as expected (ragged rows, bad encoding, a missing
//! column, a record longer than [`caps::MAX_LINE`]) is an error naming the
//! file and line; the file is then skipped whole (see [`crate::files`]). Line
//! ends may be `\r\n`, `\n` or a lone `\r`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Cursor, Read};

use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};

use crate::files::{Export, Out};
use crate::util::{BoundReset, Bounded, LineEnds};
use crate::{Emit, ExportSource, ImportError, Options, Skip, Skipped, caps, util};

const NET: Network = Network::LinkedIn;

/// The files this importer reads (the first only for who the owner is).
const READ: [&str; 7] = [
    "profile.csv",
    "connections.csv",
    "messages.csv",
    "shares.csv",
    "comments.csv",
    "invitations.csv",
    "reactions.csv",
];

/// Import a LinkedIn data export.
pub fn import(
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    let entries: Vec<String> = src.entries().to_vec();
    let count = entries.iter().filter(|e| READ.contains(&base(e).to_ascii_lowercase().as_str())).count();
    Export::new(src, opts, count).run(emit, |ex, out| {
        let owner = find_owner(ex, &entries, out)?;
        if let (Some(person), Some(source)) = (&owner.person, &owner.source) {
            out.owner(NET, person, source)?;
        }
        for entry in &entries {
            let name = base(entry).to_ascii_lowercase();
            if !READ[1..].contains(&name.as_str()) {
                continue;
            }
            ex.guard.read(entry, out, |out| {
                let mut ctx = Ctx { file: entry, owner: &owner, out };
                match name.as_str() {
                    "connections.csv" => ctx.connections(open_table(ex.src, entry, false)?),
                    "messages.csv" => ctx.messages(open_table(ex.src, entry, false)?),
                    "shares.csv" => ctx.shares(open_table(ex.src, entry, false)?),
                    "comments.csv" => ctx.comments(open_table(ex.src, entry, true)?),
                    "invitations.csv" => ctx.invitations(open_table(ex.src, entry, false)?),
                    _ => ctx.reactions(open_table(ex.src, entry, false)?),
                }
            })?;
        }
        Ok(())
    })
}

fn base(entry: &str) -> &str {
    entry.rsplit('/').next().unwrap_or(entry)
}

// ---------------------------------------------------------------------------
// Reading LinkedIn's CSV files.

/// A CSV file with its header, read one row at a time.
struct Table<'a> {
    file: String,
    reader: csv::Reader<Box<dyn Read + 'a>>,
    /// Normalised column name (lower case, no spaces or underscores) → index.
    columns: HashMap<String, usize>,
    /// Lines before the header (the `Notes:` preamble).
    offset: u64,
    /// Starts the count of bytes of one record again, at each record.
    bound: BoundReset,
}

fn normalise(column: &str) -> String {
    column.trim().chars().filter(|c| !matches!(c, ' ' | '_' | '-')).flat_map(char::to_lowercase).collect()
}

/// One row, with its line number in the file.
struct Row {
    record: csv::StringRecord,
    line: u64,
}

impl Table<'_> {
    fn col(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.columns.get(&normalise(n)).copied())
    }

    /// The index of a column the file must have.
    fn need(&self, names: &[&str]) -> Result<usize, ImportError> {
        self.col(names).ok_or_else(|| {
            let mut have: Vec<(&String, &usize)> = self.columns.iter().collect();
            have.sort_by_key(|(_, i)| **i);
            ImportError::format(
                &self.file,
                format!("line {} (header)", self.offset + 1),
                format!("a `{}` column", names[0]),
                format!(
                    "the columns {}",
                    have.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })
    }

    fn next(&mut self) -> Option<Result<Row, ImportError>> {
        let mut record = csv::StringRecord::new();
        self.bound.reset();
        // Where the next record starts, for an error that carries no position.
        let next_line = self.offset + self.reader.position().line();
        match self.reader.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.offset + record.position().map_or(0, csv::Position::line);
                Some(Ok(Row { record, line }))
            }
            Err(e) => Some(Err(util::csv_error(&self.file, self.offset, next_line, &e))),
        }
    }
}

impl Row {
    fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|i| self.record.get(i)).map_or("", str::trim)
    }
    fn position(&self) -> String {
        format!("line {}", self.line)
    }
}

/// Open a CSV entry: decode UTF-16 (the 2018 `Shares.csv`), drop a BOM, make
/// every line end `\n`, skip the `Notes:` preamble, and pick the delimiter
/// (comma or tab) from the header.
fn open_table<'a>(
    src: &'a mut dyn ExportSource,
    file: &str,
    backslash_escapes: bool,
) -> Result<Table<'a>, ImportError> {
    let io =
        |e: std::io::Error| ImportError::Io { path: file.to_string(), message: format!("cannot read: {e}") };
    let mut raw: Box<dyn BufRead + 'a> = Box::new(BufReader::with_capacity(1 << 16, src.open(file)?));
    let head = raw.fill_buf().map_err(io)?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        // UTF-16 cannot be streamed through the CSV reader: decode the file.
        let text = util::read_text(raw, file)?;
        raw = Box::new(Cursor::new(text.into_bytes()));
    } else if head.starts_with(b"\xEF\xBB\xBF") {
        raw.consume(3);
    }
    // Line ends are mended on text, never on UTF-16 bytes (a `\r` byte can be half a character there).
    let mut input = BufReader::with_capacity(1 << 16, LineEnds::new(raw));
    let mut offset = 0u64;
    let mut line = Vec::new();
    let mut read_line = |line: &mut Vec<u8>, at: u64| match util::read_line(&mut input, line, caps::MAX_LINE)
    {
        Ok(util::Line::TooLong) => Err(util::csv_too_long(file, at)),
        Ok(l) => Ok(l),
        Err(e) => Err(io(e)),
    };
    read_line(&mut line, 1)?;
    if line.starts_with(b"Notes:") {
        // The preamble: a `Notes:` line, a quoted paragraph, blank lines.
        let mut quotes = 0usize;
        loop {
            offset += 1;
            if read_line(&mut line, offset + 1)? == util::Line::End {
                return Err(ImportError::format(
                    file,
                    format!("line {}", offset + 1),
                    "a header after the `Notes:` preamble",
                    "the end of the file",
                ));
            }
            let inside = quotes % 2 == 1;
            quotes += line.iter().filter(|&&b| b == b'"').count();
            let blank = line.iter().all(u8::is_ascii_whitespace);
            if !(inside || blank || line.starts_with(b"\"")) {
                break;
            }
        }
    }
    let tabs = line.iter().filter(|&&b| b == b'\t').count();
    let commas = line.iter().filter(|&&b| b == b',').count();
    let delimiter = if tabs > commas { b'\t' } else { b',' };
    let (bounded, bound) = Bounded::new(Cursor::new(line).chain(input), caps::MAX_LINE);
    let reader: Box<dyn Read + 'a> = Box::new(bounded);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .escape(backslash_escapes.then_some(b'\\'))
        // Every line end is `\n` by now (`LineEnds`); with CRLF as terminator
        // the csv crate would report each record one line early.
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let header = reader.headers().map_err(|e| util::csv_error(file, offset, offset + 1, &e))?;
    let columns = header.iter().enumerate().map(|(i, c)| (normalise(c), i)).collect();
    Ok(Table { file: file.to_string(), reader, columns, offset, bound })
}

// ---------------------------------------------------------------------------
// Dates.

fn time_of_day(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.trim();
    let (clock, pm) = if let Some(c) = s.strip_suffix("PM").or_else(|| s.strip_suffix("pm")) {
        (c.trim(), Some(true))
    } else if let Some(c) = s.strip_suffix("AM").or_else(|| s.strip_suffix("am")) {
        (c.trim(), Some(false))
    } else {
        (s, None)
    };
    let parts: Vec<u32> = clock.split(':').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
    let (mut h, m, sec) = match parts.as_slice() {
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    (h < 24 && m < 60 && sec <= 60).then_some((h, m, sec))
}

fn year(y: &str) -> Option<i64> {
    let n: i64 = y.trim().parse().ok()?;
    match y.trim().len() {
        2 => Some(2000 + n),
        4 => Some(n),
        _ => None,
    }
}

/// Every date format LinkedIn has used, to Unix seconds (UTC when no zone).
fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    // 2021-06-15 16:37:00 UTC, 2017/06/08 08:15:44 UTC
    if b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && (b[4] == b'-' || b[4] == b'/') {
        let iso = s.replacen('/', "-", 2);
        let ok = iso.get(5..7).and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| (1..=12).contains(&m))
            && iso.get(8..10).and_then(|d| d.parse::<u32>().ok()).is_some_and(|d| (1..=31).contains(&d));
        return if ok { util::parse_iso(&iso) } else { None };
    }
    // 1/8/18, 6:14 PM   6/14/2021 7:47 PM   6/14/21
    if s.contains('/') {
        let (date, time) = match s.find([',', ' ']) {
            Some(i) => (&s[..i], Some(s[i + 1..].trim_start_matches([',', ' ']))),
            None => (s, None),
        };
        let p: Vec<&str> = date.split('/').collect();
        let [m, d, y] = p.as_slice() else { return None };
        let (m, d, y): (u32, u32, i64) = (m.parse().ok()?, d.parse().ok()?, year(y)?);
        let (h, mi, sec) = match time {
            Some(t) if !t.is_empty() => time_of_day(t)?,
            _ => (0, 0, 0),
        };
        return ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| util::unix(y, m, d, h, mi, sec));
    }
    // 17 Jun 2021, 18-Jun-24
    let p: Vec<&str> = s.split([' ', '-']).filter(|x| !x.is_empty()).collect();
    if p.len() >= 3 {
        let d: u32 = p[0].parse().ok()?;
        let m = util::month(p[1])?;
        let y = year(p[2])?;
        let (h, mi, sec) = if p.len() > 3 { time_of_day(&p[3..].join(" "))? } else { (0, 0, 0) };
        return (1..=31).contains(&d).then(|| util::unix(y, m, d, h, mi, sec));
    }
    None
}

// ---------------------------------------------------------------------------
// Text.

/// Decode HTML character references (`&amp;`, `&rsquo;`, `&#39;`, `&#x1F600;`).
/// Unknown names are left as they are.
pub(crate) fn decode_html_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|j| j + 1);
        let decoded = match end {
            Some(e) if rest.as_bytes()[e] == b';' && e > 1 => entity(&rest[1..e]).map(|c| (c, e + 1)),
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        "rdquo" => '\u{201d}',
        "ldquo" => '\u{201c}',
        "sbquo" => '\u{201a}',
        "bdquo" => '\u{201e}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "euro" => '\u{20ac}',
        "pound" => '\u{a3}',
        "yen" => '\u{a5}',
        "cent" => '\u{a2}',
        "deg" => '\u{b0}',
        "times" => '\u{d7}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "eacute" => '\u{e9}',
        "egrave" => '\u{e8}',
        "aacute" => '\u{e1}',
        "agrave" => '\u{e0}',
        "iacute" => '\u{ed}',
        "oacute" => '\u{f3}',
        "uacute" => '\u{fa}',
        "ntilde" => '\u{f1}',
        "ccedil" => '\u{e7}',
        "auml" => '\u{e4}',
        "ouml" => '\u{f6}',
        "uuml" => '\u{fc}',
        "szlig" => '\u{df}',
        _ => return None,
    })
}

/// LinkedIn writes a multi-line post with each line wrapped in quotes
/// (`line1"` / `""` / `"line2`, once the CSV quoting is undone): unwrap them.
/// Line ends become `\n`.
fn unwrap_lines(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    let lines: Vec<&str> = s.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let last = lines.len() - 1;
    let wrapped = lines
        .iter()
        .enumerate()
        .all(|(i, l)| (i == 0 || l.starts_with('"')) && (i == last || l.ends_with('"')));
    if !wrapped {
        return lines.join("\n");
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let l = if i > 0 { &l[1..] } else { l };
            if i < last { l.strip_suffix('"').unwrap_or(l) } else { l }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// The owner.

#[derive(Default)]
struct Owner {
    person: Option<Person>,
    source: Option<SourceRef>,
    /// Lower-cased names and profile URLs that mean the owner.
    keys: HashSet<String>,
}

fn key(s: &str) -> String {
    s.trim().trim_end_matches('/').to_lowercase()
}

impl Owner {
    fn is(&self, name: &str, url: &str) -> bool {
        (!name.is_empty() && self.keys.contains(&key(name)))
            || (!url.is_empty() && self.keys.contains(&key(url)))
    }
    fn author(&self) -> Person {
        self.person.clone().unwrap_or_else(util::unnamed_owner)
    }
    fn set(&mut self, name: &str, url: &str, source: SourceRef) {
        let url = url.trim();
        self.person = Some(Person {
            handle: if url.is_empty() { name.trim().to_string() } else { url.to_string() },
            name: Some(name.trim().to_string()),
            profile_url: (!url.is_empty()).then(|| url.to_string()),
            email: None,
        });
        self.source = Some(source);
        self.keys.insert(key(name));
        if !url.is_empty() {
            self.keys.insert(key(url));
        }
    }
}

fn find_owner(ex: &mut Export, entries: &[String], out: &mut Out) -> Result<Owner, ImportError> {
    let mut owner = Owner::default();
    if let Some((given, source)) = util::given_owner(ex.opts) {
        for k in [Some(&given.handle), given.name.as_ref(), given.profile_url.as_ref(), given.email.as_ref()]
            .into_iter()
            .flatten()
        {
            owner.keys.insert(key(k));
        }
        (owner.person, owner.source) = (Some(given), Some(source));
        return Ok(owner);
    }
    let named = |n: &str| {
        entries.iter().filter(move |e| base(e).eq_ignore_ascii_case(n)).cloned().collect::<Vec<_>>()
    };
    for entry in named("Profile.csv") {
        let found = ex.guard.scan(&entry, out, || {
            let mut t = open_table(ex.src, &entry, false)?;
            let (first, last) = (t.col(&["First Name"]), t.col(&["Last Name"]));
            let Some(row) = t.next() else { return Ok(None) };
            let row = row?;
            let name = format!("{} {}", row.get(first), row.get(last)).trim().to_string();
            if name.is_empty() {
                return Ok(None);
            }
            let person = Person::named(name.as_str());
            caps::check_person(&person, &entry, &row.position(), "owner")?;
            Ok(Some((name, row.position())))
        })?;
        if let Some(Some((name, position))) = found {
            owner.set(&name, "", SourceRef { file: entry.clone(), position });
            return Ok(owner);
        }
    }
    // The guesses below count names: one over the cap is no one's (its file
    // is refused when read for its records).
    for entry in named("messages.csv") {
        let found = ex.guard.scan(&entry, out, || owner_in_messages(ex.src, &entry))?;
        if let Some(Some((name, url, source))) = found {
            owner.set(&name, &url, source);
            return Ok(owner);
        }
    }
    for entry in named("Invitations.csv") {
        let found = ex.guard.scan(&entry, out, || owner_in_invitations(ex.src, &entry))?;
        if let Some(Some((name, source))) = found {
            owner.set(&name, "", source);
            return Ok(owner);
        }
    }
    Ok(owner)
}

/// The owner as `messages.csv` shows them: the sender of most OUTGOING rows
/// (2018), else the person in most conversations. Name, profile URL, where.
fn owner_in_messages(
    src: &mut dyn ExportSource,
    entry: &str,
) -> Result<Option<(String, String, SourceRef)>, ImportError> {
    let mut t = open_table(src, entry, false)?;
    let (from, url, to, direction, conv) = (
        t.col(&["FROM"]),
        t.col(&["SENDER PROFILE URL"]),
        t.col(&["TO"]),
        t.col(&["Direction"]),
        t.col(&["CONVERSATION ID"]),
    );
    let recipient_urls = t.col(&["RECIPIENT PROFILE URLS"]);
    // name → (conversations, appearances, a profile URL, first line)
    let mut seen: BTreeMap<String, (HashSet<String>, usize, String, u64)> = BTreeMap::new();
    while let Some(row) = t.next() {
        let row = row?;
        let mut note = |name: &str, conversation: String, url: &str| {
            if name.is_empty() || !caps::fits(name) || url.len() > caps::MAX_LINK {
                return;
            }
            let e =
                seen.entry(name.to_string()).or_insert_with(|| (HashSet::new(), 0, String::new(), row.line));
            e.0.insert(conversation);
            e.1 += 1;
            if e.2.is_empty() {
                e.2 = url.to_string();
            }
        };
        if direction.is_some() {
            // 2018: the owner sends the OUTGOING rows.
            if row.get(direction).eq_ignore_ascii_case("OUTGOING") {
                note(row.get(from), String::new(), "");
            }
        } else {
            let c = row.get(conv).to_string();
            note(row.get(from), c.clone(), row.get(url));
            for (name, url) in recipients(row.get(to), row.get(recipient_urls)) {
                note(name, c.clone(), url);
            }
        }
    }
    if let Some((name, (_, _, url, line))) = seen
        .into_iter()
        .max_by(|a, b| (a.1.0.len(), a.1.1).cmp(&(b.1.0.len(), b.1.1)).then_with(|| b.0.cmp(&a.0)))
    {
        let what = if direction.is_some() {
            "the sender of most OUTGOING messages"
        } else {
            "the person in most conversations"
        };
        let source = SourceRef { file: entry.to_string(), position: format!("line {line} ({what})") };
        return Ok(Some((name, url, source)));
    }
    Ok(None)
}

/// The owner as `Invitations.csv` shows them: the name on the owner's side of most rows.
fn owner_in_invitations(
    src: &mut dyn ExportSource,
    entry: &str,
) -> Result<Option<(String, SourceRef)>, ImportError> {
    let mut t = open_table(src, entry, false)?;
    let (from, to, direction) = (t.col(&["From"]), t.col(&["To"]), t.col(&["Direction"]));
    let mut counts: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    while let Some(row) = t.next() {
        let row = row?;
        let name =
            if row.get(direction).eq_ignore_ascii_case("OUTGOING") { row.get(from) } else { row.get(to) };
        if !name.is_empty() && caps::fits(name) {
            counts.entry(name.to_string()).or_insert((0, row.line)).0 += 1;
        }
    }
    Ok(counts.into_iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(&a.0))).map(
        |(name, (_, line))| {
            let position = format!("line {line} (the owner's side of the invitations)");
            (name, SourceRef { file: entry.to_string(), position })
        },
    ))
}

// ---------------------------------------------------------------------------
// The files.

/// The recipients of a message: `TO` holds several names, separated by
/// commas, only when `RECIPIENT PROFILE URLS` has as many URLs (a name may
/// contain a comma itself).
fn recipients<'r>(to: &'r str, urls: &'r str) -> Vec<(&'r str, &'r str)> {
    let urls: Vec<&str> = urls.split(',').map(str::trim).filter(|u| !u.is_empty()).collect();
    let names: Vec<&str> = to.split(',').map(str::trim).collect();
    if urls.len() > 1 && names.len() == urls.len() {
        return names.into_iter().zip(urls).filter(|(n, u)| !n.is_empty() || !u.is_empty()).collect();
    }
    let url = if urls.len() == 1 { urls[0] } else { "" };
    if to.is_empty() && url.is_empty() { Vec::new() } else { vec![(to, url)] }
}

struct Ctx<'a, 'o, 'e> {
    file: &'a str,
    owner: &'a Owner,
    out: &'a mut Out<'o, 'e>,
}

/// Someone in the export. The handle is the profile URL, else the name (the
/// only key the 2018 files share), else the email.
fn person(name: &str, url: &str, email: &str) -> Person {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let handle = [url, name, email].into_iter().find(|s| !s.is_empty()).unwrap_or("unknown").to_string();
    Person { handle, name: opt(name), profile_url: opt(url), email: opt(email) }
}

impl Ctx<'_, '_, '_> {
    fn skip(&mut self, row: &Row, reason: impl Into<String>) {
        self.out.skip(Skip::record(self.file, row.position(), reason));
    }

    /// The row's date, or a skip naming the column.
    fn date(&mut self, row: &Row, col: Option<usize>, column: &str) -> Option<i64> {
        let raw = row.get(col);
        let at = parse_date(raw);
        if at.is_none() {
            self.skip(row, format!("the {column} `{raw}` is not a date"));
        }
        at
    }

    #[allow(clippy::too_many_arguments)]
    fn item(
        &mut self,
        row: &Row,
        kind: ItemKind,
        external_id: Option<String>,
        author: Person,
        by_owner: bool,
        counterparts: Vec<Person>,
        thread: Option<String>,
        parent: Option<String>,
        at: i64,
        text: String,
    ) -> Result<(), ImportError> {
        self.out.emit(Record::Item(Item {
            network: NET,
            kind,
            external_id,
            author,
            by_owner,
            counterparts,
            thread,
            parent,
            at,
            text,
            source: SourceRef { file: self.file.to_string(), position: row.position() },
        }))
    }

    /// The owner's comment or reaction on the post at `link` (when the
    /// export gives it): the post is both its thread and its parent.
    fn on_post(
        &mut self,
        row: &Row,
        kind: ItemKind,
        link: &str,
        at: i64,
        text: String,
    ) -> Result<(), ImportError> {
        let post = Some(link.to_string()).filter(|l| !l.is_empty());
        self.item(row, kind, None, self.owner.author(), true, Vec::new(), post.clone(), post, at, text)
    }

    fn connections(&mut self, mut t: Table<'_>) -> Result<(), ImportError> {
        let (first, last) = (t.need(&["First Name"])?, t.col(&["Last Name"]));
        let (url, email, company, position) = (
            t.col(&["URL", "Profile URL"]),
            t.col(&["Email Address", "Email"]),
            t.col(&["Company"]),
            t.col(&["Position"]),
        );
        let connected = t.need(&["Connected On"])?;
        while let Some(row) = t.next() {
            let row = row?;
            let name = format!("{} {}", row.get(Some(first)), row.get(last)).trim().to_string();
            if name.is_empty() && row.get(url).is_empty() {
                self.skip(&row, "a connection without a name or URL");
                continue;
            }
            let Some(at) = self.date(&row, Some(connected), "Connected On") else { continue };
            let them = person(&name, row.get(url), row.get(email));
            let text = match (row.get(position), row.get(company)) {
                ("", "") => String::new(),
                (p, "") => p.to_string(),
                ("", c) => c.to_string(),
                (p, c) => format!("{p} at {c}"),
            };
            self.item(
                &row,
                ItemKind::Connection,
                None,
                them.clone(),
                false,
                vec![them],
                None,
                None,
                at,
                text,
            )?;
        }
        Ok(())
    }

    fn messages(&mut self, mut t: Table<'_>) -> Result<(), ImportError> {
        let old = t.col(&["Direction"]).is_some() && t.col(&["CONVERSATION ID"]).is_none();
        let from = t.need(&["FROM"])?;
        let to = t.col(&["TO"]);
        let date = t.need(&["DATE"])?;
        let content = t.need(&["CONTENT"])?;
        let (conv, sender_url, recipient_urls, direction) = (
            t.col(&["CONVERSATION ID"]),
            t.col(&["SENDER PROFILE URL"]),
            t.col(&["RECIPIENT PROFILE URLS"]),
            t.col(&["Direction"]),
        );
        while let Some(row) = t.next() {
            let row = row?;
            let content = row.get(Some(content)).replace("\r\n", "\n");
            let text = if old { decode_html_entities(&content).into_owned() } else { content };
            if text.trim().is_empty() {
                self.skip(&row, "a message without content");
                continue;
            }
            let Some(at) = self.date(&row, Some(date), "DATE") else { continue };
            let (from_name, from_url) = (row.get(Some(from)), row.get(sender_url));
            let by_owner = match direction {
                Some(_) if !row.get(direction).is_empty() => {
                    row.get(direction).eq_ignore_ascii_case("OUTGOING")
                }
                _ => self.owner.is(from_name, from_url),
            };
            let author = if by_owner && self.owner.person.is_some() {
                self.owner.author()
            } else {
                person(from_name, from_url, "")
            };
            let to_names = row.get(to);
            let mut counterparts: Vec<Person> = recipients(to_names, row.get(recipient_urls))
                .into_iter()
                .map(|(n, url)| {
                    if self.owner.is(n, url) && self.owner.person.is_some() {
                        self.owner.author()
                    } else {
                        person(n, url, "")
                    }
                })
                .collect();
            if counterparts.is_empty() && !by_owner {
                counterparts.extend(self.owner.person.clone());
            }
            let thread = match conv {
                Some(_) => Some(row.get(conv).to_string()).filter(|c| !c.is_empty()),
                // 2018: no conversation id; the conversation is with the other person.
                None => {
                    Some(if by_owner { to_names } else { from_name }.to_string()).filter(|c| !c.is_empty())
                }
            };
            self.item(&row, ItemKind::Message, None, author, by_owner, counterparts, thread, None, at, text)?;
        }
        Ok(())
    }

    fn shares(&mut self, mut t: Table<'_>) -> Result<(), ImportError> {
        let date = t.need(&["Date"])?;
        let (link, commentary, shared, title) = (
            t.col(&["ShareLink", "Share Link"]),
            t.col(&["ShareCommentary", "Share Commentary"]),
            t.col(&["SharedURL", "Shared URL"]),
            t.col(&["Share Title"]),
        );
        if link.is_none() && commentary.is_none() {
            return Err(t.need(&["ShareCommentary"]).err().unwrap_or_else(|| {
                ImportError::format(&t.file, "line 1", "a ShareCommentary column", "none")
            }));
        }
        while let Some(row) = t.next() {
            let row = row?;
            let Some(at) = self.date(&row, Some(date), "Date") else { continue };
            let said = unwrap_lines(row.get(commentary));
            // LinkedIn reuses one ShareLink for many different posts (seen: 81
            // rows with one link in a real export), so the link alone is no id:
            // pair it with the date.
            let id = Some(row.get(link).to_string())
                .filter(|l| !l.is_empty())
                .map(|l| format!("{l}@{}", row.get(Some(date))));
            let (kind, text) = if said.trim().is_empty() {
                // No words of the owner's: a share of a link or of another post.
                let what = [row.get(shared), row.get(title)]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .to_string();
                (ItemKind::Share, what)
            } else {
                (ItemKind::Post, said)
            };
            let parent =
                Some(row.get(shared).to_string()).filter(|s| !s.is_empty() && kind == ItemKind::Share);
            self.item(&row, kind, id, self.owner.author(), true, Vec::new(), None, parent, at, text)?;
        }
        Ok(())
    }

    fn comments(&mut self, mut t: Table<'_>) -> Result<(), ImportError> {
        let date = t.need(&["Date"])?;
        let message = t.need(&["Message"])?;
        let link = t.col(&["Link"]);
        while let Some(row) = t.next() {
            let row = row?;
            let text = unwrap_lines(row.get(Some(message)));
            if text.trim().is_empty() {
                self.skip(&row, "a comment without text");
                continue;
            }
            let Some(at) = self.date(&row, Some(date), "Date") else { continue };
            self.on_post(&row, ItemKind::Comment, row.get(link), at, text)?;
        }
        Ok(())
    }

    fn invitations(&mut self, mut t: Table<'_>) -> Result<(), ImportError> {
        let (from, to) = (t.need(&["From"])?, t.need(&["To"])?);
        let sent = t.need(&["Sent At"])?;
        let (message, direction) = (t.col(&["Message"]), t.col(&["Direction"]));
        let (from_url, to_url) = (t.col(&["inviterProfileUrl"]), t.col(&["inviteeProfileUrl"]));
        while let Some(row) = t.next() {
            let row = row?;
            let Some(at) = self.date(&row, Some(sent), "Sent At") else { continue };
            let by_owner = match direction {
                Some(_) => row.get(direction).eq_ignore_ascii_case("OUTGOING"),
                None => self.owner.is(row.get(Some(from)), row.get(from_url)),
            };
            // A connection's author and counterpart are both the other person.
            let them = if by_owner {
                person(row.get(Some(to)), row.get(to_url), "")
            } else {
                person(row.get(Some(from)), row.get(from_url), "")
            };
            if them.name.is_none() && them.profile_url.is_none() {
                self.skip(&row, "an invitation without the other person's name");
                continue;
            }
            self.item(
                &row,
                ItemKind::Connection,
                None,
                them.clone(),
                by_owner,
                vec![them],
                None,
                None,
                at,
                row.get(message).to_string(),
            )?;
        }
        Ok(())
    }

    fn reactions(&mut self, mut t: Table<'_>) -> Result<(), ImportError> {
        let date = t.need(&["Date"])?;
        let (kind, link) = (t.col(&["Type"]), t.col(&["Link"]));
        while let Some(row) = t.next() {
            let row = row?;
            let Some(at) = self.date(&row, Some(date), "Date") else { continue };
            let what =
                Some(row.get(kind).to_lowercase()).filter(|k| !k.is_empty()).unwrap_or_else(|| "like".into());
            self.on_post(&row, ItemKind::Reaction, row.get(link), at, what)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_linkedin_date_format() {
        assert_eq!(parse_date("17 Jun 2021"), Some(util::unix(2021, 6, 17, 0, 0, 0)));
        assert_eq!(parse_date("18-Jun-24"), Some(util::unix(2024, 6, 18, 0, 0, 0)));
        assert_eq!(parse_date("1/8/18, 6:14 PM"), Some(util::unix(2018, 1, 8, 18, 14, 0)));
        assert_eq!(parse_date("12/17/17, 12:05 AM"), Some(util::unix(2017, 12, 17, 0, 5, 0)));
        assert_eq!(parse_date("2021-06-15 16:37:00 UTC"), Some(util::unix(2021, 6, 15, 16, 37, 0)));
        assert_eq!(parse_date("2017/06/08 08:15:44 UTC"), Some(util::unix(2017, 6, 8, 8, 15, 44)));
        assert_eq!(parse_date("2021-06-16 15:00:02"), Some(util::unix(2021, 6, 16, 15, 0, 2)));
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("13/45/18, 6:14 PM"), None);
        assert_eq!(parse_date("2021-13-01"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn decodes_html_entities_and_leaves_the_rest() {
        assert_eq!(
            decode_html_entities("I&rsquo;d &amp; you&nbsp;too &#39;x&#x27; &bogus; a & b"),
            "I\u{2019}d & you\u{a0}too 'x' &bogus; a & b"
        );
        assert_eq!(decode_html_entities("plain"), "plain");
        assert_eq!(decode_html_entities("&"), "&");
        assert_eq!(decode_html_entities("&#0; &#xFFFFFFFF;"), "&#0; &#xFFFFFFFF;");
    }

    #[test]
    fn unwraps_the_quoted_lines_of_a_long_post() {
        assert_eq!(unwrap_lines("one\"\r\n\"\"\r\n\"two"), "one\n\ntwo");
        assert_eq!(unwrap_lines("a \"quote\"\r\nnext line"), "a \"quote\"\nnext line");
        assert_eq!(unwrap_lines("single"), "single");
    }
}
